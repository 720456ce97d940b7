"""Keep the mirrors of SPEC's relations (sql/crm/crmventas/mirrors.sql) in step with CRM Ventas.

`sync` reads only what changed since the last sync: chat_messages after the id watermark (in
batches of MESSAGE_BATCH, each committed with its watermark, so a sync interrupted anywhere is
resumed by the next one), leads whose row, notes, tasks or status history changed after the
time watermark, and the small users and tenants tables whole. Every write is an upsert that
touches only rows that differ, so re-reading is harmless: each sync re-reads a margin below its
watermarks (rows of transactions that committed after a later one).

What no watermark can see (a reassignment rewriting old rows' assigned_seller_id, a lead edited
without updated_at, a new agenda event: that table has no timestamp, rows lost to a commit older
than the margin) is caught by `mode="reconcile"`: every thread and lead recomputed and compared,
the corrections counted. `mode="full"` re-reads everything from the start. The mirrors stay
readable throughout (no truncation): a metrics run during a full resync reads the last good rows.

The first sync (no sync has finished yet: empty mirrors, or an interrupted first sync) and a full
one are bulk loads: chat_messages by id ranges of BULK_ID_RANGE with nothing sent back to Python,
then every thread recomputed by slices of the thread-id space and every lead by chunks. Same
statements, same upserts, same mirrors as the incremental path; it only skips its bookkeeping
(which threads each batch touched), since a bulk load recomputes them all. Each range commits
with its watermark, and the first sync stays the first until it finishes: an interrupted one is
resumed by the next sync from its watermark, then rebuilds every thread again.

Only plain SELECTs touch CRM Ventas's tables, so a sync never blocks the CRM's writes. Syncs run
one at a time (a session advisory lock); `ensure_fresh` is what every metrics refresh,
notification check and report calls first: it returns at once when a sync started after the
caller's own start, else waits for the running one or runs one itself.
"""

from __future__ import annotations

import contextlib
import itertools
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from crm_pipelines.cleanup.conversation_counts import recount_conversation_counts, vacuum_conversation_counts
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import DEFAULT_CONVERSATION_ARCHIVE_DAYS

MODES = ("incremental", "reconcile", "full")
SYNC_LOCK_KEY = 72_617_002  # any fixed number: one sync at a time per database
MESSAGE_BATCH = 5000
ID_BATCH = 5000
# A bulk load (the first sync, or a full one) reads chat_messages by id range, each range one
# committed statement, and rebuilds conversations by slices of the thread-id space of about this
# many messages: large enough that per-statement costs vanish, small enough that a transaction
# stays short and an interrupted load loses little.
BULK_ID_RANGE = 200_000
BULK_THREAD_SLICE_MESSAGES = 250_000
# Margins re-read below the watermarks: a row whose transaction committed after a later one's.
ID_MARGIN = 1000
TIME_MARGIN = timedelta(minutes=5)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# crmventas_sync_state rows of the messages mirror's indexes a bulk load dropped (defer_message_indexes.sql).
DEFERRED_INDEX = "deferred_index:"
# How long a bulk load waits for the messages mirror's readers before it keeps the indexes.
DEFER_LOCK_TIMEOUT = "5s"
INDEX_BUILD_MEMORY = "256MB"
BULK_WORK_MEMORY = "64MB"


@dataclass
class SyncReport:
    """What a sync read from CRM Ventas and wrote to the mirrors: the UI's metadata."""

    mode: str
    started_at: datetime
    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    corrected: dict[str, int] = field(default_factory=dict)
    watermarks: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, bucket: dict[str, int], key: str, n: int) -> None:
        bucket[key] = bucket.get(key, 0) + int(n or 0)


def _sql(name: str) -> sa.TextClause:
    return load_sql(__file__, name)


@contextlib.contextmanager
def sync_lock(postgres: PostgresResource) -> Iterator[None]:
    """One sync at a time: a session advisory lock on a connection of its own (in autocommit, so
    it holds no transaction open while the sync's batches commit)."""
    with postgres.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": SYNC_LOCK_KEY})
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": SYNC_LOCK_KEY})


def read_state(postgres: PostgresResource) -> dict[str, tuple[str, datetime]]:
    with postgres.connect() as conn:
        return {row.source: (row.watermark, row.synced_at) for row in conn.execute(_sql("state_read.sql"))}


def ensure_fresh(postgres: PostgresResource, timezone_name: str, since: datetime,
                 archive_days: int = DEFAULT_CONVERSATION_ARCHIVE_DAYS) -> SyncReport | None:
    """Mirrors no older than `since`: None when a sync that started after it already finished."""
    with sync_lock(postgres):
        last = read_state(postgres).get("sync")
        if last is not None and last[1] >= since:
            return None
        return _sync_locked(postgres, timezone_name, "incremental", archive_days)


