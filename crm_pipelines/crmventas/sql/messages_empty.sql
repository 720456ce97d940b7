-- Whether the messages mirror is empty: a bulk load into it then reads every row it will hold.
SELECT NOT EXISTS (SELECT 1 FROM messages);
