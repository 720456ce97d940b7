"""The benchmark's result as Markdown tables (for a terminal and for docs/benchmark.md)."""

from __future__ import annotations

from typing import Any

HEADER = ["| measurement | rows | median | x bare SQL | faster than original | rows/s | peak RSS |",
          "|---|---:|---:|---:|---:|---:|---:|"]


def render(result: dict[str, Any], command: str | None = None) -> str:
    m = result["measurements"]
    lines = [f"Command: `{command}`", ""] if command else []
    lines += [_dataset_line(result), _machine_line(result["machine"]), "", *HEADER]
    lines += _metrics_rows(result) + _partition_rows(m) + _check_rows(m)
    lines += ["", *_notes(result), "", *_plan_table(m["notification_check"]), "",
              *_equality_table(result["equality"]), "", *_targets_table(result["targets"])]
    return "\n".join(lines)


def _metrics_rows(result: dict[str, Any]) -> list[str]:
    m = result["measurements"]
    rows = []
    for label, section in ((f"metrics, 1 day ({result['dataset']['last_day']})", m["metrics_one_day"]),
                           (f"metrics, {m['metrics_backfill']['days']}-day backfill", m["metrics_backfill"])):
        bare = section["bare_sql"]["median_seconds"]
        original = section["original"]
        queries = f"original approach, extrapolated ({original['queries_extrapolated']:,} queries)"
        for how, seconds, rss in (("Dagster, one run", section["dagster"]["median_seconds"],
                                   section["dagster"]["peak_rss_mb"]),
                                  ("bare SQL (lower bound)", bare, None),
                                  (queries, original["median_seconds"], None)):
            rows.append(_row(f"{label}: {how}", section["rows"], seconds, bare, original["median_seconds"], rss))
    return rows


def _partition_rows(m: dict[str, Any]) -> list[str]:
    parts = m["partitions_as_runs"]
    n, bare = parts["partitions"], parts["bare_sql"]["median_seconds"]
    return [
        _row(f"{n} partitions as {n} Dagster runs", parts["rows"], parts["separate_runs"]["median_seconds"],
             bare, None, parts["separate_runs"]["peak_rss_mb"]),
        _row(f"{n} partitions as one Dagster run", parts["rows"], parts["one_run"]["median_seconds"],
             bare, None, parts["one_run"]["peak_rss_mb"]),
        _row(f"{n} partitions: bare SQL", parts["rows"], bare, bare, None, None),
    ]


def _check_rows(m: dict[str, Any]) -> list[str]:
    checks, cleanup = m["notification_check"], m["cleanup"]
    created = sum(checks["notifications_created"].values())
    rows = []
    for state, label in (("first", f"first notification check ({created:,} new)"),
                         ("steady", "notification check, steady state (already notified)")):
        plans = checks[state]
        rows.append(_row(f"{label}: Dagster run", None, plans["dagster"]["median_seconds"], None, None,
                         plans["dagster"]["peak_rss_mb"]))
        rows.append(_row(f"{label}: SQL of the 4 rules", None, plans["sql_seconds"], None, None, None))
    rows.append(_row(f"cleanup of {cleanup['expired_rows']:,} expired notifications: Dagster run",
                     cleanup["expired_rows"], cleanup["dagster"]["median_seconds"], None, None,
                     cleanup["dagster"]["peak_rss_mb"]))
    return rows


def _notes(result: dict[str, Any]) -> list[str]:
    m = result["measurements"]
    day, backfill, parts = m["metrics_one_day"], m["metrics_backfill"], m["partitions_as_runs"]
    notes = []
    sql_inside = [(label, section["dagster"]["metadata"].get("seller_metrics.sql_seconds"))
                  for label, section in (("one day", day), (f"{backfill['days']}-day backfill", backfill))]
    if all(seconds is not None for _, seconds in sql_inside):
        took = " and ".join(f"{_seconds(seconds)} ({label})" for label, seconds in sql_inside)
        notes += [f"Inside the Dagster runs, the asset's own INSERT ... SELECT took {took} (its `sql_seconds` "
                  "metadata, last run); the rest of a run is Dagster's bookkeeping, the delete of the "
                  "window's old rows and the job's asset checks.", ""]
    load, n = m["code_location_load_seconds"], parts["partitions"]
    notes.append(
        f"Median of {result['repeat']} runs each. A Dagster time is `execute_in_process` (ephemeral "
        "instance) in a process forked for that measurement, after the code location was loaded "
        f"({load:.1f} s, paid once per process and not included). Partitions run one by one cost "
        f"{parts['overhead_per_extra_run_seconds']:.2f} s more per extra run; in a deployment every run is "
        f"also a new process that loads the code location ({n} runs: about {n * load:,.0f} s more).")
    return notes


