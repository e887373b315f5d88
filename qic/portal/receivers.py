"""The portal's answers to what the learners app tells it (qic/learners/signals.py).

Each receiver only hands over to a portal function; the rules live there.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from qic.learners.signals import learner_anonymised
from qic.portal import actions


@receiver(learner_anonymised, dispatch_uid="qic_portal_erases_own_writing")
def erase_own_writing(sender: Any, learner_id: int, **kwargs: Any) -> int:
    return actions.erase_entries(learner_id=learner_id)
