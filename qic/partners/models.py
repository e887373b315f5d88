"""Employers and parents taking part: the school's employer directory, placements, and the links
through which employers and parents act without an account.

Every link (`PartnerLink`) belongs to one provider, has one purpose and is scoped to exactly one
object; only its token's hash is stored (qic.domain.partner_links).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from qic.domain.employers import SECTORS, SIZE_LABELS
from qic.domain.feedback import AGAIN_LABELS, COMMENT_MAX_CHARS, RESPONDENT_ONE
from qic.domain.feedback import RATINGS as FEEDBACK_RATINGS
from qic.domain.parent_engagement import RELATIONSHIP_LABELS, Relationship
from qic.domain.partner_links import PURPOSE_LABELS
from qic.domain.placements import DOCUMENT_KINDS, STATUS_LABELS, Status
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme.models import Activity, Removable


class Employer(Removable):
    """An organisation (or a self-employed person) that gives the school's learners encounters
    and placements."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=30, blank=True, choices=list(SECTORS.items()))
    size_band = models.CharField(
        "size", max_length=10, blank=True, choices=[(band.value, label) for band, label in SIZE_LABELS.items()]
    )
    self_employed = models.BooleanField("a self-employed person", default=False)
    town = models.CharField("town or city", max_length=120, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    # Other schools and colleges in the same trust may read (not change) a shared employer.
    shared_with_trust = models.BooleanField("shared with the other schools in our trust", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["provider", "name"])]

    def __str__(self) -> str:
        return self.name


class EmployerContact(Removable):
    """A person at an employer whom the school writes to (links go to a contact's email)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.employer})"


class ActivityEmployer(models.Model):
    """An employer that took part in an activity (a careers fair has many)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="employer_rows")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="activity_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "employer"], name="one_row_per_activity_employer")]

    def __str__(self) -> str:
        return f"{self.employer} at activity #{self.activity_id}"


class Placement(models.Model):
    """One learner's work-experience placement with one employer (qic.domain.placements)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="placements")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements")
    contact = models.ForeignKey(
        EmployerContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    role = models.CharField("role or department", max_length=200, blank=True)
    start_date = models.DateField("first day")
    end_date = models.DateField("last day")
    hours = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="How many hours the learner spends at the workplace in all"
    )
    status = models.CharField(
        max_length=20, choices=[(s.value, label) for s, label in STATUS_LABELS.items()], default=Status.PROPOSED.value
    )
    # The workplace-experience activity made when the placement is completed: the learner's place
    # on it is what counts towards Benchmark 6 and the work-experience guarantee.
    activity = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="placement"
    )
    # The employer's details, given through its link (or typed by staff).
    role_confirmed = models.BooleanField("the employer confirmed the role", default=False)
    supervisor_name = models.CharField("supervisor's name", max_length=200, blank=True)
    supervisor_phone = models.CharField("supervisor's phone number", max_length=40, blank=True)
    working_hours = models.CharField("working hours", max_length=200, blank=True)
    workplace_address = models.TextField("address of the workplace", blank=True)
    details_given_at = models.DateTimeField(null=True, blank=True)
    # The checks: a document each (PlacementDocument) or the school's own check, who and when.
    insurance_expires = models.DateField("insurance expiry date", null=True, blank=True)
    health_and_safety_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    health_and_safety_checked_at = models.DateTimeField(null=True, blank=True)
    insurance_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    insurance_checked_at = models.DateTimeField(null=True, blank=True)
    risk_assessment_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk_assessment_checked_at = models.DateTimeField(null=True, blank=True)
    # A parent's or carer's answer: through their link, or on paper recorded by staff.
    consent_given = models.BooleanField(null=True, blank=True)
    consent_name = models.CharField("name of the person consenting", max_length=200, blank=True)
    consent_relationship = models.CharField("relationship to the learner", max_length=100, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_link = models.ForeignKey("PartnerLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    emergency_phone = models.CharField("emergency contact phone number", max_length=40, blank=True)
    medical_notes = models.TextField("medical or access needs", blank=True)
    # The employer's feedback to the learner, through its link after the last day (or typed by staff).
    feedback_how = models.TextField("how the learner did", blank=True)
    feedback_task = models.TextField("the task the learner was set", blank=True)
    feedback_strengths = models.TextField("strengths", blank=True)
    feedback_build_on = models.TextField("what to build on", blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.CharField(max_length=300, blank=True)  # the employer's link owner, or a staff member
    # Completion: the hours actually done.
    hours_done = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"Placement #{self.pk} at {self.employer}"

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def has_feedback(self) -> bool:
        return self.feedback_at is not None


def _placement_upload_to(instance: PlacementDocument, filename: str) -> str:
    # Never the sender's file name on disk: the provider's id, then a random name.
    return f"placements/{instance.placement.provider_id}/{secrets.token_hex(16)}.{instance.file_type}"


class PlacementDocument(models.Model):
    """A file an employer gave for a placement's checks (qic.domain.placements.DOCUMENT_KINDS),
    checked as accreditation evidence is (qic.core.uploads) and stored the same way: default
    storage under MEDIA_ROOT, never served by URL, only through the staff download view."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=list(DOCUMENT_KINDS.items()))
    file = models.FileField(upload_to=_placement_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)  # from the content: pdf, docx, xlsx, png, jpg
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=300)  # the link's owner, or a staff member
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for placement #{self.placement_id}"


