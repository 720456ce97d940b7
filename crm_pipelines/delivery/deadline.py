"""A wall-clock deadline for one delivery attempt (an SMTP session, a webhook POST).

Socket timeouts bound each read, not the attempt: a server that sends one byte every 5 s keeps
a "15 s" timeout alive forever. smtplib and http.client have no total timeout, so a watchdog
timer shuts down the attempt's socket when its time is up: the blocked read or write returns at
once, the library raises, and the attempt raises `DeliveryTimeout` naming the channel.
(DNS resolution is not a socket read and is not cut short; connect is bounded by the socket
timeout, which is never longer than the deadline.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator


class DeliveryError(RuntimeError):
    """A failure whose message we wrote ourselves: it names the channel and carries no secret
    (no URL, no address, no password), so it may be logged and recorded as it is."""


class DeliveryTimeout(DeliveryError):
    """The attempt did not finish within its wall-clock deadline."""


class Deadline:
    """`seconds` from creation. Sockets registered with `watch` are shut down when it expires."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[Callable[[], socket.socket | None]] = []
        self.expired = False

    def remaining(self) -> float:
        # never 0: a socket timeout of 0 means non-blocking, not "already late"
        return max(0.05, self._ends - time.monotonic())

    def watch(self, get_socket: Callable[[], socket.socket | None]) -> None:
        """Register a getter, called at expiry: STARTTLS and HTTPS replace the socket object."""
        with self._lock:
            self._sockets.append(get_socket)
            late = self.expired
        if late:
            _shutdown(get_socket())

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            getters = list(self._sockets)
        for get_socket in getters:
            _shutdown(get_socket())


def _shutdown(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        # socket.socket's own shutdown, also for an SSLSocket: it acts on the TCP socket
        # underneath (safe from another thread, unlike close) and wakes the blocked reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed, or not connected yet


@contextlib.contextmanager
def attempt_deadline(seconds: float, what: str) -> Iterator[Deadline]:
    """Run one attempt under a deadline; `what` names the channel in the error
    ("Slack webhook: no complete answer within 15 s")."""
    deadline = Deadline(seconds)
    timer = threading.Timer(seconds, deadline.expire)
    timer.daemon = True
    timer.start()
    try:
        yield deadline
    except Exception:
        if deadline.expired:
            # from None: the library's error may name the host or the URL (a webhook's token)
            raise DeliveryTimeout(f"{what}: no complete answer within {seconds:g} s") from None
        raise
    finally:
        timer.cancel()
