"""The portfolio shows which activities the employer confirmed, and for each Benchmark 5 and 6
criterion how many of the year's employer activities were confirmed (a fixed number of queries).
The day is fixed at 3 December 2026 (2026/27)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.accreditation.queries import system_evidence
from qic.domain import employer_confirmation as rules
from qic.domain.partner_links import LinkPurpose
from qic.frameworks.models import Edition
from qic.partners import confirmation, links
from qic.programme.models import Activity
from tests.conftest import Cast
from tests.factories import make_activity, make_round

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def confirmed(cast: Cast, activity: Activity, *, took_place: bool = True) -> None:
    link, _ = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name="Dana Park",
        activity=activity,
        by_email=False,
        actor=cast.p1_leader,
    )
    answers = (
        rules.Answers(took_place=True, purpose="Meet engineers")
        if took_place
        else rules.Answers(took_place=False, not_held_reason="Cancelled")
    )
    confirmation.confirm(link=link, answers=answers, name="Dana Park")


def test_confirmed_activities_are_marked_and_counted_for_benchmarks_5_and_6(
    cast: Cast, edition: Edition, client: Client
) -> None:
    talk = make_activity(cast.p1, title="Engineers' talk", date=dt.date(2026, 11, 5))
    fair = make_activity(cast.p1, title="Careers fair", date=dt.date(2026, 11, 12))
    cancelled = make_activity(cast.p1, title="Cancelled visit", date=dt.date(2026, 11, 19))
    shadow = make_activity(
        cast.p1, title="Shadowing day", activity_type="workplace_experience", subtype="", date=dt.date(2026, 11, 26)
    )
    confirmed(cast, talk)
    confirmed(cast, cancelled, took_place=False)
    confirmed(cast, shadow)
    accreditation = make_round(cast, "committed")

    found = system_evidence(accreditation, today=TODAY)
    flags = {a.title: a.employer_confirmed for a in found["5.1"].activities}
    assert flags == {"Engineers' talk": True, "Careers fair": False, "Cancelled visit": False}
    assert "1 of 3 employer activities in 2026/27 confirmed by the employer" in found["5.1"].extra
    assert "1 of 1 employer activity in 2026/27 confirmed by the employer" in found["6.1"].extra
    assert not any("confirmed by the employer" in line for line in found["2.1"].extra)

    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/criteria/5.1/").content.decode()
    section = re.search(r'id="evidence">.*?<h2', page, re.S)
    assert section is not None
    text = html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split()))
    assert "Engineers' talk (5 November 2026, 0 learners present) Confirmed by the employer" in text
    assert "Careers fair (12 November 2026, 0 learners present) Confirmed" not in text
    assert "1 of 3 employer activities in 2026/27 confirmed by the employer" in text
    assert fair.pk


def test_the_evidence_keeps_a_fixed_number_of_queries(
    cast: Cast, edition: Edition, django_assert_max_num_queries: Any
) -> None:
    for n in range(2):
        confirmed(cast, make_activity(cast.p1, title=f"Talk {n}", date=dt.date(2026, 11, 5)))
    accreditation = make_round(cast, "committed")
    with CaptureQueriesContext(connection) as few:
        system_evidence(accreditation, today=TODAY)
    for n in range(6):
        confirmed(cast, make_activity(cast.p1, title=f"More {n}", date=dt.date(2026, 11, 6)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        found = system_evidence(accreditation, today=TODAY)
    assert "8 of 8 employer activities in 2026/27 confirmed by the employer" in found["5.1"].extra
