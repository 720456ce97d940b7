"""What CRM Ventas's unmodified frontend receives: the JavaScript `socket.io-client` it uses (npm,
installed here into crm_pipelines_tests/support/js/node_modules), subscribed as its
SocketContext does, against a python-socketio server that does only what the CRM's server does
(join `notifications:{user_id}` on `subscribe_notifications`). A seller and her manager each get
their own notifications, event by event, then one `notification_count_update` with the bell's
counts; nobody's room is one that nobody joins."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crm_pipelines.notifications.jobs import build_notification_checks_job
from crm_pipelines_tests.support import crm_factory as crm
from crm_pipelines_tests.support.socketio_server import CRMVentasSocketServer

JS = Path(__file__).resolve().parents[1] / "support" / "js"


@pytest.fixture(scope="session")
def node_client() -> Path:
    """socket.io-client from npm (the version pinned in package-lock.json), installed once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are needed for the CRM frontend's Socket.IO client (apt-get install nodejs npm)")
    if not (JS / "node_modules" / "socket.io-client").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS, check=True,
                       capture_output=True, timeout=300)
    return JS / "frontend_listener.mjs"


@pytest.fixture
def crm_server(redis_url: str, socketio_channel: str):
    server = CRMVentasSocketServer(redis_url, socketio_channel).start()
    yield server
    server.stop()


class Frontend:
    """One browser tab of the CRM's frontend, logged in as `user_id`."""

    def __init__(self, script: Path, url: str, user_id: str):
        self.process = subprocess.Popen(["node", str(script), url, user_id], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self._next(15) == "READY", self.process.stderr.read() if self.process.poll() else "no READY"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def _next(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def events(self, count: int, settle: float = 1.0) -> list[tuple[str, dict]]:
        """The first `count` events, then whatever else arrives within `settle` seconds."""
        got, deadline = [], time.monotonic() + 15
        while len(got) < count and time.monotonic() < deadline:
            line = self._next(deadline - time.monotonic())
            if line:
                got.append(json.loads(line))
        while (line := self._next(settle)) is not None:
            got.append(json.loads(line))
        return [(e["event"], e["data"]) for e in got]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(10)


def test_a_seller_and_her_manager_each_receive_theirs_event_by_event(db, settings, resources, node_client,
                                                                     crm_server):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana Ruiz")
    marta = crm.seller(db, tenant_id, "Marta Gil", role="manager")
    conv = crm.conversation(db, tenant_id, ana, "Carla Gómez", now - timedelta(hours=5))  # 5 h >= 4 x 1 h
    crm.seller_metrics_row(db, tenant_id, ana, now.date(),
                           conversations_unanswered=9, avg_response_time_minutes=45.0)  # both limits
    with db.begin() as conn:  # one of the CRM's own notifications for Marta, unread: her bell counts it
        conn.exec_driver_sql(
            "INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id) "
            "VALUES ('crm-1', %s, 'system', 'Bienvenida', 'Hola', 'low', %s)", (tenant_id, marta))
    seller_tab = Frontend(node_client, crm_server.url, ana)
    manager_tab = Frontend(node_client, crm_server.url, marta)
    try:
        assert build_notification_checks_job(settings).execute_in_process(resources=resources).success

        seller_events = seller_tab.events(3)
        manager_events = manager_tab.events(2)
    finally:
        seller_tab.close()
        manager_tab.close()

    day = f"{now.date():%Y%m%d}"
    # a check's new notifications go out oldest first, then by id; the bell's update after them
    assert [(event, data.get("id")) for event, data in seller_events] == [
        ("new_notification", f"performance_{ana}_{day}_{ana}"),
        ("new_notification", f"unanswered_{conv}_{crm.epoch(now - timedelta(hours=5))}"),
        ("notification_count_update", None),
    ]
    assert seller_events[2][1] == {"total": 2, "critical": 2, "high": 0, "medium": 0, "low": 0}
    unanswered = seller_events[1][1]
    assert unanswered["title"] == "Conversación sin responder: Carla Gómez"
    assert (unanswered["related_entity_type"], unanswered["related_entity_id"]) == ("conversation", conv)

    assert [(event, data.get("id")) for event, data in manager_events] == [
        ("new_notification", f"performance_{ana}_{day}_{marta}"),
        ("notification_count_update", None),
    ]
    alert = manager_events[0][1]
    assert alert["type"] == "performance_alert" and alert["priority"] == "critical"
    assert (alert["related_entity_type"], alert["related_entity_id"]) == (None, None)
    assert alert["title"] == "Alerta de rendimiento: Ana Ruiz"
    assert set(alert) == {"id", "type", "title", "message", "priority", "created_at",
                          "related_entity_type", "related_entity_id"}
    # her bell: the alert (critical) and the CRM's own unread welcome (low)
    assert manager_events[1][1] == {"total": 2, "critical": 1, "high": 0, "medium": 0, "low": 1}
