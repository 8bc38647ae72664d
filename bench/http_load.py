"""A bounded HTTP load client, run as its own process so it never shares the server's CPU time
accounting. It signs in once per thread, then requests the given paths for a fixed number of
requests or seconds, whichever ends first, and prints JSON with per-request latencies.

Only ever pointed at 127.0.0.1 (the server the harness started itself)."""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import time
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode


class Session:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=self._headers(headers))
                response = self.conn.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        return response.status, data, dict(response.getheaders())

    def csrf_from(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else self.cookies.get("csrftoken", "")

    def sign_in(self, username: str, password: str) -> None:
        _status, html, _ = self.request("GET", "/accounts/login/")
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_from(html)})
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        if status != 302:
            raise RuntimeError(f"sign-in as {username} failed with {status}")


def run(spec: dict[str, Any]) -> dict[str, Any]:
    port = spec["port"]
    latencies: list[float] = []
    server_times: list[float] = []
    server_cpu: list[float] = []
    queries: list[int] = []
    queries_by_path: dict[str, set[int]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    seconds = spec.get("seconds", 30)
    per_thread = spec.get("requests", 100)

    thread_count = spec.get("threads", 4)
    # Every client signs in before any is timed: password hashing is slow on purpose and would
    # otherwise compete with the pages measured.
    signed_in = threading.Barrier(thread_count)

    def worker(index: int) -> None:
        session = Session(port)
        try:
            session.sign_in(spec["username"], spec["password"])
        finally:
            signed_in.wait()
        paths = spec["paths"]
        deadline = time.monotonic() + seconds
        for i in range(per_thread):
            if time.monotonic() > deadline:
                break
            path = paths[(index + i) % len(paths)]
            started = time.perf_counter()
            try:
                status, _body, headers = session.request("GET", path)
            except Exception as exc:
                with lock:
                    errors.append(repr(exc))
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if status != 200:
                    errors.append(f"{status} {path}")
                latencies.append(elapsed)
                timing = headers.get("X-Hearth-Server-Time") or headers.get("x-hearth-server-time")
                if timing:
                    server_times.append(float(timing))
                cpu = headers.get("X-Hearth-Server-CPU") or headers.get("x-hearth-server-cpu")
                if cpu:
                    server_cpu.append(float(cpu))
                count = headers.get("X-Hearth-Queries") or headers.get("x-hearth-queries")
                if count:
                    queries.append(int(count))
                    queries_by_path.setdefault(path, set()).add(int(count))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(thread_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "latencies": latencies,
        "server_times": server_times,
        "server_cpu": server_cpu,
        "queries": queries,
        "queries_by_path": {path: sorted(counts) for path, counts in queries_by_path.items()},
        "errors": errors[:20],
        "error_count": len(errors),
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.stdin.read()))))
