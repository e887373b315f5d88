"""Organisations, people and who belongs where.

There is one Consortium (it needs no row: its admins are users with the Consortium-admin
role), several licensed Awarding Bodies, and many learning providers. Each user holds one
Membership that fixes their role and organisation; `qic.organisations.access` decides from it
what they may see.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from qic.domain.provider_types import ProviderType, uses_college_benchmarks, works_towards_the_standard
from qic.domain.ukprn import UKPRN_HIGHEST, UKPRN_LOWEST


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


# A learner given a printed code has no email address of their own here: their sign-in name (e.g.
# "amy.k7q2") is made into an address under this reserved domain (RFC 2606), which no mail reaches.
LEARNER_SIGN_IN_DOMAIN = "learners.qic.invalid"


def sign_in_address(typed: str) -> str:
    """What a person typed to sign in, as the address their account has: a learner's sign-in name
    (no "@") becomes its address under LEARNER_SIGN_IN_DOMAIN; an email address stays as it is."""
    typed = typed.strip().lower()
    return typed if "@" in typed or not typed else f"{typed}@{LEARNER_SIGN_IN_DOMAIN}"


class User(AbstractUser):
    """A person who logs in with their email address. Nobody registers themselves."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def role(self) -> str | None:
        membership = getattr(self, "membership", None)
        return membership.role if membership else None

    @property
    def audit_label(self) -> str | None:
        """How the audit trail names this person when they act, where not by name and email: a
        learner only by account number. Their name and sign-in address would otherwise stay in
        every event they made (the actor label is in the chain's hash, so anonymising the learner
        could not redact it); the events still name the learner they are about, redactably."""
        if self.role == Role.LEARNER:
            return f"Learner (account #{self.pk})"
        return None


class LicenceStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    LICENSED = "licensed", "Licensed"
    SUSPENDED = "suspended", "Suspended"
    LAPSED = "lapsed", "Lapsed"


class AwardingBody(models.Model):
    """A body licensed by the Consortium to assess and accredit learning providers."""

    name = models.CharField(max_length=200, unique=True)
    licence_status = models.CharField(max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.LICENSED)
    licence_start = models.DateField(null=True, blank=True)
    licence_end = models.DateField(null=True, blank=True)
    # 36 months for most bodies; Complete Careers awards for 24 (Guide §4.4).
    award_validity_months = models.PositiveSmallIntegerField(default=36, choices=[(36, "36 months"), (24, "24 months")])
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(licence_end__isnull=True)
                | Q(licence_start__isnull=True)
                | Q(licence_end__gte=models.F("licence_start")),
                name="licence_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A learning provider (school, college, ...), keyed by its DfE URN where it has one.

    Independent training providers are not in GIAS and have no URN: their key (`urn`, the
    number in every /providers/<urn>/ address) is their 8-digit UKPRN, which is also kept in
    `ukprn`. Six-digit URNs and 8-digit UKPRNs never collide; `identifier` says which it is.
    """

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=300)
    provider_type = models.CharField(
        max_length=30, choices=[(t.value, t.label) for t in ProviderType], default=ProviderType.OTHER.value
    )
    establishment_type = models.CharField(max_length=120, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=60, blank=True)
    la_code = models.CharField("LA code", max_length=10, blank=True)
    # GIAS EstablishmentNumber: with the LA code it is the "DfE number" that Common Transfer
    # Files address a school by (DestSchool LEA + Estab).
    establishment_number = models.CharField("establishment number", max_length=10, blank=True)
    la_name = models.CharField("local authority", max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    ukprn = models.CharField("UKPRN", max_length=20, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    has_sixth_form = models.BooleanField(default=False)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True)
    # The multi-academy trust (GIAS "Trusts (code)", "Trusts (name)"), blank when none: schools of
    # one trust may share employers in their directories (qic.partners.directory_queries).
    trust_code = models.CharField("trust code", max_length=20, blank=True, db_index=True)
    trust_name = models.CharField("trust", max_length=300, blank=True)
    # The Awarding Body whose client the provider is; at most one at a time.
    awarding_body = models.ForeignKey(
        AwardingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="clients"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["la_name"]), models.Index(fields=["region"])]
        constraints = [
            # An ITP's key is its UKPRN, so it must lie in the UKPRN range (and a GIAS provider
            # keeps its six-digit URN, which never does).
            models.CheckConstraint(
                condition=~Q(provider_type=ProviderType.INDEPENDENT_TRAINING_PROVIDER.value)
                | Q(urn__gte=UKPRN_LOWEST, urn__lte=UKPRN_HIGHEST),
                name="itp_keyed_by_ukprn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def is_college(self) -> bool:
        """Colleges, and independent training providers, have their own benchmark wording
        (Guide §3.7; refreshed benchmarks, DOMAIN.md §3b)."""
        return uses_college_benchmarks(self.provider_type)

    @property
    def works_towards_the_standard(self) -> bool:
        """False for a primary school, which works towards a primary careers award instead."""
        return works_towards_the_standard(self.provider_type)

    @property
    def is_primary(self) -> bool:
        return self.provider_type == ProviderType.PRIMARY.value

    @property
    def is_independent_training_provider(self) -> bool:
        return self.provider_type == ProviderType.INDEPENDENT_TRAINING_PROVIDER.value

    @property
    def identifier_label(self) -> str:
        """What the key in the provider's addresses is called: "UKPRN" for an ITP, else "URN"."""
        return "UKPRN" if self.is_independent_training_provider else "URN"

    @property
    def identifier(self) -> str:
        """The provider's identifier as people read it: "URN 137411" or "UKPRN 10012345"."""
        return f"{self.identifier_label} {self.urn}"

    @property
    def age_range(self) -> str:
        if self.statutory_low_age is None or self.statutory_high_age is None:
            return ""
        return f"{self.statutory_low_age}–{self.statutory_high_age}"