def sync(postgres: PostgresResource, timezone_name: str, mode: str = "incremental",
         archive_days: int = DEFAULT_CONVERSATION_ARCHIVE_DAYS) -> SyncReport:
    """`archive_days`: CONVERSATION_ARCHIVE_DAYS, after which a quiet thread is mirrored `archived`."""
    if mode not in MODES:
        raise ValueError(f"sync mode {mode!r} is not one of {', '.join(MODES)}")
    with sync_lock(postgres):
        return _sync_locked(postgres, timezone_name, mode, archive_days)


def _sync_locked(postgres: PostgresResource, timezone_name: str, mode: str, archive_days: int) -> SyncReport:
    clock = time.perf_counter()
    with postgres.connect() as conn:
        started = conn.execute(sa.text("SELECT clock_timestamp()")).scalar_one()
    report = SyncReport(mode=mode, started_at=started)
    if mode == "reconcile":  # every kind of correction shown, zeros included
        report.corrected = dict.fromkeys(
            ("messages_reassigned", "messages_deleted", "messages_missed", "conversations", "leads"), 0)
    state = {} if mode == "full" else read_state(postgres)
    bulk = mode == "full" or (mode == "incremental" and "sync" not in state)
    params = {"now": started, "timezone": timezone_name}

    for table, statement in (("tenants", "sync_tenants.sql"), ("sellers", "sync_sellers.sql")):
        with _transaction(postgres) as conn:
            read, written = conn.execute(_sql(statement), params).one()
        report.add(report.read, "users" if table == "sellers" else "tenants", read)
        report.add(report.written, table, written)

    into_empty = False
    if bulk:
        with postgres.connect() as conn:
            into_empty = conn.execute(_sql("messages_empty.sql")).scalar_one()
        state = _bulk_assignment_watermark(postgres, state, params, mode)
        _defer_message_indexes(postgres)
    threads = _sync_messages(postgres, report, state, params, mode, bulk)
    with _transaction(postgres) as conn:  # whichever sync runs after a bulk load's rows are in
        # the whole mirror's entries sorted in memory rather than in temporary files
        conn.execute(sa.text("SELECT set_config('maintenance_work_mem', :m, true)"), {"m": INDEX_BUILD_MEMORY})
        conn.execute(_sql("restore_message_indexes.sql"))
    threads |= _sync_assignments(postgres, report, state, params)
    # A full sync into an empty mirror has just read every row it holds: nothing to compare with
    # CRM Ventas again (a reassignment since is an event the assignments above applied).
    if mode != "incremental" and not into_empty:
        with _transaction(postgres) as conn:
            row = conn.execute(_sql("reconcile_messages.sql")).one()
        threads |= set(row.thread_ids or ())
        report.add(report.corrected, "messages_reassigned", row.reassigned)
        report.add(report.corrected, "messages_deleted", row.deleted)
        if not bulk:
            with postgres.connect() as conn:
                everything = conn.execute(_sql("all_ids.sql")).one()
            threads |= set(everything.thread_ids or ())
    # Leads before threads: a lead's name and assignee are its thread's fallbacks, so the threads
    # of changed leads are recomputed too.
    lead_threads = _sync_leads(postgres, report, state, params, threads, mode, bulk)
    with postgres.connect() as conn:
        cutoff = conn.execute(_sql("archive_cutoff.sql"), {"archive_days": archive_days}).scalar()
    if bulk:
        _rebuild_conversations(postgres, report, mode, cutoff)
        # the slices' trigger rows folded now, not at the next hourly cleanup (conversation_counts.py)
        with _transaction(postgres) as conn:
            report.add(report.written, "conversation_counts_folded", recount_conversation_counts(conn).rows_folded)
        vacuum_conversation_counts(postgres.engine)
    else:
        _sync_conversations(postgres, report, threads | lead_threads, mode, cutoff)
    if cutoff is not None:
        with _transaction(postgres) as conn:
            report.add(report.written, "conversations_archived",
                       conn.execute(_sql("archive_idle_threads.sql"), {"archive_cutoff": cutoff}).scalar_one())

    with _transaction(postgres) as conn:
        conn.execute(_sql("state_write.sql"), {"source": "sync", "watermark": mode, "synced_at": started})
    report.seconds = round(time.perf_counter() - clock, 3)
    report.watermarks = {source: wm for source, (wm, _) in read_state(postgres).items()
                         if source != "sync" and not source.startswith(DEFERRED_INDEX)}
    return report


