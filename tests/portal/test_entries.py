"""A learner's own experiences and achievements (issue 14, item 5; criterion 3.3): adding, changing
and removing them, every bad field reported, dates checked for sense, text escaped, everything
audited, and no learner ever reaching another's entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain.learner_entries import date_problems, when_text
from qic.learners.models import Learner
from qic.portal.models import LearnerEntry
from tests.conftest import Cast
from tests.factories import make_learner, make_learner_account, make_learner_entry

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def amy(cast: Cast) -> Learner:
    return make_learner(cast.p1, forename="Amy", surname="Okafor", upn="A123456789012")


@pytest.fixture
def ben(cast: Cast) -> Learner:
    return make_learner(cast.p1, forename="Ben", surname="Ashworth", upn="B123456789012")


def signed_in(learner: Learner) -> Client:
    client = Client()
    client.force_login(make_learner_account(learner))
    return client


def entry_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "volunteering",
        "title": "Helping at the food bank",
        "description": "I sort donations on Saturdays.",
        "started_on_day": "6",
        "started_on_month": "9",
        "started_on_year": "2025",
        "learning_areas": ["grow_throughout_life", "balance_life_and_work"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "ended", "expected"),
    [
        (dt.date(2025, 9, 6), None, {}),
        (dt.date(2025, 9, 6), dt.date(2027, 7, 20), {}),  # a job planned to run to the summer after next
        (None, dt.date(2026, 6, 1), {}),
        (TODAY, TODAY, {}),
        (TODAY + dt.timedelta(days=1), None, {"started_on": "The start date must be today or in the past"}),
        (dt.date(1999, 12, 31), None, {"started_on": "The start date must be on or after 1 January 2000"}),
        (dt.date(2025, 9, 6), dt.date(2025, 9, 5), {"ended_on": "The end date must be on or after the start date"}),
        (None, dt.date(1999, 1, 1), {"ended_on": "The end date must be on or after 1 January 2000"}),
        (None, dt.date(2029, 1, 1), {"ended_on": "The end date must be no later than 4 December 2028"}),
    ],
)
def test_dates_are_checked_for_sense(started: dt.date | None, ended: dt.date | None, expected: dict[str, str]) -> None:
    assert date_problems(started_on=started, ended_on=ended, today=TODAY) == expected


def test_when_in_words() -> None:
    assert when_text(dt.date(2025, 3, 1), dt.date(2026, 6, 30)) == "March 2025 to June 2026"
    assert when_text(dt.date(2025, 3, 1), dt.date(2025, 3, 30)) == "March 2025"
    assert when_text(dt.date(2025, 3, 1), None) == "Since March 2025"
    assert when_text(None, None) == ""


# --- Adding, changing, removing -------------------------------------------------------------------


def test_a_learner_adds_an_entry_and_sees_it_in_their_list_and_it_is_audited(cast: Cast, amy: Learner) -> None:
    client = signed_in(amy)
    page = client.get("/my/experiences/").content.decode()
    assert "You have not added anything yet." in page
    response = client.post("/my/experiences/add/", entry_post(), follow=True)
    page = response.content.decode()
    assert "Your experience is saved." in page
    assert "Helping at the food bank" in page
    assert "Since September 2025" in page
    assert "Grow throughout life, Balance life and work" in page
    entry = LearnerEntry.objects.get(learner=amy)
    assert entry.learning_areas == ["grow_throughout_life", "balance_life_and_work"]
    event = AuditEvent.objects.get(action="learner_entry.created")
    assert event.learner_id_ref == amy.pk
    assert event.after["title"] == "Helping at the food bank"


def test_every_bad_field_is_reported_in_the_error_summary(cast: Cast, amy: Learner) -> None:
    client = signed_in(amy)
    response = client.post(
        "/my/experiences/add/",
        entry_post(
            kind="astronaut",
            title="x" * 121,
            description="y" * 1001,
            started_on_year="2027",
            ended_on_day="31",
            ended_on_month="2",
            ended_on_year="2026",
            learning_areas=["flying"],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: " in page
    for message in (
        "Choose one of the kinds",
        "The title must be 120 characters or fewer",
        "What you did must be 1000 characters or fewer",
        "The start date must be today or in the past",
        "The end date must be a real date",
        "Choose from the areas listed",
    ):
        assert message in page, message
    assert not LearnerEntry.objects.exists()
    page = client.post("/my/experiences/add/", {"title": "   "}).content.decode()
    assert "Choose what kind of thing it is" in page
    assert "Write a short title" in page


def test_an_end_before_the_start_is_refused(cast: Cast, amy: Learner) -> None:
    page = (
        signed_in(amy)
        .post("/my/experiences/add/", entry_post(ended_on_day="1", ended_on_month="9", ended_on_year="2025"))
        .content.decode()
    )
    assert "The end date must be on or after the start date" in page


def test_text_is_escaped(cast: Cast, amy: Learner) -> None:
    client = signed_in(amy)
    client.post("/my/experiences/add/", entry_post(title="<script>alert(1)</script>", description="<b>bold</b>"))
    page = client.get("/my/experiences/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_changing_a_verified_entry_asks_staff_to_check_it_again(cast: Cast, amy: Learner) -> None:
    entry = make_learner_entry(amy, verified_at=timezone.now(), verified_by=cast.p1_staff)
    client = signed_in(amy)
    assert "they will need to check it again" in client.get(f"/my/experiences/{entry.pk}/").content.decode()
    client.post(f"/my/experiences/{entry.pk}/", entry_post(title="Saturday job at the big bakery"))
    entry.refresh_from_db()
    assert entry.title == "Saturday job at the big bakery"
    assert entry.verified_at is None
    assert AuditEvent.objects.get(action="learner_entry.updated").before["title"] == "Saturday job at the bakery"


def test_removing_asks_first_and_keeps_the_row(cast: Cast, amy: Learner) -> None:
    entry = make_learner_entry(amy)
    client = signed_in(amy)
    page = client.get(f"/my/experiences/{entry.pk}/remove/").content.decode()
    assert "Remove “Saturday job at the bakery”?" in page
    assert "No, keep it" in page
    client.post(f"/my/experiences/{entry.pk}/remove/", {"keep": "1"})
    assert LearnerEntry.objects.filter(pk=entry.pk).exists()
    page = client.post(f"/my/experiences/{entry.pk}/remove/", {"remove": "1"}, follow=True).content.decode()
    assert "is removed." in page
    assert "You have not added anything yet." in page
    assert not LearnerEntry.objects.filter(pk=entry.pk).exists()
    assert LearnerEntry.all_objects.get(pk=entry.pk).removed_at is not None
    assert AuditEvent.objects.filter(action="learner_entry.removed", learner_id_ref=amy.pk).exists()
    assert client.get(f"/my/experiences/{entry.pk}/").status_code == 404


def test_a_learner_never_sees_or_changes_another_learners_entries(cast: Cast, amy: Learner, ben: Learner) -> None:
    theirs = make_learner_entry(ben, title="Ben's chess club", description="Captain of the team")
    elsewhere = make_learner_entry(make_learner(cast.p2, forename="Cleo", upn="C123456789012"), title="Cleo's award")
    client = signed_in(amy)
    page = client.get("/my/experiences/").content.decode()
    assert "Ben's chess club" not in page
    assert "Ben" not in page
    assert "Cleo" not in page
    for entry in (theirs, elsewhere):
        assert client.get(f"/my/experiences/{entry.pk}/").status_code == 404
        assert client.post(f"/my/experiences/{entry.pk}/", entry_post(title="Mine now")).status_code == 404
        assert client.post(f"/my/experiences/{entry.pk}/remove/", {"remove": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Ben's chess club"
    assert theirs.removed_at is None


def test_the_menu_offers_experiences_and_the_passport(cast: Cast, amy: Learner) -> None:
    page = signed_in(amy).get("/my/experiences/").content.decode()
    assert 'href="/my/experiences/"' in page
    assert 'href="/my/passport/"' in page
