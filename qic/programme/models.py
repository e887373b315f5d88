"""The careers programme: activities, who took part, guidance interviews and advisers.

Each activity stores the benchmark categories it is evidence of (worked out by
`qic.domain.activities.categories_for` when it is saved through an action) and its academic
year, so the benchmark figures come from one GROUP BY over participations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Manager

from qic.domain.activities import (
    ACTIVITY_TYPE_LABELS,
    NEEDS_MEANING,
    ActivityType,
    MeaningElement,
    MeaningfulElements,
    why_not_counting,
)
from qic.domain.benchmarks import Category
from qic.domain.dates import long_date
from qic.domain.provider_access import ACCESS_PROVIDER_LABELS, AccessContent, access_problems
from qic.domain.sign_in import REFLECTION_MAX_CHARS
from qic.frameworks.models import Criterion
from qic.learners.models import Learner
from qic.organisations.models import Provider


class LiveManager(models.Manager[Any]):
    """Rows nobody has removed: every list, figure, export and choice reads through it.

    A removed row stays (`removed_at`, `removed_by`) so the careers leader can restore it for
    `QIC_RESTORE_REMOVED_DAYS`; `all_objects` reads removed rows too (the "Recently removed"
    page, restore, the purge, a learner's anonymisation and subject-access export).
    """

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(removed_at=None)


class LiveParticipationManager(models.Manager[Any]):
    """Participations in activities nobody has removed (see LiveManager)."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(activity__removed_at=None)


class Removable(models.Model):
    """Soft removal: hidden everywhere at once, restorable for a period, then purged."""

    removed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LiveManager()
    all_objects: models.Manager[Any] = Manager()  # removed rows too

    class Meta:
        abstract = True


class Adviser(Removable):
    """A careers adviser who gives guidance interviews (Notes 7–9)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="advisers")
    name = models.CharField(max_length=200)
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Leave blank for an adviser employed by the school or college"
    )
    qualification_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Highest careers guidance qualification level (Level 6 or above expected)"
    )
    on_uk_register = models.BooleanField("on the UK Register of Career Development Professionals", default=False)
    matrix_accredited = models.BooleanField(
        "organisation holds the matrix Standard", default=False, help_text="Note 9: for external careers organisations"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def below_level_6(self) -> bool:
        return self.qualification_level is None or self.qualification_level < 6


class AdviserCpd(models.Model):
    adviser = models.ForeignKey(Adviser, on_delete=models.CASCADE, related_name="cpd")
    academic_year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["adviser", "academic_year"], name="one_cpd_total_a_year")]

    def __str__(self) -> str:
        return f"{self.adviser}: {self.hours} h CPD in {self.academic_year}"


class Activity(Removable):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=200)
    activity_type = models.CharField(max_length=30, choices=[(t.value, ACTIVITY_TYPE_LABELS[t]) for t in ActivityType])
    subtype = models.CharField(max_length=30, blank=True)
    date = models.DateField()
    academic_year = models.PositiveSmallIntegerField(db_index=True)
    partner = models.CharField(
        "employer or provider", max_length=200, blank=True, help_text="The employer, college, university or company"
    )
    subject = models.CharField(max_length=100, blank=True, help_text="For curriculum-linked careers learning")
    curriculum_area = models.CharField(max_length=120, blank=True, help_text="Colleges: the curriculum area it serves")
    # Workplace experiences only: the work-experience guarantee is counted in hours (DOMAIN.md §3c).
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Workplace experiences: how many hours each learner spent at the workplace, for example 2.5",
    )
    year_groups = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    # What made it meaningful: the elements of qic.domain.activities.ALL_ELEMENTS, one boolean
    # each; which of them a type needs in an academic year is decided there (MEANING_CHECKLISTS).
    shared_purpose = models.BooleanField("a clear purpose shared with everyone, and learning outcomes", default=False)
    preparation = models.BooleanField("learners prepared beforehand", default=False)
    two_way = models.BooleanField("two-way interaction", default=False)
    extensive_interaction = models.BooleanField("extensive two-way interaction", default=False)
    range_of_people = models.BooleanField("learners met a range of people", default=False)
    employer_task = models.BooleanField("a task set by the employer", default=False)
    employer_feedback = models.BooleanField("feedback from the employer", default=False)
    reflection = models.BooleanField("learners reflected afterwards", default=False)
    categories = models.JSONField(default=list, blank=True)  # Category values; set by actions.save_activity
    # Whether an attended place counts for a learner only once that learner has written a
    # reflection on it (qic.domain.benchmarks.counts_for_learner).
    needs_own_reflection = models.BooleanField(
        "a learner's own reflection is needed for this activity to count for them", default=False
    )
    # Provider Access Legislation (qic.domain.provider_access): only a next-stage provider encounter.
    provider_access = models.BooleanField("a provider-access encounter", default=False)
    access_provider_type = models.CharField(
        "kind of provider",
        max_length=30,
        blank=True,
        choices=[(t.value, label) for t, label in ACCESS_PROVIDER_LABELS.items()],
    )
    in_school_day = models.BooleanField("held in the school day", default=False)
    access_covers_provider = models.BooleanField(
        "the provider and its qualifications or apprenticeships", default=False
    )
    access_covers_careers = models.BooleanField("the careers they lead to", default=False)
    access_covers_learning = models.BooleanField("what learning there is like", default=False)
    access_covers_questions = models.BooleanField("answers to pupils' questions", default=False)
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="activities")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "title"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["provider", "academic_year"])]

    def __str__(self) -> str:
        return f"{self.title} ({long_date(self.date)})"

    @property
    def type_enum(self) -> ActivityType:
        return ActivityType(self.activity_type)

    @property
    def meaningful_elements(self) -> MeaningfulElements:
        return MeaningfulElements.of(self)

    @property
    def missing_elements(self) -> list[str]:
        """The elements its type needs in its academic year that are not recorded, in words (empty when it counts)."""
        return self.meaningful_elements.missing_for(self.type_enum, self.academic_year)

    @property
    def missing_meaning(self) -> tuple[MeaningElement, ...]:
        """The elements its type needs in its academic year that are not recorded."""
        return self.meaningful_elements.missing(self.type_enum, self.academic_year)

    @property
    def why_not_counting(self) -> str:
        """Why it counts for nothing yet, judged by the checklist of its academic year; empty when it is complete."""
        return why_not_counting(self.type_enum, self.meaningful_elements, self.academic_year)

    @property
    def counts(self) -> bool:
        return bool(self.categories)

    @property
    def access_content(self) -> AccessContent:
        return AccessContent(
            self.access_covers_provider,
            self.access_covers_careers,
            self.access_covers_learning,
            self.access_covers_questions,
        )

    @property
    def provider_access_problems(self) -> list[str]:
        """Why a marked activity does not count as a provider-access encounter; empty if it counts."""
        return access_problems(
            is_provider_encounter=self.activity_type == ActivityType.PROVIDER_ENCOUNTER,
            marked=self.provider_access,
            provider_type=self.access_provider_type,
            in_school_day=self.in_school_day,
            content=self.access_content,
        )

    @property
    def counts_for_provider_access(self) -> bool:
        return self.provider_access and not self.provider_access_problems

    @property
    def category_labels(self) -> list[str]:
        return [CATEGORY_LABELS[Category(c)] for c in self.categories]

    @property
    def evidence_summary(self) -> str:
        """What one attended place counts towards, in words, or why it counts for nothing."""
        if self.categories:
            return ", ".join(self.category_labels)
        if self.type_enum in NEEDS_MEANING:
            return "Nothing yet: not recorded as meaningful"
        return "Programme evidence (no learner-level measure)"


CATEGORY_LABELS = {
    Category.CLMI: "BM2 careers information",
    Category.STEM: "BM4 STEM",
    Category.CURRICULUM: "BM4 curriculum",
    Category.EMPLOYER: "BM5 employer encounter",
    Category.WORKPLACE: "BM6 workplace experience",
    Category.SIXTH_FORM: "BM7 sixth form",
    Category.FE_COLLEGE: "BM7 FE college",
    Category.UNIVERSITY: "BM7 university",
    Category.APPRENTICESHIP: "BM7 apprenticeship provider",
    Category.SEND_POST16: "BM7 post-16 provider (SEND)",
    Category.INTERVIEW: "BM8 guidance interview",
}


class ActivityCategory(models.Model):
    """One row per (activity, category): what the benchmark query joins on."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="category_rows")
    category = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "category"], name="unique_activity_category")]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.category}"


