"""Issue 10 defects, from the database to every page that shows figures:

- a learner who left before the measure date is neither counted nor listed as missing anywhere;
- attendance at an activity dated after the measure date does not count (yet);
- this year so far is compared with last year at the same date, not last year's whole year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain import benchmarks as bm
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Edition
from qic.learners.models import Learner
from qic.national.actions import compute_provider_figures
from qic.programme import actions, queries
from qic.programme.models import Activity
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = dt.date(2026, 12, 3)  # 2026/27 in progress
LAST_YEAR_TODAY = dt.date(2025, 12, 3)


def upn(n: int) -> str:
    body = f"8889011{n:05d}"
    return upn_check_letter(body) + body


def attend(activity: Activity, *learners: Learner) -> None:
    actions.record_participation(
        activity=activity, attended=[x.pk for x in learners], absent=[], actor=SystemActor("tests")
    )


def counts(figures: bm.ProviderFigures, code: str) -> tuple[int, int]:
    total = figures.measure(code).total
    return total.eligible, total.met


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The pages read `timezone.localdate()`: pin it so the tests do not depend on the day they run."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def pupils(cast: Cast) -> list[Learner]:
    """Two Year 9s in 2026/27 (Year 8 in 2025/26)."""
    return [
        make_learner(cast.p1, upn=upn(1), forename="Amy", surname="Archer", date_of_birth=dt.date(2012, 10, 1)),
        make_learner(cast.p1, upn=upn(2), forename="Ben", surname="Baker", date_of_birth=dt.date(2013, 1, 15)),
    ]


# --- Attendance dated after the measure date ------------------------------------------------------


def _moved_into_the_future(cast: Cast, *learners: Learner) -> Activity:
    """A talk whose register was kept, then moved to January (a register cannot be kept for a
    future activity, but an activity can be re-dated after its register was saved)."""
    talk = make_activity(cast.p1, title="Talk", date=dt.date(2026, 11, 20))
    attend(talk, *learners)
    talk.date = dt.date(2027, 1, 15)
    return actions.save_activity(activity=talk, criteria=None, actor=SystemActor("tests"))


def test_attendance_dated_after_today_does_not_count_yet(cast: Cast, pupils: list[Learner]) -> None:
    amy, ben = pupils
    _moved_into_the_future(cast, amy)
    now = queries.figures_for(cast.p1, 2026, today=TODAY, edition=None)
    assert counts(now, "BM5") == (2, 0)
    assert set(now.measure("BM5").not_met) == {amy.pk, ben.pk}


def test_it_counts_from_its_own_day_without_anything_being_run(cast: Cast, pupils: list[Learner]) -> None:
    amy, _ben = pupils
    _moved_into_the_future(cast, amy)
    assert counts(queries.figures_for(cast.p1, 2026, today=dt.date(2027, 1, 14), edition=None), "BM5") == (2, 0)
    assert counts(queries.figures_for(cast.p1, 2026, today=dt.date(2027, 1, 15), edition=None), "BM5") == (2, 1)


def test_the_evidence_as_of_a_day_equals_the_pure_definition(cast: Cast, pupils: list[Learner]) -> None:
    amy, ben = pupils
    _moved_into_the_future(cast, amy, ben)
    attend(make_activity(cast.p1, title="Earlier talk", date=dt.date(2026, 10, 1)), amy)
    read = queries.evidence_up_to(cast.p1, 2026, as_of=TODAY)
    assert read == {amy.pk: {(bm.Category.EMPLOYER, 2026): bm.Tally(1)}}
    assert queries.evidence_up_to(cast.p1, 2026, as_of=dt.date(2027, 2, 1)) == {
        amy.pk: {(bm.Category.EMPLOYER, 2026): bm.Tally(2)},
        ben.pk: {(bm.Category.EMPLOYER, 2026): bm.Tally(1)},
    }


def test_the_learner_page_does_not_count_future_attendance(
    client: Client, cast: Cast, pupils: list[Learner], fixed_today: dt.date
) -> None:
    amy, _ben = pupils
    _moved_into_the_future(cast, amy)
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/learners/{amy.pk}/")
    statuses = {measure.code: met for measure, met in response.context["statuses"]}
    assert statuses["BM5"] is False


# --- Last year at the same date -------------------------------------------------------------------


@pytest.fixture
def last_year(cast: Cast, pupils: list[Learner]) -> None:
    """2025/26: Amy met an employer before 3 December 2025, Ben only in March 2026."""
    amy, ben = pupils
    attend(make_activity(cast.p1, title="Autumn talk", date=dt.date(2025, 11, 1)), amy)
    attend(make_activity(cast.p1, title="Spring talk", date=dt.date(2026, 3, 1)), ben)


def test_this_year_so_far_is_compared_with_last_year_at_the_same_date(cast: Cast, last_year: None) -> None:
    now = queries.figures_for(cast.p1, 2026, today=TODAY, edition=None)
    before = queries.previous_figures(cast.p1, now, edition=None)
    assert before.year == 2025
    assert before.measure_date == LAST_YEAR_TODAY
    assert counts(before, "BM5") == (2, 1)


def test_a_finished_year_is_compared_with_last_years_whole_year(cast: Cast, pupils: list[Learner]) -> None:
    amy, ben = pupils
    attend(make_activity(cast.p1, title="Autumn talk", date=dt.date(2024, 11, 1)), amy)
    attend(make_activity(cast.p1, title="Summer talk", date=dt.date(2025, 7, 1)), ben)
    finished = queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    before = queries.previous_figures(cast.p1, finished, edition=None)
    assert before.measure_date == dt.date(2025, 8, 31)
    assert counts(before, "BM5") == (2, 2)


def test_the_dashboard_compares_with_last_year_at_the_same_date(
    client: Client, cast: Cast, last_year: None, edition: Edition, fixed_today: dt.date
) -> None:
    client.force_login(cast.p1_leader)
    context = client.get(f"/providers/{cast.p1.urn}/benchmarks/").context
    assert context["previous"].measure_date == LAST_YEAR_TODAY
    assert counts(context["previous"], "BM5") == (2, 1)
    assert context["previous_so_far"] == LAST_YEAR_TODAY
    page = client.get(f"/providers/{cast.p1.urn}/benchmarks/").content.decode()
    assert "compared with 2025/26 as it stood on 3 December 2025" in page


def test_a_learner_who_left_after_this_day_last_year_is_counted_last_year(cast: Cast, pupils: list[Learner]) -> None:
    cat = make_learner(
        cast.p1,
        upn=upn(3),
        forename="Cat",
        surname="Cole",
        date_of_birth=dt.date(2013, 3, 3),
        left_on=dt.date(2026, 2, 1),
    )
    now = queries.figures_for(cast.p1, 2026, today=TODAY, edition=None)
    before = queries.previous_figures(cast.p1, now, edition=None)
    assert cat.pk in before.measure("BM5").not_met
    assert cat.pk not in now.measure("BM5").not_met


# --- A learner who left before the measure date ---------------------------------------------------


@pytest.fixture
def leaver(cast: Cast, pupils: list[Learner]) -> Learner:
    """Dan left in October 2026; he met nobody this year, so he would be "missing" BM5."""
    return make_learner(
        cast.p1,
        upn=upn(4),
        forename="Dan",
        surname="Dyer",
        date_of_birth=dt.date(2012, 11, 11),
        left_on=dt.date(2026, 10, 15),
    )


def test_a_leaver_is_not_counted_on_the_dashboard(
    client: Client, cast: Cast, leaver: Learner, edition: Edition, fixed_today: dt.date
) -> None:
    client.force_login(cast.p1_leader)
    figures = client.get(f"/providers/{cast.p1.urn}/benchmarks/").context["figures"]
    assert counts(figures, "BM5") == (2, 0)
    assert leaver.pk not in figures.measure("BM5").not_met


def test_a_leaver_is_not_listed_as_missing_on_the_measure_page(
    client: Client, cast: Cast, leaver: Learner, fixed_today: dt.date
) -> None:
    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/benchmarks/BM5/")
    assert [learner.pk for learner, _ in page.context["missing"]] != []
    assert leaver.pk not in [learner.pk for learner, _ in page.context["missing"]]
    assert "Dyer" not in page.content.decode()


def test_a_leaver_is_not_in_the_missing_export(
    client: Client, cast: Cast, leaver: Learner, fixed_today: dt.date
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/benchmarks/export/missing-BM5.csv")
    surnames = [row[3] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert sorted(surnames) == ["Archer", "Baker"]


def test_the_learner_page_does_not_list_a_leaver_as_missing_measures(
    client: Client, cast: Cast, leaver: Learner, fixed_today: dt.date
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/learners/{leaver.pk}/")
    assert response.context["statuses"] == []
    page = response.content.decode()
    assert "Not yet" not in page
    assert "left on 15 October 2026" in page


def test_a_leaver_is_not_counted_in_the_api(cast: Cast, leaver: Learner, fixed_today: dt.date) -> None:
    _token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read", actor=cast.p1_leader)
    body = (
        Client().get(f"/api/v1/providers/{cast.p1.urn}/benchmarks", headers={"Authorization": f"Bearer {plain}"}).json()
    )
    measures = {m["code"]: m for b in body["benchmarks"] for m in b["measures"]}
    assert (measures["BM5"]["eligible"], measures["BM5"]["met"]) == (2, 0)


def test_a_leaver_is_not_counted_in_the_national_figures(cast: Cast, leaver: Learner, pupils: list[Learner]) -> None:
    attend(make_activity(cast.p1, title="Talk", date=dt.date(2026, 10, 1)), *pupils)
    row = compute_provider_figures(provider=cast.p1, year=2026, today=TODAY)
    assert row.bm5 == 100.0


def test_a_leaver_is_not_counted_in_last_years_figures_after_leaving(cast: Cast, pupils: list[Learner]) -> None:
    gone = make_learner(
        cast.p1,
        upn=upn(5),
        forename="Eli",
        surname="Eaton",
        date_of_birth=dt.date(2013, 4, 4),
        left_on=dt.date(2025, 10, 1),
    )
    now = queries.figures_for(cast.p1, 2026, today=TODAY, edition=None)
    before = queries.previous_figures(cast.p1, now, edition=None)
    assert counts(before, "BM5") == (2, 0)
    assert gone.pk not in before.measure("BM5").not_met


# --- A fixed number of queries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2026, TODAY, 5),  # in progress: one more grouped query for what is dated after today
        (2026, dt.date(2027, 8, 30), 5),
        (2025, dt.date(2026, 3, 1), 5),  # last year at the same date (in progress then)
        (2025, TODAY, 4),  # finished: nothing in it can be dated after its 31 August
        (2026, dt.date(2027, 8, 31), 4),
    ],
)
def test_figures_read_as_of_a_day_in_a_fixed_number_of_queries(
    cast: Cast,
    pupils: list[Learner],
    edition: Edition,
    django_assert_num_queries: Any,
    year: int,
    today: dt.date,
    expected: int,
) -> None:
    """Learners, stored tallies, programme answers and the edition's indicators, and — while the
    year is in progress on the measure date — one grouped query for what is dated after it, whether
    or not there is anything to take away. So the dashboard of the year in progress (this year so
    far and last year at the same date) makes two more queries than before; a finished year none."""
    _moved_into_the_future(cast, *pupils)
    with django_assert_num_queries(expected):
        queries.figures_for(cast.p1, year, today=today, edition=edition)


def test_a_narrowed_read_takes_away_each_category_once(cast: Cast, pupils: list[Learner]) -> None:
    """An activity that is evidence of several categories, moved after the day: a read narrowed to
    some categories takes away exactly its own tallies (the category filter and read share a join)."""
    amy, _ben = pupils
    visit = make_activity(
        cast.p1,
        title="Work experience",
        activity_type="workplace_experience",
        subtype="work_experience",
        hours=25,
        employer_feedback=True,
        date=dt.date(2026, 11, 20),
    )
    attend(visit, amy)
    attend(make_activity(cast.p1, title="Talk", date=dt.date(2026, 10, 1)), amy)
    categories = set(queries.evidence_up_to(cast.p1, 2026)[amy.pk])
    assert len(categories) >= 2
    visit.date = dt.date(2027, 1, 15)
    actions.save_activity(activity=visit, criteria=None, actor=SystemActor("tests"))
    wanted = {bm.Category.EMPLOYER, bm.Category.WORKPLACE}
    read = queries.evidence_up_to(cast.p1, 2026, categories=wanted, as_of=TODAY)
    assert read == {amy.pk: {(bm.Category.EMPLOYER, 2026): bm.Tally(1)}}