class Role(models.TextChoices):
    CONSORTIUM_ADMIN = "consortium_admin", "Consortium admin"
    AWARDING_BODY_ADMIN = "awarding_body_admin", "Awarding Body admin"
    ASSESSOR = "assessor", "Assessor"
    CAREERS_LEADER = "careers_leader", "Careers leader"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    GOVERNOR = "governor", "Governor"
    # A pupil or student of a provider, who sees only their own record (qic.learners.access).
    LEARNER = "learner", "Learner"


AWARDING_BODY_ROLES = frozenset({Role.AWARDING_BODY_ADMIN, Role.ASSESSOR})
PROVIDER_ROLES = frozenset({Role.CAREERS_LEADER, Role.PROVIDER_STAFF, Role.GOVERNOR})

# The database refuses a membership whose organisation does not match its role.
ROLE_ORGANISATION_RULE = (
    Q(role=Role.CONSORTIUM_ADMIN, awarding_body__isnull=True, provider__isnull=True)
    | Q(role__in=sorted(AWARDING_BODY_ROLES), awarding_body__isnull=False, provider__isnull=True)
    | Q(role__in=sorted(PROVIDER_ROLES), awarding_body__isnull=True, provider__isnull=False)
    | Q(role=Role.LEARNER, awarding_body__isnull=True, provider__isnull=False)
)


class Membership(models.Model):
    """A user's one role, and the organisation it is held in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=30, choices=Role.choices)
    awarding_body = models.ForeignKey(
        AwardingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=ROLE_ORGANISATION_RULE, name="role_matches_organisation")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        if self.awarding_body_id:
            return str(self.awarding_body.name)  # type: ignore[union-attr]
        if self.provider_id:
            return str(self.provider.name)  # type: ignore[union-attr]
        return "Quality in Careers Consortium"


class AssessorAssignment(models.Model):
    """An assessor assigned by their Awarding Body to a client provider.

    Assessors see only the providers they are assigned to; the assignment ends when
    `ended_at` is set, and is kept for the record.
    """

    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="assignments")
    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessor", "provider"], condition=Q(ended_at__isnull=True), name="one_open_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} → {self.provider}"


class Invitation(models.Model):
    """An emailed link through which a new user sets their password and joins in a role.

    Only the SHA-256 of the token is stored, so a database leak does not leak usable links.
    """

    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    role = models.CharField(max_length=30, choices=Role.choices)
    awarding_body = models.ForeignKey(
        AwardingBody, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=ROLE_ORGANISATION_RULE, name="invitation_role_matches_org")]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class GiasImport(models.Model):
    """One upload of a GIAS extract: a job run by a task worker, then the record of its result.

    The upload is kept in `data` only while the job runs (PENDING, READING, SAVING) and
    discarded when it ends. DONE writes every provider in one transaction, and lists any value
    a row was saved without (`notices`); FAILED writes no provider and keeps the reason: every
    bad row with its line (`errors`), or a whole-file problem or a lost worker (`message`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        READING = "reading", "Reading rows"
        SAVING = "saving", "Saving"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    RUNNING = (Status.PENDING, Status.READING, Status.SAVING)

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    include_closed = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    data = models.BinaryField(null=True, blank=True, editable=False)  # the upload, while the job runs
    errors = models.JSONField(default=list, blank=True)  # every bad row: [{"line": 3, "reason": "..."}]
    # Values an imported row was saved without (a postcode that is not one), with their line.
    notices = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)  # a whole-file problem, or why the job stopped
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_closed_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=100, blank=True)  # who asked when not a user: "import_gias command"
    imported_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"GIAS import of {self.file_name} at {self.imported_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        """The job will not change any more: the page stops polling."""
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_key(self) -> str:
        return f"gias-import:{self.pk}"


class ClientRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ClientRequest(models.Model):
    """An Awarding Body's request to take a provider on as a client.

    Nothing is attached until the provider says yes: its careers leader answers, or the
    Consortium when the provider has no active careers leader yet. Declined requests keep the
    reason, for the record.
    """

    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="client_requests")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="client_requests")
    status = models.CharField(max_length=20, choices=ClientRequestStatus.choices, default=ClientRequestStatus.PENDING)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # A body asks a provider once at a time; a second click does not send a second request.
            models.UniqueConstraint(
                fields=["awarding_body", "provider"],
                condition=Q(status="pending"),
                name="one_pending_client_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.awarding_body} asks to take on {self.provider}"

    @property
    def is_pending(self) -> bool:
        return self.status == ClientRequestStatus.PENDING
