"""The project's scheduled work: what runs when, and how one firing queues its task once.

`manage.py scheduler` runs APScheduler with a cron trigger for each job below, in the project's
time zone (settings.TIME_ZONE, Europe/London). A firing only *queues* the job's task; workers run
it. Each firing first inserts a `ScheduledRun` row for (job, slot), the time it was due, in the
same transaction as the task: a second scheduler started by mistake is refused the row and queues
nothing, so a job runs once per slot however many schedulers fire it.

The daily jobs run between 03:00 and 07:00 local time: never in the hour the clocks change
(01:00-02:00 in the UK), which is skipped in spring and happens twice in autumn.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from qic.core.mail import enqueue_with_change
from qic.core.models import ScheduledRun

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    task_path: str  # the dotted path of a django_tasks Task taking no arguments
    cron: str  # minute hour day-of-month month day-of-week, local time; day-of-week unused
    does: str
    # A firing missed by up to this long (the scheduler was stopped or busy) still happens once.
    grace_seconds: int = 6 * HOUR

    @property
    def task(self) -> Any:
        return import_string(self.task_path)

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(settings.TIME_ZONE))

    def slot(self, now: dt.datetime) -> dt.datetime | None:
        """The latest time this job was due at or before `now`, within its grace; None if none."""
        trigger = self.trigger()
        due = trigger.get_next_fire_time(None, now - dt.timedelta(seconds=self.grace_seconds))
        latest = None
        while due is not None and due <= now:
            latest = due
            due = trigger.get_next_fire_time(due, due)
        return latest

    def next_run(self, now: dt.datetime) -> dt.datetime | None:
        upcoming: dt.datetime | None = self.trigger().get_next_fire_time(None, now)
        return upcoming


JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        "housekeeping",
        "qic.core.tasks.housekeeping",
        "* * * * *",
        "Put back or fail tasks lost with a worker that stopped.",
        grace_seconds=55,
    ),
    ScheduledJob(
        "clear_sessions",
        "qic.core.tasks.clear_sessions",
        "0 3 * * *",
        "Delete expired sessions (Django's clearsessions).",
    ),
    ScheduledJob(
        "prune_finished_tasks",
        "qic.core.tasks.prune_finished_tasks",
        "10 3 * * *",
        "Delete finished task rows and scheduler records older than 30 days.",
    ),
    ScheduledJob(
        "apply_retention",
        "qic.programme.tasks.apply_retention",
        "20 3 * * *",
        "Anonymise leavers past their keeping period; remove old learner files.",
    ),
    ScheduledJob(
        "purge_removed",
        "qic.programme.tasks.purge_removed",
        "25 3 * * *",
        "Delete activities, interviews and advisers removed more than 30 days ago (QIC_RESTORE_REMOVED_DAYS).",
    ),
    ScheduledJob(
        "purge_removed_partners",
        "qic.partners.tasks.purge_removed_partners",
        "27 3 * * *",
        "Delete employers, employer contacts and parents' contacts removed more than 30 days ago "
        "(QIC_RESTORE_REMOVED_DAYS); an employer placements or activities refer to stays.",
    ),
    ScheduledJob(
        "compute_national_figures",
        "qic.national.tasks.compute_national_figures",
        "30 3 * * *",
        "Recompute each provider's benchmark aggregates for the national figures.",
    ),
    ScheduledJob(
        "send_reminders",
        "qic.accreditation.tasks.send_reminders",
        "0 7 * * *",
        "Mail reminders of annual reviews due and awards expiring (each once).",
    ),
)


def job_named(name: str) -> ScheduledJob:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def fire(job: ScheduledJob, slot: dt.datetime) -> bool:
    """Queue `job`'s task for `slot` unless it was already queued for it. True if queued now."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
        except IntegrityError:
            logger.info("Scheduled job %s for %s was already queued", job.name, slot.isoformat())
            return False
        result = enqueue_with_change(job.task)
        if result is not None:
            ScheduledRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id))
    logger.info("Scheduled job %s for %s queued", job.name, slot.isoformat())
    return True


def fire_now(name: str, *, now: dt.datetime | None = None) -> bool:
    """What the scheduler calls at each firing: queue the job for the slot just due."""
    job = job_named(name)
    slot = job.slot(now or timezone.now())
    if slot is None:  # fired outside its grace (a clock jump): nothing is due
        return False
    return fire(job, slot)
