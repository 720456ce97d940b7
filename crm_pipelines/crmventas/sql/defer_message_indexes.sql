-- Before a bulk load into an empty messages mirror: its secondary indexes dropped, each one's
-- definition kept in crmventas_sync_state (source `deferred_index:<name>`) in the same
-- transaction, so that restore_message_indexes.sql builds them again once the rows are in, even
-- after an interruption (whichever sync runs next). Building an index over the loaded rows costs
-- a fraction of maintaining it row by row. Only unique indexes stay (the upsert's arbiter is the
-- primary key). Does nothing when the mirror holds a row: then readers may be using the indexes.
-- Our own table only; the caller sets a lock_timeout (a reader holding the table is waited for
-- briefly, then the load runs with its indexes).
DO $$
DECLARE
    ix record;
BEGIN
    IF EXISTS (SELECT 1 FROM messages) THEN
        RETURN;
    END IF;
    FOR ix IN
        SELECT n.nspname AS schema_name, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
        FROM pg_index AS i
        JOIN pg_class AS c ON c.oid = i.indexrelid
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE i.indrelid = CAST('messages' AS regclass) AND NOT i.indisunique
    LOOP
        INSERT INTO crmventas_sync_state AS s (source, watermark, synced_at)
        VALUES ('deferred_index:' || ix.name, ix.definition, clock_timestamp())
        ON CONFLICT (source) DO UPDATE SET watermark = EXCLUDED.watermark, synced_at = EXCLUDED.synced_at;
        EXECUTE format('DROP INDEX %I.%I', ix.schema_name, ix.name);
    END LOOP;
END
$$;
