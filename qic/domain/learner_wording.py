"""What a learner reads about their own record: each benchmark measure and each kind of activity,
in plain words for ages 11 to 18 (short sentences, second person).

Data, kept beside the measures it describes: one pair of sentences (met, not yet met) for every
measure of every rule set and phase, keyed by (rule set code, phase, measure code), because a code
such as "BM4" asks for different things in different rule sets. A test holds this table to every
measure `qic.domain.rulesets` can build, so a new or changed measure cannot reach a learner
without its words.
"""

from __future__ import annotations

from typing import NamedTuple

from qic.domain.activities import ActivityType
from qic.domain.benchmarks import Measure, Phase, RuleSet


class Sentences(NamedTuple):
    met: str
    not_yet: str


S = Phase.SCHOOL
C = Phase.COLLEGE

_INFO = "information about jobs and careers"
_EMPLOYER = Sentences("You have met employers this year.", "You still need to meet an employer this year.")
_RANGE_16 = Sentences(
    "You have met sixth forms, colleges, universities and apprenticeship providers.",
    "You still need to meet sixth forms, colleges, universities and apprenticeship providers by the end of Year 11.",
)
_UNIVERSITY_18 = Sentences(
    "You have visited universities twice.", "You still need to visit universities twice by the end of Year 13."
)
_INTERVIEW_KS4 = Sentences(
    "You have had a careers interview in Year 10 or 11.", "You still need a careers interview by the end of Year 11."
)
_COLLEGE = {
    "BM2": Sentences(f"You have used {_INFO}.", f"You still need to use {_INFO} by the end of your course."),
    "BM5": Sentences(
        "You have met employers twice this year, once through your course.",
        "You still need to meet employers twice this year. At least once must be through your course.",
    ),
    "BM6": Sentences(
        "You have had a workplace experience.", "You still need a workplace experience by the end of your course."
    ),
    "BM7": Sentences(
        "You have met two kinds of college, university or training provider.",
        "You still need to meet two kinds of college, university or training provider by the end of your course.",
    ),
    "BM8": Sentences(
        "You have had a careers interview.", "You still need a careers interview by the end of your course."
    ),
}
_LESSONS_THIS_YEAR = Sentences(
    "Your lessons have linked your subjects to jobs this year.",
    "You still need a lesson that links your subjects to jobs this year.",
)

