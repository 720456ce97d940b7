-- One writer of seller_metrics at a time (held to the end of the transaction): two overlapping
-- refreshes or backfills replace their days one after the other instead of colliding on the key.
SELECT pg_advisory_xact_lock(hashtext('crm_pipelines.seller_metrics'))
