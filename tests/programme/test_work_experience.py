"""The work-experience guarantee page: who is below target, by year group and group, its CSV,
who may see names, and a query count that does not grow with the roll."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.domain.academic import academic_year_of, year_start
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme import actions
from qic.programme.models import Activity, Participation
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = timezone.localdate()
CURRENT = academic_year_of(TODAY)
THIS_YEAR = year_start(CURRENT)  # the first day of this academic year: never in the future
LAST_YEAR = dt.date(CURRENT, 3, 1)  # in the previous academic year


def upn(n: int) -> str:
    body = f"8889011{n:05d}"
    return upn_check_letter(body) + body


def pupil(cast: Cast, n: int, year_group: int, forename: str, **fields: object) -> Learner:
    values: dict[str, object] = {
        "upn": upn(n),
        "forename": forename,
        "surname": "Pupil",
        "date_of_birth": dt.date(CURRENT - year_group - 4, 1, 15),
        "year_group": year_group,
        "year_group_recorded_in": CURRENT,
    }
    provider = fields.pop("provider", cast.p1)
    values.update(fields)
    return make_learner(provider, **values)  # type: ignore[arg-type]


def placement(provider: object, hours: str, on: dt.date, *, meaningful: bool = True, title: str = "") -> Activity:
    return make_activity(
        provider,  # type: ignore[arg-type]
        title=title or f"Placement {hours} h",
        activity_type="workplace_experience",
        subtype="work_experience",
        date=on,
        hours=Decimal(hours),
        employer_feedback=meaningful,
    )


def attend(activity: Activity, *learners: Learner, absent: tuple[Learner, ...] = ()) -> None:
    actions.record_participation(
        activity=activity, attended=[x.pk for x in learners], absent=[x.pk for x in absent], actor=SystemActor("tests")
    )


@pytest.fixture
def school(cast: Cast) -> dict[str, Learner]:
    """Amy (Y11, disadvantaged) 10 hours; Ben (Y11, SEN support) 40; Cat (Y8, EHC plan) none;
    Dan (Y7) none; Eve left last week; Fay is in Year 12; Zed is another school's pupil."""
    amy = pupil(cast, 1, 11, "Amy", pupil_premium=True)
    ben = pupil(cast, 2, 11, "Ben", sen_support=True)
    cat = pupil(cast, 3, 8, "Cat", ehc_plan=True)
    dan = pupil(cast, 4, 7, "Dan")
    eve = pupil(cast, 5, 9, "Eve", looked_after=True, left_on=TODAY - dt.timedelta(days=7))
    fay = pupil(cast, 6, 12, "Fay")
    zed = pupil(cast, 7, 11, "Zed", provider=cast.p2)
    attend(placement(cast.p1, "10", LAST_YEAR), amy, ben, eve, fay)
    attend(placement(cast.p1, "15", LAST_YEAR), ben)
    attend(placement(cast.p1, "15", THIS_YEAR), ben, fay)
    attend(placement(cast.p1, "30", THIS_YEAR, title="Missed week"), absent=(amy, cat))
    attend(placement(cast.p1, "20", THIS_YEAR, meaningful=False, title="Not meaningful"), amy, cat)
    attend(placement(cast.p2, "50", THIS_YEAR), zed)
    return {"amy": amy, "ben": ben, "cat": cat, "dan": dan, "eve": eve, "fay": fay, "zed": zed}


def page(client: Client, cast: Cast, query: str = "") -> str:
    response = client.get(f"/providers/{cast.p1.urn}/work-experience/{query}")
    assert response.status_code == 200
    return response.content.decode()


def row_containing(html: str, text: str) -> str:
    rows = [row for row in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, re.S) if text in row]
    assert len(rows) == 1, (text, len(rows))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0])).strip()


