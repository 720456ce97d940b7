"""The CEO's daily report: the `daily_report` asset, its rendering and delivery."""
