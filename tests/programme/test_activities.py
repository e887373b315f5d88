"""Recording careers activities and who took part: the activity form, the register and its CSV import."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from qic.core.models import AuditEvent
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme import queries
from qic.programme.models import Activity, ActivityCategory, Participation, RegisterImport, RemovedParticipation
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "learners"
# A day after 2025/26 ends, so its figures are final.
TODAY = dt.date(2026, 9, 30)


def upn(n: int) -> str:
    body = f"8889007{n:05d}"
    return upn_check_letter(body) + body


def activity_post(**fields: Any) -> dict[str, Any]:
    """The activity form as a browser sends it: ticked boxes are sent, unticked ones are not."""
    data: dict[str, Any] = {
        "title": "Engineering talk",
        "activity_type": "employer_encounter",
        "subtype": "talk",
        "date": "2025-11-05",
        "partner": "Acme Engineering",
        "subject": "",
        "curriculum_area": "",
        "hours": "",
        "description": "",
        "shared_purpose": "on",
        "preparation": "on",
        "two_way": "on",
        "reflection": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def staff(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_staff)
    return client


def create(client: Client, cast: Cast, **fields: Any) -> Activity:
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(**fields))
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.order_by("-pk").first()
    assert activity is not None
    assert response["Location"] == f"/providers/{cast.p1.urn}/activities/{activity.pk}/"
    return activity


# --- The activity form -------------------------------------------------------------------------


def test_a_meaningful_employer_encounter_counts_for_bm5(staff: Client, cast: Cast) -> None:
    activity = create(staff, cast, year_groups=["9", "10"])
    assert activity.provider == cast.p1
    assert (activity.title, activity.activity_type, activity.subtype) == (
        "Engineering talk",
        "employer_encounter",
        "talk",
    )
    assert (activity.date, activity.academic_year, activity.year_groups) == (dt.date(2025, 11, 5), 2025, [9, 10])
    assert activity.categories == ["employer"]
    assert list(ActivityCategory.objects.filter(activity=activity).values_list("category", flat=True)) == ["employer"]
    assert activity.created_by == cast.p1_staff

    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    assert "“Engineering talk” has been saved." in page
    assert "BM5 employer encounter" in page
    assert "not recorded as meaningful" not in page

    event = AuditEvent.objects.get(action="activity.created")
    assert (event.object_id, event.actor, event.provider_id_ref, event.before) == (
        str(activity.pk),
        cast.p1_staff,
        cast.p1.pk,
        None,
    )
    assert event.after is not None
    assert (event.after["title"], event.after["categories"], event.after["date"]) == (
        "Engineering talk",
        ["employer"],
        "2025-11-05",
    )


def test_an_encounter_without_reflection_counts_for_nothing_and_the_page_says_why(staff: Client, cast: Cast) -> None:
    activity = create(staff, cast, reflection=None)
    assert activity.categories == []
    assert ActivityCategory.objects.filter(activity=activity).count() == 0
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    assert (
        "This activity does not count yet: it is not recorded as meaningful. "
        "It does not count towards Benchmark 5 until these are recorded: learners reflected afterwards."
    ) in page
    assert "Nothing yet" in page


IN_WORDS = {
    "shared_purpose": "a clear purpose shared with everyone, and learning outcomes",
    "preparation": "learners prepared beforehand",
    "two_way": "two-way interaction",
    "reflection": "learners reflected afterwards",
    "extensive_interaction": "extensive two-way interaction",
    "range_of_people": "learners met a range of people",
    "employer_task": "a task set by the employer",
    "employer_feedback": "feedback from the employer",
}
WORKPLACE_ALSO = {
    "extensive_interaction": "on",
    "range_of_people": "on",
    "employer_task": "on",
    "employer_feedback": "on",
}


def test_a_workplace_experience_also_needs_the_four_workplace_elements(staff: Client, cast: Cast) -> None:
    without = create(
        staff,
        cast,
        title="Shadowing",
        activity_type="workplace_experience",
        subtype="shadowing",
        partner="NHS",
        hours="6",
    )
    assert without.categories == []
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{without.pk}/").content.decode()
    assert (
        "It does not count towards Benchmark 6 until these are recorded: extensive two-way interaction; "
        "learners met a range of people; a task set by the employer; feedback from the employer."
    ) in page

    with_all = create(
        staff,
        cast,
        title="Work experience week",
        activity_type="workplace_experience",
        subtype="work_experience",
        hours="30",
        **WORKPLACE_ALSO,
    )
    assert with_all.categories == ["workplace"]
    assert with_all.hours == 30
    assert (with_all.employer_task, with_all.employer_feedback, with_all.preparation) == (True, True, True)
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{with_all.pk}/").content.decode()
    assert re.search(r"<dt[^>]*>Hours</dt><dd[^>]*>30.0</dd>", page)


@pytest.mark.parametrize("missing", ["shared_purpose", "preparation", "two_way", "reflection", *WORKPLACE_ALSO])
def test_a_workplace_experience_missing_any_one_element_does_not_count_and_says_which(
    staff: Client, cast: Cast, missing: str
) -> None:
    activity = create(
        staff,
        cast,
        title="Work experience week",
        activity_type="workplace_experience",
        subtype="work_experience",
        hours="30",
        **{**WORKPLACE_ALSO, missing: None},
    )
    assert activity.categories == []
    assert [e.field for e in activity.missing_meaning] == [missing]
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    label = escape(Activity._meta.get_field(missing).verbose_name)
    assert f"It does not count towards Benchmark 6 until these are recorded: {label}." in page
    # The message after saving says so too.
    assert "“Work experience week” has been saved. It does not count towards Benchmark 6" in page


def test_elements_a_type_does_not_need_are_not_kept(staff: Client, cast: Cast) -> None:
    talk = create(staff, cast, **WORKPLACE_ALSO)
    assert talk.categories == ["employer"]
    assert (talk.extensive_interaction, talk.range_of_people, talk.employer_task, talk.employer_feedback) == (
        False,
        False,
        False,
        False,
    )
    lesson = create(staff, cast, title="LMI", activity_type="careers_information", subtype="lmi_lesson")
    assert (lesson.shared_purpose, lesson.preparation, lesson.two_way, lesson.reflection) == (False,) * 4
    assert lesson.categories == ["clmi"]


def test_curriculum_learning_in_physics_counts_for_curriculum_and_stem(staff: Client, cast: Cast) -> None:
    activity = create(
        staff,
        cast,
        title="Careers in physics",
        activity_type="curriculum_learning",
        subtype="subject_lesson",
        subject="Physics",
        shared_purpose=None,
        two_way=None,
        reflection=None,
    )
    assert activity.categories == ["curriculum", "stem"]
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    assert "BM4 curriculum, BM4 STEM" in page
    assert "not recorded as meaningful" not in page  # curriculum learning needs no meaningful elements

    history = create(
        staff, cast, title="Careers in history", activity_type="curriculum_learning", subtype="subject_lesson"
    )
    assert history.categories == ["curriculum"]


def test_a_university_visit_counts_as_a_university_encounter(staff: Client, cast: Cast) -> None:
    activity = create(
        staff, cast, title="Campus day", activity_type="provider_encounter", subtype="university", partner="Keele"
    )
    assert activity.categories == ["provider_university"]


def test_editing_an_activity_recomputes_its_categories_and_audits_the_change(staff: Client, cast: Cast) -> None:
    activity = create(staff, cast)
    response = staff.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/", activity_post(two_way=None))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.categories == []
    assert ActivityCategory.objects.filter(activity=activity).count() == 0
    event = AuditEvent.objects.get(action="activity.updated")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["two_way"], event.after["two_way"]) == (True, False)
    assert (event.before["categories"], event.after["categories"]) == (["employer"], [])


def test_the_audit_event_records_every_meaning_element_before_and_after(staff: Client, cast: Cast) -> None:
    activity = create(staff, cast)
    staff.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/", activity_post(preparation=None))
    event = AuditEvent.objects.get(action="activity.updated")
    assert event.before is not None
    assert event.after is not None
    assert {name: (event.before[name], event.after[name]) for name in IN_WORDS} == {
        "shared_purpose": (True, True),
        "preparation": (True, False),
        "two_way": (True, True),
        "reflection": (True, True),
        "extensive_interaction": (False, False),
        "range_of_people": (False, False),
        "employer_task": (False, False),
        "employer_feedback": (False, False),
    }


# --- "What made it meaningful" on the form ------------------------------------------------------


def checkboxes(page: str) -> list[str]:
    """The meaning elements offered as checkboxes, in the order shown."""
    return [name for name in re.findall(r'<input type="checkbox" name="(\w+)"', page) if name in IN_WORDS]


def test_a_new_form_offers_every_element_in_two_groups_with_their_reasons(staff: Client, cast: Cast) -> None:
    page = staff.get(f"/providers/{cast.p1.urn}/activities/new/").content.decode()
    assert checkboxes(page) == [
        "shared_purpose",
        "preparation",
        "two_way",
        "reflection",
        "extensive_interaction",
        "range_of_people",
        "employer_task",
        "employer_feedback",
    ]
    assert '<h2 class="govuk-fieldset__heading">What made it meaningful</h2>' in page
    assert '<h2 class="govuk-fieldset__heading">Workplace experiences also need</h2>' in page
    assert "Careers information, curriculum learning, group guidance and parent engagement need none of these." in page
    assert (
        '<div id="id_range_of_people-hint" class="govuk-hint govuk-checkboxes__hint">'
        "Meeting people in different roles shows the range of jobs in one workplace.</div>"
    ) in page
    assert 'aria-describedby="id_range_of_people-hint"' in page
    assert "does not count yet" not in page  # nothing to judge before a type is chosen


def test_editing_says_on_the_form_what_is_missing(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, preparation=False, reflection=False)
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    assert checkboxes(page) == ["shared_purpose", "preparation", "two_way", "reflection"]  # an encounter's four
    assert "An employer encounter counts towards Benchmark 5 only when all of these were part of it." in page
    assert (
        "This activity does not count yet. It does not count towards Benchmark 5 until these are recorded: "
        "learners prepared beforehand; learners reflected afterwards."
    ) in page
    assert "Workplace experiences also need" not in page


def test_editing_a_meaningful_activity_says_what_it_counts_towards(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, activity_type="provider_encounter", subtype="university")
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    assert "This activity will count towards BM7 university." in page
    assert "does not count yet" not in page


def test_a_type_that_needs_no_meaning_offers_no_elements(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, title="LMI", activity_type="careers_information", subtype="lmi_lesson")
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    assert checkboxes(page) == []
    assert "Careers and labour-market information needs none of the elements of a meaningful encounter." in page
    assert "This activity will count towards BM2 careers information." in page


def test_a_refused_form_keeps_the_ticks_and_says_what_is_missing(staff: Client, cast: Cast) -> None:
    response = staff.post(
        f"/providers/{cast.p1.urn}/activities/new/",
        activity_post(title="", activity_type="workplace_experience", subtype="visit", employer_task="on"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert len(checkboxes(page)) == 8
    assert re.search(r'name="employer_task"[^>]*checked', page)
    assert "until these are recorded: extensive two-way interaction; learners met a range of people; " in page


MEANING_URL = "/providers/{urn}/activities/meaning/"


# --- The checklist of the activity's academic year (DOMAIN.md §3 up to 2024/25, §3b from 2025/26) ---

ENCOUNTER_2018 = {"shared_purpose": "on", "two_way": "on", "reflection": "on"}
WORKPLACE_2018 = {**ENCOUNTER_2018, "employer_task": "on", "employer_feedback": "on"}
# Each type that must be meaningful, with a kind that counts, the 2018 elements and what it counts towards.
DATED = [
    ("employer_encounter", "talk", ENCOUNTER_2018, ["employer"], ["preparation"]),
    (
        "workplace_experience",
        "visit",
        WORKPLACE_2018,
        ["workplace"],
        ["preparation", "extensive_interaction", "range_of_people"],
    ),
    ("provider_encounter", "university", ENCOUNTER_2018, ["provider_university"], ["preparation"]),
]


@pytest.mark.parametrize(
    ("activity_type", "subtype", "elements", "categories", "refreshed_adds"), DATED, ids=[d[0] for d in DATED]
)
@pytest.mark.parametrize("date", ["2025-08-31", "2025-09-01"])
def test_the_2018_elements_count_up_to_31_august_2025_and_not_from_1_september(
    staff: Client,
    cast: Cast,
    activity_type: str,
    subtype: str,
    elements: dict[str, str],
    categories: list[str],
    refreshed_adds: list[str],
    date: str,
) -> None:
    fields = dict.fromkeys(IN_WORDS) | elements
    if activity_type == "workplace_experience":
        fields["hours"] = "3"  # every workplace experience records its hours
    activity = create(staff, cast, activity_type=activity_type, subtype=subtype, date=date, **fields)
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    if date == "2025-08-31":  # 2024/25: the 2018 definition
        assert activity.academic_year == 2024
        assert activity.categories == categories
        assert [e.field for e in activity.missing_meaning] == []
        assert "does not count yet" not in page
    else:  # 2025/26: the refreshed definition
        assert activity.academic_year == 2025
        assert activity.categories == []
        assert [e.field for e in activity.missing_meaning] == refreshed_adds
        assert "until these are recorded: " + "; ".join(IN_WORDS[f] for f in refreshed_adds) + "." in page


@pytest.mark.parametrize(
    ("date", "offered"),
    [
        ("2025-08-31", ["shared_purpose", "two_way", "reflection"]),
        ("2025-09-01", ["shared_purpose", "preparation", "two_way", "reflection"]),
    ],
)
def test_the_form_offers_the_elements_of_the_dates_academic_year(
    staff: Client, cast: Cast, date: str, offered: list[str]
) -> None:
    activity = make_activity(cast.p1, date=dt.date.fromisoformat(date))
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    assert checkboxes(page) == offered
    assert "This activity will count towards BM5 employer encounter." in page
    year = "2024/25" if date == "2025-08-31" else "2025/26"
    assert f"For an activity in {year} these are the elements of the " in page


def test_a_2024_25_activity_keeps_only_the_2018_elements(staff: Client, cast: Cast) -> None:
    activity = create(staff, cast, date="2025-08-31")  # preparation ticked, but not part of the 2018 definition
    assert (activity.shared_purpose, activity.preparation, activity.two_way, activity.reflection) == (
        True,
        False,
        True,
        True,
    )
    assert activity.categories == ["employer"]


def test_a_2024_25_activity_without_reflection_is_told_only_what_2024_25_asks(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=dt.date(2025, 8, 31), preparation=False, reflection=False)
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    assert "It does not count towards Benchmark 5 until these are recorded: learners reflected afterwards." in page
    listing = staff.get(f"/providers/{cast.p1.urn}/activities/", {"year": 2024}).content.decode()
    assert "1 element to record" in listing


@pytest.mark.parametrize(
    ("date", "encounter", "workplace_also"),
    [
        ("2025-08-31", ["shared_purpose", "two_way", "reflection"], ["employer_task", "employer_feedback"]),
        (
            "2025-09-01",
            ["shared_purpose", "preparation", "two_way", "reflection"],
            ["extensive_interaction", "range_of_people", "employer_task", "employer_feedback"],
        ),
        # Before a date is entered, today's academic year (2026/27): the refreshed definition.
        (
            "",
            ["shared_purpose", "preparation", "two_way", "reflection"],
            ["extensive_interaction", "range_of_people", "employer_task", "employer_feedback"],
        ),
    ],
)
def test_without_a_type_the_partial_offers_the_dates_two_groups(
    staff: Client, cast: Cast, date: str, encounter: list[str], workplace_also: list[str]
) -> None:
    partial = staff.get(MEANING_URL.format(urn=cast.p1.urn), {"date": date}).content.decode()
    assert checkboxes(partial) == encounter + workplace_also


def test_a_date_change_redraws_every_element_only_when_the_checklist_changes(staff: Client, cast: Cast) -> None:
    url = MEANING_URL.format(urn=cast.p1.urn)
    drawn = re.search(
        r'name="meaning_drawn_for" value="([^"]*)"',
        staff.get(url, {"activity_type": "employer_encounter", "date": "2025-09-01"}).content.decode(),
    )
    assert drawn is not None
    sent = {"activity_type": "employer_encounter", "meaning_drawn_for": drawn.group(1)}
    # Another day of a year with the same checklist: only the status is redrawn.
    same = staff.get(url, {**sent, "date": "2026-10-01"}, headers={"HX-Request": "true"})
    assert same["HX-Retarget"] == same["HX-Reselect"] == "#activity-meaning-status"
    # A day of 2024/25: another checklist, so the whole part is redrawn with its elements.
    other = staff.get(url, {**sent, "date": "2025-08-31"}, headers={"HX-Request": "true"})
    assert "HX-Retarget" not in other
    assert checkboxes(other.content.decode()) == ["shared_purpose", "two_way", "reflection"]


def test_the_meaning_partial_redraws_for_the_values_sent_and_writes_nothing(staff: Client, cast: Cast) -> None:
    events, activities = AuditEvent.objects.count(), Activity.objects.count()
    url = MEANING_URL.format(urn=cast.p1.urn)
    encounter = {"shared_purpose": "on", "preparation": "on", "two_way": "on", "reflection": "on"}
    partial = staff.get(
        url, {"activity_type": "workplace_experience", "subtype": "visit", **encounter}, headers={"HX-Request": "true"}
    ).content.decode()
    assert '<div id="activity-meaning">' in partial
    assert "<html" not in partial
    assert len(checkboxes(partial)) == 8
    assert (
        "It does not count towards Benchmark 6 until these are recorded: extensive two-way interaction; "
        "learners met a range of people; a task set by the employer; feedback from the employer."
    ) in partial

    counted = staff.get(
        url, {"activity_type": "workplace_experience", "subtype": "visit", **encounter, **WORKPLACE_ALSO}
    )
    assert "This activity will count towards BM6 workplace experience." in counted.content.decode()

    talk = staff.get(url, {"activity_type": "employer_encounter", "subtype": "talk", **encounter}).content.decode()
    assert checkboxes(talk) == ["shared_purpose", "preparation", "two_way", "reflection"]
    assert "This activity will count towards BM5 employer encounter." in talk
    assert (AuditEvent.objects.count(), Activity.objects.count()) == (events, activities)


@pytest.mark.parametrize(
    "query",
    [{}, {"activity_type": "nonsense"}, {"activity_type": "provider_encounter", "subtype": "bogus"}, {"two_way": "x"}],
)
def test_the_meaning_partial_never_fails_on_odd_input(staff: Client, cast: Cast, query: dict[str, str]) -> None:
    response = staff.get(MEANING_URL.format(urn=cast.p1.urn), query)
    assert response.status_code == 200


def test_the_meaning_partial_of_another_provider_is_not_found(staff: Client, cast: Cast) -> None:
    assert staff.get(MEANING_URL.format(urn=cast.p2.urn), {"activity_type": "employer_encounter"}).status_code == 404


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": ""}, {"title": ["Enter the activity's title"]}),
        ({"subtype": "university"}, {"subtype": ["Choose a kind of employer encounter"]}),
        (
            {"activity_type": "workplace_experience", "subtype": "work_experience", "hours": ""},
            {"hours": ["Enter how many hours the workplace experience lasts"]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "visit", "hours": ""},
            {"hours": ["Enter how many hours the workplace experience lasts"]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "visit", "hours": "0"},
            {"hours": ["The hours must be more than 0"]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "visit", "hours": "-2"},
            {"hours": ["The hours must be more than 0"]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "work_experience", "hours": "200.1"},
            {"hours": ["The hours must be 200 or fewer: record a longer placement as separate activities"]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "visit", "hours": "2.55"},
            {"hours": ["Enter the hours to one decimal place at most, for example 2.5"]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "visit", "hours": "five"},
            {"hours": ["Enter a number."]},
        ),
        (
            {"activity_type": "workplace_experience", "subtype": "visit", "hours": "NaN"},
            {"hours": ["Enter a number."]},
        ),
        ({"date": ""}, {"date": ["Enter the date of the activity"]}),
    ],
    ids=[
        "no-title",
        "subtype-of-another-type",
        "work-experience-without-hours",
        "visit-without-hours",
        "zero-hours",
        "negative-hours",
        "over-200-hours",
        "two-decimal-places",
        "hours-not-a-number",
        "hours-nan",
        "no-date",
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    staff: Client, cast: Cast, fields: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    response = staff.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(**fields))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    page = response.content.decode()
    assert "There is a problem" in page
    for messages in errors.values():
        assert escape(messages[0]) in page
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(("name", "status"), [("p1_governor", 403), ("p2_leader", 404)])
def test_governors_and_other_providers_cannot_add_activities(
    client: Client, cast: Cast, name: str, status: int
) -> None:
    client.force_login(cast.user(name))
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post())
    assert response.status_code == status
    assert Activity.objects.count() == 0


# --- The register ------------------------------------------------------------------------------


@pytest.fixture
def school(cast: Cast) -> dict[str, Learner]:
    """Three Year 9s (two in 9MR), two Year 10s (10DU) and a Year 9 who has left."""
    learners = {
        "amy": make_learner(cast.p1, upn=upn(1), forename="Amy", surname="Archer", registration_group="9MR"),
        "ben": make_learner(cast.p1, upn=upn(2), forename="Ben", surname="Baker", registration_group="9MR"),
        "cal": make_learner(cast.p1, upn=upn(3), forename="Cal", surname="Cooper", registration_group="9TC"),
        "dee": make_learner(
            cast.p1,
            upn=upn(4),
            forename="Dee",
            surname="Dyer",
            date_of_birth=dt.date(2010, 1, 15),
            year_group=10,
            registration_group="10DU",
        ),
        "eve": make_learner(
            cast.p1,
            upn=upn(5),
            forename="Eve",
            surname="Evans",
            date_of_birth=dt.date(2010, 2, 15),
            year_group=10,
            registration_group="10DU",
        ),
        "fay": make_learner(cast.p1, upn=upn(6), forename="Fay", surname="Fisher", left_on=dt.date(2025, 10, 1)),
    }
    return learners


def register_url(cast: Cast, activity: Activity) -> str:
    return f"/providers/{cast.p1.urn}/activities/{activity.pk}/"


def register(activity: Activity) -> dict[str, bool]:
    return {p.learner.forename: p.attended for p in Participation.objects.filter(activity=activity)}


def register_events(activity: Activity) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="activity.register_updated", object_id=str(activity.pk)).order_by("pk")
    )


def test_marking_a_year_group_registers_everyone_in_it_this_year(
    staff: Client, cast: Cast, school: dict[str, Learner]
) -> None:
    activity = make_activity(cast.p1)
    response = staff.post(register_url(cast, activity), {"year_groups": ["9"]}, follow=True)
    assert response.status_code == 200
    assert "Register saved: 3 added, 0 changed. Benchmark figures are updated." in response.content.decode()
    # Fay was in Year 9 but has left, so she is not on the register.
    assert register(activity) == {"Amy": True, "Ben": True, "Cal": True}
    [event] = register_events(activity)
    assert event.before == {}
    assert event.after == {
        "added": {str(school[n].pk): True for n in ("amy", "ben", "cal")},
        "changed": {},
        "removed": [],
    }
    assert event.actor == cast.p1_staff
    page = response.content.decode()
    assert "3 present, 0 absent." in page
    assert "Archer, Amy" in page


def test_year_groups_roll_forward_to_the_activitys_year(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    # Recorded as Year 9 in 2025/26, so Year 8 in 2024/25.
    activity = make_activity(cast.p1, date=dt.date(2025, 3, 3))
    staff.post(register_url(cast, activity), {"year_groups": ["8"]})
    assert register(activity) == {"Amy": True, "Ben": True, "Cal": True}


def test_marking_a_registration_group_ignores_case(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    activity = make_activity(cast.p1)
    staff.post(register_url(cast, activity), {"registration_group": "9mr"})
    assert register(activity) == {"Amy": True, "Ben": True}


def test_absent_learners_are_recorded_but_do_not_count(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    activity = make_activity(cast.p1)
    response = staff.post(
        register_url(cast, activity),
        {"year_groups": ["9"], "attended": [school["dee"].pk], "absent": [school["ben"].pk]},
    )
    assert response.status_code == 302
    assert register(activity) == {"Amy": True, "Ben": False, "Cal": True, "Dee": True}
    figures = queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    bm5 = figures.measure("BM5")
    # Everyone on roll is at least 11: Amy, Ben, Cal, Dee and Eve. Ben was absent.
    assert (bm5.total.eligible, bm5.total.met) == (5, 3)
    assert set(bm5.not_met) == {school["ben"].pk, school["eve"].pk}
    assert bm5.by_year_group == {9: bm5.by_year_group[9], 10: bm5.by_year_group[10]}
    assert (bm5.by_year_group[9].eligible, bm5.by_year_group[9].met) == (3, 2)
    assert (bm5.by_year_group[10].eligible, bm5.by_year_group[10].met) == (2, 1)
    page = staff.get(register_url(cast, activity)).content.decode()
    assert "Absent</strong>" in page


def test_marking_present_learners_absent_later_is_a_change(
    staff: Client, cast: Cast, school: dict[str, Learner]
) -> None:
    activity = make_activity(cast.p1)
    staff.post(register_url(cast, activity), {"attended": [school["amy"].pk, school["ben"].pk]})
    response = staff.post(register_url(cast, activity), {"absent": [school["amy"].pk]}, follow=True)
    assert "Register saved: 0 added, 1 changed." in response.content.decode()
    assert register(activity) == {"Amy": False, "Ben": True}
    first, second = register_events(activity)
    assert first.after == {
        "added": {str(school["amy"].pk): True, str(school["ben"].pk): True},
        "changed": {},
        "removed": [],
    }
    assert second.before == {str(school["amy"].pk): True}
    assert second.after == {"added": {}, "changed": {str(school["amy"].pk): False}, "removed": []}


def test_saving_the_same_register_again_writes_no_event(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    activity = make_activity(cast.p1)
    staff.post(register_url(cast, activity), {"year_groups": ["9"]})
    response = staff.post(register_url(cast, activity), {"year_groups": ["9"]}, follow=True)
    assert "Register saved: 0 added, 0 changed." in response.content.decode()
    assert len(register_events(activity)) == 1


def test_a_learner_cannot_be_both_present_and_absent(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    activity = make_activity(cast.p1)
    amy = school["amy"]
    response = staff.post(register_url(cast, activity), {"attended": [amy.pk], "absent": [amy.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors == {"absent": ["A learner cannot be both present and absent: Amy Archer"]}
    assert "A learner cannot be both present and absent: Amy Archer" in response.content.decode()
    assert Participation.objects.count() == 0
    assert register_events(activity) == []


def test_an_empty_register_form_is_an_error(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    activity = make_activity(cast.p1)
    response = staff.post(register_url(cast, activity), {"registration_group": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Choose year groups, a class, or the learners who took part"]
    assert Participation.objects.count() == 0


def test_learners_of_another_provider_cannot_be_registered(
    staff: Client, cast: Cast, school: dict[str, Learner]
) -> None:
    other = make_learner(cast.p2, upn=upn(99), forename="Zed", surname="Other")
    activity = make_activity(cast.p1)
    response = staff.post(register_url(cast, activity), {"attended": [other.pk]})
    assert response.status_code == 200
    assert "attended" in response.context["form"].errors
    assert Participation.objects.count() == 0


def test_removing_a_learner_from_the_register(staff: Client, cast: Cast, school: dict[str, Learner]) -> None:
    activity = make_activity(cast.p1)
    staff.post(register_url(cast, activity), {"year_groups": ["9"], "absent": [school["cal"].pk]})
    response = staff.post(f"{register_url(cast, activity)}register/{school['cal'].pk}/remove/", follow=True)
    assert response.status_code == 200
    assert (
        "Cal Cooper has been taken off the register. Your careers leader can put them back for 30 days."
        in response.content.decode()
    )
    assert register(activity) == {"Amy": True, "Ben": True}
    event = register_events(activity)[-1]
    assert event.before == {str(school["cal"].pk): False}
    kept = RemovedParticipation.objects.get()
    assert event.after == {"added": {}, "changed": {}, "removed": [school["cal"].pk], "restorable": kept.pk}
    assert (kept.learner_id, kept.attended, kept.removed_by_id) == (school["cal"].pk, False, cast.p1_staff.pk)

    # Someone not on the register cannot be removed.
    missing = staff.post(f"{register_url(cast, activity)}register/{school['dee'].pk}/remove/")
    assert missing.status_code == 404


@pytest.mark.parametrize(("name", "status"), [("p1_governor", 403), ("p2_leader", 404)])
def test_governors_and_other_providers_cannot_change_the_register(
    client: Client, cast: Cast, school: dict[str, Learner], name: str, status: int
) -> None:
    activity = make_activity(cast.p1)
    Participation.objects.create(activity=activity, learner=school["amy"])
    client.force_login(cast.user(name))
    assert client.post(register_url(cast, activity), {"year_groups": ["9"]}).status_code == status
    assert client.post(f"{register_url(cast, activity)}register/{school['amy'].pk}/remove/").status_code == status
    assert register(activity) == {"Amy": True}


# --- Importing a register ----------------------------------------------------------------------

# UPNs in tests/fixtures/learners/attendance_good.csv, in file order, then its one ULN.
ATTENDANCE_UPNS = [
    "V888900118100",
    "J888900118101",
    "Y888900118102",
    "M888900118103",
    "B888900118104",
    "Q888900118105",
    "E888900118106",
    "U888900118107",
    "H888900118108",
]
ATTENDANCE_ULN = "9000000067"
PRESENT = [True, False, True, False, True, False, True, False, True, True]


def roll_for_attendance(cast: Cast, *, skip: int | None = None) -> list[Learner]:
    learners = [
        make_learner(cast.p1, upn=value, forename=f"Pupil{n}", surname="Register")
        for n, value in enumerate(ATTENDANCE_UPNS)
        if n != skip
    ]
    learners.append(make_learner(cast.p1, upn="", uln=ATTENDANCE_ULN, forename="Jasper", surname="Fauxley"))
    return learners


def import_register(client: Client, cast: Cast, activity: Activity, data: bytes) -> Any:
    return client.post(
        f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/",
        {"file": SimpleUploadedFile("register.csv", data, content_type="text/csv")},
    )


def job_url(cast: Cast, activity: Activity, job: RegisterImport) -> str:
    return f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/import/{job.pk}/"


def imported(client: Client, cast: Cast, activity: Activity, data: bytes) -> tuple[RegisterImport, str]:
    """Upload a register; the tests' task backend runs the job at once. Returns the job and its
    page, reached by the redirect the upload answers."""
    response = import_register(client, cast, activity, data)
    assert response.status_code == 302, response.content
    job = RegisterImport.objects.filter(activity=activity).first()
    assert job is not None
    assert response["Location"] == job_url(cast, activity, job)
    page = client.get(response["Location"])
    assert page.status_code == 200
    return job, page.content.decode()


def test_importing_a_good_register(staff: Client, cast: Cast) -> None:
    learners = roll_for_attendance(cast)
    activity = make_activity(cast.p1)
    job, page = imported(staff, cast, activity, (FIXTURES / "attendance_good.csv").read_bytes())
    assert job.status == RegisterImport.Status.DONE
    assert "Register imported" in page
    assert "6 present, 4 absent (10 added, 0 changed)" in page
    assert f'href="{register_url(cast, activity)}">See the register</a>' in page
    assert "hx-trigger" not in page  # finished: nothing polls
    assert job.data is None  # the file names learners: not kept once saved
    counts = (job.present_count, job.absent_count, job.added_count, job.changed_count, job.total_rows)
    assert counts == (6, 4, 10, 0, 10)
    assert job.created_by == cast.p1_staff
    recorded = dict(Participation.objects.filter(activity=activity).values_list("learner_id", "attended"))
    assert recorded == {learner.pk: present for learner, present in zip(learners, PRESENT, strict=True)}
    [event] = register_events(activity)
    assert event.after is not None
    assert event.after["added"] == {str(learner.pk): p for learner, p in zip(learners, PRESENT, strict=True)}
    assert event.actor_id == cast.p1_staff.pk  # the task acts for the person who uploaded
    [started] = AuditEvent.objects.filter(action="activity.register_import_started")
    assert started.after == {"activity_id": activity.pk, "file_name": "register.csv"}

    # The same file again changes nothing.
    _, again = imported(staff, cast, activity, (FIXTURES / "attendance_good.csv").read_bytes())
    assert "6 present, 4 absent (0 added, 0 changed)" in again
    assert len(register_events(activity)) == 1


def test_a_register_naming_someone_not_on_roll_saves_nothing(staff: Client, cast: Cast) -> None:
    roll_for_attendance(cast, skip=4)  # B888900118104, line 6 of the file, is not on the roll
    activity = make_activity(cast.p1)
    job, page = imported(staff, cast, activity, (FIXTURES / "attendance_good.csv").read_bytes())
    assert job.status == RegisterImport.Status.FAILED
    assert job.errors == [{"line": 6, "reason": "no learner on your roll has B888900118104"}]
    assert job.data is None  # discarded when the job ended
    assert "Nothing was saved: 1 row to fix" in page
    assert "<li>Line 6: no learner on your roll has B888900118104</li>" in page
    assert "Upload the register again" in page  # the form to send a corrected file
    assert Participation.objects.count() == 0
    assert register_events(activity) == []


def test_a_register_with_bad_rows_lists_them_all_and_saves_nothing(staff: Client, cast: Cast) -> None:
    roll_for_attendance(cast)
    activity = make_activity(cast.p1)
    job, page = imported(staff, cast, activity, (FIXTURES / "attendance_bad.csv").read_bytes())
    expected = [
        (3, "bad UPN 'A888900118101': check letter should be J, not A"),
        (4, "UPN V888900118100 is a duplicate: it is already on line 2"),
        (5, "unknown attendance value 'L' in Attended: use Y or N"),
        (6, "UPN or ULN is required"),
        (7, "bad ULN '123456789': must be 10 digits (this has 9 characters)"),
    ]
    assert [(e["line"], e["reason"]) for e in job.errors] == expected
    assert "Nothing was saved: 5 rows to fix" in page
    for line, reason in expected:
        assert f"<li>Line {line}: {escape(reason)}</li>" in page
    assert Participation.objects.count() == 0


def test_a_register_naming_someone_who_had_left_saves_nothing(staff: Client, cast: Cast) -> None:
    learners = roll_for_attendance(cast)
    Learner.objects.filter(pk=learners[2].pk).update(left_on=dt.date(2025, 10, 31))
    activity = make_activity(cast.p1, date=dt.date(2025, 11, 5))
    job, page = imported(staff, cast, activity, (FIXTURES / "attendance_good.csv").read_bytes())
    assert job.errors == [{"line": 4, "reason": "Pupil2 Register had left before this activity"}]
    assert "Line 4: Pupil2 Register had left before this activity" in page
    assert Participation.objects.count() == 0


def test_a_register_that_is_not_csv_is_a_form_error(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1)
    response = import_register(staff, cast, activity, b"Name,Attended\r\nAda,Y\r\n")
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Missing required column: UPN or ULN Nothing was saved."]}
    assert "Missing required column: UPN or ULN Nothing was saved." in response.content.decode()
    assert not RegisterImport.objects.exists()  # refused before a job was made
    assert Participation.objects.count() == 0


def test_a_register_broken_past_its_header_fails_its_job_with_the_reason(staff: Client, cast: Cast) -> None:
    roll_for_attendance(cast)
    activity = make_activity(cast.p1)
    data = b'UPN,Attended\r\nV888900118100,Y\r\n"J888900118101,Y\r\n'  # a quote never closed
    job, page = imported(staff, cast, activity, data)
    assert job.status == RegisterImport.Status.FAILED
    assert job.message.startswith("File is not valid CSV")
    assert job.message.endswith("Nothing was saved.")
    assert "Nothing was saved</h2>" in page
    assert escape(job.message) in page
    assert Participation.objects.count() == 0


def test_the_edit_form_shows_the_stored_date_in_the_day_month_and_year_boxes(staff: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1)
    page = staff.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    for part, value in (("day", "5"), ("month", "11"), ("year", "2025")):
        assert re.search(rf'<input type="text" name="date_{part}" value="{value}"', page), part


def test_the_activity_list_says_how_many_elements_are_still_to_record(staff: Client, cast: Cast) -> None:
    make_activity(cast.p1, title="Unprepared talk", preparation=False, reflection=False)
    make_activity(cast.p1, title="Good talk")
    page = staff.get(f"/providers/{cast.p1.urn}/activities/?year=2025").content.decode()
    assert page.count("Not meaningful yet") == 1
    assert "2 elements to record" in page


@pytest.mark.parametrize(("typed", "kept"), [("0.1", "0.1"), ("2.5", "2.5"), ("200", "200.0"), (" 30 ", "30.0")])
def test_a_workplace_experience_keeps_its_hours_up_to_200(staff: Client, cast: Cast, typed: str, kept: str) -> None:
    activity = create(staff, cast, title="Visit", activity_type="workplace_experience", subtype="visit", hours=typed)
    activity.refresh_from_db()
    assert str(activity.hours) == kept
    event = AuditEvent.objects.get(action="activity.created")
    assert event.after is not None
    assert event.after["hours"] == kept


def test_hours_typed_for_another_kind_of_activity_are_not_kept(staff: Client, cast: Cast) -> None:
    activity = create(staff, cast, hours="3")
    activity.refresh_from_db()
    assert activity.activity_type == "employer_encounter"
    assert activity.hours is None
