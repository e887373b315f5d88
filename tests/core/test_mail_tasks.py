"""Mail is sent by a task queued with the change; a failed send is visible and loses nothing;
no invitation link reaches a task row or a log."""

from __future__ import annotations

import io
import logging
import re
import smtplib
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from qic.core.logs import HIDDEN
from qic.organisations import actions, invitations
from qic.organisations.models import ClientRequest, Invitation, Role, User
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_member

LINK = re.compile(r"https?://[^/\s]+(/invitations/([A-Za-z0-9_-]+)/)")
DATABASE_BACKEND = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": DATABASE_BACKEND}


def run_worker() -> None:
    """The real worker command, run until nothing waits. It closes its database connection
    between tasks, which would close the test's (the test's transaction holds the rows)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())


def invite(cast: Cast) -> Invitation:
    return actions.invite_user(
        email="nia.newcomer@example.org",
        first_name="Nia",
        last_name="Newcomer",
        role=Role.PROVIDER_STAFF,
        provider=cast.p1,
        actor=cast.p1_leader,
    )


def rows_of(task_name: str) -> Any:
    return DBTaskResult.objects.filter(task_path__endswith=f".{task_name}")


def test_an_invitation_is_queued_with_it_and_its_link_made_only_when_mailed(
    client: Client, cast: Cast, database_tasks: None
) -> None:
    invitation = invite(cast)
    queued = rows_of("send_invitation").get()
    assert queued.args_kwargs["kwargs"] == {"invitation_id": invitation.pk}
    assert mail.outbox == []

    run_worker()

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["nia.newcomer@example.org"]]
    match = LINK.search(mail.outbox[0].body)
    assert match is not None
    path, token = match.groups()
    assert "/invitations/" not in str(queued.args_kwargs)
    assert token not in str(queued.return_value)
    assert Invitation.objects.get().token_hash == Invitation.hash_token(token)
    assert client.get(path).status_code == 200


def test_a_failed_invitation_mail_fails_its_task_is_logged_and_keeps_the_invitation(
    cast: Cast, database_tasks: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    invitation = invite(cast)

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(invitations, "send_mail", refuse)
    with caplog.at_level(logging.INFO):
        run_worker()

    assert rows_of("send_invitation").get().status == "FAILED"
    assert f"Invitation {invitation.pk} could not be mailed" in caplog.text
    kept = Invitation.objects.get()  # still open: the sender can see it and invite again
    assert (kept.pk, kept.accepted_at, kept.revoked_at) == (invitation.pk, None, None)
    assert "/invitations/" not in caplog.text


def test_the_client_request_mail_goes_to_the_providers_leaders_through_a_task(cast: Cast, database_tasks: None) -> None:
    provider = ProviderFactory(awarding_body=None, name="Unclaimed School")
    make_member(Role.CAREERS_LEADER, provider=provider, email="leader.u@example.org")
    make_member(Role.CAREERS_LEADER, provider=provider, email="leader.v@example.org")
    actions.request_client(body=cast.ab1, provider=provider, actor=cast.ab1_admin)
    queued = rows_of("send_email").get()
    assert queued.args_kwargs["kwargs"]["to"] == ["leader.u@example.org", "leader.v@example.org"]

    run_worker()

    assert [sorted(m.to) for m in mail.outbox] == [["leader.u@example.org", "leader.v@example.org"]]
    assert "asks to work with Unclaimed School" in mail.outbox[0].subject


def test_a_failed_mail_fails_its_task_is_logged_and_the_change_stays(
    cast: Cast, database_tasks: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from qic.core import tasks

    provider = ProviderFactory(awarding_body=None, name="Unclaimed School")
    make_member(Role.CAREERS_LEADER, provider=provider, email="leader.u@example.org")
    actions.request_client(body=cast.ab1, provider=provider, actor=cast.ab1_admin)

    def down(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(tasks, "send_mail", down)
    with caplog.at_level(logging.INFO):
        run_worker()

    failed = rows_of("send_email").get()
    assert failed.status == "FAILED"
    assert "ConnectionRefusedError" in failed.exception_class_path
    assert "could not be sent" in caplog.text
    assert "leader.u@example.org" not in caplog.text
    assert ClientRequest.objects.filter(provider=provider, awarding_body=cast.ab1).exists()
    assert mail.outbox == []


def test_no_mail_task_is_kept_when_the_change_is_rolled_back(cast: Cast, database_tasks: None) -> None:
    from django.db import transaction

    def change_that_fails() -> None:
        with transaction.atomic():
            invite(cast)
            assert rows_of("send_invitation").exists()
            raise RuntimeError("the change fails after the mail was queued")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not Invitation.objects.exists()
    assert not DBTaskResult.objects.exists()


# --- Logs ---------------------------------------------------------------------------------


@pytest.fixture
def project_log() -> Any:
    """What the project's log handler (settings.LOGGING "console") writes, in a buffer."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_invitation_links_are_not_written_to_the_log(
    client: Client, cast: Cast, database_tasks: None, project_log: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    invite(cast)
    run_worker()
    match = LINK.search(mail.outbox[0].body)
    assert match is not None
    path, token = match.groups()
    assert client.get(path).status_code == 200
    Invitation.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get(path).status_code == 404  # Django logs "Not Found: <path>"
    # A password-reset link's secret is hidden the same way.
    logging.getLogger("django.request").warning("Not Found: /accounts/password/reset/MQ/abc-123def/")

    written = project_log.getvalue()
    assert "Not Found: /invitations/" in written
    assert f"/invitations/{HIDDEN}/" in written
    assert f"/accounts/password/reset/MQ/{HIDDEN}/" in written
    for text in (written, caplog.text):
        assert token not in text
        assert "abc-123def" not in text


def test_an_invitation_withdraw_path_is_logged_as_it_is(project_log: io.StringIO) -> None:
    logging.getLogger("django.request").warning("Forbidden: /invitations/12/withdraw/")
    assert "Forbidden: /invitations/12/withdraw/" in project_log.getvalue()


def test_the_invitee_is_not_a_user_until_they_accept(cast: Cast, database_tasks: None) -> None:
    invite(cast)
    run_worker()
    assert not User.objects.filter(email="nia.newcomer@example.org").exists()
