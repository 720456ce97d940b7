-- Cleanup archives quiet conversations; the bench data set is kept between runs, so the
-- benchmark remembers which were active and puts them back afterwards.
DROP TABLE IF EXISTS bench_active_conversations;
CREATE TABLE bench_active_conversations AS SELECT id FROM conversations WHERE status = 'active';