class Participation(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="participations")
    attended = models.BooleanField(default=True)
    recorded_at = models.DateTimeField(auto_now=True)

    objects = LiveParticipationManager()
    all_objects: models.Manager[Any] = Manager()  # removed rows too

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "learner"], name="one_participation_each")]
        indexes = [models.Index(fields=["learner", "attended"])]

    def __str__(self) -> str:
        return f"{self.learner} at {self.activity} ({'attended' if self.attended else 'absent'})"


class Interview(Removable):
    """A one-to-one personal guidance interview (Benchmark 8)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="interviews")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="interviews")
    adviser = models.ForeignKey(Adviser, on_delete=models.PROTECT, related_name="interviews")
    date = models.DateField()
    academic_year = models.PositiveSmallIntegerField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField()
    summary = models.TextField()
    agreed_actions = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Interview with {self.learner} on {long_date(self.date)}"

    @property
    def short(self) -> bool:
        return self.duration_minutes < 45  # Note 7: the CDI recommends at least 45 minutes


class ProgrammeAnswer(models.Model):
    """A provider's answer to a programme-level indicator of Benchmark 1 or 3, with evidence."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="programme_answers")
    academic_year = models.PositiveSmallIntegerField()
    benchmark = models.PositiveSmallIntegerField()
    indicator = models.PositiveSmallIntegerField()  # index into the section's indicators for the phase
    achieved = models.BooleanField(default=False)
    evidence_url = models.URLField(blank=True, max_length=500)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "academic_year", "benchmark", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"BM{self.benchmark}.{self.indicator + 1} {self.academic_year}: {'yes' if self.achieved else 'no'}"


