"""Cleanup: `cleanup_job` removes expired and old data in batches."""
