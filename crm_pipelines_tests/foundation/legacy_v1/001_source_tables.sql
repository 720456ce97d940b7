-- The CRM's own tables (SPEC section 1). In production the CRM owns them; `init-db` creates them
-- for development, tests and demos, and leaves existing tables untouched (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS tenants (
    id         serial PRIMARY KEY,
    name       text NOT NULL,
    ceo_email  text NULL
);

CREATE TABLE IF NOT EXISTS sellers (
    id          uuid PRIMARY KEY,
    tenant_id   integer NOT NULL REFERENCES tenants (id),
    name        text NOT NULL,
    email       text NOT NULL,
    role        text NOT NULL DEFAULT 'seller' CHECK (role IN ('seller', 'manager', 'ceo')),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS conversations (
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
CREATE TABLE IF NOT EXISTS messages (
    id               bigserial PRIMARY KEY,
    tenant_id        integer NOT NULL REFERENCES tenants (id),
    conversation_id  uuid NOT NULL REFERENCES conversations (id),
    sender_type      text NOT NULL,
    seller_id        uuid NULL,
    body             text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS leads (
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
