"""Inviting people, accepting an invitation, withdrawing it, and deactivating people —
all through the views, as the people in the fixed cast."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qic.core.models import AuditEvent
from qic.organisations.models import Invitation, Membership, Role, User
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD, make_invitation, make_member
from tests.totp import code_for

GOOD_PASSWORD = "plum-orchard-lantern-57"


def password_accepted(email: str, password: str) -> bool:
    """Whether the real log-in form accepts the password (and moves on to the second factor)."""
    response = Client().post("/accounts/login/", {"username": email, "password": password})
    return response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


NEW_PERSON = {"first_name": "Nia", "last_name": "Newcomer", "email": "nia.newcomer@example.org"}
LINK = re.compile(r"https?://[^/\s]+(/invitations/[A-Za-z0-9_-]+/)")

Capture = Callable[..., Any]


def invite_url(cast: Cast) -> str:
    return f"/providers/{cast.p1.urn}/invite/"


def invite(client: Client, capture: Capture, url: str, **data: str) -> tuple[Any, list[mail.EmailMessage]]:
    """POST the invitation form; the email goes when the transaction commits."""
    with capture(execute=True):
        response = client.post(url, data)
    return response, list(mail.outbox)


def link_in(message: mail.EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1)


@pytest.fixture
def invited(client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture) -> str:
    """p1's careers leader invites a member of staff; returns the link path from the email."""
    client.force_login(cast.p1_leader)
    response, outbox = invite(
        client, django_capture_on_commit_callbacks, invite_url(cast), role="provider_staff", **NEW_PERSON
    )
    assert response.status_code == 302
    assert len(outbox) == 1
    client.logout()
    return link_in(outbox[0])


# --- Inviting --------------------------------------------------------------------------------


def test_careers_leader_invites_staff_and_an_email_is_sent(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.p1_leader)

    response, outbox = invite(
        client, django_capture_on_commit_callbacks, invite_url(cast), role="provider_staff", **NEW_PERSON
    )

    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/"
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["nia.newcomer@example.org"]
    assert message.subject == "Your invitation to QiC Platform"
    assert "Dear Nia," in message.body
    assert "as Provider staff at Alpha Academy" in message.body
    path = link_in(message)
    token = path.removeprefix("/invitations/").removesuffix("/")

    invitation = Invitation.objects.get()
    assert invitation.email == "nia.newcomer@example.org"
    assert (invitation.first_name, invitation.last_name) == ("Nia", "Newcomer")
    assert invitation.role == Role.PROVIDER_STAFF
    assert invitation.provider == cast.p1
    assert invitation.awarding_body is None
    assert invitation.invited_by == cast.p1_leader
    assert invitation.is_open
    # Only the token's hash is stored.
    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in invitation.token_hash
    assert dt.timedelta(days=13) < invitation.expires_at - timezone.now() <= dt.timedelta(days=14)

    event = AuditEvent.objects.get(action="user.invited")
    assert event.actor == cast.p1_leader
    assert event.provider_id_ref == cast.p1.pk
    assert event.after == {
        "email": "nia.newcomer@example.org",
        "role": "provider_staff",
        "awarding_body_id": None,
        "provider_id": cast.p1.pk,
    }
    # The success message names the address.
    page = client.get(response["Location"]).content.decode()
    assert "An invitation has been emailed to nia.newcomer@example.org." in page