def section(html: str, heading: str) -> str:
    """The part of the page under one h2 heading."""
    return html.split(f">{heading}</h2>", 1)[1].split("<h2", 1)[0]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_leader_sees_who_is_below_target_with_their_hours_and_gap(
    client: Client, cast: Cast, school: dict[str, Learner]
) -> None:
    client.force_login(cast.p1_leader)
    html = page(client, cast)
    assert "50 hours of meaningful workplace experience across Key Stages 3 and 4: 25 hours in Years 7 to 9" in html
    # Amy: 10 KS4 hours (the absent week and the non-meaningful one do not count); 37.5 expected.
    assert row_containing(html, "Pupil, Amy") == "Pupil, Amy 11 Disadvantaged (pupil premium or FSM) 0 10 37.5 27.5"
    assert row_containing(html, "Pupil, Cat") == "Pupil, Cat 8 SEND (SEN support or EHC plan) 0 0 8.3 8.3"
    for name in ("Pupil, Ben", "Pupil, Dan", "Pupil, Eve", "Pupil, Fay", "Zed"):
        assert name not in html  # not behind, not behind yet, left, past Year 11, another school
    assert "2 of the 2 pupils below target" in html
    assert f'<a class="govuk-link" href="/providers/{cast.p1.urn}/learners/{school["amy"].pk}/">Pupil, Amy</a>' in html
    years = section(html, "By year group")
    assert row_containing(years, "Year 11") == "Year 11 2 50 25 1 0"
    assert row_containing(years, "Year 8") == "Year 8 1 0 0 1 0"
    assert row_containing(years, "Year 9") == "Year 9 0 0 – 0 0"  # Eve has left
    assert row_containing(html, "All pupils in Years 7 to 11") == "All pupils in Years 7 to 11 4 2 9"
    assert row_containing(html, "Looked after") == "Looked after 0 0 –"
    event = AuditEvent.objects.get(action="work_experience.behind_viewed")
    assert event.after is not None
    assert event.after["learner_ids"] == sorted([school["amy"].pk, school["cat"].pk])


def test_the_page_is_linked_from_the_school_navigation(client: Client, cast: Cast, school: dict[str, Learner]) -> None:
    client.force_login(cast.p1_governor)
    html = page(client, cast)
    assert f'href="/providers/{cast.p1.urn}/work-experience/" aria-current="page">Work experience</a>' in html


def test_a_governor_sees_the_figures_but_no_names(client: Client, cast: Cast, school: dict[str, Learner]) -> None:
    client.force_login(cast.p1_governor)
    html = page(client, cast)
    assert "Amy" not in html
    assert "Cat" not in html
    # A group of one pupil is marked and, to a governor, not given: it would describe that pupil.
    assert row_containing(html, "Disadvantaged") == "Disadvantaged (pupil premium or FSM) fewer than 10 pupils – – –"
    assert "Names are shown to the school's own staff only." in html
    # Nor may a governor narrow the pupils' rows to a group: the filter is not offered or obeyed.
    assert 'name="group"' not in html
    assert page(client, cast, "?group=disadvantaged").count("<td") == html.count("<td")
    assert not AuditEvent.objects.filter(action="work_experience.behind_viewed").exists()
    content = client.get(f"/providers/{cast.p1.urn}/work-experience/below-target.csv").content
    rows = csv_rows(content)
    assert rows[0] == [
        "Year group",
        "KS3 hours",
        "KS4 hours",
        "Total hours",
        "Expected by now",
        "Gap (hours)",
        "Hours to the target",
    ]
    assert rows[1:] == [
        ["11", "0.0", "10.0", "10.0", "37.5", "27.5", "40.0"],
        ["8", "0.0", "0.0", "0.0", "8.3", "8.3", "50.0"],
    ]
    assert b"Amy" not in content


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("?group=send", ["Cat"]),
        ("?group=disadvantaged", ["Amy"]),
        ("?group=looked_after", []),
        ("?year_group=11", ["Amy"]),
        ("?year_group=8&group=send", ["Cat"]),
        ("?year_group=99&group=%3Cscript%3E", ["Amy", "Cat"]),  # nonsense is ignored
        ("?year_group=-1&group=", ["Amy", "Cat"]),
        ("?year_group=%C2%B2&group=send&group=disadvantaged", ["Amy"]),  # "²"; the last group wins
    ],
)
def test_filters_by_year_group_and_group(
    client: Client, cast: Cast, school: dict[str, Learner], query: str, listed: list[str]
) -> None:
    client.force_login(cast.p1_staff)
    html = page(client, cast, query)
    assert [name for name in ("Amy", "Cat") if f"Pupil, {name}" in html] == listed
    rows = csv_rows(client.get(f"/providers/{cast.p1.urn}/work-experience/below-target.csv{query}").content)
    assert [row[0] for row in rows[1:]] == [f"Pupil, {name}" for name in listed]


