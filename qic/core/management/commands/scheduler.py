"""`manage.py scheduler [--list]`: queue the project's scheduled jobs at their times.

Runs APScheduler (a blocking scheduler) with one cron trigger per job in `qic.core.schedule.JOBS`,
in the project's time zone. A firing only queues the job's task (workers run it), once per slot
even if two schedulers run by mistake. The scheduler records its heartbeat every minute.
SIGTERM or Ctrl+C stops it; a task it queued is not affected. `--list` prints the jobs and
their next run times, and starts nothing.
"""

from __future__ import annotations

import logging
import signal
import socket
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from qic.core import jobs, schedule
from qic.core.models import WorkerHeartbeat


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _fire(name: str) -> None:
    close_old_connections()
    try:
        schedule.fire_now(name)
    finally:
        close_old_connections()


def _beat(scheduler_id: str) -> None:
    close_old_connections()
    try:
        jobs.worker_seen(scheduler_id, kind=WorkerHeartbeat.Kind.SCHEDULER)
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Queue the scheduled jobs (reminders, national figures, retention, clean-ups) at their times."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="print the jobs and their next run times, then stop")
        parser.add_argument("--scheduler-id", default="", help="id of this scheduler's heartbeat (default: random)")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = ZoneInfo(settings.TIME_ZONE)
        if options["list"]:
            self._list(zone)
            return
        scheduler_id = options["scheduler_id"] or f"scheduler-{socket.gethostname()[:30]}-{get_random_string(8)}"
        scheduler = BlockingScheduler(timezone=zone, job_defaults={"coalesce": True, "max_instances": 1})
        for job in schedule.JOBS:
            job.task  # noqa: B018 - a job naming a task that does not exist stops the start
            scheduler.add_job(
                _fire,
                trigger=job.trigger(),
                args=[job.name],
                id=job.name,
                name=job.name,
                misfire_grace_time=job.grace_seconds,
            )
        scheduler.add_job(
            _beat,
            trigger=IntervalTrigger(minutes=1, timezone=zone),
            args=[scheduler_id],
            id="heartbeat",
            name="heartbeat",
            next_run_time=timezone.now(),
        )
        # APScheduler logs two lines per firing at INFO; ours says what was queued.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"Scheduler {scheduler_id} started ({len(schedule.JOBS)} jobs, {zone.key} time)")
        self.stdout.flush()
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            self.stdout.write(f"Scheduler {scheduler_id} stopped")

    def _list(self, zone: ZoneInfo) -> None:
        now = timezone.now()
        width = max(len(job.name) for job in schedule.JOBS)
        self.stdout.write(f"Scheduled jobs ({zone.key} time):")
        for job in schedule.JOBS:
            upcoming = job.next_run(now)
            when = upcoming.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if upcoming else "never"
            self.stdout.write(f"  {job.name:<{width}}  {job.cron:<11}  next {when}  {job.task_path}")
            self.stdout.write(f"  {'':<{width}}  {job.does}")
