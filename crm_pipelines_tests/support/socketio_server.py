"""A real python-socketio server listening on a Redis channel (as the CRM's own server does),
served by aiohttp on loopback, and real Socket.IO clients that join rooms and record events."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import defaultdict

import socketio
from aiohttp import web


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SocketIOTestServer:
    """`socketio.AsyncServer` with `AsyncRedisManager(redis_url, channel)`: the one line the CRM's
    server needs to receive our events. Clients pass `auth={"rooms": [...]}` to join rooms."""

    def __init__(self, redis_url: str, channel: str):
        self.redis_url = redis_url
        self.channel = channel
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = threading.Event()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._started.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        mgr = socketio.AsyncRedisManager(self.redis_url, channel=self.channel)
        self.sio = socketio.AsyncServer(async_mode="aiohttp", client_manager=mgr)
        self.register_handlers(self.sio)
        app = web.Application()
        self.sio.attach(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def register_handlers(self, sio: socketio.AsyncServer) -> None:
        @sio.event
        async def connect(sid, environ, auth):
            for room in (auth or {}).get("rooms", []):
                await sio.enter_room(sid, room)

    def start(self) -> "SocketIOTestServer":
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("Socket.IO test server did not start")
        # The Redis manager subscribes to the channel in a background task; give it a moment.
        time.sleep(0.5)
        return self

    def stop(self) -> None:
        async def shutdown():
            await self.sio.shutdown()
            if self._runner is not None:
                await self._runner.cleanup()
            # the Redis listener and ping tasks: cancelled here, not destroyed pending at exit
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        fut = asyncio.run_coroutine_threadsafe(shutdown(), self._loop)
        try:
            fut.result(5)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


class CRMVentasSocketServer(SocketIOTestServer):
    """Only what CRM Ventas's server does for notifications
    (orchestrator_service/core/socket_notifications.py): on `subscribe_notifications {user_id}` the
    client joins its personal room `notifications:{user_id}` and is told `notification_subscribed`.
    No other room is ever joined: an event for any other room reaches nobody."""

    def register_handlers(self, sio: socketio.AsyncServer) -> None:
        @sio.on("subscribe_notifications")
        async def subscribe(sid, data):
            user_id = (data or {}).get("user_id")
            if not user_id:
                return
            await sio.enter_room(sid, f"notifications:{user_id}")
            await sio.emit("notification_subscribed", {"user_id": user_id, "status": "subscribed"}, room=sid)


class RecordingClient:
    """A real Socket.IO client in some rooms, recording every event it receives."""

    def __init__(self, server_url: str, rooms: list[str]):
        self.events: dict[str, list] = defaultdict(list)
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)

        @self.client.on("*")
        def catch_all(event, data):
            with self._lock:
                self.events[event].append(data)

        self.client.connect(server_url, auth={"rooms": rooms}, transports=["websocket"], wait_timeout=10)

    def received(self, event: str) -> list:
        with self._lock:
            return list(self.events.get(event, []))

    def wait_for(self, event: str, count: int = 1, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received(event)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.received(event)

    def close(self) -> None:
        self.client.disconnect()
