"""crm_pipelines: a sales CRM's background work (metrics, reports, notifications, cleanup) on Dagster."""
