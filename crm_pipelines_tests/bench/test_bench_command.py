"""`crm-pipelines bench --scale small --json` end to end, in a subprocess against a fresh database
on the real PostgreSQL: it builds the tiny data set (1 tenant x 5 sellers x 14 days), runs every
measurement, and the three ways of computing seller_metrics (Dagster, the bare SELECT, the
original per-seller queries) give the same rows. Timings are not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from crm_pipelines_tests.conftest import ADMIN_DSN, drop_database


@pytest.fixture
def bench_dsn():
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + f"/crm_bench_test_{uuid.uuid4().hex[:10]}"
    yield dsn
    drop_database(dsn)


def test_bench_small_json_runs_and_paths_agree(bench_dsn: str, tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from crm_pipelines.cli import main; main()",
         "bench", "--scale", "small", "--dsn", bench_dsn, "--repeat", "1", "--json"],
        capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "DAGSTER_HOME": str(tmp_path / "dagster_home")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)

    assert result["dataset"]["counts"]["tenants"] == 1
    assert result["dataset"]["counts"]["sellers"] == 5
    assert result["dataset"]["reused"] is False

    equality = result["equality"]
    # every seller-day of the range: 5 sellers x 14 days
    assert equality["dagster_vs_bare_sql"]["rows_compared"] == 70
    # the original approach's sample: the tenant's 5 sellers on 3 days
    assert equality["original_vs_bare_sql"]["rows_compared"] == 15
    assert equality["original_vs_dagster"]["rows_compared"] == 15
    for name in ("dagster_vs_bare_sql", "original_vs_bare_sql", "original_vs_dagster"):
        assert equality[name]["equal"] is True, equality[name]["examples"]
    assert equality["all_equal"] is True and result["ok"] is True

    m = result["measurements"]
    assert m["metrics_one_day"]["rows"] == 5
    assert m["metrics_backfill"]["rows"] == 70
    assert m["partitions_as_runs"]["separate_runs"]["runs_per_process"] == 5
    assert m["partitions_as_runs"]["one_run"]["runs_per_process"] == 1
    assert m["metrics_backfill"]["original"]["extrapolated"] is True
    # cleanup really deleted the expired notifications the benchmark inserted (20,000 at small)
    assert m["cleanup"]["expired_rows"] == 20_000
    assert m["cleanup"]["expired_left_after_run"] == [0]
    for state in ("first", "steady"):
        assert set(m["notification_check"][state]["rules"]) == {"unanswered", "hot_lead", "followup",
                                                               "performance_alert"}
    assert {t["target"].split(" (")[0] for t in result["targets"]} >= {"notification check under 0.5 s of SQL"}
    assert result["machine"]["postgresql"].startswith("15")
