"""Kinds of careers activity, and what each is evidence of.

An activity's type and details decide which benchmark categories an attended place on it
counts towards. Encounters and experiences count only when meaningful: each type records the
elements its definition names, and counts only when all of them are recorded. The definition is
chosen by the activity's academic year (MEANING_CHECKLISTS): the 2018 one up to 2024/25, the
refreshed Gatsby one from 2025/26 (DOMAIN.md §3 and §3b).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from qic.domain.benchmarks import Category


class ActivityType(str, enum.Enum):  # noqa: UP042 - stored value
    EMPLOYER_ENCOUNTER = "employer_encounter"
    WORKPLACE_EXPERIENCE = "workplace_experience"
    PROVIDER_ENCOUNTER = "provider_encounter"
    CAREERS_INFORMATION = "careers_information"
    CURRICULUM_LEARNING = "curriculum_learning"
    PERSONAL_GUIDANCE = "personal_guidance"  # group guidance sessions; 1:1 interviews are recorded separately
    PARENT_ENGAGEMENT = "parent_engagement"

    @property
    def label(self) -> str:
        return ACTIVITY_TYPE_LABELS[self]

    @property
    def benchmark(self) -> int:
        return {
            ActivityType.EMPLOYER_ENCOUNTER: 5,
            ActivityType.WORKPLACE_EXPERIENCE: 6,
            ActivityType.PROVIDER_ENCOUNTER: 7,
            ActivityType.CAREERS_INFORMATION: 2,
            ActivityType.CURRICULUM_LEARNING: 4,
            ActivityType.PERSONAL_GUIDANCE: 8,
            ActivityType.PARENT_ENGAGEMENT: 2,
        }[self]


ACTIVITY_TYPE_LABELS = {
    ActivityType.EMPLOYER_ENCOUNTER: "Employer encounter",
    ActivityType.WORKPLACE_EXPERIENCE: "Workplace experience",
    ActivityType.PROVIDER_ENCOUNTER: "Encounter with a next-stage provider",
    ActivityType.CAREERS_INFORMATION: "Careers and labour-market information",
    ActivityType.CURRICULUM_LEARNING: "Curriculum-linked careers learning",
    ActivityType.PERSONAL_GUIDANCE: "Group guidance session",
    ActivityType.PARENT_ENGAGEMENT: "Parent and carer engagement",
}

SUBTYPES: dict[ActivityType, list[tuple[str, str]]] = {
    ActivityType.EMPLOYER_ENCOUNTER: [
        ("talk", "Employer talk"),
        ("careers_fair", "Careers fair"),
        ("mentoring", "Mentoring"),
        ("enterprise", "Enterprise activity"),
        ("employer_project", "Employer-set project"),
        ("mock_interview", "Mock interviews"),
    ],
    ActivityType.WORKPLACE_EXPERIENCE: [
        ("visit", "Workplace visit"),
        ("shadowing", "Work shadowing"),
        ("work_experience", "Work experience"),
        ("virtual", "Virtual work experience"),
    ],
    ActivityType.PROVIDER_ENCOUNTER: [
        ("sixth_form", "Sixth form"),
        ("fe_college", "FE college"),
        ("university", "University"),
        ("apprenticeship", "Apprenticeship provider"),
        ("itp", "Independent training provider"),
        ("send_post16", "Supported internship or specialist post-16 provider"),
    ],
    ActivityType.CAREERS_INFORMATION: [
        ("lmi_lesson", "Labour-market information lesson"),
        ("careers_platform", "Careers platform or website"),
        ("library", "Careers library"),
    ],
    ActivityType.CURRICULUM_LEARNING: [
        ("subject_lesson", "Careers in the subject"),
        ("stem_event", "STEM careers event"),
    ],
    ActivityType.PERSONAL_GUIDANCE: [("group_guidance", "Group guidance")],
    ActivityType.PARENT_ENGAGEMENT: [
        ("parents_evening", "Parents' evening"),
        ("lmi_for_parents", "Labour-market information for parents"),
        ("newsletter", "Newsletter or website"),
    ],
}

PROVIDER_KIND_CATEGORY = {
    "sixth_form": Category.SIXTH_FORM,
    "fe_college": Category.FE_COLLEGE,
    "university": Category.UNIVERSITY,
    "apprenticeship": Category.APPRENTICESHIP,
    "itp": Category.APPRENTICESHIP,  # an independent training provider offers apprenticeships
    "send_post16": Category.SEND_POST16,
}

STEM_SUBJECTS = frozenset(
    {
        "science",
        "biology",
        "chemistry",
        "physics",
        "mathematics",
        "maths",
        "computing",
        "computer science",
        "design and technology",
        "engineering",
        "statistics",
        "electronics",
    }
)


@dataclass(frozen=True)
class MeaningElement:
    """One thing that makes an encounter or experience meaningful.

    `field` is the name it is recorded under (an Activity boolean, a MeaningfulElements
    attribute); `wording` names it as the form's checkbox and the warnings do; `why` is the
    reason it matters, shown as the checkbox's hint.
    """

    field: str
    wording: str
    why: str


SHARED_PURPOSE = MeaningElement(
    "shared_purpose",
    "A clear purpose shared with everyone, and learning outcomes",
    "Learners, staff and the employer or provider know what it is for and what learners should gain.",
)
PREPARATION = MeaningElement(
    "preparation",
    "Learners prepared beforehand",
    "Learners know who they will meet and have questions ready, so they get more from it.",
)
TWO_WAY = MeaningElement(
    "two_way",
    "Two-way interaction",
    "Learners talk with the people they meet and ask questions, not only listen.",
)
EXTENSIVE_INTERACTION = MeaningElement(
    "extensive_interaction",
    "Extensive two-way interaction",
    "Learners spend real time working alongside people, not only a short question-and-answer session.",
)
RANGE_OF_PEOPLE = MeaningElement(
    "range_of_people",
    "Learners met a range of people",
    "Meeting people in different roles shows the range of jobs in one workplace.",
)
EMPLOYER_TASK = MeaningElement(
    "employer_task",
    "A task set by the employer",
    "Doing a real task shows learners what the work asks of them.",
)
EMPLOYER_FEEDBACK = MeaningElement(
    "employer_feedback",
    "Feedback from the employer",
    "The employer tells each learner how they did, so they learn what to build on.",
)
REFLECTION = MeaningElement(
    "reflection",
    "Learners reflected afterwards",
    "Thinking back on what they learnt turns the experience into learning about their own next steps.",
)

# The refreshed Gatsby definition (DOMAIN.md §3b): every meaningful encounter has a clear
# shared purpose and learning outcomes, preparation, two-way interaction and reflection
# afterwards. Ordered as they happen: before, during, after.
ENCOUNTER_ELEMENTS = (SHARED_PURPOSE, PREPARATION, TWO_WAY, REFLECTION)
# A meaningful workplace experience also has extensive two-way interaction, meets a range of
# people, does a task set by the employer and gets the employer's feedback.
WORKPLACE_ELEMENTS = (
    SHARED_PURPOSE,
    PREPARATION,
    TWO_WAY,
    EXTENSIVE_INTERACTION,
    RANGE_OF_PEOPLE,
    EMPLOYER_TASK,
    EMPLOYER_FEEDBACK,
    REFLECTION,
)

# The 2018 definition (DOMAIN.md §3), which measures the academic years up to 2024/25: a clear
# shared purpose and learning outcomes, two-way interaction and reflection afterwards; for
# workplace experiences also a task set by the employer and employer feedback.
ENCOUNTER_ELEMENTS_2018 = (SHARED_PURPOSE, TWO_WAY, REFLECTION)
WORKPLACE_ELEMENTS_2018 = (SHARED_PURPOSE, TWO_WAY, EMPLOYER_TASK, EMPLOYER_FEEDBACK, REFLECTION)


@dataclass(frozen=True)
class MeaningChecklist:
    """What each type must record to count, from the first academic year it applies to.

    Careers information, curriculum learning, group guidance and parent engagement need nothing:
    the benchmarks ask for "meaningful" only of employer encounters (BM5), workplace experiences
    (BM6) and encounters with next-stage providers (BM7).
    """

    first_year: int  # the first academic year (by its starting calendar year) it applies to
    name: str  # which definition, as the form names it
    elements: dict[ActivityType, tuple[MeaningElement, ...]]


def _checklist(
    first_year: int, name: str, encounter: tuple[MeaningElement, ...], workplace: tuple[MeaningElement, ...]
) -> MeaningChecklist:
    return MeaningChecklist(
        first_year=first_year,
        name=name,
        elements={
            ActivityType.EMPLOYER_ENCOUNTER: encounter,
            ActivityType.WORKPLACE_EXPERIENCE: workplace,
            ActivityType.PROVIDER_ENCOUNTER: encounter,
            ActivityType.CAREERS_INFORMATION: (),
            ActivityType.CURRICULUM_LEARNING: (),
            ActivityType.PERSONAL_GUIDANCE: (),
            ActivityType.PARENT_ENGAGEMENT: (),
        },
    )


# Dated data, oldest first: an activity is judged by the checklist of its own academic year,
# never by the day the rule was loaded. The 2018 one starts where the 2018 benchmark rule set
# does (qic.domain.rulesets.gatsby_2018) and also answers for any earlier year.
GATSBY_2018_CHECKLIST = _checklist(
    2000, "the 2018 Gatsby Benchmarks (academic years up to 2024/25)", ENCOUNTER_ELEMENTS_2018, WORKPLACE_ELEMENTS_2018
)
REFRESHED_CHECKLIST = _checklist(
    2025, "the refreshed Gatsby Benchmarks (from 2025/26)", ENCOUNTER_ELEMENTS, WORKPLACE_ELEMENTS
)
MEANING_CHECKLISTS = (GATSBY_2018_CHECKLIST, REFRESHED_CHECKLIST)

# Every element any type records in any year, in the order the form shows them.
ALL_ELEMENTS = WORKPLACE_ELEMENTS

NEEDS_MEANING = frozenset(
    activity_type
    for checklist in MEANING_CHECKLISTS
    for activity_type, elements in checklist.elements.items()
    if elements
)


def checklist_for(year: int) -> MeaningChecklist:
    """The checklist that applies to an academic year (the oldest one for any year before it)."""
    chosen = MEANING_CHECKLISTS[0]
    for checklist in MEANING_CHECKLISTS:
        if checklist.first_year <= year:
            chosen = checklist
    return chosen


def elements_for(activity_type: ActivityType, year: int) -> tuple[MeaningElement, ...]:
    """The elements an activity of this type in this academic year must record to count; empty if it needs none."""
    return checklist_for(year).elements[activity_type]


@dataclass(frozen=True)
class MeaningfulElements:
    """Which elements an activity recorded (see the MeaningElement constants for each one)."""

    shared_purpose: bool = False
    preparation: bool = False
    two_way: bool = False
    extensive_interaction: bool = False
    range_of_people: bool = False
    employer_task: bool = False
    employer_feedback: bool = False
    reflection: bool = False

    @classmethod
    def of(cls, values: object) -> MeaningfulElements:
        """Read each element from an object's attribute (an Activity) of the same name."""
        return cls(**{element.field: bool(getattr(values, element.field, False)) for element in ALL_ELEMENTS})

    def has(self, element: MeaningElement) -> bool:
        return bool(getattr(self, element.field))

    def missing(self, activity_type: ActivityType, year: int) -> tuple[MeaningElement, ...]:
        """The elements this type needs in this academic year that are not recorded, in the form's order."""
        return tuple(element for element in elements_for(activity_type, year) if not self.has(element))

    def missing_for(self, activity_type: ActivityType, year: int) -> list[str]:
        """The elements still missing, in words, for the activity's warnings."""
        return [element.wording for element in self.missing(activity_type, year)]

    def meaningful_for(self, activity_type: ActivityType, year: int) -> bool:
        """True when every element the type needs that year is recorded (always, for a type that needs none)."""
        return not self.missing(activity_type, year)


