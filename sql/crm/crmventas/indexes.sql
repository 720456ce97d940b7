-- CRM-side, CRM_SOURCE=crmventas: what the incremental sync (crm_pipelines/crmventas/) reads from
-- CRM Ventas's tables by its watermarks, so that a sync reads only what changed since the last
-- one instead of scanning the tables. chat_messages is read by its primary key (id > watermark)
-- and its threads by CRM Ventas's own idx_chat_messages_tenant_from_created. Built with CREATE
-- INDEX CONCURRENTLY, one at a time (never a write lock on the live CRM); an invalid leftover is
-- rebuilt. Runs with search_path = CRM_SCHEMA.

-- leads edited since the last sync (status, assignee, probability)
CREATE INDEX CONCURRENTLY IF NOT EXISTS crm_pipelines_leads_updated_idx
    ON leads (updated_at);

-- notes written or edited since the last sync (next contact dates, calls)
CREATE INDEX CONCURRENTLY IF NOT EXISTS crm_pipelines_lead_notes_updated_idx
    ON lead_notes (updated_at);

-- tasks created, moved or completed since the last sync
CREATE INDEX CONCURRENTLY IF NOT EXISTS crm_pipelines_lead_tasks_updated_idx
    ON lead_tasks (updated_at);

-- status changes since the last sync (a won lead's converted_at)
CREATE INDEX CONCURRENTLY IF NOT EXISTS crm_pipelines_lead_status_history_created_idx
    ON lead_status_history (created_at);


-- a synced lead's scheduled agenda events (its next follow-up): CRM Ventas has no index on the
-- lead, and without one every lead synced would scan the whole agenda, however old
CREATE INDEX CONCURRENTLY IF NOT EXISTS crm_pipelines_seller_agenda_events_lead_idx
    ON seller_agenda_events (lead_id);
