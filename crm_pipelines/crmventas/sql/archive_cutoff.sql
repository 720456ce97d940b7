-- The moment before which a quiet thread is archived: the newest mirrored message (the highest
-- id: the primary key's last entry, whatever the mirror's size) less :archive_days. Anchored
-- to the data, not the clock, so the mirror is a function of CRM Ventas's rows alone (a resync
-- next month gives the same statuses); on a live CRM the newest message is minutes old.
SELECT m.created_at - make_interval(days => CAST(:archive_days AS integer))
FROM messages AS m
ORDER BY m.id DESC
LIMIT 1;
