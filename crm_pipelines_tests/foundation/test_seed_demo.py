"""`seed-demo`: the same seed gives identical data; the data looks like a real CRM's."""

import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from crm_pipelines.demo.seed import SeedError, seed_demo

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)


def _fingerprint(engine) -> dict:
    """An md5 of every row of every CRM table, in a stable order."""
    queries = {
        "tenants": "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM tenants t",
        "sellers": "SELECT md5(string_agg(s::text, '|' ORDER BY id)) FROM sellers s",
        "conversations": "SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM conversations c",
        "messages": "SELECT md5(string_agg(m::text, '|' ORDER BY id)) FROM messages m",
        "leads": "SELECT md5(string_agg(l::text, '|' ORDER BY id)) FROM leads l",
    }
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(q)).scalar() for t, q in queries.items()}


def test_same_seed_gives_identical_data(db):
    kwargs = dict(tenants=2, sellers=5, days=10, now=NOW, timezone="America/Bogota", progress=False)
    first = seed_demo(db, seed=7, **kwargs)
    print_1 = _fingerprint(db)
    second = seed_demo(db, seed=7, replace=True, **kwargs)
    assert second.counts == first.counts
    assert _fingerprint(db) == print_1
    seed_demo(db, seed=8, replace=True, **kwargs)
    assert _fingerprint(db)["messages"] != print_1["messages"]


def test_demo_data_is_realistic(db):
    result = seed_demo(db, tenants=2, sellers=10, days=14, seed=1, now=NOW, timezone="America/Bogota",
                       progress=False)
    assert result.counts["tenants"] == 2 and result.counts["sellers"] == 20
    with db.connect() as conn:
        def q(sql, **params):
            return conn.execute(sa.text(sql), params).scalar()

        # customers write between 8:00 and 22:00 local time
        assert q("SELECT count(*) FROM conversations WHERE extract(hour FROM created_at AT TIME ZONE "
                 "'America/Bogota') NOT BETWEEN 8 AND 22") == 0
        # every sender type appears; nothing after `now`
        assert set(conn.execute(sa.text("SELECT DISTINCT sender_type FROM messages")).scalars()) == {
            "customer", "seller", "bot", "system"}
        assert q("SELECT count(*) FROM messages WHERE created_at > :now", now=NOW) == 0
        # leads reach every status, conversions carry a date, follow-ups only where they belong
        assert q("SELECT count(DISTINCT status) FROM leads") == 6
        assert q("SELECT count(*) FROM leads WHERE status = 'closed_won' AND converted_at IS NULL") == 0
        assert q("SELECT count(*) FROM leads WHERE next_follow_up IS NOT NULL "
                 "AND status NOT IN ('interested', 'negotiation')") == 0
        assert q("SELECT count(*) FROM leads WHERE conversion_probability NOT BETWEEN 0 AND 1") == 0
        # Spanish names, one manager per tenant, a departed seller in teams of ten
        assert q("SELECT count(*) FROM sellers WHERE role = 'manager'") == 2
        assert q("SELECT count(*) FROM sellers WHERE NOT is_active") == 2
        assert q("SELECT count(*) FROM sellers WHERE name ~ '[áéíóúñ]'") > 0
        # some sellers are slow: median reply delay differs a lot between the fastest and slowest
        spread = conn.execute(sa.text("""
            WITH r AS (
              SELECT m.seller_id, m.created_at - lag(m.created_at) OVER (PARTITION BY m.conversation_id
                     ORDER BY m.created_at, m.id) AS delay, m.sender_type,
                     lag(m.sender_type) OVER (PARTITION BY m.conversation_id ORDER BY m.created_at, m.id) AS prev
              FROM messages m WHERE m.sender_type IN ('customer', 'seller'))
            SELECT max(med) / greatest(min(med), 1) FROM (
              SELECT seller_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delay)) AS med
              FROM r WHERE sender_type = 'seller' AND prev = 'customer' GROUP BY seller_id) x""")).scalar()
        assert spread > 3


