"""Placements are a learner's personal data: they are in the learner's subject-access export
(programme cannot import partners, so partners adds the section) and anonymising the learner
erases their free text and consent details and deletes their documents (qic/learners/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qic.learners.signals import learner_anonymised
from qic.partners import placements


@receiver(learner_anonymised, dispatch_uid="qic_partners_erases_placements")
def erase_placements(sender: Any, learner_id: int, **kwargs: Any) -> int:
    return placements.erase_placements(learner_id=learner_id)


def register_subject_access() -> None:
    from qic.partners.models import Placement
    from qic.programme.subject_access import register_section

    register_section(
        Placement,
        "placements",
        placements.subject_access_rows,
        title="Work-experience placements",
        headers=placements.SUBJECT_ACCESS_HEADERS,
        cells=placements.subject_access_cells,
        widths=placements.SUBJECT_ACCESS_WIDTHS,
    )
