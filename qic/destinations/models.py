"""Learners' destinations after they leave, and the DfE destination measures they are compared with.

A `Destination` is one learner's, dated: an intended destination before leaving or an actual one
after, in a category that maps onto the DfE's measures (qic.domain.destinations). `DfeRelease` is
one DfE explore-education-statistics file loaded by the Consortium and `DfeFigure` one row of it
that the comparison reads (national and local-authority level only; public statistics, no
learner).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from qic.domain.academic import KeyStage
from qic.domain.destinations import CATEGORY_LABELS, KIND_LABELS, STAGES
from qic.learners.models import Learner
from qic.organisations.models import Provider

STAGE_CHOICES = [(stage.value, stage.label) for stage in STAGES]


class Destination(models.Model):
    class Source(models.TextChoices):
        ENTRY = "entry", "Entered by staff"
        IMPORT = "import", "Imported from a file"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="destinations")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="destinations")
    kind = models.CharField(max_length=10, choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    category = models.CharField(max_length=10, choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()])
    recorded_on = models.DateField("date recorded")
    # None: not known yet (the DfE counts six months' participation, October to March).
    sustained = models.BooleanField(null=True, blank=True)
    # Where: the college, university, employer or course. Personal data: removed on anonymisation.
    detail = models.CharField("where", max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTRY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["learner_id", "recorded_on", "pk"]
        indexes = [models.Index(fields=["provider", "learner"]), models.Index(fields=["learner", "recorded_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="intended", category="unknown"), name="an_intended_destination_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} destination of learner {self.learner_id}: {self.get_category_display()}"


class DfeRelease(models.Model):
    """One DfE destination measures file as loaded: what it held and what was skipped."""

    stage = models.CharField(max_length=5, choices=STAGE_CHOICES)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    time_periods = models.JSONField(default=list, blank=True)  # e.g. ["202223", "202324"]
    rows_read = models.PositiveIntegerField(default=0)
    figures_created = models.PositiveIntegerField(default=0)
    figures_changed = models.PositiveIntegerField(default=0)
    figures_unchanged = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)  # other geographic levels, by design
    notes = models.JSONField(default=list, blank=True)  # [{"line": 3, "reason": "..."}] and column notes
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_stage_display()})"


class DfeFigure(models.Model):
    """One row of the DfE's destination measures: a cohort's destinations, for one area, year,
    institution group and breakdown. `values` holds the published numbers by column (`overall`,
    `education`, `appren`, ...); `suppressed` the symbol of each column not published (`c`, `z`,
    `x`, `low`), which is never read as zero."""

    class Level(models.TextChoices):
        NATIONAL = "National", "National"
        LOCAL_AUTHORITY = "Local authority", "Local authority"

    stage = models.CharField(max_length=5, choices=STAGE_CHOICES)
    time_period = models.CharField(max_length=6)  # "202324": the destination year
    geographic_level = models.CharField(max_length=20, choices=Level.choices)
    area_code = models.CharField(max_length=10, blank=True)  # the old LA code (e.g. "201"); blank nationally
    new_area_code = models.CharField(max_length=10, blank=True)  # e.g. E09000001
    area_name = models.CharField(max_length=120, blank=True)
    institution_group = models.CharField(max_length=120, blank=True)
    breakdown_topic = models.CharField(max_length=80, blank=True)
    breakdown = models.CharField(max_length=120, blank=True)
    data_type = models.CharField(max_length=40, blank=True)  # "Percentage", "Number of pupils", or blank
    cohort_level_group = models.CharField(max_length=60, blank=True)  # 16–18: qualification level
    cohort = models.PositiveIntegerField(null=True, blank=True)
    values = models.JSONField(default=dict)
    suppressed = models.JSONField(default=dict, blank=True)
    release = models.ForeignKey(DfeRelease, on_delete=models.PROTECT, related_name="figures")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "stage",
                    "time_period",
                    "geographic_level",
                    "area_code",
                    "institution_group",
                    "breakdown_topic",
                    "breakdown",
                    "data_type",
                    "cohort_level_group",
                ],
                name="one_dfe_figure_per_cell",
            )
        ]
        indexes = [models.Index(fields=["stage", "time_period", "geographic_level", "area_code"])]

    def __str__(self) -> str:
        return f"{self.stage} {self.time_period} {self.geographic_level} {self.area_name} {self.breakdown}"


__all__ = ["Destination", "DfeFigure", "DfeRelease", "KeyStage"]
