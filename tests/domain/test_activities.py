"""What makes an encounter or experience meaningful, per activity type and academic year.

Academic years up to 2024/25 are measured on the 2018 definition (DOMAIN.md §3): a clear shared
purpose and learning outcomes, two-way interaction, reflection afterwards; for workplace
experiences also a task set by the employer and employer feedback. From 2025/26 (1 September
2025) the refreshed Gatsby definition applies (§3b): every meaningful encounter has a clear
purpose shared with all and learning outcomes, preparation beforehand, two-way interaction and
reflection afterwards; a meaningful workplace experience also has extensive two-way interaction,
meets a range of people, does a task set by the employer and gets employer feedback. Only
employer encounters (BM5), workplace experiences (BM6) and encounters with next-stage providers
(BM7) must be meaningful to count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.academic import academic_year_of
from qic.domain.activities import (
    ALL_ELEMENTS,
    ActivityType,
    MeaningfulElements,
    categories_for,
    elements_for,
    why_not_counting,
)
from qic.domain.benchmarks import Category

ENCOUNTER = ["shared_purpose", "preparation", "two_way", "reflection"]
WORKPLACE = [
    "shared_purpose",
    "preparation",
    "two_way",
    "extensive_interaction",
    "range_of_people",
    "employer_task",
    "employer_feedback",
    "reflection",
]
ENCOUNTER_2018 = ["shared_purpose", "two_way", "reflection"]
WORKPLACE_2018 = ["shared_purpose", "two_way", "employer_task", "employer_feedback", "reflection"]
# Written from DOMAIN.md, not read back from the module. The refreshed definition (§3b):
NEEDED = {
    ActivityType.EMPLOYER_ENCOUNTER: ENCOUNTER,
    ActivityType.WORKPLACE_EXPERIENCE: WORKPLACE,
    ActivityType.PROVIDER_ENCOUNTER: ENCOUNTER,
    ActivityType.CAREERS_INFORMATION: [],
    ActivityType.CURRICULUM_LEARNING: [],
    ActivityType.PERSONAL_GUIDANCE: [],
    ActivityType.PARENT_ENGAGEMENT: [],
}
# The 2018 definition (§3), for academic years up to 2024/25:
NEEDED_2018 = {
    ActivityType.EMPLOYER_ENCOUNTER: ENCOUNTER_2018,
    ActivityType.WORKPLACE_EXPERIENCE: WORKPLACE_2018,
    ActivityType.PROVIDER_ENCOUNTER: ENCOUNTER_2018,
    **{t: [] for t in ActivityType if not NEEDED[t]},
}
REFRESHED = 2025  # 2025/26, the first year of the refreshed definition
LAST_2018 = 2024  # 2024/25
# One subtype of each type that counts for something when it is meaningful.
SUBTYPE = {
    ActivityType.EMPLOYER_ENCOUNTER: "talk",
    ActivityType.WORKPLACE_EXPERIENCE: "work_experience",
    ActivityType.PROVIDER_ENCOUNTER: "fe_college",
    ActivityType.CAREERS_INFORMATION: "lmi_lesson",
    ActivityType.CURRICULUM_LEARNING: "subject_lesson",
    ActivityType.PERSONAL_GUIDANCE: "group_guidance",
    ActivityType.PARENT_ENGAGEMENT: "parents_evening",
}
COUNTS_AS = {
    ActivityType.EMPLOYER_ENCOUNTER: {Category.EMPLOYER},
    ActivityType.WORKPLACE_EXPERIENCE: {Category.WORKPLACE},
    ActivityType.PROVIDER_ENCOUNTER: {Category.FE_COLLEGE},
}

ALL_TICKED = MeaningfulElements(**dict.fromkeys(WORKPLACE, True))
NONE_TICKED = MeaningfulElements()


def with_only(fields: list[str]) -> MeaningfulElements:
    return MeaningfulElements(**dict.fromkeys(fields, True))


def without(field: str, base: list[str]) -> MeaningfulElements:
    return with_only([f for f in base if f != field])


@pytest.mark.parametrize("activity_type", list(ActivityType))
def test_each_type_records_the_elements_its_definition_names_in_order(activity_type: ActivityType) -> None:
    assert [element.field for element in elements_for(activity_type, REFRESHED)] == NEEDED[activity_type]


@pytest.mark.parametrize("activity_type", list(ActivityType))
def test_every_element_has_wording_and_a_reason(activity_type: ActivityType) -> None:
    for element in elements_for(activity_type, REFRESHED):
        assert element.wording
        assert element.why
        assert element.wording != element.why


@pytest.mark.parametrize("activity_type", [t for t in ActivityType if NEEDED[t]])
def test_with_every_element_an_encounter_or_experience_is_meaningful_and_counts(activity_type: ActivityType) -> None:
    elements = with_only(NEEDED[activity_type])
    assert elements.meaningful_for(activity_type, REFRESHED)
    assert elements.missing_for(activity_type, REFRESHED) == []
    found = categories_for(
        activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements, year=REFRESHED
    )
    assert found == COUNTS_AS[activity_type]


@pytest.mark.parametrize(
    ("activity_type", "field"),
    [(t, field) for t in ActivityType for field in NEEDED[t]],
    ids=lambda v: v.value if isinstance(v, ActivityType) else v,
)
def test_any_single_missing_element_stops_it_counting_and_is_named(activity_type: ActivityType, field: str) -> None:
    elements = without(field, NEEDED[activity_type])
    assert not elements.meaningful_for(activity_type, REFRESHED)
    assert (
        categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements, year=REFRESHED)
        == set()
    )
    missing = elements.missing(activity_type, REFRESHED)
    assert [element.field for element in missing] == [field]
    assert elements.missing_for(activity_type, REFRESHED) == [missing[0].wording]


@pytest.mark.parametrize("field", ["extensive_interaction", "range_of_people", "employer_task", "employer_feedback"])
def test_workplace_only_elements_are_not_asked_of_encounters(field: str) -> None:
    for activity_type in (ActivityType.EMPLOYER_ENCOUNTER, ActivityType.PROVIDER_ENCOUNTER):
        assert with_only(ENCOUNTER).meaningful_for(activity_type, REFRESHED)
        assert field not in [element.field for element in elements_for(activity_type, REFRESHED)]
    # ...but a workplace experience with only the encounter elements does not count.
    assert not with_only(ENCOUNTER).meaningful_for(ActivityType.WORKPLACE_EXPERIENCE, REFRESHED)
    assert field in [e.field for e in with_only(ENCOUNTER).missing(ActivityType.WORKPLACE_EXPERIENCE, REFRESHED)]


def test_two_way_interaction_is_asked_of_a_workplace_experience_besides_it_being_extensive() -> None:
    elements = dataclasses.replace(ALL_TICKED, two_way=False)
    assert [e.field for e in elements.missing(ActivityType.WORKPLACE_EXPERIENCE, REFRESHED)] == ["two_way"]


@pytest.mark.parametrize("activity_type", [t for t in ActivityType if not NEEDED[t]])
def test_types_that_need_no_meaning_count_with_nothing_ticked(activity_type: ActivityType) -> None:
    assert NONE_TICKED.meaningful_for(activity_type, REFRESHED)
    assert NONE_TICKED.missing_for(activity_type, REFRESHED) == []
    # Group guidance sessions and parent engagement are programme evidence with no learner measure.
    found = categories_for(
        activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=NONE_TICKED, year=REFRESHED
    )
    assert found == categories_for(
        activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=ALL_TICKED, year=REFRESHED
    )


def test_nothing_ticked_lists_every_missing_element_in_the_forms_order() -> None:
    assert [e.field for e in NONE_TICKED.missing(ActivityType.WORKPLACE_EXPERIENCE, REFRESHED)] == WORKPLACE
    assert NONE_TICKED.missing_for(ActivityType.EMPLOYER_ENCOUNTER, REFRESHED) == [
        "A clear purpose shared with everyone, and learning outcomes",
        "Learners prepared beforehand",
        "Two-way interaction",
        "Learners reflected afterwards",
    ]


def test_elements_are_read_from_an_object_by_name() -> None:
    class Recorded:
        shared_purpose = True
        preparation = True
        two_way = False
        reflection = True
        employer_task = True

    elements = MeaningfulElements.of(Recorded())
    assert elements == MeaningfulElements(shared_purpose=True, preparation=True, reflection=True, employer_task=True)


# --- The checklist is chosen by the activity's academic year ------------------------------------

BOUNDARY = [
    (dt.date(2025, 8, 31), NEEDED_2018),  # the last day of 2024/25
    (dt.date(2025, 9, 1), NEEDED),  # the first day of 2025/26
]


@pytest.mark.parametrize("activity_type", list(ActivityType), ids=lambda t: t.value)
@pytest.mark.parametrize(("day", "table"), BOUNDARY, ids=["31-aug-2025", "1-sep-2025"])
def test_the_checklist_changes_on_1_september_2025(
    activity_type: ActivityType, day: dt.date, table: dict[ActivityType, list[str]]
) -> None:
    assert [element.field for element in elements_for(activity_type, academic_year_of(day))] == table[activity_type]


@pytest.mark.parametrize("activity_type", list(COUNTS_AS), ids=lambda t: t.value)
@pytest.mark.parametrize(
    ("day", "counts"), [(dt.date(2025, 8, 31), True), (dt.date(2025, 9, 1), False)], ids=["31-aug-2025", "1-sep-2025"]
)
def test_an_activity_with_the_2018_elements_counts_up_to_31_august_2025_only(
    activity_type: ActivityType, day: dt.date, counts: bool
) -> None:
    elements = with_only(NEEDED_2018[activity_type])
    year = academic_year_of(day)
    found = categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements, year=year)
    assert found == (COUNTS_AS[activity_type] if counts else set())
    assert elements.meaningful_for(activity_type, year) is counts
    assert (why_not_counting(activity_type, elements, year) == "") is counts


@pytest.mark.parametrize("activity_type", list(COUNTS_AS), ids=lambda t: t.value)
@pytest.mark.parametrize("year", [2000, 2018, LAST_2018, REFRESHED, 2026, 2040])
def test_every_element_of_its_years_definition_makes_it_count(activity_type: ActivityType, year: int) -> None:
    table = NEEDED_2018 if year <= LAST_2018 else NEEDED
    elements = with_only(table[activity_type])
    assert (
        categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements, year=year)
        == COUNTS_AS[activity_type]
    )


@pytest.mark.parametrize(
    ("activity_type", "field"),
    [(t, field) for t in ActivityType for field in NEEDED_2018[t]],
    ids=lambda v: v.value if isinstance(v, ActivityType) else v,
)
def test_in_2024_25_any_single_missing_2018_element_stops_it_counting_and_is_named(
    activity_type: ActivityType, field: str
) -> None:
    elements = without(field, NEEDED_2018[activity_type])
    assert not elements.meaningful_for(activity_type, LAST_2018)
    assert [e.field for e in elements.missing(activity_type, LAST_2018)] == [field]
    assert (
        categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements, year=LAST_2018)
        == set()
    )


def test_in_2024_25_preparation_and_the_refreshed_workplace_elements_are_not_asked() -> None:
    assert NONE_TICKED.missing_for(ActivityType.EMPLOYER_ENCOUNTER, LAST_2018) == [
        "A clear purpose shared with everyone, and learning outcomes",
        "Two-way interaction",
        "Learners reflected afterwards",
    ]
    assert why_not_counting(ActivityType.WORKPLACE_EXPERIENCE, with_only(ENCOUNTER_2018), LAST_2018) == (
        "It does not count towards Benchmark 6 until these are recorded: "
        "a task set by the employer; feedback from the employer."
    )


def test_a_year_before_any_definition_is_judged_by_the_oldest() -> None:
    assert [e.field for e in elements_for(ActivityType.EMPLOYER_ENCOUNTER, 1990)] == ENCOUNTER_2018


@pytest.mark.parametrize("year", [LAST_2018, REFRESHED])
def test_every_element_of_either_definition_is_one_the_form_records(year: int) -> None:
    for activity_type in ActivityType:
        assert set(elements_for(activity_type, year)) <= set(ALL_ELEMENTS)


@given(st.sampled_from(list(ActivityType)), st.sets(st.sampled_from(WORKPLACE)), st.integers(1990, 2060))
def test_meaningful_exactly_when_nothing_its_year_needs_is_missing(
    activity_type: ActivityType, ticked: set[str], year: int
) -> None:
    table = NEEDED_2018 if year <= LAST_2018 else NEEDED
    elements = with_only(sorted(ticked))
    assert elements.meaningful_for(activity_type, year) == set(table[activity_type]).issubset(ticked)
    assert [e.field for e in elements.missing(activity_type, year)] == [
        f for f in table[activity_type] if f not in ticked
    ]
