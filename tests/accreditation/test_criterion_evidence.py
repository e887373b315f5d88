"""The criterion page's evidence from QiC Platform (issue 12): it counts learners, not attendances;
it lists every activity that evidences the criterion, tagged by hand or not; and it shows this
academic year unless another is chosen. The day is fixed at 3 December 2026 (2026/27)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest
from django.test import Client
from django.utils import timezone

from qic.accreditation.models import Accreditation
from qic.accreditation.queries import system_evidence
from qic.core.actors import SystemActor
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Criterion, Edition
from qic.learners.models import Learner
from qic.programme.actions import record_participation, save_activity
from qic.programme.models import Activity
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_round

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def pupil(cast: Cast, n: int) -> Learner:
    body = f"8889009{n:05d}"
    return make_learner(
        cast.p1,
        upn=upn_check_letter(body) + body,
        forename=f"Pupil{n}",
        surname=f"Number{n:03d}",
        year_group=10,
        year_group_recorded_in=2026,
        date_of_birth=dt.date(2011, 1, 15),
    )


def tag(activity: Activity, edition: Edition, *codes: str) -> Activity:
    criteria = list(Criterion.objects.filter(edition=edition, code__in=codes))
    return save_activity(activity=activity, criteria=criteria, actor=SystemActor("tests"))


def evidence_text(html: str) -> str:
    section = re.search(r'id="evidence">.*?<h2', html, re.S)
    assert section is not None
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split()))


@pytest.fixture
def evidence(cast: Cast, edition: Edition) -> dict[str, object]:
    """Three pupils: two at an employer talk tagged by hand with criteria 5.1 and 2.1, one of them
    also at an employer visit nobody tagged; one at last year's talk."""
    learners = [pupil(cast, n) for n in range(3)]
    talk = tag(make_activity(cast.p1, title="Employer talk", date=dt.date(2026, 11, 5)), edition, "5.1", "2.1")
    visit = make_activity(cast.p1, title="Employer visit", date=dt.date(2026, 11, 20))
    old = make_activity(cast.p1, title="Last year's talk", date=dt.date(2026, 3, 5))
    record_participation(
        activity=talk, attended=[learners[0].pk, learners[1].pk], absent=[], actor=SystemActor("tests")
    )
    record_participation(activity=visit, attended=[learners[0].pk], absent=[learners[1].pk], actor=SystemActor("tests"))
    record_participation(activity=old, attended=[learners[2].pk], absent=[], actor=SystemActor("tests"))
    return {"accreditation": make_round(cast, "committed"), "talk": talk, "visit": visit}


def test_a_learner_at_an_activity_evidencing_two_criteria_counts_once(cast: Cast, evidence: dict[str, object]) -> None:
    accreditation = evidence["accreditation"]
    assert isinstance(accreditation, Accreditation)
    found = system_evidence(accreditation, today=TODAY)
    # 5.1: the tagged talk and the untagged visit (an employer encounter is Benchmark 5 evidence);
    # two different learners, though there were three attendances.
    assert [a.title for a in found["5.1"].activities] == ["Employer visit", "Employer talk"]
    assert [a.attended for a in found["5.1"].activities] == [1, 2]
    assert found["5.1"].learner_count == 2
    # 2.1: only the talk, tagged by hand.
    assert [a.title for a in found["2.1"].activities] == ["Employer talk"]
    assert found["2.1"].learner_count == 2
    # 5.2 is also a Benchmark 5 criterion: the encounters evidence it without a hand tag.
    assert found["5.2"].activity_count == 2
    assert found["5.2"].figure_year == "2026/27"


def test_the_criterion_page_shows_this_year_and_offers_the_years_before(
    client: Client, cast: Cast, evidence: dict[str, object]
) -> None:
    accreditation = evidence["accreditation"]
    assert isinstance(accreditation, Accreditation)
    client.force_login(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/criteria/5.1/"
    html = client.get(url).content.decode()
    text = evidence_text(html)
    assert "2 learners took part in 2 activities that evidence this criterion in 2026/27:" in text
    assert "Employer visit (20 November 2026, 1 learner present)" in text
    assert "Employer talk (5 November 2026, 2 learners present)" in text
    assert "Last year's talk" not in text
    assert '<option value="2026" selected>2026/27</option>' in html
    assert '<option value="2025">2025/26</option>' in html

    text = evidence_text(client.get(url + "?year=2025").content.decode())
    assert "1 learner took part in 1 activity that evidence this criterion in 2025/26:" in text
    assert "Last year's talk (5 March 2026, 1 learner present)" in text
    # A year that is not offered is ignored, not an error.
    for bad in ("1899", "abc", "²"):
        response = client.get(url, {"year": bad})
        assert response.status_code == 200
        assert "in 2026/27:" in evidence_text(response.content.decode())
