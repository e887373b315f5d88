"""The real task worker: `manage.py worker` processes run queued tasks, and jobs survive faults.

Each test here uses the database task backend and starts real worker processes (`manage.py
worker`) against the test database, which must therefore be committed to: the tests are
transactional. Workers are killed with SIGKILL at chosen moments (as the kernel's OOM killer, a
power cut or `docker kill` would), stopped with SIGTERM (as a deploy does), given a task that
raises, and a stand-in web server is killed in the middle of an upload. The rules shown:

- a job's own writes are one transaction: a killed save leaves nothing or everything, never part;
- a job is never stuck: a lost task (its worker not seen for QIC_WORKER_LOST_SECONDS) is failed
  with a message and its file discarded, or run again if it is safe to repeat (once); a job left
  with no task at all is failed by the housekeeping;
- a job and its task are written in one transaction: both exist, or neither.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from qic.core import jobs
from qic.core.actors import SystemActor
from qic.core.audit import CHAIN_LOCK_CLASS
from qic.core.management.commands.verify_audit import first_break
from qic.core.models import AuditEvent, WorkerHeartbeat
from qic.core.tasks import housekeeping
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.learners import actions
from qic.learners.models import Learner, LearnerImport
from qic.learners.tasks import ORPHANED_MESSAGE, check_learner_import_task, save_learner_import_task
from qic.organisations.models import Provider
from qic.programme.models import Activity, Participation, RegisterImport
from qic.programme.tasks import import_register_task
from tests.conftest import Cast
from tests.core import worker_tasks
from tests.factories import ProviderFactory, make_activity, make_learner

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "learners"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Short, so that a killed worker is taken as lost within the test; the workers use it too.
LOST_SECONDS = 1
# A large roll: its save takes long enough to be killed at several moments.
LARGE_ROLL = 20_000
T = TypeVar("T")


@dataclass
class Process:
    """A worker (or stand-in web server) process with its output in a file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill9(self) -> None:
        """SIGKILL: the process gets no chance to tidy up (its open transaction is lost)."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def running(self) -> bool:
        return self.popen.poll() is None


class Processes:
    """Starts worker processes against the test database; all are killed when the test ends."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.started: list[Process] = []

    def _start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Process:
        log = self.folder / f"{len(self.started)}-{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env={**self.env, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
            )
        process = Process(name=name, popen=popen, log=log)
        self.started.append(process)
        return process

    def worker(self, *options: str, env: dict[str, str] | None = None) -> Process:
        """`manage.py worker` with its own id (the process's name), looking for work often."""
        worker_id = f"test-worker-{get_random_string(8)}"
        command = [sys.executable, "manage.py", "worker", "--interval", "0.05", "--worker-id", worker_id, *options]
        return self._start(worker_id, command, env)

    def python(self, name: str, code: str, *args: str) -> Process:
        return self._start(name, [sys.executable, "-c", code, *args])

    def outputs(self) -> str:
        return "\n".join(f"--- {p.name} (pid {p.pid}, exit {p.popen.poll()}) ---\n{p.output()}" for p in self.started)

    def wait_for(self, what: str, probe: Callable[[], T], timeout: float = 60) -> T:
        """Poll `probe` until it gives a true value; fail with every process's output if it does not."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out after {timeout} s waiting for {what}.\n{self.outputs()}")
            time.sleep(0.05)

    def stop_all(self) -> None:
        for process in self.started:
            if process.running():
                process.popen.kill()
            process.popen.wait(timeout=10)


def _test_database_url() -> str:
    """The URL of the database the tests use (not the one DATABASE_URL names)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def processes(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[Processes]:
    """The database task backend here, and a way to start workers that share the test database
    and the progress cache (a folder) with this process."""
    progress = tmp_path / "progress"
    settings.TASKS = DATABASE_BACKEND
    settings.CACHES = {
        **settings.CACHES,
        "progress": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(progress)},
    }
    settings.QIC_WORKER_LOST_SECONDS = LOST_SECONDS
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "TASKS_BACKEND": "database",
        "PROGRESS_CACHE_URL": f"file://{progress}",
        "QIC_WORKER_LOST_SECONDS": str(LOST_SECONDS),
        "DJANGO_SETTINGS_MODULE": "qic.settings",
        "PYTHONUNBUFFERED": "1",
    }
    pool = Processes(env, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
        print(pool.outputs())  # shown when the test failed


def task_row(task_id: Any) -> DBTaskResult:  # type: ignore[type-arg]
    return DBTaskResult.objects.get(pk=task_id)


def status_of(task_id: Any, *statuses: str) -> Callable[[], DBTaskResult | None]:  # type: ignore[type-arg]
    return lambda: DBTaskResult.objects.filter(pk=task_id, status__in=statuses).first()


def lines_of(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def later() -> dt.datetime:
    """A moment when a worker last seen now has been gone for longer than the lost timeout."""
    return timezone.now() + dt.timedelta(seconds=LOST_SECONDS + 1)


def large_roll(rows: int) -> bytes:
    born = dt.date(academic_year_of(timezone.localdate()) - 13, 1, 15)  # Year 9 this year
    lines = ["UPN,Forename,Surname,Date of birth,Sex,Year group"]
    for n in range(rows):
        body = f"8889{n:08d}"
        lines.append(f"{upn_check_letter(body)}{body},Pupil{n},Rollcall{n},{born:%d/%m/%Y},F,9")
    return ("\r\n".join(lines) + "\r\n").encode()


def _writing_audit(provider_id: int) -> bool:
    """On PostgreSQL, whether another connection holds the provider's audit-chain lock: a save
    takes it with its first audit event, once its learners are inserted, until it commits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted "
            "AND pid <> pg_backend_pid()",
            [CHAIN_LOCK_CLASS, provider_id],
        )
        return cursor.fetchone() is not None


def _writing_or_ended(provider_id: int, task_id: Any) -> bool:
    return _writing_audit(provider_id) or DBTaskResult.objects.filter(pk=task_id, status="SUCCESSFUL").exists()


def _saved_rows(job_pk: int) -> int:
    """Rows saved so far, if the save reports it in its progress (0 if it does not)."""
    progress = jobs.read_progress(f"learner-import:{job_pk}")
    return max((v for k, v in progress.items() if "sav" in k and isinstance(v, int)), default=0)


# --- (a) and (f): the worker runs the work, and says it is alive ----------------------------------


def test_a_worker_process_says_it_is_alive_then_checks_and_saves_an_uploaded_learner_file(
    processes: Processes, cast: Cast
) -> None:
    leader = Client()
    leader.force_login(cast.p1_leader)
    data = (FIXTURES / "learners_school.csv").read_bytes()
    response = leader.post(
        f"/providers/{cast.p1.urn}/learners/import/",
        {"file": _upload(data), "full_import": "partial"},
    )
    assert response.status_code == 302
    job = LearnerImport.objects.get(provider=cast.p1)
    assert job.status == LearnerImport.Status.PENDING  # queued, not run in the request
    check = DBTaskResult.objects.get(task_path=jobs.task_path(check_learner_import_task))
    assert check.args_kwargs["kwargs"] == {"job_id": job.pk}
    assert check.status == "READY"

    before = timezone.now()
    worker = processes.worker()
    beat = processes.wait_for(  # (f) the worker says it is alive as it starts
        "the worker's heartbeat", lambda: WorkerHeartbeat.objects.filter(worker_id=worker.name).first()
    )
    assert (beat.kind, beat.pid, beat.hostname) == (WorkerHeartbeat.Kind.WORKER, worker.pid, socket.gethostname())
    assert beat.seen_at >= before - dt.timedelta(seconds=1)
    assert jobs.latest_worker_seen() == beat.seen_at
    job = processes.wait_for(
        "the worker to check the file", lambda: LearnerImport.objects.filter(pk=job.pk, status="ready").first()
    )
    assert job.created_count == 12
    assert Learner.objects.filter(provider=cast.p1).count() == 0  # checked, not written
    check = processes.wait_for("the check task to be recorded", status_of(check.pk, "SUCCESSFUL"))
    seen = jobs.last_seen(worker.name)
    assert seen is not None
    assert seen >= check.started_at  # seen again as it took the task

    response = leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    assert response.status_code == 302
    job = processes.wait_for(
        "the worker to save the import", lambda: LearnerImport.objects.filter(pk=job.pk, status="done").first()
    )
    assert Learner.objects.filter(provider=cast.p1).count() == 12
    assert bytes(job.data) == b""  # the file is not kept once imported
    save = DBTaskResult.objects.get(task_path=jobs.task_path(save_learner_import_task))
    save = processes.wait_for("the save task to be recorded", status_of(save.pk, "SUCCESSFUL"))
    assert save.return_value == "done"
    event = AuditEvent.objects.get(action="learners.imported")
    assert event.actor_id == cast.p1_leader.pk  # the worker acts for the leader who confirmed
    assert first_break()[1] is None


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("learners.csv", data, content_type="text/csv")


# --- (b): kill -9 during a large save --------------------------------------------------------------


def _preview_of(job: LearnerImport) -> dict[str, Any]:
    """What a checked job holds: given to another provider with the same (empty) roll, the file
    gives the same preview, so the save's check under lock agrees with its digest."""
    fields = ("kind", "file_name", "data", "full_import", "status", "total_rows", "processed_rows", "plan_digest")
    counts = ("created_count", "updated_count", "unchanged_count", "left_count", "roll_count", "notes")
    return {f: getattr(job, f) for f in (*fields, *counts)}


def test_kill_9_during_a_large_import_save_leaves_nothing_or_everything_and_the_job_failed(
    processes: Processes,
) -> None:
    data = large_roll(LARGE_ROLL)
    worker = processes.worker()  # starts while the file is checked here
    started = time.monotonic()
    checked = actions.start_learner_import(
        provider=ProviderFactory(),
        kind="csv",
        file_name="roll.csv",
        data=data,
        full_import=False,
        actor=SystemActor("t"),
        wait=True,
    )
    check_seconds = time.monotonic() - started
    assert checked.status == LearnerImport.Status.READY, checked.errors
    preview = _preview_of(checked)
    # When to kill the worker: (what, or when the save has reported this fraction of rows saved,
    # or this many seconds after the worker claimed it, how the lost task is then recovered).
    # The save first checks the file again under lock (as long as the check above took), then
    # writes: the last moment falls in the writing.
    moments = [
        ("as it claims the save", 0.0, 0.0, "called later"),
        ("while it checks the file again", 0.1, check_seconds / 3, "a new worker"),
        ("while it writes", 0.5, check_seconds * 1.5 + 1, "called later"),
    ]
    outcomes: list[str] = []
    for n, (moment, fraction, seconds, recovery) in enumerate(moments):
        job = checked if n == 0 else LearnerImport.objects.create(provider=ProviderFactory(), **preview)
        assert actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=SystemActor("tests"))
        save = DBTaskResult.objects.get(
            task_path=jobs.task_path(save_learner_import_task), args_kwargs__kwargs__job_id=job.pk
        )
        processes.wait_for(f"the worker to claim the save ({moment})", status_of(save.pk, "RUNNING", "SUCCESSFUL"))
        claimed = time.monotonic()
        wait_seconds = seconds
        if moment == "while it writes" and connection.vendor == "postgresql":
            # PostgreSQL shows when the save writes: it holds the provider's audit-chain lock from
            # its first audit event until it commits. Kill it then (unless it finished first).
            probe = functools.partial(_writing_or_ended, job.provider_id, save.pk)
            processes.wait_for(moment, probe, timeout=check_seconds * 4 + 30)
            wait_seconds = 0.0
        while time.monotonic() - claimed < wait_seconds and _saved_rows(job.pk) < fraction * LARGE_ROLL:
            time.sleep(0.02)
        worker.kill9()

        written = Learner.objects.filter(provider=job.provider_id).count()
        created_events = AuditEvent.objects.filter(provider_id_ref=job.provider_id, action="learner.created").count()
        assert written in (0, LARGE_ROLL), f"killed {moment}: {written} of {LARGE_ROLL} learners written"
        assert created_events == written, f"killed {moment}: {created_events} audit events for {written} learners"

        if recovery == "a new worker":
            time.sleep(LOST_SECONDS + 0.2)  # the killed worker is now gone for longer than the lost timeout
            worker = processes.worker()  # recovers the lost save as it starts, then runs the next one
            processes.wait_for(f"a new worker to recover the save ({moment})", status_of(save.pk, "FAILED"))
        else:
            jobs.recover_lost_tasks(now=later())
            if n < len(moments) - 1:
                worker = processes.worker()

        job.refresh_from_db()
        save.refresh_from_db()
        if written:  # the save committed before the kill: everything, and the job says so
            outcomes.append("everything")
            assert job.status == LearnerImport.Status.DONE
        else:
            outcomes.append("nothing")
            assert job.status == LearnerImport.Status.FAILED, f"killed {moment}: job {job.status}"
            assert job.errors[0]["reason"].startswith(jobs.LOST_MESSAGE)
            assert "Nothing was imported: upload the file again." in job.errors[0]["reason"]
            assert save.status == "FAILED"
            assert save.exception_class_path == "qic.core.jobs.WorkerLost"
            assert AuditEvent.objects.filter(object_id=str(job.pk), action="learners.import_failed").exists()
        assert bytes(job.data) == b""  # the file with the pupils' details is discarded either way
        assert job.leaving_ids == []
    assert "nothing" in outcomes  # at least one kill landed inside the save's transaction
    assert first_break()[1] is None  # killed transactions left no hole in the audit trail


# --- (c) and (d): a task safe to repeat; SIGTERM ---------------------------------------------------


def test_a_task_safe_to_repeat_runs_again_after_its_worker_is_killed_and_fails_after_a_second_loss(
    processes: Processes, tmp_path: Path
) -> None:
    marker = tmp_path / "attempts"
    result = worker_tasks.repeatable_nap.enqueue(seconds=120, marker=str(marker))
    first = processes.worker()
    processes.wait_for("the first attempt", lambda: lines_of(marker) == [str(first.pid)])
    first.kill9()

    time.sleep(LOST_SECONDS + 0.2)
    second = processes.worker()  # recovers the lost task on start, then picks it up again
    processes.wait_for("the second attempt", lambda: lines_of(marker) == [str(first.pid), str(second.pid)])
    row = task_row(result.id)
    assert row.status == "RUNNING"
    assert row.worker_ids == [first.name, second.name]
    second.kill9()

    assert jobs.recover_lost_tasks(now=later()) == {"retried": 0, "failed": 1, "orphaned": 0}
    row = task_row(result.id)
    assert row.status == "FAILED"
    assert row.exception_class_path == "qic.core.jobs.WorkerLost"
    assert jobs.LOST_MESSAGE in row.traceback


def test_a_task_not_safe_to_repeat_is_failed_once_its_worker_is_lost_not_before(
    processes: Processes, tmp_path: Path
) -> None:
    marker = tmp_path / "attempts"
    result = worker_tasks.nap.enqueue(seconds=120, marker=str(marker))
    worker = processes.worker()
    processes.wait_for("the task to start", lambda: lines_of(marker))
    assert jobs.recover_lost_tasks() == {"retried": 0, "failed": 0, "orphaned": 0}  # its worker is alive
    assert task_row(result.id).status == "RUNNING"
    worker.kill9()
    assert jobs.recover_lost_tasks(now=later()) == {"retried": 0, "failed": 1, "orphaned": 0}
    assert task_row(result.id).status == "FAILED"
    assert lines_of(marker) == [str(worker.pid)]  # never run again


def test_sigterm_lets_the_running_task_finish_and_takes_no_more(processes: Processes, tmp_path: Path) -> None:
    marker = tmp_path / "attempts"
    running = worker_tasks.nap.enqueue(seconds=1.5, marker=str(marker))
    worker = processes.worker()
    processes.wait_for("the task to start", lambda: lines_of(marker))
    waiting = worker_tasks.nap.enqueue(seconds=0, marker=str(tmp_path / "second"))
    worker.popen.send_signal(signal.SIGTERM)
    assert worker.popen.wait(timeout=30) == 0, processes.outputs()
    row = task_row(running.id)
    assert (row.status, row.return_value) == ("SUCCESSFUL", "rested")
    assert task_row(waiting.id).status == "READY"  # left for the next worker


def test_a_worker_starting_while_a_long_write_holds_sqlite_waits_its_turn_instead_of_stopping(
    processes: Processes, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite locks the whole database for a write")
    result = worker_tasks.nap.enqueue(seconds=0, marker=str(tmp_path / "ran"))
    stuck = _job(ProviderFactory(), "saving", age_seconds=LOST_SECONDS + 60)  # recovery will want to write
    with transaction.atomic():  # as a long import saving in another process holds the write lock
        LearnerImport.objects.filter(pk=stuck.pk).update(file_name="roll.csv")
        worker = processes.worker(env={"SQLITE_BUSY_TIMEOUT_SECONDS": "1"})
        processes.wait_for("the worker to get past its start", lambda: "Starting worker" in worker.output())
        assert worker.running()
        assert task_row(result.id).status == "READY"
    processes.wait_for("the task to run once the lock is released", status_of(result.id, "SUCCESSFUL"))
    assert "Lost tasks not recovered at start: the database is locked" in worker.output()
    assert WorkerHeartbeat.objects.filter(worker_id=worker.name).exists()  # written as it took the task


# --- (e) and 4: a job and its task are one transaction --------------------------------------------


def test_rolling_back_the_upload_also_removes_its_queued_task(processes: Processes) -> None:
    provider = ProviderFactory()
    data = (FIXTURES / "learners_school.csv").read_bytes()

    def upload_then_fail() -> None:
        with transaction.atomic():
            actions.start_learner_import(
                provider=provider,
                kind="csv",
                file_name="roll.csv",
                data=data,
                full_import=False,
                actor=SystemActor("tests"),
            )
            assert DBTaskResult.objects.count() == 1  # queued in this transaction
            raise RuntimeError("the request failed after the upload")

    with pytest.raises(RuntimeError):
        upload_then_fail()
    assert not LearnerImport.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_rolling_back_a_confirmation_also_removes_its_queued_save(processes: Processes) -> None:
    provider = ProviderFactory()
    data = (FIXTURES / "learners_school.csv").read_bytes()
    job = actions.start_learner_import(
        provider=provider,
        kind="csv",
        file_name="roll.csv",
        data=data,
        full_import=False,
        actor=SystemActor("tests"),
        wait=True,
    )

    def confirm_then_fail() -> None:
        with transaction.atomic():
            assert actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=SystemActor("tests"))
            raise RuntimeError("the request failed after the confirmation")

    with pytest.raises(RuntimeError):
        confirm_then_fail()
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.READY  # can still be confirmed
    assert not DBTaskResult.objects.exists()


# A stand-in for the web server: it takes an upload as the view does, but stops for good right
# after queueing the check, inside the upload's transaction, so the test can kill it there.
WEB_SERVER = """
import sys, time
from pathlib import Path

import django

django.setup()

from django_tasks_db.backend import DatabaseBackend

from qic.core.actors import SystemActor
from qic.learners import actions
from qic.organisations.models import Provider

marker, provider_id, data, hang = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]).read_bytes(), sys.argv[4]
enqueue = DatabaseBackend.enqueue


def enqueue_then_stop(self, task, args, kwargs):
    result = enqueue(self, task, args, kwargs)
    marker.write_text(str(result.id))
    if hang == "hang":
        time.sleep(300)
    return result


DatabaseBackend.enqueue = enqueue_then_stop
job = actions.start_learner_import(
    provider=Provider.objects.get(pk=provider_id), kind="csv", file_name="roll.csv", data=data, full_import=False,
    actor=SystemActor("web"),
)
print("committed job", job.pk)
"""


def test_killing_the_web_server_during_an_upload_leaves_the_job_with_its_task_or_neither(
    processes: Processes, tmp_path: Path
) -> None:
    provider = ProviderFactory()
    upload = tmp_path / "roll.csv"
    upload.write_bytes((FIXTURES / "learners_school.csv").read_bytes())

    marker = tmp_path / "queued-1"
    web = processes.python("web-killed", WEB_SERVER, str(marker), str(provider.pk), str(upload), "hang")
    processes.wait_for("the upload to queue its check", marker.exists)
    task_id = processes.wait_for("the task id", marker.read_text)
    web.kill9()  # between queueing the check and committing the upload
    assert not LearnerImport.objects.filter(provider=provider).exists()
    assert not DBTaskResult.objects.filter(pk=task_id).exists()

    # Nothing was left locked: the upload can be sent again at once (a job with its task is test (a)).
    job = actions.start_learner_import(
        provider=provider,
        kind="csv",
        file_name="roll.csv",
        data=upload.read_bytes(),
        full_import=False,
        actor=SystemActor("web"),
    )
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_id": job.pk}


# --- 3: jobs stuck from before ---------------------------------------------------------------------


def _job(provider: Provider, status: str, *, age_seconds: float) -> LearnerImport:
    job = LearnerImport.objects.create(
        provider=provider, kind="csv", file_name="roll.csv", data=b"UPN\r\n", status=status
    )
    LearnerImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=age_seconds))
    return job


