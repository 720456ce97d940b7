"""`bench --source crmventas`'s result as Markdown: the two sources side by side."""

from __future__ import annotations

import statistics
from typing import Any

from crm_pipelines_bench.report import _machine_line, _seconds, _targets_table


def render_crmventas(result: dict[str, Any], command: str | None = None) -> str:
    d, spec, ventas = result["dataset"], result["spec"], result["crmventas"]
    full, half = ventas["full_history"], ventas["half_history"]
    cycle, counts = ventas["refresh_cycle"], d["spec_counts"]
    lines = [f"Command: `{command}`", ""] if command else []
    lines += [
        f"Data set `{result['scale']['name']}`: {result['scale']['description']}, {d['first_day']}..{d['last_day']}; "
        f"spec: {counts['messages']:,} messages, {counts['conversations']:,} conversations, {counts['leads']:,} leads; "
        f"the same seed in CRM Ventas's shape: {d['crmventas_counts']['chat_messages']:,} chat_messages, "
        f"{d['crmventas_counts']['threads']:,} threads; with half the history ({d['half_history_days']} days): "
        f"{d['half_history_counts']['chat_messages']:,} chat_messages. Mirrors after the run: "
        f"{ventas['mirrors'].get('active_conversations', 0):,} active conversations of "
        f"{ventas['mirrors'].get('conversations', 0):,} (spec, after cleanup's archiving: "
        f"{spec['active_conversations']:,}).",
        _machine_line(result["machine"]), "",
        "| measurement | spec | crmventas | crmventas / spec |", "|---|---:|---:|---:|",
        f"| initial sync ({full['chat_messages']:,} chat_messages into empty mirrors) | (reads its own tables) "
        f"| {_seconds(full['initial_sync']['seconds'])} | |",
        f"| refresh cycle: a quarter hour's new rows ({_messages(cycle['new_messages'])}) synced + seller_metrics "
        f"for {result['day']}, one Dagster run | {_seconds(spec['refresh_cycle']['median_seconds'])} "
        f"| {_seconds(cycle['median_seconds'])} | {result['ratios']['refresh_cycle']:.2f}x |",
        f"| one-day refresh: seller_metrics for {result['day']}, one Dagster run (nothing new to sync) "
        f"| {_seconds(spec['one_day']['median_seconds'])} | {_seconds(ventas['one_day']['median_seconds'])} "
        f"| {result['ratios']['one_day']:.2f}x |",
        "",
        "| incremental sync alone of a quarter hour | history | new messages | median | per new message |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, run in (("half the history", half), ("full history", full)):
        sync = run["quarter_hour_sync"]
        per_row = sync["median_seconds"] / max(1, statistics.median(sync["new_messages"]))
        lines.append(f"| {label} ({run['days']} days) | {run['chat_messages']:,} | {_messages(sync['new_messages'])} "
                     f"| {_seconds(sync['median_seconds'])} | {per_row * 1000:.2f} ms |")
    lines += ["", "| initial sync | history | seconds |", "|---|---:|---:|"]
    for label, run in (("half the history", half), ("full history", full)):
        lines.append(f"| {label} ({run['days']} days) | {run['chat_messages']:,} | "
                     f"{_seconds(run['initial_sync']['seconds'])} |")
    eq = result["equality"]
    verdict = "equal" if eq["equal"] else (f"**MISMATCH**: {eq['mismatched_rows']} rows differ in "
                                           f"{', '.join(eq['columns_differing'])}")
    lines += ["", f"Median of {result['repeat']} runs (refresh cycles: {len(cycle['runs_seconds'])}, one per "
              "quarter hour). Same seller_metrics rows for the last day, spec against crmventas "
              f"({eq['rows_compared']} rows, {', '.join(eq['columns_left_out'])} left out: the mapping computes "
              f"them differently): {verdict}.", "", *_targets_table(result["targets"])]
    return "\n".join(lines)


def _messages(counts: list[int]) -> str:
    return "/".join(f"{n:,}" for n in counts)
