"""`crm-pipelines bench --scale small --source crmventas --json` end to end against fresh databases:
the spec data set and the same seed in CRM Ventas's shape (and with half its history) are built,
synced and measured side by side, and both sources compute the same last-day rows (but for the
two columns the mapping computes differently). Timings are not asserted."""

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
    for suffix in ("", "_crmventas", "_crmventas_half"):
        drop_database(dsn + suffix)


def test_bench_small_crmventas_side_by_side(bench_dsn: str, tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from crm_pipelines.cli import main; main()",
         "bench", "--scale", "small", "--source", "crmventas", "--dsn", bench_dsn, "--repeat", "1", "--json"],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "DAGSTER_HOME": str(tmp_path / "dagster_home")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)

    d = result["dataset"]
    # the same seed in both shapes: every message and conversation has its CRM Ventas row
    assert d["crmventas_counts"]["chat_messages"] == d["spec_counts"]["messages"]
    assert d["crmventas_counts"]["threads"] == d["spec_counts"]["conversations"]
    assert d["crmventas_counts"]["leads"] == d["spec_counts"]["leads"]
    assert d["half_history_days"] == 7
    ventas = result["crmventas"]
    # the initial sync read every row but the held-back quarter hours, and mirrored them all
    held = sum(q["messages"] for q in d["held_back"])
    initial = ventas["full_history"]["initial_sync"]
    assert initial["read"]["chat_messages"] == d["crmventas_counts"]["chat_messages"] - held
    assert initial["written"]["messages"] == initial["read"]["chat_messages"]
    # after the run the mirror holds every message, the held-back ones written again included
    assert ventas["mirrors"]["messages"] == d["spec_counts"]["messages"]
    # each quarter hour's sync read exactly its new messages
    for run in (ventas["full_history"], ventas["half_history"]):
        sync = run["quarter_hour_sync"]
        assert [r.get("chat_messages", 0) for r in sync["read"]] == sync["new_messages"]
    assert len(ventas["refresh_cycle"]["runs_seconds"]) == 1

    equality = result["equality"]
    assert equality["rows_compared"] == 5 and equality["equal"] is True, equality["examples"]
    assert result["ok"] is True
    assert [t["target"].split(" (")[0].split(" per ")[0] for t in result["targets"]] == [
        "refresh cycle within 1.5x of spec", "a quarter hour's sync"]
