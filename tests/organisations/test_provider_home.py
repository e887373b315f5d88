"""A provider's home page (issue 12): this year's eight benchmarks at a glance, what needs doing
next and the common actions, each for the roles that may see them, in a fixed number of queries.

The day is fixed at Thursday 3 December 2026 (academic year 2026/27): a Year 9 cohort is then in
the final months of its first Provider Access phase (deadline 28 February 2027).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Edition
from qic.learners.models import Learner
from qic.national.models import ProviderYearFigures
from qic.organisations.models import Provider
from qic.programme.actions import record_participation
from qic.programme.models import Activity
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_activity, make_learner, make_round

TODAY = dt.date(2026, 12, 3)
YEAR = 2026


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def upn(n: int) -> str:
    body = f"8889009{n:05d}"
    return upn_check_letter(body) + body


def pupil(cast: Cast, n: int, year_group: int, **fields: Any) -> Learner:
    return make_learner(
        cast.p1,
        upn=upn(n),
        forename=f"Pupil{n}",
        surname=f"Number{n:03d}",
        date_of_birth=dt.date(YEAR - year_group - 5, 12, 1),
        year_group=year_group,
        year_group_recorded_in=YEAR,
        **fields,
    )


def home(client: Client) -> str:
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def todo_items(html: str) -> list[str]:
    """The to-do list's items as a person reads them: the link text, then its status."""
    found = re.search(r'<ul class="govuk-task-list" aria-labelledby="todo">(.*?)</ul>', html, re.S)
    if found is None:
        return []
    items = re.findall(r'<li class="govuk-task-list__item[^"]*">(.*?)</li>', found.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def glance(html: str) -> list[str]:
    found = re.search(r'<ul class="qic-glance"[^>]*>(.*?)</ul>', html, re.S)
    assert found is not None
    items = re.findall(r"<li [^>]*>(.*?)</li>", found.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


@pytest.fixture
def school(cast: Cast, edition: Edition) -> dict[str, Any]:
    """A Year 9 and a Year 11 pupil; a careers fair held last week with no register yet, an
    employer talk held with its register taken, and a talk still to come."""
    year9, year11 = pupil(cast, 1, 9), pupil(cast, 2, 11)
    fair = make_activity(cast.p1, title="Careers fair", date=dt.date(2026, 11, 26))
    talk = make_activity(cast.p1, title="Employer talk for Year 11", date=dt.date(2026, 11, 12))
    record_participation(activity=talk, attended=[year11.pk], absent=[], actor=SystemActor("tests"))
    make_activity(cast.p1, title="Talk next term", date=dt.date(2027, 1, 14))
    return {"year9": year9, "year11": year11, "fair": fair, "talk": talk}


def test_the_careers_leader_sees_the_eight_benchmarks_at_a_glance(
    client: Client, cast: Cast, school: dict[str, Any]
) -> None:
    client.force_login(cast.p1_leader)
    html = home(client)
    cards = glance(html)
    assert [card.split(" ", 1)[0] for card in cards] == [f"BM{n}" for n in range(1, 9)]
    # Benchmark 5: one of the two pupils met an employer this year.
    assert cards[4].startswith("BM5 Encounters with employers and employees 50% In progress 1 of 2 learners met")
    assert f'href="/providers/{cast.p1.urn}/benchmarks/BM5/"' in html
    assert "Gatsby Benchmarks 2026/27" in html


def test_the_to_do_list_gathers_what_is_due_soonest_first(client: Client, cast: Cast, school: dict[str, Any]) -> None:
    client.force_login(cast.p1_leader)
    html = home(client)
    items = todo_items(html)
    assert items[0] == "Take the register for “Careers fair” Held 26 November 2026"
    assert f'href="/providers/{cast.p1.urn}/activities/{school["fair"].pk}/"' in html
    # The talk with its register and the talk still to come are not listed.
    assert not any("Employer talk for Year 11" in item or "Talk next term" in item for item in items)
    # Provider Access: the Year 9s are in the last months of their first phase, with nothing held.
    assert (
        "Provider Access, Year 9: 0 of 2 provider encounters held, 1 pupil has not attended two "
        "Behind Due 28 February 2027"
    ) in items
    # Measures: the Year 9 pupil has met no employer; the Year 11 pupil has had no guidance interview.
    assert "1 learner still missing BM5: A meaningful employer encounter this year Due 31 August 2027" in items
    assert "1 learner due a guidance interview (BM8-16) Due 31 August 2027" in items
    due = [item.rsplit("Due ", 1)[-1] for item in items if "Due " in item]
    months = {dt.date(2026, m, 1).strftime("%B"): m for m in range(1, 13)}
    days = [dt.date(int(y), months[m], int(d)) for d, m, y in (text.split() for text in due)]
    assert days == sorted(days)


def test_an_employer_encounter_takes_the_measure_off_the_list(
    client: Client, cast: Cast, school: dict[str, Any]
) -> None:
    record_participation(activity=school["fair"], attended=[school["year9"].pk], absent=[], actor=SystemActor("tests"))
    client.force_login(cast.p1_leader)
    items = todo_items(home(client))
    assert not any("BM5:" in item for item in items)
    assert not any("Careers fair" in item for item in items)  # its register is taken now


def test_an_accreditation_step_waiting_for_the_provider_is_listed_for_the_careers_leader_only(
    client: Client, cast: Cast, school: dict[str, Any]
) -> None:
    accreditation = make_round(cast, "committed")
    client.force_login(cast.p1_leader)
    html = home(client)
    assert "Submit your portfolio for assessment Waiting for you" in todo_items(html)
    assert f'href="/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/"' in html
    client.force_login(cast.p1_staff)
    assert not any("portfolio" in item for item in todo_items(home(client)))


def test_staff_and_governors_see_only_their_parts(client: Client, cast: Cast, school: dict[str, Any]) -> None:
    client.force_login(cast.p1_staff)
    html = home(client)
    assert len(glance(html)) == 8
    for action in ("New activity", "Take a register", "Record an interview"):
        assert f">{action}</a>" in html
    assert ">Import learners</a>" not in html  # importing learners is the careers leader's
    assert any(item.startswith("Take the register") for item in todo_items(html))
    # "Take a register" opens the activities with a word on what to do there (walk-through).
    listing = client.get(f"/providers/{cast.p1.urn}/activities/?for=register").content.decode()
    assert "To take a register, open the activity below" in listing
    assert "To take a register" not in client.get(f"/providers/{cast.p1.urn}/activities/").content.decode()

    client.force_login(cast.p1_governor)
    html = home(client)
    assert len(glance(html)) == 8  # figures, read-only
    assert ">New activity</a>" not in html
    assert ">Take a register</a>" not in html
    items = todo_items(html)
    assert not any(item.startswith("Take the register") for item in items)  # activities are learners' records
    assert "1 learner still missing BM5: A meaningful employer encounter this year Due 31 August 2027" in items
    # The provider's navigation shows the governor what they may open, and not the named records.
    nav = re.search(r'<nav class="qic-subnav".*?</nav>', html, re.S)
    assert nav is not None
    assert ">Benchmarks</a>" in nav.group(0)
    assert ">Learners</a>" not in nav.group(0)


def test_the_national_average_is_beside_each_figure_and_suppressed_under_six_providers(
    client: Client, cast: Cast, school: dict[str, Any]
) -> None:
    def add_figures(count: int, bm5: float) -> None:
        for _ in range(count):
            ProviderYearFigures.objects.create(
                provider=ProviderFactory(), academic_year=YEAR, benchmarks_achieved=2, bm5=bm5, rule_set="gatsby-2025"
            )

    client.force_login(cast.p1_leader)
    add_figures(5, 40.0)
    assert "National average not shown (fewer than 6 providers)" in glance(home(client))[4]
    add_figures(1, 100.0)
    assert glance(home(client))[4].endswith("National average 50%")
    dashboard = client.get(f"/providers/{cast.p1.urn}/benchmarks/").content.decode()
    row = next(
        r for r in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", dashboard, re.S) if "5. Encounters" in r
    )
    assert ">50%</td>" in row


def test_a_primary_school_home_has_no_secondary_benchmarks(client: Client, cast: Cast, edition: Edition) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")
    client.force_login(cast.p1_leader)
    html = home(client)
    assert 'class="qic-glance"' not in html
    assert "Primary careers award" in html


def count_queries(client: Client) -> int:
    client.get("/home/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/home/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["p1_leader", "p1_staff", "p1_governor"])
def test_the_home_page_makes_the_same_number_of_queries_for_5_or_50_learners(
    client: Client, cast: Cast, edition: Edition, who: str
) -> None:
    make_round(cast, "committed")
    activities = [make_activity(cast.p1, title=f"Talk {n}", date=dt.date(2026, 10, 1 + n)) for n in range(8)]

    def grow(start: int, stop: int) -> None:
        learners = [pupil(cast, n, 7 + n % 7) for n in range(start, stop)]
        for activity in activities[:4]:
            record_participation(
                activity=activity, attended=[x.pk for x in learners[::2]], absent=[], actor=SystemActor("tests")
            )

    client.force_login(cast.user(who))
    grow(0, 5)
    few = count_queries(client)
    grow(5, 50)
    assert Learner.objects.filter(provider=cast.p1).count() == 50
    assert Activity.objects.filter(provider=cast.p1, participations__isnull=True).count() == 4
    assert count_queries(client) == few
