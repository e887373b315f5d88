"""Parents and carers taking part (criterion 2.2), in figures only, and what a parent's page shows.

Pure rules; `qic.partners.parent_queries` counts the rows. Each figure is a number of learners on
roll, never of parents or links: a learner with two carers who both opened the link counts once,
so every figure is a share of the same roll and the shares can be compared.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Relationship(str, enum.Enum):  # noqa: UP042 - stored value
    PARENT = "parent"
    CARER = "carer"
    GUARDIAN = "guardian"
    OTHER = "other"


RELATIONSHIP_LABELS = {
    Relationship.PARENT: "Parent",
    Relationship.CARER: "Carer",
    Relationship.GUARDIAN: "Guardian",
    Relationship.OTHER: "Other",
}

# A parent's link that counts as sent: mailed and not bounced, or copied by the school to give
# by hand (the school chose to hand it over). Waiting, failed and bounced links reached nobody.
SENT_DELIVERIES = frozenset({"sent", "not_sent"})


def counts_as_sent(delivery: str) -> bool:
    return delivery in SENT_DELIVERIES


def percent(part: int, whole: int) -> int | None:
    """A whole-number share, rounded half up; None when there is nobody to share among."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


# The figures, in the order they are shown, with their wording ("... of 120 learners on roll").
FIGURES: tuple[tuple[str, str], ...] = (
    ("with_contact", "have a parent or carer contact recorded"),
    ("link_sent", "have had the careers link sent to a parent or carer"),
    ("opened", "have a parent or carer who opened the careers link"),
    ("consented", "have a parent or carer who agreed to a work-experience placement"),
    ("attended", "have a parent or carer who came to a parents' careers event"),
)


@dataclass
class EngagementCounts:
    """Learners on roll and how many of them have each kind of parental engagement (`consented`:
    a parent's or carer's yes to a placement, through their link or on paper)."""

    on_roll: int = 0
    with_contact: int = 0
    link_sent: int = 0
    opened: int = 0
    consented: int = 0
    attended: int = 0

    def add(self, other: EngagementCounts) -> None:
        self.on_roll += other.on_roll
        self.with_contact += other.with_contact
        self.link_sent += other.link_sent
        self.opened += other.opened
        self.consented += other.consented
        self.attended += other.attended

    def rows(self) -> list[tuple[str, str, int, int | None]]:
        """(key, wording, count, percent of the roll) for each figure, in the order shown."""
        return [
            (key, wording, getattr(self, key), percent(getattr(self, key), self.on_roll)) for key, wording in FIGURES
        ]


@dataclass
class Engagement:
    """The whole roll's figures and each year group's ("" for learners with no year group)."""

    year: int
    total: EngagementCounts = field(default_factory=EngagementCounts)
    by_year_group: dict[int | None, EngagementCounts] = field(default_factory=dict)

    def words(self, year_label: str) -> str:
        """The figures as one sentence for the accreditation portfolio (counts and shares only)."""
        n = self.total.on_roll
        parts = [f"{value} ({share}%) {wording}" for _, wording, value, share in self.total.rows()]
        learners = "learner" if n == 1 else "learners"
        if not n:
            return f"Parents and carers in {year_label}: no learners on roll."
        return f"Parents and carers in {year_label}, of {n} {learners} on roll: " + "; ".join(parts)


def engagement_from_rows(year: int, rows: Iterable[tuple[int | None, EngagementCounts]]) -> Engagement:
    """Gather each year group's counts into the whole roll's (rows may repeat a year group)."""
    result = Engagement(year=year)
    for year_group, counts in rows:
        result.by_year_group.setdefault(year_group, EngagementCounts()).add(counts)
        result.total.add(counts)
    result.by_year_group = dict(sorted(result.by_year_group.items(), key=lambda item: (item[0] is None, item[0] or 0)))
    return result


# --- What the parent's page shows -----------------------------------------------------------------


def aimed_at(year_groups: Iterable[int], learner_year_group: int | None) -> bool:
    """Whether an activity planned for `year_groups` is for a learner in `learner_year_group`
    (an activity for named learners only, with no year groups, is for nobody by year)."""
    return learner_year_group is not None and learner_year_group in set(year_groups)


def upcoming_for_learner(
    *,
    today: dt.date,
    activity_date: dt.date,
    on_register: bool,
    planned_year_groups: Iterable[int],
    learner_year_group: int | None,
    same_academic_year: bool,
) -> bool:
    """An activity shown to a learner's parent as coming up: dated today or later, and either the
    learner is on its register, or it is planned for the learner's year group this academic year."""
    if activity_date < today:
        return False
    if on_register:
        return True
    return same_academic_year and aimed_at(planned_year_groups, learner_year_group)
