"""Scheduled work: the jobs' declaration, one task per slot, and what each scheduled task does."""

from __future__ import annotations

import datetime as dt
import inspect
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from qic.accreditation.models import AnnualReview
from qic.core import jobs, schedule
from qic.core.models import ScheduledRun, WorkerHeartbeat
from qic.learners.models import Learner
from qic.national.models import ProviderYearFigures
from tests.conftest import Cast
from tests.factories import make_learner, make_round

LONDON = ZoneInfo("Europe/London")
DATABASE_BACKEND = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}


@pytest.fixture
def database_tasks(settings: Any) -> None:
    """Tasks are rows, as in production, instead of running at once."""
    settings.TASKS = {"default": DATABASE_BACKEND}


# --- The declaration --------------------------------------------------------------------------


def test_every_job_names_a_task_taking_no_arguments_and_a_valid_cron_time() -> None:
    names = [job.name for job in schedule.JOBS]
    assert len(names) == len(set(names))
    assert set(names) >= {
        "housekeeping",
        "send_reminders",
        "compute_national_figures",
        "apply_retention",
        "clear_sessions",
        "prune_finished_tasks",
    }
    now = timezone.now()
    for job in schedule.JOBS:
        assert isinstance(job.task, Task), job.name
        required = [
            p for p in inspect.signature(job.task.func).parameters.values() if p.default is inspect.Parameter.empty
        ]
        assert required == [], f"{job.name} must run with no arguments"
        assert job.trigger().timezone == LONDON
        upcoming = job.next_run(now)
        assert upcoming is not None
        assert now <= upcoming <= now + dt.timedelta(days=1)
        assert job.does


def test_housekeeping_runs_every_minute_and_daily_jobs_avoid_the_hour_the_clocks_change() -> None:
    assert schedule.job_named("housekeeping").cron == "* * * * *"
    for job in schedule.JOBS:
        if job.name == "housekeeping":
            continue
        _minute, hour, *rest = job.cron.split()
        assert rest == ["*", "*", "*"], f"{job.name} runs daily"
        assert hour.isdigit(), job.name
        assert not 1 <= int(hour) < 2, job.name
        # On the days the clocks change it still runs exactly once.
        for day in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
            start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)
            first = job.next_run(start)
            assert first is not None
            assert first.date() == day
            second = job.next_run(first + dt.timedelta(seconds=1))
            assert second is not None
            assert second.date() == day + dt.timedelta(days=1)


def test_the_slot_is_the_latest_due_time_within_the_grace() -> None:
    daily = schedule.job_named("compute_national_figures")  # 03:30 London
    due = dt.datetime(2026, 12, 3, 3, 30, tzinfo=LONDON)
    assert daily.slot(due) == due
    assert daily.slot(due + dt.timedelta(minutes=2, seconds=7)) == due
    assert daily.slot(due + dt.timedelta(hours=5)) == due
    assert daily.slot(due - dt.timedelta(seconds=1)) is None  # yesterday's is past its grace
    minutely = schedule.job_named("housekeeping")
    at = dt.datetime(2026, 7, 1, 12, 5, 0, tzinfo=LONDON)
    assert minutely.slot(at + dt.timedelta(seconds=3)) == at
    assert minutely.slot(at + dt.timedelta(seconds=50)) == at
    assert minutely.slot(at + dt.timedelta(seconds=59)) is None  # past its grace: APScheduler skips it too


def test_list_prints_every_job_and_its_next_run() -> None:
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    text = out.getvalue()
    assert "Europe/London" in text
    for job in schedule.JOBS:
        assert job.name in text
        assert job.task_path in text
    assert text.count(" next ") == len(schedule.JOBS)


# --- One task per slot --------------------------------------------------------------------------


def test_a_slot_fired_twice_queues_its_task_once(db: None, database_tasks: None) -> None:
    job = schedule.job_named("compute_national_figures")
    slot = dt.datetime(2026, 12, 3, 3, 30, tzinfo=LONDON)
    assert schedule.fire(job, slot) is True
    assert schedule.fire(job, slot) is False  # a second scheduler, or the same one again
    assert schedule.fire_now(job.name, now=slot + dt.timedelta(seconds=40)) is False
    queued = DBTaskResult.objects.filter(task_path=job.task_path)
    assert queued.count() == 1
    run = ScheduledRun.objects.get()
    assert (run.job, run.slot, run.task_result_id) == (job.name, slot, str(queued.get().pk))

    next_day = slot + dt.timedelta(days=1)
    assert schedule.fire_now(job.name, now=next_day + dt.timedelta(seconds=2)) is True
    assert queued.count() == 2
    assert ScheduledRun.objects.count() == 2


def test_a_firing_outside_any_grace_queues_nothing(db: None, database_tasks: None) -> None:
    assert schedule.fire_now("send_reminders", now=dt.datetime(2026, 12, 3, 16, 0, tzinfo=LONDON)) is False
    assert not DBTaskResult.objects.exists()
    assert not ScheduledRun.objects.exists()


