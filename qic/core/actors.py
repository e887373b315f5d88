"""Who makes a change: a person, or the service itself.

Every action takes a keyword-only `actor=`. A person is the signed-in user (the user model,
`organisations.User`); the service's own work is a `SystemActor`: a scheduled job, a task whose
user has gone, a management command, the demo loader, the bench, or a visitor who is not signed
in (a failed log-in). The audit trail stores a person as the event's actor and its label, a
system actor only as the label, so the trail still says which job or command it was.

Core sits below organisations, where the user model lives, so core's own functions (the audit
trail) take Django's `AbstractUser`, the user model's base class; the apps above name `User`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """The service acting on its own; `label` is what the audit trail shows as the actor
    (at most 300 characters are kept)."""

    label: str

    def __str__(self) -> str:
        return self.label


# A change the service made with nothing more specific to say (a GIAS import whose person and
# label are both gone).
SYSTEM = SystemActor("system")
# A visitor who is not signed in: a failed log-in, a lockout.
ANONYMOUS = SystemActor("anonymous")
# A worker that finds a task stopped half-way (or nothing left to run it) and ends its job.
TASK_RECOVERY = SystemActor("task recovery")
# The demo dataset's loader (`manage.py load_demo`) and the steps it takes as the service.
DEMO_DATASET = SystemActor("demo dataset")
