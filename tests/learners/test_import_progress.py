"""Learner imports as jobs: progress that moves (checking and saving), the page that shows it and
stops polling, the all-or-nothing batched save, and the API's job contract (202, status, 413, 404)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from qic.core import audit
from qic.core.jobs import read_progress, report_progress
from qic.core.models import AuditEvent
from qic.learners import actions, imports, parsing
from qic.learners.models import Learner, LearnerImport
from qic.programme.actions import create_api_token
from tests.conftest import Cast
from tests.learners.test_import_preview import HEADER, csv_of, make_roll, upn

ROWS = 12


def new_pupils(count: int, *, first: int = 1) -> bytes:
    rows = "".join(f"{upn(n)},Ann,Newcomer{n:03d},15/01/2012,F,8\r\n" for n in range(first, first + count))
    return (HEADER + rows).encode()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Batches of 5 rows and every progress report recorded (and still published)."""
    monkeypatch.setattr(parsing, "ROWS_PER_REPORT", 5)
    monkeypatch.setattr(imports, "SAVE_BATCH", 5)
    reports: list[tuple[str, dict[str, Any]]] = []

    def recording(key: str, **values: Any) -> None:
        reports.append((key, values))
        report_progress(key, **values)

    monkeypatch.setattr(imports, "report_progress", recording)
    return reports


def start(cast: Cast, data: bytes, *, full_import: bool = False) -> LearnerImport:
    return actions.start_learner_import(
        provider=cast.p1, kind="csv", file_name="roll.csv", data=data, full_import=full_import, actor=cast.p1_leader
    )


# --- Progress that moves -------------------------------------------------------------------------


def test_checking_reports_rows_checked_as_it_goes(cast: Cast, small_batches: list[tuple[str, dict[str, Any]]]) -> None:
    job = start(cast, new_pupils(ROWS))
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.READY
    key = f"learner-import:{job.pk}"
    checking = [values for k, values in small_batches if k == key and values["phase"] == "checking"]
    assert [v["checked"] for v in checking] == [0, 5, 10, 12]
    assert {v["total"] for v in checking} == {ROWS}
    assert read_progress(key) == {"phase": "checking", "checked": ROWS, "total": ROWS}


def test_saving_reports_learners_saved_after_each_batch(
    cast: Cast, small_batches: list[tuple[str, dict[str, Any]]]
) -> None:
    roll = make_roll(cast.p1, 4)
    for learner in roll[:2]:
        learner.surname += "-Renamed"
    # 2 learners updated, 2 unchanged, 12 new, 2 marked as left... of a full import of 16 rows.
    data = csv_of(roll[:2]) + new_pupils(ROWS, first=100)[len(HEADER) :]
    Learner.objects.filter(pk__in=[x.pk for x in roll[:2]]).update(surname="Before")
    job = start(cast, data, full_import=True)
    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.left_count) == (ROWS, 2, 2)
    small_batches.clear()
    assert actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=cast.p1_leader)
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.DONE
    saving = [values for _key, values in small_batches if values["phase"] == "saving"]
    # Updates (2), then new learners in batches of 5 (5, 5, 2), then those leaving (2).
    assert [v["saved"] for v in saving] == [0, 2, 7, 12, 14, 16]
    assert {v["total"] for v in saving} == {16}
    assert read_progress(f"learner-import:{job.pk}") == {"phase": "saving", "saved": 16, "total": 16}
    # One event per learner written, chained in order: the trail still verifies.
    assert AuditEvent.objects.filter(action="learner.created").count() == ROWS
    assert AuditEvent.objects.filter(action="learner.updated").count() == 2
    assert AuditEvent.objects.filter(action="learner.left").count() == 2
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK"), out.getvalue()


