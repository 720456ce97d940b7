-- The indexes defer_message_indexes.sql dropped, built again from their kept definitions once a
-- bulk load's rows are in (IF NOT EXISTS: init-db may have built one meanwhile), each definition
-- forgotten in the same transaction. A plain CREATE INDEX: readers of the mirror go on, only
-- writers wait, and the only writer is the sync itself.
DO $$
DECLARE
    ix record;
BEGIN
    FOR ix IN
        SELECT s.source, s.watermark AS definition
        FROM crmventas_sync_state AS s
        WHERE s.source LIKE 'deferred\_index:%'
        ORDER BY s.source
    LOOP
        EXECUTE regexp_replace(ix.definition, '^CREATE INDEX ', 'CREATE INDEX IF NOT EXISTS ');
        DELETE FROM crmventas_sync_state WHERE source = ix.source;
    END LOOP;
END
$$;
