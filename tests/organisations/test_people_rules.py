"""Issue 9: a provider's people are managed by the provider itself.

Only its careers leader invites and deactivates them; the Awarding Body may invite a client's
first careers leader and nothing else; the Consortium steps in only with a written reason.
Deactivation is confirmed on its own page and can be undone. An Awarding Body takes on a client
only when the provider (or, for one without a careers leader, the Consortium) accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from qic.core.models import AuditEvent
from qic.organisations import actions
from qic.organisations.models import ClientRequest, Invitation, Provider, Role
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD, ProviderFactory, make_invitation, make_member

Capture = Callable[..., Any]
NEW_PERSON = {"first_name": "Nia", "last_name": "Newcomer", "email": "nia.newcomer@example.org"}
REASON = "The school's only careers leader has left and the head teacher asked us by letter."


def invite_url(provider: Provider) -> str:
    return f"/providers/{provider.urn}/invite/"


# --- Who may invite into a provider ------------------------------------------------------------


@pytest.mark.parametrize("role", ["careers_leader", "provider_staff", "governor"])
def test_awarding_body_cannot_invite_into_a_client_that_has_a_careers_leader(
    client: Client, cast: Cast, mailoutbox: list[Any], role: str
) -> None:
    client.force_login(cast.ab1_admin)
    assert client.get(invite_url(cast.p1)).status_code == 403
    response = client.post(invite_url(cast.p1), {"role": role, **NEW_PERSON})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0
    assert mailoutbox == []
    # Nor is the button offered on the provider's page.
    assert "Invite someone" not in client.get(f"/providers/{cast.p1.urn}/").content.decode()


def test_awarding_body_invites_the_first_careers_leader_of_a_client_without_one(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=cast.ab1)
    client.force_login(cast.ab1_admin)
    page = client.get(f"/providers/{school.urn}/").content.decode()
    assert "Invite someone" in page
    form = client.get(invite_url(school)).context["form"]
    assert [value for value, _ in form.fields["role"].choices] == ["careers_leader"]

    # A staff member is not the Awarding Body's to invite, even at a school with nobody.
    assert client.post(invite_url(school), {"role": "provider_staff", **NEW_PERSON}).status_code == 200
    assert Invitation.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(school), {"role": "careers_leader", **NEW_PERSON})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.provider, invitation.invited_by) == (
        Role.CAREERS_LEADER,
        school,
        cast.ab1_admin,
    )
    assert len(mailoutbox) == 1

    # With that invitation open, a second careers leader is refused.
    assert client.get(invite_url(school)).status_code == 403
    other = {"first_name": "Oli", "last_name": "Other", "email": "oli@example.org"}
    assert client.post(invite_url(school), {"role": "careers_leader", **other}).status_code == 403
    assert Invitation.objects.count() == 1

    # The body may withdraw the invitation it sent (a typo in the address, say) ...
    page = client.get(f"/providers/{school.urn}/").content.decode()
    assert 'Withdraw<span class="govuk-visually-hidden"> invitation to nia.newcomer@example.org' in page
    assert client.post(f"/invitations/{invitation.pk}/withdraw/").status_code == 302
    # ... and then invite again.
    assert client.get(invite_url(school)).status_code == 200


def test_awarding_body_cannot_withdraw_the_schools_own_invitations(client: Client, cast: Cast) -> None:
    invitation = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1)
    invitation.invited_by = cast.p1_leader
    invitation.save()
    client.force_login(cast.ab1_admin)
    assert client.post(f"/invitations/{invitation.pk}/withdraw/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open


def test_awarding_body_may_invite_again_once_the_only_leader_is_deactivated(client: Client, cast: Cast) -> None:
    actions.deactivate_user(user=cast.p1_leader, actor=cast.consortium, reason=REASON)
    client.force_login(cast.ab1_admin)
    assert client.get(invite_url(cast.p1)).status_code == 200


def test_another_body_cannot_invite_into_a_school_without_a_leader(client: Client, cast: Cast) -> None:
    school = ProviderFactory(awarding_body=cast.ab1)
    client.force_login(cast.ab2_admin)
    assert client.post(invite_url(school), {"role": "careers_leader", **NEW_PERSON}).status_code == 404
    assert Invitation.objects.count() == 0


def test_consortium_invites_into_a_provider_only_with_a_reason(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.consortium)
    page = client.get(invite_url(cast.p1)).content.decode()
    assert "Why is the Consortium doing this?" in page

    for reason, error in [
        ("", "Enter the reason the Consortium is doing this"),
        ("   ", "Enter the reason the Consortium is doing this"),
        ("because", "The reason must be at least 10 characters"),
    ]:
        response = client.post(invite_url(cast.p1), {"role": "careers_leader", "reason": reason, **NEW_PERSON})
        assert response.status_code == 200
        assert response.context["form"].errors == {"reason": [error]}
        assert "There is a problem" in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(cast.p1), {"role": "careers_leader", "reason": REASON, **NEW_PERSON})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.invited_by) == (Role.CAREERS_LEADER, cast.consortium)
    event = AuditEvent.objects.get(action="user.invited")
    assert event.after["reason"] == REASON
    assert event.provider_id_ref == cast.p1.pk
    assert len(mailoutbox) == 1


# --- Deactivating and reactivating -----------------------------------------------------------


def test_awarding_body_cannot_deactivate_the_schools_careers_leader(client: Client, cast: Cast) -> None:
    make_member(Role.CAREERS_LEADER, provider=cast.p1, email="leader1b@example.org")  # not the last one
    client.force_login(cast.ab1_admin)
    for person in (cast.p1_leader, cast.p1_staff):
        assert client.get(f"/people/{person.pk}/deactivate/").status_code == 404
        assert client.post(f"/people/{person.pk}/deactivate/").status_code == 404
        person.refresh_from_db()
        assert person.is_active
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()
    page = client.get(f"/providers/{cast.p1.urn}/").content.decode()
    assert "Deactivate" not in page


def test_deactivation_is_confirmed_on_its_own_page(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    provider_page = client.get(f"/providers/{cast.p1.urn}/").content.decode()
    # The list links to the confirmation page; it has no one-click deactivate button.
    link = f'href="/people/{cast.p1_staff.pk}/deactivate/?next=/providers/{cast.p1.urn}/"'
    assert link in provider_page
    assert f'action="/people/{cast.p1_staff.pk}/deactivate/"' not in provider_page

    response = client.get(f"/people/{cast.p1_staff.pk}/deactivate/?next=/providers/{cast.p1.urn}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(f"Are you sure you want to deactivate {cast.p1_staff.get_full_name()}?") in page
    assert "govuk-button govuk-button--warning" in page
    assert "Yes, deactivate" in page
    assert f'href="/providers/{cast.p1.urn}/">No, go back</a>' in page
    assert "Why is the Consortium doing this?" not in page
    cast.p1_staff.refresh_from_db()
    assert cast.p1_staff.is_active  # looking changes nothing


def password_accepted(email: str) -> bool:
    """Whether the log-in backends (lockout included) accept the password, as the log-in form asks."""
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, email=email, password=TEST_PASSWORD) is not None


def test_careers_leader_deactivates_and_reactivates_staff(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(f"/people/{cast.p1_staff.pk}/deactivate/", {"next": f"/providers/{cast.p1.urn}/"})
    assert response.status_code == 302
    cast.p1_staff.refresh_from_db()
    assert not cast.p1_staff.is_active
    assert password_accepted("staff1@example.org") is False

    page = client.get(f"/providers/{cast.p1.urn}/").content.decode()
    assert f"/people/{cast.p1_staff.pk}/reactivate/" in page
    confirm = client.get(f"/people/{cast.p1_staff.pk}/reactivate/").content.decode()
    assert escape(f"Are you sure you want to reactivate {cast.p1_staff.get_full_name()}?") in confirm
    assert "govuk-button--warning" not in confirm

    response = client.post(f"/people/{cast.p1_staff.pk}/reactivate/", {"next": f"/providers/{cast.p1.urn}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/"
    cast.p1_staff.refresh_from_db()
    assert cast.p1_staff.is_active
    assert password_accepted("staff1@example.org")
    assert escape(f"{cast.p1_staff} can sign in again.") in client.get(response["Location"]).content.decode()
    events = list(AuditEvent.objects.filter(action__in=["user.deactivated", "user.reactivated"]).order_by("pk"))
    assert [(e.action, e.before, e.after) for e in events] == [
        ("user.deactivated", {"is_active": True}, {"is_active": False}),
        ("user.reactivated", {"is_active": False}, {"is_active": True}),
    ]
    assert all(e.actor == cast.p1_leader and e.provider_id_ref == cast.p1.pk for e in events)


def test_reactivating_an_active_person_is_404(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    assert client.post(f"/people/{cast.p1_staff.pk}/reactivate/").status_code == 404
    assert not AuditEvent.objects.filter(action="user.reactivated").exists()


def test_a_careers_leader_deactivates_another_leader_but_not_themselves(client: Client, cast: Cast) -> None:
    second = make_member(Role.CAREERS_LEADER, provider=cast.p1, email="leader1b@example.org")
    client.force_login(cast.p1_leader)
    assert client.get(f"/people/{cast.p1_leader.pk}/deactivate/").status_code == 404
    assert client.post(f"/people/{cast.p1_leader.pk}/deactivate/").status_code == 404
    assert client.post(f"/people/{second.pk}/deactivate/").status_code == 302
    second.refresh_from_db()
    cast.p1_leader.refresh_from_db()
    assert (second.is_active, cast.p1_leader.is_active) == (False, True)


def test_the_last_careers_leader_is_protected_in_the_action(cast: Cast) -> None:
    with pytest.raises(actions.PersonChangeError, match="only active careers leader"):
        actions.deactivate_user(user=cast.p1_leader, actor=cast.p1_staff, protect_last_leader=True)
    cast.p1_leader.refresh_from_db()
    assert cast.p1_leader.is_active
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()


def test_consortium_deactivates_a_providers_person_only_with_a_reason(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    url = f"/people/{cast.p1_leader.pk}/deactivate/"
    page = client.get(url).content.decode()
    assert "Why is the Consortium doing this?" in page

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Enter the reason the Consortium is doing this"]}
    assert "There is a problem" in response.content.decode()
    cast.p1_leader.refresh_from_db()
    assert cast.p1_leader.is_active
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()

    # p1_leader is p1's last careers leader: only the Consortium may, and with a reason.
    assert client.post(url, {"reason": REASON}).status_code == 302
    cast.p1_leader.refresh_from_db()
    assert not cast.p1_leader.is_active
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor, event.provider_id_ref) == (cast.consortium, cast.p1.pk)
    assert event.after == {"is_active": False, "reason": REASON}

    # Undoing it needs a reason too.
    assert client.post(f"/people/{cast.p1_leader.pk}/reactivate/", {"reason": "short"}).status_code == 200
    assert client.post(f"/people/{cast.p1_leader.pk}/reactivate/", {"reason": REASON}).status_code == 302
    cast.p1_leader.refresh_from_db()
    assert cast.p1_leader.is_active
    assert AuditEvent.objects.get(action="user.reactivated").after == {"is_active": True, "reason": REASON}


def test_the_provider_page_shows_who_invited_whom(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(cast.p1_leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url(cast.p1), {"role": "governor", **NEW_PERSON})
    invitation = Invitation.objects.get()
    when = f"{invitation.created_at:%-d %B %Y}"
    page = client.get(f"/providers/{cast.p1.urn}/").content.decode()
    assert f"{escape(cast.p1_leader.get_full_name())}, {when}" in page  # the open invitation
    assert "Not recorded" in page  # people who joined without an invitation (the fixed cast)

    actions.accept_invitation(invitation=invitation, password="plum-orchard-lantern-57")
    page = client.get(f"/providers/{cast.p1.urn}/").content.decode()
    row = page.split("nia.newcomer@example.org")[1].split("</tr>")[0]
    assert f"{escape(cast.p1_leader.get_full_name())}, {when}" in row


# --- Taking on a client needs the provider's consent -------------------------------------------


def add_client(client: Client, cast: Cast, provider: Provider, capture: Capture) -> Any:
    client.force_login(cast.ab1_admin)
    with capture(execute=True):
        return client.post(f"/awarding-bodies/{cast.ab1.pk}/clients/add/", {"urn": str(provider.urn)})


def test_adding_a_client_does_not_attach_it_until_the_school_accepts(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=None)
    leader = make_member(Role.CAREERS_LEADER, provider=school, email="gamma.leader@example.org")
    make_member(Role.PROVIDER_STAFF, provider=school, email="gamma.staff@example.org")

    response = add_client(client, cast, school, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.awarding_body is None
    assert client.get(f"/providers/{school.urn}/").status_code == 404  # not the body's to see yet
    request = ClientRequest.objects.get()
    # Only the school's careers leader is emailed, with the link to answer.
    assert [m.to for m in mailoutbox] == [["gamma.leader@example.org"]]
    assert mailoutbox[0].subject == "North Awards asks to work with Gamma School"
    assert f"/client-requests/{request.pk}/" in mailoutbox[0].body
    # The body sees its own request waiting.
    assert "Your requests waiting for an answer" in client.get("/home/").content.decode()

    leader_client = Client()
    leader_client.force_login(leader)
    home = leader_client.get("/home/").content.decode()
    assert "Awarding Bodies asking to work with you" in home
    assert f"/client-requests/{request.pk}/" in home
    assert f"/client-requests/{request.pk}/" in leader_client.get(f"/providers/{school.urn}/").content.decode()
    page = leader_client.get(f"/client-requests/{request.pk}/").content.decode()
    assert "North Awards asks to take on Gamma School as its client" in page

    response = leader_client.post(f"/client-requests/{request.pk}/", {"decision": "accept"})

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.awarding_body == cast.ab1
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("accepted", leader)
    assert list(AuditEvent.objects.filter(provider_id_ref=school.pk).order_by("pk").values_list("action", "actor")) == [
        ("provider.client_requested", cast.ab1_admin.pk),
        ("provider.client_request_accepted", leader.pk),
        ("provider.client_added", leader.pk),
    ]
    assert client.get(f"/providers/{school.urn}/").status_code == 200
    assert "Gamma School" in client.get("/home/").content.decode()


def test_the_school_declines_with_a_reason(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=None)
    leader = make_member(Role.CAREERS_LEADER, provider=school, email="gamma.leader@example.org")
    add_client(client, cast, school, django_capture_on_commit_callbacks)
    request = ClientRequest.objects.get()
    leader_client = Client()
    leader_client.force_login(leader)

    response = leader_client.post(f"/client-requests/{request.pk}/", {"decision": "decline", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Enter the reason for declining"]}
    response = leader_client.post(f"/client-requests/{request.pk}/", {})
    assert response.context["form"].errors == {"decision": ["Select whether you accept or decline the request"]}
    request.refresh_from_db()
    assert request.is_pending

    reason = "We are already working with another body on our renewal."
    assert (
        leader_client.post(f"/client-requests/{request.pk}/", {"decision": "decline", "reason": reason}).status_code
        == 302
    )
    school.refresh_from_db()
    assert school.awarding_body is None
    request.refresh_from_db()
    assert (request.status, request.reason) == ("declined", reason)
    event = AuditEvent.objects.get(action="provider.client_request_declined")
    assert event.after == {"status": "declined", "reason": reason}
    # The body reads the answer; the request cannot be answered again.
    assert escape(reason) in client.get(f"/awarding-bodies/{cast.ab1.pk}/").content.decode()
    assert leader_client.post(f"/client-requests/{request.pk}/", {"decision": "accept"}).status_code == 404
    school.refresh_from_db()
    assert school.awarding_body is None


def test_the_consortium_answers_for_a_school_with_nobody(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=None)
    add_client(client, cast, school, django_capture_on_commit_callbacks)
    assert mailoutbox == []  # nobody to email; the Consortium's list shows it
    request = ClientRequest.objects.get()
    # A request to a school with a careers leader is not the Consortium's to answer.
    led = ProviderFactory(name="Delta School", awarding_body=None)
    make_member(Role.CAREERS_LEADER, provider=led, email="delta.leader@example.org")
    add_client(client, cast, led, django_capture_on_commit_callbacks)
    led_request = ClientRequest.objects.get(provider=led)

    client.force_login(cast.consortium)
    assert "1 request from Awarding Bodies" in client.get("/home/").content.decode()
    page = client.get("/consortium/client-requests/").content.decode()
    assert "Gamma School" in page
    assert "Delta School" not in page
    assert client.get(f"/client-requests/{led_request.pk}/").status_code == 404

    response = client.post(f"/client-requests/{request.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    assert response["Location"] == "/consortium/client-requests/"
    school.refresh_from_db()
    assert school.awarding_body == cast.ab1
    assert "No requests are waiting for the Consortium." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("name", ["p2_leader", "ab1_admin", "p1_staff"])
def test_others_cannot_answer_a_request(client: Client, cast: Cast, name: str) -> None:
    school = ProviderFactory(awarding_body=None)
    make_member(Role.CAREERS_LEADER, provider=school, email="gamma.leader@example.org")
    request = actions.request_client(body=cast.ab1, provider=school, actor=cast.ab1_admin)
    client.force_login(cast.user(name))
    assert client.post(f"/client-requests/{request.pk}/", {"decision": "accept"}).status_code in (403, 404)
    school.refresh_from_db()
    assert school.awarding_body is None


def test_a_second_request_from_the_same_body_is_refused(
    client: Client, cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Capture
) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=None)
    add_client(client, cast, school, django_capture_on_commit_callbacks)
    response = add_client(client, cast, school, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "urn": ["North Awards has already asked Gamma School; the request is waiting for an answer"]
    }
    assert ClientRequest.objects.count() == 1


def test_accepting_one_body_declines_the_others_and_a_taken_school_cannot_accept_again(cast: Cast) -> None:
    school = ProviderFactory(name="Gamma School", awarding_body=None)
    leader = make_member(Role.CAREERS_LEADER, provider=school, email="gamma.leader@example.org")
    first = actions.request_client(body=cast.ab1, provider=school, actor=cast.ab1_admin)
    second = actions.request_client(body=cast.ab2, provider=school, actor=cast.ab2_admin)

    actions.accept_client_request(request=second, actor=leader)

    first.refresh_from_db()
    school.refresh_from_db()
    assert school.awarding_body == cast.ab2
    assert (first.status, first.reason) == ("declined", "Gamma School chose South Awards.")
    with pytest.raises(actions.ClientRequestError):
        actions.accept_client_request(request=first, actor=leader)
    # A request made directly in the database while the school is taken cannot attach it either.
    stale = ClientRequest.objects.create(awarding_body=cast.ab1, provider=school)
    with pytest.raises(actions.ClientRequestError, match="already a client"):
        actions.accept_client_request(request=stale, actor=leader)
    school.refresh_from_db()
    assert school.awarding_body == cast.ab2


# --- Query counts ----------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm up: session and the like
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["p1_leader", "consortium", "ab1_admin"])
def test_the_provider_page_does_not_grow_with_people_and_invitations(client: Client, cast: Cast, name: str) -> None:
    client.force_login(cast.user(name))
    url = f"/providers/{cast.p1.urn}/"

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            person = make_member(Role.PROVIDER_STAFF, provider=cast.p1, email=f"member{n}@example.org")
            accepted = make_invitation(
                Role.PROVIDER_STAFF, provider=cast.p1, token=f"a{n}", email=f"member{n}@example.org"
            )
            Invitation.objects.filter(pk=accepted.pk).update(invited_by=cast.p1_leader, accepted_at=person.date_joined)
            pending = make_invitation(Role.GOVERNOR, provider=cast.p1, token=f"p{n}", email=f"gov{n}@example.org")
            Invitation.objects.filter(pk=pending.pk).update(invited_by=cast.p1_leader)

    ClientRequest.objects.create(awarding_body=cast.ab2, provider=cast.p1)
    add(1, 0)
    few = _queries(client, url)
    add(10, 1)
    assert _queries(client, url) == few


def test_the_consortium_request_list_does_not_grow(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)

    def add(count: int) -> None:
        for school in ProviderFactory.create_batch(count, awarding_body=None):
            actions.request_client(body=cast.ab1, provider=school, actor=cast.ab1_admin)

    add(1)
    few = _queries(client, "/consortium/client-requests/")
    add(10)
    assert _queries(client, "/consortium/client-requests/") == few


def test_consortium_withdraws_only_the_invitations_it_sent(client: Client, cast: Cast) -> None:
    ours = make_invitation(Role.CAREERS_LEADER, provider=cast.p1, token="ours", email="ours@example.org")
    Invitation.objects.filter(pk=ours.pk).update(invited_by=cast.consortium)
    theirs = make_invitation(Role.PROVIDER_STAFF, provider=cast.p1, token="theirs", email="theirs@example.org")
    Invitation.objects.filter(pk=theirs.pk).update(invited_by=cast.p1_leader)
    client.force_login(cast.consortium)
    assert client.post(f"/invitations/{theirs.pk}/withdraw/").status_code == 404
    assert client.post(f"/invitations/{ours.pk}/withdraw/").status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.is_open, theirs.is_open) == (False, True)


@pytest.mark.parametrize("target", ["/\\evil.test", "///evil.test", "//evil.test", "https://evil.test/"])
def test_the_way_back_never_leaves_the_site(client: Client, cast: Cast, target: str) -> None:
    client.force_login(cast.p1_leader)
    page = client.get(f"/people/{cast.p1_staff.pk}/deactivate/", {"next": target}).content.decode()
    assert "evil.test" not in page
    response = client.post(f"/people/{cast.p1_staff.pk}/deactivate/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    cast.p1_staff.refresh_from_db()
    assert not cast.p1_staff.is_active