def test_the_csv_names_learners_for_staff_and_records_the_read(
    client: Client, cast: Cast, school: dict[str, Learner]
) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/providers/{cast.p1.urn}/work-experience/below-target.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    assert rows[0][:4] == ["Learner", "UPN", "Year group", "Groups"]
    assert rows[1] == [
        "Pupil, Amy",
        school["amy"].upn,
        "11",
        "Disadvantaged (pupil premium or FSM)",
        "0.0",
        "10.0",
        "10.0",
        "37.5",
        "27.5",
        "40.0",
    ]
    event = AuditEvent.objects.get(action="work_experience.behind_exported")
    assert event.after is not None
    assert event.after["count"] == 2
    client.get(f"/providers/{cast.p1.urn}/work-experience/below-target.csv?group=send&year_group=8")
    event = AuditEvent.objects.filter(action="work_experience.behind_exported").latest("pk")
    assert event.after is not None
    assert (event.after["learner_ids"], event.after["group"], event.after["year_group"]) == (
        [school["cat"].pk],
        "send",
        8,
    )


def test_a_future_dated_placement_does_not_count_yet(client: Client, cast: Cast, school: dict[str, Learner]) -> None:
    # A register cannot be kept for a future activity; one dated today then moved ahead is the case.
    activity = placement(cast.p1, "40", TODAY, title="Next week")
    attend(activity, school["amy"])
    Activity.objects.filter(pk=activity.pk).update(date=TODAY + dt.timedelta(days=7))
    client.force_login(cast.p1_leader)
    assert row_containing(page(client, cast), "Pupil, Amy").endswith("37.5 27.5")
    Activity.objects.filter(pk=activity.pk).update(date=TODAY)
    assert "Pupil, Amy" not in page(client, cast)  # 50 hours now: not behind


def test_the_target_is_a_setting(client: Client, cast: Cast, school: dict[str, Learner], settings: object) -> None:
    settings.QIC_WORK_EXPERIENCE_TARGET_HOURS = Decimal(60)  # type: ignore[attr-defined]
    client.force_login(cast.p1_leader)
    html = page(client, cast)
    assert "60 hours of meaningful workplace experience across Key Stages 3 and 4: 30 hours in Years 7 to 9" in html
    assert row_containing(html, "Pupil, Ben").endswith("0 40 45 5")  # 45 expected in Year 11 now


@pytest.mark.parametrize("provider_type", ["fe_college", "sixth_form_college", "primary"])
def test_colleges_and_primary_schools_are_told_the_guarantee_is_for_ks3_and_ks4(
    client: Client, cast: Cast, school: dict[str, Learner], provider_type: str
) -> None:
    cast.p1.provider_type = provider_type
    cast.p1.save()
    client.force_login(cast.p1_leader)
    html = page(client, cast)
    assert "The work-experience guarantee is for pupils in Key Stages 3 and 4 (Years 7 to 11)." in html
    assert "Amy" not in html
    assert ">Work experience</a>" not in html  # not in the navigation either
    assert client.get(f"/providers/{cast.p1.urn}/work-experience/below-target.csv").status_code == 404


