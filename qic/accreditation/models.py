"""The Quality in Careers accreditation of one provider: commitment, portfolio, assessment,
outcome, award, annual reviews.

One `Accreditation` is one round, from the request for the certificate of commitment (or, for a
reaccreditation, from the previous round) to the issued outcome. Its stage moves only through
`qic.domain.accreditation.move`, inside `qic.accreditation.actions`. Issued documents are frozen
snapshots that never change; a correction is a new version that names what it replaces.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models

from qic.accreditation.snapshot import IssuedSnapshot, load_snapshot
from qic.domain.accreditation import (
    CONVERSATION_KINDS,
    EVIDENCE_KINDS,
    AwardDates,
    Judgment,
    Outcome,
    Stage,
)
from qic.domain.dates import long_date
from qic.frameworks.models import Criterion, Edition
from qic.organisations.models import AwardingBody, Provider, User

STAGE_LABELS = {
    Stage.COMMITMENT_REQUESTED: "Commitment requested",
    Stage.COMMITMENT_DECLINED: "Commitment declined",
    Stage.COMMITTED: "Committed: preparing evidence",
    Stage.SUBMITTED: "Evidence submitted",
    Stage.ASSESSOR_ASSIGNED: "Assessor assigned",
    Stage.VISIT_SCHEDULED: "Under assessment",
    Stage.JUDGED: "Judged: awaiting issue",
    Stage.ISSUED: "Outcome issued",
}
OUTCOME_LABELS = {
    Outcome.NOT_AWARDED: "Outcome 1: making insufficient progress (not awarded)",
    Outcome.GOOD_PROGRESS: "Outcome 2a: awarded, making good progress",
    Outcome.FULLY_MEETING: "Outcome 2b: awarded, fully meeting",
}


class Accreditation(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="accreditations")
    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="accreditations")
    # The edition of the national criteria this round is assessed against.
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="accreditations")
    stage = models.CharField(max_length=30, choices=[(s.value, STAGE_LABELS[s]) for s in Stage])
    # Bumped by every change: a form posts the version it was drawn from, and a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reaccreditation"
    )
    # Commitment (§4.4.1)
    commitment_url = models.URLField("governing body's public commitment", max_length=500, blank=True)
    compass_tool = models.CharField(
        max_length=20, choices=[("compass", "Compass"), ("compass_plus", "Compass+")], default="compass"
    )
    compass_completed_on = models.DateField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    committed_on = models.DateField(null=True, blank=True)
    # Why the Awarding Body declined the commitment request (the round then ends; the leader may ask again).
    declined_reason = models.TextField(blank=True)
    # What the Awarding Body asked the leader to fix when it returned the evidence as incomplete.
    incomplete_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Assessment
    assessor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments")
    visit_on = models.DateField("assessment visit", null=True, blank=True)
    key_principles_met = models.BooleanField(null=True, blank=True)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    recommendations = models.TextField("action points", blank=True)
    recommended_outcome = models.CharField(max_length=2, blank=True)
    judged_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    # Issue
    outcome = models.CharField(max_length=2, blank=True, choices=[(o.value, OUTCOME_LABELS[o]) for o in Outcome])
    issued_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["awarding_body", "stage"])]

    def __str__(self) -> str:
        return f"{self.provider.name}: {self.stage_label}"

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[Stage(self.stage)]

    @property
    def stage_tag_class(self) -> str:
        """The GOV.UK tag colour for the stage (and, once issued, the outcome)."""
        if self.stage == Stage.ISSUED:
            return {"1": "govuk-tag--red", "2b": "govuk-tag--green"}.get(self.outcome, "govuk-tag--orange")
        return {
            Stage.JUDGED: "govuk-tag--purple",
            Stage.COMMITMENT_REQUESTED: "govuk-tag--yellow",
            Stage.COMMITMENT_DECLINED: "govuk-tag--grey",
        }.get(Stage(self.stage), "govuk-tag--blue")

    @property
    def stage_tag_text(self) -> str:
        if self.stage == Stage.ISSUED:
            return {"1": "Outcome 1", "2b": "Awarded 2b"}.get(self.outcome, "Awarded 2a")
        return self.stage_label

    @property
    def outcome_enum(self) -> Outcome | None:
        return Outcome(self.outcome) if self.outcome else None

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)] if self.outcome else ""

    @property
    def is_reaccreditation(self) -> bool:
        return self.previous_id is not None


class CriterionRecord(models.Model):
    """One criterion in one round: the provider's commentary, then the assessor's judgment."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="criterion_records")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    commentary = models.TextField(blank=True)
    judgment = models.CharField(max_length=20, blank=True, choices=[(j.value, j.label) for j in Judgment])
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__section__number", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["accreditation", "criterion"], name="one_record_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.judgment or 'not judged'}"

    @property
    def judgment_enum(self) -> Judgment | None:
        return Judgment(self.judgment) if self.judgment else None


