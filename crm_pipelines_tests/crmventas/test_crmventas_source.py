"""CRM_SOURCE=crmventas on the real CRM Ventas schema (support/crmventas_schema.py loads it into
a fresh database): rows written as CRM Ventas's code writes them are synced into the mirrors,
and seller_metrics, the notification rules and the daily report compute from them what a person
works out by hand. A second sync reads only what is new, and its metrics equal a full resync's.

The day, 2026-03-10 (UTC), tenant "Acme Ventas":
- thread +5491100000001 (lead Carla Gómez, Ana's): the customer writes at 09:00, the AI agent
  answers at 09:00:05 (a bot), Ana answers from the dashboard at 09:20 (20 min); the customer
  writes at 10:00, Ana answers at 10:30 (30 min). Carla is won at 15:00.
- thread +5491100000002 (lead Diego Luna, Bruno's): the customer writes at 11:00, an automation
  answers at 11:01 (a bot): still waiting at the day's end.
- leads without a thread: Elena Paz (Ana's, negociacion, follow-up due 12:00 by a note), Félix
  Mora (Ana's, contactado, 85 %: hot, never contacted).
- users: Ana (setter), Bruno (closer), Olga (ceo), Sara (secretary), Pedro (setter, suspended).
"""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg
import pytest
import sqlalchemy as sa

from crm_pipelines.crmventas.sync import sync
from crm_pipelines.db.migrate import migrate
from crm_pipelines.db.schemas import Schemas
from crm_pipelines.definitions import build_definitions
from crm_pipelines.notifications.checks import run_rule
from crm_pipelines.notifications.thresholds import Thresholds
from crm_pipelines.resources.build import build_postgres, build_resources
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.conftest import create_database, drop_database
from crm_pipelines_tests.crmventas.crm_ventas import CRMVentas
from crm_pipelines_tests.support.crmventas_schema import load_crm_ventas_schema

DAY = "2026-03-10"
P1, P2, P3, P4, P5 = (f"+54911000000{i}" for i in range(1, 6))


def at(hhmm: str, day: str = DAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


@pytest.fixture
def crm(tmp_path):
    dsn = create_database("crm_ventas_src")
    load_crm_ventas_schema(dsn)
    settings = load_settings({"POSTGRES_DSN": dsn, "CRM_SOURCE": "crmventas", "METRICS_START_DATE": "2026-03-01",
                              "DAGSTER_HOME": str(tmp_path / "dagster_home")})
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    migrate(engine, Schemas.from_settings(settings), "crmventas")
    plain = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
    yield CRMVentas(plain), settings, engine
    plain.dispose()
    engine.dispose()
    drop_database(dsn)


def write_the_day(w: CRMVentas) -> dict:
    t = w.tenant(1, "Acme Ventas", "olga@acme.test")
    people = {name: w.user(t, role, name, "Test") for name, role in
              (("Ana", "setter"), ("Bruno", "closer"), ("Olga", "ceo"), ("Sara", "secretary"))}
    people["Pedro"] = w.user(t, "setter", "Pedro", "Test", status="suspended")
    ana, bruno = people["Ana"], people["Bruno"]
    carla = w.lead(t, P1, "Carla", "Gómez", "nuevo", 50, ana, at("08:00"))
    w.lead(t, P2, "Diego", "Luna", "new", 30, bruno, at("08:00"))
    elena = w.lead(t, P3, "Elena", "Paz", "negociacion", 60, ana, at("08:00"))
    felix = w.lead(t, P4, "Félix", "Mora", "contactado", 85, ana, at("08:00"))
    w.customer_writes(t, P1, at("09:00"), "wamid.c1")
    w.ai_agent_replies(t, P1, datetime.fromisoformat(f"{DAY}T09:00:05+00:00"), "wamid.c1")
    w.assign(t, P1, ana, at("09:10"))
    w.seller_sends_from_dashboard(t, P1, at("09:20"))
    w.customer_writes(t, P1, at("10:00"), "wamid.c2")
    w.seller_sends_from_dashboard(t, P1, at("10:30"))
    w.customer_writes(t, P2, at("11:00"), "wamid.d1")
    w.assign(t, P2, bruno, at("11:00"))
    w.automation_sends(t, P2, at("11:01"))
    w.follow_up_note(t, elena, ana, f"{DAY}T12:00:00+00:00", at("09:30"))
    w.change_status(t, carla, "cerrado_ganado", ana, at("15:00"))
    return {**people, "carla": carla, "elena": elena, "felix": felix, "tenant": t}


def materialize(settings, asset: str, partition: str = DAY) -> dg.ExecuteInProcessResult:
    defs = build_definitions(settings)
    job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection={dg.AssetKey(asset)})
    return job.execute_in_process(partition_key=partition, resources=build_resources(settings),
                                  instance=dg.DagsterInstance.ephemeral())


