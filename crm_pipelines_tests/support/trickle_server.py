"""A TCP server on loopback that answers every connection with one byte per interval, forever:
the server that made a "15 s" SMTP attempt last 75 s, since each byte resets a socket timeout."""

from __future__ import annotations

import socket
import threading


class TrickleServer:
    def __init__(self, byte: bytes = b"2", interval: float = 1.0):
        self.byte, self.interval = byte, interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        # Never a line end: a status line or SMTP greeting that never completes.
        with conn:
            while not self._stop.wait(self.interval):
                try:
                    conn.sendall(self.byte)
                except OSError:
                    return  # the client gave up

    def start(self) -> "TrickleServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
