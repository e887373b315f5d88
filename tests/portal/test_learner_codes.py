"""Learner access end to end without a browser: the careers leader sets which year groups may sign
in, prints a form group's codes (confirmed first; only that group's names; refused learners with
the reason), invites by school email; a learner uses a code once to choose a password and is signed
in; wrong codes are throttled per address; codes expire, are single-use and are stored hashed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain import learner_codes
from qic.domain.learner_access import access_ends_on
from qic.learners import codes
from qic.learners.access import refusal_for
from qic.learners.models import Learner, LearnerAccessPolicy, LearnerAccount, LearnerSignInCode
from tests.conftest import Cast
from tests.factories import make_learner

NEW_PASSWORD = "kites-over-the-harbour-42"
CODE_RE = re.compile(r"[346789A-Y]{4}-[346789A-Y]{4}-[346789A-Y]{4}")


def current_year_group(learner: Learner) -> int:
    from qic.domain.academic import academic_year_of

    group = learner.year_group_in(academic_year_of(timezone.localdate()))
    assert group is not None
    return group


@pytest.fixture
def form_10a(cast: Cast) -> list[Learner]:
    amy = make_learner(cast.p1, upn="", uln="1000000001", forename="Amy", surname="Okafor", registration_group="10A")
    zoe = make_learner(cast.p1, upn="", uln="1000000002", forename="Zoë", surname="Brown", registration_group="10A")
    # In the form group but a year below (a mixed form): that year has no access.
    ben = make_learner(
        cast.p1, upn="", uln="1000000003", forename="Ben", surname="Young", registration_group="10A", year_group=8
    )
    make_learner(cast.p1, upn="", uln="1000000004", forename="Carl", surname="Other", registration_group="10B")
    LearnerAccessPolicy.objects.create(provider=cast.p1, year_groups=[current_year_group(amy)])
    return [amy, zoe, ben]


def leader_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.p1_leader)
    return client


def print_sheet(client: Client, urn: int, group: str = "10A", days: int = 7) -> str:
    response = client.post(f"/providers/{urn}/learner-access/sheet/", {"group": group, "days": days, "confirm": "yes"})
    assert response.status_code == 200
    return response.content.decode()


# --- Domain --------------------------------------------------------------------------------------


def test_codes_are_grouped_unambiguous_and_hashed_whatever_the_typing() -> None:
    code = learner_codes.new_code()
    assert CODE_RE.fullmatch(code)
    assert not set(code) & set("015IOLSZ2")
    assert learner_codes.hash_code(code) == learner_codes.hash_code(" " + code.lower().replace("-", " "))
    assert learner_codes.hash_code(code) != learner_codes.hash_code(learner_codes.new_code())


def test_sign_in_names_are_lower_case_ascii_forenames_with_four_random_characters() -> None:
    assert re.fullmatch(r"zoeann\.[a-z0-9]{4}", learner_codes.new_sign_in_name("Zoë-Ann"))
    assert learner_codes.new_sign_in_name("李").startswith("learner.")


def test_a_leaver_keeps_access_until_the_end_of_the_grace_period() -> None:
    assert access_ends_on(dt.date(2026, 7, 20), 30) == dt.date(2026, 8, 19)
    assert access_ends_on(None, 30) is None


# --- The careers leader's pages --------------------------------------------------------------------


def test_the_leader_chooses_year_groups_and_grace_days_audited_and_validated(cast: Cast) -> None:
    client = leader_client(cast)
    page = client.get(f"/providers/{cast.p1.urn}/learner-access/").content.decode()
    assert "Learner access" in page
    assert "Year 7" in page
    assert "Year 14" in page
    response = client.post(
        f"/providers/{cast.p1.urn}/learner-access/", {"year_groups": ["9", "10"], "leaver_grace_days": "400"}
    )
    assert response.status_code == 200
    assert "The number of days must be 365 or fewer" in response.content.decode()
    response = client.post(
        f"/providers/{cast.p1.urn}/learner-access/", {"year_groups": ["9", "10"], "leaver_grace_days": "14"}
    )
    assert response.status_code == 302
    policy = LearnerAccessPolicy.objects.get(provider=cast.p1)
    assert policy.year_groups == [9, 10]
    assert policy.leaver_grace_days == 14
    event = AuditEvent.objects.get(action="learner_access.policy_changed")
    assert event.after == {"year_groups": [9, 10], "leaver_grace_days": 14}


def test_only_the_careers_leader_of_the_provider_reaches_learner_access(cast: Cast) -> None:
    learner = make_learner(
        cast.p1, upn="", uln="1000000005", forename="Amy", surname="Okafor", registration_group="10A"
    )
    for path in (
        f"/providers/{cast.p1.urn}/learner-access/",
        f"/providers/{cast.p1.urn}/learner-access/sheet/?group=10A&days=7",
        f"/providers/{cast.p1.urn}/learner-access/learners/{learner.pk}/",
    ):
        other = Client()
        other.force_login(cast.p2_leader)
        assert other.get(path).status_code == 404
        staff = Client()
        staff.force_login(cast.p1_staff)
        assert staff.get(path).status_code == 403
        assert leader_client(cast).get(path).status_code == 200


def test_a_sheet_is_confirmed_first_then_shows_each_allowed_learner_of_that_group_once(
    cast: Cast, form_10a: list[Learner]
) -> None:
    amy, zoe, ben = form_10a
    client = leader_client(cast)
    confirm = client.get(f"/providers/{cast.p1.urn}/learner-access/sheet/?group=10A&days=7").content.decode()
    assert "Make new codes and show the sheet" in confirm
    assert "Young, Ben" in confirm
    assert "has not turned on sign-in for your year group" in confirm
    assert not LearnerSignInCode.objects.exists()  # nothing made before the confirmation

    sheet = print_sheet(client, cast.p1.urn)
    assert "Amy Okafor" in sheet
    assert "Zoë Brown" in sheet
    assert "Carl" not in sheet
    assert "Ben Young" not in sheet
    assert len(CODE_RE.findall(sheet)) == 2
    assert "/learner/start/" in sheet
    amy_account = LearnerAccount.objects.get(learner=amy)
    assert re.fullmatch(r"amy\.[a-z0-9]{4}", amy_account.sign_in_name)
    assert amy_account.sign_in_name in sheet
    assert LearnerAccount.objects.get(learner=zoe).sign_in_name.startswith("zoe.")
    assert not LearnerAccount.objects.filter(learner=ben).exists()
    # Only hashes are kept, and the audit trail never holds a code.
    for code in CODE_RE.findall(sheet):
        assert LearnerSignInCode.objects.filter(code_hash=learner_codes.hash_code(code)).exists()
        assert not AuditEvent.objects.filter(after__icontains=code).exists()
    assert AuditEvent.objects.filter(action="learner_access.code_issued").count() == 2
    assert AuditEvent.objects.filter(action="learner_access.sheet_printed").count() == 1

    # A second sheet makes new codes and the first ones stop working; accounts are kept.
    second = print_sheet(client, cast.p1.urn)
    assert LearnerAccount.objects.filter(learner__provider=cast.p1).count() == 2
    first_codes = set(CODE_RE.findall(sheet))
    assert not first_codes & set(CODE_RE.findall(second))
    for code in first_codes:
        assert codes.check_code(code) == (None, codes.EXPIRED)


def test_a_sheet_refuses_bad_days_with_a_message(cast: Cast, form_10a: list[Learner]) -> None:
    client = leader_client(cast)
    response = client.post(
        f"/providers/{cast.p1.urn}/learner-access/sheet/", {"group": "10A", "days": "31", "confirm": "yes"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "The codes can work for at most 30 days" in response.content.decode()
    response = client.get(f"/providers/{cast.p1.urn}/learner-access/sheet/?group=NOPE&days=7")
    assert "Choose a form group" in response.content.decode()
    assert not LearnerSignInCode.objects.exists()


def test_an_invitation_mails_a_one_time_link_to_the_school_email(
    cast: Cast, form_10a: list[Learner], django_capture_on_commit_callbacks: Any
) -> None:
    amy = form_10a[0]
    client = leader_client(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/providers/{cast.p1.urn}/learner-access/learners/{amy.pk}/", {"email": "Amy.Okafor@School.example"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amy.okafor@school.example"]
    code = CODE_RE.search(message.body)
    assert code is not None
    account = LearnerAccount.objects.get(learner=amy)
    assert account.user.email == "amy.okafor@school.example"
    assert account.sign_in_name == ""
    assert LearnerSignInCode.objects.get(account=account).kind == "email"
    assert not AuditEvent.objects.filter(after__icontains=code.group()).exists()

    learner_client = Client()
    page = learner_client.get(f"/learner/start/{code.group()}/").content.decode()
    assert "Choose a password" in page
    assert "amy.okafor@school.example" in page


def test_a_learner_without_access_cannot_be_invited(cast: Cast, form_10a: list[Learner]) -> None:
    ben = form_10a[2]
    page = leader_client(cast).get(f"/providers/{cast.p1.urn}/learner-access/learners/{ben.pk}/").content.decode()
    assert "has not turned on sign-in for your year group" in page
    assert "Send invitation" not in page


def test_a_leavers_access_page_says_when_access_ends(cast: Cast, form_10a: list[Learner]) -> None:
    amy = form_10a[0]
    Learner.objects.filter(pk=amy.pk).update(left_on=dt.date(2026, 11, 20))
    page = leader_client(cast).get(f"/providers/{cast.p1.urn}/learner-access/learners/{amy.pk}/").content.decode()
    assert "access ends on 20 December 2026" in page


# --- The learner's start page ----------------------------------------------------------------------


def test_a_learner_uses_their_code_once_to_choose_a_password_and_is_signed_in(
    cast: Cast, form_10a: list[Learner]
) -> None:
    sheet = print_sheet(leader_client(cast), cast.p1.urn)
    amy_code = CODE_RE.findall(sheet)[sheet.index("Amy Okafor") > sheet.index("Zoë Brown")]
    account = LearnerAccount.objects.get(learner=form_10a[0])
    learner = Client()
    page = learner.post("/learner/start/", {"code": amy_code.lower().replace("-", " ")}).content.decode()
    assert "Choose a password" in page
    assert account.sign_in_name in page
    assert "Use at least 12 characters" in page
    response = learner.post("/learner/start/", {"code": amy_code, "password": "short", "password_again": "short"})
    assert "This password is too short" in response.content.decode()
    response = learner.post(
        "/learner/start/", {"code": amy_code, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/my/"
    assert "Hello Amy" in learner.get("/my/").content.decode()
    account.refresh_from_db()
    assert account.password_set_at is not None
    assert AuditEvent.objects.filter(action="learner_access.code_used").count() == 1

    again = Client().post("/learner/start/", {"code": amy_code})
    assert "This code has expired or has already been used" in again.content.decode()
    # They sign in with their name and new password from now on.
    fresh = Client()
    fresh.post("/learner/sign-in/", {"username": account.sign_in_name, "password": NEW_PASSWORD})
    assert "Hello Amy" in fresh.get("/my/").content.decode()
    counts = leader_client(cast).get(f"/providers/{cast.p1.urn}/learner-access/").content.decode()
    assert re.search(r'id="count-passwords">1<', counts)


def test_an_expired_code_and_a_code_of_a_year_without_access_are_refused(cast: Cast, form_10a: list[Learner]) -> None:
    sheet = print_sheet(leader_client(cast), cast.p1.urn)
    first, second = CODE_RE.findall(sheet)
    LearnerSignInCode.objects.filter(code_hash=learner_codes.hash_code(first)).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = Client().post("/learner/start/", {"code": first}).content.decode()
    assert "This code has expired or has already been used — ask your teacher for a new one" in page
    LearnerAccessPolicy.objects.filter(provider=cast.p1).update(year_groups=[])
    page = Client().post("/learner/start/", {"code": second}).content.decode()
    assert "has not turned on sign-in for your year group" in page


def test_wrong_codes_are_throttled_per_address(cast: Cast, form_10a: list[Learner]) -> None:
    sheet = print_sheet(leader_client(cast), cast.p1.urn)
    good = CODE_RE.findall(sheet)[0]
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(learner_codes.MAX_FAILED_ATTEMPTS - 1):
        response = client.post("/learner/start/", {"code": "AAAA-BBBB-CCCC"})
        assert response.status_code == 400
        assert "This code is not right" in response.content.decode()
    response = client.post("/learner/start/", {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 429
    assert AuditEvent.objects.get(action="learner_access.codes_throttled").after == {
        "client_ip": "203.0.113.9",
        "failures": learner_codes.MAX_FAILED_ATTEMPTS,
    }
    # Even the right code is refused from that address until the window passes...
    response = client.post("/learner/start/", {"code": good})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    # ...but not from another address.
    assert (
        "Choose a password"
        in Client(REMOTE_ADDR="203.0.113.10").post("/learner/start/", {"code": good}).content.decode()
    )


def test_a_leaver_marked_left_by_an_import_loses_access_after_the_grace_period(
    cast: Cast, form_10a: list[Learner]
) -> None:
    amy = form_10a[0]
    LearnerAccessPolicy.objects.filter(provider=cast.p1).update(leaver_grace_days=10)
    today = timezone.localdate()
    Learner.objects.filter(pk=amy.pk).update(left_on=today - dt.timedelta(days=10))
    amy.refresh_from_db()
    assert refusal_for(amy) == ""
    Learner.objects.filter(pk=amy.pk).update(left_on=today - dt.timedelta(days=11))
    amy.refresh_from_db()
    assert "You have left your school" in refusal_for(amy)


def test_the_demo_gives_years_9_to_11_access_and_one_learner_a_known_password(cast: Cast) -> None:
    from qic.core.actors import DEMO_DATASET
    from qic.demo.learner_access import build_learner_access

    learner = make_learner(cast.p1, upn="", uln="1000000099", forename="Priya", surname="Shah")
    assert current_year_group(learner) == 10
    name = build_learner_access(cast.p1, password="qic-demo-password", actor=DEMO_DATASET)
    assert name == "priya.demo"
    assert build_learner_access(cast.p1, password="qic-demo-password", actor=DEMO_DATASET) == name  # idempotent
    assert LearnerAccessPolicy.objects.get(provider=cast.p1).year_groups == [9, 10, 11]
    client = Client()
    client.post("/learner/sign-in/", {"username": name, "password": "qic-demo-password"})
    assert "Hello Priya" in client.get("/my/").content.decode()
