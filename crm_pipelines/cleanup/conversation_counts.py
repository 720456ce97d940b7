"""seller_conversation_counts (sql/009: conversations_total's per-month counts, kept by triggers
that only insert) recounted from conversations and folded to one row per (tenant, seller,
month): the hourly cleanup's step, and the end of a CRM Ventas bulk load.

Why a bulk load needs it at once: each of its thread slices is one statement, and the insert
trigger writes a row per (seller, month) the statement touched. At the benchmark's large scale
(119 slices) that left 1.2 million small rows, and seller_metrics, which sums them per seller,
took 4.7 s for one day instead of 1 s until the next cleanup.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql


@dataclass(frozen=True)
class Recount:
    keys: int  # rows after the fold: one per (tenant, seller, month)
    rows_folded: int  # rows before it
    corrected: int  # keys whose recorded sum was wrong (only a bypassed trigger does that)


def recount_conversation_counts(conn: sa.Connection) -> Recount:
    """In the caller's transaction: one recount at a time (a lock that conflicts with itself),
    while the triggers keep inserting and seller_metrics keeps reading."""
    conn.execute(load_sql(__file__, "lock_conversation_counts.sql"))
    keys, folded, corrected = conn.execute(load_sql(__file__, "rebuild_conversation_counts.sql")).one()
    return Recount(keys=keys, rows_folded=folded, corrected=corrected)


def vacuum_conversation_counts(engine: sa.Engine) -> None:
    """The folded rows' space made reusable and the statistics renewed: the sum per seller reads
    the table through a bitmap scan, which otherwise still visits every dead row's page."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM (ANALYZE) seller_conversation_counts"))