def test_refuses_to_overwrite_without_replace(db):
    seed_demo(db, tenants=1, sellers=2, days=2, seed=1, now=NOW, timezone="UTC", progress=False)
    with pytest.raises(SeedError, match="--replace"):
        seed_demo(db, tenants=1, sellers=2, days=2, seed=1, now=NOW, timezone="UTC", progress=False)
    with pytest.raises(SeedError, match="--sellers"):
        seed_demo(db, tenants=1, sellers=0, days=2, seed=1, now=NOW, timezone="UTC", replace=True, progress=False)
    with pytest.raises(SeedError, match="--max-daily-conversations"):
        seed_demo(db, tenants=1, sellers=2, days=2, seed=1, now=NOW, timezone="UTC", replace=True, progress=False,
                  max_daily_conversations=0)


def test_max_daily_conversations_sets_the_rate_and_keeps_the_default_data(db):
    kwargs = dict(tenants=1, sellers=4, days=10, seed=5, now=NOW, timezone="UTC", progress=False)
    seed_demo(db, **kwargs)
    default = _fingerprint(db)

    def per_seller_day(conn) -> tuple[int, int]:
        # the most conversations any seller opened on one day, and the total
        return conn.execute(sa.text(
            "SELECT max(n), sum(n)::int FROM (SELECT count(*) AS n FROM conversations "
            "GROUP BY assigned_seller_id, created_at::date) x")).one()

    with db.connect() as conn:
        busiest, total_at_5 = per_seller_day(conn)
        ids_at_5 = set(conn.execute(sa.text("SELECT id FROM conversations")).scalars())
    assert busiest <= 5

    # the default is 5: saying so gives byte-for-byte the same data
    seed_demo(db, replace=True, max_daily_conversations=5, **kwargs)
    assert _fingerprint(db) == default

    # one at most a day
    seed_demo(db, replace=True, max_daily_conversations=1, **kwargs)
    with db.connect() as conn:
        assert per_seller_day(conn)[0] == 1

    # 13 a day at most (the benchmark's large scale): the same conversations as at 5, and more
    seed_demo(db, replace=True, max_daily_conversations=13, **kwargs)
    with db.connect() as conn:
        busiest, total_at_13 = per_seller_day(conn)
        ids_at_13 = set(conn.execute(sa.text("SELECT id FROM conversations")).scalars())
    assert ids_at_5 < ids_at_13
    assert 5 < busiest <= 13
    assert 2 * total_at_5 < total_at_13 < 3.5 * total_at_5


def test_the_command_with_the_same_seed_and_now_writes_identical_rows(db, pg_dsn):
    """`crm-pipelines seed-demo --seed N --now T` twice (as a person reproduces a demo): every CRM
    table hashes the same. Sellers' hiring dates and leads' follow-ups are dates of the data (local
    midnights and whole hours from the data's last day), not of the moment the command ran, and the
    command says how to get the same rows again."""
    env = dict(os.environ, POSTGRES_DSN=pg_dsn, CRM_TIMEZONE="America/Bogota")
    args = [sys.executable, "-m", "crm_pipelines.cli", "seed-demo", "--tenants", "1", "--sellers", "4",
            "--days", "5", "--seed", "11", "--now", "2025-03-10T15:00:00+00:00", "--replace"]
    prints = []
    for _ in range(2):
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout.splitlines()[-1] == (
            "the data ends at 2025-03-10T15:00:00+00:00: --seed 11 --now 2025-03-10T15:00:00+00:00 "
            "gives the same rows again")
        prints.append(_fingerprint(db))
    assert prints[0] == prints[1]
    with db.connect() as conn:
        hired = set(conn.execute(sa.text(
            "SELECT created_at AT TIME ZONE 'America/Bogota' FROM sellers")).scalars())
        follow_ups = conn.execute(sa.text(
            "SELECT count(*), count(*) FILTER (WHERE extract(minute FROM next_follow_up) <> 0 "
            "OR extract(second FROM next_follow_up) <> 0) FROM leads WHERE next_follow_up IS NOT NULL")).one()
    assert hired == {datetime(2025, 2, 4)}  # 30 days before the first day, 2025-03-06, local midnight
    assert follow_ups[0] > 0 and follow_ups[1] == 0


def test_hiring_dates_do_not_depend_on_the_time_of_day(db):
    kwargs = dict(tenants=1, sellers=3, days=4, seed=5, timezone="UTC", progress=False, replace=True)
    seed_demo(db, now=datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc), **kwargs)
    morning = _fingerprint(db)["sellers"]
    seed_demo(db, now=datetime(2025, 3, 10, 21, 30, tzinfo=timezone.utc), **kwargs)
    assert _fingerprint(db)["sellers"] == morning
