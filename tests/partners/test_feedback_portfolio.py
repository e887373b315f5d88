"""Criterion 1.6 in the accreditation portfolio: the year's feedback as counts and averages, and a
link to the yearly summary; never a comment (comments may name learners)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qic.accreditation.queries import system_evidence
from qic.domain.academic import academic_year_of, year_label
from qic.domain.partner_links import LinkPurpose
from qic.partners import links
from qic.partners.feedback_actions import submit_feedback
from qic.programme.actions import record_participation
from qic.programme.sign_in import save_reflection
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_round

pytestmark = pytest.mark.django_db

COMMENT = "Zephyrine Quillfeather was brilliant"


def answer(cast: Cast, activity: Any, respondent: str, rating: int, n: int) -> None:
    link, _ = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name=f"Person {n}",
        activity=activity,
        respondent=respondent,
        by_email=False,
        actor=cast.p1_leader,
    )
    submit_feedback(link=link, rating=rating, went_well=COMMENT, could_be_better="", take_part_again=None)


def test_the_portfolio_line_for_criterion_1_6(cast: Cast, edition: Any, client: Client) -> None:
    today = timezone.localdate()
    year = academic_year_of(today)
    talk = make_activity(cast.p1, title="Careers talk", date=today)
    fair = make_activity(cast.p1, title="Careers fair", date=today)
    for n, rating in enumerate((4, 4, 5)):
        answer(cast, talk, "employer", rating, n)
    answer(cast, fair, "parent", 3, 10)
    answer(cast, fair, "staff", 2, 11)
    learner = make_learner(cast.p1)
    record_participation(activity=talk, attended=[learner.pk], absent=[], actor=cast.p1_leader)
    save_reflection(activity=talk, learner=learner, learnt="A", next_step="B", rating=4, actor=cast.p1_leader)
    # Another provider's feedback never counts.
    other = make_activity(cast.p2, date=today)
    link, _ = links.issue(
        provider=cast.p2,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name="Elsewhere",
        activity=other,
        respondent="employer",
        by_email=False,
        actor=cast.p2_leader,
    )
    submit_feedback(link=link, rating=1, went_well="", could_be_better="", take_part_again=None)

    accreditation = make_round(cast, "committed")
    found = system_evidence(accreditation, today=today)["1.6"]
    line = (
        f"Feedback on 2 activities in {year_label(year)}: 3 from employers (average 4.3), "
        "1 from parents and carers, 1 from staff; learners' own reflections: 1 reflection"
    )
    assert line in found.extra
    summary = reverse("partners:feedback_summary", kwargs={"urn": cast.p1.urn}) + f"?year={year}"
    assert found.pages == [(f"Feedback on activities in {year_label(year)}", summary)]

    page_url = reverse(
        "accreditation:accreditation_criterion", kwargs={"urn": cast.p1.urn, "pk": accreditation.pk, "code": "1.6"}
    )
    for who in (cast.p1_leader, cast.p1_governor, cast.assessor_assigned):
        client.force_login(who)
        page = client.get(page_url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "3 from employers (average 4.3)" in body
        assert summary.replace("&", "&amp;") in body
        assert COMMENT not in body
        assert client.get(summary).status_code == 200
        assert COMMENT not in client.get(summary).content.decode()
