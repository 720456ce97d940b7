-- seller_metrics (SPEC 2): one row per (tenant, seller, local day). Ours, in CRM_PIPELINES_SCHEMA
-- (every file of this folder runs with search_path = CRM_PIPELINES_SCHEMA, CRM_SCHEMA): the CRM
-- may have a table of the same name (CRM Ventas does) and never sees this one.
CREATE TABLE IF NOT EXISTS seller_metrics (
    tenant_id                     integer NOT NULL,
    seller_id                     uuid NOT NULL,
    period                        date NOT NULL,
    conversations_total           integer NOT NULL DEFAULT 0,
    conversations_active          integer NOT NULL DEFAULT 0,
    conversations_new             integer NOT NULL DEFAULT 0,
    conversations_unanswered      integer NOT NULL DEFAULT 0,
    messages_sent                 integer NOT NULL DEFAULT 0,
    messages_received             integer NOT NULL DEFAULT 0,
    replies                       integer NOT NULL DEFAULT 0,
    avg_response_time_minutes     double precision NULL,
    median_response_time_minutes  double precision NULL,
    p90_response_time_minutes     double precision NULL,
    first_response_time_minutes   double precision NULL,
    total_chat_time_minutes       double precision NOT NULL DEFAULT 0,
    engagement_rate               double precision NULL,
    leads_generated               integer NOT NULL DEFAULT 0,
    leads_converted               integer NOT NULL DEFAULT 0,
    conversion_rate               double precision NULL,
    hot_leads_open                integer NOT NULL DEFAULT 0,
    follow_ups_due                integer NOT NULL DEFAULT 0,
    productivity_score            double precision NOT NULL DEFAULT 0,
    activity_level                text NOT NULL DEFAULT 'inactive'
        CHECK (activity_level IN ('inactive', 'low', 'medium', 'high')),
    rank_position                 integer NULL,
    computed_at                   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seller_id, period)
);

-- Performance alerts read today's rows; the report reads a day and the 7 or 14 before it;
-- cleanup deletes by age.
CREATE INDEX IF NOT EXISTS seller_metrics_period_idx
    ON seller_metrics (period);