def metrics(engine: sa.Engine, day: str = DAY) -> dict[str, dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT s.name, m.* FROM seller_metrics AS m JOIN sellers AS s ON s.id = m.seller_id "
            "WHERE m.period = :d"), {"d": day}).mappings().all()
    return {r["name"]: {k: v for k, v in r.items() if k not in ("computed_at", "name")} for r in rows}


def test_the_days_metrics_notifications_and_report_from_crm_ventas_rows(crm):
    w, settings, engine = crm
    p = write_the_day(w)

    first = sync(build_postgres(settings), settings.crm_timezone)

    assert first.read["chat_messages"] == 7
    with engine.connect() as conn:
        kinds = conn.execute(sa.text("SELECT sender_type, count(*) FROM messages GROUP BY 1 ORDER BY 1")).all()
        sellers = dict(conn.execute(sa.text("SELECT name, role || '/' || is_active FROM sellers")).all())
        leads = {r.phone_number: r for r in conn.execute(sa.text("SELECT * FROM leads"))}
        threads = {r.customer_phone: r for r in conn.execute(sa.text("SELECT * FROM conversations"))}
    # AI reply and automation are bots; the two dashboard sends are Ana's
    assert kinds == [("bot", 2), ("customer", 3), ("seller", 2)]
    assert sellers == {"Ana Test": "seller/true", "Bruno Test": "seller/true", "Olga Test": "ceo/true",
                       "Sara Test": "manager/true", "Pedro Test": "seller/false"}
    assert (threads[P1].customer_name, str(threads[P1].assigned_seller_id)) == ("Carla Gómez", p["Ana"])
    assert (threads[P2].last_message_from_customer, str(threads[P2].assigned_seller_id)) == (True, p["Bruno"])
    assert (leads[P1].status, leads[P1].converted_at) == ("closed_won", at("15:00"))
    assert (leads[P3].status, leads[P3].next_follow_up) == ("negotiation", at("12:00"))
    assert (leads[P4].status, float(leads[P4].conversion_probability), leads[P4].last_contact_time) == (
        "contacted", 0.85, None)

    assert materialize(settings, "seller_metrics").success
    got = metrics(engine)
    assert set(got) == {"Ana Test", "Bruno Test", "Olga Test", "Sara Test"}  # Pedro is suspended
    ana, bruno = got["Ana Test"], got["Bruno Test"]
    assert (ana["messages_sent"], ana["messages_received"], ana["replies"]) == (2, 2, 2)
    assert (ana["avg_response_time_minutes"], ana["median_response_time_minutes"]) == (25.0, 25.0)
    assert ana["first_response_time_minutes"] == 20.0
    assert (ana["conversations_total"], ana["conversations_active"], ana["conversations_new"]) == (1, 1, 1)
    assert (ana["leads_generated"], ana["leads_converted"]) == (3, 1)
    assert ana["conversion_rate"] == pytest.approx(1 / 3)
    assert ana["engagement_rate"] == 1.0
    # 10 x (0.30 x (1 - 25/60) + 0.25 x 1 + 0.25 x 1/3 + 0.20 x 2/20) = 5.28
    assert (ana["productivity_score"], ana["rank_position"]) == (5.28, 1)
    assert (bruno["conversations_unanswered"], bruno["messages_received"], bruno["replies"]) == (1, 1, 0)
    assert bruno["engagement_rate"] == 0.0 and bruno["leads_generated"] == 1

    # Now (CRM Ventas's own trigger deletes every expired notification on each insert, so the
    # check runs at the real time: the day's situations are all still open).
    as_of = datetime.now(timezone.utc)
    thresholds = Thresholds.from_settings(settings)
    created = {rule: run_rule(build_postgres(settings), rule, thresholds, as_of, settings)
               for rule in ("unanswered", "hot_lead", "followup")}
    with engine.connect() as conn:
        rows = {r.type: r for r in conn.execute(sa.text("SELECT * FROM public.notifications"))}
    assert {rule: len(ids) for rule, ids in created.items()} == {"unanswered": 1, "hot_lead": 1, "followup": 1}
    assert str(rows["unanswered"].recipient_id) == p["Bruno"]
    assert rows["unanswered"].metadata["phone"] == P2  # the frontend's /chat?phone= link
    assert rows["unanswered"].title == "Conversación sin responder: Diego Luna"
    assert (str(rows["hot_lead"].recipient_id), rows["hot_lead"].related_entity_id) == (p["Ana"], p["felix"])
    assert "85%" in rows["hot_lead"].message
    assert str(rows["followup"].recipient_id) == p["Ana"]
    with engine.connect() as conn:  # CRM Ventas's own seller_metrics table is never written
        assert conn.execute(sa.text("SELECT count(*) FROM public.seller_metrics")).scalar() == 0

    assert materialize(settings, "daily_report").success
    with engine.connect() as conn:
        report = conn.execute(sa.text("SELECT payload FROM daily_reports WHERE report_date = :d"), {"d": DAY}).scalar()
    assert report["team_performance"]["converted_leads"] == 1
    assert report["top_performers"][0]["score"] == 5.28