def why_not_counting(activity_type: ActivityType, elements: MeaningfulElements, year: int) -> str:
    """Why an activity of this academic year counts for nothing yet, in one sentence; empty when nothing is missing."""
    missing = elements.missing_for(activity_type, year)
    if not missing:
        return ""
    listed = "; ".join(wording[0].lower() + wording[1:] for wording in missing)
    return f"It does not count towards Benchmark {activity_type.benchmark} until these are recorded: {listed}."


def is_stem(subject: str) -> bool:
    return subject.strip().casefold() in STEM_SUBJECTS


def categories_for(
    *, activity_type: ActivityType, subtype: str, meaningful: MeaningfulElements, year: int, subject: str = ""
) -> frozenset[Category]:
    """What one attended place on this activity, in this academic year, counts towards.

    Encounters and experiences that are not meaningful by the checklist of their year count
    towards nothing: they are still recorded, and the page says which elements are missing.
    """
    if activity_type in NEEDS_MEANING and not meaningful.meaningful_for(activity_type, year):
        return frozenset()
    if activity_type == ActivityType.EMPLOYER_ENCOUNTER:
        return frozenset({Category.EMPLOYER})
    if activity_type == ActivityType.WORKPLACE_EXPERIENCE:
        return frozenset({Category.WORKPLACE})
    if activity_type == ActivityType.PROVIDER_ENCOUNTER:
        category = PROVIDER_KIND_CATEGORY.get(subtype)
        return frozenset({category}) if category else frozenset()
    if activity_type == ActivityType.CAREERS_INFORMATION:
        return frozenset({Category.CLMI})
    if activity_type == ActivityType.CURRICULUM_LEARNING:
        found = {Category.CURRICULUM}
        if subtype == "stem_event" or is_stem(subject):
            found.add(Category.STEM)
        return frozenset(found)
    return frozenset()
