"""National figures: the rules that keep them honest.

Every national figure is an aggregate over providers, never over learners; a figure drawn from
fewer than `MIN_PROVIDERS` providers is suppressed, because with so few a reader could work out
one school's figures.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

MIN_PROVIDERS = 6


@dataclass(frozen=True)
class Figure:
    """A value drawn from `providers` providers; `value` is None when suppressed or empty.
    `withheld` marks a figure from enough providers that is suppressed all the same, so that a
    suppressed figure cannot be worked out from the others (see `protected_cells`)."""

    value: float | None
    providers: int
    withheld: bool = False

    @property
    def suppressed(self) -> bool:
        return self.withheld or 0 < self.providers < MIN_PROVIDERS


def figure(value: float | None, providers: int, *, withheld: bool = False) -> Figure:
    """The figure as it may be published: suppressed below MIN_PROVIDERS providers, or when
    `withheld` (a secondary suppression)."""
    if withheld and providers:
        return Figure(None, providers, withheld=True)
    if providers < MIN_PROVIDERS or value is None:
        return Figure(None, providers)
    return Figure(value, providers)


def share(part: int, whole: int, *, withheld: bool = False) -> Figure:
    """`part` of `whole` providers as a percentage, suppressed below MIN_PROVIDERS."""
    return figure(100.0 * part / whole if whole else None, whole, withheld=withheld)


# --- Suppression that differencing cannot undo -------------------------------------------------------


class _All:
    """Stands for every value of one dimension in a cell's key (a margin)."""

    def __repr__(self) -> str:
        return "ALL"


ALL: Hashable = _All()

Cell = tuple[Hashable, ...]


def margins(atoms: Mapping[Cell, int]) -> dict[Cell, int]:
    """Every cell of the table the atoms make: each atom and each of its margins (a key with
    ALL in some places), with the number of providers in it."""
    cells: dict[Cell, int] = defaultdict(int)
    for key, n in atoms.items():
        for mask in range(2 ** len(key)):
            cells[tuple(ALL if mask >> i & 1 else v for i, v in enumerate(key))] += n
    return dict(cells)


def protected_cells(atoms: Mapping[Cell, int], *, minimum: int = MIN_PROVIDERS) -> frozenset[Cell]:
    """The cells whose figures must not be published, given the providers in each atom (the
    finest cell: one value of every dimension; every filter and every table row is a cell).

    Primary: a cell of 1 to `minimum - 1` providers. Secondary (the hypercube method statistical
    offices use): each cell with ALL in some place is the sum of the cells with each value there
    (a "line"), so a reader who sees the total and all but one part has the missing part. In
    every line the suppressed cells must therefore be none, or at least two, and when the total
    is shown the suppressed parts together must hold at least `minimum` providers (what can be
    worked out is then a group of `minimum` or more, which the primary rule allows). Parts are
    added smallest first until that holds; if none is left, the total is suppressed too. And any
    two cells shown, one inside the other, differ by no providers or by at least `minimum`, so
    no two views (filtered or not) can be subtracted to give a small group's figure.
    """
    # The same atoms in any order (the database's) give the same answer; a year's figures change
    # once a night, so the answer is kept for the next page that asks (a few hundred ms for a
    # year of 5,000 providers).
    return _protected_cells(tuple(sorted(atoms.items(), key=lambda item: repr(item[0]))), minimum)


