"""The coordinator's dashboard of placements: every placement with what it still needs, in a fixed
number of queries however many there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Value

from qic.domain import placements as rules
from qic.domain.academic import academic_year_of
from qic.domain.placements import Status
from qic.organisations.models import Provider
from qic.partners import placements as actions
from qic.partners.models import Placement, PlacementDocument


@dataclass(frozen=True)
class Row:
    placement: Placement
    year_group: int | None
    missing: list[str]
    insurance_warning: bool
    insurance_expired: bool
    consent_outstanding: bool
    feedback_due: bool

    @property
    def consent_text(self) -> str:
        given = self.placement.consent_given
        return "Given" if given else "Refused" if given is False else "Awaited" if self.consent_outstanding else ""


@dataclass(frozen=True)
class Board:
    rows: list[Row]
    counts: list[tuple[Status, int]]  # every status, over all the provider's placements
    total: int
    insurance_warnings: int
    consent_outstanding: int
    feedback_due: int


def dashboard(provider: Provider, *, today: dt.date, status: str | None = None, year_group: int | None = None) -> Board:
    """The provider's placements (filtered by status and the learner's year group now) with what
    each needs; the counts per status are of all of them. Three queries."""
    year = academic_year_of(today)
    everything = (
        Placement.objects.filter(provider=provider)
        .select_related("learner", "employer")
        # The learner's year group rolled forward to this year, as `Learner.year_group_in` does.
        .annotate(year_group_now=F("learner__year_group") + (Value(year) - F("learner__year_group_recorded_in")))
        .order_by("start_date", "pk")
    )
    placements = list(everything)
    counts: dict[str, int] = defaultdict(int)
    for placement in placements:
        counts[placement.status] += 1
    kinds: dict[int, set[str]] = defaultdict(set)
    for placement_id, kind in PlacementDocument.objects.filter(placement__provider=provider).values_list(
        "placement_id", "kind"
    ):
        kinds[placement_id].add(kind)
    rows = []
    for placement in placements:
        if status and placement.status != status:
            continue
        year_group_now = getattr(placement, "year_group_now", None)
        if year_group is not None and year_group_now != year_group:
            continue
        current = placement.status_enum
        going_ahead = bool(rules.NEXT[current])
        missing = actions.missing_of(placement, kinds[placement.pk]) if going_ahead else []
        expires = placement.insurance_expires
        rows.append(
            Row(
                placement=placement,
                year_group=year_group_now,
                missing=missing,
                insurance_warning=going_ahead and rules.insurance_expiring(expires, today),
                insurance_expired=going_ahead and expires is not None and expires < today,
                consent_outstanding=rules.consent_outstanding(current, placement.consent_given),
                feedback_due=rules.feedback_due(
                    current, placement.end_date, has_feedback=placement.has_feedback, today=today
                ),
            )
        )
    return Board(
        rows=rows,
        counts=[(s, counts.get(s.value, 0)) for s in Status],
        total=len(placements),
        insurance_warnings=sum(1 for row in rows if row.insurance_warning),
        consent_outstanding=sum(1 for row in rows if row.consent_outstanding),
        feedback_due=sum(1 for row in rows if row.feedback_due),
    )
