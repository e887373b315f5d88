"""The dashboard, measure page and CSVs on dated rule sets (issue 10): which definitions a year
uses, change shown only where definitions match, criterion 8.2 beside BM8, small equity groups
never headlined, and college breakdowns by curriculum area and study programme."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client

from qic.core.actors import SystemActor
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Edition
from qic.learners.models import Learner
from qic.programme import actions
from qic.programme.models import Activity, Adviser, Interview
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

NOT_COMPARABLE = "Definition changed in 2025/26 — not comparable"


def upn(n: int) -> str:
    body = f"8889012{n:05d}"
    return upn_check_letter(body) + body


def attend(activity: Activity, *learners: Learner) -> None:
    actions.record_participation(
        activity=activity, attended=[x.pk for x in learners], absent=[], actor=SystemActor("tests")
    )


def row_containing(html: str, text: str) -> str:
    rows = [row for row in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, re.S) if text in row]
    assert len(rows) == 1, (text, len(rows))
    return rows[0]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def pupils(cast: Cast, edition: Edition) -> list[Learner]:
    """Three pupils in Year 9 in 2025/26 (Year 8 in 2024/25); all met an employer in both years,
    and two had a guidance interview in Year 9."""
    learners = [
        make_learner(cast.p1, upn=upn(n), forename=f"P{n}", surname=f"Pupil{n}", date_of_birth=dt.date(2011, 10, n))
        for n in range(1, 4)
    ]
    attend(make_activity(cast.p1, title="Talk 2024", date=dt.date(2024, 11, 5)), *learners)
    attend(make_activity(cast.p1, title="Talk 2025", date=dt.date(2025, 11, 5)), *learners)
    adviser = Adviser.objects.create(provider=cast.p1, name="Ada Adviser", qualification_level=6)
    for learner in learners[:2]:
        actions.save_interview(
            interview=Interview(
                provider=cast.p1,
                learner=learner,
                adviser=adviser,
                date=dt.date(2026, 3, 2),
                duration_minutes=45,
                summary="Options",
            ),
            actor=cast.p1_leader,
        )
    return learners


def test_the_first_refreshed_year_names_its_rules_and_where_the_definitions_changed(
    client: Client, cast: Cast, pupils: list[Learner]
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2025")
    html = response.content.decode()
    assert "2025/26 is measured on the Refreshed Gatsby Benchmarks (from 2025/26)" in html
    assert "2024/25 was measured on the Gatsby Benchmarks (2018 definitions)" in html
    # The measures of the set, each with its title and description, in a details component.
    assert '<details class="govuk-details">' in html
    assert "The measures of the Refreshed Gatsby Benchmarks (from 2025/26)" in html
    for measure in response.context["rule_set_measures"]:
        assert f"{measure.code}: {measure.title}" in html
    # BM5 has the same code and definition in both sets: its change is shown.
    rows = {row.result.measure.code: row for row in response.context["measures"]}
    assert (rows["BM5"].comparable, rows["BM5"].change, rows["BM5"].previous_text) == (True, 0.0, "100%")
    assert NOT_COMPARABLE not in row_containing(html, ">BM5</a> ")
    assert NOT_COMPARABLE not in row_containing(html, "5. Encounters with employers")
    assert (rows["BM6-16"].comparable, rows["BM6-16"].change) == (False, None)
    # BM2 per key stage is new; BM6 by 16 asks for more: not comparable.
    assert NOT_COMPARABLE in row_containing(html, ">BM2-KS3</a> ")
    assert NOT_COMPARABLE in row_containing(html, "2. Learning from career")
    # The count of benchmarks fully achieved says the sets differ.
    assert response.context["fully_change"] is None
    assert "Definitions changed in 2025/26: not comparable with 2024/25" in html


def test_the_next_year_on_the_same_rules_shows_every_change(client: Client, cast: Cast, pupils: list[Learner]) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2026")
    html = response.content.decode()
    assert NOT_COMPARABLE not in html
    assert response.context["same_rules"] is True
    assert response.context["fully_change"] is not None
    assert all(row.comparable for row in response.context["measures"])


def test_criterion_8_2_is_shown_beside_bm8_and_not_in_its_percentage(
    client: Client, cast: Cast, pupils: list[Learner]
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2025")
    html = response.content.decode()
    bm8 = row_containing(html, "8. Personal guidance")
    assert "Quality in Careers criterion 8.2:" in bm8
    assert ">BM8-KS3</a>: 2 of 3 (not in the BM8 percentage)" in bm8
    figures = response.context["figures"]
    assert figures.measure("BM8-KS3").total.met == 2
    assert figures.benchmark(8).percent is None  # nobody is 16 or 18: nothing in BM8 itself


def test_the_measure_page_names_the_rule_set_and_the_definition(
    client: Client, cast: Cast, pupils: list[Learner]
) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/benchmarks/BM5/?year=2025").content.decode()
    assert "Refreshed Gatsby Benchmarks (from 2025/26) (gatsby-2025), used from 2025/26" in html
    assert "<code>school:employer-every-year-from-11</code>" in html
    old = client.get(f"/providers/{cast.p1.urn}/benchmarks/BM2/?year=2024").content.decode()
    assert "Gatsby Benchmarks (2018 definitions) (gatsby-2018)" in old
    assert "<code>school:clmi-by-14</code>" in old


@pytest.mark.parametrize("table", ["benchmarks", "measures", "year-groups", "key-stages", "equity"])
@pytest.mark.parametrize(("year", "code"), [(2024, "gatsby-2018"), (2025, "gatsby-2025")])
def test_every_csv_carries_the_rule_set(
    client: Client, cast: Cast, pupils: list[Learner], table: str, year: int, code: str
) -> None:
    client.force_login(cast.p1_leader)
    rows = csv_rows(client.get(f"/providers/{cast.p1.urn}/benchmarks/export/{table}.csv?year={year}").content)
    assert rows[0][-1] == "rule_set"
    assert len(rows) > 1
    assert {row[-1] for row in rows[1:]} == {code}


def test_the_named_list_carries_the_rule_set(client: Client, cast: Cast, pupils: list[Learner]) -> None:
    client.force_login(cast.p1_leader)
    rows = csv_rows(client.get(f"/providers/{cast.p1.urn}/benchmarks/export/missing-BM8-KS3.csv?year=2025").content)
    assert [(row[3], row[-1]) for row in rows[1:]] == [("Pupil3", "gatsby-2025")]


# --- Equity gaps from small groups --------------------------------------------------------------


@pytest.fixture
def small_group(cast: Cast, edition: Edition) -> list[Learner]:
    """Twelve Year 9s in 2024/25; the two pupil-premium pupils missed the employer talk."""
    learners = [
        make_learner(
            cast.p1,
            upn=upn(20 + n),
            forename=f"Q{n}",
            surname=f"Pupil{n}",
            date_of_birth=dt.date(2010, 10, 1 + n),
            pupil_premium=n < 2,
        )
        for n in range(12)
    ]
    attend(make_activity(cast.p1, title="Talk", date=dt.date(2024, 11, 5)), *learners[2:])
    return learners


def test_a_gap_from_a_group_of_two_is_shown_marked_and_never_headlined(
    client: Client, cast: Cast, small_group: list[Learner]
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2024")
    context: Any = response.context
    assert next(e for e in context["equity"] if e.code == "BM5" and e.group == "Pupil premium / FSM").small
    assert not any(e.group == "Pupil premium / FSM" for e in context["widest_gaps"])
    html = response.content.decode()
    assert "(0% of 2; fewer than 10 learners)" in html
    assert "Widest gaps:" not in html  # the only gaps come from small groups


def test_the_equity_csv_says_which_groups_are_small(client: Client, cast: Cast, small_group: list[Learner]) -> None:
    client.force_login(cast.p1_leader)
    rows = csv_rows(client.get(f"/providers/{cast.p1.urn}/benchmarks/export/equity.csv?year=2024").content)
    header = rows[0]
    assert header[-2] == "fewer_than_10_learners"
    row = next(r for r in rows if r[0] == "BM5" and r[1] == "Pupil premium / FSM")
    assert (row[2], row[8], row[-2]) == ("2", "100.0", "yes")
    others = next(r for r in rows if r[0] == "BM5" and r[1] == "Female")
    assert (others[2], others[-2]) == ("12", "no")


def test_the_minimum_group_size_is_a_setting(
    client: Client, cast: Cast, small_group: list[Learner], settings: Any
) -> None:
    settings.QIC_EQUITY_MIN_GROUP_SIZE = 2
    client.force_login(cast.p1_leader)
    context: Any = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2024").context
    assert next((e.code, e.group) for e in context["widest_gaps"]) == ("BM5", "Pupil premium / FSM")


# --- Colleges: by curriculum area and study programme ---------------------------------------------


@pytest.fixture
def college(cast: Cast, edition: Edition) -> list[Learner]:
    """Cast p1 as an FE college with three students finishing in 2025/26."""
    cast.p1.provider_type = "fe_college"
    cast.p1.save(update_fields=["provider_type"])
    students = [
        make_learner(
            cast.p1,
            upn=upn(40 + n),
            forename=f"S{n}",
            surname=f"Student{n}",
            date_of_birth=dt.date(2008, 1, 1 + n),
            year_group=None,
            curriculum_area=area,
            study_programme=programme,
            programme_end=dt.date(2026, 7, 1),
        )
        for n, (area, programme) in enumerate(
            [("Engineering", "T Level Engineering"), ("Engineering", "BTEC Engineering"), ("Health", "T Level Health")]
        )
    ]
    for _ in range(2):
        talk = make_activity(cast.p1, title="Site visit", date=dt.date(2025, 11, 5), curriculum_area="Engineering")
        attend(talk, *students[:2])
    return students


def test_college_figures_are_broken_down_by_area_and_programme(
    client: Client, cast: Cast, college: list[Learner]
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2025")
    html = response.content.decode()
    assert "By year group" not in html
    assert 'id="curriculum-areas">By curriculum area' in html
    assert 'id="study-programmes">By study programme' in html
    bm5 = response.context["figures"].measure("BM5")
    assert {a: (c.eligible, c.met) for a, c in bm5.by_curriculum_area.items()} == {
        "Engineering": (2, 2),
        "Health": (1, 0),
    }
    rows = csv_rows(client.get(f"/providers/{cast.p1.urn}/benchmarks/export/study-programmes.csv?year=2025").content)
    assert rows[0] == ["measure", "study_programme", "eligible", "met", "percent", "rule_set"]
    assert ["BM5", "T Level Health", "1", "0", "0.0", "gatsby-2025"] in rows
    page = client.get(f"/providers/{cast.p1.urn}/benchmarks/BM5/?year=2025").content.decode()
    assert "By curriculum area" in page
    assert "By study programme" in page
    assert "By key stage" not in page
