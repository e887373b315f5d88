"""Learners on a provider's roll, and the imports that keep the roll up to date.

Learners are never deleted by an import: one missing from a full import is marked as left.
The year group is stored with the academic year it was recorded in and rolled forward on
read, so nothing has to run on 1 September.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from qic.domain.academic import rolled_year_group
from qic.domain.benchmarks import Group, groups_from_flags
from qic.domain.dates import long_date
from qic.domain.names import search_key, search_terms
from qic.organisations.models import Provider

FLAG_FIELDS = (
    "pupil_premium",
    "free_school_meals",
    "sen_support",
    "ehc_plan",
    "looked_after",
    "young_carer",
    "eal",
    "considering_higher_education",
    "part_time_job",
)


class Learner(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="learners")
    upn = models.CharField("UPN", max_length=13, blank=True)
    uln = models.CharField("ULN", max_length=10, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    # The names as a search compares them (qic.domain.names.search_key): filled by `save()` and by
    # the import's bulk writes, so a search is one indexed-free LIKE on every database.
    search_name = models.CharField(max_length=210, blank=True, default="", editable=False)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=[("F", "Female"), ("M", "Male"), ("U", "Not known")])
    year_group = models.SmallIntegerField(null=True, blank=True)
    year_group_recorded_in = models.PositiveSmallIntegerField(null=True, blank=True)
    registration_group = models.CharField("registration group", max_length=30, blank=True)
    pupil_premium = models.BooleanField(default=False)
    free_school_meals = models.BooleanField("free school meals", default=False)
    sen_support = models.BooleanField("SEN support", default=False)
    ehc_plan = models.BooleanField("EHC plan", default=False)
    looked_after = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    eal = models.BooleanField("English as an additional language", default=False)
    considering_higher_education = models.BooleanField(default=False)
    study_programme = models.CharField(max_length=200, blank=True)
    curriculum_area = models.CharField(max_length=120, blank=True)
    programme_end = models.DateField(null=True, blank=True)
    part_time_job = models.BooleanField(default=False)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    # Set when the learner's identity was removed (on request or by the retention command);
    # the record then keeps only what past figures need. See docs/decisions.md.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["surname", "forename"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "upn"], condition=~Q(upn=""), name="unique_upn_per_provider"),
            models.UniqueConstraint(fields=["provider", "uln"], condition=~Q(uln=""), name="unique_uln_per_provider"),
            # An anonymised learner has neither: nothing may match them to a person again.
            models.CheckConstraint(
                condition=~Q(upn="") | ~Q(uln="") | Q(anonymised_at__isnull=False), name="learner_has_upn_or_uln"
            ),
        ]
        indexes = [models.Index(fields=["provider", "left_on"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived column, not logic: every writer of a name (forms, imports, anonymisation, the
        # demo, tests) must keep it in step, and save() is the one place they all pass.
        self.search_name = search_key(self.forename, self.surname)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"forename", "surname"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        if self.anonymised_at is not None:
            return f"Anonymised learner #{self.pk}"
        return f"{self.forename} {self.surname}"

    @property
    def list_name(self) -> str:
        """ "Surname, Forename" for sorted lists; an anonymised learner's label as it is."""
        if self.anonymised_at is not None:
            return self.name
        return f"{self.surname}, {self.forename}"

    @property
    def anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def reference(self) -> str:
        return self.upn or self.uln

    def year_group_in(self, year: int) -> int | None:
        if self.year_group is None or self.year_group_recorded_in is None:
            return None
        return rolled_year_group(self.year_group, self.year_group_recorded_in, year)

    def groups(self) -> frozenset[Group]:
        return groups_from_flags(
            disadvantaged=self.pupil_premium or self.free_school_meals,
            sen_support=self.sen_support,
            ehc_plan=self.ehc_plan,
            looked_after=self.looked_after,
            young_carer=self.young_carer,
            sex=self.sex,
        )

    @property
    def support_labels(self) -> list[str]:
        """The learner's flags in words, for lists (sex is shown elsewhere)."""
        return [group.label for group in self.groups() if group not in (Group.FEMALE, Group.MALE)] + (
            ["EAL"] if self.eal else []
        )

    def on_roll(self, day: dt.date) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or self.left_on >= day)


