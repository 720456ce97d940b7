-- What is still waiting in the outbox (a later check sends it).
SELECT count(*) FROM notification_outbox;