def test_housekeeping_fails_old_imports_that_no_task_will_ever_finish(processes: Processes) -> None:
    provider = ProviderFactory()
    old = LOST_SECONDS + 60
    # Left by the old daemon thread, or their task rows removed:
    stuck = [_job(provider, status, age_seconds=old) for status in ("pending", "checking", "saving")]
    # Its task raised and was recorded as failed before its job could be ended:
    task_failed = _job(provider, "checking", age_seconds=old)
    failed_task = check_learner_import_task.enqueue(job_id=task_failed.pk)
    DBTaskResult.objects.filter(pk=failed_task.id).update(status="FAILED")
    # Not stuck: waiting for a worker, being run, too young to judge, or waiting for the leader.
    queued = _job(provider, "pending", age_seconds=old)
    check_learner_import_task.enqueue(job_id=queued.pk)
    running = _job(provider, "saving", age_seconds=old)
    running_task = save_learner_import_task.enqueue(job_id=running.pk, actor_id=None)
    DBTaskResult.objects.filter(pk=running_task.id).update(status="RUNNING", started_at=timezone.now())
    young = _job(provider, "pending", age_seconds=0)
    ready = _job(provider, "ready", age_seconds=old)
    inline = _job(provider, "checking", age_seconds=old)  # a request checking it itself (`wait`)

    with jobs.running_inline(f"learner-import:{inline.pk}"):
        assert housekeeping.call() == {"retried": 0, "failed": 0, "orphaned": 4}

    for job in [*stuck, task_failed]:
        job.refresh_from_db()
        assert job.status == LearnerImport.Status.FAILED
        assert job.errors == [{"line": 0, "reason": ORPHANED_MESSAGE}]
        assert bytes(job.data) == b""
        assert job.finished_at is not None
    not_stuck = ((queued, "pending"), (running, "saving"), (young, "pending"), (ready, "ready"), (inline, "checking"))
    for job, status in not_stuck:
        job.refresh_from_db()
        assert job.status == status
        assert bytes(job.data) == b"UPN\r\n"
    assert AuditEvent.objects.filter(action="learners.import_failed").count() == 4
    assert housekeeping.call() == {"retried": 0, "failed": 0, "orphaned": 1}  # its mark gone, it is stuck
    inline.refresh_from_db()
    assert inline.status == LearnerImport.Status.FAILED