class LearnerImport(models.Model):
    """One upload of a learner file: checked and previewed first, written only when confirmed.

    The stored file is checked in the background (status CHECKING); the careers leader sees
    the preview (READY) and confirms it (SAVING, then DONE) or cancels it (CANCELLED). The
    preview keeps a digest of exactly what it would change; the confirmation recomputes the
    changes and writes them only if the digest is the same, else the job is STALE and the
    leader is asked to check the file again.
    """

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        CTF = "ctf", "Common Transfer File (XML)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        CHECKING = "checking", "Checking rows"
        READY = "ready", "Checked: waiting for you to confirm"
        SAVING = "saving", "Saving"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"
        CANCELLED = "cancelled", "Cancelled"
        STALE = "stale", "Not imported: the roll changed after the check"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="learner_imports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    # Never the default: marking everyone missing from a 4-row file as left is a deliberate choice.
    full_import = models.BooleanField(
        default=False, help_text="Learners on roll who are missing from the file are marked as left"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first few: [{"line": 3, "reason": "..."}]
    error_count = models.PositiveIntegerField(default=0)  # all of them, stored or not
    # The preview: what confirming would change, and a digest of exactly that.
    leaving_ids = models.JSONField(default=list, blank=True)  # learners a full import marks as left
    roll_count = models.PositiveIntegerField(default=0)  # learners on roll when checked
    plan_digest = models.CharField(max_length=64, blank=True)
    notes = models.JSONField(default=list, blank=True)  # what the check found worth saying, e.g. a CTF's source
    # Sent by the API without a dry run: the save is queued as soon as the check passes, unless
    # a full import would mark a different number of learners as left than `expect_left`.
    confirm_when_checked = models.BooleanField(default=False)
    expect_left = models.PositiveIntegerField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    left_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Learner import {self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        """Nothing more happens without the leader: the page stops polling."""
        return self.status in (
            self.Status.READY,
            self.Status.DONE,
            self.Status.FAILED,
            self.Status.CANCELLED,
            self.Status.STALE,
        )

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 0 if not self.total_rows else int(100 * self.processed_rows / self.total_rows)

    @property
    def problem_count(self) -> int:
        """Every problem found; older jobs stored them all and no count."""
        return max(self.error_count, len(self.errors))

    @property
    def problems_not_shown(self) -> int:
        return self.problem_count - len(self.errors)

    @property
    def left_percent(self) -> int:
        """The share of the roll a full import would mark as left, rounded up."""
        if not self.roll_count:
            return 0
        return -(-100 * len(self.leaving_ids) // self.roll_count)


class RetentionRun(models.Model):
    """One run of `manage.py apply_retention` that changed something: what it removed, in counts."""

    ran_at = models.DateTimeField(auto_now_add=True)
    run_for = models.DateField(help_text="The day the retention periods were counted to")
    leavers_years = models.PositiveSmallIntegerField()
    import_file_days = models.PositiveSmallIntegerField()
    learners_anonymised = models.PositiveIntegerField(default=0)
    import_files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"Retention run for {long_date(self.run_for)}"


def named(text: str) -> Q:
    """Learners whose folded names (`search_name`) contain every word of `text`, in any order,
    ignoring accents and case: "Siobhan O'Brien", "O'Brien, Siobhán" and "siobhan obrien" find the
    same learner. Text with no words matches nobody."""
    terms = search_terms(text)
    return Q(*(Q(search_name__contains=term) for term in terms)) if terms else Q(pk__in=[])


# --- Learners' own sign-in ----------------------------------------------------------------------


class LearnerAccessPolicy(models.Model):
    """Which of a provider's learners may sign in, and for how long a leaver keeps access.

    Staff decide by year group; nobody may sign in until a careers leader gives a year group access.
    """

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="learner_access_policy")
    year_groups = models.JSONField(default=list, blank=True)  # year groups (as of today) given access
    leaver_grace_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days a learner keeps access after their leaving date"
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Learner access at {self.provider}"


class LearnerAccount(models.Model):
    """The user a learner signs in as: one account per learner, one learner per account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learner_account")
    learner = models.OneToOneField(Learner, on_delete=models.PROTECT, related_name="account")
    # What a learner without a school email types to sign in, e.g. "amy.k7q2"; blank when invited by email.
    sign_in_name = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    password_set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sign_in_name"], condition=~Q(sign_in_name=""), name="unique_sign_in_name")
        ]

    def __str__(self) -> str:
        return f"Account of learner #{self.learner_id}"


class LearnerSignInCode(models.Model):
    """A one-time code that lets a learner set their password: printed on a form group's sheet or
    sent to their school email. Only its hash is stored; it expires and works once."""

    class Kind(models.TextChoices):
        SHEET = "sheet", "Printed sheet"
        EMAIL = "email", "School email"

    account = models.ForeignKey(LearnerAccount, on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} code for learner account #{self.account_id}"


class LearnerCodeAttempt(models.Model):
    """A wrong code typed on the learner start page, by client address: the start page refuses an
    address with too many recent ones (`qic.domain.learner_codes.MAX_FAILED_ATTEMPTS`)."""

    client_ip = models.CharField(max_length=45)
    attempted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["client_ip", "attempted_at"], name="learner_code_attempt_ip")]

    def __str__(self) -> str:
        return f"Wrong learner code from {self.client_ip}"