def _bulk_assignment_watermark(postgres: PostgresResource, state: dict, params: dict[str, Any],
                               mode: str) -> dict:
    """The system_events watermark a bulk load starts from: the last event before it reads any
    message (each row it reads already carries the assignments logged up to there; the margin
    re-read covers late commits). Without it the first sync would re-read every thread's rows
    for every assignment ever logged. The first sync stores it before loading, so that a resumed
    one keeps the first run's (rows loaded then predate later events); a full sync keeps it in
    memory only (an interrupted one leaves the previous watermarks as they were)."""
    if "system_events" in state:
        return state
    with postgres.connect() as conn:
        last_event = conn.execute(_sql("last_ids.sql")).one().system_events
    if last_event is None:
        return state
    if mode == "incremental":
        with _transaction(postgres) as conn:
            conn.execute(_sql("state_write.sql"), {"source": "system_events", "watermark": str(last_event),
                                                   "synced_at": params["now"]})
    return {**state, "system_events": (str(last_event), params["now"])}


def _defer_message_indexes(postgres: PostgresResource) -> None:
    """An empty messages mirror's secondary indexes dropped for the bulk load, to be built again
    after it; skipped (the load keeps them) when a reader holds the table past DEFER_LOCK_TIMEOUT."""
    try:
        with _transaction(postgres) as conn:
            conn.execute(sa.text("SELECT set_config('lock_timeout', :t, true)"), {"t": DEFER_LOCK_TIMEOUT})
            conn.execute(_sql("defer_message_indexes.sql"))
    except sa.exc.OperationalError as error:
        if getattr(error.orig, "pgcode", None) != "55P03":  # lock_not_available
            raise


@contextlib.contextmanager
def _transaction(postgres: PostgresResource, *, bulk: bool = False) -> Iterator[sa.Connection]:
    """One of the sync's transactions, without JIT. Its statements are short (a quarter hour's
    rows, a batch of ids) but their estimated costs grow with the tables: at the bench's large
    scale the incremental message upsert and the threads' recomputation crossed jit_above_cost
    and jit_optimize_above_cost, and compiling took longer than the statements' own work (a
    quarter hour's sync 0.9 to 1.3 s with JIT, 0.6 s without). A bulk statement (`bulk`) also
    gets more work_mem: a range's rows, read three times, and a slice's sort by thread stay in
    memory instead of temporary files."""
    with postgres.begin() as conn:
        conn.execute(sa.text("SELECT set_config('jit', 'off', true), "
                             "set_config('work_mem', coalesce(:m, current_setting('work_mem')), true)"),
                     {"m": BULK_WORK_MEMORY if bulk else None})
        yield conn


def _sync_messages(postgres: PostgresResource, report: SyncReport, state: dict, params: dict[str, Any],
                   mode: str, bulk: bool = False) -> set:
    """chat_messages after the watermark, a committed batch at a time; returns the threads whose
    messages changed (none in a bulk load, which recomputes every thread: ranges of BULK_ID_RANGE
    ids up to the last id when it starts). A reconciliation also fetches every row the mirror
    lacks, wherever it is."""
    watermark = start_watermark = int(state.get("chat_messages", ("0",))[0])
    threads: set = set()
    passes = [(max(0, watermark - ID_MARGIN), False)]
    if mode == "reconcile":
        passes.append((0, True))
    last_id = 0
    if bulk:
        with postgres.connect() as conn:
            last_id = conn.execute(_sql("last_ids.sql")).one().chat_messages or 0
    for after, only_missing in passes:
        while not bulk or after < last_id:
            upto = after + BULK_ID_RANGE if bulk else None
            with _transaction(postgres, bulk=bulk) as conn:
                got = conn.execute(_sql("sync_messages.sql"), {
                    **params, "after_id": after, "upto_id": upto, "batch": BULK_ID_RANGE if bulk else MESSAGE_BATCH,
                    "only_missing": only_missing, "start_watermark": start_watermark,
                    "want_threads": not bulk, "guess_assignee": bulk}).one()
                if got.last_id is not None and got.last_id > watermark:
                    watermark = got.last_id
                    conn.execute(_sql("state_write.sql"), {"source": "chat_messages", "watermark": str(watermark),
                                                           "synced_at": params["now"]})
            threads.update(got.thread_ids or ())
            report.add(report.read, "chat_messages", got.read_new)
            report.add(report.read, "chat_messages_reread", got.read - got.read_new)
            report.add(report.written, "messages", got.written)
            if only_missing:
                report.add(report.corrected, "messages_missed", got.written)
            if bulk:
                after = upto
            elif got.read < MESSAGE_BATCH:
                break
            else:
                after = got.last_id
    return threads


