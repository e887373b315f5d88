"""Recording destinations per learner (issue 16, item 1): the careers leader's hub of leaving
cohorts, a cohort's learners, and each learner's destinations with add, change and remove."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qic.core.models import AuditEvent
from qic.core.stale import seen_value
from qic.destinations import entry_actions
from qic.destinations.models import Destination
from qic.domain.provider_types import ProviderType
from qic.programme.data_protection import anonymise_learner
from tests.conftest import Cast
from tests.destinations.entry_factories import current_year, destination, known_cohort, last_cohort, leaver, today
from tests.factories import ProviderFactory, leader_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.p1_leader)
    return client


def _date_fields(day: dt.date, name: str = "recorded_on") -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _row(page: str, row_id: str) -> str:
    found = re.search(rf'<tr class="govuk-table__row" id="{row_id}">(.*?)</tr>', page, re.S)
    assert found is not None, row_id
    return found.group(1)


def _cells(row: str) -> list[str]:
    """The row's cells as read on screen (visually hidden text left out)."""
    shown = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", row)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", shown, re.S)]


# --- The hub -----------------------------------------------------------------------------------------


def test_the_hub_counts_each_cohort_and_what_is_left_to_record(cast: Cast, leader: Client) -> None:
    year, now = last_cohort(), current_year()
    went = leaver(cast.p1, 1, year=year, forename="Went")
    destination(went, on=dt.date(year + 1, 9, 1), sustained=None)
    planned = leaver(cast.p1, 2, year=year, forename="Planned")
    destination(planned, kind="intended", category="appren", on=dt.date(year + 1, 3, 1))
    leaver(cast.p1, 3, year=year, forename="Nothing")
    still = leaver(cast.p1, 4, year=now, forename="Still")
    destination(still, kind="intended", category="ssf", on=today())
    leaver(cast.p1, 5, year=now, forename="Undecided")
    leaver(cast.p2, 6, year=year, forename="Elsewhere")  # another school's leaver: not counted

    page = leader.get(reverse("destinations:home", args=[cast.p1.urn])).content.decode()

    # Learners, recorded for year 1, stayed on, to do, intended.
    assert _cells(_row(page, f"cohort-ks4-{year}")) == ["3", "1", "0", "2", "1"]
    current = _cells(_row(page, f"cohort-ks4-{now}"))
    assert current[0] == "2"
    assert current[3:] == ["1", "1"]
    assert "Not left yet" in _row(page, f"cohort-ks4-{now}")
    assert f"?stage=ks4&amp;year={year}&amp;missing=1" in page
    # No one is in a 16–18 cohort, so the stage is not listed.
    assert "16–18 leavers" not in page
    assert "Import destinations from a CSV file" in page
    # The hub names nobody.
    for name in ("Went", "Planned", "Nothing", "Still", "Elsewhere"):
        assert name not in page


