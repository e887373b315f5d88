"""The programme's answers to what the learners app tells it (qic/learners/signals.py).

Each receiver only hands over to a programme function; the rules live there.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qic.learners.signals import curriculum_areas_changed
from qic.programme import tallies


@receiver(curriculum_areas_changed, dispatch_uid="qic_tallies_follow_curriculum_area")
def refresh_tallies(sender: Any, learner_ids: list[int], **kwargs: Any) -> None:
    # A tally's in-area count compares each encounter's area with the learner's own.
    tallies.refresh(learner_ids)
