-- One batch: seller_metrics rows of days before :cutoff_day, with the days they belonged to (the
-- partitions whose status the caller then corrects in Dagster). The batch is addressed by ctid
-- (a TID scan, no pass over the table): FOR UPDATE locks the rows, so their physical address
-- cannot change before the DELETE reads it. Index: seller_metrics_period_idx.
WITH gone AS (
    DELETE FROM seller_metrics
    WHERE ctid = ANY(ARRAY(SELECT ctid FROM seller_metrics
                           WHERE period < CAST(:cutoff_day AS date)
                           LIMIT :batch_size
                           FOR UPDATE SKIP LOCKED))
    RETURNING period
)
SELECT count(*) AS affected, array_agg(DISTINCT period) AS days FROM gone;