def _plan_table(checks: dict[str, Any]) -> list[str]:
    lines = ["| notification rule | scans (steady state) | Seq Scan on a big table | SQL first / steady |",
             "|---|---|---|---:|"]
    for rule, plan in checks["steady"]["rules"].items():
        first = checks["first"]["rules"][rule]
        flagged = sorted(set(plan["seq_scans_on_big_tables"]) | set(first["seq_scans_on_big_tables"]))
        lines.append(f"| {rule} | {'; '.join(plan['scans'])} | {', '.join(flagged) or 'none'} "
                     f"| {_seconds(first['sql_seconds'])} / {_seconds(plan['sql_seconds'])} |")
    return lines


def _equality_table(equality: dict[str, Any]) -> list[str]:
    lines = ["| same rows? | rows compared | result |", "|---|---:|---|"]
    for name, check in equality.items():
        if not isinstance(check, dict):
            continue
        verdict = "equal"
        if not check["equal"]:
            missing = ", ".join(f"{k}={v}" for k, v in check.items() if k.startswith("missing_in_") and v)
            verdict = (f"**MISMATCH**: {check['mismatched_rows']} rows differ in "
                       f"{', '.join(check['columns_differing']) or '-'}; {missing}")
        lines.append(f"| {name.replace('_', ' ')} | {check['rows_compared']:,} | {verdict} |")
    return lines


def _targets_table(targets: list[dict[str, Any]]) -> list[str]:
    lines = ["| target | measured | met? |", "|---|---:|---|"]
    for target in targets:
        unit = f" {target['unit']}" if target["unit"] else ""
        verdict = "n/a" if target["met"] is None else "yes" if target["met"] else "**no**"
        lines.append(f"| {target['target']} | {target['value']}{unit} | {verdict} |")
    return lines


def _row(label: str, rows: int | None, seconds: float, bare: float | None, original: float | None,
         rss: float | None) -> str:
    cells = [label, f"{rows:,}" if rows is not None else "", _seconds(seconds),
             _ratio(seconds / bare) if bare else "",
             _ratio(original / seconds) if original and seconds else "",
             f"{rows / seconds:,.0f}" if rows and seconds else "",
             f"{rss:.0f} MB" if rss else ""]
    return "| " + " | ".join(cells) + " |"


def _ratio(value: float) -> str:
    return f"{value:,.0f}x" if value >= 100 else f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:,.2f} s"


def _dataset_line(result: dict[str, Any]) -> str:
    d, counts, scale = result["dataset"], result["dataset"]["counts"], result["scale"]
    built = "reused" if d["reused"] else f"built in {d['built_seconds']:.0f} s"
    return (f"Data set `{scale['name']}`: {scale['description']}, {d['first_day']}..{d['last_day']}; "
            f"{counts['messages']:,} messages, {counts['conversations']:,} conversations, "
            f"{counts['leads']:,} leads, {d['active_sellers']} active sellers ({built}); "
            f"{counts.get('archived_conversations', 0):,} conversations idle for "
            f"CONVERSATION_ARCHIVE_DAYS archived after seeding, as cleanup_job would.")


def _machine_line(machine: dict[str, Any]) -> str:
    pg = machine["postgresql_settings"]
    line = (f"Machine: {machine['cpu_model']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM, "
            f"{machine['os']}; PostgreSQL {machine['postgresql']} (shared_buffers {pg['shared_buffers']}, "
            f"work_mem {pg['work_mem']}); Python {machine['python']}, Dagster {machine['dagster']}")
    if machine.get("load_average_1_5_15min"):
        line += (f"; load average (1/5/15 min) {machine.get('load_average_at_start')} at the start, "
                 f"{machine['load_average_1_5_15min']} at the end")
    return line + "."
