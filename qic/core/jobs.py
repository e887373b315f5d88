"""Background work: task workers, their heartbeats, progress of long jobs and lost tasks.

Work runs as tasks through Django's Tasks API (`django_tasks`); with the database backend a
task is a row written in the same transaction as the change that asked for it, and
`manage.py worker` processes run them. This module is the one place that knows about workers:

- **Heartbeats.** A worker is "seen" when it starts, when it picks up a task, and while a long
  task reports progress. The rows say whether any worker is running (/readyz) and tell a lost
  task from a long one.
- **Progress.** `report_progress` writes a job's counts (rows checked, rows saved) to the
  progress cache, outside any transaction the job holds, so a page can show them as they move.
- **Lost tasks.** `recover_lost_tasks` finds tasks still "running" whose worker has not been seen
  for QIC_WORKER_LOST_SECONDS (it was killed, or its machine stopped). A task declared with
  `retry_if_lost` is put back to be picked up again (once); any other is marked failed, and the
  handler its module registered with `on_lost` fails its job with a message and discards its
  upload. A job's own writes are one transaction, so a killed worker left nothing written.
- **Orphaned jobs.** A job still "waiting" or "running" with no task queued or running for it
  (left by an older release that ran work in a thread, or its task row deleted) would wait for
  ever. Each app registers with `sweeps_orphans` a function that fails such jobs once they are
  older than QIC_WORKER_LOST_SECONDS; `recover_lost_tasks` runs them after the lost tasks. Work
  a request does itself (with no task) is marked with `running_inline`, and is left alone.
- **Failed tasks.** A task that raises is recorded as failed by the worker; the handler its
  module registered with `on_lost` then ends its job with a message at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from qic.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LOST_MESSAGE = "The worker running this job stopped before it finished (it was restarted or its server stopped)."

FAILED_MESSAGE = "Something went wrong while running this job."

# How often a long task's progress reports also refresh its worker's heartbeat.
HEARTBEAT_EVERY = dt.timedelta(seconds=10)
# Progress is kept this long after the last report, then forgotten.
PROGRESS_TIMEOUT_SECONDS = 24 * 60 * 60

_current_worker: contextvars.ContextVar[str | None] = contextvars.ContextVar("qic_current_worker", default=None)
_last_beat: dict[str, dt.datetime] = {}

# task module path -> what to do when it is lost: handler(kwargs of the task, message)
_LOST_HANDLERS: dict[str, Callable[[dict[str, Any], str], None]] = {}
# task module paths that are put back to run again when lost (their work is safe to repeat)
_RETRY_IF_LOST: set[str] = set()
# functions that end an app's jobs left with no task to run them: sweeper(cutoff) -> how many
_ORPHAN_SWEEPERS: list[Callable[[dt.datetime], int]] = []
# At most this many attempts (the first and one retry) before a lost task is failed instead.
MAX_ATTEMPTS = 2


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker stopped while running it."""


def progress_cache() -> Any:
    return caches["progress"]


def _beat_key(worker_id: str) -> str:
    return f"qic:worker:{worker_id}"


def worker_seen(worker_id: str, *, kind: str = WorkerHeartbeat.Kind.WORKER, now: dt.datetime | None = None) -> None:
    """Record that a worker (or the scheduler) is alive now.

    The cache entry is always written; the row only outside a transaction, so that a heartbeat
    from inside a job's long write is not held back until the job commits.
    """
    now = now or timezone.now()
    progress_cache().set(_beat_key(worker_id), now.isoformat(), timeout=PROGRESS_TIMEOUT_SECONDS)
    _last_beat[worker_id] = now
    if transaction.get_connection().in_atomic_block:
        return
    try:
        updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
        if not updated:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "kind": kind,
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": now,
                    "seen_at": now,
                },
            )
    except OperationalError as exc:
        # SQLite: another process holds the write lock past the busy timeout (a long import
        # saving). The cache entry above already says the worker is alive; the row waits.
        if not is_locked_database_exception(exc):
            raise
        logger.warning("Heartbeat of %s not written: the database is locked", worker_id)


