"""cleanup_job's other work, each on a few hand-built rows: idle active conversations archived
(and nothing else), seller_metrics and daily_reports removed only past a retention set above 0
with Dagster told which partitions lost their rows, cached metrics of gone or inactive sellers
removed from Redis, Dagster's finished runs pruned in batches."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import dagster as dg
import sqlalchemy as sa
from dagster._core.test_utils import create_run_for_test

from crm_pipelines.cleanup.jobs import build_cleanup_job
from crm_pipelines.cleanup.run_history import has_prunable_runs, prune_run_history
from crm_pipelines.resources.build import build_resources
from crm_pipelines_tests.support import crm_factory as crm


def _outputs(result) -> dict:
    return {
        e.step_key: {k: v.value for k, v in e.event_specific_data.metadata.items()}
        for e in result.all_events
        if e.is_successful_output
    }


def _statuses(db) -> dict[str, str]:
    with db.begin() as conn:
        return dict(conn.execute(sa.text("SELECT customer_name, status FROM conversations")).all())


def test_idle_active_conversations_are_archived_and_nothing_else(db, settings, resources):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    crm.conversation(db, tenant_id, ana, "idle 8 days", now - timedelta(days=8))
    crm.conversation(db, tenant_id, None, "idle 7 days and a minute", now - timedelta(days=7, minutes=1))
    crm.conversation(db, tenant_id, ana, "idle 6 days", now - timedelta(days=6, hours=23))
    crm.conversation(db, tenant_id, ana, "closed long ago", now - timedelta(days=30), status="closed")
    with db.begin() as conn:  # no message ever: idle since it was created
        conn.execute(
            sa.text(
                "INSERT INTO conversations (id, tenant_id, customer_name, created_at) VALUES "
                "(gen_random_uuid(), :t, 'silent, created 9 days ago', now() - interval '9 days'),"
                "(gen_random_uuid(), :t, 'silent, created today', now())"
            ),
            {"t": tenant_id},
        )

    result = build_cleanup_job(settings).execute_in_process(resources=resources)

    assert _statuses(db) == {
        "idle 8 days": "archived",
        "idle 7 days and a minute": "archived",
        "idle 6 days": "active",
        "closed long ago": "closed",
        "silent, created 9 days ago": "archived",
        "silent, created today": "active",
    }
    assert _outputs(result)["archive_idle_conversations"]["archived"] == 3


def test_metrics_and_reports_are_kept_forever_by_default(db, settings, resources):
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    old_day = datetime.now(timezone.utc).date() - timedelta(days=400)
    crm.seller_metrics_row(db, tenant_id, ana, old_day,
                           conversations_unanswered=1, avg_response_time_minutes=None)

    result = build_cleanup_job(settings).execute_in_process(resources=resources)

    out = _outputs(result)
    assert out["delete_old_seller_metrics"]["skipped"] == "METRICS_RETENTION_DAYS=0 keeps every day"
    assert out["delete_old_daily_reports"]["skipped"] == "REPORTS_RETENTION_DAYS=0 keeps every day"
    with db.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM seller_metrics")).scalar() == 1


def test_past_retention_days_go_and_dagster_hears_which_partitions(db, settings, resources):
    today = datetime.now(timezone.utc).date()
    start = today - timedelta(days=60)
    keep_30 = dataclasses.replace(
        settings, metrics_retention_days=30, reports_retention_days=10, metrics_start_date=start
    )
    tenant_id = crm.tenant(db, "Acme")
    ana, bruno = crm.seller(db, tenant_id, "Ana"), crm.seller(db, tenant_id, "Bruno")
    for age in (29, 30, 31, 45):
        for seller in (ana, bruno):
            crm.seller_metrics_row(
                db, tenant_id, seller, today - timedelta(days=age),
                conversations_unanswered=0, avg_response_time_minutes=None
            )
    crm.seller_metrics_row(db, tenant_id, ana, start - timedelta(days=5),
                           conversations_unanswered=0, avg_response_time_minutes=None)
    with db.begin() as conn:
        for age in (9, 10, 11):
            conn.execute(
                sa.text(
                    "INSERT INTO daily_reports (tenant_id, report_date, payload, html) "
                    "VALUES (:t, :d, '{}', '<p/>')"
                ),
                {"t": tenant_id, "d": today - timedelta(days=age)},
            )

    result = build_cleanup_job(keep_30).execute_in_process(resources=build_resources(keep_30))

    with db.begin() as conn:
        metric_days = (
            conn.execute(sa.text("SELECT DISTINCT period FROM seller_metrics ORDER BY 1")).scalars().all()
        )
        report_days = (
            conn.execute(sa.text("SELECT report_date FROM daily_reports ORDER BY 1")).scalars().all()
        )
    assert metric_days == [today - timedelta(days=30), today - timedelta(days=29)]
    assert report_days == [today - timedelta(days=10), today - timedelta(days=9)]
    out = _outputs(result)
    assert (
        out["delete_old_seller_metrics"]["deleted"],
        out["delete_old_seller_metrics"]["days_removed"],
    ) == (5, 3)
    assert out["delete_old_daily_reports"]["deleted"] == 1
    assert out["cleanup_summary"]["seller_metrics"] == 5

    # This OSS storage cannot wipe partitions: one observation per removed partition that exists
    # (the day before METRICS_START_DATE is no partition).
    observed = sorted(
        (e.asset_key.to_user_string(), e.partition)
        for e in (
            ev.event_specific_data.asset_observation
            for ev in result.all_events
            if ev.event_type_value == "ASSET_OBSERVATION"
        )
    )
    assert observed == [
        ("daily_report", str(today - timedelta(days=11))),
        ("seller_metrics", str(today - timedelta(days=45))),
        ("seller_metrics", str(today - timedelta(days=31))),
    ]


def test_cached_metrics_of_gone_or_inactive_sellers_are_removed(db, settings, resources, redis_client):
    tenant_id, other_tenant = crm.tenant(db, "Acme"), crm.tenant(db, "Globex")
    active, inactive = crm.seller(db, tenant_id, "Ana"), crm.seller(db, tenant_id, "Bruno")
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE sellers SET is_active = false WHERE id = :s"), {"s": inactive})
    gone = "00000000-0000-0000-0000-000000000001"
    keys = {
        f"crm:metrics:{tenant_id}:{active}": "kept",
        f"crm:metrics:{tenant_id}:team": "kept",
        f"crm:metrics:{tenant_id}:{inactive}": "removed",
        f"crm:metrics:{tenant_id}:{gone}": "removed",
        f"crm:metrics:{other_tenant}:{active}": "removed",
        f"crm:metrics:{tenant_id}:not-a-uuid": "removed",
        "crm:other:thing": "kept",
    }
    for key in keys:
        redis_client.set(key, "{}", ex=300)

    result = build_cleanup_job(settings).execute_in_process(resources=resources)

    assert sorted(redis_client.keys("crm:*")) == sorted(k for k, fate in keys.items() if fate == "kept")
    assert _outputs(result)["remove_stale_metric_cache"]["keys_removed"] == 4


def test_finished_runs_before_the_cutoff_are_pruned_but_not_the_latest_materializations():
    status = dg.DagsterRunStatus
    metrics = dg.AssetKey("seller_metrics")

    def materializing_job(day: str | None) -> dg.JobDefinition:
        @dg.op(name="write")
        def write():
            if day:
                yield dg.AssetMaterialization(asset_key=metrics, partition=day)
            yield dg.Output(None)

        return dg.GraphDefinition(name="refresh", node_defs=[write]).to_job()

    with dg.DagsterInstance.ephemeral() as instance:  # in-memory storage: same API, no SQLite setup
        superseded = materializing_job("2026-01-01").execute_in_process(instance=instance).run_id
        latest_of_2nd = materializing_job("2026-01-02").execute_in_process(instance=instance).run_id
        latest_of_1st = materializing_job("2026-01-01").execute_in_process(instance=instance).run_id
        # Runs recorded straight in run storage (Dagster's own test helper): only the records matter.
        finished = [
            create_run_for_test(instance, job_name="some_job", status=s).run_id
            for s in (status.SUCCESS, status.SUCCESS, status.FAILURE, status.CANCELED, status.SUCCESS)
        ]
        running = create_run_for_test(instance, job_name="some_job", status=status.STARTED).run_id
        starting = create_run_for_test(instance, job_name="some_job", status=status.STARTING).run_id
        current = create_run_for_test(instance, job_name="cleanup_job", status=status.SUCCESS).run_id

        nothing = prune_run_history(instance, datetime.now(timezone.utc) - timedelta(days=1), batch_size=2)
        assert (nothing.deleted, nothing.kept_for_assets) == (0, 0)
        assert has_prunable_runs(instance, datetime.now(timezone.utc) + timedelta(seconds=1))
        result = prune_run_history(
            instance, datetime.now(timezone.utc) + timedelta(seconds=1), batch_size=2, keep_run_id=current
        )

        assert (result.deleted, result.kept_for_assets) == (len(finished) + 1, 2)
        assert sorted(r.run_id for r in instance.get_runs()) == sorted(
            [latest_of_2nd, latest_of_1st, running, starting, current]
        )
        assert superseded not in {r.run_id for r in instance.get_runs()}
        assert instance.get_materialized_partitions(metrics) == {"2026-01-01", "2026-01-02"}
        # Only the run that did the pruning is left to prune (by the next cleanup).
        later = datetime.now(timezone.utc) + timedelta(seconds=1)
        assert prune_run_history(instance, later, batch_size=2).deleted == 1
        assert not has_prunable_runs(instance, later)
