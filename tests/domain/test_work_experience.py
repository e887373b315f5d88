"""The work-experience guarantee (DOMAIN.md §3c), written from the rule, not from the code.

Two weeks' worth of meaningful workplace experience across KS3 and KS4, roughly one week in
Years 7–9 and one in Years 10–11; CEC counts at least 50 hours; the target is a setting.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qic.domain.benchmarks import Category, Group, Learner
from qic.domain.work_experience import (
    DEFAULT_TARGET_HOURS,
    Experience,
    SummaryGroup,
    Target,
    counts,
    hours_by_year,
    hours_problem,
    standing,
    tally,
    target_from,
)

d = dt.date
D = Decimal
TODAY = d(2026, 12, 3)  # 2026/27
YEAR = 2026
WORKPLACE = frozenset({Category.WORKPLACE})
FIFTY = Target()
BORN = d(2012, 1, 1)


def pupil(year_group: int | None, *, pk: int = 1, dob: dt.date = BORN, **fields: object) -> Learner:
    return Learner(id=pk, date_of_birth=dob, year_group=year_group, name=f"Pupil {pk}", **fields)  # type: ignore[arg-type]


def placement(on: dt.date, hours: str | None = "5", *, pk: int = 1, attended: bool = True) -> Experience:
    return Experience(pk, on, None if hours is None else D(hours), attended, WORKPLACE)


# --- The target and its split ------------------------------------------------------------------


def test_the_default_target_is_cecs_fifty_hours() -> None:
    assert DEFAULT_TARGET_HOURS == 50
    assert Target().hours == 50


@pytest.mark.parametrize(
    ("hours", "ks3", "ks4"),
    [("50", "25", "25"), ("60", "30", "30"), ("45", "22.5", "22.5"), ("45.5", "22.8", "22.7"), ("1", "0.5", "0.5")],
)
def test_the_target_is_split_about_half_in_each_key_stage(hours: str, ks3: str, ks4: str) -> None:
    target = Target(D(hours))
    assert (target.ks3, target.ks4) == (D(ks3), D(ks4))
    assert target.ks3 + target.ks4 == target.hours


@pytest.mark.parametrize("value", ["0", "-10", "NaN", "fifty", ""])
def test_a_target_that_is_not_a_positive_number_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="target"):
        target_from(value)


@pytest.mark.parametrize(("value", "hours"), [("50", D(50)), (" 70 ", D(70)), (D("37.5"), D("37.5")), (40, D(40))])
def test_the_target_is_read_from_a_setting(value: object, hours: Decimal) -> None:
    assert target_from(value).hours == hours


# --- Expected by now ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "year_group", "expected"),
    [
        ("50", 7, "0"),  # nothing is expected before the end of Year 7
        ("50", 8, "8.3"),  # a third of KS3's 25 hours
        ("50", 9, "16.7"),
        ("50", 10, "25"),  # all of KS3's half
        ("50", 11, "37.5"),  # and half of KS4's
        ("60", 8, "10"),
        ("60", 10, "30"),
        ("60", 11, "45"),
    ],
)
def test_expected_by_now_is_the_share_of_the_school_years_already_finished(
    target: str, year_group: int, expected: str
) -> None:
    assert Target(D(target)).expected_by(year_group) == D(expected)


# --- Hours on an activity --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        (None, "Enter how many hours the workplace experience lasts"),
        (D("0"), "The hours must be more than 0"),
        (D("-0.5"), "The hours must be more than 0"),
        (D("0.1"), None),
        (D("2.5"), None),  # a visit
        (D("200"), None),
        (D("200.1"), "The hours must be 200 or fewer: record a longer placement as separate activities"),
        (D("2.55"), "Enter the hours to one decimal place at most, for example 2.5"),
        (D("Infinity"), "The hours must be more than 0"),
    ],
)
def test_hours_on_one_activity_must_make_sense(hours: Decimal | None, problem: str | None) -> None:
    assert hours_problem(hours) == problem


# --- What counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("experience", "expected"),
    [
        (placement(TODAY), True),  # dated today
        (placement(TODAY - dt.timedelta(days=1)), True),
        (placement(TODAY + dt.timedelta(days=1)), False),  # future-dated: not yet
        (placement(TODAY, attended=False), False),  # absent
        (Experience(1, TODAY, D(5), True, frozenset()), False),  # not meaningful
        (Experience(1, TODAY, D(5), True, frozenset({Category.EMPLOYER})), False),  # not a workplace
        (placement(TODAY, None), False),  # hours not recorded
    ],
    ids=["today", "yesterday", "tomorrow", "absent", "not-meaningful", "employer-only", "no-hours"],
)
def test_only_attended_meaningful_workplace_experience_up_to_the_measure_date_counts(
    experience: Experience, expected: bool
) -> None:
    assert counts(experience, TODAY) is expected


def test_hours_are_summed_per_learner_and_academic_year() -> None:
    found = hours_by_year(
        [
            placement(d(2026, 8, 31), "3"),  # last day of 2025/26
            placement(d(2026, 9, 1), "2.5"),  # first day of 2026/27
            placement(d(2026, 10, 1), "5"),
            placement(d(2026, 10, 1), "5", attended=False),
            placement(d(2026, 10, 1), "7", pk=2),
            placement(d(2026, 12, 4), "30", pk=2),  # tomorrow
        ],
        TODAY,
    )
    assert found == {1: {2025: D(3), 2026: D("7.5")}, 2: {2026: D(7)}}


# --- Which key stage -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "ks3", "ks4"),
    [
        (d(2026, 8, 31), "5", "0"),  # Year 9 until 31 August
        (d(2026, 9, 1), "0", "5"),  # Year 10 from 1 September
    ],
)
def test_hours_belong_to_the_stage_of_the_year_group_in_the_activitys_year(on: dt.date, ks3: str, ks4: str) -> None:
    year10 = pupil(10)  # in 2026/27, so Year 9 in 2025/26
    found = standing(year10, hours_by_year([placement(on)], TODAY)[1], measure_year=YEAR, target=FIFTY)
    assert found is not None
    assert (found.ks3_hours, found.ks4_hours) == (D(ks3), D(ks4))


@pytest.mark.parametrize(
    ("dob", "year_group", "ks3", "ks4"),
    [
        (d(2011, 9, 1), 10, "5", "0"),  # aged 14 on 31 August 2026: Year 10 now, Year 9 last year
        (d(2011, 8, 31), 11, "0", "5"),  # aged 15: Year 11 now, Year 10 last year
    ],
)
def test_without_a_recorded_year_group_the_date_of_birth_decides(
    dob: dt.date, year_group: int, ks3: str, ks4: str
) -> None:
    learner = pupil(None, dob=dob)
    found = standing(learner, {2025: D(5)}, measure_year=YEAR, target=FIFTY)
    assert found is not None
    assert found.year_group == year_group
    assert (found.ks3_hours, found.ks4_hours) == (D(ks3), D(ks4))


def test_hours_outside_years_7_to_11_count_towards_neither_stage() -> None:
    year7 = pupil(7)
    found = standing(year7, {2025: D(10)}, measure_year=YEAR, target=FIFTY)  # Year 6 last year
    assert found is not None
    assert found.total == 0


@pytest.mark.parametrize("year_group", [5, 6, 12, 13])
def test_only_pupils_in_years_7_to_11_have_a_standing(year_group: int) -> None:
    assert standing(pupil(year_group), {YEAR: D(10)}, measure_year=YEAR, target=FIFTY) is None


# --- Behind and the gap ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "hours", "behind", "gap", "to_target"),
    [
        (7, "0", False, "0", "50"),  # a Year 7 pupil is not behind yet
        (8, "8.2", True, "0.1", "41.8"),
        (8, "8.3", False, "0", "41.7"),
        (11, "37.4", True, "0.1", "12.6"),
        (11, "37.5", False, "0", "12.5"),
        (11, "0", True, "37.5", "50"),
        (11, "60", False, "0", "0"),
    ],
)
def test_behind_means_below_what_is_expected_by_now(
    year_group: int, hours: str, behind: bool, gap: str, to_target: str
) -> None:
    found = standing(pupil(year_group), {YEAR: D(hours)}, measure_year=YEAR, target=FIFTY)
    assert found is not None
    assert found.behind is behind
    assert found.gap == D(gap)
    assert found.to_target(FIFTY) == D(to_target)


def test_a_larger_target_makes_more_pupils_behind() -> None:
    found = standing(pupil(11), {YEAR: D(40)}, measure_year=YEAR, target=Target(D(60)))
    assert found is not None
    assert (found.expected, found.behind, found.gap) == (D(45), True, D(5))


# --- The school's tally ---------------------------------------------------------------------------


def test_leavers_and_pupils_outside_years_7_to_11_are_not_listed() -> None:
    learners = [
        pupil(9, pk=1),
        pupil(9, pk=2, left_on=d(2026, 12, 2)),  # left yesterday
        pupil(9, pk=3, left_on=TODAY),  # leaves today: still on roll
        pupil(9, pk=4, joined_on=d(2026, 12, 4)),  # joins tomorrow
        pupil(12, pk=5),
    ]
    result = tally(learners, {}, measure_date=TODAY, target=FIFTY)
    assert [s.learner_id for s in result.standings] == [1, 3]


def test_the_tally_lists_those_behind_furthest_first_and_summarises_by_year_group() -> None:
    learners = [pupil(11, pk=1), pupil(11, pk=2), pupil(8, pk=3), pupil(7, pk=4), pupil(10, pk=5)]
    hours = {1: {YEAR: D(40)}, 2: {YEAR - 1: D(10)}, 3: {YEAR: D(2)}, 5: {YEAR - 1: D(25)}}
    result = tally(learners, hours, measure_date=TODAY, target=FIFTY)
    assert [(s.learner_id, s.gap) for s in result.behind] == [(2, D("27.5")), (3, D("6.3"))]
    rows = {s.label: (s.learners, s.total_hours, s.behind, s.mean_hours) for s in result.by_year_group()}
    assert rows == {
        "Year 7": (1, D(0), 0, D(0)),
        "Year 8": (1, D(2), 1, D(2)),
        "Year 9": (0, D(0), 0, None),
        "Year 10": (1, D(25), 0, D(25)),
        "Year 11": (2, D(50), 1, D(25)),
    }


def test_group_summaries_count_those_behind_and_the_mean_gap_over_everyone_in_the_group() -> None:
    learners = [
        pupil(11, pk=1, groups=frozenset({Group.DISADVANTAGED})),  # 0 hours: gap 37.5
        pupil(11, pk=2, groups=frozenset({Group.DISADVANTAGED, Group.SEN_SUPPORT})),  # 30: gap 7.5
        pupil(11, pk=3, groups=frozenset({Group.EHC_PLAN})),  # 40: not behind
        pupil(11, pk=4, groups=frozenset({Group.LOOKED_AFTER, Group.FEMALE})),  # 0: gap 37.5
        pupil(11, pk=5, groups=frozenset({Group.YOUNG_CARER})),  # 50: not behind, reached
    ]
    hours = {2: {YEAR: D(30)}, 3: {YEAR: D(40)}, 5: {YEAR: D(50)}}
    summaries = dict(tally(learners, hours, measure_date=TODAY, target=FIFTY).by_group())
    found = {group: (s.learners, s.behind, s.mean_gap, s.reached_target) for group, s in summaries.items()}
    assert found == {
        SummaryGroup.ALL: (5, 3, D("16.5"), 1),
        SummaryGroup.DISADVANTAGED: (2, 2, D("22.5"), 0),
        SummaryGroup.SEND: (2, 1, D("3.8"), 0),  # SEN support or an EHC plan: 7.5 / 2 = 3.75
        SummaryGroup.LOOKED_AFTER: (1, 1, D("37.5"), 0),
    }


def test_an_empty_group_has_no_mean() -> None:
    summaries = dict(tally([pupil(9)], {}, measure_date=TODAY, target=FIFTY).by_group())
    assert summaries[SummaryGroup.LOOKED_AFTER].learners == 0
    assert summaries[SummaryGroup.LOOKED_AFTER].mean_gap is None


# --- Properties -------------------------------------------------------------------------------------

amounts = st.decimals(min_value=D("0.1"), max_value=D(200), places=1)


@settings(deadline=None)  # a shared, busy machine must not turn a slow example into a failure
@given(
    st.integers(min_value=7, max_value=11),
    st.dictionaries(st.integers(min_value=YEAR - 6, max_value=YEAR), amounts, max_size=6),
    st.decimals(min_value=D(1), max_value=D(200), places=1),
)
def test_gap_and_behind_agree_and_hours_never_exceed_what_was_recorded(
    year_group: int, hours: dict[int, Decimal], target_hours: Decimal
) -> None:
    target = Target(target_hours)
    found = standing(pupil(year_group), hours, measure_year=YEAR, target=target)
    assert found is not None
    assert found.gap >= 0
    assert found.behind == (found.gap > 0)
    assert found.total <= sum(hours.values(), D(0))
    assert found.total + found.to_target(target) >= target.hours
    assert 0 <= found.expected <= target.hours
