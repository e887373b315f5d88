"""Attacker's probe of what issue 11 added: job pages and the job API across tenants and roles,
health endpoints, request ids, odd uploads, restore's refusals, what task rows hold, and who the
audit trail names when a worker does the import."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from qic.core.models import AuditEvent
from qic.learners import actions
from qic.learners.models import Learner, LearnerImport
from qic.organisations.models import GiasImport
from qic.programme.actions import create_api_token
from tests.conftest import Cast
from tests.core.test_mail_tasks import DATABASE_BACKEND, run_worker
from tests.learners.test_import_preview import HEADER, upn

SECRET_SURNAME = "Zzyzxwardle"


def roll_csv(count: int = 3) -> bytes:
    rows = "".join(f"{upn(n)},Ann,{SECRET_SURNAME}{n},15/01/2012,F,8\r\n" for n in range(1, count + 1))
    return (HEADER + rows).encode()


def ready_job(cast: Cast) -> LearnerImport:
    """A p1 job waiting to be confirmed: its preview names the learners in the file."""
    job = actions.start_learner_import(
        provider=cast.p1, kind="csv", file_name="roll.csv", data=roll_csv(), full_import=False, actor=cast.p1_leader
    )
    job.refresh_from_db()
    return job


# --- Tenancy and roles of the learner import job pages -------------------------------------------


@pytest.mark.parametrize(
    "who", ["p2_leader", "p1_staff", "p1_governor", "consortium", "ab1_admin", "assessor_assigned"]
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_learner_import_job_page_is_closed_to_everyone_but_its_careers_leader(
    client: Client, cast: Cast, who: str, htmx: bool
) -> None:
    job = ready_job(cast)
    assert job.status == LearnerImport.Status.READY
    client.force_login(cast.user(who))
    headers = {"HX-Request": "true"} if htmx else {}
    page = client.get(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/", headers=headers)
    assert page.status_code in (403, 404), page.status_code
    if who == "p2_leader":
        assert page.status_code == 404  # another tenant's object is not even confirmed to exist
    assert SECRET_SURNAME.encode() not in page.content
    assert upn(1).encode() not in page.content
    for action in ("confirm", "cancel"):
        response = client.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/{action}/")
        assert response.status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.READY


def test_another_providers_job_through_ones_own_provider_url_is_404(client: Client, cast: Cast) -> None:
    job = ready_job(cast)
    client.force_login(cast.p2_leader)
    for suffix in ("", "confirm/", "cancel/"):
        url = f"/providers/{cast.p2.urn}/learners/import/{job.pk}/{suffix}"
        response = client.post(url) if suffix else client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 404, url


@pytest.mark.parametrize("pk", ["abc", "-1", "0", "1.5", str(2**63), str(2**70), "%00", "1%0a"])
def test_odd_job_ids_are_404_never_500(client: Client, cast: Cast, pk: str) -> None:
    client.force_login(cast.p1_leader)
    assert client.get(f"/providers/{cast.p1.urn}/learners/import/{pk}/").status_code == 404
    assert client.post(f"/providers/{cast.p1.urn}/learners/import/{pk}/confirm/").status_code == 404
    client.force_login(cast.consortium)
    assert client.get(f"/consortium/gias/{pk}/").status_code == 404


def test_the_owner_sees_the_preview(client: Client, cast: Cast) -> None:
    """The control for the test above: the same page does show names to its careers leader."""
    job = ready_job(cast)
    client.force_login(cast.p1_leader)
    assert client.get(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/").status_code == 200


# --- GIAS job pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["p1_leader", "p1_staff", "ab1_admin", "assessor_assigned", "p2_leader"])
def test_a_gias_job_page_is_the_consortiums_only(client: Client, cast: Cast, who: str) -> None:
    job = GiasImport.objects.create(file_name="edubase.csv", sha256="0" * 64, include_closed=False)
    client.force_login(cast.user(who))
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/consortium/gias/{job.pk}/", headers=headers)
        assert response.status_code in (403, 404)
        assert b"edubase.csv" not in response.content
    assert client.post("/consortium/gias/", {"file": SimpleUploadedFile("x.csv", b"URN\r\n")}).status_code in (
        403,
        404,
    )
    anon = Client().get(f"/consortium/gias/{job.pk}/")
    assert anon.status_code == 302


# --- The job API ---------------------------------------------------------------------------------


@pytest.fixture
def p1_token(cast: Cast) -> dict[str, str]:
    _token, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read_write", actor=cast.p1_leader)
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("job_id", ["abc", "-1", "0", str(2**63), str(2**70), "1e3", "%20"])
def test_the_api_answers_odd_job_ids_without_a_500(cast: Cast, p1_token: dict[str, str], job_id: str) -> None:
    response = Client().get(f"/api/v1/providers/{cast.p1.urn}/learner-imports/{job_id}", headers=p1_token)
    assert response.status_code in (404, 422), (job_id, response.status_code)


def test_a_p1_token_cannot_see_a_p2_job_by_either_url(cast: Cast, p1_token: dict[str, str]) -> None:
    theirs = actions.start_learner_import(
        provider=cast.p2, kind="csv", file_name="t.csv", data=roll_csv(), full_import=False, actor=cast.p2_leader
    )
    for urn in (cast.p1.urn, cast.p2.urn):
        response = Client().get(f"/api/v1/providers/{urn}/learner-imports/{theirs.pk}", headers=p1_token)
        assert response.status_code == 404
        assert SECRET_SURNAME.encode() not in response.content


def test_a_read_only_token_cannot_start_an_import(cast: Cast) -> None:
    _token, plain = create_api_token(provider_id=cast.p1.pk, name="ro", scope="read", actor=cast.p1_leader)
    response = Client().post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import",
        {"file": SimpleUploadedFile("roll.csv", roll_csv())},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code in (403, 404)
    assert not LearnerImport.objects.exists()


@pytest.mark.parametrize("who", ["p1_staff", "p1_governor", "consortium"])
def test_session_users_without_learner_rights_cannot_read_a_job_by_api(client: Client, cast: Cast, who: str) -> None:
    job = ready_job(cast)
    client.force_login(cast.user(who))
    response = client.get(f"/api/v1/providers/{cast.p1.urn}/learner-imports/{job.pk}")
    assert response.status_code in (403, 404)
    assert SECRET_SURNAME.encode() not in response.content


# --- Odd uploads --------------------------------------------------------------------------------


FULL = {"full_import": "partial"}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.csv", b""),
        ("binary.csv", bytes(range(256)) * 40),
        ("nul.csv", b"\x00" * 5000),
        ("bom-only.csv", b"\xef\xbb\xbf"),
        ("utf16.csv", HEADER.encode("utf-16")),
        ("zip.xml", b"PK\x03\x04" + b"\x00" * 100),
        ("xml-bomb.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "' + b"x" * 1000 + b'">]><a>&b;&b;</a>'),
        ("ctf.xml", b"<CTfile><Header></Header></CTfile>"),
    ],
)
def test_odd_files_on_the_import_page_give_an_error_never_a_500(
    client: Client, cast: Cast, name: str, data: bytes
) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/learners/import/", {"file": SimpleUploadedFile(name, data), **FULL}, follow=True
    )
    assert response.status_code == 200
    assert not Learner.objects.exists()
    body = response.content.decode()
    # Either the file is refused with a reason, or (a CTF naming no pupils) its preview says that
    # nothing is saved until it is confirmed.
    assert "govuk-error-summary" in body or "Nothing has been saved yet" in body


@pytest.mark.parametrize(("name", "data"), [("empty.csv", b""), ("binary.csv", bytes(range(256)) * 40)])
def test_odd_files_through_the_api_give_a_clear_answer(
    cast: Cast, p1_token: dict[str, str], name: str, data: bytes
) -> None:
    response = Client().post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import", {"file": SimpleUploadedFile(name, data)}, headers=p1_token
    )
    assert response.status_code in (202, 400, 413, 422)
    if response.status_code == 202:
        status = Client().get(response.json()["status_url"], headers=p1_token).json()
        assert status["status"] == "failed"
        assert status["errors"]
        assert status["errors"][0]["reason"]
    assert not Learner.objects.exists()


def test_a_25_mb_upload_to_the_page_is_refused_clearly(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    big = SimpleUploadedFile("big.csv", HEADER.encode() + b"x" * (25 * 1024 * 1024))
    response = client.post(f"/providers/{cast.p1.urn}/learners/import/", {"file": big, **FULL})
    assert response.status_code in (200, 413)
    assert b"MB" in response.content
    assert not LearnerImport.objects.exists()


def test_a_25_mb_upload_to_the_api_is_413(cast: Cast, p1_token: dict[str, str]) -> None:
    big = SimpleUploadedFile("big.csv", HEADER.encode() + b"x" * (25 * 1024 * 1024))
    response = Client().post(f"/api/v1/providers/{cast.p1.urn}/learners/import", {"file": big}, headers=p1_token)
    assert response.status_code == 413
    assert not LearnerImport.objects.exists()


@pytest.mark.parametrize("length", ["0", "10", "-5", "abc", str(10**12)])
def test_a_lying_content_length_is_never_a_500(cast: Cast, p1_token: dict[str, str], length: str) -> None:
    body = (
        b'--BOUND\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + roll_csv() + b"\r\n--BOUND--\r\n"
    )
    client = Client()
    response = client.generic(
        "POST",
        f"/api/v1/providers/{cast.p1.urn}/learners/import",
        body,
        content_type="multipart/form-data; boundary=BOUND",
        headers=p1_token,
        CONTENT_LENGTH=length,
    )
    assert response.status_code < 500, (length, response.status_code)
    leader = Client()
    leader.force_login(cast.p1_leader)
    page = leader.generic(
        "POST",
        f"/providers/{cast.p1.urn}/learners/import/",
        body,
        content_type="multipart/form-data; boundary=BOUND",
        CONTENT_LENGTH=length,
    )
    assert page.status_code < 500, (length, page.status_code)
    assert not Learner.objects.exists()


def test_an_upload_page_refuses_a_declared_huge_body_before_reading_it(client: Client, cast: Cast) -> None:
    """Found by this probe: the pages read any declared length to a temporary file first."""

    class Unreadable(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("the body was read")

    for user, url in (
        (cast.p1_leader, f"/providers/{cast.p1.urn}/learners/import/"),
        (cast.consortium, "/consortium/gias/"),
    ):
        client.force_login(user)
        response = client.generic(
            "POST",
            url,
            b"",
            content_type="multipart/form-data; boundary=BOUND",
            CONTENT_LENGTH=str(10**12),
            **{"wsgi.input": Unreadable()},
        )
        assert response.status_code == 413
        assert b"The file must be smaller than" in response.content
        assert b"Nothing was imported" in response.content
    assert not LearnerImport.objects.exists()
    assert not GiasImport.objects.exists()


# --- Health endpoints -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/healthz/", "/readyz/"])
def test_health_endpoints_answer_head_and_refuse_other_methods_without_a_500(db: None, path: str) -> None:
    client = Client()
    head = client.head(path)
    assert head.status_code in (200, 503)
    assert head.content == b""
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)(path)
        assert response.status_code in (403, 404, 405), (method, response.status_code)


def test_readyz_says_nothing_personal_or_internal(cast: Cast) -> None:
    ready_job(cast)
    body = Client().get("/readyz").content.decode()
    for leak in (SECRET_SURNAME, "leader1@example.org", "Alpha Academy", "postgres", "sqlite", "SECRET", "/work/"):
        assert leak.lower() not in body.lower(), leak


def test_health_endpoints_ignore_an_odd_host(db: None) -> None:
    for host in ("evil.example.com", "a" * 300, "127.0.0.1:9", "[::1]"):
        assert Client().get("/healthz", HTTP_HOST=host).status_code == 200


# --- Request ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["abc\r\nSet-Cookie: x=1", "x" * 10_000, "ünïcødé-☃", "a b", "<script>", "../../etc", "%0d%0a", "a\x00b"],
)
def test_a_bad_request_id_is_replaced_and_never_logged_raw(
    db: None, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = Client().get("/this-page-does-not-exist", HTTP_X_REQUEST_ID=bad)
    assert response.status_code == 404
    echoed = response["X-Request-ID"]
    assert echoed != bad
    assert echoed.isascii()
    assert len(echoed) <= 200
    assert "\n" not in echoed
    for record in caplog.records:
        assert bad not in record.getMessage()
        assert getattr(record, "request_id", "-") != bad


def test_a_sane_request_id_is_kept(db: None) -> None:
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="lb-1234-abcd")["X-Request-ID"] == "lb-1234-abcd"


# --- Restore --------------------------------------------------------------------------------------


def test_restore_refuses_without_yes_and_changes_nothing(cast: Cast, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    users_before = cast.p1_leader.__class__.objects.count()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(junk), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing"), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path), "--yes", stdout=io.StringIO())
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(CommandError):
        call_command("restore", str(empty), "--yes", stdout=io.StringIO())
    assert cast.p1_leader.__class__.objects.count() == users_before


# --- What task rows hold, and who the audit names ---------------------------------------------------


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": DATABASE_BACKEND}


def test_learner_import_tasks_hold_ids_only_and_the_audit_names_the_careers_leader(
    client: Client, cast: Cast, database_tasks: None
) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/learners/import/", {"file": SimpleUploadedFile("roll.csv", roll_csv()), **FULL}
    )
    assert response.status_code == 302
    job = LearnerImport.objects.get()
    run_worker()
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.READY
    confirm = client.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    assert confirm.status_code == 302
    run_worker()
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.DONE
    assert Learner.objects.filter(provider=cast.p1).count() == 3

    rows = list(DBTaskResult.objects.all())
    assert rows
    for row in rows:
        stored = str(row.args_kwargs) + str(row.return_value)
        assert SECRET_SURNAME not in stored
        assert upn(1) not in stored
        assert "leader1@example.org" not in stored
        assert set(row.args_kwargs["kwargs"]) <= {"job_id", "actor_id"}

    created = AuditEvent.objects.filter(action__startswith="learner.").exclude(action__contains="import")
    assert created.exists()
    assert set(created.values_list("actor_id", flat=True)) == {cast.p1_leader.pk}
    imported = AuditEvent.objects.filter(action__contains="import")
    assert imported.exists()
    assert set(imported.values_list("actor_id", flat=True)) == {cast.p1_leader.pk}


def test_a_readyz_503_is_a_warning_not_an_error_for_error_reporting(db: None, caplog: pytest.LogCaptureFixture) -> None:
    """Found by this probe: every 503 from /readyz was logged by Django at ERROR, which Sentry's
    logging integration sends as an event, once per probe (every few seconds while no worker runs)."""
    with caplog.at_level(logging.INFO):
        response = Client().get("/readyz")
    assert response.status_code == 503  # no worker has been seen in a fresh test database
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not ready" in message and "worker" in message for message in warnings), warnings


def test_a_signed_in_session_cannot_start_an_import_without_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.p1_leader)
    api = client.post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import", {"file": SimpleUploadedFile("r.csv", roll_csv())}
    )
    page = client.post(
        f"/providers/{cast.p1.urn}/learners/import/", {"file": SimpleUploadedFile("r.csv", roll_csv()), **FULL}
    )
    assert (api.status_code, page.status_code) == (403, 403)
    assert not LearnerImport.objects.exists()
