"""The append-only audit trail.

Every change made through the app writes one AuditEvent through `qic.core.audit.record`.
Events are never updated or deleted: the model and its queryset refuse it, no view or admin
offers it, and database triggers (migration 0003) refuse UPDATE, DELETE and TRUNCATE, except
the one redaction `qic.core.audit.redact_learner_events` makes for a learner's erasure. Each
event is chained to the one before by a SHA-256 (`qic.core.chain`); `manage.py verify_audit`
walks the chain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only")

    def _raw_delete(self, using: Any) -> int:
        raise PermissionError("Audit events are append-only")


class AuditEvent(models.Model):
    # The actor is kept as a label too, so that an event still says who acted if the
    # user is later deactivated or renamed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=300)
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Tenancy keys, so an organisation can be shown its own trail without joins through
    # every object type.
    awarding_body_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    provider_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Learner-level events (a learner's record, registers, interviews, imports, reads of named
    # learners) are seen only by the provider's careers leader; `record()` sets these.
    learner_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    learner_data = models.BooleanField(default=False, db_index=True)
    # The hash chain (qic/core/chain.py): the payload enters the hash only through its digest,
    # so a redaction for erasure keeps the chain intact.
    payload_digest = models.CharField(max_length=64, default="")
    prev_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")
    redacted_at = models.DateTimeField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The newest event of a provider's chain, found at every write.
            models.Index(fields=["provider_id_ref", "id"], name="core_audit_chain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only")


class WorkerHeartbeat(models.Model):
    """When each task worker (and the scheduler) was last seen alive.

    A worker writes its row when it starts, when it picks up a task and while a long task
    reports progress; the scheduler writes its own row every minute. `qic.core.jobs` uses the
    rows to tell a lost task (its worker has not been seen for QIC_WORKER_LOST_SECONDS) from a
    long one, and /readyz to say whether any worker is running.
    """

    class Kind(models.TextChoices):
        WORKER = "worker", "Task worker"
        SCHEDULER = "scheduler", "Scheduler"

    worker_id = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WORKER)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.worker_id} on {self.hostname} (pid {self.pid})"


class ScheduledRun(models.Model):
    """One firing of a scheduled job: the job's name and the time it was due (its slot).

    The scheduler inserts this row and queues the job's task in one transaction. The pair is
    unique, so a second scheduler started by mistake is refused the row and queues nothing:
    each job runs once per slot however many schedulers fire it.
    """

    job = models.CharField(max_length=64)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"


class SubmittedForm(models.Model):
    """A create form's one-time token, and where the record it made is: a second post of the same
    form (Back and Save again, a double click) is sent there instead of making a duplicate.

    Kept `qic.core.once.KEEP_DAYS` days (the housekeeping purge removes older ones)."""

    token = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submitted_form_once")]

    def __str__(self) -> str:
        return f"{self.token[:8]}… -> {self.url}"
