"""The Gatsby Benchmarks as defined in 2018, for academic years up to 2024/25.

The learner-level measures follow the benchmark indicators in the Guide (§3.7) and DOMAIN.md §3.

Schools (age is taken on 31 August; "by age 16" means by the end of the academic year in
which the pupil turns 16, i.e. the cohort aged 16 on the 31 August that ends the year):
- BM2  by age 14, has accessed careers and labour-market information;
- BM4  by age 14, has learnt how STEM subjects lead to a wide range of careers;
- BM5  in this year (every year from age 11), at least one meaningful employer encounter;
- BM6  by 16 at least one meaningful workplace experience; by 18 one further, in 16–18
       (criterion 6.1: "a further meaningful experience by the end of Key Stage 5");
- BM7  by 16 a meaningful encounter with the full range of next-stage providers (sixth
       form, FE college, university, apprenticeship provider) — for a learner with SEND (SEN
       support or an EHC plan), any suitable post-16 provider counts (Note 6); by 18, two
       university visits for those considering higher education;
- BM8  a guidance interview by the end of KS3 and another during KS4 (criterion 8.2 asks
       for one "by the end of both Key Stage 3 and Key Stage 4", read as one in each stage);
       a further one in 16–18 is an opportunity, reported but not required.

Colleges (per study programme):
- BM2  by the end of the programme, has accessed careers and labour-market information;
- BM4  by the end of the programme, careers learning linked to their subjects;
- BM5  in this year, at least two meaningful employer encounters, at least one through the
       learner's own curriculum area;
- BM6  by the end of the programme, at least one meaningful workplace experience;
- BM7  by the end of the programme, meaningful encounters with at least two kinds of
       next-stage provider;
- BM8  by the end of the programme, at least one guidance interview.
"""

from __future__ import annotations

from qic.domain.benchmarks import (
    FULL_RANGE,
    NEXT_STAGE,
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
    first_year_aged,
    kinds,
    this_year,
)

CODE = "gatsby-2018"


def bm7_school(learner: Learner, evidence: Evidence, year: int) -> bool:
    found = kinds(evidence, NEXT_STAGE, year)
    if learner.groups & SEND_GROUPS and found:
        return True  # Note 6: for SEND learners, suitable post-16 providers count
    return found >= FULL_RANGE


def bm6_school_18(learner: Learner, evidence: Evidence, year: int) -> bool:
    """Two experiences in all, at least one of them in 16–18 ("one further" by the end of KS5, 6.1)."""
    total = count(evidence, [Category.WORKPLACE], None, year)
    after_16 = count(evidence, [Category.WORKPLACE], first_year_aged(learner, year, 16), year)
    return total >= 2 and after_16 >= 1


def bm7_university(learner: Learner, evidence: Evidence, year: int) -> bool:
    return count(evidence, [Category.UNIVERSITY], None, year) >= 2


def interview_between(first_age: int, last_age: int) -> Rule:
    """An interview in the academic years when the learner starts aged first_age..last_age."""
    return between_ages(Category.INTERVIEW, first_age, last_age)


