"""Who may read which audit events, what the log says, and the reads of named learner data.

The scenario: p1's careers leader imports learners, staff record an interview and the leader
changes a learner's year group. The Consortium and the Awarding Bodies must then see none of it
that names a learner; p2's careers leader nothing of p1; p1's careers leader all of it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.domain.academic import academic_year_of
from qic.domain.dates import long_datetime
from qic.learners.actions import update_learner
from qic.learners.models import Learner, LearnerImport
from qic.organisations.access import visible_audit_events
from qic.programme.models import Adviser
from tests.conftest import Cast
from tests.factories import make_activity

AUDIT_URL = "/audit/"
SCHOOL_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "learners" / "learners_school.csv"
INTERVIEW_TEXT = "Talked about becoming a vet and the sixth form."
# What the fixture file says about its first learners: names, UPNs and dates of birth.
LEARNER_DETAILS = [
    "Fixturewell",
    "Samplesby",
    "Testcombe",
    "X888900118001",
    "L888900118002",
    "2014-02-14",
    "14/02/2014",
    "14 February 2014",
    "2013-09-03",
    "3 September 2013",
]


@pytest.fixture
def scenario(client: Client, cast: Cast) -> Learner:
    """Learners imported, an interview recorded and a year group changed, all through p1."""
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/learners/import/",
        {
            "file": SimpleUploadedFile("learners.csv", SCHOOL_CSV.read_bytes(), content_type="text/csv"),
            "full_import": "partial",
        },
    )
    assert response.status_code == 302
    job = LearnerImport.objects.get(provider=cast.p1)
    assert job.status == LearnerImport.Status.READY, job.errors
    confirm = client.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    assert confirm.status_code == 302
    ada = Learner.objects.get(provider=cast.p1, upn="X888900118001")
    adviser = Adviser.objects.create(provider=cast.p1, name="Ada Adviser", qualification_level=7)
    client.force_login(cast.p1_staff)
    response = client.post(
        f"/providers/{cast.p1.urn}/interviews/new/",
        {
            "learner_reference": ada.upn,
            "adviser": adviser.pk,
            "date": "2025-11-20",
            "duration_minutes": "45",
            "summary": INTERVIEW_TEXT,
            "agreed_actions": "Visit the college open day.",
        },
    )
    assert response.status_code == 302
    update_learner(learner=ada, changes={"year_group": (ada.year_group or 7) + 1}, actor=cast.p1_leader)
    client.logout()
    return ada


def audit_page(client: Client, user: object, **params: str) -> str:
    client.force_login(user)
    response = client.get(AUDIT_URL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["consortium", "ab1_admin"])
def test_the_consortium_and_the_awarding_body_see_no_learner_details(
    client: Client, cast: Cast, scenario: Learner, name: str
) -> None:
    page = audit_page(client, cast.user(name))
    for detail in [*LEARNER_DETAILS, INTERVIEW_TEXT, "Interview with", "Learner added", "Interview recorded"]:
        assert detail not in page, detail
    visible = visible_audit_events(cast.user(name))
    assert visible.count() < 50  # so the page above showed every one of them
    assert not visible.filter(learner_data=True).exists()
    # Not even by asking for them.
    for params in ({"action": "learner.created"}, {"object_type": "learners.Learner"}, {"who": "leader1"}):
        filtered = audit_page(client, cast.user(name), **params)
        for detail in [*LEARNER_DETAILS, INTERVIEW_TEXT]:
            assert detail not in filtered


def test_the_awarding_body_still_sees_its_clients_organisation_events(
    client: Client, cast: Cast, scenario: Learner
) -> None:
    activity = make_activity(cast.p1, title="Careers fair with local employers")
    assert (
        visible_audit_events(cast.ab1_admin)
        .filter(pk__in=AuditEvent.objects.filter(object_id=str(activity.pk)).values("pk"))
        .exists()
    )
    page = audit_page(client, cast.ab1_admin)
    assert "Careers fair with local employers" in page
    assert "Careers fair with local employers" not in audit_page(client, cast.ab2_admin)


def test_no_event_outside_the_learner_level_names_a_learner(cast: Cast, scenario: Learner) -> None:
    learners = list(Learner.objects.filter(provider=cast.p1))
    assert len(learners) >= 3
    for event in AuditEvent.objects.filter(learner_data=False):
        text = f"{event.object_repr} {event.before} {event.after}"
        for learner in learners:
            assert learner.surname not in text
            assert learner.upn not in text
            assert learner.date_of_birth.isoformat() not in text


def test_the_careers_leader_of_another_provider_sees_nothing_of_p1(
    client: Client, cast: Cast, scenario: Learner
) -> None:
    page = audit_page(client, cast.p2_leader)
    for detail in [*LEARNER_DETAILS, INTERVIEW_TEXT, "Alpha Academy"]:
        assert detail not in page
    assert "No events yet." in page
    assert "No events match these filters." in audit_page(client, cast.p2_leader, object_type="learners.Learner")


def test_the_providers_careers_leader_reads_all_of_it_in_words(client: Client, cast: Cast, scenario: Learner) -> None:
    page = audit_page(client, cast.p1_leader, who="leader1")
    assert "Learner added" in page
    assert "Fixturewell" in page
    assert "Year group: 7 → 8" in page
    assert "Date of birth: 14 February 2014" in page
    assert "Free school meals: No" in page
    staff_page = audit_page(client, cast.p1_leader, who="staff1")
    assert "Interview recorded" in staff_page
    assert INTERVIEW_TEXT in staff_page
    assert "Duration minutes: 45" in staff_page
    assert "Date: 20 November 2025" in staff_page
    client.force_login(cast.p1_leader)
    staff_rows = client.get(AUDIT_URL, {"who": "staff1"}).context["rows"]
    assert {row.what for row in staff_rows} == {"Interview recorded"}  # the filter by who


# --- The log's words, times and filters ------------------------------------------------------------


def test_times_are_shown_in_uk_time_as_day_month_year_and_clock(client: Client, cast: Cast) -> None:
    event = audit.record(
        actor=cast.consortium,
        action="awarding_body.updated",
        obj=cast.ab1,
        before={"name": "North"},
        after={"name": "North Awards"},
    )
    expected = long_datetime(event.at)
    page = audit_page(client, cast.consortium)
    assert f'<td class="govuk-table__cell qic-no-wrap">{expected}</td>' in page
    assert "Awarding body updated" in page
    assert "Name: North → North Awards" in page


@pytest.fixture
def dated_events(cast: Cast) -> None:
    """Four events, today: three about ab1 (one by its admin) and one about p1."""
    for day, action in ((1, "test.first"), (2, "test.second"), (3, "test.third")):
        audit.record(
            actor=cast.consortium if day != 2 else cast.ab1_admin,
            action=action,
            obj=cast.ab1,
            awarding_body_id=cast.ab1.pk,
        )
    audit.record(actor=SystemActor("tests"), action="test.provider", obj=cast.p1, provider_id=cast.p1.pk)


def shown(client: Client, **params: str) -> list[str]:
    response = client.get(AUDIT_URL, params)
    assert response.status_code == 200
    return sorted(row.event.action for row in response.context["rows"])


def test_filters_by_who_what_and_type(client: Client, cast: Cast, dated_events: None) -> None:
    client.force_login(cast.consortium)
    assert shown(client) == ["test.first", "test.provider", "test.second", "test.third"]
    assert shown(client, who="ADMIN1@example") == ["test.second"]
    assert shown(client, action="test.third") == ["test.third"]
    assert shown(client, object_type="organisations.AwardingBody") == ["test.first", "test.second", "test.third"]
    assert shown(client, object_type="organisations.Provider") == ["test.provider"]
    form = client.get(AUDIT_URL).context["form"]
    assert ("test.first", "Test first") in form.fields["action"].choices
    assert ("organisations.AwardingBody", "Awarding body") in form.fields["object_type"].choices


def test_filters_by_date_in_utc(client: Client, cast: Cast, dated_events: None) -> None:
    client.force_login(cast.consortium)
    today = dt.datetime.now(dt.UTC).date()
    assert shown(client, date_from=today.isoformat(), date_to=today.isoformat()) == [
        "test.first",
        "test.provider",
        "test.second",
        "test.third",
    ]
    assert shown(client, date_to=(today - dt.timedelta(days=1)).isoformat()) == []
    assert shown(client, date_from=(today + dt.timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-02-30"}, "The &#x27;from&#x27; date must be a real date"),
        ({"date_to": "next week"}, "The &#x27;to&#x27; date must be a real date"),
        (
            {"date_from_day": "30", "date_from_month": "2", "date_from_year": "2026"},
            "The &#x27;from&#x27; date must be a real date",
        ),
        (
            {"date_to_day": "1", "date_to_month": "", "date_to_year": "2026"},
            "The &#x27;to&#x27; date must include a month",
        ),
        (
            {"date_from": "2026-03-02", "date_to": "2026-03-01"},
            "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date",
        ),
        ({"action": "learner.created"}, "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_error_page(
    client: Client, cast: Cast, dated_events: None, params: dict[str, str], message: str
) -> None:
    client.force_login(cast.consortium)
    response = client.get(AUDIT_URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert page.count("govuk-error-summary__title") == 1
    # The log is still shown, unfiltered and limited to what the Consortium may see.
    assert sorted(row.event.action for row in response.context["rows"]) == [
        "test.first",
        "test.provider",
        "test.second",
        "test.third",
    ]


def test_the_page_keeps_a_fixed_number_of_queries(client: Client, cast: Cast) -> None:
    def queries_for(n: int) -> int:
        for i in range(n - visible_audit_events(cast.consortium).count()):
            audit.record(
                actor=cast.consortium, action=f"test.n{i % 7}", obj=cast.ab1, before={"name": "A"}, after={"name": "B"}
            )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(AUDIT_URL, {"who": "consortium"})
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(n, 50)
        return len(captured)

    client.force_login(cast.consortium)
    assert queries_for(5) == queries_for(50)


# --- Reads of named learner data ---------------------------------------------------------------------


def reads_after(client: Client, url: str) -> list[AuditEvent]:
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200
    return list(AuditEvent.objects.filter(id__gt=before))


def test_reading_named_learners_writes_one_event_per_page_seen_only_by_the_careers_leader(
    client: Client, cast: Cast, scenario: Learner
) -> None:
    ada = scenario
    urn = cast.p1.urn
    year = academic_year_of(timezone.localdate())
    activity = make_activity(cast.p1, title="Employer talk", date=timezone.localdate())
    on_roll = sorted(Learner.objects.filter(provider=cast.p1, left_on=None).values_list("pk", flat=True))
    client.force_login(cast.p1_staff)
    cases = [
        (f"/providers/{urn}/learners/", "learners.listed", None, on_roll),
        (f"/providers/{urn}/learners/{ada.pk}/", "learner.viewed", ada.pk, None),
        (f"/providers/{urn}/activities/{activity.pk}/", "activity.register_viewed", None, []),
        (f"/providers/{urn}/interviews/?year=2025", "interviews.listed", None, [ada.pk]),
        (f"/providers/{urn}/benchmarks/BM5/?year={year}", "measure.missing_viewed", None, on_roll),
        (
            f"/providers/{urn}/benchmarks/export/missing-BM5.csv?year={year}",
            "benchmark.missing_exported",
            None,
            on_roll,
        ),
    ]
    for url, action, learner_id, learner_ids in cases:
        events = reads_after(client, url)
        assert [e.action for e in events] == [action], url
        event = events[0]
        assert (event.actor, event.provider_id_ref, event.learner_data, event.learner_id_ref) == (
            cast.p1_staff,
            cast.p1.pk,
            True,
            learner_id,
        )
        if learner_ids is not None:
            assert event.after is not None
            assert event.after["learner_ids"] == learner_ids
    read_actions = {c[1] for c in cases}
    assert (
        set(visible_audit_events(cast.p1_leader).filter(action__in=read_actions).values_list("action", flat=True))
        == read_actions
    )
    for name in ("consortium", "ab1_admin", "ab2_admin", "p2_leader"):
        assert not visible_audit_events(cast.user(name)).filter(action__in=read_actions).exists()
    page = audit_page(client, cast.p1_leader, action="learner.viewed")
    assert "Learner&#x27;s record viewed" in page
    assert "staff1@example.org" in page


def test_figures_without_names_write_no_read_event(client: Client, cast: Cast, scenario: Learner) -> None:
    year = academic_year_of(timezone.localdate())
    client.force_login(cast.p1_governor)
    assert reads_after(client, f"/providers/{cast.p1.urn}/benchmarks/BM5/?year={year}") == []
    assert reads_after(client, f"/providers/{cast.p1.urn}/benchmarks/?year={year}") == []


def test_the_log_words_fields_values_and_actions() -> None:
    from qic.core import audit_display

    assert audit_display.label("learners.Learner", "year_group") == "Year group"
    assert audit_display.label("learners.Learner", "sen_support") == "SEN support"
    assert audit_display.label("programme.Interview", "learner_id") == "Learner"
    # A reverse relation or an unknown key is worded from its name.
    assert audit_display.label("organisations.Provider", "learners") == "Learners"
    assert audit_display.label("no.Such", "cpd_hours") == "Cpd hours"
    assert audit_display.value_in_words("learners.Learner", "sex", "F") == "Female"
    assert audit_display.value_in_words("learners.Learner", "ehc_plan", True) == "Yes"
    assert audit_display.value_in_words("x.Y", "on", "2026-12-03") == "3 December 2026"
    assert audit_display.value_in_words("x.Y", "at", "2026-12-03T09:34:12+00:00") == "3 December 2026, 9:34am"
    assert audit_display.value_in_words("x.Y", "at", "2026-07-03T09:34:12+00:00") == "3 July 2026, 10:34am"
    assert audit_display.value_in_words("x.Y", "left_on", None) == "none"
    assert audit_display.value_in_words("x.Y", "learner_ids", list(range(1, 26))) == (
        "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 5 more"
    )
    assert audit_display.sentence("accreditation.commitment_granted") == "Accreditation commitment granted"
    assert audit_display.sentence("learner.updated") == "Learner's record changed"


def test_a_learner_search_is_logged_without_its_words(client: Client, cast: Cast, scenario: Learner) -> None:
    """A typed name or UPN would outlive the learner's anonymisation in the trail: only the fact
    of a search and the learners shown are kept."""
    ada = scenario
    client.force_login(cast.p1_leader)
    assert client.get(f"/providers/{cast.p1.urn}/learners/", {"q": ada.upn}).status_code == 200
    assert client.get(f"/providers/{cast.p1.urn}/learners/", {"q": ada.surname}).status_code == 200
    searches = AuditEvent.objects.filter(action="learners.listed").order_by("id")
    assert searches.count() == 2
    for event in searches:
        stored = json.dumps([event.object_repr, event.before, event.after])
        assert ada.upn not in stored
        assert ada.surname not in stored
        assert event.after is not None
        assert event.after["searched"] is True


@pytest.mark.parametrize("date_to", ["9999-12-31", "31/12/9999", "0001-01-01"])
def test_the_filter_takes_the_last_and_first_days_of_the_calendar(client: Client, cast: Cast, date_to: str) -> None:
    page = audit_page(client, cast.p1_leader, date_to=date_to)
    assert "Audit log" in page
