"""Evidence as it stood on a day, last year at the same date, and college breakdowns
(issue 10 defects: future attendance counted now; this year compared with last year's whole year)."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.domain.benchmarks import (
    Category,
    Learner,
    Participation,
    Phase,
    Tally,
    evaluate_measure,
    same_day_a_year_before,
    summarise,
)
from qic.domain.rulesets import gatsby_2018

C = Category
d = dt.date


def pupil(id: int = 1) -> Learner:
    return Learner(id=id, date_of_birth=d(2011, 10, 1), year_group=9)


def did(learner: Learner, on: dt.date, *categories: Category) -> Participation:
    return Participation(learner.id, on, frozenset(categories))


@pytest.mark.parametrize(
    ("activity_on", "as_of", "counted"),
    [
        (d(2026, 12, 3), d(2026, 12, 3), 1),  # on the day itself
        (d(2026, 12, 4), d(2026, 12, 3), 0),  # the next day: not yet
        (d(2026, 12, 2), d(2026, 12, 3), 1),
        (d(2027, 8, 31), d(2026, 12, 3), 0),  # later in the same academic year
        (d(2026, 12, 4), d(2026, 12, 4), 1),  # counts once the day arrives
    ],
)
def test_summarise_as_of_counts_only_what_had_happened(activity_on: dt.date, as_of: dt.date, counted: int) -> None:
    amy = pupil()
    tallies = summarise([did(amy, activity_on, C.EMPLOYER)], [amy], as_of=as_of)
    assert tallies.get(1, {}).get((C.EMPLOYER, 2026), Tally()).count == counted


def test_summarise_without_as_of_counts_everything() -> None:
    amy = pupil()
    parts = [did(amy, d(2026, 10, 1), C.EMPLOYER), did(amy, d(2027, 6, 1), C.EMPLOYER)]
    assert summarise(parts, [amy]) == {1: {(C.EMPLOYER, 2026): Tally(2)}}
    assert summarise(parts, [amy], as_of=d(2026, 12, 3)) == {1: {(C.EMPLOYER, 2026): Tally(1)}}


@pytest.mark.parametrize(
    ("today", "a_year_before"),
    [
        (d(2026, 12, 3), d(2025, 12, 3)),
        (d(2028, 2, 29), d(2027, 2, 28)),  # no 29 February last year: the day before, never after
        (d(2028, 3, 1), d(2027, 3, 1)),
        (d(2027, 2, 28), d(2026, 2, 28)),
        (d(2026, 9, 1), d(2025, 9, 1)),  # first day of the academic year
        (d(2026, 8, 31), d(2025, 8, 31)),  # last day
    ],
)
def test_same_day_a_year_before(today: dt.date, a_year_before: dt.date) -> None:
    assert same_day_a_year_before(today) == a_year_before


def test_college_figures_break_down_by_curriculum_area_and_study_programme() -> None:
    bm5 = next(m for m in gatsby_2018.RULE_SET.college if m.code == "BM5")
    students = [
        Learner(
            1, d(2008, 1, 1), None, curriculum_area="Engineering", programme_end_year=2024, study_programme="T Level"
        ),
        Learner(2, d(2008, 1, 1), None, curriculum_area="Engineering", programme_end_year=2024, study_programme="BTEC"),
        Learner(3, d(2008, 1, 1), None, curriculum_area="Health", programme_end_year=2024, study_programme="T Level"),
    ]
    evidence = {1: {(C.EMPLOYER, 2024): Tally(2, 1)}, 3: {(C.EMPLOYER, 2024): Tally(2, 1)}}
    result = evaluate_measure(bm5, students, evidence, 2024)
    assert {a: (c.eligible, c.met) for a, c in result.by_curriculum_area.items()} == {
        "Engineering": (2, 1),
        "Health": (1, 1),
    }
    assert {p: (c.eligible, c.met) for p, c in result.by_study_programme.items()} == {"BTEC": (1, 0), "T Level": (2, 2)}
    assert result.measure.phase == Phase.COLLEGE


def test_school_figures_have_no_college_breakdowns() -> None:
    bm5 = next(m for m in gatsby_2018.RULE_SET.school if m.code == "BM5")
    result = evaluate_measure(bm5, [pupil()], {}, 2024)
    assert result.by_curriculum_area == {}
    assert result.by_study_programme == {}
