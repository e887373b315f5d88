"""The learner's own record says, next to each activity they attended, whether they wrote about
it, links to the page where they write or change it, and where the activity needs their own
reflection to count, says so plainly; once they write, their standing follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from qic.learners.models import Learner
from qic.programme import sign_in
from qic.programme.actions import record_participation
from qic.programme.models import Activity, Reflection
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account

TODAY = dt.date(2026, 3, 10)  # 2025/26
NOT_MET = "You still need to meet an employer this year."
MET = "You have met employers this year."
COUNTS_ONCE = "This counts for you once you write about it."


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def year_10(cast: Cast, forename: str, upn: str) -> Learner:
    return make_learner(
        cast.p1,
        forename=forename,
        surname="Tester",
        upn=upn,
        date_of_birth=dt.date(2010, 9, 15),
        year_group=10,
        year_group_recorded_in=2025,
    )


def attended(learner: Learner, cast: Cast, title: str, *, needs_reflection: bool) -> Activity:
    activity = make_activity(cast.p1, title=title, date=dt.date(2026, 2, 3), needs_own_reflection=needs_reflection)
    record_participation(activity=activity, attended=[learner.pk], absent=[], actor=cast.p1_leader)
    return activity


def signed_in(learner: Learner) -> Client:
    client = Client()
    client.force_login(make_learner_account(learner))
    return client


def item_of(page: str, title: str) -> str:
    """The part of the page about one activity (its list item)."""
    start = page.index(title)
    return page[start : page.index("</li>", start)]


def test_writing_about_an_activity_that_needs_it_makes_it_count(cast: Cast) -> None:
    amy = year_10(cast, "Amy", "A201100018042")
    talk = attended(amy, cast, "Bank employer talk", needs_reflection=True)
    client = signed_in(amy)

    page = client.get("/my/").content.decode()
    item = item_of(page, "Bank employer talk")
    assert "You have not written about this yet." in item
    assert COUNTS_ONCE in item
    assert f'href="/my/reflections/{talk.pk}/"' in item
    assert "Write about it" in item
    assert NOT_MET in page
    assert MET not in page

    response = client.post(
        f"/my/reflections/{talk.pk}/",
        {"learnt": "Banks need people who like numbers.", "next_step": "Ask about maths A level.", "rating": "4"},
    )
    assert response.status_code == 302
    assert Reflection.objects.get(learner=amy, activity=talk).learnt == "Banks need people who like numbers."

    page = client.get("/my/").content.decode()
    item = item_of(page, "Bank employer talk")
    assert "You wrote about this." in item
    assert "Change what you wrote" in item
    assert COUNTS_ONCE not in page
    assert MET in page
    assert NOT_MET not in page


def test_an_activity_that_counts_anyway_offers_a_reflection_without_the_warning(cast: Cast) -> None:
    ben = year_10(cast, "Ben", "B201100018042")
    attended(ben, cast, "Hospital visit", needs_reflection=False)
    page = signed_in(ben).get("/my/").content.decode()
    item = item_of(page, "Hospital visit")
    assert "You have not written about this yet." in item
    assert "Write about it" in item
    assert COUNTS_ONCE not in page
    assert MET in page


def test_a_hidden_reflection_does_not_count_and_the_learner_is_told(cast: Cast) -> None:
    cara = year_10(cast, "Cara", "C201100018042")
    talk = attended(cara, cast, "Engineering talk", needs_reflection=True)
    reflection = sign_in.save_reflection(
        activity=talk, learner=cara, learnt="Bridges", next_step="Physics", rating=5, actor=cast.p1_leader
    )
    sign_in.hide_reflection(reflection=reflection, reason="Personal details", actor=cast.p1_leader)
    page = signed_in(cara).get("/my/").content.decode()
    item = item_of(page, "Engineering talk")
    assert "Your careers leader has hidden what you wrote. So this does not count for you yet." in item
    assert "Personal details" not in page  # the reason is for staff
    assert "Change what you wrote" in item
    assert NOT_MET in page
    assert MET not in page


def test_another_learners_reflection_counts_only_for_them(cast: Cast) -> None:
    dev = year_10(cast, "Dev", "D201100018042")
    eve = year_10(cast, "Eve", "E201100018042")
    talk = make_activity(cast.p1, title="Law firm talk", date=dt.date(2026, 2, 3), needs_own_reflection=True)
    record_participation(activity=talk, attended=[dev.pk, eve.pk], absent=[], actor=cast.p1_leader)
    sign_in.save_reflection(
        activity=talk, learner=eve, learnt="Eve's secret note", next_step="Court visit", rating=3, actor=cast.p1_leader
    )
    page = signed_in(dev).get("/my/").content.decode()
    assert COUNTS_ONCE in item_of(page, "Law firm talk")
    assert NOT_MET in page
    assert "Eve's secret note" not in page


def test_the_staff_preview_shows_the_same_words_without_the_learners_links(cast: Cast) -> None:
    fay = year_10(cast, "Fay", "F201100018042")
    talk = attended(fay, cast, "Retail talk", needs_reflection=True)
    client = Client()
    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/learners/{fay.pk}/learner-view/").content.decode()
    assert COUNTS_ONCE in item_of(page, "Retail talk")
    assert f"/my/reflections/{talk.pk}/" not in page