class ApiToken(models.Model):
    """A provider's token for MIS integrations; only its SHA-256 is stored.

    A token acts as the person who made it, for this provider only, and only until `expires_at`.
    A read-only token may call only the API's reading (GET) endpoints.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    def has_expired(self, now: dt.datetime) -> bool:
        return self.expires_at <= now


class LearnerTally(models.Model):
    """How many attended activities (or interviews) of each category a learner had in a year.

    A read model: kept up to date by `qic.programme.tallies.refresh` inside every action that
    changes participations, activities, interviews or a learner's curriculum area, so the
    benchmark figures read a few thousand small rows instead of every participation.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="tallies")
    category = models.CharField(max_length=40)
    academic_year = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    in_curriculum_area = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "category", "academic_year"], name="one_tally_per_key")
        ]
        # Covers the figures' read, so it never touches the table itself.
        indexes = [
            models.Index(
                fields=["provider", "academic_year", "category", "learner", "count", "in_curriculum_area"],
                name="tally_figures_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.category} {self.academic_year}: {self.count}"


class ProviderAccessStatement(models.Model):
    """Where a school publishes its provider access policy statement: §5.1.1 portfolio evidence."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="provider_access_statement")
    url = models.URLField("address of the published statement", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.url}"


class RegisterImport(models.Model):
    """One upload of a register (CSV) for an activity: a job run by a task worker, then the
    record of its result.

    All or nothing, as before: every row must match a learner on roll or nothing is saved. The
    upload is kept in `data` only while the job runs (QUEUED, CHECKING, SAVING) and set to NULL
    when it ends, whichever way: it names learners. DONE keeps the counts; FAILED keeps every
    bad row with its line (`errors`), or a whole-file problem or a lost worker (`message`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking rows"
        SAVING = "saving", "Saving"
        DONE = "done", "Saved"
        FAILED = "failed", "Not saved"

    RUNNING = (Status.QUEUED, Status.CHECKING, Status.SAVING)

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="register_imports")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="register_imports")
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    data = models.BinaryField(null=True, blank=True, editable=False)  # the upload, while the job runs
    errors = models.JSONField(default=list, blank=True)  # every bad row: [{"line": 3, "reason": "..."}]
    message = models.TextField(blank=True)  # a whole-file problem, or why the job stopped
    total_rows = models.PositiveIntegerField(default=0)
    present_count = models.PositiveIntegerField(default=0)
    absent_count = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The orphan sweep (every minute) looks for unfinished jobs among all of them.
        indexes = [models.Index(fields=["status", "created_at"], name="register_import_unfinished")]

    def __str__(self) -> str:
        return f"Register import {self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        """The job will not change any more: the page stops polling."""
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_key(self) -> str:
        """Where the task publishes how far it has got (qic.core.jobs.report_progress)."""
        return f"register-import:{self.pk}"


class ClassList(models.Model):
    """A provider's saved group of learners (a teaching group, a club), made from a register's
    choice so that the next register for the same group is one choice. Learners who leave stay
    on it but are never offered on a register (only those on roll are)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="class_lists")
    name = models.CharField(max_length=100)
    learners = models.ManyToManyField(Learner, related_name="class_lists", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="one_class_list_name_per_provider")]

    def __str__(self) -> str:
        return self.name


