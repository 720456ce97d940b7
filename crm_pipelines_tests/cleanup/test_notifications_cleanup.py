"""cleanup_job on 200,000 of our expired notifications: all removed in batches of a few thousand
rows, none of the batch statements taking a second (the run's own measure, in its metadata),
every notification inside retention untouched, and every one of the CRM's own notifications kept:
other types, our types under ids that are not ours, rows without expires_at, however old. Two
cleanups at once share the work (SKIP LOCKED) and remove each row once."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import sqlalchemy as sa

import crm_pipelines.cleanup.jobs as cleanup_jobs
from crm_pipelines.cleanup.batches import run_in_batches
from crm_pipelines.cleanup.jobs import build_cleanup_job
from crm_pipelines.db.sql_files import load_sql


def _insert_notifications(
    db: sa.Engine, count: int, prefix: str, created_ago: str, expires_ago: str | None,
    type_: str = "unanswered", ours: bool = True,
) -> None:
    """`ours`: ids as the `unanswered` rule writes them (unanswered_{uuid}_{epoch}); else the CRM's
    own ids (`prefix` + n)."""
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO notifications (id, tenant_id, type, title, message, recipient_id, created_at, expires_at) "
                "SELECT CASE WHEN :ours THEN 'unanswered_' || gen_random_uuid() || '_' || (1700000000 + g)"
                "            ELSE :prefix || g END, "
                "       1 + g % 3, :type, :prefix || g, 'message', gen_random_uuid(), "
                "       now() - CAST(:created_ago AS interval), now() - CAST(:expires_ago AS interval) "
                "FROM generate_series(1, :count) AS g"
            ),
            {"prefix": prefix, "count": count, "created_ago": created_ago, "expires_ago": expires_ago,
             "type": type_, "ours": ours},
        )


def _snapshot(db: sa.Engine) -> list[tuple]:
    """Every row, keyed by its title (our ids are random)."""
    with db.begin() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM notifications ORDER BY title"))]


def test_200k_expired_notifications_go_in_short_batches_and_the_crms_own_stay(db, settings, resources):
    _insert_notifications(db, 200_000, "expired_", created_ago="8 days", expires_ago="1 day")
    _insert_notifications(db, 500, "inside_", created_ago="1 day", expires_ago="-6 days")  # expires in 6 days
    # The CRM's own rows: its types, its ids for a type of ours, no expiry; all long past retention.
    _insert_notifications(db, 300, "crm_new_lead_", created_ago="30 days", expires_ago="20 days",
                          type_="new_lead", ours=False)
    _insert_notifications(db, 300, "crm_unanswered_", created_ago="30 days", expires_ago="20 days", ours=False)
    _insert_notifications(db, 200, "crm_unexpiring_", created_ago="400 days", expires_ago=None,
                          type_="system", ours=False)
    _insert_notifications(db, 100, "crm_unexpiring_ours_type_", created_ago="400 days", expires_ago=None,
                          type_="performance_alert", ours=False)
    kept_before = [r for r in _snapshot(db) if not r[3].startswith("expired_")]
    assert len(kept_before) == 1400

    result = build_cleanup_job(settings).execute_in_process(
        resources=resources, run_config={"ops": {"cleanup_plan": {"config": {"batch_size": 5000}}}}
    )

    assert result.success
    assert _snapshot(db) == kept_before
    out = {e.step_key: e.event_specific_data.metadata for e in result.all_events if e.is_successful_output}
    notes = out["delete_old_notifications"]
    assert notes["deleted"].value == 200_000
    assert notes["batches"].value == 40  # 200,000 rows / 5,000 a batch
    assert notes["max_batch_seconds"].value < 1.0
    summary = out["cleanup_summary"]
    assert summary["notifications"].value == 200_000
    assert result.output_for_node("cleanup_summary")["notifications"] == 200_000

    # and a second cleanup, long after, still keeps every one of the CRM's rows
    again = build_cleanup_job(settings).execute_in_process(resources=resources)
    assert again.success and _snapshot(db) == kept_before


def test_two_cleanups_at_once_remove_each_row_once(db, resources):
    _insert_notifications(db, 20_000, "expired_", created_ago="8 days", expires_ago="1 day")
    statement = load_sql(cleanup_jobs.__file__, "delete_expired_notifications.sql")
    barrier = threading.Barrier(2)
    affected: list[int] = []

    def worker():
        barrier.wait(timeout=30)
        affected.append(
            run_in_batches(
                resources["postgres"], statement, {"now": datetime.now(timezone.utc)}, 1000
            ).affected
        )

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(affected) == 20_000
    assert _snapshot(db) == []
