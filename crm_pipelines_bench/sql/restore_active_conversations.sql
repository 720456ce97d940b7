UPDATE conversations c SET status = 'active'
FROM bench_active_conversations a
WHERE a.id = c.id AND c.status <> 'active';
DROP TABLE bench_active_conversations;
