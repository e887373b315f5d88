"""Destinations as accreditation evidence (issue 16, item 4): which criterion shows them, what the
portfolio says, and when recorded destinations stand in for the uploaded "destinations data for the
last three years" (Guide §5.1.1). Written from the issue: three cohorts, counts only for small
groups, the disadvantaged gap, and "held here: N cohorts recorded"."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.domain import destinations as rules
from qic.domain import destinations_evidence as evidence
from qic.domain.academic import KeyStage
from qic.domain.destinations import Category, CohortMember, Kind, Recorded, Share

# The cohort that finished in 2024/25 (left in the summer of 2025); year 1 after leaving is 2025/26.
COHORT = 2024
TODAY = dt.date(2026, 12, 3)


def member(n: int, *recorded: Recorded, disadvantaged: bool = False, stayed: bool = False) -> CohortMember:
    return CohortMember(
        learner_id=n,
        disadvantaged=disadvantaged,
        sen_support=False,
        ehc_plan=False,
        looked_after=False,
        sex="F",
        recorded=recorded,
        stayed=stayed,
        stayed_sustained=True if stayed else None,
    )


def actual(category: Category, on: dt.date, sustained: bool | None = True) -> Recorded:
    return Recorded(Kind.ACTUAL, category, on, sustained)


def test_the_2024_edition_shows_destinations_on_criterion_3_4_and_an_unknown_edition_on_none() -> None:
    assert evidence.destinations_criterion("qic-2024") == "3.4"
    assert evidence.destinations_criterion("qic-2030") is None


def test_a_cohort_is_recorded_by_an_actual_destination_in_a_known_category() -> None:
    autumn = dt.date(2025, 10, 1)
    assert evidence.cohort_recorded(COHORT, [member(1), member(2, actual(Category.FE_COLLEGE, autumn))])
    # Neither an intention, nor "unknown", nor a learner counted in the sixth form because still on
    # roll says where anyone went.
    assert not evidence.cohort_recorded(
        COHORT,
        [
            member(1, Recorded(Kind.INTENDED, Category.APPRENTICESHIP, dt.date(2025, 2, 1), None)),
            member(2, actual(Category.UNKNOWN, autumn, None)),
            member(3, stayed=True),
        ],
    )
    # A destination in the third year after leaving counts; one dated later than that does not.
    assert evidence.cohort_recorded(COHORT, [member(1, actual(Category.EMPLOYMENT, dt.date(2027, 10, 1)))])
    assert not evidence.cohort_recorded(COHORT, [member(1, actual(Category.EMPLOYMENT, dt.date(2028, 10, 1)))])
    assert not evidence.cohort_recorded(COHORT, [])


def test_recorded_cohorts_are_listed_newest_first_and_one_is_enough_to_hold_the_evidence() -> None:
    cohorts = {
        2022: [member(1, actual(Category.HIGHER_EDUCATION, dt.date(2023, 10, 1)))],
        2023: [member(2)],
        2024: [member(3, actual(Category.NEET, dt.date(2025, 11, 1), None))],
    }
    assert evidence.recorded_cohorts(cohorts) == [2024, 2022]
    assert evidence.destinations_held(1)
    assert not evidence.destinations_held(0)
    assert evidence.held_words(1) == "Held here: 1 cohort recorded"
    assert evidence.held_words(3) == "Held here: 3 cohorts recorded"


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (Share(126, 150), "84% (126)"),
        (Share(0, 6), "0% (0)"),  # six learners: a percentage
        (Share(4, 5), "4 of 5"),  # five: a count only
        (Share(0, 1), "0 of 1"),
        (Share(0, 0), "–"),
    ],
)
def test_a_share_of_fewer_than_six_learners_is_a_count_only(share: Share, words: str) -> None:
    assert evidence.share_words(share) == words


def _cohort(disadvantaged: tuple[int, int], others: tuple[int, int]) -> list[CohortMember]:
    """Disadvantaged and other leavers: (sustained, of) each; the rest not sustained."""
    autumn = dt.date(2025, 10, 1)
    made = []
    n = 0
    for flag, (good, total) in ((True, disadvantaged), (False, others)):
        for i in range(total):
            n += 1
            made.append(member(n, actual(Category.FE_COLLEGE, autumn, i < good), disadvantaged=flag))
    return made


def test_the_disadvantaged_gap_is_in_points_or_counts_when_either_group_is_small() -> None:
    analysis = rules.analyse(KeyStage.KS4, {COHORT: _cohort((6, 10), (18, 20))})
    row = next(g for g in analysis.cohorts[0].groups if g.breakdown.code == "disadvantaged")
    assert evidence.gap_words(row, "disadvantaged") == "\u221230 points"  # 60% against 90%
    small = rules.analyse(KeyStage.KS4, {COHORT: _cohort((2, 4), (18, 20))})
    row = next(g for g in small.cohorts[0].groups if g.breakdown.code == "disadvantaged")
    assert evidence.gap_words(row, "disadvantaged") == "Counts only: 2 of 4 disadvantaged, 18 of 20 others"


def test_the_gap_is_withheld_when_a_side_of_it_would_single_out_a_few_learners() -> None:
    # 4 disadvantaged of 24: their "counts only" beside the others' would tell an assessor where
    # each of the four went, so the portfolio withholds the gap; the cohort's own figures stay.
    summary = evidence.summarise(rules.analyse(KeyStage.KS4, {COHORT: _cohort((2, 4), (18, 20))}), today=TODAY)
    assert summary is not None
    line = summary.lines[0]
    assert line.disadvantaged_gap == "Withheld (fewer than 6)"
    assert line.sustained == "83% (20)"


def test_the_summary_has_each_cohort_newest_first_with_its_measures() -> None:
    cohorts = {
        2024: _cohort((6, 10), (18, 20)),
        2023: [
            member(1, actual(Category.APPRENTICESHIP, dt.date(2024, 10, 1))),
            member(2, actual(Category.NEET, dt.date(2024, 10, 1), None)),
            member(3),
        ],
        2022: [],
    }
    summary = evidence.summarise(rules.analyse(KeyStage.KS4, cohorts), today=TODAY)
    assert summary is not None
    assert summary.label == "Key stage 4"
    newest, middle, oldest = summary.lines
    assert (newest.label, newest.cohort, newest.sustained, newest.not_sustained) == (
        "2024/25",
        30,
        "80% (24)",
        "20% (6)",
    )
    assert (newest.unknown, newest.not_yet_known, newest.disadvantaged_gap) == ("0% (0)", "0% (0)", "\u221230 points")
    # Three leavers: the Awarding Body and the assessor read this, so a cohort that small shows
    # how many left and nothing about where they went (each figure would be one or two pupils).
    assert middle.cohort == 3
    assert (middle.sustained, middle.not_sustained, middle.unknown, middle.not_yet_known) == (
        "Withheld (fewer than 6)",
    ) * 4
    assert middle.disadvantaged_gap == "Withheld (fewer than 6)"
    assert (oldest.cohort, oldest.sustained, oldest.disadvantaged_gap) == (0, "–", "–")


def test_a_stage_without_leavers_has_no_summary() -> None:
    assert evidence.summarise(rules.analyse(KeyStage.KS5, {2024: [], 2023: [], 2022: []}), today=TODAY) is None


def test_before_the_six_months_are_over_the_gap_is_not_yet_known() -> None:
    # The 2024/25 leavers' first-year destinations can be known sustained from 31 March 2026.
    assert evidence.sustained_known_from(COHORT) == dt.date(2026, 3, 31)
    analysis = rules.analyse(KeyStage.KS4, {COHORT: _cohort((6, 10), (18, 20))})
    before = evidence.summarise(analysis, today=dt.date(2026, 3, 30))
    on_the_day = evidence.summarise(analysis, today=dt.date(2026, 3, 31))
    assert before is not None
    assert on_the_day is not None
    assert before.lines[0].disadvantaged_gap == "Not yet known"
    assert on_the_day.lines[0].disadvantaged_gap == "\u221230 points"
