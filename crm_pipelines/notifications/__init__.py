"""Notification checks: ops in `notification_checks_job`, driven by sensors."""
