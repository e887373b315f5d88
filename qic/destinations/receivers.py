"""Destinations are a learner's personal data: they are in the learner's subject-access export
(programme cannot import this app, so it adds the section) and anonymising the learner removes
where they went (the `detail`), keeping the category, date and whether it was sustained, which the
cohorts' figures read (qic/learners/signals.py; docs/decisions.md)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qic.domain.destinations import CATEGORY_LABELS, KIND_LABELS, Category, Kind
from qic.learners.models import Learner
from qic.learners.signals import learner_anonymised

SUBJECT_ACCESS_HEADERS = ("Destination", "Date recorded", "Sustained", "Where")
SUBJECT_ACCESS_WIDTHS = (0.35, 0.15, 0.15, 0.35)


@receiver(learner_anonymised, dispatch_uid="qic_destinations_erase_detail")
def erase_destination_detail(sender: Any, learner_id: int, **kwargs: Any) -> int:
    """Blank where the learner went; returns how many destinations held it."""
    from qic.destinations.models import Destination

    return Destination.objects.filter(learner_id=learner_id).exclude(detail="").update(detail="")


def subject_access_rows(learner: Learner) -> list[dict[str, Any]]:
    """The learner's destinations, JSON-ready, oldest first."""
    from qic.destinations.models import Destination

    return [
        {
            "kind": KIND_LABELS[Kind(d.kind)],
            "category": CATEGORY_LABELS[Category(d.category)],
            "recorded_on": d.recorded_on.isoformat(),
            "sustained": d.sustained,
            "where": d.detail,
            "source": d.get_source_display(),
        }
        for d in Destination.objects.filter(learner=learner).order_by("recorded_on", "pk")
    ]


def subject_access_cells(row: dict[str, Any]) -> list[str]:
    from qic.programme.subject_access import readable

    sustained = {True: "Yes", False: "No", None: "Not known yet"}[row["sustained"]]
    return [f"{row['kind']}: {row['category']}", readable(row["recorded_on"]), sustained, row["where"]]


def register() -> None:
    from qic.destinations.models import Destination
    from qic.programme.subject_access import register_section

    register_section(
        Destination,
        "destinations",
        subject_access_rows,
        title="Destinations after leaving",
        headers=SUBJECT_ACCESS_HEADERS,
        cells=subject_access_cells,
        widths=SUBJECT_ACCESS_WIDTHS,
    )