def test_an_error_in_the_last_batch_leaves_nothing_written(
    cast: Cast, small_batches: list[tuple[str, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = start(cast, new_pupils(ROWS))
    job.refresh_from_db()
    events_before = AuditEvent.objects.count()
    real_append = audit.append

    def failing_on_the_last_batch(events: list[AuditEvent], **kwargs: Any) -> list[AuditEvent]:
        if len(events) == ROWS % 5 and events[0].action == "learner.created":  # the last batch: 2 learners
            raise RuntimeError("the disk is full")
        return real_append(events, **kwargs)

    monkeypatch.setattr(audit, "append", failing_on_the_last_batch)
    actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=cast.p1_leader)
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.FAILED
    assert job.errors == [{"line": 0, "reason": "Something went wrong while saving. Nothing was imported."}]
    # Two batches of five had been written and reported before the failure: all rolled back.
    assert [v["saved"] for _k, v in small_batches if v["phase"] == "saving"] == [0, 5, 10]
    assert Learner.objects.filter(provider=cast.p1).count() == 0
    assert AuditEvent.objects.count() == events_before


# --- The page shows it ------------------------------------------------------------------------------


@pytest.fixture
def leader(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_leader)
    return client


def running_job(cast: Cast, status: str) -> LearnerImport:
    job = LearnerImport.objects.create(provider=cast.p1, kind=LearnerImport.Kind.CSV, file_name="trust.csv", data=b"")
    LearnerImport.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    return job


def status_url(cast: Cast, job: LearnerImport) -> str:
    return f"/providers/{cast.p1.urn}/learners/import/{job.pk}/"


def test_the_page_shows_rows_checked_and_keeps_polling(leader: Client, cast: Cast) -> None:
    job = running_job(cast, LearnerImport.Status.CHECKING)
    report_progress(f"learner-import:{job.pk}", phase="checking", checked=4000, total=10000)
    html = leader.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert html.startswith('<div id="import-progress"')
    assert f'hx-get="{status_url(cast, job)}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "Checked 4,000 of 10,000 rows" in html
    assert 'value="40"' in html


def test_the_page_shows_learners_saved(leader: Client, cast: Cast) -> None:
    job = running_job(cast, LearnerImport.Status.SAVING)
    report_progress(f"learner-import:{job.pk}", phase="saving", saved=3000, total=10000)
    html = leader.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert "Saved 3,000 of 10,000 learners" in html
    assert 'hx-trigger="every 1s"' in html


def test_a_job_not_started_says_so(leader: Client, cast: Cast) -> None:
    job = running_job(cast, LearnerImport.Status.PENDING)
    html = leader.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert "Waiting to start checking" in html


def test_polling_stops_when_the_job_is_finished(leader: Client, cast: Cast) -> None:
    job = running_job(cast, LearnerImport.Status.SAVING)
    report_progress(f"learner-import:{job.pk}", phase="saving", saved=3000, total=10000)
    LearnerImport.objects.filter(pk=job.pk).update(status=LearnerImport.Status.DONE, created_count=10000)
    html = leader.get(status_url(cast, job), headers={"HX-Request": "true"}).content.decode()
    assert html.startswith('<div id="import-progress">')  # no hx-get, no hx-trigger: htmx stops
    assert "hx-trigger" not in html
    assert "hx-get" not in html
    assert "Import complete" in html
    assert "Saved 3,000" not in html


def test_without_javascript_the_page_works_and_can_be_refreshed(leader: Client, cast: Cast) -> None:
    job = running_job(cast, LearnerImport.Status.CHECKING)
    report_progress(f"learner-import:{job.pk}", phase="checking", checked=1000, total=10000)
    html = leader.get(status_url(cast, job)).content.decode()  # a plain request: the whole page
    assert "Importing trust.csv</h1>" in html
    assert "Checked 1,000 of 10,000 rows" in html
    refresh = re.search(r'<a class="govuk-link" href="([^"]+)">Refresh', html)
    assert refresh is not None
    assert refresh.group(1) == status_url(cast, job)
    # The live region stays on the page while htmx swaps the progress inside it.
    assert re.search(r'<div aria-live="polite">\s*<div id="import-progress"', html)


def test_the_status_page_makes_a_fixed_number_of_queries(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 30)
    counts = []
    for kept in (27, 1):  # 3, then 29 learners listed as leaving
        job = start(cast, csv_of(roll[:kept]), full_import=True)
        job.refresh_from_db()
        assert job.left_count == 30 - kept
        leader.get(status_url(cast, job))  # the session's first request does its own bookkeeping
        with CaptureQueriesContext(connection) as queries:
            assert leader.get(status_url(cast, job)).status_code == 200
        counts.append(len(queries))
    running = running_job(cast, LearnerImport.Status.SAVING)
    report_progress(f"learner-import:{running.pk}", phase="saving", saved=5, total=50)
    with CaptureQueriesContext(connection) as queries:
        leader.get(status_url(cast, running), headers={"HX-Request": "true"})
    assert counts[0] == counts[1], counts
    assert len(queries) <= counts[0]  # progress comes from the progress cache, not the database


# --- The API ------------------------------------------------------------------------------------


@pytest.fixture
def mis(cast: Cast) -> dict[str, str]:
    _token, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read_write", actor=cast.p1_leader)
    return {"Authorization": f"Bearer {plain}"}


IMPORT = "/api/v1/providers/{urn}/learners/import"


def test_the_api_answers_202_with_the_job_and_its_status_url(cast: Cast, mis: dict[str, str]) -> None:
    response = Client().post(
        IMPORT.format(urn=cast.p1.urn), {"file": SimpleUploadedFile("roll.csv", new_pupils(3))}, headers=mis
    )
    assert response.status_code == 202
    body = response.json()
    job = LearnerImport.objects.get()
    assert body["id"] == job.pk
    assert body["status_url"] == f"http://testserver/api/v1/providers/{cast.p1.urn}/learner-imports/{job.pk}"
    status = Client().get(body["status_url"], headers=mis)
    assert status.status_code == 200
    assert (status.json()["status"], status.json()["created"], status.json()["total_rows"]) == ("done", 3, 3)


def test_the_api_status_shows_the_progress_of_a_running_job(cast: Cast, mis: dict[str, str]) -> None:
    job = running_job(cast, LearnerImport.Status.SAVING)
    report_progress(f"learner-import:{job.pk}", phase="saving", saved=3000, total=10000)
    body = Client().get(f"/api/v1/providers/{cast.p1.urn}/learner-imports/{job.pk}", headers=mis).json()
    assert body["status"] == "saving"
    assert body["progress"] == {"phase": "saving", "checked": 0, "saved": 3000, "total": 10000}


def test_another_providers_import_job_is_404(cast: Cast, mis: dict[str, str]) -> None:
    theirs = LearnerImport.objects.create(provider=cast.p2, kind="csv", file_name="theirs.csv", data=b"x")
    assert Client().get(f"/api/v1/providers/{cast.p1.urn}/learner-imports/{theirs.pk}", headers=mis).status_code == 404
    # Nor through their provider's URL: the token is for p1 only.
    assert Client().get(f"/api/v1/providers/{cast.p2.urn}/learner-imports/{theirs.pk}", headers=mis).status_code == 404
    assert Client().get(f"/api/v1/providers/{cast.p1.urn}/learner-imports/999999", headers=mis).status_code == 404


def test_a_careers_leader_of_the_other_provider_gets_404_for_our_job(client: Client, cast: Cast) -> None:
    ours = LearnerImport.objects.create(provider=cast.p1, kind="csv", file_name="ours.csv", data=b"x")
    client.force_login(cast.p2_leader)
    assert client.get(f"/api/v1/providers/{cast.p1.urn}/learner-imports/{ours.pk}").status_code == 404


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


class Counting(io.BytesIO):
    """A request body that counts what is read of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = "qicboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="roll.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@override_settings(QIC_LEARNER_IMPORT_MAX_BYTES=1000)
def test_a_body_declared_over_the_limit_is_refused_without_reading_it(cast: Cast, mis: dict[str, str]) -> None:
    response = Client().generic(
        "POST",
        IMPORT.format(urn=cast.p1.urn),
        b"",
        content_type="multipart/form-data; boundary=qicboundary",
        headers=mis,
        **{
            "wsgi.input": Unreadable(),
            "CONTENT_LENGTH": str(50 * 1024 * 1024),
            "CONTENT_TYPE": "multipart/form-data; boundary=qicboundary",
        },
    )
    assert response.status_code == 413
    body = response.json()
    assert (body["status"], body["id"]) == ("refused", None)
    assert body["errors"][0]["reason"].startswith(
        "The file is 50 MB: the largest learner file you can import is 1,000 bytes."
    )
    assert LearnerImport.objects.count() == 0


@override_settings(QIC_LEARNER_IMPORT_MAX_BYTES=200_000)
def test_a_file_over_the_limit_is_stopped_soon_after_the_limit(cast: Cast, mis: dict[str, str]) -> None:
    # Declared within the room allowed for the multipart framing, but the file is over the limit.
    body, content_type = multipart(b"x" * 260_000)
    stream = Counting(body)
    response = Client().generic(
        "POST",
        IMPORT.format(urn=cast.p1.urn),
        b"",
        content_type=content_type,
        headers=mis,
        **{"wsgi.input": stream, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type},
    )
    assert response.status_code == 413, response.content
    assert response.json()["errors"][0]["reason"].endswith("Export fewer columns, or split the file by year group.")
    assert 200_000 < stream.bytes_read <= 200_000 + 3 * 8 * 1024  # the rest of the body is never read
    assert LearnerImport.objects.count() == 0


@pytest.mark.parametrize("declared", ["", "2000"])
@override_settings(QIC_LEARNER_IMPORT_MAX_BYTES=200_000)
def test_a_content_length_that_lies_or_is_absent_lets_no_more_in(
    cast: Cast, mis: dict[str, str], declared: str
) -> None:
    body, content_type = multipart(b"x" * 1_000_000)
    stream = Counting(body)
    response = Client().generic(
        "POST",
        IMPORT.format(urn=cast.p1.urn),
        b"",
        content_type=content_type,
        headers=mis,
        **{"wsgi.input": stream, "CONTENT_LENGTH": declared, "CONTENT_TYPE": content_type},
    )
    assert 400 <= response.status_code < 500, response.content
    assert stream.bytes_read <= int(declared or 0)  # never more than it said, nothing without a length
    assert LearnerImport.objects.filter(status="done").count() == 0
    assert Learner.objects.count() == 0


def test_the_openapi_schema_documents_the_job_contract(cast: Cast) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/providers/{urn}/learners/import"]["post"]
    assert {"202", "413"} <= set(post["responses"])
    assert "status_url" in post["description"]
    assert "/api/v1/providers/{urn}/learner-imports/{job_id}" in schema["paths"]
