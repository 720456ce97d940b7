-- Tables the pipelines own (SPEC section 2).

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

-- Same shape as the CRM app's own notifications table so its UI shows them.
CREATE TABLE IF NOT EXISTS notifications (
    id                   varchar(255) PRIMARY KEY,
    tenant_id            integer NOT NULL,
    type                 text NOT NULL,
    title                text NOT NULL,
    message              text NOT NULL,
    priority             text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    recipient_id         uuid NULL,
    related_entity_type  text NULL,
    related_entity_id    text NULL,
    metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
    read                 boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NULL
);

CREATE TABLE IF NOT EXISTS daily_reports (
    tenant_id     integer NOT NULL,
    report_date   date NOT NULL,
    payload       jsonb NOT NULL,
    html          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_to  jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant_id, report_date)
);
