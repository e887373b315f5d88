"""Provider Access Legislation, from DOMAIN.md §3c: three key phases, two encounters in each,
phases 1 and 2 mandatory for every pupil, windows closing on 28 February."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.provider_access import (
    AccessContent,
    AccessPhase,
    AccessProviderType,
    AccessStatus,
    access_problems,
    cohort_status,
    counts_as_access_encounter,
    duty_applies,
    encounters_in,
    held_for_cohort,
    phase_on,
    phase_window,
    relevant_window,
    year8_in,
)

d = dt.date
ALL_CONTENT = AccessContent(True, True, True, True)
COHORT = 2025  # in Year 8 in 2025/26, Year 9 in 2026/27 ... Year 13 in 2030/31


# --- Cohorts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "academic_year", "expected"),
    [(8, 2025, 2025), (9, 2026, 2025), (7, 2026, 2027), (11, 2026, 2023), (13, 2026, 2021)],
)
def test_a_cohort_is_named_by_its_year_8(year_group: int, academic_year: int, expected: int) -> None:
    assert year8_in(year_group=year_group, academic_year=academic_year) == expected


# --- Windows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "opens", "deadline"),
    [
        (AccessPhase.FIRST, d(2025, 9, 1), d(2027, 2, 28)),  # Year 8, or Year 9 to 28 February
        (AccessPhase.SECOND, d(2027, 9, 1), d(2029, 2, 28)),  # Year 10, or Year 11 to 28 February
        (AccessPhase.THIRD, d(2029, 9, 1), d(2031, 2, 28)),  # Year 12, or Year 13 to 28 February
    ],
)
def test_each_phase_runs_from_1_september_to_28_february_of_the_next_year_group(
    phase: AccessPhase, opens: dt.date, deadline: dt.date
) -> None:
    window = phase_window(phase, year8_in=COHORT)
    assert (window.opens, window.deadline) == (opens, deadline)


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (d(2025, 8, 31), None),  # still Year 7
        (d(2025, 9, 1), AccessPhase.FIRST),  # first day of Year 8
        (d(2026, 8, 31), AccessPhase.FIRST),  # last day of Year 8
        (d(2026, 9, 1), AccessPhase.FIRST),  # Year 9 from 1 September
        (d(2027, 2, 28), AccessPhase.FIRST),  # the deadline itself counts
        (d(2027, 3, 1), None),  # Year 9 after 28 February: between phases
        (d(2027, 8, 31), None),
        (d(2027, 9, 1), AccessPhase.SECOND),  # Year 10
        (d(2029, 2, 28), AccessPhase.SECOND),
        (d(2029, 3, 1), None),  # Year 11 after 28 February
        (d(2029, 9, 1), AccessPhase.THIRD),  # Year 12
        (d(2031, 2, 28), AccessPhase.THIRD),
        (d(2031, 3, 1), None),  # Year 13 after 28 February
    ],
)
def test_the_phase_a_cohort_is_in(day: dt.date, phase: AccessPhase | None) -> None:
    assert phase_on(day, year8_in=COHORT) == phase


@pytest.mark.parametrize(
    ("cohort", "leap_day"),
    [(2026, d(2028, 2, 29)), (2030, d(2032, 2, 29))],  # Year 9 in a leap year
)
def test_29_february_is_after_the_deadline(cohort: int, leap_day: dt.date) -> None:
    # The guidance says "to 28 February" every year; 29 February is not inside the window.
    window = phase_window(AccessPhase.FIRST, year8_in=cohort)
    assert window.deadline == d(leap_day.year, 2, 28)
    assert not window.contains(leap_day)
    assert phase_on(leap_day, year8_in=cohort) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (d(2025, 8, 31), None),  # nothing has opened
        (d(2025, 9, 1), AccessPhase.FIRST),
        (d(2027, 3, 1), AccessPhase.FIRST),  # the first phase closed most recently
        (d(2027, 9, 1), AccessPhase.SECOND),
        (d(2032, 1, 1), AccessPhase.THIRD),  # left school: the last phase still matters
    ],
)
def test_the_relevant_window_is_the_open_or_last_closed_one(day: dt.date, expected: AccessPhase | None) -> None:
    window = relevant_window(day, year8_in=COHORT)
    assert (window.phase if window else None) == expected


def test_phases_1_and_2_are_mandatory_for_every_pupil_and_phase_3_is_not() -> None:
    assert [phase.mandatory for phase in AccessPhase] == [True, True, False]


@given(cohort=st.integers(2000, 2060), day=st.dates(d(1999, 1, 1), d(2075, 12, 31)))
def test_a_cohort_is_in_at_most_one_phase_and_phases_never_overlap(cohort: int, day: dt.date) -> None:
    inside = [phase for phase in AccessPhase if phase_window(phase, year8_in=cohort).contains(day)]
    assert len(inside) <= 1
    assert phase_on(day, year8_in=cohort) == (inside[0] if inside else None)


@given(cohort=st.integers(2000, 2060), phase=st.sampled_from(list(AccessPhase)))
def test_every_window_opens_on_1_september_and_closes_on_28_february_eighteen_months_later(
    cohort: int, phase: AccessPhase
) -> None:
    window = phase_window(phase, year8_in=cohort)
    assert (window.opens.month, window.opens.day) == (9, 1)
    assert (window.deadline.month, window.deadline.day) == (2, 28)
    assert window.deadline.year == window.opens.year + 2
    first, _ = phase.year_groups
    assert window.opens.year - cohort == first - 8  # opens in Year 8, 10 or 12


# --- Counting encounters ------------------------------------------------------------------------


def test_only_encounters_inside_the_window_and_not_in_the_future_count() -> None:
    window = phase_window(AccessPhase.FIRST, year8_in=COHORT)
    days = [d(2025, 8, 31), d(2025, 9, 1), d(2027, 2, 28), d(2027, 3, 1), d(2026, 12, 10)]
    assert encounters_in(window, days, today=d(2026, 12, 3)) == 1  # 1 Sep 2025 only
    assert encounters_in(window, days, today=d(2027, 3, 5)) == 3


@pytest.mark.parametrize(
    ("year_group_then", "planned_for", "attended", "held"),
    [
        (8, [8], False, True),  # planned for the year group, whoever came
        (8, [9, 10], False, False),  # for other year groups, and none of the cohort came
        (8, [], True, True),  # a named group from the cohort went
        (8, [9], True, True),
    ],
)
def test_an_encounter_is_held_for_a_cohort_when_planned_for_it_or_attended_by_it(
    year_group_then: int, planned_for: list[int], attended: bool, held: bool
) -> None:
    found = held_for_cohort(year_group_then=year_group_then, planned_for=planned_for, attended_by_a_pupil=attended)
    assert found == held


# --- What counts as an encounter --------------------------------------------------------------


def _problems(**changes: object) -> list[str]:
    values: dict[str, object] = {
        "is_provider_encounter": True,
        "marked": True,
        "provider_type": AccessProviderType.FE_COLLEGE.value,
        "in_school_day": True,
        "content": ALL_CONTENT,
    }
    values.update(changes)
    return access_problems(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("provider_type", [t.value for t in AccessProviderType])
def test_an_encounter_in_the_school_day_covering_all_four_points_counts(provider_type: str) -> None:
    assert _problems(provider_type=provider_type) == []
    assert counts_as_access_encounter(
        is_provider_encounter=True,
        marked=True,
        provider_type=provider_type,
        in_school_day=True,
        content=ALL_CONTENT,
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"marked": False}, "not marked"),
        ({"is_provider_encounter": False}, "next-stage provider"),
        ({"provider_type": ""}, "kind of provider"),
        ({"provider_type": "sixth_form"}, "kind of provider"),  # a school sixth form is not one
        ({"in_school_day": False}, "parents' evening"),
        ({"content": AccessContent(False, True, True, True)}, "qualifications or apprenticeships"),
        ({"content": AccessContent(True, False, True, True)}, "careers they lead to"),
        ({"content": AccessContent(True, True, False, True)}, "what learning there is like"),
        ({"content": AccessContent(True, True, True, False)}, "questions"),
    ],
)
def test_an_encounter_missing_one_condition_does_not_count(changes: dict[str, object], reason: str) -> None:
    problems = _problems(**changes)
    assert len(problems) == 1
    assert reason in problems[0]


@given(
    content=st.builds(AccessContent, st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    in_school_day=st.booleans(),
)
def test_it_counts_exactly_when_every_condition_holds(content: AccessContent, in_school_day: bool) -> None:
    counts = counts_as_access_encounter(
        is_provider_encounter=True,
        marked=True,
        provider_type="utc",
        in_school_day=in_school_day,
        content=content,
    )
    assert counts == (in_school_day and not content.missing())


# --- Status of a cohort -----------------------------------------------------------------------

FIRST = phase_window(AccessPhase.FIRST, year8_in=COHORT)  # 1 Sep 2025 to 28 Feb 2027
THIRD = phase_window(AccessPhase.THIRD, year8_in=COHORT)  # 1 Sep 2029 to 28 Feb 2031


@pytest.mark.parametrize(
    ("window", "day", "held", "short", "status"),
    [
        (FIRST, d(2025, 8, 31), 0, 0, AccessStatus.NOT_STARTED),
        (FIRST, d(2025, 9, 1), 0, 30, AccessStatus.ON_TRACK),  # all of Year 8 ahead
        (FIRST, d(2026, 8, 31), 1, 30, AccessStatus.ON_TRACK),  # last day of Year 8
        (FIRST, d(2026, 9, 1), 1, 30, AccessStatus.BEHIND),  # Year 9: six months left
        (FIRST, d(2027, 2, 28), 2, 1, AccessStatus.BEHIND),  # one pupil short on the deadline
        (FIRST, d(2027, 2, 28), 2, 0, AccessStatus.COMPLETE),
        (FIRST, d(2027, 3, 1), 2, 1, AccessStatus.DEADLINE_PASSED),
        (FIRST, d(2027, 3, 1), 1, 0, AccessStatus.DEADLINE_PASSED),  # every pupil went, but only one held
        (FIRST, d(2026, 1, 1), 2, 0, AccessStatus.COMPLETE),  # done early
        (THIRD, d(2030, 9, 1), 2, 40, AccessStatus.COMPLETE),  # pupils choose in the third phase
        (THIRD, d(2031, 3, 1), 1, 0, AccessStatus.DEADLINE_PASSED),
    ],
)
def test_cohort_status(window: object, day: dt.date, held: int, short: int, status: AccessStatus) -> None:
    assert cohort_status(window=window, day=day, held=held, pupils_short=short) == status  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("provider_type", "applies"),
    [
        ("secondary", True),
        ("special", True),
        ("alternative_provision", True),
        ("fe_college", False),
        ("sixth_form_college", False),
        ("independent_training_provider", False),  # s42B is a school's duty (DOMAIN.md §3c)
        ("primary", False),
    ],
)
def test_the_duty_is_a_schools(provider_type: str, applies: bool) -> None:
    assert duty_applies(provider_type) == applies
