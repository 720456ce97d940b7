-- The CRM's own tables in SPEC section 1's shape, with the CRM app's `notifications` table
-- (SPEC 2). `init-db` runs this file only in an empty database (demo, tests): when none of these
-- tables exists in CRM_SCHEMA. On a real CRM they exist and are never created, altered or
-- dropped (the preflight checks their columns instead). Runs with search_path = CRM_SCHEMA.

CREATE TABLE tenants (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    ceo_email  text NULL
);

CREATE TABLE sellers (
    id          uuid PRIMARY KEY,
    tenant_id   integer NOT NULL REFERENCES tenants (id),
    name        text NOT NULL,
    email       text NOT NULL,
    role        text NOT NULL DEFAULT 'seller' CHECK (role IN ('seller', 'manager', 'ceo')),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
    id                          uuid PRIMARY KEY,
    tenant_id                   integer NOT NULL REFERENCES tenants (id),
    customer_name               text NOT NULL,
    channel                     text NOT NULL DEFAULT 'whatsapp',
    assigned_seller_id          uuid NULL REFERENCES sellers (id),
    status                      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'archived')),
    created_at                  timestamptz NOT NULL DEFAULT now(),
    last_message_time           timestamptz NULL,
    last_message_from_customer  boolean NOT NULL DEFAULT false
);

-- No foreign key on sender/seller: the CRM writes messages from several services and the
-- pipelines must flag (not be stopped by) messages whose seller is unknown.
CREATE TABLE messages (
    id               bigserial PRIMARY KEY,
    tenant_id        integer NOT NULL REFERENCES tenants (id),
    conversation_id  uuid NOT NULL REFERENCES conversations (id),
    sender_type      text NOT NULL,
    seller_id        uuid NULL,
    body             text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE leads (
    id                      uuid PRIMARY KEY,
    tenant_id               integer NOT NULL REFERENCES tenants (id),
    conversation_id         uuid NULL REFERENCES conversations (id),
    assigned_seller_id      uuid NULL REFERENCES sellers (id),
    status                  text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'contacted', 'interested', 'negotiation', 'closed_won', 'closed_lost')),
    conversion_probability  numeric NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    last_contact_time       timestamptz NULL,
    next_follow_up          timestamptz NULL,
    converted_at            timestamptz NULL
);

-- The CRM app's notifications: its UI, REST list and bell show every row (SPEC 2).
CREATE TABLE notifications (
    id                   varchar(255) PRIMARY KEY,
    tenant_id            integer NOT NULL,
    type                 text NOT NULL,
    title                text NOT NULL,
    message              text NOT NULL,
    priority             text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    recipient_id         uuid NOT NULL,
    related_entity_type  text NULL,
    related_entity_id    text NULL,
    metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
    read                 boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NULL
);