def test_scheduled_tasks_are_put_back_if_their_worker_is_lost() -> None:
    for job in schedule.JOBS:
        assert jobs.task_path(job.task) in jobs._RETRY_IF_LOST, job.name


# --- What each scheduled task does (run at once) -------------------------------------------------


def test_housekeeping_recovers_lost_tasks(db: None) -> None:
    result = schedule.job_named("housekeeping").task.enqueue()
    assert result.return_value == {"retried": 0, "failed": 0, "orphaned": 0}


def test_clear_sessions_removes_expired_sessions_only(db: None, settings: Any) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    expired, current = SessionStore(), SessionStore()
    expired.create()
    current.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    result = schedule.job_named("clear_sessions").task.enqueue()
    assert result.status == "SUCCESSFUL"
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_prune_removes_finished_task_rows_and_scheduler_records_older_than_30_days(db: None, settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "rows": DATABASE_BACKEND,
    }
    housekeeping = schedule.job_named("housekeeping").task.using(backend="rows")
    old_done, new_done, old_waiting = (housekeeping.enqueue() for _ in range(3))
    long_ago = timezone.now() - dt.timedelta(days=31)
    DBTaskResult.objects.filter(pk=old_done.id).update(status="SUCCESSFUL", finished_at=long_ago)
    DBTaskResult.objects.filter(pk=new_done.id).update(status="FAILED", finished_at=timezone.now())
    DBTaskResult.objects.filter(pk=old_waiting.id).update(enqueued_at=long_ago)
    old_run = ScheduledRun.objects.create(job="housekeeping", slot=long_ago)
    ScheduledRun.objects.filter(pk=old_run.pk).update(enqueued_at=long_ago)
    ScheduledRun.objects.create(job="housekeeping", slot=timezone.now())

    result = schedule.job_named("prune_finished_tasks").task.enqueue()

    assert result.return_value == {"backends": 1, "scheduled_runs": 1}
    # Only the finished row older than 30 days went: not a recent failure, not one still waiting.
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {new_done.id, old_waiting.id}
    assert ScheduledRun.objects.count() == 1


def test_apply_retention_anonymises_leavers_past_their_keeping_period(cast: Cast, settings: Any) -> None:
    settings.QIC_RETAIN_LEAVERS_YEARS = 6
    today = timezone.localdate()
    gone = make_learner(cast.p1, left_on=today.replace(year=today.year - 7), surname="Longgone")
    recent = make_learner(cast.p2, upn="B123456789012", left_on=today.replace(year=today.year - 1))

    result = schedule.job_named("apply_retention").task.enqueue()

    assert result.return_value == {"learners_anonymised": 1, "import_files_removed": 0}
    assert Learner.objects.get(pk=gone.pk).anonymised_at is not None
    assert Learner.objects.get(pk=recent.pk).anonymised_at is None
    assert not Learner.objects.filter(surname="Longgone").exists()


def test_compute_national_figures_stores_each_providers_aggregates(cast: Cast, edition: Any) -> None:
    make_learner(cast.p1)
    assert not ProviderYearFigures.objects.exists()
    result = schedule.job_named("compute_national_figures").task.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["aggregates"] > 0
    assert ProviderYearFigures.objects.filter(provider=cast.p1).exists()


def test_send_reminders_mails_a_review_due_once(
    cast: Cast, edition: Any, django_capture_on_commit_callbacks: Any
) -> None:
    accreditation = make_round(cast, "issued")
    review = AnnualReview.objects.filter(accreditation=accreditation).order_by("due_on").first()
    assert review is not None
    AnnualReview.objects.filter(pk=review.pk).update(due_on=timezone.localdate() + dt.timedelta(days=10))
    mail.outbox.clear()
    task = schedule.job_named("send_reminders").task
    with django_capture_on_commit_callbacks(execute=True):
        assert task.enqueue().return_value == {"reviews": 1, "expiries": 0}
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"admin1@example.org", "leader1@example.org", "assessor.a@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        assert task.enqueue().return_value == {"reviews": 0, "expiries": 0}
    assert len(mail.outbox) == 1


# --- The scheduler's heartbeat ----------------------------------------------------------------


def test_the_schedulers_heartbeat_is_recorded_as_a_scheduler(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qic.core.management.commands import scheduler

    # The scheduler's threads close their connections after each firing; the test's must stay.
    monkeypatch.setattr(scheduler, "close_old_connections", lambda: None)
    scheduler._beat("scheduler-test")
    row = WorkerHeartbeat.objects.get(worker_id="scheduler-test")
    assert row.kind == WorkerHeartbeat.Kind.SCHEDULER
    assert jobs.latest_worker_seen() is None  # the scheduler is not a task worker