def _sync_assignments(postgres: PostgresResource, report: SyncReport, state: dict, params: dict[str, Any]) -> set:
    """Threads assigned since the system_events watermark: their rows' assignees read again.
    Returns the threads to recompute: those of new events, and those of the margin re-read below
    the watermark whose rows changed (the others were applied by an earlier sync; recomputing
    them would cost every sync a thousand threads for nothing)."""
    watermark = int(state.get("system_events", ("0",))[0])
    with _transaction(postgres) as conn:
        found = conn.execute(_sql("reassigned_threads.sql"), {"after_id": max(0, watermark - ID_MARGIN),
                                                              "watermark": watermark}).one()
        threads = list(found.thread_ids or ())
        refreshed = conn.execute(_sql("refresh_thread_assignees.sql"), {"ids": threads}).one() if threads else None
        changed = refreshed.changed if refreshed else 0
        if found.newest is not None:
            conn.execute(_sql("state_write.sql"), {"source": "system_events", "watermark": str(found.newest),
                                                   "synced_at": params["now"]})
    report.add(report.read, "seller_assignments", found.read_new)
    report.add(report.read, "seller_assignments_reread", found.read - found.read_new)
    report.add(report.written, "messages_reassigned", changed)
    return set(found.new_thread_ids or ()) | set((refreshed.thread_ids if refreshed else None) or ())


def _sync_conversations(postgres: PostgresResource, report: SyncReport, threads: set, mode: str,
                        archive_cutoff: datetime | None) -> None:
    for chunk in _chunks(sorted(threads), ID_BATCH):
        with _transaction(postgres) as conn:
            conversations, attributed = conn.execute(_sql("sync_conversations.sql"), {
                "ids": chunk, "from_thread": None, "to_thread": None, "archive_cutoff": archive_cutoff}).one()
        report.add(report.written, "conversations", conversations)
        report.add(report.written, "messages_attributed", attributed)
        if mode == "reconcile":
            report.add(report.corrected, "conversations", conversations)


def _rebuild_conversations(postgres: PostgresResource, report: SyncReport, mode: str,
                           archive_cutoff: datetime | None) -> None:
    """Every thread recomputed, a slice of the thread-id space per committed statement (the ids
    are md5 hashes: evenly spread), read in index order from the messages mirror. The last
    chat_messages id stands for the message count (ids are dense enough to size slices by)."""
    with postgres.connect() as conn:
        messages = conn.execute(_sql("last_ids.sql")).one().chat_messages or 0
    slices = max(1, -(-int(messages) // BULK_THREAD_SLICE_MESSAGES))
    bounds = [None, *(str(uuid.UUID(int=(i << 128) // slices)) for i in range(1, slices)), None]
    for from_thread, to_thread in itertools.pairwise(bounds):
        with _transaction(postgres, bulk=True) as conn:
            conversations, attributed = conn.execute(_sql("sync_conversations.sql"), {
                "ids": None, "from_thread": from_thread, "to_thread": to_thread,
                "archive_cutoff": archive_cutoff}).one()
        report.add(report.written, "conversations", conversations)
        report.add(report.written, "messages_attributed", attributed)


def _sync_leads(postgres: PostgresResource, report: SyncReport, state: dict, params: dict[str, Any],
                threads: set, mode: str, bulk: bool = False) -> set:
    """Leads that changed since the time watermark (or all of them); returns their threads (not
    in a bulk load, which recomputes every thread)."""
    if mode == "incremental":
        since = datetime.fromisoformat(state.get("leads", (EPOCH.isoformat(),))[0]) - TIME_MARGIN
        with _transaction(postgres) as conn:
            changed = conn.execute(_sql("changed_leads.sql"), {"since": since, "thread_ids": sorted(threads)}).one()
            # a bulk load names no threads: every lead instead (its watermark still the changes')
            everyone = conn.execute(_sql("all_ids.sql")).one().lead_ids if bulk else None
        ids, newest = list(everyone or changed.ids or ()), changed.newest
        report.add(report.read, "lead_changes", changed.read)
    else:
        with postgres.connect() as conn:
            ids = list(conn.execute(_sql("all_ids.sql")).one().lead_ids or ())
            newest = conn.execute(sa.text("SELECT max(updated_at) FROM crmventas_leads")).scalar()
        report.add(report.read, "lead_changes", len(ids))
    lead_threads: set = set()
    for chunk in _chunks(ids, ID_BATCH):
        with _transaction(postgres, bulk=bulk) as conn:
            written, deleted = conn.execute(_sql("sync_leads.sql"), {**params, "ids": chunk}).one()
            if not bulk:
                lead_threads.update(conn.execute(_sql("lead_threads.sql"), {"ids": chunk}).scalars())
        report.add(report.written, "leads", written + deleted)
        if mode == "reconcile":
            report.add(report.corrected, "leads", written + deleted)
    if newest is not None:
        previous = state.get("leads", (EPOCH.isoformat(),))[0]
        mark = max(datetime.fromisoformat(previous), newest) if mode == "incremental" else newest
        with _transaction(postgres) as conn:
            conn.execute(_sql("state_write.sql"), {"source": "leads", "watermark": mark.isoformat(),
                                                   "synced_at": params["now"]})
    return lead_threads


def _chunks(items: Sequence, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])