class PartnerLink(models.Model):
    """A link sent to someone without an account (qic.domain.partner_links): one purpose, one object."""

    class Delivery(models.TextChoices):
        NOT_SENT = "not_sent", "Not sent by email (copied by the school)"
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        BOUNCED = "bounced", "Bounced"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="partner_links")
    purpose = models.CharField(max_length=30, choices=[(p.value, label) for p, label in PURPOSE_LABELS.items()])
    # Blank until the token is made (by the mail's task, so no secret sits in a task row).
    token_hash = models.CharField(max_length=64, blank=True)
    recipient_name = models.CharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    # Exactly one object, by purpose: an activity (confirmation, feedback), a placement, a learner (parent).
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    learner = models.ForeignKey(Learner, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.SET_NULL, related_name="links")
    contact = models.ForeignKey(EmployerContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who the recipient is to the learner or activity, for feedback forms: employer, parent, staff.
    respondent = models.CharField(max_length=20, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.QUEUED)
    delivery_detail = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "purpose"]),
            models.Index(fields=["recipient_email"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], condition=~Q(token_hash=""), name="unique_link_token"),
            # Scoped to exactly one object.
            models.CheckConstraint(
                condition=(
                    Q(activity__isnull=False, placement__isnull=True, learner__isnull=True)
                    | Q(activity__isnull=True, placement__isnull=False, learner__isnull=True)
                    | Q(activity__isnull=True, placement__isnull=True, learner__isnull=False)
                ),
                name="link_scoped_to_one_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link #{self.pk}"


class LinkAttempt(models.Model):
    """A link page opened with a token that is unknown, expired, used or revoked, by client address:
    too many recent ones and every link page refuses that address (qic.domain.partner_links)."""

    client_ip = models.CharField(max_length=45)
    attempted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["client_ip", "attempted_at"], name="partner_link_attempt_ip")]

    def __str__(self) -> str:
        return f"Unusable link from {self.client_ip}"


class FeedbackResponse(models.Model):
    """One answer to a feedback form after an activity (criterion 1.6; qic.domain.feedback),
    sent once through its feedback link by an employer, a parent or carer, or a member of staff.

    The comments are not learner data but may name learners: only staff who see learners read
    them; everyone else sees counts and averages."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="feedback_responses")
    link = models.OneToOneField(PartnerLink, on_delete=models.CASCADE, related_name="feedback_response")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback_responses")
    respondent = models.CharField(max_length=20, choices=[(r.value, label) for r, label in RESPONDENT_ONE.items()])
    rating = models.PositiveSmallIntegerField(choices=list(FEEDBACK_RATINGS.items()))
    went_well = models.TextField("what went well", blank=True, max_length=COMMENT_MAX_CHARS)
    could_be_better = models.TextField("what could be better", blank=True, max_length=COMMENT_MAX_CHARS)
    # Asked of employers only (qic.domain.feedback.ASKED_AGAIN); blank for the others.
    take_part_again = models.CharField(
        "would take part again",
        max_length=10,
        blank=True,
        choices=[(a.value, label) for a, label in AGAIN_LABELS.items()],
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["provider", "activity"])]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Feedback #{self.pk} on activity #{self.activity_id}"


# --- Parents and carers (issue 15, item 4) ----------------------------------------------------------


class ParentContact(Removable):
    """A parent or carer of one learner, to whom the school sends the careers link. Personal data:
    in the learner's subject-access export, deleted when the learner is anonymised."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="parent_contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        "relationship to the learner",
        max_length=10,
        choices=[(r.value, label) for r, label in RELATIONSHIP_LABELS.items()],
        default=Relationship.PARENT.value,
    )
    email = models.EmailField("email address", blank=True)
    phone = models.CharField("phone number", max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display().lower()})"


class ParentAttendance(models.Model):
    """A learner's parent or carer came to a parents' careers event (an activity of type
    parent engagement): counted, by learner, for criterion 2.2."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="parent_attendance")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="parent_attendance")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "learner"], name="one_parent_attendance_per_learner")
        ]

    def __str__(self) -> str:
        return f"Parent of learner #{self.learner_id} at activity #{self.activity_id}"


class ParentPageSetting(models.Model):
    """What the school tells parents and carers on their link's page: its careers programme and how
    to book a careers guidance meeting (refreshed Benchmark 8). One per provider."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="parent_page_setting")
    programme_summary = models.TextField(
        "your careers programme in a few sentences",
        blank=True,
        max_length=2000,
        help_text="What parents and carers should know: what happens in each year and how they can help",
    )
    programme_url = models.URLField("address of the careers programme on your website", blank=True, max_length=500)
    booking_text = models.TextField(
        "how to book a careers guidance meeting",
        blank=True,
        max_length=1000,
        help_text="For example: who the careers adviser is, when they are in school and how to ask for a meeting",
    )
    booking_email = models.EmailField("email address for booking", blank=True)
    booking_phone = models.CharField("phone number for booking", max_length=40, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Parents' page of {self.provider}"


class EmployerConfirmation(models.Model):
    """What an employer said through a confirmation link (qic.domain.employer_confirmation): that
    the activity took place (or why not), its purpose, the task set and feedback to the group.

    One per link (a link works once); an activity with several employers can have several."""

    link = models.OneToOneField(PartnerLink, on_delete=models.CASCADE, related_name="confirmation")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="employer_confirmations")
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.SET_NULL, related_name="confirmations"
    )
    took_place = models.BooleanField()
    not_held_reason = models.TextField("why it did not take place", blank=True)
    purpose = models.TextField("purpose and learning outcomes", blank=True)
    task = models.TextField("task set for learners", blank=True)
    feedback = models.TextField("feedback to the group", blank=True)
    confirmed_by_name = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        indexes = [models.Index(fields=["activity", "took_place"])]

    def __str__(self) -> str:
        return f"Employer confirmation of activity #{self.activity_id}"