def last_seen(worker_id: str) -> dt.datetime | None:
    """When the worker was last seen, from its row or the cache, whichever is later."""
    times: list[dt.datetime] = []
    row = WorkerHeartbeat.objects.filter(worker_id=worker_id).values_list("seen_at", flat=True).first()
    if row is not None:
        times.append(row)
    cached = progress_cache().get(_beat_key(worker_id))
    if cached:
        with contextlib.suppress(TypeError, ValueError):
            times.append(dt.datetime.fromisoformat(cached))
    return max(times) if times else None


def latest_worker_seen() -> dt.datetime | None:
    """When any task worker was last seen (for /readyz)."""
    return (
        WorkerHeartbeat.objects.filter(kind=WorkerHeartbeat.Kind.WORKER)
        .order_by("-seen_at")
        .values_list("seen_at", flat=True)
        .first()
    )


def _from_worker(sender: Any) -> bool:
    """Whether a task signal comes from a worker of the database backend. db_worker sends the
    backend itself as the sender, or its class (when a task failed); only real workers have
    heartbeats (the immediate backend runs tasks in the caller)."""
    return issubclass(sender if isinstance(sender, type) else type(sender), DatabaseBackend)


@receiver(task_started, dispatch_uid="qic_worker_started_task")
def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _from_worker(sender):
        return
    worker_ids = list(getattr(task_result, "worker_ids", []) or [])
    if worker_ids:
        _current_worker.set(worker_ids[-1])
        worker_seen(worker_ids[-1])


@receiver(task_finished, dispatch_uid="qic_worker_finished_task")
def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _from_worker(sender):
        return
    worker_id = _current_worker.get()
    if worker_id:
        worker_seen(worker_id)
    if task_result.status == TaskResultStatus.FAILED:
        _task_failed(task_result)


def _task_failed(task_result: Any) -> None:
    """A task that raised (or was stopped by a second SIGTERM) ends its job as a lost one would:
    the handler its module registered with `on_lost` fails the job with a message, so the job
    does not wait for the orphan sweep."""
    handler = _LOST_HANDLERS.get(task_path(task_result.task))
    if handler is None:
        return
    try:
        with transaction.atomic():
            handler(dict(task_result.kwargs or {}), FAILED_MESSAGE)
    except Exception:  # the task's own failure is already recorded; the sweep will retry the job
        logger.exception("Could not end the job of failed task %s", task_result.id)


# --- Progress ----------------------------------------------------------------------------


def report_progress(key: str, **values: Any) -> None:
    """Publish a long job's progress under `key` (e.g. "learner-import:12"), outside any
    transaction; refresh the running worker's heartbeat now and then."""
    progress_cache().set(f"qic:progress:{key}", values, timeout=PROGRESS_TIMEOUT_SECONDS)
    worker_id = _current_worker.get()
    if worker_id:
        now = timezone.now()
        if now - _last_beat.get(worker_id, dt.datetime.min.replace(tzinfo=dt.UTC)) >= HEARTBEAT_EVERY:
            worker_seen(worker_id, now=now)


def read_progress(key: str) -> dict[str, Any]:
    """The last progress reported under `key`, or {} (none yet, or forgotten)."""
    value = progress_cache().get(f"qic:progress:{key}")
    return value if isinstance(value, dict) else {}


# --- Work done inline -----------------------------------------------------------------------

# The longest a request (or command) can be doing a job's work itself before its mark expires.
INLINE_MARK_SECONDS = 60 * 60


def _inline_key(key: str) -> str:
    return f"qic:inline:{key}"


@contextlib.contextmanager
def running_inline(key: str) -> Iterator[None]:
    """Mark the job `key` (e.g. "learner-import:12") as being worked on in this process rather
    than by a task (a request that waits for the result): it has no task row, and the orphan
    sweep must not take it for one left behind. The mark goes when the work ends, or after
    INLINE_MARK_SECONDS if the process was killed."""
    progress_cache().set(_inline_key(key), timezone.now().isoformat(), timeout=INLINE_MARK_SECONDS)
    try:
        yield
    finally:
        progress_cache().delete(_inline_key(key))