# --- 5: a task that raises -------------------------------------------------------------------------


def test_a_task_that_raises_is_marked_failed_its_job_failed_with_a_message_and_the_worker_goes_on(
    processes: Processes, tmp_path: Path
) -> None:
    broken = worker_tasks.explode.enqueue(message="the disk is full")
    provider = ProviderFactory()
    data = (FIXTURES / "learners_school.csv").read_bytes()
    job = actions.start_learner_import(
        provider=provider,
        kind="csv",
        file_name="roll.csv",
        data=data,
        full_import=False,
        actor=SystemActor("tests"),
        wait=True,
    )
    LearnerImport.objects.filter(pk=job.pk).update(status=LearnerImport.Status.SAVING)
    # An actor id that is not a number: the task raises before the save's own error handling.
    broken_save = save_learner_import_task.enqueue(job_id=job.pk, actor_id="not-a-number")
    marker = tmp_path / "after"
    after = worker_tasks.nap.enqueue(seconds=0, marker=str(marker))
    worker = processes.worker()
    processes.wait_for("the task after the broken ones to run", status_of(after.id, "SUCCESSFUL"))
    assert worker.running()

    row = task_row(broken.id)
    assert row.status == "FAILED"
    assert row.exception_class_path == "builtins.RuntimeError"
    assert "the disk is full" in row.traceback
    assert task_row(broken_save.id).status == "FAILED"
    job.refresh_from_db()  # ended when its task failed, not left "Saving" until the sweep
    assert job.status == LearnerImport.Status.FAILED
    assert job.errors[0]["reason"] == f"{jobs.FAILED_MESSAGE} Nothing was imported: upload the file again."
    assert bytes(job.data) == b""
    assert not Learner.objects.filter(provider=provider).exists()


