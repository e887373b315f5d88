"""The deployment pack: health endpoints, request ids and structured logs, error reporting."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from django.conf import settings
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone
from sentry_sdk.transport import Transport

from qic.core import health
from qic.core.error_reporting import init_from_env
from qic.core.logs import RedactFilter, RequestIdFilter, UTCJsonFormatter, UTCTextFormatter, redact
from qic.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


# --- /healthz ----------------------------------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database(
    client: Client, django_assert_num_queries: Any, db: None
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_health_endpoints_skip_the_host_check_and_the_https_redirect(client: Client, settings: Any, db: None) -> None:
    # A probe from the machine itself, over plain HTTP, to a host name not in ALLOWED_HOSTS.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["qic.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code in (200, 503)
    # Every other page still gets both.
    assert client.get("/privacy/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_health_paths_other_than_get_are_not_answered_as_health(client: Client, db: None) -> None:
    assert client.post("/healthz").status_code == 404


# --- /readyz -----------------------------------------------------------------------------


def beat(kind: str, seconds_ago: int, worker_id: str = "w1") -> None:
    # jobs.worker_seen writes no row inside a transaction, and each test is one.
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, kind=kind, started_at=at, seen_at=at)


def test_readyz_is_not_ready_until_a_worker_has_been_seen(client: Client, db: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["failing"] == ["worker"]
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"] == {"ok": True}
    assert body["checks"]["scheduler"] == {"seen": False, "seen_seconds_ago": None}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_a_recent_worker_and_reports_the_scheduler(
    client: Client, settings: Any, django_assert_max_num_queries: Any, db: None
) -> None:
    settings.QIC_READY_WORKER_SECONDS = 300
    beat(WorkerHeartbeat.Kind.WORKER, 20)
    beat(WorkerHeartbeat.Kind.SCHEDULER, 30, worker_id="scheduler-1")
    health.expected_migrations()  # read from disk once per process, as in a running server
    with django_assert_max_num_queries(3):
        response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["failing"] == []
    assert body["checks"]["worker"]["ok"] is True
    assert 20 <= body["checks"]["worker"]["seen_seconds_ago"] < 60
    assert body["checks"]["scheduler"]["seen"] is True


def test_readyz_fails_when_the_last_worker_was_seen_too_long_ago(client: Client, settings: Any, db: None) -> None:
    settings.QIC_READY_WORKER_SECONDS = 60
    beat(WorkerHeartbeat.Kind.WORKER, 61)
    beat(WorkerHeartbeat.Kind.SCHEDULER, 5, worker_id="scheduler-1")  # a scheduler is not a worker
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert "60 seconds" in response.json()["checks"]["worker"]["error"]


def test_readyz_names_migrations_not_applied(client: Client, monkeypatch: pytest.MonkeyPatch, db: None) -> None:
    beat(WorkerHeartbeat.Kind.WORKER, 0)
    expected = health.expected_migrations() | {("learners", "9999_not_yet")}
    monkeypatch.setattr(health, "expected_migrations", lambda: expected)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"]["missing"] == ["learners.9999_not_yet"]


def test_readyz_says_the_database_is_down_without_its_error(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, db: None
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection to server at 10.0.0.9 failed: password authentication failed")

    monkeypatch.setattr(MigrationRecorder.Migration.objects, "values_list", refuse)

    class Down:
        def cursor(self) -> Any:
            raise OperationalError("connection to server at 10.0.0.9 failed: password authentication failed")

    monkeypatch.setattr(health, "connection", Down())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert b"10.0.0.9" not in response.content
    assert b"password" not in response.content
    assert "did not answer" in caplog.text  # the operator finds the reason in the log


# --- Request ids and log lines -----------------------------------------------------------


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured console handler writes (its real filters and formatter)."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, UTCTextFormatter))
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(old)


def test_every_answer_carries_a_new_request_id(client: Client, db: None) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/privacy/")["X-Request-ID"]
    assert first != second
    assert len(first) == 32
    assert first.isalnum()


def test_a_sane_incoming_request_id_is_kept(client: Client, db: None) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a-0042")["X-Request-ID"] == "lb-7f3a-0042"


@pytest.mark.parametrize(
    "incoming", ["", "a" * 65, "two words", "id\r\nSet-Cookie: x=1", "<script>", "ab_cd", "é-1", "a.b"]
)
def test_an_insane_incoming_request_id_is_replaced(client: Client, incoming: str, db: None) -> None:
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert answered != incoming
    assert len(answered) == 32
    assert answered.isalnum()


def test_lines_logged_during_a_request_carry_its_id_and_no_invitation_token(
    client: Client, log_lines: io.StringIO, db: None
) -> None:
    # Django's own "Not Found" warning is logged after every middleware has finished.
    response = client.get("/invitations/s3cret-invitation-token/", HTTP_X_REQUEST_ID="req-1234")
    assert response.status_code == 404
    output = log_lines.getvalue()
    assert "Not Found" in output
    assert "[req-1234]" in output
    assert "s3cret-invitation-token" not in output
    # Outside a request the id is "-".
    logging.getLogger("qic.test").warning("after the request")
    assert "[-] after the request" in log_lines.getvalue()


def test_password_reset_tokens_are_removed_from_log_lines() -> None:
    line = "Not Found: /accounts/password/reset/MTIz/cc1x2y-0123456789abcdef/ and /invitations/tok_EN-1/"
    assert redact(line) == "Not Found: /accounts/password/reset/MTIz/[hidden]/ and /invitations/[hidden]/"
    # The pages without secrets keep their addresses.
    assert redact("/accounts/password/reset/sent/ /invitations/12/withdraw/") == (
        "/accounts/password/reset/sent/ /invitations/12/withdraw/"
    )


def test_json_lines_have_utc_time_level_logger_message_and_request_id() -> None:
    args = (12, "/invitations/abc/")
    record = logging.LogRecord("qic.learners", logging.ERROR, __file__, 1, "Import %s failed: %s", args, None)
    record.created = dt.datetime(2026, 6, 1, 9, 30, 0, 250000, tzinfo=dt.UTC).timestamp()
    RequestIdFilter().filter(record)
    RedactFilter().filter(record)
    line = json.loads(UTCJsonFormatter().format(record))
    assert line == {
        "time": "2026-06-01T09:30:00.250+00:00",
        "level": "ERROR",
        "logger": "qic.learners",
        "message": "Import 12 failed: /invitations/[hidden]/",
        "request_id": "-",
    }


def test_log_format_is_text_in_development_and_json_in_production() -> None:
    assert settings.LOG_FORMAT == "text"  # tests run as development-like settings
    result = django_settings_in_subprocess(
        {"QIC_ENV": "production", **PRODUCTION_ENV}, "from django.conf import settings; print(settings.LOG_FORMAT)"
    )
    assert result.stdout.strip().splitlines()[-1] == "json", result.stderr


# --- Error reporting ---------------------------------------------------------------------

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20 + "y7#kq2!" * 6,
    "ALLOWED_HOSTS": "qic.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def django_settings_in_subprocess(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QIC_", "SENTRY_", "LOG_", "DJANGO_"))}
    script = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'qic.settings'; django.setup(); {code}"
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_error_reporting_is_off_unless_sentry_dsn_is_set() -> None:
    assert settings.SENTRY_ENABLED is False
    assert not sentry_sdk.get_client().is_active()
    assert init_from_env({}, default_environment="production") is False
    assert init_from_env({"SENTRY_DSN": "  "}, default_environment="production") is False
    assert not sentry_sdk.get_client().is_active()


def test_production_settings_turn_error_reporting_on_with_sentry_dsn() -> None:
    code = "from django.conf import settings; import sentry_sdk; c = sentry_sdk.get_client(); " + (
        "print(settings.SENTRY_ENABLED, c.is_active(), c.options['environment'], c.options['release'])"
    )
    off = django_settings_in_subprocess({"QIC_ENV": "production", **PRODUCTION_ENV}, code)
    assert off.stdout.strip().splitlines()[-1].startswith("False False "), off.stderr
    # The DSN points nowhere reachable; nothing is sent because nothing goes wrong.
    env = {"SENTRY_DSN": "https://public@sentry.invalid/1", "SENTRY_RELEASE": "2026.12.1"}
    on = django_settings_in_subprocess({"QIC_ENV": "production", **PRODUCTION_ENV, **env}, code)
    assert on.stdout.strip().splitlines()[-1] == "True True production 2026.12.1", on.stderr


class RecordingTransport(Transport):
    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.envelopes: list[Any] = []

    def capture_envelope(self, envelope: Any) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry_off_afterwards() -> Iterator[None]:
    yield
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    assert not sentry_sdk.get_client().is_active()


def test_an_error_is_reported_with_no_personal_data(sentry_off_afterwards: None) -> None:
    transport = RecordingTransport()
    env = {"SENTRY_DSN": "https://public@sentry.invalid/1", "SENTRY_ENVIRONMENT": "staging", "SENTRY_RELEASE": "r7"}
    assert init_from_env(env, default_environment="production", transport=transport) is True
    client = sentry_sdk.get_client()
    assert client.is_active()
    assert client.options["send_default_pii"] is False
    assert client.options["max_request_body_size"] == "never"
    assert client.options["include_local_variables"] is False

    def import_row(learner_name: str) -> None:
        raise ValueError("row 3 could not be saved")

    name = "".join(["Amelia", " ", "Testcase"])  # data, not a literal in the source lines sent
    try:
        import_row(name)
    except ValueError as exc:
        sentry_sdk.capture_exception(exc)
    sentry_sdk.flush()
    events = [item.payload.json for envelope in transport.envelopes for item in envelope.items if item.type == "event"]
    assert len(events) == 1
    event = events[0]
    assert event["environment"] == "staging"
    assert event["release"] == "r7"
    assert event["exception"]["values"][0]["value"] == "row 3 could not be saved"
    assert name not in json.dumps(event)  # no local variables


def test_a_learner_import_logs_no_learner_names(
    client: Client, cast: Any, log_lines: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    from qic.learners.models import LearnerImport
    from tests.learners.test_learner_import import SCHOOL_CSV, confirm, send

    caplog.set_level(logging.DEBUG, logger="qic")
    client.force_login(cast.p1_leader)
    send(client, cast.p1, SCHOOL_CSV)
    job = LearnerImport.objects.filter(provider=cast.p1).latest("pk")
    assert job.status == LearnerImport.Status.READY
    confirm(client, job)
    # A file with bad rows, and one that breaks the checker.
    send(client, cast.p1, SCHOOL_CSV.replace(b"14/02/2014", b"31/02/2014"))
    send(client, cast.p1, b"\xff\xfe" + SCHOOL_CSV)
    written = log_lines.getvalue() + caplog.text
    for name in (b"Fixturewell", b"Samplesby", b"Bertram", b"X888900118001"):
        assert name.decode() not in written


def test_readyz_tells_a_database_never_migrated_from_one_that_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    def no_table(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("no such table: django_migrations")

    monkeypatch.setattr(MigrationRecorder.Migration.objects, "values_list", no_table)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": True}
    assert "migrations" in body["failing"]
    assert len(body["checks"]["migrations"]["missing"]) == len(health.expected_migrations())
