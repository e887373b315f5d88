"""Kinds of careers activity, and what each is evidence of.

An activity's type and details decide which benchmark categories an attended place on it
counts towards. Encounters and experiences count only when meaningful: a clear shared purpose
and learning outcomes, two-way interaction and reflection afterwards (the refreshed Gatsby
definition); for workplace experiences, employer feedback as well.
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
class MeaningfulElements:
    shared_purpose: bool = False  # clear shared purpose and learning outcomes
    two_way: bool = False  # two-way interaction
    reflection: bool = False  # learners reflect afterwards
    employer_feedback: bool = False  # for workplace experiences: a task set by the employer and feedback

    def meaningful_for(self, activity_type: ActivityType) -> bool:
        core = self.shared_purpose and self.two_way and self.reflection
        if activity_type == ActivityType.WORKPLACE_EXPERIENCE:
            return core and self.employer_feedback
        return core

    def missing_for(self, activity_type: ActivityType) -> list[str]:
        """The elements still missing, in words, for the activity form's warning."""
        missing = []
        if not self.shared_purpose:
            missing.append("a clear shared purpose and learning outcomes")
        if not self.two_way:
            missing.append("two-way interaction")
        if not self.reflection:
            missing.append("learner reflection afterwards")
        if activity_type == ActivityType.WORKPLACE_EXPERIENCE and not self.employer_feedback:
            missing.append("an employer-set task and employer feedback")
        return missing


NEEDS_MEANING = {ActivityType.EMPLOYER_ENCOUNTER, ActivityType.WORKPLACE_EXPERIENCE, ActivityType.PROVIDER_ENCOUNTER}


def is_stem(subject: str) -> bool:
    return subject.strip().casefold() in STEM_SUBJECTS


def categories_for(
    *, activity_type: ActivityType, subtype: str, meaningful: MeaningfulElements, subject: str = ""
) -> frozenset[Category]:
    """What one attended place on this activity counts towards.

    Encounters and experiences that are not meaningful count towards nothing: they are still
    recorded, and the page says which elements are missing.
    """
    if activity_type in NEEDS_MEANING and not meaningful.meaningful_for(activity_type):
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