def test_a_year_11_leaver_still_on_roll_in_year_12_counts_as_stayed_on_not_to_do(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    leaver(cast.p1, 1, year=year, left=False, forename="Stayer")
    page = leader.get(reverse("destinations:home", args=[cast.p1.urn])).content.decode()
    assert _cells(_row(page, f"cohort-ks4-{year}")) == ["1", "0", "1", "0", "0"]


def test_the_hub_lists_16_to_18_cohorts(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    leaver(cast.p1, 1, year=year, final=13)
    page = leader.get(reverse("destinations:home", args=[cast.p1.urn])).content.decode()
    assert "16–18 leavers" in page
    assert _cells(_row(page, f"cohort-16-18-{year}"))[:1] == ["1"]


def test_the_hub_says_so_when_nobody_is_in_a_leaving_cohort(cast: Cast, leader: Client) -> None:
    page = leader.get(reverse("destinations:home", args=[cast.p1.urn])).content.decode()
    assert "No learner on your records is in a leaving cohort" in page


def test_staff_read_the_hub_but_cannot_import(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.p1_staff)
    page = client.get(reverse("destinations:home", args=[cast.p1.urn]))
    assert page.status_code == 200
    assert "Import destinations" not in page.content.decode()


def test_the_navigation_links_the_hub_except_for_primary_schools(cast: Cast, leader: Client) -> None:
    page = leader.get(reverse("organisations:provider_detail", args=[cast.p1.urn])).content.decode()
    assert f'href="{reverse("destinations:home", args=[cast.p1.urn])}"' in page
    primary = ProviderFactory(provider_type=ProviderType.PRIMARY.value, phase="Primary")
    client = Client()
    client.force_login(leader_of(primary))
    page = client.get(reverse("organisations:provider_detail", args=[primary.urn])).content.decode()
    assert "/destinations/" not in page
    explained = client.get(reverse("destinations:home", args=[primary.urn]))
    assert explained.status_code == 200
    assert "do not apply" in explained.content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _grow(provider: Any, start: int, count: int, year: int) -> None:
    for n in range(start, start + count):
        learner = leaver(provider, n, year=year)
        destination(learner, on=dt.date(year + 1, 9, 1), sustained=True)
        destination(learner, kind="intended", category="he", on=dt.date(year, 11, 1))
    for n in range(start + count, start + 2 * count):
        leaver(provider, n, year=current_year())
        leaver(provider, n + 500, year=year - 1, final=13)


def test_the_hub_and_the_cohort_list_keep_a_fixed_number_of_queries(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    _grow(cast.p1, 1, 2, year)
    hub = reverse("destinations:home", args=[cast.p1.urn])
    cohort = f"{reverse('destinations:cohort', args=[cast.p1.urn])}?stage=ks4&year={year}"
    leader.get(hub)
    small_hub, small_cohort = _queries(leader, hub), _queries(leader, cohort)
    _grow(cast.p1, 100, 30, year)
    assert _queries(leader, hub) == small_hub
    assert _queries(leader, cohort) == small_cohort
    page = leader.get(cohort).content.decode()
    assert len(re.findall(rf"/providers/{cast.p1.urn}/learners/\d+/destinations/", page)) == 2 + 30


# --- A cohort's learners ---------------------------------------------------------------------------


def test_a_cohort_lists_its_learners_with_each_year_and_filters_those_with_nothing(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    went = leaver(cast.p1, 1, year=year, forename="Ada", surname="Went")
    destination(went, kind="intended", category="sfc", on=dt.date(year, 12, 1))
    destination(went, on=dt.date(year + 1, 9, 1), category="sfc", sustained=False)
    nothing = leaver(cast.p1, 2, year=year, forename="Ben", surname="Nothing")
    url = f"{reverse('destinations:cohort', args=[cast.p1.urn])}?stage=ks4&year={year}"

    page = leader.get(url).content.decode()
    assert "Went, Ada" in page
    assert "Nothing, Ben" in page
    assert "Sixth-form college" in page
    assert "not sustained" in page
    assert "Year 3 after leaving" in page
    assert reverse("destinations:learner", args=[cast.p1.urn, went.pk]) in page
    event = AuditEvent.objects.filter(action="destinations.cohort_viewed").latest("id")
    assert event.after["learner_ids"] == sorted([went.pk, nothing.pk])
    assert event.learner_data

    missing = leader.get(url + "&missing=1").content.decode()
    assert "Nothing, Ben" in missing
    assert "Went, Ada" not in missing
    latest = AuditEvent.objects.filter(action="destinations.cohort_viewed").latest("id")
    assert latest.after["learner_ids"] == [nothing.pk]


def test_the_current_cohort_shows_intended_destinations_only(cast: Cast, leader: Client) -> None:
    now = current_year()
    learner = leaver(cast.p1, 1, year=now, forename="Cara", surname="Planning")
    destination(learner, kind="intended", category="appren", on=today())
    page = leader.get(f"{reverse('destinations:cohort', args=[cast.p1.urn])}?stage=ks4&year={now}").content.decode()
    assert "Apprenticeship" in page
    assert "after leaving" not in page


def test_the_cohort_page_shows_last_years_year_11_leavers_unless_asked(cast: Cast, leader: Client) -> None:
    leaver(cast.p1, 1, year=last_cohort(), forename="Lastyear", surname="Leaver")
    page = leader.get(reverse("destinations:cohort", args=[cast.p1.urn])).content.decode()
    assert "Leaver, Lastyear" in page
    assert f"Year 11 in {last_cohort()}/" in page


@pytest.mark.parametrize("query", ["stage=ks3&year=2024", "stage=ks4&year=1999", "stage=ks4&year=x", "stage="])
def test_a_cohort_that_is_not_one_of_the_hubs_is_not_found(cast: Cast, leader: Client, query: str) -> None:
    assert leader.get(f"{reverse('destinations:cohort', args=[cast.p1.urn])}?{query}").status_code == 404


# --- One learner's destinations ----------------------------------------------------------------------


def test_a_learners_page_lists_every_destination_and_records_the_read(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year, forename="Dee", surname="Parker")
    destination(learner, kind="intended", category="he", on=dt.date(year, 11, 1))
    destination(learner, category="appren", on=dt.date(year + 1, 9, 1), sustained=True, detail="Acme Engineering")
    page = leader.get(reverse("destinations:learner", args=[cast.p1.urn, learner.pk])).content.decode()
    assert "Destinations of Dee Parker" in page
    assert "Higher education" in page
    assert "Apprenticeship" in page
    assert "Acme Engineering" in page
    assert "Year 1 after leaving" in page
    assert f"Key stage 4: Year 11 in {year}/" in page
    assert "Add a destination" in page
    assert "Change" in page
    assert "Remove" in page
    event = AuditEvent.objects.filter(action="learner.destinations_viewed").latest("id")
    assert event.learner_id_ref == learner.pk


def test_the_learners_record_page_shows_their_latest_destinations(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year)
    destination(learner, kind="intended", category="he", on=dt.date(year, 11, 1))
    destination(learner, category="work", on=dt.date(year + 1, 9, 1), sustained=True)
    page = leader.get(reverse("programme:learner_detail", args=[cast.p1.urn, learner.pk])).content.decode()
    row = page[page.index('id="destinations"') :]
    assert "Intended: Higher education" in row
    assert "Latest actual: Employment" in row
    assert "sustained" in row
    assert "See all 2 destinations" in row


def test_adding_a_destination_saves_it_and_audits_it(cast: Cast, leader: Client) -> None:
    year = known_cohort()  # sustained: known from 31 March after leaving
    learner = leaver(cast.p1, 1, year=year)
    day = dt.date(year + 1, 9, 1)
    response = leader.post(
        reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk]),
        {
            "kind": "actual",
            "category": "fe",
            **_date_fields(day),
            "sustained": "True",
            "detail": "  Preston   College ",
        },
    )
    assert response.status_code == 302
    saved = Destination.objects.get(learner=learner)
    assert (saved.kind, saved.category, saved.recorded_on, saved.sustained) == ("actual", "fe", day, True)
    assert saved.detail == "Preston College"
    assert saved.source == "entry"
    assert saved.created_by == cast.p1_leader
    assert saved.provider == cast.p1
    event = AuditEvent.objects.get(action="destination.created")
    assert event.learner_id_ref == learner.pk
    assert event.after["category"] == "fe"
    assert event.after["detail"] == "Preston College"


def _post_add(client: Client, cast: Cast, learner: Any, **data: Any) -> str:
    response = client.post(reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk]), data)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select whether this destination is intended or actual"),
        ({"kind": "actual"}, "Select the destination"),
        ({"kind": "actual", "category": "fe"}, "Enter the date recorded"),
        (
            {
                "kind": "actual",
                "category": "fe",
                "recorded_on_day": "31",
                "recorded_on_month": "2",
                "recorded_on_year": "2025",
            },
            "must be a real date",
        ),
        (
            {
                "kind": "actual",
                "category": "fe",
                "recorded_on_day": "1",
                "recorded_on_month": "1",
                "recorded_on_year": "1999",
            },
            "on or after 1 January 2000",
        ),
        ({"kind": "intended", "category": "unknown"}, "An intended destination cannot be “unknown”"),
        ({"kind": "intended", "category": "fe", "sustained": "True"}, "known only for an actual destination"),
        ({"kind": "actual", "category": "nonsense"}, "Select the destination"),
    ],
)
def test_a_destination_that_makes_no_sense_is_refused_with_the_reason(
    cast: Cast, leader: Client, data: dict[str, str], message: str
) -> None:
    learner = leaver(cast.p1, 1, year=last_cohort())
    if "recorded_on_day" not in data and data.get("category") in ("unknown", "fe") and data.get("kind") == "intended":
        data = {**data, **_date_fields(today())}
    page = _post_add(leader, cast, learner, **data)
    assert "There is a problem" in page
    assert message in page
    assert not Destination.objects.exists()


