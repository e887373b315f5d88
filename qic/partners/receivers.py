"""The partners app's answers to what the learners app tells it (qic/learners/signals.py).

Each receiver only hands over to a partners function; the rules live there.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qic.learners.signals import learner_anonymised
from qic.partners import parent_actions


@receiver(learner_anonymised, dispatch_uid="qic_partners_erases_parents")
def erase_parents(sender: Any, learner_id: int, **kwargs: Any) -> int:
    # Answers 0: the anonymisation's count is of what the learner wrote; this has its own event.
    parent_actions.erase_for_learner(learner_id=learner_id)
    return 0
