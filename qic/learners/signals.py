"""What the learners app tells the apps above it, which it may not import (the layer contract in
pyproject.toml; docs/decisions.md).

Each signal is sent by the action that made the change, inside its transaction, so a receiver's
writes commit or roll back with it, and an error in a receiver fails the change. A receiver only
hands over to its own app's function (qic/programme/receivers.py).
"""

from __future__ import annotations

from django.dispatch import Signal

# The curriculum area of these learners changed; sent with `learner_ids` (a list of ids). The
# programme's tallies count a learner's encounters in their own area (college Benchmark 5), so
# it recomputes theirs.
curriculum_areas_changed = Signal()

# A learner's identity is being removed (`qic.programme.data_protection.anonymise_learner`); sent
# with `learner_id`. Apps above that hold what the learner wrote about themselves (the portal's
# entries) erase it, and answer with how many rows they changed, for the anonymisation's audit event.
learner_anonymised = Signal()
