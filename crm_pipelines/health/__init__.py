"""`crm-pipelines health`: readiness and liveness of the deployment."""
