-- One batch: daily reports of days before :cutoff_day, with their days (daily_report partitions).
-- Batching as in delete_old_seller_metrics.sql. Index: daily_reports_date_idx.
WITH gone AS (
    DELETE FROM daily_reports
    WHERE ctid = ANY(ARRAY(SELECT ctid FROM daily_reports
                           WHERE report_date < CAST(:cutoff_day AS date)
                           LIMIT :batch_size
                           FOR UPDATE SKIP LOCKED))
    RETURNING report_date
)
SELECT count(*) AS affected, array_agg(DISTINCT report_date) AS days FROM gone;
