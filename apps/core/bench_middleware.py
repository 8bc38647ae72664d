"""Benchmark headers: server time and SQL query count of each response.

Only active when `settings.HEARTH_BENCH` is true (the benchmark harness sets it; see
docs/performance.md). Otherwise Django drops the middleware at start-up (`MiddlewareNotUsed`), so
it costs nothing in production. It goes first in `MIDDLEWARE`, so the time and the count include
every other middleware (sessions, authentication, the school, two-factor checks).

Headers added:
- `X-Hearth-Server-Time`: seconds from the request reaching Django to the response leaving it;
- `X-Hearth-Server-CPU`: CPU seconds the process spent on it (a gunicorn sync worker serves one
  request at a time), which a busy machine inflates far less than the wall-clock time;
- `X-Hearth-Queries`: SQL statements executed on every database connection for the request;
- `Server-Timing`: the same time in milliseconds, for browser developer tools.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse


class QueryCounter:
    """An `execute_wrapper` that counts statements (an `executemany` counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class BenchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not getattr(settings, "HEARTH_BENCH", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        started = time.perf_counter()
        cpu_started = time.process_time()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        response["X-Hearth-Server-Time"] = f"{elapsed:.6f}"
        response["X-Hearth-Server-CPU"] = f"{cpu:.6f}"
        response["X-Hearth-Queries"] = str(counter.count)
        response["Server-Timing"] = f"app;dur={elapsed * 1000:.1f}"
        return response