@lru_cache(maxsize=64)
def _protected_cells(atoms: tuple[tuple[Cell, int], ...], minimum: int) -> frozenset[Cell]:
    cells = margins(dict(atoms))
    lines: dict[tuple[Cell, int], list[Cell]] = defaultdict(list)
    for cell in cells:
        for i, value in enumerate(cell):
            if value is not ALL:
                lines[((*cell[:i], ALL, *cell[i + 1 :]), i)].append(cell)
    for parts in lines.values():
        parts.sort(key=lambda c: (cells[c], repr(c)))
    hidden = {cell for cell, n in cells.items() if 0 < n < minimum}
    # A cell and each cell inside it (the same values, more of them fixed): two views a reader
    # can open one after the other, e.g. "North West" and "North West, academies, body X".
    inside: list[tuple[Cell, Cell]] = []
    for cell in cells:
        fixed = [i for i, v in enumerate(cell) if v is not ALL]
        for mask in range(1, 2 ** len(fixed)):
            widened = list(cell)
            for bit, i in enumerate(fixed):
                if mask >> bit & 1:
                    widened[i] = ALL
            inside.append((tuple(widened), cell))
    changed = True
    while changed:
        changed = False
        for (total, _), parts in lines.items():
            while True:
                shut = [c for c in parts if c in hidden]
                if total in hidden:
                    # The total is suppressed: one hidden part is fine (two unknowns, one sum),
                    # none is not (the total would be the sum of the parts shown).
                    if shut or not parts:
                        break
                elif not shut or (len(shut) >= 2 and sum(cells[c] for c in shut) >= minimum):
                    break
                visible = [c for c in parts if c not in hidden]
                hidden.add(visible[0] if visible else total)
                changed = True
        # Two views shown, one inside the other, differ by a group of providers: it must be
        # empty or big enough, else the inner view is suppressed.
        for outer, inner in inside:
            if outer not in hidden and inner not in hidden and 0 < cells[outer] - cells[inner] < minimum:
                hidden.add(inner)
                changed = True
    return frozenset(hidden)


# --- Primary awards: National Endorsement -----------------------------------------------------------


class EndorsementStatus(str, enum.Enum):  # noqa: UP042 - stored value
    DRAFT = "draft"
    SEEKING = "seeking"  # applied, with the Consortium
    RETURNED = "returned"  # returned with reasons; the body may apply again
    ENDORSED = "endorsed"

    @property
    def label(self) -> str:
        return {
            "draft": "Preparing to seek endorsement",
            "seeking": "Seeking endorsement",
            "returned": "Returned for changes",
            "endorsed": "Nationally endorsed",
        }[self.value]

    @property
    def public_label(self) -> str:
        """What the public list says: seeking, or secured."""
        return "Secured National Endorsement" if self is EndorsementStatus.ENDORSED else "Seeking National Endorsement"


ENDORSEMENT_MOVES = {
    # (from, move) -> to
    (EndorsementStatus.DRAFT, "apply"): EndorsementStatus.SEEKING,
    (EndorsementStatus.RETURNED, "apply"): EndorsementStatus.SEEKING,
    (EndorsementStatus.SEEKING, "endorse"): EndorsementStatus.ENDORSED,
    (EndorsementStatus.SEEKING, "return"): EndorsementStatus.RETURNED,
}


class EndorsementRefused(ValueError):
    pass


def endorsement_move(status: EndorsementStatus, name: str) -> EndorsementStatus:
    try:
        return ENDORSEMENT_MOVES[(status, name)]
    except KeyError:
        raise EndorsementRefused(f"You cannot {name} an award that is “{status.label.lower()}”.") from None


def unanswered(criteria: Iterable[str], answered: Iterable[str]) -> list[str]:
    """The endorsement criteria (codes) still without an answer, in order."""
    done = set(answered)
    return [code for code in criteria if code not in done]


# --- Primary workbooks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageProgress:
    stage: str
    tasks: int
    mapped: int


def workbook_progress(tasks: Sequence[tuple[str, str]], mapped: Iterable[str]) -> list[StageProgress]:
    """Progress per stage (Early Years, KS1, KS2): `tasks` as (code, stage), `mapped` the task codes
    the school has mapped an existing activity to. Stages keep the order they first appear in."""
    done = set(mapped)
    order: list[str] = []
    counts: dict[str, list[int]] = {}
    for code, stage in tasks:
        if stage not in counts:
            order.append(stage)
            counts[stage] = [0, 0]
        counts[stage][0] += 1
        counts[stage][1] += 1 if code in done else 0
    return [StageProgress(stage, *counts[stage]) for stage in order]
