-- Where a bulk load stops and what it has already seen: the last chat_messages id (rows written
-- later are the next sync's) and the last system_events id (an assignment logged up to here
-- already rewrote the rows the load then reads). Both read from the primary keys' last entries.
SELECT (SELECT max(id) FROM chat_messages) AS chat_messages,
       (SELECT max(id) FROM system_events) AS system_events;
