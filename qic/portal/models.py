"""What learners write about themselves: their experiences and achievements (criterion 3.3)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from qic.domain.learner_entries import (
    DESCRIPTION_MAX,
    ENTRY_KIND_LABELS,
    HIDE_REASON_MAX,
    LEARNING_AREA_LABELS,
    TITLE_MAX,
    EntryKind,
    LearningArea,
    when_text,
)
from qic.learners.models import Learner

KINDS = frozenset(k.value for k in EntryKind)
AREAS = frozenset(a.value for a in LearningArea)


class LiveEntryManager(models.Manager["LearnerEntry"]):
    """Entries the learner has not removed: what every page, passport and figure reads.

    The default manager, so `learner.experience_entries` reads them too."""

    def get_queryset(self) -> models.QuerySet[LearnerEntry]:
        return super().get_queryset().filter(removed_at=None)


class LearnerEntry(models.Model):
    """One experience or achievement a learner recorded: part-time work, volunteering, a club,
    an award, a skill. Plain text, escaped wherever shown. Staff may verify it; a careers leader
    may hide it (safeguarding), which takes it out of the learner's passport but not their list.
    A learner's removal is soft (`removed_at`), so the audit trail keeps what was there."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="experience_entries")
    kind = models.CharField(max_length=20, choices=[(k.value, ENTRY_KIND_LABELS[k]) for k in EntryKind])
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    learning_areas = models.JSONField(default=list, blank=True)  # LearningArea values (CDI framework)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=HIDE_REASON_MAX, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = LiveEntryManager()
    all_objects: models.Manager[Any] = models.Manager()  # removed entries too

    class Meta:
        ordering = ["-started_on", "-created_at"]
        indexes = [models.Index(fields=["learner", "removed_at"])]
        verbose_name_plural = "learner entries"

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return ENTRY_KIND_LABELS[EntryKind(self.kind)] if self.kind in KINDS else self.kind

    @property
    def area_labels(self) -> list[str]:
        return [LEARNING_AREA_LABELS[LearningArea(a)] for a in self.learning_areas if a in AREAS]

    @property
    def when(self) -> str:
        return when_text(self.started_on, self.ended_on)

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def verified(self) -> bool:
        return self.verified_at is not None
