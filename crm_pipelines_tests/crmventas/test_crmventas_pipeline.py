"""CRM_SOURCE=crmventas in Dagster: the lineage CRM Ventas tables -> mirrors -> seller_metrics ->
daily_report; a metrics run that finds the mirrors stale syncs them first (and says so in its
metadata); the nightly reconciliation catches what no watermark sees (a reassignment written
straight into chat_messages, a lead edited without updated_at) and counts it; the full resync is
one job."""

from __future__ import annotations

from datetime import datetime

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.crmventas import sync as sync_module
from crm_pipelines.crmventas.sync import sync
from crm_pipelines.definitions import build_definitions
from crm_pipelines.resources.build import build_postgres, build_resources
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.crmventas.test_crmventas_source import (  # noqa: F401 - the `crm` fixture
    DAY,
    P1,
    P4,
    crm,
    materialize,
    metrics,
    write_the_day,
)


def run_mirrors(settings, mode: str) -> dg.ExecuteInProcessResult:
    """What crm_ventas_resync_job (full) and crm_ventas_reconcile_job run: the mirrors with `mode`."""
    defs = build_definitions(settings)
    named = defs.resolve_job_def("crm_ventas_resync_job" if mode == "full" else "crm_ventas_reconcile_job")
    assert "crm_ventas_mirrors" in {n.name for n in named.nodes}
    mirrors = [dg.AssetKey(name) for name in ("sellers", "conversations", "messages", "leads")]
    job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=set(mirrors))
    return job.execute_in_process(run_config={"ops": {"crm_ventas_mirrors": {"config": {"mode": mode}}}},
                                  resources=build_resources(settings),
                                  instance=dg.DagsterInstance.ephemeral())


def mirror_metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    [event] = [m for m in result.asset_materializations_for_node("crm_ventas_mirrors")
               if m.asset_key == dg.AssetKey(asset)]
    return {k: v.value for k, v in event.metadata.items()}


def test_the_lineage_reads_crm_ventas_tables_mirrors_metrics_report(tmp_path):
    settings = load_settings({"CRM_SOURCE": "crmventas", "DAGSTER_HOME": str(tmp_path)})
    graph = build_definitions(settings).resolve_asset_graph()
    deps = {key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
            for key in graph.get_all_asset_keys()}
    assert deps["messages"] == {"crm_ventas/chat_messages", "crm_ventas/system_events"}
    assert "crm_ventas/lead_notes" in deps["leads"] and "crm_ventas/users" in deps["sellers"]
    assert {"sellers", "conversations", "messages", "leads"} <= deps["seller_metrics"]
    assert "seller_metrics" in deps["daily_report"]
    assert graph.get(dg.AssetKey("messages")).is_materializable  # a mirror, not an external table

    spec = build_definitions(load_settings({"DAGSTER_HOME": str(tmp_path)})).resolve_asset_graph()
    assert not spec.get(dg.AssetKey("messages")).is_materializable  # the CRM's own table
    assert not any(k.path[0] == "crm_ventas" for k in spec.get_all_asset_keys())


def test_a_metrics_run_on_stale_mirrors_syncs_them_first(crm):
    w, settings, engine = crm
    write_the_day(w)  # nothing synced yet

    result = materialize(settings, "seller_metrics")

    assert result.success
    [event] = result.asset_materializations_for_node("seller_metrics")
    assert event.metadata["crm_ventas_sync"].value["read"]["chat_messages"] == 7
    assert metrics(engine)["Ana Test"]["messages_sent"] == 2


def test_the_reconciliation_counts_and_corrects_what_the_watermarks_cannot_see(crm, monkeypatch):
    w, settings, engine = crm
    # Each sync re-reads a margin of 1,000 ids below its watermark, which would see these rows
    # change: here they stand for rows long past it.
    monkeypatch.setattr(sync_module, "ID_MARGIN", 0)
    p = write_the_day(w)
    postgres = build_postgres(settings)
    sync(postgres, settings.crm_timezone)
    with w.engine.begin() as conn:  # straight into the tables: no event, no updated_at
        conn.execute(sa.text("UPDATE chat_messages SET assigned_seller_id = :b WHERE from_number = :p"),
                     {"b": p["Bruno"], "p": P1})
        conn.execute(sa.text("UPDATE leads SET close_probability = 95 WHERE phone_number = :p"), {"p": P4})

    quiet = sync(postgres, settings.crm_timezone)
    assert quiet.written.get("messages", 0) == 0 and quiet.written.get("leads", 0) == 0

    result = run_mirrors(settings, "reconcile")

    assert result.success
    corrected = mirror_metadata(result, "messages")["corrected_by_reconciliation"]
    # thread +5491100000001 has five rows; its conversation and Félix's lead were wrong
    assert corrected == {"messages_reassigned": 5, "messages_deleted": 0, "messages_missed": 0,
                         "conversations": 1, "leads": 1}
    with engine.connect() as conn:
        assignee = conn.execute(sa.text("SELECT assigned_seller_id FROM conversations WHERE customer_phone = :p"),
                                {"p": P1}).scalar()
        probability = conn.execute(sa.text("SELECT conversion_probability FROM leads WHERE phone_number = :p"),
                                   {"p": P4}).scalar()
    assert (str(assignee), float(probability)) == (p["Bruno"], 0.95)

    again = run_mirrors(settings, "reconcile")
    assert all(n == 0 for n in mirror_metadata(again, "leads")["corrected_by_reconciliation"].values())


def test_the_full_resync_is_one_job_and_changes_nothing_that_is_right(crm):
    w, settings, engine = crm
    write_the_day(w)
    sync(build_postgres(settings), settings.crm_timezone)
    before = metrics(engine, DAY)

    result = run_mirrors(settings, "full")

    assert result.success
    meta = mirror_metadata(result, "conversations")
    assert meta["mode"] == "full" and meta["rows_written"] == 0
    assert meta["read_from_crm_ventas"]["chat_messages"] == 7
    assert metrics(engine, DAY) == before


def test_the_mirrors_checks_count_what_the_mapping_could_only_guess(crm):
    w, settings, engine = crm
    write_the_day(w)
    w.message(1, P4, "assistant", "Enviado desde el panel viejo", datetime.fromisoformat(f"{DAY}T18:00:00+00:00"),
              "3f2b9c4e-0000-4000-8000-000000000001")  # the legacy /admin/chat/send route's uuid
    w.lead(1, "+549119999999", "Gala", "Ríos", "en_pausa", 40, None,
           datetime.fromisoformat(f"{DAY}T18:00:00+00:00"))

    result = run_mirrors(settings, "incremental")

    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert (checks["senders_by_legacy_route"].passed, checks["senders_by_legacy_route"].metadata["messages"].value) \
        == (False, 1)
    assert checks["lead_statuses_known"].metadata["statuses"].value == ["en_pausa"]
    assert checks["lead_statuses_known"].severity == dg.AssetCheckSeverity.WARN
