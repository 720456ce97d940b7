-- SPEC-shaped scratch tables, temporary (dropped at commit): the spec seed's own statements
-- (../0*.sql) fill them, and the files after this one write the same rows in CRM Ventas's shape.
-- Temporary tables come first in every search_path, so those statements land here and never in
-- the mirrors of the same names.
CREATE TEMP TABLE tenants (
    id serial PRIMARY KEY, name text NOT NULL, ceo_email text
) ON COMMIT DROP;
CREATE TEMP TABLE sellers (
    id uuid PRIMARY KEY, tenant_id integer NOT NULL, name text NOT NULL, email text NOT NULL,
    role text NOT NULL, is_active boolean NOT NULL, created_at timestamptz NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE conversations (
    id uuid PRIMARY KEY, tenant_id integer NOT NULL, customer_name text NOT NULL, channel text NOT NULL,
    assigned_seller_id uuid, status text NOT NULL, created_at timestamptz NOT NULL,
    last_message_time timestamptz, last_message_from_customer boolean NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE messages (
    id bigserial PRIMARY KEY, tenant_id integer NOT NULL, conversation_id uuid NOT NULL,
    sender_type text NOT NULL, seller_id uuid, body text NOT NULL, created_at timestamptz NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE leads (
    id uuid PRIMARY KEY, tenant_id integer NOT NULL, conversation_id uuid, assigned_seller_id uuid,
    status text NOT NULL, conversion_probability numeric, created_at timestamptz NOT NULL,
    last_contact_time timestamptz, next_follow_up timestamptz, converted_at timestamptz
) ON COMMIT DROP;
