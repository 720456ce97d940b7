-- Without Redis nothing is ever sent (cache, queue and Socket.IO off): the rows stay in
-- PostgreSQL, where the CRM lists them, and the outbox does not grow for ever.
WITH cleared AS (DELETE FROM notification_outbox RETURNING 1)
SELECT count(*) FROM cleared;