MEASURE_SENTENCES: dict[tuple[str, Phase, str], Sentences] = {
    # The 2018 definitions (academic years up to 2024/25).
    ("gatsby-2018", S, "BM2"): Sentences(
        f"You have used {_INFO}.", f"You still need to use {_INFO} by the end of Year 9."
    ),
    ("gatsby-2018", S, "BM4"): Sentences(
        "You have learnt how science and maths lead to lots of jobs.",
        "You still need to learn how science and maths lead to lots of jobs, by the end of Year 9.",
    ),
    ("gatsby-2018", S, "BM5"): _EMPLOYER,
    ("gatsby-2018", S, "BM6-16"): Sentences(
        "You have had a workplace experience.", "You still need a workplace experience by the end of Year 11."
    ),
    ("gatsby-2018", S, "BM6-18"): Sentences(
        "You have had another workplace experience since Year 11.",
        "You still need another workplace experience by the end of Year 13.",
    ),
    ("gatsby-2018", S, "BM7-16"): _RANGE_16,
    ("gatsby-2018", S, "BM7-18"): _UNIVERSITY_18,
    ("gatsby-2018", S, "BM8-KS3"): Sentences(
        "You have had a careers interview.", "You still need a careers interview by the end of Year 9."
    ),
    ("gatsby-2018", S, "BM8-KS4"): _INTERVIEW_KS4,
    ("gatsby-2018", S, "BM8-16-18"): Sentences(
        "You have had another careers interview since Year 11.",
        "You can ask for another careers interview before the end of Year 13.",
    ),
    ("gatsby-2018", C, "BM2"): _COLLEGE["BM2"],
    ("gatsby-2018", C, "BM4"): Sentences(
        "You have learnt how your subjects lead to jobs.",
        "You still need to learn how your subjects lead to jobs, by the end of your course.",
    ),
    ("gatsby-2018", C, "BM5"): _COLLEGE["BM5"],
    ("gatsby-2018", C, "BM6"): _COLLEGE["BM6"],
    ("gatsby-2018", C, "BM7"): _COLLEGE["BM7"],
    ("gatsby-2018", C, "BM8"): _COLLEGE["BM8"],
    # The refreshed benchmarks (from 2025/26).
    ("gatsby-2025", S, "BM2-KS3"): Sentences(
        f"You have used {_INFO} in Years 7 to 9.", f"You still need to use {_INFO} by the end of Year 9."
    ),
    ("gatsby-2025", S, "BM2-KS4"): Sentences(
        f"You have used {_INFO} in Year 10 or 11.", f"You still need to use {_INFO} by the end of Year 11."
    ),
    ("gatsby-2025", S, "BM2-16-18"): Sentences(
        f"You have used {_INFO} in Year 12 or 13.", f"You still need to use {_INFO} by the end of Year 13."
    ),
    ("gatsby-2025", S, "BM4"): _LESSONS_THIS_YEAR,
    ("gatsby-2025", S, "BM5"): _EMPLOYER,
    # How many experiences is a setting; the words do not give a number that could be wrong.
    ("gatsby-2025", S, "BM6-16"): Sentences(
        "You have had enough workplace experiences for the end of Year 11.",
        "You still need more workplace experiences by the end of Year 11.",
    ),
    ("gatsby-2025", S, "BM6-18"): Sentences(
        "You have had another workplace experience in Year 12 or 13.",
        "You still need another workplace experience by the end of Year 13.",
    ),
    ("gatsby-2025", S, "BM7-16"): _RANGE_16,
    ("gatsby-2025", S, "BM7-18"): _UNIVERSITY_18,
    ("gatsby-2025", S, "BM8-16"): Sentences(
        "You have had a careers interview.", "You still need a careers interview by the end of Year 11."
    ),
    ("gatsby-2025", S, "BM8-18"): Sentences(
        "You have had another careers interview in Year 12 or 13.",
        "You still need another careers interview by the end of Year 13.",
    ),
    ("gatsby-2025", S, "BM8-KS3"): Sentences(
        "You have had a careers interview in Years 7 to 9.", "You still need a careers interview by the end of Year 9."
    ),
    ("gatsby-2025", S, "BM8-KS4"): _INTERVIEW_KS4,
    ("gatsby-2025", C, "BM2"): _COLLEGE["BM2"],
    ("gatsby-2025", C, "BM4"): _LESSONS_THIS_YEAR,
    ("gatsby-2025", C, "BM5"): _COLLEGE["BM5"],
    ("gatsby-2025", C, "BM6"): _COLLEGE["BM6"],
    ("gatsby-2025", C, "BM7"): _COLLEGE["BM7"],
    ("gatsby-2025", C, "BM8"): _COLLEGE["BM8"],
}


def sentences_for(rule_set: RuleSet, measure: Measure) -> Sentences:
    """The learner's words for a measure of the rule set (KeyError for a measure without words)."""
    return MEASURE_SENTENCES[(rule_set.code, measure.phase, measure.code)]


def sentence_for(rule_set: RuleSet, measure: Measure, *, met: bool) -> str:
    words = sentences_for(rule_set, measure)
    return words.met if met else words.not_yet


# What each kind of activity was, as a learner would say it.
ACTIVITY_WORDS: dict[ActivityType, str] = {
    ActivityType.EMPLOYER_ENCOUNTER: "Meeting an employer",
    ActivityType.WORKPLACE_EXPERIENCE: "Time in a workplace",
    ActivityType.PROVIDER_ENCOUNTER: "Meeting a college, university or training provider",
    ActivityType.CAREERS_INFORMATION: "Information about jobs and careers",
    ActivityType.CURRICULUM_LEARNING: "A lesson about jobs and careers",
    ActivityType.PERSONAL_GUIDANCE: "A careers talk in a group",
    ActivityType.PARENT_ENGAGEMENT: "An event with parents and carers",
}
