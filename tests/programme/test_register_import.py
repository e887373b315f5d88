"""Register (attendance CSV) imports as jobs: progress that moves while rows are checked, the
job's page that polls until the job ends (and works without JavaScript), a fixed number of
queries, the API's job contract, size limits, and jobs no task will ever finish."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from qic.core import jobs
from qic.core.jobs import read_progress, report_progress
from qic.core.models import AuditEvent
from qic.domain.upn import upn_check_letter
from qic.programme import actions, register_uploads
from qic.programme.actions import create_api_token
from qic.programme.models import Activity, Participation, RegisterImport
from qic.programme.tasks import ORPHANED_MESSAGE, import_register_task
from tests.conftest import Cast
from tests.factories import make_activity, make_learner


def upn(n: int) -> str:
    body = f"8889{n:08d}"
    return f"{upn_check_letter(body)}{body}"


def roll(cast: Cast, count: int) -> None:
    for n in range(count):
        make_learner(cast.p1, upn=upn(n), forename=f"Pupil{n}", surname="Register")


def register(count: int, *, unknown: int = 0) -> bytes:
    """A register of `count` learners on the roll, then `unknown` UPNs that are not."""
    rows = [f"{upn(n)},{'Y' if n % 2 else 'N'}" for n in range(count)]
    rows += [f"{upn(1000 + n)},Y" for n in range(unknown)]
    return ("UPN,Attended\r\n" + "\r\n".join(rows) + "\r\n").encode()


@pytest.fixture
def staff(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_staff)
    return client


def status_url(cast: Cast, job: RegisterImport) -> str:
    return f"/providers/{cast.p1.urn}/activities/{job.activity_id}/attendance/import/{job.pk}/"


def running_job(cast: Cast, status: str, activity: Activity | None = None) -> RegisterImport:
    return RegisterImport.objects.create(
        provider=cast.p1,
        activity=activity or make_activity(cast.p1),
        file_name="year9-fair.csv",
        data=b"UPN,Attended\r\n",
        status=status,
    )


# --- Progress that moves -------------------------------------------------------------------------


def test_checking_reports_rows_checked_as_it_goes(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    roll(cast, 12)
    monkeypatch.setattr(actions, "REGISTER_ROWS_PER_REPORT", 5)
    reports: list[tuple[str, dict[str, Any]]] = []

    def recording(key: str, **values: Any) -> None:
        reports.append((key, values))
        report_progress(key, **values)

    monkeypatch.setattr(actions, "report_progress", recording)
    job = register_uploads.start_register_import(
        activity=make_activity(cast.p1), file_name="r.csv", data=register(12), actor=cast.p1_staff
    )
    key = f"register-import:{job.pk}"
    assert [values for k, values in reports if k == key] == [
        {"phase": "checking", "checked": 0, "total": 12},
        {"phase": "checking", "checked": 5, "total": 12},
        {"phase": "checking", "checked": 10, "total": 12},
        {"phase": "checking", "checked": 12, "total": 12},
        {"phase": "saving", "saved": 0, "total": 12},
        {"phase": "saving", "saved": 12, "total": 12},
    ]
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.present_count, job.absent_count) == ("done", 12, 6, 6)
    assert read_progress(key) == {"phase": "saving", "saved": 12, "total": 12}


def test_waiting_runs_the_job_here_with_no_task(cast: Cast, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    roll(cast, 3)
    job = register_uploads.start_register_import(
        activity=make_activity(cast.p1), file_name="r.csv", data=register(3), actor=cast.p1_leader, wait=True
    )
    assert (job.status, job.present_count, job.absent_count) == ("done", 1, 2)
    assert not DBTaskResult.objects.exists()
    assert not jobs.is_running_inline(job.progress_key)  # the mark goes when the work ends
    assert AuditEvent.objects.get(action="activity.register_updated").actor == cast.p1_leader


def test_a_job_delivered_twice_runs_once(cast: Cast) -> None:
    roll(cast, 3)
    job = register_uploads.start_register_import(
        activity=make_activity(cast.p1), file_name="r.csv", data=register(3), actor=cast.p1_staff
    )
    assert actions.run_register_import(job.pk).status == RegisterImport.Status.DONE  # already ran: left alone
    assert AuditEvent.objects.filter(action="activity.register_updated").count() == 1


def test_an_activity_moved_into_the_future_before_the_save_fails_the_job(cast: Cast) -> None:
    roll(cast, 3)
    activity = make_activity(cast.p1)
    job = running_job(cast, RegisterImport.Status.QUEUED, activity)
    RegisterImport.objects.filter(pk=job.pk).update(data=register(3))
    Activity.objects.filter(pk=activity.pk).update(date=timezone.localdate() + dt.timedelta(days=3))
    job = actions.run_register_import(job.pk)
    assert job.status == RegisterImport.Status.FAILED
    assert job.message.startswith("You cannot record who took part before the activity has happened")
    assert job.message.endswith("Nothing was saved.")
    assert job.data is None
    assert not Participation.objects.exists()


def test_an_activity_removed_before_the_save_fails_the_job_and_its_job_is_gone_from_the_api(
    cast: Cast, client: Client
) -> None:
    # Found by the probe: a queued import still saved a removed activity's register, and the API showed its job.
    roll(cast, 3)
    activity = make_activity(cast.p1)
    job = running_job(cast, RegisterImport.Status.QUEUED, activity)
    RegisterImport.objects.filter(pk=job.pk).update(data=register(3))
    Activity.objects.filter(pk=activity.pk).update(removed_at=timezone.now())
    job = actions.run_register_import(job.pk)
    assert job.status == RegisterImport.Status.FAILED
    assert job.message == "The activity was removed before its register was saved. Nothing was saved."
    assert job.data is None
    assert not Participation.objects.filter(activity_id=activity.pk).exists()
    client.force_login(cast.p1_leader)
    answer = client.get(f"/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance-imports/{job.pk}")
    assert answer.status_code == 404
    assert "year9-fair.csv" not in answer.content.decode()


def test_the_same_learner_marked_both_ways_is_a_row_error_naming_both_lines(cast: Cast) -> None:
    # Found by the probe: once by UPN as present and once by ULN as absent failed the job with a vague message.
    make_learner(cast.p1, upn=upn(0), uln="1234567899", forename="Twice", surname="Listed")
    job = running_job(cast, RegisterImport.Status.QUEUED)
    data = f"UPN,ULN,Attended\r\n{upn(0)},,Y\r\n,1234567899,N\r\n".encode()
    RegisterImport.objects.filter(pk=job.pk).update(data=data)
    job = actions.run_register_import(job.pk)
    assert job.status == RegisterImport.Status.FAILED
    assert job.errors == [{"line": 3, "reason": "Twice Listed is also on line 2, marked the other way"}]
    assert not Participation.objects.exists()


# --- The page ------------------------------------------------------------------------------------


def test_the_page_shows_rows_checked_and_keeps_polling(staff: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.CHECKING)
    report_progress(job.progress_key, phase="checking", checked=120, total=300)
    html = staff.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert html.startswith('<div id="import-progress"')
    assert f'hx-get="{status_url(cast, job)}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "Checked 120 of 300 rows" in html
    assert 'value="40"' in html
    assert "<h1" not in html  # only the fragment


def test_a_job_not_started_says_so(staff: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.QUEUED)
    html = staff.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert "Waiting to start checking" in html
    assert 'hx-trigger="every 1s"' in html


def test_the_page_says_the_register_is_being_saved(staff: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.SAVING)
    report_progress(job.progress_key, phase="saving", saved=0, total=300)
    html = staff.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert "Saving the register: nothing is kept until every learner is written" in html
    assert 'hx-trigger="every 1s"' in html


def test_polling_stops_when_the_job_is_finished(staff: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.SAVING)
    report_progress(job.progress_key, phase="checking", checked=300, total=300)
    RegisterImport.objects.filter(pk=job.pk).update(
        status=RegisterImport.Status.DONE, present_count=280, absent_count=20, added_count=300, data=None
    )
    html = staff.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert html.startswith('<div id="import-progress">')  # no hx-get, no hx-trigger: htmx stops
    assert "hx-trigger" not in html
    assert "hx-get" not in html
    assert "280 present, 20 absent (300 added, 0 changed)" in html
    assert "Checked 300" not in html


def test_without_javascript_the_page_works_and_can_be_refreshed(staff: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.CHECKING)
    report_progress(job.progress_key, phase="checking", checked=100, total=300)
    html = staff.get(status_url(cast, job)).content.decode()  # a plain request: the whole page
    assert "Register import: year9-fair.csv</h1>" in html
    assert "Checked 100 of 300 rows" in html
    refresh = re.search(r'<a class="govuk-link" href="([^"]+)">Refresh', html)
    assert refresh is not None
    assert refresh.group(1) == status_url(cast, job)
    # The live region stays on the page while htmx swaps the progress inside it.
    assert re.search(r'<div aria-live="polite">\s*<div id="import-progress"', html)


def test_a_job_is_found_only_under_its_own_activity(staff: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.CHECKING)
    other = make_activity(cast.p1)
    response = staff.get(f"/providers/{cast.p1.urn}/activities/{other.pk}/attendance/import/{job.pk}/")
    assert response.status_code == 404


def test_the_other_providers_careers_leader_gets_404_and_sees_nothing_of_the_job(client: Client, cast: Cast) -> None:
    job = running_job(cast, RegisterImport.Status.FAILED)
    RegisterImport.objects.filter(pk=job.pk).update(
        errors=[{"line": 2, "reason": "Zephyrine Quillfeather had left before this activity"}]
    )
    client.force_login(cast.p2_leader)
    for url in (status_url(cast, job), status_url(cast, job).replace(str(cast.p1.urn), str(cast.p2.urn))):
        response = client.get(url)
        assert response.status_code == 404
        assert "Quillfeather" not in response.content.decode()
        assert "year9-fair.csv" not in response.content.decode()


def test_the_status_page_makes_a_fixed_number_of_queries(staff: Client, cast: Cast) -> None:
    roll(cast, 2)
    counts = []
    for unknown in (1, 60):  # 1, then 60 rows listed as not on the roll
        activity = make_activity(cast.p1)
        job = register_uploads.start_register_import(
            activity=activity, file_name="r.csv", data=register(2, unknown=unknown), actor=cast.p1_staff
        )
        job.refresh_from_db()
        assert (job.status, len(job.errors)) == ("failed", unknown)
        staff.get(status_url(cast, job))  # the session's first request does its own bookkeeping
        with CaptureQueriesContext(connection) as queries:
            page = staff.get(status_url(cast, job))
        assert f"Nothing was saved: {unknown} row" in page.content.decode()
        counts.append(len(queries))
    running = running_job(cast, RegisterImport.Status.CHECKING)
    report_progress(running.progress_key, phase="checking", checked=5, total=50)
    with CaptureQueriesContext(connection) as queries:
        staff.get(status_url(cast, running), headers={"HX-Request": "true"})
    assert counts[0] == counts[1], counts
    assert len(queries) <= counts[0]  # progress comes from the progress cache, not the database


# --- The API ------------------------------------------------------------------------------------


@pytest.fixture
def mis(cast: Cast) -> dict[str, str]:
    _token, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read_write", actor=cast.p1_leader)
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_status_shows_the_progress_of_a_running_job(cast: Cast, mis: dict[str, str]) -> None:
    job = running_job(cast, RegisterImport.Status.CHECKING)
    report_progress(job.progress_key, phase="checking", checked=120, total=300)
    url = f"/api/v1/providers/{cast.p1.urn}/activities/{job.activity_id}/attendance-imports/{job.pk}"
    body = Client().get(url, headers=mis).json()
    assert body["status"] == "checking"
    assert body["progress"] == {"phase": "checking", "checked": 120, "total": 300}


def test_a_read_only_token_cannot_import_a_register(cast: Cast) -> None:
    _token, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read", actor=cast.p1_leader)
    activity = make_activity(cast.p1)
    response = Client().post(
        f"/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance",
        {"file": SimpleUploadedFile("r.csv", register(1))},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code == 403
    assert not RegisterImport.objects.exists()


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


@override_settings(QIC_REGISTER_IMPORT_MAX_BYTES=1024 * 1024)
def test_an_api_register_declared_over_the_limit_is_refused_without_reading_it(cast: Cast, mis: dict[str, str]) -> None:
    activity = make_activity(cast.p1)
    content_type = "multipart/form-data; boundary=qicboundary"
    response = Client().generic(
        "POST",
        f"/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance",
        b"",
        content_type=content_type,
        headers=mis,
        **{"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(50 * 1024 * 1024), "CONTENT_TYPE": content_type},
    )
    assert response.status_code == 413
    body = response.json()
    assert (body["id"], body["status"]) == (None, "refused")
    assert body["message"] == "The file must be smaller than 1 MB. Nothing was saved."
    assert not RegisterImport.objects.exists()


@override_settings(QIC_REGISTER_IMPORT_MAX_BYTES=100_000)
def test_an_api_register_over_the_limit_is_413(cast: Cast, mis: dict[str, str]) -> None:
    activity = make_activity(cast.p1)
    response = Client().post(
        f"/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance",
        {"file": SimpleUploadedFile("r.csv", b"UPN,Attended\r\n" + b"x" * 150_000)},
        headers=mis,
    )
    assert response.status_code == 413
    assert response.json()["status"] == "refused"
    assert not RegisterImport.objects.exists()


@override_settings(QIC_REGISTER_IMPORT_MAX_BYTES=1024 * 1024)
def test_the_upload_page_refuses_a_body_declared_over_the_limit_without_reading_it(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1)
    content_type = "multipart/form-data; boundary=qicboundary"
    response = staff.generic(
        "POST",
        f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/",
        b"",
        content_type=content_type,
        **{"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(50 * 1024 * 1024), "CONTENT_TYPE": content_type},
    )
    assert response.status_code == 413
    assert "The file must be smaller than 1 MB." in response.content.decode()
    assert not RegisterImport.objects.exists()


# --- Jobs no task will ever finish --------------------------------------------------------------


def _aged(job: RegisterImport, seconds: float) -> RegisterImport:
    RegisterImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=seconds))
    return job


def test_housekeeping_fails_register_imports_left_with_no_task(cast: Cast, settings: Any) -> None:
    old = settings.QIC_WORKER_LOST_SECONDS + 60
    stuck = [_aged(running_job(cast, status), old) for status in ("queued", "checking", "saving")]
    young = running_job(cast, RegisterImport.Status.QUEUED)
    done = _aged(running_job(cast, RegisterImport.Status.DONE), old)
    inline = _aged(running_job(cast, RegisterImport.Status.CHECKING), old)  # a request running it (`wait`)
    # Waiting for a worker (the database backend's task row; the tests otherwise run tasks at once):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    queued = _aged(running_job(cast, RegisterImport.Status.QUEUED), old)
    import_register_task.enqueue(job_id=queued.pk)

    with jobs.running_inline(inline.progress_key):
        assert jobs.recover_lost_tasks() == {"retried": 0, "failed": 0, "orphaned": 3}
    for job in stuck:
        job.refresh_from_db()
        assert (job.status, job.message, job.data) == ("failed", ORPHANED_MESSAGE, None)
        assert job.finished_at is not None
    for job, status in ((young, "queued"), (done, "done"), (inline, "checking"), (queued, "queued")):
        job.refresh_from_db()
        assert job.status == status
    events = AuditEvent.objects.filter(action="activity.register_import_failed")
    assert sorted(int(e.object_id) for e in events) == sorted(job.pk for job in stuck)
    assert {e.actor_label for e in events} == {"task recovery"}
    assert jobs.recover_lost_tasks() == {"retried": 0, "failed": 0, "orphaned": 1}  # its mark gone: stuck
