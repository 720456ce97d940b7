"""A real HTTP server on loopback that records webhook posts (Slack, Teams)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookTestServer:
    """Records every POST as (path, headers, parsed JSON body or raw text). `fail_next` makes the
    next N requests answer 500, to test retries and recorded failures."""

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_next = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode("utf-8", "replace")
                if outer.fail_next > 0:
                    outer.fail_next -= 1
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"fail")
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body, "raw": raw})
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")  # Slack answers "ok"; Teams answers "1"

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "WebhookTestServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
