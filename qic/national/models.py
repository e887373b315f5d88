"""The Consortium's national work: per-provider aggregates for analytics, primary awards and
their National Endorsement, and primary schools' workbooks.

`ProviderYearFigures` is the only thing national analytics read: one row per provider and
academic year, computed from the provider's own learner-level figures (or, for synthetic demo
providers, generated and labelled so); `ProviderDestinationFigures` likewise for destinations, one
row per provider and leaving cohort. No learner row is ever read for a national figure.
"""

from __future__ import annotations

from django.db import models

from qic.domain.destinations import STAGES as DESTINATION_STAGES
from qic.domain.national import EndorsementStatus
from qic.organisations.models import AwardingBody, Provider, User

BENCHMARK_FIELDS = tuple(f"bm{n}" for n in range(1, 9))


class ProviderYearFigures(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="year_figures")
    academic_year = models.PositiveSmallIntegerField()
    benchmarks_achieved = models.PositiveSmallIntegerField()  # 0–8 fully achieved
    bm1 = models.FloatField(null=True, blank=True)
    bm2 = models.FloatField(null=True, blank=True)
    bm3 = models.FloatField(null=True, blank=True)
    bm4 = models.FloatField(null=True, blank=True)
    bm5 = models.FloatField(null=True, blank=True)
    bm6 = models.FloatField(null=True, blank=True)
    bm7 = models.FloatField(null=True, blank=True)
    bm8 = models.FloatField(null=True, blank=True)
    # The benchmark rule set the year was measured on (e.g. gatsby-2018, gatsby-2025): figures of
    # years on different sets are not directly comparable.
    rule_set = models.CharField(max_length=40, blank=True)
    # Whether the provider held the Standard at the end of the year; its latest issued outcome by
    # then (1, 2a or 2b; blank if never assessed) and the Awarding Body that issued it.
    award_holder = models.BooleanField(default=False)
    outcome = models.CharField(max_length=2, blank=True)
    awarding_body = models.ForeignKey(AwardingBody, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    synthetic = models.BooleanField(default=False)  # demo and benchmark data, never real
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "academic_year"], name="one_figures_row_per_year"),
            models.CheckConstraint(condition=models.Q(benchmarks_achieved__lte=8), name="at_most_eight_benchmarks"),
        ]
        indexes = [models.Index(fields=["academic_year", "award_holder"])]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.academic_year}: {self.benchmarks_achieved}/8"


class ProviderDestinationFigures(models.Model):
    """One provider's destinations of one leaving cohort (KS4 or 16–18), as counts of learners in
    the first year after leaving: the only thing the national destinations figures read. Computed
    nightly from the provider's own analysis (`qic.destinations.queries.analysis_for`), or
    generated and labelled synthetic for the demo; never read from learner rows at read time."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="destination_figures")
    stage = models.CharField(max_length=5, choices=[(s.value, s.label) for s in DESTINATION_STAGES])
    cohort_year = models.PositiveSmallIntegerField()  # the academic year the cohort finished
    cohort = models.PositiveIntegerField()  # leavers in the cohort
    sustained = models.PositiveIntegerField()  # sustained education, apprenticeship or employment (DfE `overall`)
    education = models.PositiveIntegerField()
    apprenticeship = models.PositiveIntegerField()
    employment = models.PositiveIntegerField()
    not_sustained = models.PositiveIntegerField()  # not sustained, or NEET (`all_notsust`)
    unknown = models.PositiveIntegerField()  # activity not captured (`all_unknown`)
    not_yet_known = models.PositiveIntegerField(default=0)  # a destination whose six months are not over
    # Whether the provider held the Standard at the end of the cohort's year (or today, if later).
    award_holder = models.BooleanField(default=False)
    synthetic = models.BooleanField(default=False)  # demo and benchmark data, never real
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "stage", "cohort_year"], name="one_destination_figures_row_per_cohort"
            ),
            models.CheckConstraint(
                condition=models.Q(sustained__lte=models.F("cohort"))
                & models.Q(not_sustained__lte=models.F("cohort"))
                & models.Q(unknown__lte=models.F("cohort")),
                name="destination_counts_within_the_cohort",
            ),
        ]
        indexes = [models.Index(fields=["stage", "cohort_year", "award_holder"])]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.stage} {self.cohort_year}: {self.sustained}/{self.cohort}"


class PrimaryAward(models.Model):
    """An Awarding Body's careers award for primary schools, and its National Endorsement."""

    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="primary_awards")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(
        max_length=20, choices=[(s.value, s.label) for s in EndorsementStatus], default=EndorsementStatus.DRAFT.value
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    endorsed_on = models.DateField(null=True, blank=True)
    returned_reasons = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["awarding_body__name", "name"]
        constraints = [models.UniqueConstraint(fields=["awarding_body", "name"], name="one_award_name_per_body")]

    def __str__(self) -> str:
        return self.name

    @property
    def status_enum(self) -> EndorsementStatus:
        return EndorsementStatus(self.status)


class EndorsementCriterion(models.Model):
    """One of the Consortium's criteria for endorsing a primary award (held as data)."""

    code = models.CharField(max_length=10, unique=True)
    benchmark = models.PositiveSmallIntegerField()  # aligned to Benchmark 4, 5 or 6
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class EndorsementAnswer(models.Model):
    award = models.ForeignKey(PrimaryAward, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(EndorsementCriterion, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField()
    evidence_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["award", "criterion"], name="one_answer_per_criterion")]

    def __str__(self) -> str:
        return f"{self.award} {self.criterion.code}"


class PrimaryTask(models.Model):
    """A task of a primary award's workbook, Early Years to Key Stage 2 (data per award)."""

    STAGES = [("eyfs", "Early Years"), ("ks1", "Key Stage 1"), ("ks2", "Key Stage 2"), ("whole", "Whole school")]

    award = models.ForeignKey(PrimaryAward, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=10)
    stage = models.CharField(max_length=10, choices=STAGES)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["award", "position"]
        constraints = [models.UniqueConstraint(fields=["award", "code"], name="one_task_code_per_award")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PrimaryWorkbook(models.Model):
    """A primary school working towards an award."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="primary_workbooks")
    award = models.ForeignKey(PrimaryAward, on_delete=models.PROTECT, related_name="workbooks")
    started_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "award"], name="one_workbook_per_award")]

    def __str__(self) -> str:
        return f"{self.provider.name}: {self.award.name}"


class TaskMapping(models.Model):
    """An activity the school already runs, mapped to a task."""

    workbook = models.ForeignKey(PrimaryWorkbook, on_delete=models.CASCADE, related_name="mappings")
    task = models.ForeignKey(PrimaryTask, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField("activity already happening", max_length=300)
    evidence_url = models.URLField(max_length=500, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task__position", "created_at"]

    def __str__(self) -> str:
        return self.activity


class ActionPlanItem(models.Model):
    workbook = models.ForeignKey(PrimaryWorkbook, on_delete=models.CASCADE, related_name="actions")
    task = models.ForeignKey(PrimaryTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=120)
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["done", "due_on"]

    def __str__(self) -> str:
        return self.action
