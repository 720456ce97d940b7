-- CRM Ventas knows a conversation only as a thread (tenant_id, from_number): each conversation
-- gets its customer's phone, numbered in the order the conversations began.
CREATE TEMP TABLE threads ON COMMIT DROP AS
SELECT c.id, c.tenant_id, c.assigned_seller_id, c.channel, c.created_at, c.customer_name,
       '+54911' || lpad(CAST(row_number() OVER (ORDER BY c.created_at, c.id) AS text), 8, '0') AS phone
FROM pg_temp.conversations AS c;
CREATE INDEX ON pg_temp.threads (id);
ANALYZE pg_temp.threads;
