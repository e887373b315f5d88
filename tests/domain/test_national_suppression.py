"""Suppression of national figures that differencing cannot undo (`protected_cells`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qic.domain import national as rules
from qic.domain.national import ALL, MIN_PROVIDERS, margins, protected_cells

# Cubes of two to four dimensions, each with up to three values, and some atoms empty.
cubes = st.integers(min_value=2, max_value=4).flatmap(
    lambda dims: st.dictionaries(
        st.tuples(*[st.sampled_from("abc") for _ in range(dims)]),
        st.sampled_from([1, 2, 3, 5, 6, 7, 10, 20]),
        min_size=1,
        max_size=20,
    )
)


def inside(outer: tuple[object, ...], inner: tuple[object, ...]) -> bool:
    return outer != inner and all(o is ALL or o == i for o, i in zip(outer, inner, strict=True))


@settings(max_examples=150, deadline=None)
@given(cubes)
def test_every_cell_of_fewer_than_six_providers_is_suppressed(atoms: dict[tuple[str, ...], int]) -> None:
    hidden = protected_cells(atoms)
    assert {c for c, n in margins(atoms).items() if n < MIN_PROVIDERS} <= hidden


@settings(max_examples=150, deadline=None)
@given(cubes)
def test_no_two_views_shown_differ_by_a_small_group(atoms: dict[tuple[str, ...], int]) -> None:
    """A view and a narrower one (more filters, or a row of its table) both shown: what one has
    and the other has not is no provider or at least six."""
    cells = margins(atoms)
    shown = [c for c in cells if c not in protected_cells(atoms)]
    for outer in shown:
        for inner in shown:
            if inside(outer, inner):
                assert not 0 < cells[outer] - cells[inner] < MIN_PROVIDERS, (outer, inner)


@settings(max_examples=150, deadline=None)
@given(cubes)
def test_a_table_total_less_the_rows_shown_is_never_one_small_group(atoms: dict[tuple[str, ...], int]) -> None:
    cells = margins(atoms)
    hidden = protected_cells(atoms)
    for total in cells:
        for i, value in enumerate(total):
            if value is not ALL:
                continue
            parts = [c for c in cells if c[:i] == total[:i] and c[i + 1 :] == total[i + 1 :] and c[i] is not ALL]
            shut = [c for c in parts if c in hidden]
            if total in hidden:
                assert shut or not parts
            elif shut:
                assert len(shut) >= 2
                assert sum(cells[c] for c in shut) >= MIN_PROVIDERS


def test_the_differencing_attack_on_a_region_and_its_academies() -> None:
    """North West: nine academies and one special school. "North West" and "North West,
    academies" would give the special school's figure by subtraction, so the academies' figure
    is suppressed as well as the special school's; the North West as a whole is shown."""
    atoms = {("North West", "academy"): 9, ("North West", "special"): 1, ("London", "academy"): 12}
    hidden = protected_cells(atoms)
    assert ("North West", "special") in hidden
    assert ("North West", "academy") in hidden
    assert ("North West", ALL) not in hidden
    # The same in England as a whole: 22 providers less 21 academies is the special school.
    assert {(ALL, "special"), (ALL, "academy")} <= hidden
    # London's figures and England's are shown: they differ by the North West's ten.
    assert {("London", ALL), ("London", "academy"), (ALL, ALL)}.isdisjoint(hidden)


def test_nothing_is_suppressed_when_every_group_is_big_enough() -> None:
    atoms = {("a", "x"): 6, ("a", "y"): 7, ("b", "x"): 8, ("b", "y"): 20}
    assert protected_cells(atoms) == frozenset()


def test_a_withheld_figure_says_suppressed() -> None:
    withheld = rules.figure(4.2, 9, withheld=True)
    assert (withheld.value, withheld.suppressed) == (None, True)
    assert rules.share(3, 9, withheld=True).suppressed
    assert not rules.figure(4.2, 9).suppressed
    # Nothing to show is not "suppressed".
    assert not rules.figure(None, 0, withheld=True).suppressed
