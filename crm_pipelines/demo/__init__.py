"""Demo data: `crm-pipelines seed-demo`."""
