-- Tables with more than :min_rows rows (planner estimate): a Seq Scan on one of them is flagged.
SELECT relname FROM pg_class
WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples > :min_rows;