class RemovedParticipation(models.Model):
    """One learner taken off a register, kept so that the careers leader can put the same mark
    back from "Recently removed" for QIC_RESTORE_REMOVED_DAYS; then `purge_removed` deletes it.

    A separate row, not a flag on Participation: a participation is unique per (activity, learner)
    and every figure reads it, so a flag would have to be remembered by every query and would
    block ticking the learner again."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField()
    removed_at = models.DateTimeField(db_index=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-removed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.learner_id} off the register of {self.activity_id}"


class Reflection(models.Model):
    """What a learner wrote after an activity they attended: plain text, shown escaped.

    A careers leader can hide one (safeguarding); a hidden reflection does not count as the
    learner's own reflection and the learner is told it is hidden, never shown to others.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reflections")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="reflections")
    learnt = models.TextField(max_length=REFLECTION_MAX_CHARS)
    next_step = models.TextField(max_length=REFLECTION_MAX_CHARS)
    rating = models.PositiveSmallIntegerField()
    written_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-written_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "learner"], name="one_reflection_each"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="reflection_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.learner_id} on {self.activity_id}"

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class SignInWindow(models.Model):
    """A time an activity's learners may sign themselves in, with a short code shown in the room.

    Only the code's SHA-256 is stored. The code is shown to the member of staff who opened the
    window (kept in their session for the "show in the room" page); a learner's attempt is hashed
    and looked up among windows still open. A closed or expired window never matches again.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sign_in_windows")
    code_hash = models.CharField(max_length=64, db_index=True)
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"Sign-in window for {self.activity_id} from {self.opened_at:%H:%M}"

    def is_open(self, now: dt.datetime) -> bool:
        return self.closed_at is None and self.opened_at <= now < self.closes_at


class LearnerSignIn(models.Model):
    """One learner signing themselves in during a window (once each per activity)."""

    class How(models.TextChoices):
        CODE = "code", "Typed the code"
        QR = "qr", "Scanned the QR code"

    window = models.ForeignKey(SignInWindow, on_delete=models.CASCADE, related_name="sign_ins")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sign_ins")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="sign_ins")
    signed_in_at = models.DateTimeField(auto_now_add=True)
    how = models.CharField(max_length=10, choices=How.choices)
    # Staff who marked them absent after all (not in the room): the register says absent.
    overridden_at = models.DateTimeField(null=True, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["signed_in_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "learner"], name="one_sign_in_each")]

    def __str__(self) -> str:
        return f"{self.learner_id} signed in to {self.activity_id}"


class SignInFailure(models.Model):
    """A wrong or stale code typed by a learner: counted per account and per address to throttle
    guessing (qic.domain.sign_in.THROTTLE_*). Old rows are only read within the throttle period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "at"], name="sign_in_failure_user"),
            models.Index(fields=["ip", "at"], name="sign_in_failure_ip"),
        ]

    def __str__(self) -> str:
        return f"Failed sign-in code at {self.at}"


class ReflectionSetting(models.Model):
    """The provider's default for a new activity's `needs_own_reflection` (the activity form
    starts from it; each activity keeps its own setting, which is what the figures read)."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="reflection_setting")
    needs_own_reflection = models.BooleanField(
        "new activities need a learner's own reflection to count for them", default=False
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider_id}: reflection needed by default {self.needs_own_reflection}"