def is_running_inline(key: str) -> bool:
    return progress_cache().get(_inline_key(key)) is not None


# --- Lost tasks --------------------------------------------------------------------------


def task_path(task_obj: Any) -> str:
    return str(task_obj.module_path)


def on_lost(task_obj: Any, *, retry: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register what to do when `task_obj` is lost: `handler(kwargs, message)`.

    With `retry`, the task is first put back to run again (it is safe to repeat); the handler
    runs only when it is lost a second time.
    """

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        _LOST_HANDLERS[task_path(task_obj)] = handler
        if retry:
            _RETRY_IF_LOST.add(task_path(task_obj))
        return handler

    return register


def retry_if_lost(task_obj: Any) -> Any:
    """Declare a task safe to run again when its worker is lost (no handler needed)."""
    _RETRY_IF_LOST.add(task_path(task_obj))
    return task_obj


def sweeps_orphans(sweeper: Callable[[dt.datetime], int]) -> Callable[[dt.datetime], int]:
    """Register `sweeper(cutoff)`: it fails the app's jobs created before `cutoff` that are still
    unfinished with no task queued or running for them, and returns how many it failed."""
    if sweeper not in _ORPHAN_SWEEPERS:
        _ORPHAN_SWEEPERS.append(sweeper)
    return sweeper


def unfinished_task_kwargs(*task_objs: Any) -> list[dict[str, Any]]:
    """The keyword arguments of every queued or running task of `task_objs` (for sweepers:
    a job named in one of them is not orphaned)."""
    rows = DBTaskResult.objects.filter(
        task_path__in=[task_path(t) for t in task_objs], status__in=("READY", "RUNNING")
    ).values_list("args_kwargs", flat=True)
    return [dict((row or {}).get("kwargs") or {}) for row in rows]


def _load_task_module(result: Any) -> None:
    """Import the module of a lost task, so that its `on_lost`/`retry_if_lost` declarations are
    known even when nothing in this process has imported it yet (a task outside an app's
    tasks.py, which start-up does not import)."""
    try:
        import_string(result.task_path)
    except ImportError:  # a task since removed or renamed: it is failed like any other
        logger.warning("Task %s names %s, which cannot be imported", result.pk, result.task_path)


def recover_lost_tasks(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put back or fail every running task whose worker has not been seen for
    QIC_WORKER_LOST_SECONDS, then fail the jobs left with no task at all (see `sweeps_orphans`).
    Returns {"retried": n, "failed": n, "orphaned": n}."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.QIC_WORKER_LOST_SECONDS)
    counts = {"retried": 0, "failed": 0, "orphaned": 0}
    for result in DBTaskResult.objects.running().order_by("started_at"):
        worker_ids = list(result.worker_ids or [])
        seen = last_seen(worker_ids[-1]) if worker_ids else None
        if (seen or result.started_at or now) >= cutoff:
            continue
        _load_task_module(result)
        kwargs = dict((result.args_kwargs or {}).get("kwargs") or {})
        if result.task_path in _RETRY_IF_LOST and len(worker_ids) < MAX_ATTEMPTS:
            if DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(status="READY", started_at=None):
                counts["retried"] += 1
                logger.warning("Task %s (%s) was lost with its worker: queued again", result.pk, result.task_path)
            continue
        message = LOST_MESSAGE
        with transaction.atomic():
            if not DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"{WorkerLost.__qualname__}: {message}\n",
            ):
                continue
            handler = _LOST_HANDLERS.get(result.task_path)
            if handler is not None:
                handler(kwargs, message)
        counts["failed"] += 1
        logger.error("Task %s (%s) was lost with its worker: marked failed", result.pk, result.task_path)
    for sweeper in _ORPHAN_SWEEPERS:
        counts["orphaned"] += sweeper(cutoff)
    if counts["orphaned"]:
        logger.error("%s jobs were left with no task to run them: marked failed", counts["orphaned"])
    return counts