# A worker with a fault injected into the learner import's own code (as a full disk or a bug
# would raise): the same `manage.py worker` command, run until no task is waiting.
FAULTY_WORKER = """
import sys

import django

django.setup()

from django.core.management import call_command

from qic.learners import imports

check_learner_file = imports.check_learner_file


def check_then_fail(**kwargs):
    if not kwargs.get("lock"):  # the check; the save checks again under lock
        raise OSError("injected: no space left on device")
    return check_learner_file(**kwargs)


def apply_fails(**kwargs):
    raise OSError("injected: no space left on device")


imports.check_learner_file = check_then_fail
imports._apply = apply_fails
call_command("worker", "--batch", "--worker-id", sys.argv[1])
"""


def test_an_error_inside_a_learner_import_task_is_caught_and_fails_its_job_and_stuck_jobs_are_failed(
    processes: Processes,
) -> None:
    data = (FIXTURES / "learners_school.csv").read_bytes()
    checking = actions.start_learner_import(
        provider=ProviderFactory(),
        kind="csv",
        file_name="roll.csv",
        data=data,
        full_import=False,
        actor=SystemActor("tests"),
    )
    saving = actions.start_learner_import(
        provider=ProviderFactory(),
        kind="csv",
        file_name="roll.csv",
        data=data,
        full_import=False,
        actor=SystemActor("tests"),
        wait=True,
    )
    assert actions.confirm_learner_import(job=saving, digest=saving.plan_digest, actor=SystemActor("tests"))
    stuck = _job(ProviderFactory(), "saving", age_seconds=LOST_SECONDS + 60)  # from before: no task
    worker = processes.python("faulty-worker", FAULTY_WORKER, "faulty-worker")
    assert worker.popen.wait(timeout=60) == 0, processes.outputs()
    assert "injected: no space left on device" in worker.output()  # logged with its traceback
    # 3: a worker starting also fails the imports stuck from before.
    assert "1 jobs with no task failed" in worker.output()
    stuck.refresh_from_db()
    assert (stuck.status, stuck.errors[0]["reason"]) == (LearnerImport.Status.FAILED, ORPHANED_MESSAGE)

    reasons = {
        checking.pk: "Something went wrong while checking the file. Nothing was imported.",
        saving.pk: "Something went wrong while saving. Nothing was imported.",
    }
    assert LearnerImport.objects.filter(pk__in=reasons).count() == 2
    for job in LearnerImport.objects.filter(pk__in=reasons):
        assert job.status == LearnerImport.Status.FAILED
        assert job.errors == [{"line": 0, "reason": reasons[job.pk]}]
        assert bytes(job.data) == b""
    # The task bodies caught the error: the tasks ended normally, saying the job failed.
    assert [r.return_value for r in DBTaskResult.objects.all()] == ["failed", "failed"]
    assert not Learner.objects.exists()


