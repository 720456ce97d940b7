"""Schema migrations and SQL file loading."""
