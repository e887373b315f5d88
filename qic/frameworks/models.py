"""Editions of the Quality in Careers national criteria, held as data.

An edition is loaded from a data file (`load_framework`) and is then read-only: anything that
records judgments against criteria points at the edition it used, and a revised framework is
loaded beside the old one as a new edition.
"""

from __future__ import annotations

from django.db import models


class Edition(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    effective_from = models.DateField()
    source = models.CharField(max_length=500)
    # SHA-256 of the canonical content, so reloading the same file is recognised as a no-op
    # and a changed file for an edition in use is refused.
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    crosswalks = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-effective_from", "code"]

    def __str__(self) -> str:
        return self.title


class KeyPrinciple(models.Model):
    class Group(models.TextChoices):
        LEARNERS = "learners", "Learners"
        LEARNING_PROVIDERS = "learning_providers", "Learning providers"
        AWARDING_BODIES = "awarding_bodies", "Awarding Bodies"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="key_principles")
    group = models.CharField(max_length=30, choices=Group.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["edition", "position"]
        constraints = [models.UniqueConstraint(fields=["edition", "position"], name="unique_principle_position")]

    def __str__(self) -> str:
        return self.text[:60]


class Section(models.Model):
    """One of the eight sections, each incorporating one Gatsby Benchmark."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    benchmark = models.CharField(max_length=200)
    school_statement = models.TextField()
    school_indicators = models.JSONField(default=list)
    college_statement = models.TextField()
    college_indicators = models.JSONField(default=list)
    footnote = models.TextField(blank=True)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="unique_section_number")]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"


class Note(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="notes")
    number = models.PositiveSmallIntegerField()
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()

    class Meta:
        ordering = ["edition", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="unique_note_number")]

    def __str__(self) -> str:
        return f"Note {self.number}"


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    school_text = models.TextField(blank=True)
    college_text = models.TextField(blank=True)
    footnote = models.TextField(blank=True)
    see_also = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="referenced_by")
    notes = models.ManyToManyField(Note, blank=True, related_name="criteria")

    class Meta:
        ordering = ["edition", "position"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="unique_criterion_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def anchor(self) -> str:
        return "criterion-" + self.code.replace(".", "-")
