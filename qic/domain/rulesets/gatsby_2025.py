"""The refreshed Gatsby Benchmarks, in force from 1 September 2025 (academic year 2025/26 on).

Gatsby refreshed the benchmarks in November 2024 and the DfE's statutory guidance of May 2025
adopts them from 1 September 2025 (DOMAIN.md §3b). The measures below are our reading of them;
where DOMAIN.md leaves a choice, docs/decisions.md §28 says what we chose and why.

Schools (age is taken on 31 August; "by 16" is the cohort aged 16 on the 31 August that ends the
year; "a year of key stage 3" is an academic year the pupil started aged 11, 12 or 13):
- BM2-KS3, BM2-KS4, BM2-16-18  careers and labour-market information accessed and used in each
       key stage: measured on the cohort finishing it (aged 14, 16, 18 at the end of the year),
       counting only information used in that stage's years;
- BM4  every year from Year 7, careers learning linked to the curriculum this year;
- BM5  every year from Year 7, at least one meaningful employer encounter (as in 2018);
- BM6-16  by 16, at least N meaningful workplace experiences (N is a setting, default 2:
       "multiple experiences"); BM6-18  by 18, at least one further in 16–18;
- BM7-16  by 16, meaningful encounters with the full range of providers (sixth form, FE
       college, university, apprenticeship or independent training provider) — for a learner
       with SEND, suitable post-16 providers count (Note 6); BM7-18  by 18, two university
       visits for those considering higher education — for a learner with SEND, visits to
       suitable post-16 providers count towards the two (Note 6);
- BM8-16  a guidance meeting by 16; BM8-18  another in 16–18;
- BM8-KS3, BM8-KS4  the Quality in Careers criterion 8.2 interviews by the end of key stages 3
       and 4: reported beside Benchmark 8, not part of its percentage.

Colleges and independent training providers (per study programme), as in 2018 except:
- BM4  every year, for every learner on roll, careers learning linked to their subjects;
- BM2  worded "accesses and uses" career and labour-market information (rule unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable

from qic.domain.benchmarks import (
    NEXT_STAGE,
    NO_TALLY,
    SEND_GROUPS,
    Category,
    Evidence,
    Learner,
    Measure,
    Phase,
    Rule,
    RuleSet,
    aged_18_considering_he,
    aged_at_end,
    aged_at_start_at_least,
    any_time,
    between_ages,
    college_bm5,
    college_eligible,
    count,
    every_learner,
    kinds,
    this_year,
)
from qic.domain.rulesets import gatsby_2018

CODE = "gatsby-2025"
FIRST_YEAR = 2025  # 2025/26: the refreshed benchmarks apply from 1 September 2025
DEFAULT_WORKPLACE_EXPERIENCES_BY_16 = 2
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def this_year_any(categories: Iterable[Category]) -> Rule:
    """At least one activity this year that is evidence of any of `categories`.

    Counts categories, not activities: a single activity marked as both still counts once
    towards "at least one", so the overlap cannot make a learner look better than they are.
    """
    wanted = tuple(categories)
    return lambda learner, evidence, year: any(evidence.get((c, year), NO_TALLY).count > 0 for c in wanted)


def university_visits_by_18(learner: Learner, evidence: Evidence, year: int) -> bool:
    """Two university visits by 18; for a learner with SEND (Note 6) visits to suitable post-16
    providers (supported internships, specialist post-16 provision) count towards the two."""
    visits = count(evidence, [Category.UNIVERSITY], None, year)
    if learner.groups & SEND_GROUPS:
        # Tallies are kept per category: an activity recorded as both a university and a
        # suitable post-16 provider is counted as two visits (see the decisions file).
        visits += count(evidence, [Category.SEND_POST16], None, year)
    return visits >= 2


def school_measures(workplace_experiences_by_16: int) -> tuple[Measure, ...]:
    n = workplace_experiences_by_16
    number = NUMBERS.get(n, str(n))
    experiences = "one meaningful experience" if n == 1 else f"{number} meaningful experiences"
    return (
        Measure(
            "BM2-KS3",
            2,
            Phase.SCHOOL,
            "Careers and labour-market information used in key stage 3",
            "Pupils finishing key stage 3 (aged 14 by the end of the year) who have accessed and used career and "
            "labour-market information to inform their decisions in Years 7, 8 or 9.",
            aged_at_end(14),
            between_ages(Category.CLMI, 11, 13),
            definition="school:clmi-used-in-ks3",
        ),
        Measure(
            "BM2-KS4",
            2,
            Phase.SCHOOL,
            "Careers and labour-market information used in key stage 4",
            "Pupils finishing key stage 4 (aged 16 by the end of the year) who have accessed and used career and "
            "labour-market information to inform their decisions in Years 10 or 11.",
            aged_at_end(16),
            between_ages(Category.CLMI, 14, 15),
            definition="school:clmi-used-in-ks4",
        ),
        Measure(
            "BM2-16-18",
            2,
            Phase.SCHOOL,
            "Careers and labour-market information used in 16–18",
            "Students finishing 16–18 (aged 18 by the end of the year) who have accessed and used career and "
            "labour-market information to inform their decisions in Years 12 or 13.",
            aged_at_end(18),
            between_ages(Category.CLMI, 16, 17),
            definition="school:clmi-used-in-16-18",
        ),
        Measure(
            "BM4",
            4,
            Phase.SCHOOL,
            "Careers learning in the curriculum this year",
            "Pupils in Year 7 or above (aged 11 or over at the start of the year) whose subject learning this year "
            "has been linked to careers, including how STEM subjects lead to a wide range of careers.",
            aged_at_start_at_least(11),
            this_year_any([Category.CURRICULUM, Category.STEM]),
            definition="school:curriculum-every-year-from-11",
        ),
        Measure(
            "BM5",
            5,
            Phase.SCHOOL,
            "A meaningful employer encounter this year",
            "Pupils in Year 7 or above (aged 11 or over at the start of the year) who have had at least one "
            "meaningful encounter with an employer or employee this year.",
            aged_at_start_at_least(11),
            this_year(Category.EMPLOYER),
            definition=_definition_2018(Phase.SCHOOL, "BM5"),
        ),
        Measure(
            "BM6-16",
            6,
            Phase.SCHOOL,
            f"{experiences.capitalize()} of workplaces by 16",
            f"Pupils aged 16 by the end of the year (finishing Year 11) who have had at least {experiences} "
            "of workplaces, not counting part-time jobs.",
            aged_at_end(16),
            any_time(Category.WORKPLACE, n),
            definition=f"school:workplace-experiences-{n}-by-16",
        ),
        Measure(
            "BM6-18",
            6,
            Phase.SCHOOL,
            "A further workplace experience in 16–18",
            "Students aged 18 by the end of the year (finishing Year 13) who have had at least one further "
            "meaningful experience of a workplace in Years 12 or 13.",
            aged_at_end(18),
            between_ages(Category.WORKPLACE, 16, 17),
            definition="school:workplace-further-in-16-18",
        ),
        Measure(
            "BM7-16",
            7,
            Phase.SCHOOL,
            "The full range of next-stage providers by 16",
            "Pupils aged 16 by the end of the year (finishing Year 11) who have had meaningful encounters with "
            "sixth forms, further education colleges, universities and apprenticeship or independent training "
            "providers. For pupils with SEND (SEN support or an EHC plan), suitable post-16 providers count.",
            aged_at_end(16),
            gatsby_2018.bm7_school,
            definition=_definition_2018(Phase.SCHOOL, "BM7-16"),
        ),
        Measure(
            "BM7-18",
            7,
            Phase.SCHOOL,
            "Two university visits by 18 (considering higher education)",
            "Students aged 18 by the end of the year (finishing Year 13) who are considering higher education and "
            "have visited universities twice, meeting staff and students. For students with SEND, visits to "
            "suitable post-16 providers such as supported internships count towards the two.",
            aged_18_considering_he,
            university_visits_by_18,
            definition="school:two-university-visits-by-18-he-send-post16",
        ),
        Measure(
            "BM8-16",
            8,
            Phase.SCHOOL,
            "A guidance meeting by 16",
            "Pupils aged 16 by the end of the year (finishing Year 11) who have had at least one guidance meeting "
            "with a trained careers adviser, in any year so far.",
            aged_at_end(16),
            any_time(Category.INTERVIEW),
            definition="school:guidance-meeting-by-16",
        ),
        Measure(
            "BM8-18",
            8,
            Phase.SCHOOL,
            "Another guidance meeting by 18",
            "Students aged 18 by the end of the year (finishing Year 13) who have had another guidance meeting "
            "with a trained careers adviser in Years 12 or 13.",
            aged_at_end(18),
            between_ages(Category.INTERVIEW, 16, 17),
            definition="school:guidance-meeting-in-16-18",
        ),
        Measure(
            "BM8-KS3",
            8,
            Phase.SCHOOL,
            "Criterion 8.2: a guidance interview by the end of key stage 3",
            "Quality in Careers criterion 8.2: pupils finishing key stage 3 (aged 14 by the end of the year) who "
            "have had a guidance interview in Years 7, 8 or 9. Reported beside Benchmark 8, not part of its "
            "percentage.",
            aged_at_end(14),
            between_ages(Category.INTERVIEW, 11, 13),
            required=False,
            definition=_definition_2018(Phase.SCHOOL, "BM8-KS3"),
            criterion="8.2",
        ),
        Measure(
            "BM8-KS4",
            8,
            Phase.SCHOOL,
            "Criterion 8.2: a guidance interview during key stage 4",
            "Quality in Careers criterion 8.2: pupils finishing key stage 4 (aged 16 by the end of the year) who "
            "have had a guidance interview in Years 10 or 11. Reported beside Benchmark 8, not part of its "
            "percentage.",
            aged_at_end(16),
            between_ages(Category.INTERVIEW, 14, 15),
            required=False,
            definition=_definition_2018(Phase.SCHOOL, "BM8-KS4"),
            criterion="8.2",
        ),
    )


def _definition_2018(phase: Phase, code: str) -> str:
    """The 2018 measure's definition key, for a measure whose definition has not changed."""
    measure = gatsby_2018.RULE_SET.measure(phase, code)
    assert measure is not None, code
    return measure.definition