def test_no_email_is_sent_before_the_transaction_commits(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.p1_leader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(invite_url(cast), {"role": "provider_staff", **NEW_PERSON})
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_the_invitation_page_shows_role_and_organisation(client: Client, invited: str) -> None:
    response = client.get(invited)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Set your password" in page
    assert "<strong>Provider staff</strong>" in page
    assert "<strong>Alpha Academy</strong>" in page
    assert "<strong>nia.newcomer@example.org</strong>" in page


def test_mismatched_passwords_create_nothing(client: Client, invited: str) -> None:
    response = client.post(invited, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD + "x"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password_again": ["The passwords do not match"]}
    assert "There is a problem" in response.content.decode()
    assert not User.objects.filter(email="nia.newcomer@example.org").exists()
    assert Invitation.objects.get().is_open
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("short-pw1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("918273645546372819", "This password is entirely numeric."),
        ("nia.newcomer", "The password is too similar to the email address."),
    ],
    ids=["too-short", "common", "numeric", "like-the-email"],
)
def test_weak_passwords_are_refused(client: Client, invited: str, password: str, error: str) -> None:
    response = client.post(invited, {"password": password, "password_again": password})
    assert response.status_code == 200
    assert error in response.context["form"].errors["password"]
    assert not User.objects.filter(email="nia.newcomer@example.org").exists()
    assert Invitation.objects.get().is_open


def test_accepting_creates_the_user_signs_them_in_and_audits(client: Client, cast: Cast, invited: str) -> None:
    response = client.post(invited, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})

    assert response.status_code == 302
    # Signed in with the password, but no data until the authenticator app is set up.
    assert response["Location"] == "/accounts/two-factor/set-up/"
    user = User.objects.get(email="nia.newcomer@example.org")
    assert (user.first_name, user.last_name) == ("Nia", "Newcomer")
    assert user.check_password(GOOD_PASSWORD)
    assert user.is_active
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.PROVIDER_STAFF
    assert membership.provider == cast.p1
    assert membership.awarding_body is None
    # Signed in as the new user.
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/home/")["Location"] == "/accounts/login/?next=/home/"
    setup = client.get("/accounts/two-factor/set-up/")
    assert "Welcome to QiC Platform. Your account is ready." in setup.content.decode()
    assert "Set up your authenticator app" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post("/accounts/two-factor/set-up/", {"code": code_for(device)})
    home = client.get("/home/")
    assert home.status_code == 200
    assert "Welcome, Nia" in home.content.decode()

    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert not invitation.is_open
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "user.invited",
        "user.joined",
        "user.signed_in",
        "user.mfa_device_added",
        "user.recovery_codes_regenerated",
    ]
    joined = AuditEvent.objects.get(action="user.joined")
    assert joined.actor == user
    assert joined.object_id == str(user.pk)
    assert joined.provider_id_ref == cast.p1.pk
    assert joined.after == {
        "email": "nia.newcomer@example.org",
        "role": "provider_staff",
        "awarding_body_id": None,
        "provider_id": cast.p1.pk,
    }
    # They can sign in again with the password they chose (the log-in form then asks for a code).
    assert password_accepted("nia.newcomer@example.org", GOOD_PASSWORD)


