-- For this transaction only. JIT compiling the long metrics statement costs more than it saves
-- (measured: 14 s of compiling for a 1 s query, since PostgreSQL judges by estimated cost); the
-- window's sorts and hashes fit in memory with a little more work_mem than the 4MB default.
SET LOCAL jit = off;
SET LOCAL work_mem = '64MB'
