-- CRM_SOURCE=crmventas: SPEC section 1's five relations as mirror tables in our schema, synced
-- incrementally from CRM Ventas's tables (crm_pipelines/crmventas/sync.py; the mapping per column
-- is docs/crmventas-mapping.md). With the search_path `crm_pipelines, public` every statement of
-- the pipelines (seller_metrics, the notification rules, the report, cleanup) reads these
-- instead of CRM Ventas's tables of the same names (its `sellers`, keyed by integer): the same SQL
-- files for both sources. Columns beyond SPEC's keep what the sync needs to map and reconcile.

CREATE TABLE IF NOT EXISTS tenants (
    id         integer PRIMARY KEY,
    name       text NOT NULL,
    ceo_email  text NULL
);

CREATE TABLE IF NOT EXISTS sellers (
    id          uuid PRIMARY KEY,                -- users.id
    tenant_id   integer NOT NULL,
    name        text NOT NULL,
    email       text NOT NULL,
    role        text NOT NULL,                   -- seller, manager, ceo (from users.role)
    is_active   boolean NOT NULL,                -- users.status = 'active'
    created_at  timestamptz NOT NULL,
    crm_role    text NOT NULL                    -- users.role as CRM Ventas writes it
);

-- One conversation per thread: CRM Ventas identifies a thread by (tenant_id, from_number).
CREATE TABLE IF NOT EXISTS conversations (
    id                          uuid PRIMARY KEY,   -- crm_pipelines_thread_id(tenant_id, from_number)
    tenant_id                   integer NOT NULL,
    customer_name               text NOT NULL,
    channel                     text NOT NULL,
    assigned_seller_id          uuid NULL,
    status                      text NOT NULL,      -- always 'active': CRM Ventas has no conversation status
    created_at                  timestamptz NOT NULL,
    last_message_time           timestamptz NULL,   -- of the last customer or seller message
    last_message_from_customer  boolean NOT NULL,
    customer_phone              text NOT NULL       -- from_number: the CRM frontend's /chat?phone= link
);

CREATE TABLE IF NOT EXISTS messages (
    id               bigint PRIMARY KEY,            -- chat_messages.id
    tenant_id        integer NOT NULL,
    conversation_id  uuid NOT NULL,
    sender_type      text NOT NULL,                 -- customer, seller, bot, system (from role, correlation_id)
    seller_id        uuid NULL,                     -- the thread's assignee when the seller wrote
    body             text NOT NULL,
    created_at       timestamptz NOT NULL,
    from_number      text NOT NULL,
    row_assignee     uuid NULL,                     -- chat_messages.assigned_seller_id as the CRM holds it
    correlation_id   text NULL,
    channel          text NULL                      -- chat_messages.channel_source
);
-- the AI agent's reply carries the correlation_id of the customer message it answers
CREATE INDEX IF NOT EXISTS messages_customer_correlation_idx
    ON messages (conversation_id, correlation_id) WHERE sender_type = 'customer';

CREATE TABLE IF NOT EXISTS leads (
    id                      uuid PRIMARY KEY,
    tenant_id               integer NOT NULL,
    conversation_id         uuid NULL,
    assigned_seller_id      uuid NULL,
    status                  text NOT NULL,          -- SPEC's vocabulary (crmventas_lead_statuses)
    conversion_probability  numeric NULL,           -- close_probability / 100
    created_at              timestamptz NOT NULL,
    last_contact_time       timestamptz NULL,
    next_follow_up          timestamptz NULL,
    converted_at            timestamptz NULL,
    phone_number            text NOT NULL,
    crm_status              text NULL               -- leads.status as CRM Ventas writes it
);
CREATE INDEX IF NOT EXISTS leads_phone_idx ON leads (tenant_id, phone_number);

-- CRM Ventas writes lead statuses from three vocabularies (its English API, its Spanish
-- pipeline stages, short words); this table maps each to SPEC's. A status not listed keeps
-- its own name and so matches no rule (seller_metrics' checks count such leads).
CREATE TABLE IF NOT EXISTS crmventas_lead_statuses (
    crm_status  text PRIMARY KEY,
    status      text NOT NULL
);
INSERT INTO crmventas_lead_statuses (crm_status, status) VALUES
    ('new', 'new'), ('nuevo', 'new'),
    ('contacted', 'contacted'), ('contactado', 'contacted'), ('sin_respuesta', 'contacted'),
    ('interested', 'interested'), ('calificado', 'interested'), ('llamada_agendada', 'interested'),
    ('seguimiento_pendiente', 'interested'),
    ('negotiation', 'negotiation'), ('negociacion', 'negotiation'),
    ('closed_won', 'closed_won'), ('cerrado_ganado', 'closed_won'), ('won', 'closed_won'),
    ('closed_lost', 'closed_lost'), ('cerrado_perdido', 'closed_lost'), ('lost', 'closed_lost'),
    ('deleted', 'closed_lost')
ON CONFLICT (crm_status) DO NOTHING;

-- A stable conversation id for a thread: the md5 of "tenant:phone" read as a uuid.
CREATE OR REPLACE FUNCTION crm_pipelines_thread_id(tenant_id integer, from_number text) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CAST(md5(tenant_id::text || ':' || from_number) AS uuid);

-- What the last sync saw: a watermark per source and when the sync finished.
CREATE TABLE IF NOT EXISTS crmventas_sync_state (
    source       text PRIMARY KEY,                  -- chat_messages, leads, lead_notes, ...
    watermark    text NOT NULL,                     -- the last id or timestamp read (as text)
    synced_at    timestamptz NOT NULL
);