# --- Register imports: one task, checked and saved by a real worker --------------------------------

BO_UPN = "F201100018043"
REGISTER = f"UPN,Attended\r\nR201100018042,Y\r\n{BO_UPN},N\r\n".encode()


def _register_roll(cast: Cast) -> list[Learner]:
    return [
        make_learner(cast.p1, upn="R201100018042", forename="Ada", surname="Register"),
        make_learner(cast.p1, upn=BO_UPN, forename="Bo", surname="Register"),
    ]


def _upload_register(cast: Cast, activity: Activity) -> RegisterImport:
    """Upload the register as a member of staff would; the job is queued, not run in the request."""
    staff = Client()
    staff.force_login(cast.p1_staff)
    response = staff.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/", {"file": _upload(REGISTER)})
    assert response.status_code == 302
    job = RegisterImport.objects.get(activity=activity)
    assert response["Location"] == f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/import/{job.pk}/"
    assert job.status == RegisterImport.Status.QUEUED
    assert bytes(job.data or b"") == REGISTER
    task = DBTaskResult.objects.get(task_path=jobs.task_path(import_register_task))
    assert (task.status, task.args_kwargs["kwargs"]) == ("READY", {"job_id": job.pk})  # ids only, no pupil data
    return job


def test_a_worker_process_checks_and_saves_an_uploaded_register(processes: Processes, cast: Cast) -> None:
    ada, bo = _register_roll(cast)
    activity = make_activity(cast.p1)
    job = _upload_register(cast, activity)
    processes.worker()
    job = processes.wait_for(
        "the worker to save the register", lambda: RegisterImport.objects.filter(pk=job.pk, status="done").first()
    )
    assert (job.present_count, job.absent_count, job.added_count, job.changed_count) == (1, 1, 2, 0)
    assert job.data is None  # the file names learners: not kept once saved
    assert dict(Participation.objects.filter(activity=activity).values_list("learner_id", "attended")) == {
        ada.pk: True,
        bo.pk: False,
    }
    task = processes.wait_for(
        "the task to be recorded",
        lambda: DBTaskResult.objects.filter(
            task_path=jobs.task_path(import_register_task), status="SUCCESSFUL"
        ).first(),
    )
    assert task.return_value == "done"
    event = AuditEvent.objects.get(action="activity.register_updated")
    assert event.actor_id == cast.p1_staff.pk  # the worker acts for the person who uploaded
    assert first_break()[1] is None


