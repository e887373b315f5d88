"""The destinations analysis page (issue 16, items 2 and 3, the school's side): a made-up cohort's
figures, beside national and local-authority DfE rows made here; suppressed figures as not
published; small groups as counts; who may read it (aggregates, never a name); its CSV; and a
query count that does not grow with the cohort."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qic.destinations.models import DfeFigure
from qic.domain import destinations as rules
from qic.domain.academic import year_label
from qic.domain.provider_types import ProviderType
from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.destinations.analysis_helpers import cohort_years, figure, leavers, record, release, row_of, tables_of
from tests.factories import ProviderFactory, make_member

pytestmark = pytest.mark.django_db
C = rules.Category
LA = DfeFigure.Level.LOCAL_AUTHORITY
SECRET_SURNAME = "Quillfeather"


def url(provider: Provider, **query: str) -> str:
    base = reverse("destinations:analysis", args=[provider.urn])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def made_up_cohort(school: Provider, year: int) -> None:
    """12 Year 11 leavers: 6 disadvantaged (4 sustained), 6 others (5 sustained), 1 looked after.

    Sustained 9 of 12 (75%): education 6 (50%), apprenticeship 1, employment 2; not sustained or
    NEET 2; nothing recorded 1. Disadvantaged 67% vs others 83%: a gap of -17 points."""
    poor = leavers(school, year, 6, pupil_premium=True, surname=SECRET_SURNAME)
    others = leavers(school, year, 6, surname=SECRET_SURNAME)
    for learner in poor[:3]:
        record(learner, C.FE_COLLEGE)
    record(poor[3], C.APPRENTICESHIP)
    record(poor[4], C.NEET, sustained=None)
    # poor[5]: nothing recorded
    record(others[0], C.SIXTH_FORM_COLLEGE)
    record(others[1], C.SIXTH_FORM_COLLEGE)
    record(others[2], C.EMPLOYMENT)
    record(others[3], C.EMPLOYMENT)
    record(others[4], C.FE_COLLEGE)
    record(others[5], C.FE_COLLEGE, sustained=False)
    others[5].looked_after = True
    others[5].save()
    # Intentions: two as planned, one not.
    record(others[0], C.SIXTH_FORM_COLLEGE, kind=rules.Kind.INTENDED, on=others[0].left_on.replace(month=3))
    record(others[2], C.EMPLOYMENT, kind=rules.Kind.INTENDED, on=others[2].left_on.replace(month=3))
    record(poor[3], C.FE_COLLEGE, kind=rules.Kind.INTENDED, on=poor[3].left_on.replace(month=3))


def dfe_rows_for(year: int) -> None:
    ks4 = release()
    figure(
        ks4,
        year,
        overall=80,
        education=60,
        appren=0,
        all_work=10,
        all_notsust=12,
        all_unknown=8,
        suppressed={"appren": "c"},
    )
    figure(ks4, year, topic="Disadvantage", breakdown="Disadvantaged", overall=70, cohort=300)
    figure(ks4, year, topic="Disadvantage", breakdown="Disadvantaged all other", overall=85, cohort=700)
    figure(ks4, year, level=LA, area_code="335", area_name="Walsall", overall=78, education=58)


@pytest.fixture
def page(cast: Cast, client: Client) -> str:
    year = cohort_years()[1]
    made_up_cohort(cast.p1, year)
    dfe_rows_for(year)
    client.force_login(cast.p1_leader)
    response = client.get(url(cast.p1))
    assert response.status_code == 200
    return response.content.decode()


def test_the_headline_figures_beside_england_and_the_local_authority(cast: Cast, page: str) -> None:
    year = cohort_years()[1]
    headline = tables_of(page)[f"{year_label(year)} leavers: destinations in the year after leaving"]
    assert headline[0] == ["Measure", "Learners", "%", "England", "Walsall"]
    assert row_of(headline, "Sustained education, apprenticeship or employment") == [
        "Sustained education, apprenticeship or employment",
        "9",
        "75%",
        "80%",
        "78%",
    ]
    assert row_of(headline, "Sustained education")[1:4] == ["6", "50%", "60%"]
    assert row_of(headline, "Sustained apprenticeship")[1:4] == [
        "1",
        "8%",
        "not published (c)",
    ]
    assert "Not published (c): small number suppressed to protect confidentiality." in page
    assert row_of(headline, "Sustained employment")[1:5] == ["2", "17%", "10%", "–"]
    assert row_of(headline, "Not sustained, or NEET")[1:4] == ["2", "17%", "12%"]
    assert row_of(headline, "Activity not captured (unknown)")[1:4] == ["1", "8%", "8%"]
    assert row_of(headline, "No destination recorded (counted as not captured)")[1:3] == ["1", "8%"]
    assert "State-funded mainstream schools" in page  # which DfE group the school is compared with


def test_the_categories_and_the_groups_with_their_gaps(cast: Cast, page: str) -> None:
    year = cohort_years()[1]
    tables = tables_of(page)
    categories = tables[f"{year_label(year)} leavers by destination"]
    assert row_of(categories, "Sixth-form college")[1:] == ["2", "17%"]
    assert row_of(categories, "Further education college")[1:] == ["5", "42%"]  # one not sustained
    groups = tables[f"{year_label(year)} leavers: sustained destinations by group"]
    disadvantaged = row_of(groups, "Disadvantaged (pupil premium or free school meals)")
    assert disadvantaged[1] == "4 of 6 (67%)"
    assert disadvantaged[2] == "Not disadvantaged: 5 of 6 (83%)"
    assert disadvantaged[3] == "\u221217"
    assert disadvantaged[4] == "\u221215"  # England's published gap
    assert disadvantaged[5] == "not in the DfE file"  # the LA's file had no breakdowns
    looked_after = row_of(groups, "Looked after")
    assert looked_after[1] == "0 of 1 (count only)"
    assert looked_after[3] == "too few to compare"
    assert row_of(groups, "Female")[2] == "Male: no learners"


def test_small_groups_are_explained(page: str) -> None:
    assert "Fewer than 6 learners: shown as a count only" in page


def test_intended_and_actual(cast: Cast, page: str) -> None:
    year = cohort_years()[1]
    table = tables_of(page)[f"{year_label(year)} leavers: intended and actual destinations"]
    assert ["Sixth-form college", "Sixth-form college", "1"] in table
    assert ["Apprenticeship", "Further education college", "1"] not in table
    assert ["Further education college", "Apprenticeship", "1"] in table
    assert "2 of 3 learners whose intended and actual destinations are both recorded went where they intended" in page


def test_a_year_not_loaded_and_an_empty_cohort_say_so(cast: Cast, page: str) -> None:
    newest = cohort_years()[0]
    trend = tables_of(page)["Trend over three cohorts"]
    assert row_of(trend, year_label(newest)) == [
        year_label(newest),
        "0 of 0",
        "no learners",
        "",
        "not loaded yet",
        "not loaded yet",
    ]
    assert f"{year_label(newest)} leavers: destinations in the year after leaving" not in tables_of(page)
    assert "No learners of this cohort are on the learner records." in page


def test_the_trend_over_three_cohorts(cast: Cast, page: str) -> None:
    newest, middle, oldest = cohort_years()
    trend = tables_of(page)["Trend over three cohorts"]
    assert [row[0] for row in trend[1:]] == [year_label(oldest), year_label(middle), year_label(newest)]
    assert row_of(trend, year_label(middle)) == [year_label(middle), "9 of 12", "75%", "", "80%", "78%"]
    assert '<meter min="0" max="100" value="75"' in page
    assert 'style="' not in page.split("<main", 1)[1]  # no inline style (the CSP refuses it)


def test_no_learner_is_named(page: str) -> None:
    assert SECRET_SURNAME not in page
    assert "Pupil" not in page


def test_the_csv_has_the_same_figures_and_no_names(cast: Cast, client: Client) -> None:
    year = cohort_years()[1]
    made_up_cohort(cast.p1, year)
    dfe_rows_for(year)
    client.force_login(cast.p1_governor)
    response = client.get(reverse("destinations:analysis_export", args=[cast.p1.urn]) + "?stage=KS4")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert SECRET_SURNAME not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Stage", "Leaving cohort", "DfE time period", "Table", "Row", "Column", "Value"]
    label = year_label(year)
    overall = [r for r in rows if r[1] == label and r[4] == "Sustained education, apprenticeship or employment"]
    assert [r[5:] for r in overall if "after leaving" in r[3]] == [
        ["Learners", "9"],
        ["%", "75%"],
        ["England", "80%"],
        ["Walsall", "78%"],
    ]
    assert ["KS4", label, rules.dfe_time_period(year)] == overall[0][:3]


# --- Empty states, stages -----------------------------------------------------------------------


def test_no_destinations_recorded_yet_links_to_the_destinations_page(cast: Cast, client: Client) -> None:
    leavers(cast.p1, cohort_years()[0], 3)
    client.force_login(cast.p1_leader)
    page = client.get(url(cast.p1)).content.decode()
    assert "No destinations recorded yet" in page
    assert f'href="/providers/{cast.p1.urn}/destinations/"' in page
    client.force_login(cast.p1_governor)
    page = client.get(url(cast.p1)).content.decode()
    assert "No destinations recorded yet" in page
    assert f'href="/providers/{cast.p1.urn}/destinations/"' not in page  # a governor cannot record them


def test_no_leavers_at_all(cast: Cast, client: Client) -> None:
    client.force_login(cast.p1_leader)
    page = client.get(url(cast.p1, stage="16-18")).content.decode()
    assert "No 16–18 leavers (year 13 and colleges) since" in page
    assert "Trend over three cohorts" not in page


def test_the_16_to_18_stage(cast: Cast, client: Client) -> None:
    year = cohort_years()[2]
    for learner in leavers(cast.p1, year, 6, final_year=13):
        record(learner, C.HIGHER_EDUCATION)
    ks5 = release("16-18")
    figure(ks5, year, group="State-funded mainstream schools & colleges", overall=88)
    client.force_login(cast.p1_leader)
    page = client.get(url(cast.p1, stage="16-18")).content.decode()
    headline = tables_of(page)[f"{year_label(year)} leavers: destinations in the year after leaving"]
    assert row_of(headline, "Sustained education, apprenticeship or employment")[1:4] == ["6", "100%", "88%"]
    assert 'aria-current="page">16–18 leavers' in page


def test_a_college_with_no_ks4_leavers_opens_on_16_to_18(cast: Cast, client: Client) -> None:
    college = ProviderFactory(provider_type=ProviderType.FE_COLLEGE.value, establishment_type="Further education")
    leader = make_member("careers_leader", provider=college, email="leader@college.example.org")
    client.force_login(leader)
    assert 'aria-current="page">16–18 leavers' in client.get(url(college)).content.decode()
    assert 'aria-current="page">Key stage 4 leavers' in client.get(url(college, stage="KS4")).content.decode()
    client.force_login(cast.p1_leader)
    assert 'aria-current="page">Key stage 4 leavers' in client.get(url(cast.p1)).content.decode()


@pytest.mark.parametrize("stage", ["KS5", "<script>", "16-19", ""])
def test_an_unknown_stage_is_the_default_not_an_error(cast: Cast, client: Client, stage: str) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(reverse("destinations:analysis", args=[cast.p1.urn]), {"stage": stage})
    assert response.status_code == 200
    assert 'aria-current="page">Key stage 4 leavers' in response.content.decode()


def test_a_primary_school_is_told_the_analysis_is_not_for_it(client: Client) -> None:
    primary = ProviderFactory(provider_type=ProviderType.PRIMARY.value, phase="Primary")
    leader = make_member("careers_leader", provider=primary, email="leader@primary.example.org")
    client.force_login(leader)
    response = client.get(url(primary))
    assert response.status_code == 200
    assert "Destinations analysis" not in response.content.decode()
    assert client.get(reverse("destinations:analysis_export", args=[primary.urn])).status_code == 404


# --- Access ----------------------------------------------------------------------------------------


def test_another_school_cannot_see_it(cast: Cast, client: Client) -> None:
    made_up_cohort(cast.p1, cohort_years()[1])
    client.force_login(cast.p2_leader)
    assert client.get(url(cast.p1)).status_code == 404
    assert client.get(reverse("destinations:analysis_export", args=[cast.p1.urn])).status_code == 404
    own = client.get(url(cast.p2)).content.decode()
    assert "No Key stage 4 leavers" in own or "no key stage 4 leavers" in own.lower()
    assert SECRET_SURNAME not in own


def test_the_consortium_is_refused(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    assert client.get(url(cast.p1)).status_code == 403


@pytest.mark.parametrize("who", ["p1_governor", "ab1_admin", "assessor_assigned"])
def test_governors_and_assessors_see_the_aggregates_and_no_names(cast: Cast, client: Client, who: str) -> None:
    year = cohort_years()[1]
    made_up_cohort(cast.p1, year)
    dfe_rows_for(year)
    client.force_login(cast.user(who))
    page = client.get(url(cast.p1)).content.decode()
    headline = tables_of(page)[f"{year_label(year)} leavers: destinations in the year after leaving"]
    assert row_of(headline, "Sustained education, apprenticeship or employment")[1:3] == ["9", "75%"]
    assert SECRET_SURNAME not in page


# --- Query count ---------------------------------------------------------------------------------


def _leavers_with_destinations(school: Provider, size: int) -> None:
    for year in cohort_years():
        for n, learner in enumerate(leavers(school, year, size, pupil_premium=n_even(size))):
            record(learner, C.FE_COLLEGE if n % 2 else C.APPRENTICESHIP)
            if n % 3 == 0:
                record(learner, C.EMPLOYMENT, kind=rules.Kind.INTENDED, on=learner.left_on.replace(month=2))


def n_even(size: int) -> bool:
    return size % 2 == 0


def _queries(client: Client, school: Provider) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(school))
    assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_cohort(cast: Cast, client: Client) -> None:
    for year in cohort_years():
        dfe_rows_for(year)
    client.force_login(cast.p1_leader)
    _leavers_with_destinations(cast.p1, 2)
    small = _queries(client, cast.p1)
    _leavers_with_destinations(cast.p1, 45)
    large = _queries(client, cast.p1)
    assert large == small
    assert "47 learners in the cohort" in client.get(url(cast.p1)).content.decode()


def test_the_providers_navigation_leads_a_governor_to_the_analysis(cast: Cast, client: Client) -> None:
    client.force_login(cast.p1_governor)
    overview = client.get(reverse("organisations:provider_detail", args=[cast.p1.urn])).content.decode()
    assert f'href="{url(cast.p1)}">Destinations analysis</a>' in overview
    page = client.get(url(cast.p1)).content.decode()
    assert f'href="{url(cast.p1)}" aria-current="page">Destinations analysis</a>' in page


def test_staff_reach_the_analysis_from_destinations_which_stays_highlighted_on_it(cast: Cast, client: Client) -> None:
    client.force_login(cast.p1_leader)
    page = client.get(url(cast.p1)).content.decode()
    home = reverse("destinations:home", args=[cast.p1.urn])
    assert f'href="{home}" aria-current="page">Destinations</a>' in page
    assert ">Destinations analysis</a>" not in page  # one item in their menu, not two
