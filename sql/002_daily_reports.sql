-- daily_reports (SPEC 2): the CEO's report of each tenant and day, and where it was delivered.
CREATE TABLE IF NOT EXISTS daily_reports (
    tenant_id     integer NOT NULL,
    report_date   date NOT NULL,
    payload       jsonb NOT NULL,
    html          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_to  jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant_id, report_date)
);
