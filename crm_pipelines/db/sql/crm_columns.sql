-- The columns and types of the CRM's tables that a CRM_SOURCE reads (tables and views alike:
-- information_schema lists both), for init-db's preflight.
SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns AS c
WHERE c.table_schema = :schema
  AND c.table_name = ANY(CAST(:tables AS text[]))
ORDER BY c.table_name, c.ordinal_position;
