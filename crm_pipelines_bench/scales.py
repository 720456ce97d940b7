"""The benchmark's data set sizes. seed_demo's rates, with more conversations a day at large:
about 31 messages per seller-day at small and medium, about 80 at large (30 million a year for
1,000 sellers: the volume the large scale is meant to reach)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    tenants: int
    sellers: int  # per tenant
    days: int
    # How many days the original per-seller approach really runs (spread over the range,
    # last day included); its time is extrapolated to every seller-day from there.
    sample_days: int
    # The backfill that is run once as one run and once as a run per partition.
    partition_runs: int = 30
    # Expired notifications the cleanup measurement deletes.
    expired_notifications: int = 200_000
    # seed_demo's max_daily_conversations (5 is its default: about 31 messages per seller-day).
    max_daily_conversations: int = 5

    @property
    def seller_days(self) -> int:
        return self.tenants * self.sellers * self.days

    def describe(self) -> str:
        return f"{self.tenants} tenants x {self.sellers} sellers x {self.days} days"


SCALES = {
    # tiny on purpose: the test runs it end to end on a 2-core machine
    "small": Scale("small", tenants=1, sellers=5, days=14, sample_days=3, partition_runs=5,
                   expired_notifications=20_000),
    "medium": Scale("medium", tenants=2, sellers=100, days=180, sample_days=3),
    "large": Scale("large", tenants=4, sellers=250, days=365, sample_days=2, max_daily_conversations=13),
}
