"""`crm-pipelines bench`: speed and memory against the bare SQL and the original service."""
