"""Which dated item is in force on a day and in an academic year (DOMAIN.md §2: an edition is data,
loaded beside the old one; a revised edition applies from 1 September 2025)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.in_force import Status, applying_to_year, in_force_for_year, in_force_on, status_on

d = dt.date


@dataclass(frozen=True)
class Item:
    code: str
    effective_from: dt.date


E2024 = Item("qic-2024", d(2024, 1, 1))
E2025 = Item("qic-2025", d(2025, 9, 1))
E2027 = Item("qic-2027", d(2027, 9, 1))
ALL = [E2027, E2024, E2025]  # deliberately not in date order


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (d(2023, 12, 31), None),  # the day before the first edition: nothing in force
        (d(2024, 1, 1), E2024),  # its first day
        (d(2024, 1, 2), E2024),
        (d(2025, 8, 31), E2024),  # the day before the revision
        (d(2025, 9, 1), E2025),  # the revision's first day
        (d(2025, 9, 2), E2025),
        (d(2026, 12, 3), E2025),  # today: a future edition already loaded changes nothing
        (d(2027, 8, 31), E2025),
        (d(2027, 9, 1), E2027),
        (d(2040, 1, 1), E2027),
    ],
)
def test_in_force_on(day: dt.date, expected: Item | None) -> None:
    assert in_force_on(ALL, day) == expected


def test_nothing_loaded_means_nothing_in_force() -> None:
    assert in_force_on([], d(2026, 12, 3)) is None
    assert in_force_for_year([], 2026) is None
    assert applying_to_year([], 2026) is None


def test_same_day_tie_goes_to_the_alphabetically_first_code_whatever_the_order() -> None:
    a = Item("qic-2025-a", d(2025, 9, 1))
    b = Item("qic-2025-b", d(2025, 9, 1))
    assert in_force_on([a, b], d(2025, 9, 1)) == a
    assert in_force_on([b, a], d(2025, 9, 1)) == a
    assert status_on(b, [a, b], d(2025, 9, 1)) == Status.PAST


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2023, None),  # 1 September 2023: before the January 2024 edition
        (2024, E2024),  # 2024/25
        (2025, E2025),  # 2025/26: the revision takes effect on its first day
        (2026, E2025),  # 2026/27, the current year
        (2027, E2027),
    ],
)
def test_in_force_for_year_is_what_was_in_force_on_1_september(year: int, expected: Item | None) -> None:
    assert in_force_for_year(ALL, year) == expected


def test_an_edition_taking_effect_mid_year_waits_for_the_next_year() -> None:
    mid = Item("mid", d(2026, 1, 1))
    assert in_force_for_year([E2024, mid], 2025) == E2024  # 2025/26 began under 2024
    assert in_force_for_year([E2024, mid], 2026) == mid
    # ... and on 31 August / 1 September around a September edition
    assert in_force_for_year([E2024, Item("sep", d(2026, 8, 31))], 2026).code == "sep"  # type: ignore[union-attr]
    assert in_force_for_year([E2024, Item("sep", d(2026, 9, 2))], 2026) == E2024


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2019, E2024),  # before every edition held: the oldest stands in
        (2023, E2024),
        (2024, E2024),
        (2025, E2025),
        (2027, E2027),
    ],
)
def test_applying_to_year_falls_back_to_the_oldest_only_before_it(year: int, expected: Item) -> None:
    assert applying_to_year(ALL, year) == expected


def test_loading_an_older_edition_takes_the_earlier_years_over() -> None:
    e2018 = Item("qic-2018", d(2018, 9, 1))
    assert applying_to_year([*ALL, e2018], 2023) == e2018
    assert applying_to_year([*ALL, e2018], 2024) == E2024


@pytest.mark.parametrize(
    ("item", "day", "status"),
    [
        (E2027, d(2027, 8, 31), Status.FUTURE),  # the day before
        (E2027, d(2027, 9, 1), Status.IN_FORCE),  # on
        (E2027, d(2027, 9, 2), Status.IN_FORCE),  # after
        (E2025, d(2025, 8, 31), Status.FUTURE),
        (E2025, d(2026, 12, 3), Status.IN_FORCE),
        (E2025, d(2027, 9, 1), Status.PAST),  # superseded the day the next one takes effect
        (E2024, d(2025, 8, 31), Status.IN_FORCE),
        (E2024, d(2025, 9, 1), Status.PAST),
        (E2024, d(2023, 12, 31), Status.FUTURE),
    ],
)
def test_status_on(item: Item, day: dt.date, status: Status) -> None:
    assert status_on(item, ALL, day) == status


items = st.lists(
    st.builds(
        Item,
        code=st.text(alphabet="abcdefgh-0123", min_size=1, max_size=6),
        effective_from=st.dates(min_value=d(2000, 1, 1), max_value=d(2040, 12, 31)),
    ),
    max_size=6,
    unique_by=lambda i: i.code,
)
days = st.dates(min_value=d(1999, 1, 1), max_value=d(2042, 12, 31))


@given(items, days)
def test_exactly_one_item_is_in_force_once_any_has_taken_effect(loaded: list[Item], day: dt.date) -> None:
    statuses = [status_on(i, loaded, day) for i in loaded]
    started = [i for i in loaded if i.effective_from <= day]
    assert statuses.count(Status.IN_FORCE) == (1 if started else 0)
    assert statuses.count(Status.FUTURE) == len(loaded) - len(started)
    current = in_force_on(loaded, day)
    assert current is None or all(i.effective_from <= current.effective_from for i in started)


@given(items, days)
def test_the_answer_does_not_depend_on_loading_order(loaded: list[Item], day: dt.date) -> None:
    assert in_force_on(loaded, day) == in_force_on(list(reversed(loaded)), day)


@given(items, days, st.integers(min_value=1, max_value=4000))
def test_loading_a_later_item_changes_nothing_before_its_date(loaded: list[Item], day: dt.date, ahead: int) -> None:
    later = Item("zz-later", day + dt.timedelta(days=ahead))
    assert in_force_on([*loaded, later], day) == in_force_on(loaded, day)
    assert in_force_on([*loaded, later], later.effective_from) == later or any(
        i.effective_from == later.effective_from and i.code < later.code for i in loaded
    )
