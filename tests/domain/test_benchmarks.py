"""Learner-level Gatsby Benchmark measures: cohorts, boundaries, breakdowns and the figures.

These tests cover the 2018 rule set (gatsby-2018); the refreshed set is tested in test_rules_2025.py.

Dates are worked out by hand: academic year 2025 is 1 Sep 2025 – 31 Aug 2026, and a pupil's age
for every rule is taken on 31 August. `born_in(9)` gives a mid-January birthday in Year 9 in
2025/26 (born 15 Jan 2012: Year 7 in 2023, Year 10 in 2026, Year 12 in 2028).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qic.domain.academic import KeyStage, academic_year_of, chronological_year_group, year_end, year_start
from qic.domain.benchmarks import (
    BenchmarkResult,
    Category,
    Count,
    Group,
    GroupGap,
    Learner,
    Measure,
    Participation,
    Phase,
    ProgrammeAnswer,
    ProviderFigures,
    Tally,
    evaluate_measure,
    measure_date_for,
    on_roll,
    provider_figures,
    summarise,
)
from qic.domain.rulesets import gatsby_2018
from qic.domain.rulesets.gatsby_2018 import COLLEGE as COLLEGE_MEASURES
from qic.domain.rulesets.gatsby_2018 import SCHOOL as SCHOOL_MEASURES

measures_for = gatsby_2018.RULE_SET.measures_for

d = dt.date
C = Category
YEAR = 2025  # 2025/26
AFTER = d(2026, 10, 1)  # a day after both 2024/25 and 2025/26 have ended
IN_YEAR = d(2025, 11, 1)  # a day in 2025/26

MET = "met"
NOT_MET = "not met"
NOT_ELIGIBLE = "not eligible"

FULL_RANGE = (C.SIXTH_FORM, C.FE_COLLEGE, C.UNIVERSITY, C.APPRENTICESHIP)


# --- Builders ----------------------------------------------------------------------------------


def born_in(year_group: int, year: int = YEAR) -> dt.date:
    """A 15 January birthday that puts a pupil in `year_group` in academic year `year`."""
    return d(year - year_group - 4, 1, 15)


def pupil(
    id: int = 1,
    *,
    dob: dt.date | None = None,
    year_group: int | None = None,
    groups: Iterable[Group] = (),
    joined: dt.date | None = None,
    left: dt.date | None = None,
    he: bool = False,
) -> Learner:
    """A school pupil, given a date of birth or a year group in 2025/26 (the other is derived)."""
    if dob is None:
        assert year_group is not None
        dob = born_in(year_group)
    if year_group is None:
        year_group = chronological_year_group(dob, YEAR)
    return Learner(
        id=id,
        date_of_birth=dob,
        year_group=year_group,
        groups=frozenset(groups),
        joined_on=joined,
        left_on=left,
        considering_higher_education=he,
    )


def student(id: int = 1, *, area: str = "engineering", ends: int | None = YEAR, left: dt.date | None = None) -> Learner:
    """A college student on a study programme that ends in academic year `ends`."""
    return Learner(
        id=id,
        date_of_birth=d(2008, 1, 15),
        year_group=None,
        curriculum_area=area,
        programme_end_year=ends,
        left_on=left,
    )


def did(learner: Learner, on: dt.date, *categories: Category, area: str = "") -> Participation:
    """`learner` attended an activity on `on` that is evidence of `categories`."""
    return Participation(learner.id, on, frozenset(categories), curriculum_area=area)


def measure(code: str, phase: Phase = Phase.SCHOOL) -> Measure:
    return next(m for m in measures_for(phase) if m.code == code)


def outcome(
    code: str, learner: Learner, *participations: Participation, year: int = YEAR, phase: Phase = Phase.SCHOOL
) -> str:
    """One learner through one measure, from raw participations to the result."""
    result = evaluate_measure(measure(code, phase), [learner], summarise(participations, [learner]), year)
    if not result.applies:
        return NOT_ELIGIBLE
    return MET if result.total.met == 1 else NOT_MET


def figures(
    learners: Sequence[Learner],
    participations: Iterable[Participation] = (),
    *,
    year: int = YEAR,
    today: dt.date = AFTER,
    phase: Phase = Phase.SCHOOL,
    indicators: dict[int, int] | None = None,
    answers: Iterable[ProgrammeAnswer] = (),
) -> ProviderFigures:
    return provider_figures(
        rule_set=gatsby_2018.RULE_SET,
        phase=phase,
        year=year,
        today=today,
        learners=learners,
        evidence=summarise(participations, learners),
        programme_indicators=indicators or {},
        answers=answers,
    )


def met_counts(result: ProviderFigures) -> dict[str, int]:
    return {r.measure.code: r.total.met for b in result.benchmarks for r in b.measures}


def test_born_in_gives_the_year_group_asked_for() -> None:
    assert [chronological_year_group(born_in(y), YEAR) for y in range(7, 14)] == list(range(7, 14))


# --- The measures on offer ---------------------------------------------------------------------


def test_school_measures() -> None:
    assert [m.code for m in SCHOOL_MEASURES] == [
        "BM2",
        "BM4",
        "BM5",
        "BM6-16",
        "BM6-18",
        "BM7-16",
        "BM7-18",
        "BM8-KS3",
        "BM8-KS4",
        "BM8-16-18",
    ]


def test_college_measures() -> None:
    assert [m.code for m in COLLEGE_MEASURES] == ["BM2", "BM4", "BM5", "BM6", "BM7", "BM8"]


def test_only_the_16_18_interview_is_optional() -> None:
    assert [m.code for m in (*SCHOOL_MEASURES, *COLLEGE_MEASURES) if not m.required] == ["BM8-16-18"]


@pytest.mark.parametrize(("phase", "measures"), [(Phase.SCHOOL, SCHOOL_MEASURES), (Phase.COLLEGE, COLLEGE_MEASURES)])
def test_measures_for(phase: Phase, measures: tuple[Measure, ...]) -> None:
    assert measures_for(phase) == measures


# --- Cohorts: aged 14, 16 and 18 by the end of the year ----------------------------------------


@pytest.mark.parametrize(
    ("code", "born", "year", "eligible"),
    [
        # By 14 (BM2, BM4, BM8-KS3): the cohort aged 14 on the 31 August that ends the year.
        ("BM2", d(2012, 8, 31), 2025, True),  # 14th birthday on 31 Aug 2026, the last day of 2025/26
        ("BM2", d(2012, 9, 1), 2025, False),  # born a day later: 14 only on 1 Sep 2026 ...
        ("BM2", d(2012, 9, 1), 2026, True),  # ... so in next year's cohort
        ("BM2", d(2011, 8, 31), 2025, False),  # was last year's cohort: not measured again
        ("BM4", d(2012, 8, 31), 2025, True),
        ("BM4", d(2012, 9, 1), 2025, False),
        ("BM4", d(2012, 9, 1), 2026, True),
        ("BM8-KS3", d(2012, 8, 31), 2025, True),
        ("BM8-KS3", d(2012, 9, 1), 2025, False),
        ("BM8-KS3", d(2012, 9, 1), 2026, True),
        # By 16 (BM6-16, BM7-16, BM8-KS4): aged 16 on 31 Aug 2026.
        ("BM6-16", d(2010, 8, 31), 2025, True),  # 16th birthday on the last day of the year
        ("BM6-16", d(2010, 9, 1), 2025, False),  # 16th birthday on the first day of next year
        ("BM6-16", d(2010, 9, 1), 2026, True),
        ("BM7-16", d(2010, 8, 31), 2025, True),
        ("BM7-16", d(2010, 9, 1), 2025, False),
        ("BM7-16", d(2010, 9, 1), 2026, True),
        ("BM8-KS4", d(2010, 8, 31), 2025, True),
        ("BM8-KS4", d(2010, 9, 1), 2025, False),
        ("BM8-KS4", d(2010, 9, 1), 2026, True),
        # By 18 (BM6-18, BM7-18 for those considering HE, BM8-16-18): aged 18 on 31 Aug 2026.
        ("BM6-18", d(2008, 8, 31), 2025, True),  # 18th birthday on the last day of the year
        ("BM6-18", d(2008, 9, 1), 2025, False),  # 18th birthday on the first day of next year
        ("BM6-18", d(2008, 9, 1), 2026, True),
        ("BM7-18", d(2008, 8, 31), 2025, True),
        ("BM7-18", d(2008, 9, 1), 2025, False),
        ("BM7-18", d(2008, 9, 1), 2026, True),
        ("BM8-16-18", d(2008, 8, 31), 2025, True),
        ("BM8-16-18", d(2008, 9, 1), 2025, False),
        ("BM8-16-18", d(2008, 9, 1), 2026, True),
        ("BM6-18", d(2008, 2, 29), 2025, True),  # a leap-day birth is 18 by 31 Aug 2026 all the same
    ],
)
def test_age_cohorts(code: str, born: dt.date, year: int, eligible: bool) -> None:
    learner = pupil(dob=born, he=True)  # he: BM7-18 also asks for it
    assert measure(code).eligible(learner, year) == eligible


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        # BM5: every year from age 11, age taken on 31 August before the year starts.
        (d(2014, 9, 1), False),  # Year 6: aged 10 on 31 Aug 2025
        (d(2014, 8, 31), True),  # youngest in Year 7: aged 11 on 31 Aug 2025
        (d(2013, 9, 1), True),  # oldest in Year 7
        (born_in(13), True),  # Year 13
        (born_in(14), True),  # a third year in the sixth form: still every year
    ],
)
def test_bm5_is_for_every_pupil_from_year_7(born: dt.date, eligible: bool) -> None:
    assert measure("BM5").eligible(pupil(dob=born), YEAR) == eligible


@pytest.mark.parametrize(
    ("he", "expected"),
    [
        (True, MET),  # BM7-18: two university visits, considering HE
        (False, NOT_ELIGIBLE),  # BM7-18 is only for learners considering HE
    ],
)
def test_bm7_18_is_only_for_learners_considering_higher_education(he: bool, expected: str) -> None:
    learner = pupil(year_group=13, he=he)
    visits = [did(learner, d(2025, 10, 1), C.UNIVERSITY), did(learner, d(2026, 2, 1), C.UNIVERSITY)]
    assert outcome("BM7-18", learner, *visits) == expected


# --- BM2 and BM4: by 14, any time up to the end of the year ------------------------------------


@pytest.mark.parametrize(
    ("code", "on", "categories", "expected"),
    [
        ("BM2", d(2026, 8, 31), (C.CLMI,), MET),  # BM2: on the last day of the year in which they are 14
        ("BM2", d(2020, 6, 1), (C.CLMI,), MET),  # BM2: "by 14" has no start: primary school counts
        ("BM2", d(2026, 9, 1), (C.CLMI,), NOT_MET),  # BM2: after the end of the year is too late
        ("BM2", IN_YEAR, (C.STEM,), NOT_MET),  # BM2 needs careers and labour-market information
        ("BM4", IN_YEAR, (C.STEM,), MET),  # BM4: STEM learning
        ("BM4", IN_YEAR, (C.CURRICULUM,), NOT_MET),  # BM4 in schools: general curriculum learning is not STEM
        ("BM4", d(2026, 9, 1), (C.STEM,), NOT_MET),  # BM4: too late
    ],
)
def test_bm2_and_bm4(code: str, on: dt.date, categories: tuple[Category, ...], expected: str) -> None:
    learner = pupil(year_group=9)
    assert outcome(code, learner, did(learner, on, *categories)) == expected


# --- BM5: the academic year's first and last days ----------------------------------------------


@pytest.mark.parametrize(
    ("on", "year", "expected"),
    [
        (d(2025, 9, 1), 2025, MET),  # first day of 2025/26 counts for 2025
        (d(2026, 8, 31), 2025, MET),  # last day of 2025/26 counts for 2025
        (d(2025, 8, 31), 2025, NOT_MET),  # last day of 2024/25 does not count for 2025 ...
        (d(2025, 8, 31), 2024, MET),  # ... it counts for 2024 only
        (d(2025, 9, 1), 2024, NOT_MET),  # and the first day of 2025/26 is not in 2024
        (d(2026, 9, 1), 2025, NOT_MET),  # first day of 2026/27
    ],
)
def test_bm5_counts_encounters_in_the_year_only(on: dt.date, year: int, expected: str) -> None:
    learner = pupil(year_group=9)
    assert outcome("BM5", learner, did(learner, on, C.EMPLOYER), year=year) == expected


def test_bm5_needs_an_employer_encounter() -> None:
    learner = pupil(year_group=9)
    assert outcome("BM5", learner, did(learner, IN_YEAR, C.WORKPLACE)) == NOT_MET


def test_bm5_needs_no_encounter_in_other_years() -> None:
    learner = pupil(year_group=9)
    assert outcome("BM5", learner, did(learner, IN_YEAR, C.EMPLOYER), year=2024) == NOT_MET


# --- BM6: a workplace by 16, two in all by 18 ---------------------------------------------------

Y11 = pupil(year_group=11)  # born 15 Jan 2010: Year 7 in 2021
Y13 = pupil(year_group=13)  # born 15 Jan 2008: Year 11 in 2023 (16 by 31 Aug 2024), Year 12 in 2024


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([IN_YEAR], MET),  # BM6-16: one workplace experience
        ([d(2021, 10, 1)], MET),  # BM6-16: in Year 7 is "by 16"
        ([], NOT_MET),  # BM6-16: none
        ([d(2026, 9, 1)], NOT_MET),  # BM6-16: after the year that ends at 16
    ],
)
def test_bm6_16(days: list[dt.date], expected: str) -> None:
    assert outcome("BM6-16", Y11, *(did(Y11, day, C.WORKPLACE) for day in days)) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([d(2023, 10, 1), d(2025, 10, 1)], MET),  # BM6-18: one before 16 (Y11) and one after (Y13)
        ([d(2024, 10, 1), d(2025, 10, 1)], MET),  # BM6-18: both after 16 (Y12, Y13)
        # BM6-18: two in KS4 and none in 16–18 do not meet it: criterion 6.1 asks for a further
        # experience by the end of Key Stage 5.
        ([d(2022, 10, 1), d(2023, 10, 1)], NOT_MET),
        ([d(2023, 8, 31), d(2024, 9, 1)], MET),  # BM6-18: last day of Y11, then the first day of Y12
        ([d(2025, 10, 1)], NOT_MET),  # BM6-18: only one
        ([d(2025, 10, 1), d(2026, 9, 1)], NOT_MET),  # BM6-18: the second is after the year ends at 18
    ],
)
def test_bm6_18_needs_a_further_experience_in_16_to_18(days: list[dt.date], expected: str) -> None:
    assert outcome("BM6-18", Y13, *(did(Y13, day, C.WORKPLACE) for day in days)) == expected


def test_bm6_18_counts_one_activity_once() -> None:
    # A single activity is one experience, however it is tagged.
    assert outcome("BM6-18", Y13, did(Y13, IN_YEAR, C.WORKPLACE, C.EMPLOYER)) == NOT_MET


# --- BM7: the full range of next-stage providers by 16; university twice by 18 -----------------

EHC = pupil(year_group=11, groups={Group.EHC_PLAN})
SEN = pupil(year_group=11, groups={Group.SEN_SUPPORT})


@pytest.mark.parametrize(
    ("learner", "kinds", "expected"),
    [
        (Y11, FULL_RANGE, MET),  # BM7-16: all four kinds
        (Y11, (C.FE_COLLEGE, C.UNIVERSITY, C.APPRENTICESHIP), NOT_MET),  # BM7-16: no sixth form
        (Y11, (C.SIXTH_FORM, C.UNIVERSITY, C.APPRENTICESHIP), NOT_MET),  # BM7-16: no FE college
        (Y11, (C.SIXTH_FORM, C.FE_COLLEGE, C.APPRENTICESHIP), NOT_MET),  # BM7-16: no university
        (Y11, (C.SIXTH_FORM, C.FE_COLLEGE, C.UNIVERSITY), NOT_MET),  # BM7-16: no apprenticeship provider
        (Y11, (C.SIXTH_FORM, C.FE_COLLEGE, C.UNIVERSITY, C.SEND_POST16), NOT_MET),  # SEND provider no substitute
        (Y11, (*FULL_RANGE, C.SEND_POST16), MET),  # BM7-16: more than the full range
        (Y11, (C.SEND_POST16,), NOT_MET),  # Note 6 is not for a learner without SEND
        (SEN, (C.SEND_POST16,), MET),  # Note 6 is about SEND learners: SEN support too
        (EHC, (C.SEND_POST16,), MET),  # Note 6: one suitable post-16 provider for an EHC plan
        (EHC, (C.UNIVERSITY,), MET),  # Note 6: any next-stage provider counts for an EHC plan
        (EHC, (), NOT_MET),  # Note 6 still needs an encounter
        (EHC, (C.EMPLOYER, C.WORKPLACE), NOT_MET),  # ... with a next-stage provider
    ],
)
def test_bm7_16(learner: Learner, kinds: tuple[Category, ...], expected: str) -> None:
    encounters = [did(learner, IN_YEAR, kind) for kind in kinds]
    assert outcome("BM7-16", learner, *encounters) == expected


def test_bm7_16_one_fair_can_show_the_full_range() -> None:
    assert outcome("BM7-16", Y11, did(Y11, IN_YEAR, *FULL_RANGE)) == MET


def test_bm7_16_the_full_range_can_be_met_over_the_years() -> None:
    days = [d(2021, 10, 1), d(2022, 10, 1), d(2023, 10, 1), d(2024, 10, 1)]  # Years 7 to 10
    encounters = [did(Y11, day, kind) for day, kind in zip(days, FULL_RANGE, strict=True)]
    assert outcome("BM7-16", Y11, *encounters) == MET


def test_bm7_16_encounters_after_the_year_do_not_count() -> None:
    encounters = [did(Y11, IN_YEAR, *FULL_RANGE[:3]), did(Y11, d(2026, 9, 1), FULL_RANGE[3])]
    assert outcome("BM7-16", Y11, *encounters) == NOT_MET


HE = pupil(year_group=13, he=True)


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        ([(IN_YEAR, (C.UNIVERSITY,)), (d(2026, 3, 1), (C.UNIVERSITY,))], MET),  # BM7-18: two visits
        ([(IN_YEAR, (C.UNIVERSITY,))], NOT_MET),  # BM7-18: one is not enough
        ([(d(2022, 10, 1), (C.UNIVERSITY,)), (IN_YEAR, (C.UNIVERSITY,))], MET),  # BM7-18: Y10 and Y13 count
        ([(IN_YEAR, (C.UNIVERSITY, C.SIXTH_FORM))], NOT_MET),  # BM7-18: one visit, however tagged
        ([(IN_YEAR, (C.UNIVERSITY,)), (IN_YEAR, (C.FE_COLLEGE,))], NOT_MET),  # BM7-18: universities only
        ([(IN_YEAR, (C.UNIVERSITY,)), (d(2026, 9, 1), (C.UNIVERSITY,))], NOT_MET),  # BM7-18: after 18
    ],
)
def test_bm7_18_needs_two_university_visits(visits: list[tuple[dt.date, tuple[Category, ...]]], expected: str) -> None:
    assert outcome("BM7-18", HE, *(did(HE, on, *kinds) for on, kinds in visits)) == expected


# --- BM8: an interview by the end of KS3 and another during KS4 --------------------------------

Y9 = pupil(year_group=9)  # born 15 Jan 2012: Y7 2023, Y9 2025, Y10 2026, Y11 2027, Y12 2028, Y13 2029


@pytest.mark.parametrize(
    ("code", "year", "interview_on", "expected"),
    [
        ("BM8-KS3", 2025, d(2026, 8, 31), MET),  # the last day of Year 9 is still KS3
        ("BM8-KS3", 2025, d(2026, 9, 1), NOT_MET),  # the first day of Year 10 is not KS3 ...
        ("BM8-KS4", 2027, d(2026, 9, 1), MET),  # ... it is KS4
        ("BM8-KS4", 2027, d(2026, 8, 31), NOT_MET),  # an interview in Year 9 is not one during KS4
        ("BM8-KS3", 2025, d(2025, 3, 10), MET),  # Year 8 is KS3
        ("BM8-KS3", 2025, d(2023, 9, 1), MET),  # the first day of Year 7 is KS3
        ("BM8-KS3", 2025, d(2023, 8, 31), NOT_MET),  # the last day of Year 6 is before KS3
        ("BM8-KS4", 2027, d(2028, 8, 31), MET),  # the last day of Year 11 is KS4
        ("BM8-KS3", 2025, d(2028, 10, 1), NOT_MET),  # Year 12 is neither KS3 ...
        ("BM8-KS4", 2027, d(2028, 10, 1), NOT_MET),  # ... nor KS4 ...
        ("BM8-16-18", 2029, d(2028, 10, 1), MET),  # ... it is the 16–18 opportunity
        ("BM8-16-18", 2029, d(2028, 8, 31), NOT_MET),  # an interview in Year 11 is not in 16–18
        ("BM8-16-18", 2029, d(2030, 8, 31), MET),  # the last day of Year 13
    ],
)
def test_bm8_key_stage_boundaries(code: str, year: int, interview_on: dt.date, expected: str) -> None:
    assert outcome(code, Y9, did(Y9, interview_on, C.INTERVIEW), year=year) == expected


def test_bm8_needs_an_interview() -> None:
    assert outcome("BM8-KS3", Y9, did(Y9, IN_YEAR, C.CLMI, C.EMPLOYER)) == NOT_MET


# --- Colleges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ends", "eligible"),
    [
        # BM2/4/6/7/8 in colleges: students whose programme ends in the year being measured.
        ("BM2", 2025, True),
        ("BM2", 2026, False),  # ends next year: measured then
        ("BM2", 2024, False),  # ended last year
        ("BM2", None, False),  # no programme end recorded
        ("BM4", 2025, True),
        ("BM4", 2026, False),
        ("BM6", 2025, True),
        ("BM6", 2026, False),
        ("BM7", 2025, True),
        ("BM7", 2026, False),
        ("BM8", 2025, True),
        ("BM8", 2026, False),
        # BM5 in colleges: every student on roll, every year.
        ("BM5", 2025, True),
        ("BM5", 2026, True),
        ("BM5", None, True),
    ],
)
def test_college_eligibility(code: str, ends: int | None, eligible: bool) -> None:
    assert measure(code, Phase.COLLEGE).eligible(student(ends=ends), YEAR) == eligible


@pytest.mark.parametrize(
    ("learner_area", "encounter_areas", "expected"),
    [
        ("engineering", ["engineering", "hair"], MET),  # two, one in their own area
        ("engineering", ["engineering", "engineering"], MET),  # two, both in their area
        ("engineering", ["", "hair", "engineering"], MET),  # three, one in their area
        ("engineering", ["engineering"], NOT_MET),  # in their area, but only one
        ("engineering", ["hair", "hair"], NOT_MET),  # two, in a different area
        ("engineering", ["", ""], NOT_MET),  # two, with no area recorded
        ("", ["", ""], NOT_MET),  # no area on either side is not a match
        ("", ["hair", "engineering"], NOT_MET),  # a learner with no area cannot meet it
    ],
)
def test_college_bm5(learner_area: str, encounter_areas: list[str], expected: str) -> None:
    learner = student(area=learner_area)
    encounters = [did(learner, IN_YEAR, C.EMPLOYER, area=area) for area in encounter_areas]
    assert outcome("BM5", learner, *encounters, phase=Phase.COLLEGE) == expected


def test_college_bm5_counts_this_year_only() -> None:
    learner = student(area="engineering")
    encounters = [
        did(learner, d(2025, 8, 31), C.EMPLOYER, area="engineering"),  # 2024/25
        did(learner, IN_YEAR, C.EMPLOYER, area="hair"),
    ]
    assert outcome("BM5", learner, *encounters, phase=Phase.COLLEGE) == NOT_MET


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((C.UNIVERSITY,), NOT_MET),  # BM7 colleges: one kind
        ((C.UNIVERSITY, C.UNIVERSITY), NOT_MET),  # BM7 colleges: the same kind twice is one kind
        ((C.UNIVERSITY, C.APPRENTICESHIP), MET),  # BM7 colleges: two kinds
        ((C.SEND_POST16, C.FE_COLLEGE), MET),  # BM7 colleges: a specialist post-16 provider is a kind
        ((C.UNIVERSITY, C.EMPLOYER), NOT_MET),  # BM7 colleges: an employer is not a next-stage provider
    ],
)
def test_college_bm7_needs_two_kinds(kinds: tuple[Category, ...], expected: str) -> None:
    learner = student()
    encounters = [did(learner, IN_YEAR, kind) for kind in kinds]
    assert outcome("BM7", learner, *encounters, phase=Phase.COLLEGE) == expected


@pytest.mark.parametrize(
    ("code", "categories", "expected"),
    [
        ("BM2", (C.CLMI,), MET),
        ("BM2", (C.STEM,), NOT_MET),
        ("BM4", (C.CURRICULUM,), MET),  # colleges: careers learning through any subject
        ("BM4", (C.STEM,), MET),  # ... STEM included
        ("BM4", (C.CLMI,), NOT_MET),
        ("BM6", (C.WORKPLACE,), MET),
        ("BM6", (C.EMPLOYER,), NOT_MET),
        ("BM8", (C.INTERVIEW,), MET),
        ("BM8", (C.CLMI,), NOT_MET),
    ],
)
def test_college_by_the_end_of_the_programme(code: str, categories: tuple[Category, ...], expected: str) -> None:
    learner = student()
    earlier = d(2024, 10, 1)  # the first year of a two-year programme counts
    assert outcome(code, learner, did(learner, earlier, *categories), phase=Phase.COLLEGE) == expected


# --- summarise ---------------------------------------------------------------------------------


def test_summarise_splits_by_academic_year() -> None:
    learner = pupil(year_group=9)
    parts = [did(learner, d(2025, 8, 31), C.EMPLOYER), did(learner, d(2025, 9, 1), C.EMPLOYER)]
    assert summarise(parts, [learner]) == {1: {(C.EMPLOYER, 2024): Tally(1), (C.EMPLOYER, 2025): Tally(1)}}


def test_summarise_counts_each_category_of_a_participation_once() -> None:
    learner = pupil(year_group=9)
    parts = [did(learner, IN_YEAR, C.EMPLOYER, C.WORKPLACE)]
    assert summarise(parts, [learner]) == {1: {(C.EMPLOYER, 2025): Tally(1), (C.WORKPLACE, 2025): Tally(1)}}


def test_summarise_adds_up_participations() -> None:
    learner = pupil(year_group=9)
    parts = [did(learner, IN_YEAR, C.EMPLOYER), did(learner, IN_YEAR, C.EMPLOYER)]
    assert summarise(parts, [learner]) == {1: {(C.EMPLOYER, 2025): Tally(2)}}


def test_summarise_keeps_learners_apart() -> None:
    a, b = pupil(1, year_group=9), pupil(2, year_group=9)
    parts = [did(a, IN_YEAR, C.CLMI), did(b, IN_YEAR, C.STEM)]
    assert summarise(parts, [a, b]) == {1: {(C.CLMI, 2025): Tally(1)}, 2: {(C.STEM, 2025): Tally(1)}}


@pytest.mark.parametrize(
    ("learner_area", "activity_area", "in_area"),
    [
        ("engineering", "engineering", 1),  # the same, non-empty area
        ("engineering", "hair", 0),  # a different area
        ("engineering", "", 0),  # the activity has no area
        ("", "", 0),  # neither has an area: not a match
        ("", "hair", 0),  # the learner has no area
    ],
)
def test_summarise_in_curriculum_area(learner_area: str, activity_area: str, in_area: int) -> None:
    learner = student(area=learner_area)
    parts = [did(learner, IN_YEAR, C.EMPLOYER, area=activity_area)]
    assert summarise(parts, [learner]) == {1: {(C.EMPLOYER, 2025): Tally(1, in_area)}}


def test_summarise_cannot_match_the_area_of_an_unknown_learner() -> None:
    stranger = student(7, area="engineering")
    parts = [did(stranger, IN_YEAR, C.EMPLOYER, area="engineering")]
    assert summarise(parts, []) == {7: {(C.EMPLOYER, 2025): Tally(1, 0)}}


def test_summarise_of_nothing() -> None:
    assert summarise([], [pupil(year_group=9)]) == {}


def test_tallies_add() -> None:
    assert Tally(2, 1) + Tally(3, 0) == Tally(5, 1)


# --- evaluate_measure --------------------------------------------------------------------------


def bm5(learners: Sequence[Learner], met_ids: Iterable[int], year: int = YEAR) -> dict[int, dict]:
    """Evidence for BM5: one employer encounter in `year` for each learner in `met_ids`."""
    on = d(year, 11, 1)
    return summarise([Participation(i, on, frozenset({C.EMPLOYER})) for i in met_ids], learners)


def test_by_year_group() -> None:
    learners = [pupil(1, year_group=12), pupil(2, year_group=7), pupil(3, year_group=7), pupil(4, year_group=9)]
    result = evaluate_measure(measure("BM5"), learners, bm5(learners, [2, 4]), YEAR)
    assert result.by_year_group == {7: Count(2, 1), 9: Count(1, 1), 12: Count(1, 0)}


def test_by_year_group_is_in_year_order() -> None:
    learners = [pupil(1, year_group=12), pupil(2, year_group=7), pupil(3, year_group=9)]
    result = evaluate_measure(measure("BM5"), learners, {}, YEAR)
    assert list(result.by_year_group) == [7, 9, 12]


def test_by_key_stage() -> None:
    learners = [pupil(1, year_group=12), pupil(2, year_group=7), pupil(3, year_group=7), pupil(4, year_group=9)]
    result = evaluate_measure(measure("BM5"), learners, bm5(learners, [2, 4]), YEAR)
    assert result.by_key_stage == {KeyStage.KS3: Count(3, 2), KeyStage.KS5: Count(1, 0)}


def test_by_key_stage_is_in_key_stage_order() -> None:
    learners = [pupil(1, year_group=12), pupil(2, year_group=10), pupil(3, year_group=7)]
    result = evaluate_measure(measure("BM5"), learners, {}, YEAR)
    assert list(result.by_key_stage) == [KeyStage.KS3, KeyStage.KS4, KeyStage.KS5]


def test_a_learner_without_a_year_group_counts_only_in_the_total() -> None:
    learner = pupil(year_group=9)._replace(year_group=None)
    result = evaluate_measure(measure("BM5"), [learner], {}, YEAR)
    assert (result.total, result.by_year_group, result.by_key_stage) == (Count(1, 0), {}, {})


def test_a_year_group_outside_secondary_has_no_key_stage() -> None:
    learner = pupil(year_group=13)._replace(year_group=15)  # recorded, if unusual
    result = evaluate_measure(measure("BM5"), [learner], {}, YEAR)
    assert (result.by_year_group, result.by_key_stage) == ({15: Count(1, 0)}, {})


def test_ineligible_learners_are_left_out_of_every_count() -> None:
    learners = [pupil(1, year_group=9), pupil(2, year_group=8)]  # BM2 is for Year 9 only
    result = evaluate_measure(measure("BM2"), learners, {}, YEAR)
    assert (result.total, result.by_year_group, result.not_met) == (Count(1, 0), {9: Count(1, 0)}, (1,))


DIS = Group.DISADVANTAGED


@pytest.mark.parametrize(
    ("in_group_met", "others_met", "in_group", "others", "gap"),
    [
        ([True, False], [True, True], Count(2, 1), Count(2, 2), 50.0),  # the group trails by 50 points
        ([True, True], [True, False, False, False], Count(2, 2), Count(4, 1), -75.0),  # the group is ahead
        ([True], [True], Count(1, 1), Count(1, 1), 0.0),  # no gap
        ([], [True, False], Count(0, 0), Count(2, 1), None),  # nobody in the group
        ([True, False], [], Count(2, 1), Count(0, 0), None),  # everybody in the group
    ],
)
def test_by_group(
    in_group_met: list[bool], others_met: list[bool], in_group: Count, others: Count, gap: float | None
) -> None:
    flags = [(True, met) for met in in_group_met] + [(False, met) for met in others_met]
    learners = [pupil(i, year_group=9, groups={DIS} if grouped else ()) for i, (grouped, _) in enumerate(flags)]
    met_ids = [i for i, (_, met) in enumerate(flags) if met]
    result = evaluate_measure(measure("BM5"), learners, bm5(learners, met_ids), YEAR)
    assert result.by_group[DIS] == GroupGap(DIS, in_group, others)
    assert result.by_group[DIS].gap == gap


def test_by_group_covers_every_group() -> None:
    result = evaluate_measure(measure("BM5"), [pupil(year_group=9)], {}, YEAR)
    assert list(result.by_group) == list(Group)


def test_a_learner_counts_in_each_of_their_groups() -> None:
    learner = pupil(year_group=9, groups={DIS, Group.FEMALE})
    result = evaluate_measure(measure("BM5"), [learner], {}, YEAR)
    assert (result.by_group[DIS].in_group, result.by_group[Group.FEMALE].in_group) == (Count(1, 0), Count(1, 0))


@pytest.mark.parametrize("ids", [[5, 2, 9, 1], [1, 9, 2, 5]])
def test_not_met_keeps_the_order_learners_were_given(ids: list[int]) -> None:
    learners = [pupil(i, year_group=9) for i in ids]
    result = evaluate_measure(measure("BM5"), learners, bm5(learners, [9]), YEAR)
    assert result.not_met == tuple(i for i in ids if i != 9)


def test_a_measure_with_nobody_eligible_does_not_apply() -> None:
    result = evaluate_measure(measure("BM6-18"), [pupil(year_group=9)], {}, YEAR)
    assert (result.applies, result.total, result.total.percent) == (False, Count(0, 0), None)


@pytest.mark.parametrize(
    ("count", "percent"),
    [(Count(0, 0), None), (Count(4, 0), 0.0), (Count(4, 1), 25.0), (Count(4, 4), 100.0)],
)
def test_count_percent(count: Count, percent: float | None) -> None:
    assert count.percent == percent


# --- on roll on the measure date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "today", "measure_date"),
    [
        (2025, AFTER, d(2026, 8, 31)),  # a finished year is measured at its end
        (2025, d(2026, 8, 31), d(2026, 8, 31)),  # on the last day
        (2025, d(2026, 1, 15), d(2026, 1, 15)),  # the year in progress: today
        (2025, d(2025, 9, 1), d(2025, 9, 1)),  # on the first day
        (2025, d(2025, 6, 1), d(2025, 9, 1)),  # a year not yet started: never before it starts
    ],
)
def test_measure_date_for(year: int, today: dt.date, measure_date: dt.date) -> None:
    assert measure_date_for(year, today) == measure_date


@pytest.mark.parametrize(
    ("joined", "left", "year", "today", "expected"),
    [
        (None, d(2026, 3, 31), 2025, AFTER, False),  # left mid-year: not on roll at the end of 2025/26
        (None, d(2026, 3, 31), 2024, AFTER, True),  # ... but on roll at the end of 2024/25
        (d(2026, 2, 1), None, 2025, AFTER, True),  # joined mid-year: on roll at the end of 2025/26
        (d(2026, 2, 1), None, 2024, AFTER, False),  # ... not for the year before they came
        (None, d(2026, 8, 31), 2025, AFTER, True),  # left on the measure date itself: counts
        (None, d(2026, 8, 30), 2025, AFTER, False),  # left the day before
        (d(2026, 8, 31), None, 2025, AFTER, True),  # joined on the measure date itself
        (d(2026, 9, 1), None, 2025, AFTER, False),  # joined the day after
        (d(2023, 9, 1), d(2029, 7, 20), 2025, AFTER, True),  # joined before, leaves after
        # The year in progress is measured today (15 January 2026).
        (None, d(2026, 3, 31), 2025, d(2026, 1, 15), True),  # has not left yet
        (None, d(2026, 1, 15), 2025, d(2026, 1, 15), True),  # leaves today
        (None, d(2026, 1, 14), 2025, d(2026, 1, 15), False),  # left yesterday
        (d(2026, 2, 1), None, 2025, d(2026, 1, 15), False),  # has not joined yet
    ],
)
def test_on_roll(joined: dt.date | None, left: dt.date | None, year: int, today: dt.date, expected: bool) -> None:
    learner = pupil(year_group=9, joined=joined, left=left)
    assert on_roll(learner, measure_date_for(year, today)) == expected


STAYER = pupil(1, year_group=9)
LEAVER = pupil(2, year_group=9, left=d(2026, 3, 31))
JOINER = pupil(3, year_group=9, joined=d(2026, 2, 1))


@pytest.mark.parametrize(
    ("year", "today", "counted"),
    [
        (2025, AFTER, (1, 3)),  # the leaver (31 Mar 2026) is not counted for 2025; the joiner is
        (2024, AFTER, (1, 2)),  # the leaver is counted for 2024; the joiner (1 Feb 2026) is not
        (2025, d(2026, 1, 15), (1, 2)),  # mid-year: the leaver is still here, the joiner not yet
    ],
)
def test_provider_figures_count_learners_on_roll_on_the_measure_date(
    year: int, today: dt.date, counted: tuple[int, ...]
) -> None:
    result = figures([STAYER, LEAVER, JOINER], year=year, today=today)
    assert result.measure("BM5").not_met == counted  # nobody has met BM5: everyone counted is listed


def test_provider_figures_report_the_measure_date() -> None:
    assert figures([STAYER], today=d(2026, 1, 15)).measure_date == d(2026, 1, 15)


def test_a_college_leaver_is_not_counted_either() -> None:
    result = figures([student(1), student(2, left=d(2026, 3, 31))], phase=Phase.COLLEGE)
    assert result.measure("BM8").not_met == (1,)


# --- provider_figures: the eight benchmarks ----------------------------------------------------


def A(benchmark: int, indicator: int, achieved: bool = True) -> ProgrammeAnswer:
    return ProgrammeAnswer(benchmark, indicator, achieved)


@pytest.mark.parametrize(
    ("answers", "percent", "answered"),
    [
        # Benchmark 1 asks 4 programme-level indicators, numbered from 0 (0–3).
        ([A(1, 0), A(1, 1)], 50.0, 2),  # two of four achieved
        ([A(1, 0), A(1, 1), A(1, 2), A(1, 3)], 100.0, 4),  # all four
        ([], 0.0, 0),  # none answered
        ([A(1, 0), A(1, 4)], 25.0, 1),  # indicator 4 is out of range: ignored
        ([A(1, 0), A(1, -1)], 25.0, 1),  # so is a negative one
        ([A(1, 0), A(1, 0)], 25.0, 1),  # a duplicate answer counts once
        ([A(1, 0), A(1, 1, achieved=False)], 25.0, 1),  # an answer "not achieved" does not count
        ([A(1, 0), A(1, 0, achieved=False)], 25.0, 1),  # answered both ways: any "achieved" wins
        ([A(1, 0), A(3, 1)], 25.0, 1),  # an answer for Benchmark 3 does not count for 1
    ],
)
def test_programme_benchmark_1(answers: list[ProgrammeAnswer], percent: float, answered: int) -> None:
    bm1 = figures([], indicators={1: 4, 3: 2}, answers=answers).benchmark(1)
    assert (bm1.percent, bm1.answered, bm1.indicators, bm1.measures) == (percent, answered, 4, ())


def test_programme_benchmark_3_is_counted_on_its_own() -> None:
    bm3 = figures([], indicators={1: 4, 3: 2}, answers=[A(1, 0), A(1, 1), A(3, 1)]).benchmark(3)
    assert (bm3.percent, bm3.answered, bm3.indicators) == (50.0, 1, 2)


def test_a_programme_benchmark_with_no_indicators_has_no_percent() -> None:
    bm1 = figures([], indicators={1: 0}).benchmark(1)
    assert (bm1.percent, bm1.fully_achieved) == (None, False)


@pytest.mark.parametrize("number", [1, 3])
def test_programme_benchmarks_without_indicators_are_not_measurable(number: int) -> None:
    result = figures([pupil(year_group=9)]).benchmark(number)
    assert (result.percent, result.fully_achieved, result.measures) == (None, False, ())


def test_there_are_eight_benchmarks_in_order() -> None:
    assert [b.benchmark for b in figures([]).benchmarks] == list(range(1, 9))


@pytest.mark.parametrize(
    ("number", "codes"),
    [(6, ["BM6-16", "BM6-18"]), (7, ["BM7-16", "BM7-18"]), (8, ["BM8-KS3", "BM8-KS4", "BM8-16-18"])],
)
def test_a_benchmark_reports_all_its_measures(number: int, codes: list[str]) -> None:
    assert [r.measure.code for r in figures([]).benchmark(number).measures] == codes


# Benchmark 8 in one school: a Year 9 pupil with a KS3 interview, a Year 11 pupil without one,
# and a Year 13 student who may or may not have taken the 16–18 opportunity.
Y9_MET = pupil(1, year_group=9)
Y11_NOT = pupil(2, year_group=11)
Y13_OPT = pupil(3, year_group=13)
KS3_INTERVIEW = did(Y9_MET, IN_YEAR, C.INTERVIEW)


@pytest.mark.parametrize(
    "y13_interviews",
    [
        [],  # the 16–18 opportunity not taken
        [did(Y13_OPT, IN_YEAR, C.INTERVIEW)],  # taken
    ],
)
def test_the_optional_16_18_interview_does_not_change_bm8(y13_interviews: list[Participation]) -> None:
    result = figures([Y9_MET, Y11_NOT, Y13_OPT], [KS3_INTERVIEW, *y13_interviews]).benchmark(8)
    assert result.percent == 50.0  # KS3 1/1 and KS4 0/1; 16–18 is neither 1/3 nor 2/3 of it


def test_the_optional_16_18_interview_is_still_reported() -> None:
    result = figures([Y9_MET, Y11_NOT, Y13_OPT], [KS3_INTERVIEW, did(Y13_OPT, IN_YEAR, C.INTERVIEW)])
    assert result.measure("BM8-16-18").total == Count(1, 1)


def test_a_benchmark_pools_learner_measure_pairs() -> None:
    # Three Year 9 pupils meet BM8-KS3, one Year 11 pupil misses BM8-KS4: 3 of 4 pairs, 75%,
    # not the 50% an average of the two measures would give.
    y9s = [pupil(i, year_group=9) for i in (1, 2, 3)]
    result = figures([*y9s, pupil(4, year_group=11)], [did(p, IN_YEAR, C.INTERVIEW) for p in y9s])
    assert result.benchmark(8).percent == 75.0


def test_a_measure_with_nobody_eligible_is_left_out() -> None:
    # Only a Year 11: BM6-16 is met and BM6-18 has nobody to measure, so Benchmark 6 is 100%.
    result = figures([Y11_NOT], [did(Y11_NOT, IN_YEAR, C.WORKPLACE)]).benchmark(6)
    assert (result.percent, result.fully_achieved) == (100.0, True)


def test_bm7_pools_the_full_range_and_university_visits() -> None:
    y11 = pupil(1, year_group=11)
    he = pupil(2, year_group=13, he=True)
    not_he = pupil(3, year_group=13)  # in neither BM7 measure
    result = figures([y11, he, not_he], [did(y11, IN_YEAR, *FULL_RANGE), did(he, IN_YEAR, C.UNIVERSITY)])
    assert result.benchmark(7).percent == 50.0


@pytest.mark.parametrize("number", [2, 4, 6, 7, 8])
def test_a_benchmark_with_nobody_to_measure_has_no_percent(number: int) -> None:
    result = figures([pupil(year_group=7)]).benchmark(number)  # Year 7: only BM5 applies
    assert (result.percent, result.fully_achieved) == (None, False)


def test_fully_achieved_count_counts_only_100_percent() -> None:
    a, b = pupil(1, year_group=9), pupil(2, year_group=9)
    evidence = [
        did(a, IN_YEAR, C.CLMI, C.STEM, C.EMPLOYER, C.INTERVIEW),
        did(b, IN_YEAR, C.CLMI, C.EMPLOYER, C.INTERVIEW),  # no STEM: Benchmark 4 is 50%
    ]
    answers = [A(1, 0), A(1, 1), A(3, 0)]  # Benchmark 1: 2 of 2; Benchmark 3: 1 of 2
    result = figures([a, b], evidence, indicators={1: 2, 3: 2}, answers=answers)
    # 1, 2, 5 and 8 at 100%; 3 and 4 at 50%; 6 and 7 have nobody in Year 11 or 13 to measure.
    assert result.fully_achieved_count == 4


def test_fully_achieved_needs_exactly_100_percent() -> None:
    benchmarks = (BenchmarkResult(1, 100.0, ()), BenchmarkResult(2, 99.99, ()), BenchmarkResult(3, None, ()))
    figures = ProviderFigures(YEAR, year_end(YEAR), Phase.SCHOOL, benchmarks, gatsby_2018.RULE_SET)
    assert figures.fully_achieved_count == 1


def test_college_figures() -> None:
    ending = student(1, area="engineering", ends=YEAR)
    continuing = student(2, area="hair", ends=YEAR + 1)
    evidence = [
        did(ending, d(2024, 10, 1), C.INTERVIEW),
        did(ending, IN_YEAR, C.EMPLOYER, area="engineering"),
        did(ending, IN_YEAR, C.EMPLOYER, area="hair"),
        did(continuing, IN_YEAR, C.EMPLOYER, area="hair"),
    ]
    result = figures([ending, continuing], evidence, phase=Phase.COLLEGE)
    # BM5: 1 of the 2 students; BM8: the one finishing, who has had an interview.
    assert (result.benchmark(5).percent, result.benchmark(8).percent) == (50.0, 100.0)


# --- Properties --------------------------------------------------------------------------------

AREAS = ("", "engineering", "health")


FIRST_DAY = d(2021, 9, 1)  # Year 7 of today's Year 11
LAST_DAY = year_end(YEAR)


def participations_of(
    ids: Sequence[int], first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY
) -> st.SearchStrategy[Participation]:
    return st.builds(
        Participation,
        learner_id=st.sampled_from(ids),
        on=st.dates(first, last),
        categories=st.frozensets(st.sampled_from(Category), min_size=1, max_size=3),
        curriculum_area=st.sampled_from(AREAS),
    )


@st.composite
def learners_of(draw: st.DrawFn, learner_id: int) -> Learner:
    """A learner in Years 7–13 in 2025/26, with college fields too, so one learner suits both phases."""
    year_group = draw(st.integers(7, 13))
    dob = d(YEAR - year_group - 5, 9, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
    return Learner(
        id=learner_id,
        date_of_birth=dob,
        year_group=chronological_year_group(dob, YEAR),
        groups=draw(st.frozensets(st.sampled_from(Group))),
        joined_on=draw(st.none() | st.dates(d(2021, 9, 1), d(2026, 12, 31))),
        left_on=draw(st.none() | st.dates(d(2025, 6, 1), d(2026, 12, 31))),
        considering_higher_education=draw(st.booleans()),
        curriculum_area=draw(st.sampled_from(AREAS)),
        programme_end_year=draw(st.sampled_from([None, 2024, 2025, 2026])),
    )


@st.composite
def schools(draw: st.DrawFn) -> tuple[list[Learner], list[Participation]]:
    """A small random provider: learners and their participations (interviews included) in 2021–2025."""
    count = draw(st.integers(1, 6))
    learners = [draw(learners_of(i)) for i in range(1, count + 1)]
    participations = draw(st.lists(participations_of([learner.id for learner in learners]), max_size=20))
    return learners, participations


phases = st.sampled_from(Phase)
todays = st.sampled_from([AFTER, d(2026, 1, 15)])


@settings(deadline=None)
@given(schools(), phases, todays, st.data())
def test_adding_a_participation_never_lowers_a_met_count(
    school: tuple[list[Learner], list[Participation]], phase: Phase, today: dt.date, data: st.DataObject
) -> None:
    learners, parts = school
    extra = data.draw(participations_of([learner.id for learner in learners]))
    before = met_counts(figures(learners, parts, phase=phase, today=today))
    after = met_counts(figures(learners, [*parts, extra], phase=phase, today=today))
    assert [code for code in before if after[code] < before[code]] == []


@settings(deadline=None)
@given(schools(), phases, todays, st.data())
def test_adding_a_participation_never_lowers_a_benchmark(
    school: tuple[list[Learner], list[Participation]], phase: Phase, today: dt.date, data: st.DataObject
) -> None:
    learners, parts = school
    extra = data.draw(participations_of([learner.id for learner in learners]))
    before = figures(learners, parts, phase=phase, today=today).benchmarks
    after = figures(learners, [*parts, extra], phase=phase, today=today).benchmarks
    lowered = [
        b.benchmark
        for b, a in zip(before, after, strict=True)
        if b.percent is not None and (a.percent is None or a.percent < b.percent)
    ]
    assert lowered == []


@settings(deadline=None)
@given(schools(), st.data())
def test_removing_the_only_employer_encounter_loses_bm5_for_that_learner(
    school: tuple[list[Learner], list[Participation]], data: st.DataObject
) -> None:
    learners, parts = school
    learner = data.draw(st.sampled_from(learners))
    others = [
        p
        for p in parts
        if not (p.learner_id == learner.id and C.EMPLOYER in p.categories and academic_year_of(p.on) == YEAR)
    ]
    only = data.draw(participations_of([learner.id], year_start(YEAR), year_end(YEAR)))
    only = dataclasses.replace(only, categories=only.categories | {C.EMPLOYER})
    with_it = figures(learners, [*others, only])
    without = figures(learners, others)
    eligible = measure("BM5").eligible(learner, YEAR) and on_roll(learner, with_it.measure_date)
    lost = with_it.measure("BM5").total.met - without.measure("BM5").total.met
    assert lost == (1 if eligible else 0)


@settings(deadline=None)
@given(schools(), phases, todays)
def test_met_never_exceeds_eligible(
    school: tuple[list[Learner], list[Participation]], phase: Phase, today: dt.date
) -> None:
    result = figures(*school, phase=phase, today=today)
    counts = [r.total for b in result.benchmarks for r in b.measures]
    assert [c for c in counts if not 0 <= c.met <= c.eligible] == []


@settings(deadline=None)
@given(schools(), phases, todays)
def test_not_met_lists_every_eligible_learner_who_has_not_met(
    school: tuple[list[Learner], list[Participation]], phase: Phase, today: dt.date
) -> None:
    result = figures(*school, phase=phase, today=today)
    wrong = [
        r.measure.code
        for b in result.benchmarks
        for r in b.measures
        if len(r.not_met) != r.total.eligible - r.total.met
    ]
    assert wrong == []


@given(schools(), st.data())
def test_summarise_does_not_depend_on_order(
    school: tuple[list[Learner], list[Participation]], data: st.DataObject
) -> None:
    learners, parts = school
    shuffled = data.draw(st.permutations(parts))
    assert summarise(shuffled, learners) == summarise(parts, learners)


answers = st.lists(st.builds(ProgrammeAnswer, st.sampled_from([1, 3]), st.integers(-1, 5), st.booleans()), max_size=8)


@settings(deadline=None)
@given(schools(), phases, todays, st.integers(0, 5), st.integers(0, 5), answers)
def test_every_percentage_is_between_0_and_100(
    school: tuple[list[Learner], list[Participation]],
    phase: Phase,
    today: dt.date,
    bm1_indicators: int,
    bm3_indicators: int,
    programme_answers: list[ProgrammeAnswer],
) -> None:
    indicators = {1: bm1_indicators, 3: bm3_indicators}
    result = figures(*school, phase=phase, today=today, indicators=indicators, answers=programme_answers)
    percents = [b.percent for b in result.benchmarks] + [r.total.percent for b in result.benchmarks for r in b.measures]
    assert [p for p in percents if p is not None and not 0.0 <= p <= 100.0] == []


@given(
    born=st.dates(min_value=d(1990, 1, 1), max_value=d(2020, 12, 31)),
    age=st.integers(min_value=10, max_value=20),
    year=st.integers(min_value=2000, max_value=2035),
)
@settings(max_examples=500)
def test_the_by_age_cohort_is_the_learners_of_that_age_on_31_august(born: dt.date, age: int, year: int) -> None:
    """`aged_at_end` compares dates of birth with bounds: it must agree with the age itself."""
    from qic.domain.academic import age_at_year_end
    from qic.domain.benchmarks import aged_at_end

    learner = Learner(1, born, None)
    assert aged_at_end(age)(learner, year) == (age_at_year_end(born, year) == age)


@pytest.mark.parametrize(
    ("born", "in_cohort"),
    [
        (d(2011, 8, 31), False),
        (d(2011, 9, 1), True),
        (d(2012, 2, 29), True),
        (d(2012, 8, 31), True),
        (d(2012, 9, 1), False),
    ],
)
def test_the_aged_14_cohort_of_2025_26_runs_from_1_september_2011_to_31_august_2012(
    born: dt.date, in_cohort: bool
) -> None:
    from qic.domain.benchmarks import aged_at_end

    assert aged_at_end(14)(Learner(1, born, None), 2025) is in_cohort
