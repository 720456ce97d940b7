-- The notifications the pipelines create live in the CRM's own `notifications` table (its UI shows
-- them); what the pipelines need to remember about them lives here, in our schema.

-- Which of our four notification types an id belongs to, by the id patterns of SPEC 3; the
-- cleanup deletes nothing else (every other row of `notifications` is the CRM's). The
-- recipient-less `performance_{seller}_{day}` of earlier versions is ours too.
CREATE OR REPLACE FUNCTION notification_is_ours(type text, id text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE type
        WHEN 'unanswered' THEN id ~ '^unanswered_[0-9a-f-]{36}_-?[0-9]+$'
        WHEN 'hot_lead' THEN id ~ '^hot_lead_[0-9a-f-]{36}_-?[0-9]+$'
        WHEN 'followup' THEN id ~ '^followup_[0-9a-f-]{36}_-?[0-9]+$'
        WHEN 'performance_alert' THEN id ~ '^performance_[0-9a-f-]{36}_[0-9]{8}(_[0-9a-f-]{36})?$'
        ELSE false
    END;

-- The ledger of notified situations (SPEC 3): a situation is notified once while it lasts, also
-- after its notification expired and was cleaned. A rule claims a situation's id here and writes
-- the notification only for ids it claimed (same statement); cleanup prunes ids whose situation
-- has ended (the conversation was answered, the lead contacted or moved, the day is over).
CREATE TABLE IF NOT EXISTS notified_situations (
    id           varchar(255) PRIMARY KEY,   -- the notification's id (SPEC 3)
    tenant_id    integer NOT NULL,
    type         text NOT NULL,
    notified_at  timestamptz NOT NULL
);
-- cleanup_sensor's question: any situation notified before the retention (it may have ended)?
CREATE INDEX IF NOT EXISTS notified_situations_notified_at_idx ON notified_situations (notified_at);

-- Notifications committed but not yet sent (SPEC 4): a row is written in the same statement as
-- its notification and deleted once Redis took its event; a check sends what an earlier one
-- could not (Redis down), until it is sent or its notification expires.
CREATE TABLE IF NOT EXISTS notification_outbox (
    id          varchar(255) PRIMARY KEY,    -- the notification's id
    queued_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notification_outbox_queued_idx ON notification_outbox (queued_at, id);

-- An install that already has our notifications: their situations are notified already.
INSERT INTO notified_situations (id, tenant_id, type, notified_at)
SELECT n.id, n.tenant_id, n.type, n.created_at
FROM notifications AS n
WHERE n.type IN ('unanswered', 'hot_lead', 'followup', 'performance_alert')
  AND notification_is_ours(n.type, n.id)
ON CONFLICT (id) DO NOTHING;