def test_dates_in_the_future_before_leaving_or_too_long_after_are_refused(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year)
    future = _post_add(
        leader, cast, learner, kind="actual", category="fe", **_date_fields(today() + dt.timedelta(days=1))
    )
    assert "must be today or in the past" in future
    before = _post_add(leader, cast, learner, kind="actual", category="fe", **_date_fields(dt.date(year + 1, 3, 1)))
    assert "must be dated after the learner left" in before
    # An intended destination may be dated before leaving.
    intended = leader.post(
        reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk]),
        {"kind": "intended", "category": "fe", **_date_fields(dt.date(year + 1, 3, 1))},
    )
    assert intended.status_code == 302
    old = leaver(cast.p1, 2, year=current_year() - 4)  # left four academic years ago
    late = _post_add(leader, cast, old, kind="actual", category="work", **_date_fields(today()))
    assert "kept for 3 years after the learner left" in late
    assert Destination.objects.count() == 1


def test_the_same_destination_cannot_be_added_twice(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year)
    day = dt.date(year + 1, 9, 1)
    destination(learner, category="fe", on=day)
    page = _post_add(leader, cast, learner, kind="actual", category="fe", **_date_fields(day))
    assert "already recorded for that date" in page
    assert Destination.objects.count() == 1


def test_changing_a_destination_audits_before_and_after(cast: Cast, leader: Client) -> None:
    year = known_cohort()  # sustained: known from 31 March after leaving
    learner = leaver(cast.p1, 1, year=year)
    day = dt.date(year + 1, 9, 1)
    saved = destination(learner, category="fe", on=day)
    url = reverse("destinations:destination_change", args=[cast.p1.urn, learner.pk, saved.pk])
    form = leader.get(url).content.decode()
    assert 'value="fe" checked' in form or 'checked value="fe"' in form or re.search(r'value="fe"[^>]*checked', form)
    seen = re.search(r'name="seen" value="([^"]+)"', form)
    assert seen is not None
    response = leader.post(
        url,
        {
            "kind": "actual",
            "category": "appren",
            **_date_fields(day),
            "sustained": "True",
            "detail": "",
            "seen": seen.group(1),
        },
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.category, saved.sustained) == ("appren", True)
    event = AuditEvent.objects.get(action="destination.updated")
    assert event.before == {"category": "fe", "sustained": None}
    assert event.after == {"category": "appren", "sustained": True}
    assert event.learner_id_ref == learner.pk


