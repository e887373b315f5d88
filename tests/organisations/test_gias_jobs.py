"""GIAS imports as jobs run by a task worker: queuing, the job's page and its progress, a lost
worker, the all-changed refresh written in batches, and the audit chain it extends."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.run import synthetic_gias
from qic.core import jobs
from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.organisations import actions, gias_imports
from qic.organisations.models import GiasImport, Provider
from qic.organisations.tasks import import_gias_task
from tests.conftest import Cast

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
MAIN = FIXTURES / "edubasealldata20250101.csv"
UPLOAD_URL = "/consortium/gias/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def job_url(job: GiasImport) -> str:
    return f"{UPLOAD_URL}{job.pk}/"


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def queued_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=jobs.task_path(import_gias_task)))


# --- Queued, then run ------------------------------------------------------------------------


def test_upload_queues_a_job_and_its_page_polls_until_it_ends(client: Client, cast: Cast, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    client.force_login(cast.consortium)

    response = client.post(UPLOAD_URL, {"file": upload(MAIN)})

    job = GiasImport.objects.get()
    assert response["Location"] == job_url(job)
    assert job.status == GiasImport.Status.PENDING
    assert bytes(job.data) == MAIN.read_bytes()  # kept while the job waits
    [task] = queued_tasks()
    assert task.status == "READY"
    assert task.args_kwargs["kwargs"] == {"job_id": job.pk}
    assert not Provider.objects.filter(urn__gte=990000).exists()  # nothing written until a worker runs it
    page = client.get(job_url(job)).content.decode()
    assert "Waiting to start…" in page
    assert f'hx-get="{job_url(job)}" hx-trigger="every 1s"' in page
    assert "Refresh this page to see progress." in page

    gias_imports.run_gias_import(job.pk)  # what the worker does

    job.refresh_from_db()
    assert job.status == GiasImport.Status.DONE
    assert job.data is None
    assert Provider.objects.filter(urn__gte=990000).count() == 13
    partial = client.get(job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="gias-import-progress"')
    assert "hx-get" not in partial  # ended: polling stops
    assert "13 created, 0 updated, 0 unchanged, 1 closed skipped" in partial


def test_a_job_runs_once(db: None) -> None:
    job = actions.start_gias_import(
        data=MAIN.read_bytes(), file_name=MAIN.name, include_closed=False, actor=SystemActor("test"), wait=True
    )
    assert job.status == GiasImport.Status.DONE
    # A second delivery of the same task (a retried worker) finds the job ended and does nothing.
    assert gias_imports.run_gias_import(job.pk).status == GiasImport.Status.DONE
    assert AuditEvent.objects.filter(action="providers.gias_imported").count() == 1


@pytest.mark.parametrize(
    ("status", "progress", "shown"),
    [
        (
            GiasImport.Status.READING,
            {"read": 1500, "saved": 0, "total": 0},
            "Reading rows…</strong>\n    1500 rows read",
        ),
        (GiasImport.Status.SAVING, {"read": 500, "saved": 120, "total": 500}, "120 of 500 providers saved"),
    ],
)
def test_job_page_shows_rows_read_and_saved(
    client: Client, cast: Cast, status: str, progress: dict[str, int], shown: str
) -> None:
    job = GiasImport.objects.create(file_name="edubase.csv", sha256="x", status=status, data=b"URN\r\n")
    jobs.report_progress(job.progress_key, **progress)
    client.force_login(cast.consortium)

    page = client.get(job_url(job)).content.decode()

    assert shown in page
    assert "hx-get" in page
    if status == GiasImport.Status.SAVING:
        assert '<progress class="qic-progress" max="100" value="24"' in page


def test_command_queues_the_import_and_prints_the_job(db: None, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    out = io.StringIO()

    call_command("import_gias", str(MAIN), stdout=out)

    job = GiasImport.objects.get()
    assert out.getvalue() == f"queued GIAS import {job.pk}\n"
    assert job.status == GiasImport.Status.PENDING
    assert job.actor_label == "import_gias command"
    assert [t.args_kwargs["kwargs"] for t in queued_tasks()] == [{"job_id": job.pk}]
    assert not Provider.objects.exists()


def test_command_wait_runs_it_here(db: None, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    out = io.StringIO()
    call_command("import_gias", str(MAIN), "--wait", stdout=out)
    assert out.getvalue() == "created 13, updated 0, skipped 1 (0 unchanged, 1 closed)\n"
    assert queued_tasks() == []
    assert GiasImport.objects.get().status == GiasImport.Status.DONE


# --- A lost worker ---------------------------------------------------------------------------


def test_a_job_lost_with_its_worker_fails_with_a_message_and_drops_the_file(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    job = actions.start_gias_import(
        data=MAIN.read_bytes(), file_name=MAIN.name, include_closed=False, actor=SystemActor("test")
    )
    GiasImport.objects.filter(pk=job.pk).update(status=GiasImport.Status.SAVING)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    DBTaskResult.objects.filter(task_path=jobs.task_path(import_gias_task)).update(
        status="RUNNING", started_at=long_ago, worker_ids=["worker-gone"]
    )

    assert jobs.recover_lost_tasks() == {"retried": 0, "failed": 1, "orphaned": 0}

    job.refresh_from_db()
    assert job.status == GiasImport.Status.FAILED
    assert job.message == f"{jobs.LOST_MESSAGE} Nothing was imported: upload the file again."
    assert job.data is None
    assert not Provider.objects.filter(urn__gte=990000).exists()
    client.force_login(cast.consortium)
    page = client.get(job_url(job)).content.decode()
    assert "Nothing was imported" in page
    assert "hx-get" not in page


def test_the_lost_handler_leaves_an_ended_job_alone(db: None) -> None:
    job = actions.start_gias_import(
        data=MAIN.read_bytes(), file_name=MAIN.name, include_closed=False, actor=SystemActor("test"), wait=True
    )
    gias_imports.fail_lost_gias_import(job.pk, jobs.LOST_MESSAGE)
    job.refresh_from_db()
    assert job.status == GiasImport.Status.DONE
    assert job.message == ""


# --- A whole-file problem found by the worker ------------------------------------------------


def test_a_file_problem_found_by_the_worker_fails_the_job(db: None) -> None:
    job = actions.start_gias_import(
        data=b"URN,EstablishmentName\r\n1,A\r\n",
        file_name="x.csv",
        include_closed=False,
        actor=SystemActor("test"),
        wait=True,
    )
    assert job.status == GiasImport.Status.FAILED
    assert job.message.startswith("Missing required columns: TypeOfEstablishment (name), EstablishmentStatus (name).")
    assert job.message.endswith("Nothing was imported.")
    assert job.data is None


# --- The job page's queries ------------------------------------------------------------------


def test_job_page_query_count_does_not_grow(client: Client, cast: Cast) -> None:
    small = GiasImport.objects.create(
        file_name="a.csv", sha256="x", status=GiasImport.Status.FAILED, errors=[{"line": 2, "reason": "bad"}]
    )
    big = GiasImport.objects.create(
        file_name="b.csv",
        sha256="x",
        status=GiasImport.Status.FAILED,
        errors=[{"line": n, "reason": "bad"} for n in range(2, 502)],
        imported_by=cast.consortium,
    )
    running = GiasImport.objects.create(file_name="c.csv", sha256="x", status=GiasImport.Status.SAVING)
    client.force_login(cast.consortium)
    counts = []
    for job in (small, big, running):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(job_url(job)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_job_page_is_the_consortiums_only(client: Client, cast: Cast) -> None:
    job = GiasImport.objects.create(file_name="a.csv", sha256="x", status=GiasImport.Status.DONE)
    for name in ("ab1_admin", "p1_leader", "assessor_assigned"):
        client.force_login(cast.user(name))
        assert client.get(job_url(job)).status_code == 403
    client.force_login(cast.consortium)
    assert client.get(f"{UPLOAD_URL}{job.pk + 1000}/").status_code == 404


# --- A refresh in which everything changed ---------------------------------------------------

GIAS_COLUMNS = gias_imports.GIAS_FIELDS  # the fields an import owns


def everything_changed(data: bytes) -> bytes:
    """Every row with a new name, type, ages (some now blank), sixth form, pupils and postcode."""
    reader = csv.reader(io.StringIO(data.decode("cp1252"), newline=""))
    header = next(reader)
    col = {name: header.index(name) for name in header}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for n, row in enumerate(reader):
        row[col["EstablishmentName"]] += " (renamed)"
        row[col["TypeOfEstablishment (name)"]] = "Community school"
        row[col["PhaseOfEducation (name)"]] = "Primary"
        row[col["StatutoryLowAge"]] = "" if n % 2 else "5"
        row[col["StatutoryHighAge"]] = "" if n % 3 else "10"
        row[col["OfficialSixthForm (name)"]] = "Has a sixth form" if n % 2 else "Does not have a sixth form"
        row[col["NumberOfPupils"]] = ".." if n % 4 else "17"
        row[col["Postcode"]] = f"ZZ{n} 1AA"
        row[col["UKPRN"]] = "" if n % 5 else row[col["UKPRN"]]
        writer.writerow(row)
    return out.getvalue().encode("cp1252")


def gias_state() -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in Provider.objects.values_list("urn", *GIAS_COLUMNS)}


@pytest.mark.django_db
def test_a_refresh_where_everything_changed_gives_what_a_fresh_import_gives() -> None:
    first, second = synthetic_gias(120), everything_changed(synthetic_gias(120))
    actions.import_gias(data=second, file_name="fresh.csv", include_closed=False, actor=SystemActor("test"))
    fresh = gias_state()
    Provider.objects.all().delete()
    actions.import_gias(data=first, file_name="first.csv", include_closed=False, actor=SystemActor("test"))
    before_update = timezone.now()

    report = actions.import_gias(data=second, file_name="refresh.csv", include_closed=False, actor=SystemActor("test"))

    assert (report.created, report.updated, report.unchanged) == (0, len(fresh), 0)
    assert gias_state() == fresh
    assert not Provider.objects.filter(urn__in=fresh, updated_at__lt=before_update).exists()
    event = AuditEvent.objects.filter(action="providers.gias_imported").first()
    assert event is not None
    assert event.after["created_urns"] == []
    assert set(event.after["changed"]) == {str(urn) for urn in fresh}
    assert event.after["changed"]["100001"]["name"] == ["Établissement 1 School", "Établissement 1 School (renamed)"]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK: ")


@pytest.mark.django_db
def test_a_refresh_writes_in_batches(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gias_imports, "GIAS_WRITE_BATCH", 7)
    data = synthetic_gias(60)
    actions.import_gias(data=data, file_name="first.csv", include_closed=False, actor=SystemActor("test"))
    saved: list[int] = []
    monkeypatch.setattr(
        gias_imports.jobs, "report_progress", lambda key, **values: saved.append(values.get("saved", 0))
    )
    report = actions.import_gias(
        data=everything_changed(data), file_name="refresh.csv", include_closed=False, actor=SystemActor("test")
    )
    assert report.updated == 53
    # Progress moved batch by batch while saving, and ended with every provider saved.
    batch = gias_imports._update_batch_size()  # 7 rows on SQLite, 35 on PostgreSQL
    assert batch < 53
    assert [n for n in saved if n] == [*range(batch, 53, batch), 53, 53]
