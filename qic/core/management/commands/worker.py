"""`manage.py worker`: run background tasks (Django's Tasks API, database backend).

Start as many as needed, on as many machines as needed: each claims one task at a time and
runs it. On start a worker records its heartbeat and recovers tasks lost with a worker that
stopped (`qic.core.jobs.recover_lost_tasks`); then it runs django-tasks-db's `db_worker` on
every queue. SIGTERM or Ctrl+C lets the running task finish; a second one stops at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError
from django.utils.crypto import get_random_string
from django_tasks_db.utils import is_locked_database_exception

from qic.core import jobs


class Command(BaseCommand):
    help = "Run background tasks until stopped (or, with --batch, until none are waiting)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run every waiting task, then stop")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many tasks")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks when idle")
        parser.add_argument("--worker-id", default="", help="unique id of this worker (default: random)")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"] or f"worker-{get_random_string(20)}"
        jobs.worker_seen(worker_id)
        try:
            recovered = jobs.recover_lost_tasks()
        except OperationalError as exc:
            # SQLite: another process holds the write lock (a long import saving). Start anyway:
            # the scheduler's housekeeping recovers lost tasks within a minute.
            if not is_locked_database_exception(exc):
                raise
            self.stderr.write("Lost tasks not recovered at start: the database is locked")
            recovered = {"retried": 0, "failed": 0, "orphaned": 0}
        if any(recovered.values()):
            self.stdout.write(
                f"Recovered lost tasks: {recovered['retried']} queued again, {recovered['failed']} failed; "
                f"{recovered['orphaned']} jobs with no task failed"
            )
        db_worker_options: dict[str, Any] = {
            "queue_name": "*",
            "worker_id": worker_id,
            "interval": options["interval"],
            "reload": False,
            "startup_delay": False,
            "verbosity": options["verbosity"],
        }
        if options["batch"]:
            db_worker_options["batch"] = True
        if options["max_tasks"]:
            db_worker_options["max_tasks"] = options["max_tasks"]
        call_command("db_worker", **db_worker_options)
