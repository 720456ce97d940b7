-- Deterministic pseudo-random numbers in [0, 1) from a key: the same seed gives the same data
-- whatever plan PostgreSQL picks (random() would depend on row order). Session-local (pg_temp),
-- so nothing is left behind in the CRM's schema.
CREATE OR REPLACE FUNCTION pg_temp.rnd(key text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashtext(key)::bigint + 2147483648) / 4294967296.0 $$;