@pytest.mark.parametrize(("name", "status"), [("p2_leader", 404), ("consortium", 403), ("assessor_assigned", 200)])
def test_who_sees_the_page(client: Client, cast: Cast, school: dict[str, Learner], name: str, status: int) -> None:
    client.force_login(cast.user(name))
    assert client.get(f"/providers/{cast.p1.urn}/work-experience/").status_code == status


# --- Query counts ---------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm any per-process caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/providers/{urn}/work-experience/", "/providers/{urn}/work-experience/below-target.csv"]
)
def test_the_page_makes_the_same_number_of_queries_for_2_or_40_learners(client: Client, cast: Cast, url: str) -> None:
    visit = placement(cast.p1, "2.5", THIS_YEAR, title="Visit")
    week = placement(cast.p1, "25", LAST_YEAR, title="Week")

    def grow(start: int, stop: int) -> None:
        learners = [
            pupil(cast, 100 + n, 7 + (n + 1) % 5, f"Pupil{n}", pupil_premium=n % 3 == 0, sen_support=n % 4 == 0)
            for n in range(start, stop)
        ]
        attend(visit, *learners[::2])
        attend(week, *learners[1::3])

    client.force_login(cast.p1_leader)
    url = url.format(urn=cast.p1.urn)
    grow(0, 2)  # a Year 8 pupil behind (2.5 hours), so the named list and its audit read are counted
    few = count_queries(client, url)
    grow(2, 40)
    assert Learner.objects.filter(provider=cast.p1).count() == 40
    assert Participation.objects.filter(activity__provider=cast.p1).count() > 20
    assert count_queries(client, url) == few


# --- The demo ---------------------------------------------------------------------------------------


def test_the_demo_school_has_a_tally_with_gaps_in_the_groups(client: Client, cast: Cast) -> None:
    from qic.demo.careers import build_careers_programme
    from qic.demo.work_experience import build_work_experience

    years = list(range(CURRENT - 4, CURRENT + 1))
    build_careers_programme(cast.p1, years=years, cohort_size=30, today=TODAY, seed=990001)
    assert build_work_experience(cast.p1, years=years, today=TODAY, seed=990001) > 0
    assert not Activity.objects.filter(provider=cast.p1, date__gt=TODAY).exists()
    client.force_login(cast.p1_leader)
    html = page(client, cast)
    groups = section(html, "By group")
    for label in ("Disadvantaged (pupil premium or FSM)", "SEND (SEN support or EHC plan)"):
        # (The leader sees a small group's figures, marked "fewer than 10 pupils".)
        cells = row_containing(groups, label).removeprefix(label).removeprefix(" fewer than 10 pupils")
        pupils, behind, mean_gap = cells.split()
        assert int(pupils) > int(behind) > 0, label  # some, not all, are below target
        assert Decimal(mean_gap) > 0
    everyone = row_containing(groups, "All pupils in Years 7 to 11").split()
    assert int(everyone[-2]) < int(everyone[-3])  # most pupils are on track


# --- The migration from days to hours ------------------------------------------------------------


def test_days_recorded_before_become_hours_at_five_a_day(transactional_db: None, cast: Cast) -> None:
    from django.db.migrations.executor import MigrationExecutor

    before = [("programme", "0003_api_token_scope_and_expiry")]
    week = placement(cast.p1, "25", LAST_YEAR, title="Week")
    visit = make_activity(cast.p1, title="Talk")  # no hours, no days
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("programme", "Activity")
        assert old.objects.get(pk=week.pk).days == Decimal(5)  # going back: 25 hours were 5 days
        old.objects.filter(pk=week.pk).update(days=Decimal("3.5"))
        long = old.objects.get(pk=week.pk)
        long.pk = None
        long.days = Decimal(45)  # more than 200 hours
        long.save()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # every app back to its latest
    assert Activity.objects.get(pk=week.pk).hours == Decimal("17.5")
    assert Activity.objects.get(pk=long.pk).hours == Decimal(200)
    assert Activity.objects.get(pk=visit.pk).hours is None
