-- One batch: daily reports of days before :cutoff_day, with their days (daily_report partitions).
-- Index: daily_reports_date_idx.
WITH gone AS (
    DELETE FROM daily_reports
    WHERE (tenant_id, report_date) IN (SELECT tenant_id, report_date FROM daily_reports
                                       WHERE report_date < CAST(:cutoff_day AS date)
                                       LIMIT :batch_size
                                       FOR UPDATE SKIP LOCKED)
    RETURNING report_date
)
SELECT count(*) AS affected, array_agg(DISTINCT report_date) AS days FROM gone;
