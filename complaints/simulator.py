"""A small 12345 hotline (政企通) for the demo and the tests: the other side of ``complaints.hotline`` over
real HTTP on localhost.

``POST /complaints/`` files a complaint once per ``Idempotency-Key`` (a repeat gets the same ticket) after
checking the signature. It can be told (``POST /control/`` or the methods) to fail the next N posts (503),
to be slow on the next N (it files, then answers after ``slow_seconds``: the caller times out), or to answer
twice (it also posts its "accepted" update back twice, with the same update id). ``push_update`` posts a
signed status update to the platform's ``callback_url`` (over HTTP: ``POST /push/`` with ``{"key", "status",
"note"}``). ``GET /deliveries/`` lists what it holds."""

import contextlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .hotline import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, signed_headers


class HotlineSimulator:
    def __init__(self, *, secret: str, port: int = 0, callback_url: str = "", host: str = "127.0.0.1"):
        self.secret = secret
        self.callback_url = callback_url
        self.lock = threading.Lock()
        self.tickets: dict[str, str] = {}  # idempotency key -> ticket: what it filed, once each
        self.payloads: dict[str, dict] = {}
        self.posts = 0  # every POST it received, repeats included
        self.fail_next = 0
        self.slow_next = 0
        self.slow_seconds = 2.0
        self.twice_next = 0
        self.sent_updates: list[tuple[int, dict]] = []
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, data: dict):
                body = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the caller gave up (timed out)
                    pass

            def do_GET(self):
                if self.path.rstrip("/") == "/deliveries":
                    with simulator.lock:
                        return self._answer(200, {"posts": simulator.posts, "tickets": dict(simulator.tickets)})
                self._answer(404, {"error": "not found"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.rstrip("/") == "/control":
                    simulator.control(**json.loads(body or b"{}"))
                    return self._answer(200, {"ok": True})
                if self.path.rstrip("/") == "/push":  # {"key", "status", "note"}: post a signed update back
                    order = json.loads(body or b"{}")
                    code, answer = simulator.push_update(key=order.get("key", ""), status=order.get("status", ""),
                                                         note=order.get("note", ""))
                    return self._answer(200, {"platform_status": code, "platform_answer": answer})
                if self.path.rstrip("/") != "/complaints":
                    return self._answer(404, {"error": "not found"})
                code, data, slow, twice = simulator.receive(body, self.headers)
                if slow:
                    time.sleep(simulator.slow_seconds)
                self._answer(code, data)
                if twice:
                    update = {"id": f"u-{secrets.token_hex(6)}", "idempotency_key": data["idempotency_key"],
                              "ticket": data["ticket"], "status": "accepted", "note": "12345 已受理"}
                    threading.Thread(target=simulator.send_twice, args=(update,), daemon=True).start()

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/complaints/"
        self._thread = None

    # -- control ---------------------------------------------------------------------------------------

    def control(self, *, fail: int | None = None, slow: int | None = None, slow_seconds: float | None = None,
                twice: int | None = None, **_ignored):
        with self.lock:
            if fail is not None:
                self.fail_next = int(fail)
            if slow is not None:
                self.slow_next = int(slow)
            if slow_seconds is not None:
                self.slow_seconds = float(slow_seconds)
            if twice is not None:
                self.twice_next = int(twice)

    def receive(self, body: bytes, headers) -> tuple[int, dict, bool, bool]:
        timestamp = headers.get(TIMESTAMP_HEADER) or ""
        if sign(body, timestamp, self.secret) != (headers.get(SIGNATURE_HEADER) or ""):
            return 401, {"error": "bad signature"}, False, False
        key = headers.get(KEY_HEADER) or ""
        with self.lock:
            self.posts += 1
            if self.fail_next:
                self.fail_next -= 1
                return 503, {"error": "down"}, False, False
            new = key not in self.tickets
            if new:
                self.tickets[key] = f"12345-{len(self.tickets) + 1:06d}"
                self.payloads[key] = json.loads(body)
            slow = bool(self.slow_next)
            if slow:
                self.slow_next -= 1
            twice = bool(self.twice_next) and new
            if twice:
                self.twice_next -= 1
            return 200, {"idempotency_key": key, "ticket": self.tickets[key], "duplicate": not new}, slow, twice

    # -- the other way ---------------------------------------------------------------------------------

    def push_update(self, *, key: str, status: str, note: str = "", update_id: str | None = None,
                    timestamp: str | None = None) -> tuple[int, dict]:
        """Post a signed status update about the complaint with idempotency ``key`` to the platform."""
        update = {"id": update_id or f"u-{secrets.token_hex(6)}", "idempotency_key": key,
                  "ticket": self.tickets.get(key, ""), "status": status, "note": note}
        return self.post_update(update, timestamp=timestamp)

    def post_update(self, update: dict, *, timestamp: str | None = None) -> tuple[int, dict]:
        body = json.dumps(update, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the platform's own localhost URL)
            self.callback_url, data=body, method="POST", headers=signed_headers(body, self.secret, timestamp=timestamp)
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                result = response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            result = exc.code, json.loads(exc.read() or b"{}")
        self.sent_updates.append(result)
        return result

    def send_twice(self, update: dict):
        time.sleep(0.5)  # after its answer has reached the platform, as a real hotline's callback would
        for _ in range(2):
            with contextlib.suppress(OSError):
                self.post_update(update)

    # -- running ---------------------------------------------------------------------------------------

    def start(self) -> "HotlineSimulator":
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
