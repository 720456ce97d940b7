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
import sqlalchemy as sa

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
    # the server the benchmark ran on, by its own version (major.minor, e.g. "15.20 (Debian ...)")
    assert result["machine"]["postgresql"].startswith(f"{server_major_version(bench_dsn)}.")


def server_major_version(dsn: str) -> int:
    engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        version_num = int(conn.execute(sa.text("SHOW server_version_num")).scalar_one())
    engine.dispose()
    return version_num // 10_000


HIDE_THE_BENCH = """
import sys
class NoBench:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "crm_pipelines_bench":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoBench())
"""


def test_without_the_bench_package_bench_says_in_one_line_how_to_install_it(tmp_path) -> None:
    # crm_pipelines_bench not found, as in the production image (which leaves it out)
    done = subprocess.run(
        [sys.executable, "-c", HIDE_THE_BENCH + "from crm_pipelines.cli import main; main()",
         "bench", "--scale", "small"],
        capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DAGSTER_HOME": str(tmp_path / "dagster_home")},
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        'the benchmark is not installed here: from a checkout of crm-pipelines, pip install -e ".[bench]"']
