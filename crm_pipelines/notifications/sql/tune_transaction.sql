-- For the rule's transaction only.
-- jit off: the rule statements' estimated cost passes PostgreSQL's jit_above_cost on a large
-- CRM, and JIT-compiling them costs more than running them (measured at the benchmark's large
-- scale: 240 ms of compiling in a 0.5 s hot_lead check).
-- work_mem: a plan that hashes a rule's existing notification ids (170,000 follow-ups there,
-- about 15 MB) spills to temporary files with the 4MB default.
-- enable_seqscan off: every rule is written to be read through indexes (the rules' own partial
-- indexes, one notifications_pkey probe per candidate). With statistics taken while
-- notifications was empty (a new deployment, a cleared table) the planner judged a sequential
-- scan of it cheaper than the index and ran one per candidate: quadratic in the open situations
-- (71 s for 19,000 follow-ups at the benchmark's large scale). Off, it takes the index wherever
-- one applies.
SET LOCAL jit = off;
SET LOCAL work_mem = '64MB';
SET LOCAL enable_seqscan = off