def test_a_used_link_does_not_work_again(client: Client, invited: str) -> None:
    client.post(invited, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    client.logout()

    response = client.get(invited)
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    again = client.post(invited, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert again.status_code == 404
    assert User.objects.filter(email="nia.newcomer@example.org").count() == 1


def test_an_expired_link_does_not_work(client: Client, cast: Cast) -> None:
    invitation = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1, token="expired-token")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    response = client.get("/invitations/expired-token/")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    response = client.post("/invitations/expired-token/", {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert response.status_code == 404
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_token_does_not_work(client: Client, db: None) -> None:
    response = client.get("/invitations/no-such-token/")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_a_newer_invitation_replaces_the_older_link(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.p1_leader)
    invite(client, django_capture_on_commit_callbacks, invite_url(cast), role="provider_staff", **NEW_PERSON)
    invite(client, django_capture_on_commit_callbacks, invite_url(cast), role="governor", **NEW_PERSON)
    first, second = (link_in(m) for m in mailoutbox)
    client.logout()
    assert client.get(first).status_code == 404
    response = client.get(second)
    assert response.status_code == 200
    assert "<strong>Governor</strong>" in response.content.decode()


@pytest.mark.parametrize("email", ["staff1@example.org", "STAFF1@Example.org"])
def test_inviting_someone_who_has_an_account_is_a_form_error(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture, email: str
) -> None:
    client.force_login(cast.p1_leader)
    response, outbox = invite(
        client,
        django_capture_on_commit_callbacks,
        invite_url(cast),
        first_name="Sam",
        last_name="Staff",
        email=email,
        role="provider_staff",
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Someone with this email address already has an account"]}
    assert "There is a problem" in response.content.decode()
    assert Invitation.objects.count() == 0
    assert outbox == []


def test_a_role_the_inviter_may_not_give_is_a_form_error(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.p1_leader)
    response, outbox = invite(
        client, django_capture_on_commit_callbacks, invite_url(cast), role="assessor", **NEW_PERSON
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["Select a valid choice. assessor is not one of the available choices."]
    }
    assert Invitation.objects.count() == 0
    assert outbox == []


def test_the_invite_form_offers_only_the_roles_the_inviter_may_give(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    choices = client.get(invite_url(cast)).context["form"].fields["role"].choices
    assert [value for value, _label in choices] == ["careers_leader", "provider_staff", "governor"]
    # The Awarding Body only ever invites a client's first careers leader (p1 already has one).
    client.force_login(cast.ab1_admin)
    assert client.get(invite_url(cast)).status_code == 403


def test_empty_invitation_form_shows_every_field_error(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(invite_url(cast), {"role": ""})
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["email", "first_name", "last_name", "role"]
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("name", ["p1_governor", "p1_staff", "assessor_assigned", "ab1_admin"])
def test_people_who_cannot_invite_to_a_provider_are_refused(
    client: Client, cast: Cast, mailoutbox: list[Any], name: str
) -> None:
    client.force_login(cast.user(name))
    assert client.get(invite_url(cast)).status_code == 403
    response = client.post(invite_url(cast), {"role": "provider_staff", **NEW_PERSON})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_another_providers_leader_gets_404(client: Client, cast: Cast) -> None:
    client.force_login(cast.p2_leader)
    assert client.post(invite_url(cast), {"role": "provider_staff", **NEW_PERSON}).status_code == 404
    assert Invitation.objects.count() == 0


def test_awarding_body_admin_invites_an_assessor(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.ab1_admin)
    response, outbox = invite(
        client,
        django_capture_on_commit_callbacks,
        f"/awarding-bodies/{cast.ab1.pk}/invite/",
        role="assessor",
        **NEW_PERSON,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/awarding-bodies/{cast.ab1.pk}/"
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.awarding_body, invitation.provider) == (Role.ASSESSOR, cast.ab1, None)
    assert "as Assessor at North Awards" in outbox[0].body

    client.logout()
    page = client.get(link_in(outbox[0])).content.decode()
    assert "<strong>Assessor</strong>" in page
    assert "<strong>North Awards</strong>" in page
    client.post(link_in(outbox[0]), {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    membership = Membership.objects.get(user__email="nia.newcomer@example.org")
    assert (membership.role, membership.awarding_body, membership.provider) == (Role.ASSESSOR, cast.ab1, None)


def test_awarding_body_admin_cannot_invite_to_another_body(client: Client, cast: Cast, mailoutbox: list[Any]) -> None:
    client.force_login(cast.ab1_admin)
    url = f"/awarding-bodies/{cast.ab2.pk}/invite/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "assessor", **NEW_PERSON}).status_code == 404
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_consortium_invites_a_consortium_admin(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.consortium)
    response, outbox = invite(
        client, django_capture_on_commit_callbacks, "/consortium/invite/", role="consortium_admin", **NEW_PERSON
    )
    assert response.status_code == 302
    assert "as Consortium admin at the Quality in Careers Consortium" in outbox[0].body
    client.logout()
    client.post(link_in(outbox[0]), {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    membership = Membership.objects.get(user__email="nia.newcomer@example.org")
    assert (membership.role, membership.awarding_body, membership.provider) == (Role.CONSORTIUM_ADMIN, None, None)


# --- Withdrawing -----------------------------------------------------------------------------


def test_withdrawing_an_invitation_stops_its_link(client: Client, cast: Cast) -> None:
    invitation = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1, token="withdraw-me")
    assert client.get("/invitations/withdraw-me/").status_code == 200
    client.force_login(cast.p1_leader)

    response = client.post(f"/invitations/{invitation.pk}/withdraw/", {"next": f"/providers/{cast.p1.urn}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/"
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    event = AuditEvent.objects.get(action="user.invitation_revoked")
    assert event.actor == cast.p1_leader
    assert event.object_id == str(invitation.pk)
    assert event.provider_id_ref == cast.p1.pk
    client.logout()
    response = client.get("/invitations/withdraw-me/")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_withdraw_ignores_an_offsite_next(client: Client, cast: Cast) -> None:
    invitation = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1)
    client.force_login(cast.p1_leader)
    response = client.post(f"/invitations/{invitation.pk}/withdraw/", {"next": "//evil.example/"})
    assert response["Location"] == "/home/"


@pytest.mark.parametrize("name", ["p2_leader", "ab2_admin"])
def test_another_organisation_cannot_withdraw(client: Client, cast: Cast, name: str) -> None:
    invitation = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1, token="keep-me")
    client.force_login(cast.user(name))
    assert client.post(f"/invitations/{invitation.pk}/withdraw/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.logout()
    assert client.get("/invitations/keep-me/").status_code == 200


def test_withdraw_needs_post(client: Client, cast: Cast) -> None:
    invitation = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1)
    client.force_login(cast.p1_leader)
    assert client.get(f"/invitations/{invitation.pk}/withdraw/").status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Deactivating ----------------------------------------------------------------------------


def test_deactivating_a_person_stops_them_signing_in(client: Client, cast: Cast) -> None:
    assert password_accepted("staff1@example.org", TEST_PASSWORD)
    client.force_login(cast.p1_leader)

    response = client.post(f"/people/{cast.p1_staff.pk}/deactivate/", {"next": f"/providers/{cast.p1.urn}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/"
    cast.p1_staff.refresh_from_db()
    assert cast.p1_staff.is_active is False
    assert not password_accepted("staff1@example.org", TEST_PASSWORD)
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.actor == cast.p1_leader
    assert event.object_id == str(cast.p1_staff.pk)
    assert event.provider_id_ref == cast.p1.pk
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})
    # Their membership stays, for the record.
    assert Membership.objects.filter(user=cast.p1_staff).exists()


def test_a_deactivated_persons_open_session_stops_working(client: Client, cast: Cast) -> None:
    staff_client = Client()
    staff_client.force_login(cast.p1_staff)
    assert staff_client.get("/home/").status_code == 200
    client.force_login(cast.p1_leader)
    client.post(f"/people/{cast.p1_staff.pk}/deactivate/")
    response = staff_client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_careers_leader_cannot_deactivate_another_providers_staff(client: Client, cast: Cast) -> None:
    p2_staff = make_member(Role.PROVIDER_STAFF, provider=cast.p2, email="staff2@example.org")
    client.force_login(cast.p1_leader)
    assert client.post(f"/people/{p2_staff.pk}/deactivate/").status_code == 404
    assert client.post(f"/people/{cast.p2_leader.pk}/deactivate/").status_code == 404
    p2_staff.refresh_from_db()
    assert p2_staff.is_active
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()


def test_nobody_deactivates_themselves(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    assert client.post(f"/people/{cast.p1_leader.pk}/deactivate/").status_code == 404
    cast.p1_leader.refresh_from_db()
    assert cast.p1_leader.is_active


@pytest.mark.parametrize(("actor", "target"), [("ab1_admin", "assessor_assigned"), ("consortium", "ab1_admin")])
def test_managers_deactivate_people_they_may_invite(client: Client, cast: Cast, actor: str, target: str) -> None:
    client.force_login(cast.user(actor))
    person = cast.user(target)
    assert person is not None
    assert client.post(f"/people/{person.pk}/deactivate/").status_code == 302
    person.refresh_from_db()
    assert person.is_active is False


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("ab2_admin", "assessor_assigned", 404),  # another body's person: as if absent
        ("ab1_admin", "p2_leader", 404),
        ("p1_staff", "p1_governor", 403),  # staff never manage people
        ("p1_governor", "p1_staff", 403),
    ],
)
def test_others_cannot_deactivate(client: Client, cast: Cast, actor: str, target: str, status: int) -> None:
    client.force_login(cast.user(actor))
    person = cast.user(target)
    assert person is not None
    assert client.post(f"/people/{person.pk}/deactivate/").status_code == status
    person.refresh_from_db()
    assert person.is_active
