"""The Provider Access page, its CSV and policy statement, and marking activities as
provider-access encounters (issue 10, item 4)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme import actions
from qic.programme.models import Activity, ProviderAccessStatement
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)
LAST_YEAR_OCT = dt.date(YEAR - 1, 10, 1)
LAST_YEAR_NOV = dt.date(YEAR - 1, 11, 1)
# The Year 9s' first key phase closes on 28 February this academic year.
Y9_DEADLINE = dt.date(YEAR + 1, 2, 28)
FULL_ACCESS: dict[str, Any] = {
    "provider_access": True,
    "access_provider_type": "fe_college",
    "in_school_day": True,
    "access_covers_provider": True,
    "access_covers_careers": True,
    "access_covers_learning": True,
    "access_covers_questions": True,
}


def upn(n: int) -> str:
    body = f"8889011{n:05d}"
    return upn_check_letter(body) + body


def pupil(provider: Any, n: int, forename: str, surname: str, year_group: int, **fields: Any) -> Learner:
    return make_learner(
        provider,
        upn=upn(n),
        forename=forename,
        surname=surname,
        year_group=year_group,
        year_group_recorded_in=YEAR,
        date_of_birth=dt.date(YEAR - year_group - 5, 3, 1),
        **fields,
    )


def encounter(provider: Any, day: dt.date, **fields: Any) -> Activity:
    values = {
        "title": f"College visit {day}",
        "activity_type": "provider_encounter",
        "subtype": "fe_college",
        "date": day,
        "shared_purpose": True,
        "two_way": True,
        "reflection": True,
    } | FULL_ACCESS
    values.update(fields)
    return make_activity(provider, **values)


def attend(activity: Activity, *learners: Learner) -> None:
    actions.record_participation(
        activity=activity, attended=[x.pk for x in learners], absent=[], actor=SystemActor("tests")
    )


@pytest.fixture
def school(cast: Cast) -> dict[str, Learner]:
    """Year 9 (first key phase, in its final year): Amy went to two encounters, Ben to one that
    counts and one held after school, Cat to none; Eve went to two but left last term. Dan is in
    Year 10 and Gus in Year 12. Zed is the same age at another school."""
    learners = {
        "amy": pupil(cast.p1, 1, "Amy", "Archer", 9),
        "ben": pupil(cast.p1, 2, "Ben", "Baker", 9),
        "cat": pupil(cast.p1, 3, "Cat", "Cooper", 9),
        "eve": pupil(cast.p1, 4, "Eve", "Evans", 9, left_on=TODAY - dt.timedelta(days=30)),
        "dan": pupil(cast.p1, 5, "Dan", "Dawson", 10),
        "gus": pupil(cast.p1, 6, "Gus", "Green", 12),
        "zed": pupil(cast.p2, 7, "Zed", "Zephyr", 9),
    }
    planned = encounter(cast.p1, LAST_YEAR_OCT, year_groups=[8])
    attended_only = encounter(cast.p1, LAST_YEAR_NOV)
    evening = encounter(cast.p1, LAST_YEAR_NOV, title="Open evening", in_school_day=False)
    attend(planned, learners["amy"], learners["ben"], learners["eve"], learners["dan"])
    attend(attended_only, learners["amy"], learners["eve"])
    attend(evening, learners["ben"], learners["cat"])
    return learners


def row_for(html: str, heading: str) -> str:
    start = html.index(heading)
    return html[start : html.index("</tr>", start)]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def page_url(cast: Cast) -> str:
    return f"/providers/{cast.p1.urn}/provider-access/"


# --- The page ----------------------------------------------------------------------------------


def test_the_careers_leader_sees_each_cohort_and_the_year_9s_who_lack_two(
    client: Client, cast: Cast, school: dict[str, Learner]
) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(page_url(cast)).content.decode()
    year9 = row_for(html, "Year 9 <span")
    assert "First key phase" in year9
    assert f"{dt.date(YEAR - 1, 9, 1):%-d %B %Y} to {Y9_DEADLINE:%-d %B %Y}" in year9
    assert "2 of 2" in year9  # one planned for Year 8 last year, one attended by Amy
    assert "(3 pupils)" in year9  # Eve has left
    expected = "Behind" if TODAY <= Y9_DEADLINE else "Deadline passed with gaps"
    assert expected in year9
    # Dan's Year 9 encounter belongs to the first phase; the second opened on 1 September.
    year10 = row_for(html, "Year 10 <span")
    assert "Second key phase" in year10
    assert "0 of 2" in year10
    year12 = row_for(html, "Year 12 <span")
    assert "Third key phase" in year12
    assert "not counted" in year12
    names = html[html.index("Pupils who still lack two") :]
    assert "Baker, Ben" in names
    assert "Cooper, Cat" in names
    assert "Dawson, Dan" in names
    for absent in ("Archer", "Evans", "Zephyr", "Green"):
        assert absent not in html
    assert "1 marked as provider access does not count" in html
    event = AuditEvent.objects.get(action="provider_access.viewed")
    assert event.after["learner_ids"] == sorted(school[n].pk for n in ("ben", "cat", "dan"))


def test_a_governor_sees_the_figures_but_no_names(client: Client, cast: Cast, school: dict[str, Learner]) -> None:
    client.force_login(cast.p1_governor)
    html = client.get(page_url(cast)).content.decode()
    assert "2 of 2" in row_for(html, "Year 9 <span")
    assert "3 pupils in the mandatory phases still lack two encounters" in html
    assert "Baker" not in html
    assert "Download the list" not in html
    assert not AuditEvent.objects.filter(action="provider_access.viewed").exists()


def test_the_csv_lists_the_same_pupils_and_is_logged(client: Client, cast: Cast, school: dict[str, Learner]) -> None:
    client.force_login(cast.p1_staff)
    response = client.get(f"/providers/{cast.p1.urn}/provider-access/pupils.csv")
    rows = csv_rows(response.content)
    assert rows[0][:5] == ["Year group", "Key phase", "Deadline", "Surname", "Forename"]
    assert [(r[0], r[3], r[7], r[8]) for r in rows[1:]] == [
        ("9", "Baker", "1", "1"),
        ("9", "Cooper", "0", "2"),
        ("10", "Dawson", "0", "2"),
    ]
    assert rows[1][2] == Y9_DEADLINE.isoformat()
    assert AuditEvent.objects.get(action="provider_access.exported").after["count"] == 3


def test_a_governor_cannot_download_names(client: Client, cast: Cast, school: dict[str, Learner]) -> None:
    client.force_login(cast.p1_governor)
    assert client.get(f"/providers/{cast.p1.urn}/provider-access/pupils.csv").status_code == 403


def test_a_college_is_told_the_duty_is_a_schools(client: Client, cast: Cast) -> None:
    cast.p2.provider_type = "fe_college"
    cast.p2.save()
    pupil(cast.p2, 8, "Yan", "Young", 12)
    client.force_login(cast.p2_leader)
    html = client.get(f"/providers/{cast.p2.urn}/provider-access/").content.decode()
    assert "duty on schools" in html
    assert "Young" not in html
    assert "<form" not in html.split("<main")[-1]
    assert client.get(f"/providers/{cast.p2.urn}/provider-access/pupils.csv").status_code == 404
    assert "provider-access" not in client.get(f"/providers/{cast.p2.urn}/").content.decode()


def test_a_future_encounter_does_not_count_yet(client: Client, cast: Cast) -> None:
    pupil(cast.p1, 9, "Fay", "Fisher", 9)
    encounter(cast.p1, TODAY + dt.timedelta(days=7), year_groups=[9])
    client.force_login(cast.p1_leader)
    assert "0 of 2" in row_for(client.get(page_url(cast)).content.decode(), "Year 9 <span")


def add_pupils(cast: Cast, start: int, stop: int) -> list[Learner]:
    return [pupil(cast.p1, 100 + n, f"P{n}", f"Pupil{n:03d}", 7 + n % 7) for n in range(start, stop)]


def count_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_takes_the_same_number_of_queries_for_2_and_40_pupils(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    first = encounter(cast.p1, LAST_YEAR_OCT, year_groups=[8])
    attend(first, *add_pupils(cast, 0, 2))
    export_url = f"/providers/{cast.p1.urn}/provider-access/pupils.csv"
    few = count_queries(client, page_url(cast)), count_queries(client, export_url)
    second = encounter(cast.p1, LAST_YEAR_NOV)
    attend(second, *add_pupils(cast, 2, 40))
    many = count_queries(client, page_url(cast)), count_queries(client, export_url)
    assert few == many


# --- The policy statement ----------------------------------------------------------------------


def test_the_careers_leader_records_the_policy_statement(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    url = "https://www.alpha.sch.uk/careers/provider-access"
    response = client.post(page_url(cast), {"url": url})
    assert response.status_code == 302
    assert ProviderAccessStatement.objects.get(provider=cast.p1).url == url
    event = AuditEvent.objects.get(action="provider_access_statement.recorded")
    assert event.after == {"url": url}
    assert event.before is None
    assert url in client.get(page_url(cast)).content.decode()
    client.post(page_url(cast), {"url": url + "-2025"})
    latest = AuditEvent.objects.filter(action="provider_access_statement.recorded").order_by("pk").last()
    assert latest is not None
    assert latest.before == {"url": url}


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "Enter the address of your provider access policy statement"),
        ("not a web address", "Enter a web address, like"),
        ("ftp://files.alpha.sch.uk/policy.pdf", "Enter a web address that starts with https://"),
        ("https://" + "a" * 500 + ".uk", "at most 500 characters"),
    ],
)
def test_a_bad_address_is_reported(client: Client, cast: Cast, value: str, error: str) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(page_url(cast), {"url": value})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not ProviderAccessStatement.objects.exists()


@pytest.mark.parametrize("name", ["p1_staff", "p1_governor"])
def test_only_the_careers_leader_records_the_statement(client: Client, cast: Cast, name: str) -> None:
    client.force_login(getattr(cast, name))
    assert client.post(page_url(cast), {"url": "https://example.org/"}).status_code == 403
    assert not ProviderAccessStatement.objects.exists()


def test_another_schools_leader_cannot_record_it(client: Client, cast: Cast) -> None:
    client.force_login(cast.p2_leader)
    assert client.post(page_url(cast), {"url": "https://example.org/"}).status_code == 404


# --- Marking an activity -----------------------------------------------------------------------


def activity_post(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Apprenticeships talk",
        "activity_type": "provider_encounter",
        "subtype": "apprenticeship",
        "date": LAST_YEAR_OCT.isoformat(),
        "partner": "North Training Ltd",
        "shared_purpose": "on",
        "two_way": "on",
        "reflection": "on",
        "provider_access": "on",
        "access_provider_type": "training_provider",
        "in_school_day": "on",
        "access_content": [
            "access_covers_provider",
            "access_covers_careers",
            "access_covers_learning",
            "access_covers_questions",
        ],
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_a_marked_encounter_is_saved_with_its_four_points(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post())
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.counts_for_provider_access
    assert activity.access_content.missing() == []
    html = client.get(response["Location"]).content.decode()
    assert "Counts as a provider-access encounter" in html
    event = AuditEvent.objects.get(action="activity.created")
    assert event.after["provider_access"] is True
    assert event.after["access_covers_questions"] is True


def test_an_encounter_not_in_the_school_day_is_saved_but_the_page_says_why_it_does_not_count(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.p1_staff)
    post = activity_post(in_school_day=None, access_content=["access_covers_provider"])
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", post, follow=True)
    html = response.content.decode()
    activity = Activity.objects.get()
    assert activity.provider_access
    assert not activity.counts_for_provider_access
    assert "does not count as a provider-access encounter" in html
    assert "not held in the school day" in html
    assert "the careers they lead to" in html


def test_only_a_next_stage_provider_encounter_can_be_marked(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    post = activity_post(activity_type="employer_encounter", subtype="talk")
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", post)
    assert response.status_code == 200
    assert response.context["form"].errors["provider_access"] == [
        "Only an encounter with a next-stage provider can be a provider-access encounter"
    ]
    assert not Activity.objects.exists()


def test_a_marked_encounter_needs_the_kind_of_provider(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(access_provider_type=""))
    assert response.status_code == 200
    assert "access_provider_type" in response.context["form"].errors


def test_the_form_shows_the_provider_access_section_with_what_was_recorded(client: Client, cast: Cast) -> None:
    activity = encounter(cast.p1, LAST_YEAR_OCT, access_covers_questions=False)
    client.force_login(cast.p1_staff)
    html = client.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    assert '<h2 class="govuk-heading-m" id="provider-access">Provider Access</h2>' in html
    assert re.search(r'value="access_covers_careers"[^>]*checked>', html)
    assert re.search(r'value="access_covers_questions"[^>]*"id_access_content-hint">', html)
    assert "What the encounter covered</legend>" in html


# --- Portfolio evidence and the demo -----------------------------------------------------------


def test_the_portfolio_item_shows_the_statement_and_the_encounter_summary(
    client: Client, cast: Cast, school: dict[str, Learner], edition: Any
) -> None:
    from tests.factories import make_round

    accreditation = make_round(cast, "committed")
    url = "https://www.alpha.sch.uk/careers/provider-access"
    actions.record_access_statement(provider=cast.p1, url=url, actor=cast.p1_leader)
    client.force_login(cast.assessor_assigned)
    html = client.get(f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/").content.decode()
    item = html[html.index("Provider access policy statement</dt>") :]
    item = item[: item.index("</dd>")]
    assert f'href="{url}"' in item
    assert f"Year 9: first key phase, 2 of 2 held, deadline {Y9_DEADLINE:%-d %B %Y}" in item
    assert "(2 of 3 pupils lack two)" in item
    assert "Baker, Ben" not in html
    assert "Cooper" not in html


def test_the_demo_school_is_behind_in_one_phase_and_complete_in_another(cast: Cast) -> None:
    from qic.demo.careers import build_careers_programme
    from qic.demo.provider_access import build_provider_access
    from qic.domain.provider_access import AccessPhase, AccessStatus
    from qic.programme.provider_access_queries import provider_access_summary

    today = dt.date(2026, 12, 3)
    build_careers_programme(cast.p1, years=[2024, 2025, 2026], cohort_size=12, today=today, seed=3)
    build_provider_access(cast.p1, today=today)
    cohorts = {c.year_group: c for c in provider_access_summary(cast.p1, today=today).cohorts}
    assert cohorts[9].window.phase == AccessPhase.FIRST
    assert cohorts[9].window.deadline == dt.date(2027, 2, 28)
    assert cohorts[9].status == AccessStatus.BEHIND
    assert cohorts[9].short
    assert cohorts[11].status == AccessStatus.COMPLETE
    assert not cohorts[11].short
    assert cohorts[13].status == AccessStatus.COMPLETE
    assert ProviderAccessStatement.objects.filter(provider=cast.p1).exists()
    marked = Activity.objects.filter(provider=cast.p1, provider_access=True).count()
    build_provider_access(cast.p1, today=today)  # a second run adds nothing
    assert Activity.objects.filter(provider=cast.p1, provider_access=True).count() == marked