def test_a_change_over_someone_elses_change_is_refused(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year)
    day = dt.date(year + 1, 9, 1)
    saved = destination(learner, category="fe", on=day)
    seen = seen_value(saved, entry_actions.EDITABLE)
    entry_actions.change_destination(
        destination=saved,
        kind=entry_actions.rules.Kind.ACTUAL,
        category=entry_actions.rules.Category.HIGHER_EDUCATION,
        recorded_on=day,
        sustained=None,
        detail="",
        today=today(),
        actor=cast.p1_leader,
    )
    page = leader.post(
        reverse("destinations:destination_change", args=[cast.p1.urn, learner.pk, saved.pk]),
        {"kind": "actual", "category": "work", **_date_fields(day), "sustained": "", "seen": seen},
    ).content.decode()
    assert "Someone else changed this destination" in page
    saved.refresh_from_db()
    assert saved.category == "he"


def test_removing_asks_first_and_then_deletes_with_an_audit_event(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year)
    saved = destination(learner, category="neet", on=dt.date(year + 1, 9, 1))
    url = reverse("destinations:destination_remove", args=[cast.p1.urn, learner.pk, saved.pk])
    page = leader.get(url).content.decode()
    assert "Remove this destination of" in page
    assert 'class="govuk-button govuk-button--warning"' in page
    assert Destination.objects.filter(pk=saved.pk).exists()
    assert leader.post(url).status_code == 302
    assert not Destination.objects.filter(pk=saved.pk).exists()
    event = AuditEvent.objects.get(action="destination.removed")
    assert event.before["category"] == "neet"
    assert event.learner_id_ref == learner.pk


def test_staff_may_read_a_learners_destinations_but_not_change_them(cast: Cast) -> None:
    learner = leaver(cast.p1, 1, year=last_cohort())
    saved = destination(learner, on=dt.date(last_cohort() + 1, 9, 1))
    client = Client()
    client.force_login(cast.p1_staff)
    page = client.get(reverse("destinations:learner", args=[cast.p1.urn, learner.pk]))
    assert page.status_code == 200
    assert "Add a destination" not in page.content.decode()
    assert client.get(reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk])).status_code == 403
    remove = reverse("destinations:destination_remove", args=[cast.p1.urn, learner.pk, saved.pk])
    assert client.post(remove).status_code == 403
    assert Destination.objects.filter(pk=saved.pk).exists()


def test_an_anonymised_learners_destinations_are_shown_but_cannot_be_changed(cast: Cast, leader: Client) -> None:
    year = last_cohort()
    learner = leaver(cast.p1, 1, year=year, forename="Erased", surname="Person")
    saved = destination(learner, on=dt.date(year + 1, 9, 1), detail="Somewhere College")
    anonymise_learner(learner=learner, reason="Asked to be forgotten", actor=cast.p1_leader)
    page = leader.get(reverse("destinations:learner", args=[cast.p1.urn, learner.pk])).content.decode()
    assert f"Anonymised learner #{learner.pk}" in page
    assert "Erased" not in page
    assert "Somewhere College" not in page
    assert "Further education college" in page
    assert "Add a destination" not in page
    add = leader.post(
        reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk]),
        {"kind": "actual", "category": "fe", **_date_fields(today())},
    )
    assert add.status_code == 302
    assert Destination.objects.filter(learner=learner).count() == 1
    remove = reverse("destinations:destination_remove", args=[cast.p1.urn, learner.pk, saved.pk])
    assert leader.post(remove).status_code == 302
    assert Destination.objects.filter(pk=saved.pk).exists()