# A worker whose register save writes the register, then hangs inside its transaction (as a
# save caught by a power cut would be), so the test can kill it there.
HANGING_REGISTER_WORKER = """
import sys, time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command

from qic.programme import actions

record_participation = actions.record_participation
marker = Path(sys.argv[2])


def record_then_hang(**kwargs):
    counts = record_participation(**kwargs)
    marker.write_text("written, not committed")
    time.sleep(300)
    return counts


actions.record_participation = record_then_hang
call_command("worker", "--interval", "0.05", "--worker-id", sys.argv[1])
"""


def test_a_register_import_whose_worker_is_killed_while_saving_ends_failed_with_nothing_saved(
    processes: Processes, cast: Cast, tmp_path: Path
) -> None:
    _register_roll(cast)
    activity = make_activity(cast.p1)
    job = _upload_register(cast, activity)
    marker = tmp_path / "saving"
    worker = processes.python("hanging-worker", HANGING_REGISTER_WORKER, "hanging-worker", str(marker))
    processes.wait_for("the worker to write the register inside its transaction", marker.exists)
    job.refresh_from_db()
    assert job.status == RegisterImport.Status.SAVING  # ended the check, in the save's transaction now
    worker.kill9()

    assert not Participation.objects.exists()  # the killed transaction left nothing
    assert jobs.recover_lost_tasks() == {"retried": 0, "failed": 0, "orphaned": 0}  # not lost yet: just seen
    assert jobs.recover_lost_tasks(now=later()) == {"retried": 0, "failed": 1, "orphaned": 0}
    job.refresh_from_db()
    assert job.status == RegisterImport.Status.FAILED  # not left "Saving"
    assert job.message == f"{jobs.LOST_MESSAGE} Nothing was saved: upload the file again."
    assert job.data is None
    assert job.finished_at is not None
    task = DBTaskResult.objects.get(task_path=jobs.task_path(import_register_task))
    assert (task.status, task.exception_class_path) == ("FAILED", "qic.core.jobs.WorkerLost")
    failed = AuditEvent.objects.get(action="activity.register_import_failed")
    assert (failed.provider_id_ref, failed.after["file_name"]) == (cast.p1.pk, "learners.csv")
    assert not AuditEvent.objects.filter(action="activity.register_updated").exists()
    assert first_break()[1] is None  # the killed transaction left no hole in the audit trail

    staff = Client()
    staff.force_login(cast.p1_staff)
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/import/{job.pk}/")
    html = page.content.decode()
    assert "Nothing was saved</h2>" in html
    assert "The worker running this job stopped before it finished" in html
    assert "hx-trigger" not in html  # ended: the page stops polling
    assert "Upload the register again" in html
