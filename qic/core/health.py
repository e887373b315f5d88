"""Health endpoints for load balancers, process supervisors and monitoring.

- `/healthz`: the process is up and answering. No database, no template: 200 "ok".
- `/readyz`: the site can do its work: the database answers, every migration on disk has been
  applied, and a task worker has been seen in the last QIC_READY_WORKER_SECONDS. It also says
  whether the scheduler has been seen (reported, not required: a missed scheduler run delays the
  daily jobs, it does not stop anyone's work). 200 with each check in JSON, or 503 naming the
  checks that failed.

Both are answered by `HealthCheckMiddleware`, placed before every other middleware except the
request id: no session, no second-factor gate, no CSRF, no lockout, no host check (a probe
from the machine itself asks for 127.0.0.1, which need not be in ALLOWED_HOSTS) and no HTTPS
redirect (the proxy's probe speaks plain HTTP to gunicorn). The answers hold no personal data
and are never cached. `/readyz` costs three small queries (one more when the migrations table
cannot be read, to tell a database that is down from one never migrated).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone

from qic.core import jobs
from qic.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponseBase:
    return _no_store(HttpResponse("ok", content_type="text/plain; charset=utf-8"))


@cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """The last migration of each app on disk (read once per process: the code cannot change
    under a running process). When these are applied, all before them are."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def _ago(when: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if when is None else max(0, int((now - when).total_seconds()))


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        # The error itself goes to the log; the answer names the check only.
        logger.exception("Readiness: the database did not answer")
        return False
    return True


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, checks): each check is {"ok": bool, ...} with a short explanation when not ok."""
    now = timezone.now()
    checks: dict[str, Any] = {}
    expected = expected_migrations()
    try:
        applied = set(MigrationRecorder.Migration.objects.values_list("app", "name"))
    except DatabaseError:
        # Either the database is down, or it answers but was never migrated.
        if not _database_answers():
            checks["database"] = {"ok": False, "error": "the database did not answer"}
            return False, checks
        applied = set()
    checks["database"] = {"ok": True}
    missing = sorted(f"{app}.{name}" for app, name in expected - applied)
    checks["migrations"] = (
        {"ok": True} if not missing else {"ok": False, "error": "migrations not applied", "missing": missing}
    )

    limit = settings.QIC_READY_WORKER_SECONDS
    try:
        worker_at = jobs.latest_worker_seen()
        scheduler_at = (
            WorkerHeartbeat.objects.filter(kind=WorkerHeartbeat.Kind.SCHEDULER)
            .order_by("-seen_at")
            .values_list("seen_at", flat=True)
            .first()
        )
    except DatabaseError:
        # The heartbeat table is missing until its migration is applied.
        worker_at = scheduler_at = None
    worker_ok = worker_at is not None and (now - worker_at).total_seconds() <= limit
    checks["worker"] = {"ok": worker_ok, "seen_seconds_ago": _ago(worker_at, now)}
    if not worker_ok:
        checks["worker"]["error"] = f"no task worker seen in the last {limit} seconds"
    # Reported, not required.
    checks["scheduler"] = {
        "seen": scheduler_at is not None and (now - scheduler_at).total_seconds() <= limit,
        "seen_seconds_ago": _ago(scheduler_at, now),
    }
    ready = all(check.get("ok", True) for check in checks.values())
    return ready, checks


def readyz(request: HttpRequest) -> HttpResponseBase:
    ready, checks = readiness()
    failing = [name for name, check in checks.items() if check.get("ok") is False]
    body = {"status": "ready" if ready else "not ready", "failing": failing, "checks": checks}
    response = JsonResponse(body, status=200 if ready else 503)
    if not ready:
        # A probe asks every few seconds: Django would log each 503 as an ERROR ("Service
        # Unavailable"), which error reporting sends on as a new event every time. Not being
        # ready is a state the probe acts on; it is logged here as a warning naming the checks.
        logger.warning("Readiness: not ready (%s)", ", ".join(failing))
        response._has_been_logged = True  # type: ignore[attr-defined]
    return _no_store(response)


ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
    HEALTH_PATH: healthz,
    f"{HEALTH_PATH}/": healthz,
    READY_PATH: readyz,
    f"{READY_PATH}/": readyz,
}


class HealthCheckMiddleware:
    """Answers GET/HEAD of /healthz and /readyz before the rest of the stack runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = ENDPOINTS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