def test_a_second_sync_reads_only_what_is_new_and_matches_a_full_resync(crm):
    w, settings, engine = crm
    p = write_the_day(w)
    postgres = build_postgres(settings)
    sync(postgres, settings.crm_timezone)

    # Later that day: Bruno answers Diego, a new customer writes and is assigned to Ana.
    w.customer_writes(1, P2, at("16:00"), "wamid.d2")
    w.seller_sends_from_dashboard(1, P2, at("16:10"))
    w.customer_writes(1, P5, at("17:00"), "wamid.n1")
    w.assign(1, P5, p["Ana"], at("17:05"))

    second = sync(postgres, settings.crm_timezone)

    assert second.read["chat_messages"] == 3  # past the watermark (the margin below it re-read apart)
    assert second.read["chat_messages_reread"] == 7
    assert second.written["messages"] == 3  # the three new rows, nothing already mirrored
    assert second.written["conversations"] == 2  # Diego's thread and the new one
    assert second.read["seller_assignments"] == 1
    assert second.written["leads"] == 1  # Diego's lead: a seller wrote in its thread (a contact)
    with engine.connect() as conn:
        new_thread = conn.execute(sa.text("SELECT assigned_seller_id FROM conversations WHERE customer_phone = :p"),
                                  {"p": P5}).scalar()
    assert str(new_thread) == p["Ana"]  # the assignment rewrote an already mirrored row

    assert materialize(settings, "seller_metrics").success
    incremental = metrics(engine)
    # Bruno's 16:10 reply answers the customer turn that began at 11:00 (16:00 was the same turn): 310 min
    assert incremental["Bruno Test"]["replies"] == 1 and incremental["Bruno Test"]["avg_response_time_minutes"] == 310.0

    full = sync(postgres, settings.crm_timezone, mode="full")
    assert full.written.get("messages", 0) == 0 and full.written.get("conversations", 0) == 0
    assert materialize(settings, "seller_metrics").success
    assert metrics(engine) == incremental