def college_measures() -> tuple[Measure, ...]:
    return (
        Measure(
            "BM2",
            2,
            Phase.COLLEGE,
            "Careers and labour-market information",
            "Students finishing their programme this year who have accessed and used career and labour-market "
            "information to inform their decisions.",
            college_eligible,
            any_time(Category.CLMI),
            definition=_definition_2018(Phase.COLLEGE, "BM2"),
        ),
        Measure(
            "BM4",
            4,
            Phase.COLLEGE,
            "Careers learning through their subjects this year",
            "Every student on roll whose subject learning this year has been linked to careers, showing how their "
            "subjects lead to a wide range of occupations.",
            every_learner,
            this_year_any([Category.CURRICULUM, Category.STEM]),
            definition="college:curriculum-every-year",
        ),
        Measure(
            "BM5",
            5,
            Phase.COLLEGE,
            "Two meaningful employer encounters this year",
            "Every student on roll who has had at least two meaningful employer encounters this year, at least one "
            "through their curriculum area.",
            every_learner,
            college_bm5,
            definition=_definition_2018(Phase.COLLEGE, "BM5"),
        ),
        Measure(
            "BM6",
            6,
            Phase.COLLEGE,
            "A workplace experience by the end of the programme",
            "Students finishing their programme this year who have had at least one meaningful experience of a "
            "workplace, not counting part-time jobs.",
            college_eligible,
            any_time(Category.WORKPLACE),
            definition=_definition_2018(Phase.COLLEGE, "BM6"),
        ),
        Measure(
            "BM7",
            7,
            Phase.COLLEGE,
            "A range of next-stage providers by the end of the programme",
            "Students finishing their programme this year who have had meaningful encounters with at least two "
            "kinds of next-stage provider (colleges, universities, apprenticeship or independent training "
            "providers, suitable post-16 providers).",
            college_eligible,
            lambda learner, evidence, year: len(kinds(evidence, NEXT_STAGE, year)) >= 2,
            definition=_definition_2018(Phase.COLLEGE, "BM7"),
        ),
        Measure(
            "BM8",
            8,
            Phase.COLLEGE,
            "A guidance meeting by the end of the programme",
            "Students finishing their programme this year who have had at least one guidance meeting with a "
            "trained careers adviser.",
            college_eligible,
            any_time(Category.INTERVIEW),
            definition=_definition_2018(Phase.COLLEGE, "BM8"),
        ),
    )


def build(workplace_experiences_by_16: int = DEFAULT_WORKPLACE_EXPERIENCES_BY_16) -> RuleSet:
    """The refreshed rule set with the given setting for "multiple workplace experiences by 16"."""
    if workplace_experiences_by_16 < 1:
        raise ValueError("workplace_experiences_by_16 must be at least 1")
    return RuleSet(
        code=CODE,
        title="Refreshed Gatsby Benchmarks (from 2025/26)",
        first_year=FIRST_YEAR,
        school=school_measures(workplace_experiences_by_16),
        college=college_measures(),
        summary="The benchmarks refreshed in 2024 and in force from 1 September 2025: information used in every "
        "key stage, careers in the curriculum and an employer encounter every year, multiple workplace "
        "experiences by 16, and a guidance meeting by 16 and another by 18.",
    )


RULE_SET = build()
