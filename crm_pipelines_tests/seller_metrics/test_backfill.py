"""A single-run backfill: 60 days in one run equal 60 one-day computations row for row, and
running it again changes nothing (no duplicates, same values); overlapping writers wait for each
other. Small seeded data from seed_demo (1 tenant x 4 sellers x 60 days)."""

import threading
import time
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from crm_pipelines.demo.seed import seed_demo
from crm_pipelines.seller_metrics.compute import write_seller_metrics
from crm_pipelines_tests.seller_metrics.dagster_runs import materialization_metadata, materialize

FIRST, LAST = date(2025, 4, 3), date(2025, 6, 1)  # 60 days ending on the seed's "now"


def _snapshot(db) -> dict:
    """Every row of seller_metrics by key, all columns but computed_at."""
    with db.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM seller_metrics")).mappings().all()
    return {(r["tenant_id"], r["seller_id"], r["period"]): {k: v for k, v in r.items() if k != "computed_at"}
            for r in rows}


def test_single_run_backfill_equals_day_by_day_and_reruns_change_nothing(db, settings, resources):
    seed_demo(db, tenants=1, sellers=4, days=60, seed=11, now=datetime(2025, 6, 1, 12, tzinfo=timezone.utc),
              timezone="UTC", progress=False)

    now = datetime.now(timezone.utc)
    for offset in range(60):
        day = FIRST + timedelta(days=offset)
        with db.begin() as conn:
            write_seller_metrics(conn, day, day + timedelta(days=1), now, settings)
    day_by_day = _snapshot(db)
    assert len(day_by_day) == 4 * 60
    assert sum(r["replies"] for r in day_by_day.values()) > 100  # the seed's days are not empty

    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM seller_metrics"))
    result = materialize(settings, resources, first=str(FIRST), last=str(LAST), with_checks=False)
    # one run, one step, every partition of the range materialized by it
    assert result.success
    assert len(result.asset_materializations_for_node("seller_metrics")) == 60
    assert materialization_metadata(result)["rows_written"] == 240
    backfill = _snapshot(db)
    assert backfill == day_by_day

    again = materialize(settings, resources, first=str(FIRST), last=str(LAST), with_checks=False)
    meta = materialization_metadata(again)
    assert (meta["rows_written"], meta["rows_replaced"]) == (240, 240)
    assert _snapshot(db) == day_by_day


def test_overlapping_writers_wait_for_each_other_instead_of_colliding(db, settings):
    """A backfill holds its days' transaction open; an overlapping refresh waits for it (advisory
    lock) and then replaces the shared days: no duplicate-key error, no half-written day."""
    seed_demo(db, tenants=1, sellers=2, days=5, seed=3, now=datetime(2025, 3, 12, 12, tzinfo=timezone.utc),
              timezone="UTC", progress=False)
    now = datetime.now(timezone.utc)
    first = db.connect()
    first_tx = first.begin()
    write_seller_metrics(first, date(2025, 3, 8), date(2025, 3, 11), now, settings)  # 03-08 .. 03-10, open

    errors: list[BaseException] = []

    def overlapping() -> None:
        try:
            with db.begin() as conn:
                write_seller_metrics(conn, date(2025, 3, 10), date(2025, 3, 13), now, settings)  # 03-10 .. 03-12
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    second = threading.Thread(target=overlapping)
    second.start()
    try:
        with db.connect() as watcher:  # wait until the second writer is blocked on the lock
            for _ in range(600):  # up to 30 s: a loaded machine can be slow to start the thread
                waiting = watcher.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'")).scalar()
                # pg_stat_activity is a snapshot taken once per transaction: end it, or every
                # later poll repeats what the first one saw
                watcher.commit()
                if waiting or not second.is_alive():
                    break
                time.sleep(0.05)
        assert errors == []  # the second writer did not fail before reaching the lock
        assert waiting == 1
    finally:
        # whatever happened above, release the lock: a failed assertion must fail the test, not
        # leave the second writer and the next test's TRUNCATE waiting on this transaction
        first_tx.commit()
        first.close()
        second.join(30)

    assert errors == []
    with db.begin() as conn:
        per_day = dict(conn.execute(sa.text("SELECT period, count(*) FROM seller_metrics GROUP BY period")).all())
    assert per_day == {date(2025, 3, d): 2 for d in range(8, 13)}  # 2 sellers x 5 days, once each
