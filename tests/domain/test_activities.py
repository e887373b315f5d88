"""What makes an encounter or experience meaningful, per activity type (DOMAIN.md §3b).

From the refreshed Gatsby definition: every meaningful encounter has a clear purpose shared with
all and learning outcomes, preparation beforehand, two-way interaction and reflection afterwards.
A meaningful workplace experience also has extensive two-way interaction, meets a range of
people, does a task set by the employer and gets employer feedback. Only employer encounters
(BM5), workplace experiences (BM6) and encounters with next-stage providers (BM7) must be
meaningful to count.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.activities import (
    ActivityType,
    MeaningfulElements,
    categories_for,
    elements_for,
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
# Written from DOMAIN.md, not read back from the module.
NEEDED = {
    ActivityType.EMPLOYER_ENCOUNTER: ENCOUNTER,
    ActivityType.WORKPLACE_EXPERIENCE: WORKPLACE,
    ActivityType.PROVIDER_ENCOUNTER: ENCOUNTER,
    ActivityType.CAREERS_INFORMATION: [],
    ActivityType.CURRICULUM_LEARNING: [],
    ActivityType.PERSONAL_GUIDANCE: [],
    ActivityType.PARENT_ENGAGEMENT: [],
}
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
    assert [element.field for element in elements_for(activity_type)] == NEEDED[activity_type]


@pytest.mark.parametrize("activity_type", list(ActivityType))
def test_every_element_has_wording_and_a_reason(activity_type: ActivityType) -> None:
    for element in elements_for(activity_type):
        assert element.wording
        assert element.why
        assert element.wording != element.why


@pytest.mark.parametrize("activity_type", [t for t in ActivityType if NEEDED[t]])
def test_with_every_element_an_encounter_or_experience_is_meaningful_and_counts(activity_type: ActivityType) -> None:
    elements = with_only(NEEDED[activity_type])
    assert elements.meaningful_for(activity_type)
    assert elements.missing_for(activity_type) == []
    found = categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements)
    assert found == COUNTS_AS[activity_type]


@pytest.mark.parametrize(
    ("activity_type", "field"),
    [(t, field) for t in ActivityType for field in NEEDED[t]],
    ids=lambda v: v.value if isinstance(v, ActivityType) else v,
)
def test_any_single_missing_element_stops_it_counting_and_is_named(activity_type: ActivityType, field: str) -> None:
    elements = without(field, NEEDED[activity_type])
    assert not elements.meaningful_for(activity_type)
    assert categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=elements) == set()
    missing = elements.missing(activity_type)
    assert [element.field for element in missing] == [field]
    assert elements.missing_for(activity_type) == [missing[0].wording]


@pytest.mark.parametrize("field", ["extensive_interaction", "range_of_people", "employer_task", "employer_feedback"])
def test_workplace_only_elements_are_not_asked_of_encounters(field: str) -> None:
    for activity_type in (ActivityType.EMPLOYER_ENCOUNTER, ActivityType.PROVIDER_ENCOUNTER):
        assert with_only(ENCOUNTER).meaningful_for(activity_type)
        assert field not in [element.field for element in elements_for(activity_type)]
    # ...but a workplace experience with only the encounter elements does not count.
    assert not with_only(ENCOUNTER).meaningful_for(ActivityType.WORKPLACE_EXPERIENCE)
    assert field in [e.field for e in with_only(ENCOUNTER).missing(ActivityType.WORKPLACE_EXPERIENCE)]


def test_two_way_interaction_is_asked_of_a_workplace_experience_besides_it_being_extensive() -> None:
    elements = dataclasses.replace(ALL_TICKED, two_way=False)
    assert [e.field for e in elements.missing(ActivityType.WORKPLACE_EXPERIENCE)] == ["two_way"]


@pytest.mark.parametrize("activity_type", [t for t in ActivityType if not NEEDED[t]])
def test_types_that_need_no_meaning_count_with_nothing_ticked(activity_type: ActivityType) -> None:
    assert NONE_TICKED.meaningful_for(activity_type)
    assert NONE_TICKED.missing_for(activity_type) == []
    # Group guidance sessions and parent engagement are programme evidence with no learner measure.
    found = categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=NONE_TICKED)
    assert found == categories_for(activity_type=activity_type, subtype=SUBTYPE[activity_type], meaningful=ALL_TICKED)


def test_nothing_ticked_lists_every_missing_element_in_the_forms_order() -> None:
    assert [e.field for e in NONE_TICKED.missing(ActivityType.WORKPLACE_EXPERIENCE)] == WORKPLACE
    assert NONE_TICKED.missing_for(ActivityType.EMPLOYER_ENCOUNTER) == [
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


@given(st.sampled_from(list(ActivityType)), st.sets(st.sampled_from(WORKPLACE)))
def test_meaningful_exactly_when_nothing_needed_is_missing(activity_type: ActivityType, ticked: set[str]) -> None:
    elements = with_only(sorted(ticked))
    assert elements.meaningful_for(activity_type) == set(NEEDED[activity_type]).issubset(ticked)
    assert [e.field for e in elements.missing(activity_type)] == [f for f in NEEDED[activity_type] if f not in ticked]