def _upload_to(instance: EvidenceDocument, filename: str) -> str:
    # Never the user's file name on disk: the provider's id, then a random name.
    return f"evidence/{instance.accreditation.provider_id}/{secrets.token_hex(16)}.{instance.file_type}"


class EvidenceDocument(models.Model):
    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=[(k.code, k.label) for k in EVIDENCE_KINDS])
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    # Default storage: settings.MEDIA_ROOT, outside the web root and never served by URL; files
    # reach users only through the document view, which goes through the access layer.
    file = models.FileField(upload_to=_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)  # from the content: pdf, docx, xlsx, png, jpg, csv
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class AssessmentConversation(models.Model):
    """Evidence the assessor gathers during the assessment (§5.1.2): learner voice, staff,
    parents and carers, employers."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(max_length=20, choices=CONVERSATION_KINDS)
    held_on = models.DateField()
    participants = models.CharField(max_length=300)
    notes = models.TextField()
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {long_date(self.held_on)}"


class DocumentKind(models.TextChoices):
    COMMITMENT_CERTIFICATE = "commitment", "Certificate of commitment"
    REPORT = "report", "Assessment report"
    CERTIFICATE = "certificate", "Accreditation certificate"
    REVIEW = "review", "Annual review record"


class IssuedDocument(models.Model):
    """A report or certificate as issued: a frozen snapshot of what it says. Never changed; a
    correction is a new row that `replaces` the old one and says why."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.PROTECT, related_name="issued_documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.PositiveSmallIntegerField(default=1)  # version of this kind in this round
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    correction_reason = models.TextField(blank=True)
    content = models.JSONField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["accreditation", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["accreditation", "kind", "number"], name="one_document_version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Issued documents never change; issue a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Issued documents are kept.")

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "replaced_by")

    @property
    def snapshot(self) -> IssuedSnapshot:
        """What the document says, loaded through its schema (`qic.accreditation.snapshot`)."""
        return load_snapshot(self.kind, self.content)


class Award(models.Model):
    """An award of the Standard (Outcome 2a or 2b). A re-issue as 2b is a new Award with the
    same expiry; the one it replaces is marked superseded."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.PROTECT, related_name="awards")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="awards")
    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="awards")
    outcome = models.CharField(max_length=2, choices=[(o.value, OUTCOME_LABELS[o]) for o in Outcome if o.awarded])
    awarded_on = models.DateField()
    expires_on = models.DateField()
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    superseded = models.BooleanField(default=False)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        indexes = [models.Index(fields=["superseded", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.provider.name}: {self.outcome} until {long_date(self.expires_on)}"

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)]

    def dates(self, validity_months: int) -> AwardDates:
        from qic.domain.accreditation import award_dates

        original = award_dates(self.awarded_on, validity_months)
        return AwardDates(self.awarded_on, self.expires_on, original.reviews_due, original.reaccreditation_review)


class AnnualReview(models.Model):
    """One annual quality review of a current award (§4.6)."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.PROTECT, related_name="reviews")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    prepares_reaccreditation = models.BooleanField(default=False)
    held_on = models.DateField(null=True, blank=True)
    progress = models.TextField(blank=True)
    recommend_reissue = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["accreditation", "number"], name="one_review_per_year")]

    def __str__(self) -> str:
        return f"Annual review {self.number} due {long_date(self.due_on)}"

    @property
    def done(self) -> bool:
        return self.held_on is not None


class AdditionalRecognition(models.Model):
    """An Awarding Body's own recognition of long-standing excellence (§4.7): never part of the
    national arrangements, and always labelled so."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="recognitions")
    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="recognitions")
    title = models.CharField(max_length=200)
    reason = models.TextField("what it recognises")
    given_on = models.DateField()
    given_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return self.title