SCHOOL: tuple[Measure, ...] = (
    Measure(
        "BM2",
        2,
        Phase.SCHOOL,
        "Careers and labour-market information by 14",
        "Pupils aged 14 by the end of the year who have accessed and used information about career paths "
        "and the labour market.",
        aged_at_end(14),
        any_time(Category.CLMI),
        definition="school:clmi-by-14",
    ),
    Measure(
        "BM4",
        4,
        Phase.SCHOOL,
        "STEM and careers by 14",
        "Pupils aged 14 by the end of the year who have learnt how STEM subjects help people into a wide range "
        "of careers.",
        aged_at_end(14),
        any_time(Category.STEM),
        definition="school:stem-by-14",
    ),
    Measure(
        "BM5",
        5,
        Phase.SCHOOL,
        "A meaningful employer encounter this year",
        "Pupils aged 11 or over who have had at least one meaningful encounter with an employer this year.",
        aged_at_start_at_least(11),
        this_year(Category.EMPLOYER),
        definition="school:employer-every-year-from-11",
    ),
    Measure(
        "BM6-16",
        6,
        Phase.SCHOOL,
        "A workplace experience by 16",
        "Pupils aged 16 by the end of the year who have had at least one meaningful experience of a workplace.",
        aged_at_end(16),
        any_time(Category.WORKPLACE),
        definition="school:workplace-1-by-16",
    ),
    Measure(
        "BM6-18",
        6,
        Phase.SCHOOL,
        "A further workplace experience by 18",
        "Pupils aged 18 by the end of the year who have had a further meaningful experience of a workplace in "
        "16–18, two in all.",
        aged_at_end(18),
        bm6_school_18,
        definition="school:workplace-2-one-in-16-18",
    ),
    Measure(
        "BM7-16",
        7,
        Phase.SCHOOL,
        "The full range of next-stage providers by 16",
        "Pupils aged 16 by the end of the year who have met sixth forms, colleges, universities and "
        "apprenticeship providers (for pupils with an EHC plan, suitable post-16 providers count).",
        aged_at_end(16),
        bm7_school,
        definition="school:full-range-2018-by-16",
    ),
    Measure(
        "BM7-18",
        7,
        Phase.SCHOOL,
        "Two university visits by 18 (considering HE)",
        "Pupils aged 18 by the end of the year who are considering higher education and have visited "
        "universities twice.",
        aged_18_considering_he,
        bm7_university,
        definition="school:two-university-visits-by-18-he",
    ),
    Measure(
        "BM8-KS3",
        8,
        Phase.SCHOOL,
        "A guidance interview by the end of key stage 3",
        "Pupils finishing key stage 3 (aged 14 by the end of the year) who have had a guidance interview.",
        aged_at_end(14),
        interview_between(11, 13),
        definition="school:interview-in-ks3",
        criterion="8.2",
    ),
    Measure(
        "BM8-KS4",
        8,
        Phase.SCHOOL,
        "A guidance interview during key stage 4",
        "Pupils finishing key stage 4 (aged 16 by the end of the year) who have had a guidance interview in "
        "Years 10 or 11.",
        aged_at_end(16),
        interview_between(14, 15),
        definition="school:interview-in-ks4",
        criterion="8.2",
    ),
    Measure(
        "BM8-16-18",
        8,
        Phase.SCHOOL,
        "A further interview in 16–18 (opportunity)",
        "Students aged 18 by the end of the year who have taken up the opportunity of a further interview in "
        "16–18. Reported, not required.",
        aged_at_end(18),
        interview_between(16, 17),
        required=False,
        definition="school:interview-in-16-18-opportunity",
    ),
)

COLLEGE: tuple[Measure, ...] = (
    Measure(
        "BM2",
        2,
        Phase.COLLEGE,
        "Careers and labour-market information",
        "Students finishing their programme this year who have accessed and used career and labour-market information.",
        college_eligible,
        any_time(Category.CLMI),
        definition="college:clmi-by-end",
    ),
    Measure(
        "BM4",
        4,
        Phase.COLLEGE,
        "Careers learning through their subjects",
        "Students finishing their programme this year who have learnt how their subjects lead to a wide range "
        "of occupations.",
        college_eligible,
        lambda learner, evidence, year: count(evidence, [Category.CURRICULUM, Category.STEM], None, year) >= 1,
        definition="college:curriculum-by-end",
    ),
    Measure(
        "BM5",
        5,
        Phase.COLLEGE,
        "Two meaningful employer encounters this year",
        "Students with at least two meaningful employer encounters this year, at least one through their "
        "curriculum area.",
        every_learner,
        college_bm5,
        definition="college:two-employer-a-year-one-in-area",
    ),
    Measure(
        "BM6",
        6,
        Phase.COLLEGE,
        "A workplace experience by the end of the programme",
        "Students finishing their programme this year who have had a meaningful experience of a workplace.",
        college_eligible,
        any_time(Category.WORKPLACE),
        definition="college:workplace-by-end",
    ),
    Measure(
        "BM7",
        7,
        Phase.COLLEGE,
        "A range of next-stage providers by the end of the programme",
        "Students finishing their programme this year who have had meaningful encounters with at least two kinds "
        "of next-stage provider.",
        college_eligible,
        lambda learner, evidence, year: len(kinds(evidence, NEXT_STAGE, year)) >= 2,
        definition="college:two-kinds-of-provider-by-end",
    ),
    Measure(
        "BM8",
        8,
        Phase.COLLEGE,
        "A guidance interview by the end of the programme",
        "Students finishing their programme this year who have had at least one guidance interview.",
        college_eligible,
        any_time(Category.INTERVIEW),
        definition="college:interview-by-end",
    ),
)


RULE_SET = RuleSet(
    code=CODE,
    title="Gatsby Benchmarks (2018 definitions)",
    first_year=2000,
    school=SCHOOL,
    college=COLLEGE,
    summary="The benchmarks as the January 2024 Guide to the Standard reproduces them: information and "
    "STEM learning by 14, an interview by the end of key stages 3 and 4.",
)
