-- For the rule's transaction only. The rule statements' estimated cost passes PostgreSQL's
-- jit_above_cost on a large CRM, and JIT-compiling them costs more than running them (measured
-- at the benchmark's large scale: 240 ms of compiling in a 0.5 s hot_lead check). The anti-join
-- hashes the rule's existing notification ids (170,000 follow-ups there, about 15 MB): with the
-- 4MB default it spills to temporary files.
SET LOCAL jit = off;
SET LOCAL work_mem = '64MB'
