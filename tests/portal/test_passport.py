"""The careers passport (issue 14, item 6): only what the learner ticks, only their own, never a
hidden entry or a sensitive flag; a page to look at and a one-page PDF with real text."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib

import pytest
from django.test import Client
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.learners.models import Learner
from qic.portal import queries
from qic.portal.passport_pdf import TooLong, passport_story, render_passport_pdf
from qic.programme.actions import record_participation, remove_activity, save_interview
from qic.programme.models import Adviser, Interview
from tests.accreditation.test_pdf import shown_text, squeeze
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account, make_learner_entry

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def amy(cast: Cast) -> Learner:
    """Amy has flags a passport must never show, two entries (one hidden by staff), an interview
    with agreed actions, and two activities (one removed since)."""
    amy = make_learner(
        cast.p1,
        forename="Amy",
        surname="Okafor",
        upn="A123456789012",
        sen_support=True,
        free_school_meals=True,
        looked_after=True,
    )
    make_learner_entry(amy, title="Saturday job at the bakery", description="Serving customers.")
    make_learner_entry(amy, title="Something staff hid", hidden_at=timezone.now(), hidden_reason="safeguarding")
    adviser = Adviser.objects.create(provider=cast.p1, name="Grace Adviser")
    save_interview(
        interview=Interview(
            provider=cast.p1,
            learner=amy,
            adviser=adviser,
            date=dt.date(2026, 10, 1),
            duration_minutes=45,
            summary="Private summary of the talk",
            agreed_actions="Visit the college open day",
        ),
        actor=cast.p1_leader,
    )
    fair = make_activity(cast.p1, title="Careers fair", date=dt.date(2026, 11, 5))
    gone = make_activity(cast.p1, title="Removed taster day", date=dt.date(2026, 11, 6))
    for activity in (fair, gone):
        record_participation(activity=activity, attended=[amy.pk], absent=[], actor=SystemActor("tests"))
    remove_activity(activity=gone, actor=cast.p1_leader)
    return amy


def signed_in(learner: Learner) -> Client:
    client = Client()
    client.force_login(make_learner_account(learner))
    return client


def decompressed_text(pdf: bytes) -> str:
    """What the pages draw, from the PDF as downloaded (its streams ASCII85 and Flate encoded)."""
    streams = re.findall(rb"stream\r?\n(.*?)~>\s*endstream", pdf, re.S)
    raw = b""
    for stream in streams:
        try:
            raw += zlib.decompress(base64.a85decode(stream.strip())) + b"\n"
        except (ValueError, zlib.error):
            continue
    return shown_text(raw)


def test_the_choices_leave_out_hidden_entries(cast: Cast, amy: Learner) -> None:
    page = signed_in(amy).get("/my/passport/").content.decode()
    assert "Saturday job at the bakery" in page
    assert "Something staff hid" not in page
    assert "My name and school" in page


def test_the_downloaded_pdf_shows_the_chosen_items_only(cast: Cast, amy: Learner) -> None:
    bakery = amy.experience_entries.get(title="Saturday job at the bakery")
    hidden = amy.experience_entries.get(title="Something staff hid")
    client = signed_in(amy)
    response = client.post(
        "/my/passport/",
        {
            "include_details": "on",
            "entries": [str(bakery.pk)],
            "include_activities": "on",
            "statement": "I want to be a nurse.",
            "download": "1",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="careers-passport.pdf"'
    text = decompressed_text(response.content)
    for shown in ("Amy Okafor", cast.p1.name, "I want to be a nurse.", "Saturday job at the bakery", "Careers fair"):
        assert squeeze(shown) in text, shown
    for never in (
        "Something staff hid",
        "Removed taster day",
        "Visit the college open day",  # not ticked
        "Private summary",
        "SEN",
        "free school meals",
        "Looked after",
        "A123456789012",
    ):
        assert squeeze(never) not in text, never
    assert b"/Title (Careers passport: Amy Okafor)" in response.content
    assert b"/Author (Amy Okafor)" in response.content
    assert b"/Lang (en-GB)" in response.content
    assert b"/Count 1" in response.content  # one page
    event = AuditEvent.objects.get(action="learner_passport.downloaded")
    assert event.after["entry_ids"] == [bakery.pk]
    assert hidden.pk not in event.after["entry_ids"]


def test_a_hidden_or_another_learners_entry_posted_by_hand_is_left_out(cast: Cast, amy: Learner) -> None:
    hidden = amy.experience_entries.get(title="Something staff hid")
    ben = make_learner(cast.p1, forename="Ben", surname="Ashworth", upn="B123456789012")
    bens = make_learner_entry(ben, title="Ben's chess club")
    passport = queries.passport(
        amy,
        include_details=False,
        entry_ids=[str(hidden.pk), str(bens.pk)],
        include_actions=False,
        include_activities=False,
        statement="",
    )
    assert passport.entries == []
    # Through the form, the ids are not even choices.
    page = signed_in(amy).post("/my/passport/", {"entries": [str(bens.pk)], "preview": "1"}).content.decode()
    assert "Choose from your experiences listed" in page
    assert "Ben" not in page


def test_the_preview_page_shows_the_agreed_actions_when_ticked(cast: Cast, amy: Learner) -> None:
    page = signed_in(amy).post("/my/passport/", {"include_actions": "on", "preview": "1"}).content.decode()
    assert "My next steps" in page
    assert "Visit the college open day" in page
    assert "Private summary" not in page
    assert "Amy Okafor" not in page.split('id="passport-title"')[1]  # details not ticked
    assert AuditEvent.objects.filter(action="learner_passport.previewed").exists()


def test_nothing_chosen_and_too_long_a_statement_are_reported(cast: Cast, amy: Learner) -> None:
    client = signed_in(amy)
    page = client.post("/my/passport/", {"preview": "1"}).content.decode()
    assert "Choose at least one thing to put in your passport" in page
    page = client.post("/my/passport/", {"statement": "x" * 601, "preview": "1"}).content.decode()
    assert "About me must be 600 characters or fewer" in page


def test_a_passport_that_needs_two_pages_is_refused_not_overflowed(cast: Cast, amy: Learner) -> None:
    for n in range(12):
        make_learner_entry(amy, title=f"Long entry {n}", description="A long description of what I did. " * 28)
    ids = [str(e.pk) for e in queries.passport_entries(amy)]
    passport = queries.passport(
        amy, include_details=True, entry_ids=ids, include_actions=True, include_activities=True, statement="x" * 600
    )
    with pytest.raises(TooLong):
        render_passport_pdf(passport)
    page = signed_in(amy).post("/my/passport/", {"entries": ids, "download": "1"})
    assert page["Content-Type"].startswith("text/html")
    assert "will not fit on one page" in page.content.decode()


def test_the_story_uses_heading_styles_in_reading_order(cast: Cast, amy: Learner) -> None:
    passport = queries.passport(
        amy,
        include_details=True,
        entry_ids=[str(e.pk) for e in queries.passport_entries(amy)],
        include_actions=True,
        include_activities=True,
        statement="About me text",
    )
    headings = [f.text for f in passport_story(passport) if getattr(f, "style", None) and f.style.name == "h2"]
    assert headings == [
        "About me",
        "Experiences and achievements",
        "Careers activities I took part in",
        "My next steps",
    ]
    assert shown_text(render_passport_pdf(passport, compress=False)).startswith(squeeze("CAREERS PASSPORTAmy Okafor"))


def test_a_learner_with_no_entries_gets_no_empty_choice_and_can_still_make_a_passport(cast: Cast) -> None:
    cleo = make_learner(cast.p1, forename="Cleo", surname="Nwosu", upn="C123456789012")
    client = signed_in(cleo)
    page = client.get("/my/passport/").content.decode()
    assert "You have no experiences to add yet." in page
    assert "My experiences and achievements" not in page
    page = client.post("/my/passport/", {"include_details": "on", "preview": "1"}).content.decode()
    assert "Cleo Nwosu" in page.split('id="passport-title"')[1]
