"""Seller metrics: the daily-partitioned `seller_metrics` asset, its job, schedule and checks."""
