"""Reads for the Provider Access page and the portfolio: each cohort's key phase, the encounters
held for it and the pupils who still lack two, in a fixed number of queries (three).

The rules are in `qic.domain.provider_access`; this module only gathers the rows they need.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from qic.domain import provider_access as rules
from qic.domain.academic import academic_year_of
from qic.domain.dates import long_date
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme.models import Activity, Participation, ProviderAccessStatement

SECONDARY_YEARS = range(7, 14)  # Years 7 to 13: the cohorts the page lists

# The GOV.UK tag colour for each status.
STATUS_TAGS = {
    rules.AccessStatus.NOT_STARTED: "govuk-tag--grey",
    rules.AccessStatus.ON_TRACK: "govuk-tag--blue",
    rules.AccessStatus.BEHIND: "govuk-tag--orange",
    rules.AccessStatus.COMPLETE: "govuk-tag--green",
    rules.AccessStatus.DEADLINE_PASSED: "govuk-tag--red",
}


@dataclass
class PupilShort:
    """A pupil in a mandatory phase with fewer than two encounters."""

    learner_id: int
    list_name: str
    surname: str
    forename: str
    reference: str
    registration_group: str
    attended: int

    @property
    def needed(self) -> int:
        return max(rules.ENCOUNTERS_PER_PHASE - self.attended, 0)


@dataclass
class CohortAccess:
    year_group: int
    year8_in: int
    window: rules.PhaseWindow  # the open phase, else the last to close, else the first (not opened)
    phase_now: rules.AccessPhase | None  # None between phases, in Year 7 or after 28 February of Year 13
    pupils: int
    held: int
    status: rules.AccessStatus
    short: list[PupilShort] = field(default_factory=list)  # mandatory phases only

    @property
    def mandatory(self) -> bool:
        return self.window.phase.mandatory

    @property
    def tag_class(self) -> str:
        return STATUS_TAGS[self.status]


@dataclass
class ProviderAccessSummary:
    day: dt.date
    cohorts: list[CohortAccess]
    counting: int  # encounters that count, held since 1 September last year
    marked_not_counting: int  # marked as provider access but missing a condition
    # Those activities (oldest first), so the page can link to each one's reason.
    not_counting: list[Activity] = field(default_factory=list)

    @property
    def short_pupils(self) -> list[tuple[CohortAccess, PupilShort]]:
        return [(cohort, pupil) for cohort in self.cohorts for pupil in cohort.short]


def provider_access_summary(provider: Provider, *, today: dt.date) -> ProviderAccessSummary:
    """Each cohort on roll today (Years 7–13) in its relevant key phase. Three queries.

    Pupils who left before `today` are not on roll and are not counted; an encounter dated after
    `today` has not happened and does not count.
    """
    year = academic_year_of(today)
    on_roll = (
        Learner.objects.filter(provider=provider, year_group__isnull=False, year_group_recorded_in__isnull=False)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today))
        .only(
            "pk",
            "forename",
            "surname",
            "upn",
            "uln",
            "year_group",
            "year_group_recorded_in",
            "registration_group",
            "anonymised_at",
        )
        .order_by("surname", "forename", "pk")
    )
    by_cohort: dict[int, list[Learner]] = defaultdict(list)
    for learner in on_roll:
        year_group = learner.year_group_in(year)
        if year_group is not None and year_group in SECONDARY_YEARS:
            by_cohort[year_group].append(learner)

    # Every window that can matter today opened on or after 1 September last year.
    candidates = list(
        Activity.objects.filter(
            provider=provider, provider_access=True, date__lte=today, date__gte=dt.date(year - 1, 9, 1)
        ).only(
            "pk",
            "title",
            "activity_type",
            "date",
            "year_groups",
            "provider_access",
            "access_provider_type",
            "in_school_day",
            "access_covers_provider",
            "access_covers_careers",
            "access_covers_learning",
            "access_covers_questions",
        )
    )
    counting = {activity.pk: activity for activity in candidates if activity.counts_for_provider_access}
    attended_by_learner: dict[int, set[int]] = defaultdict(set)
    for learner_id, activity_id in Participation.objects.filter(
        activity_id__in=list(counting), attended=True
    ).values_list("learner_id", "activity_id"):
        attended_by_learner[learner_id].add(activity_id)

    cohorts = []
    for year_group in sorted(by_cohort):
        pupils = by_cohort[year_group]
        cohort = rules.year8_in(year_group=year_group, academic_year=year)
        window = rules.relevant_window(today, year8_in=cohort) or rules.phase_window(
            rules.AccessPhase.FIRST, year8_in=cohort
        )
        in_window = {pk: a for pk, a in counting.items() if window.contains(a.date)}
        attended_by_pupil = {p.pk: attended_by_learner.get(p.pk, set()) & set(in_window) for p in pupils}
        attended_count = {
            pk: rules.encounters_in(window, [counting[a].date for a in ids], today=today)
            for pk, ids in attended_by_pupil.items()
        }
        attended_by_anyone = set().union(*attended_by_pupil.values()) if pupils else set()
        held = sum(
            1
            for pk, activity in in_window.items()
            if rules.held_for_cohort(
                year_group_then=year_group - (year - academic_year_of(activity.date)),
                planned_for=activity.year_groups or [],
                attended_by_a_pupil=pk in attended_by_anyone,
            )
        )
        short = []
        if window.phase.mandatory and window.opens <= today:
            short = [
                PupilShort(
                    learner_id=p.pk,
                    list_name=p.list_name,
                    surname="" if p.anonymised else p.surname,
                    forename="" if p.anonymised else p.forename,
                    reference="" if p.anonymised else p.reference,
                    registration_group=p.registration_group,
                    attended=attended_count[p.pk],
                )
                for p in pupils
                if attended_count[p.pk] < rules.ENCOUNTERS_PER_PHASE
            ]
        cohorts.append(
            CohortAccess(
                year_group=year_group,
                year8_in=cohort,
                window=window,
                phase_now=rules.phase_on(today, year8_in=cohort),
                pupils=len(pupils),
                held=held,
                status=rules.cohort_status(window=window, day=today, held=held, pupils_short=len(short)),
                short=short,
            )
        )
    return ProviderAccessSummary(
        day=today,
        cohorts=cohorts,
        counting=len(counting),
        marked_not_counting=len(candidates) - len(counting),
        not_counting=sorted((a for a in candidates if a.pk not in counting), key=lambda a: (a.date, a.pk)),
    )


@dataclass
class AccessEvidence:
    """What QiC Platform holds for the portfolio's provider access evidence item (§5.1.1)."""

    statement: ProviderAccessStatement | None
    lines: list[str]  # the encounter summary, in words


def access_evidence(provider: Provider, *, today: dt.date) -> AccessEvidence | None:
    """The published policy statement and each cohort's key phase in words (four queries);
    None when the duty does not apply to this kind of provider."""
    if not rules.duty_applies(provider.provider_type):
        return None
    summary = provider_access_summary(provider, today=today)
    year = academic_year_of(today)
    lines = [f"{summary.counting} provider-access encounters held since 1 September {year - 1}"]
    for cohort in summary.cohorts:
        if cohort.status == rules.AccessStatus.NOT_STARTED:
            continue
        line = (
            f"Year {cohort.year_group}: {cohort.window.phase.label.lower()}, {cohort.held} of "
            f"{rules.ENCOUNTERS_PER_PHASE} held, deadline {long_date(cohort.window.deadline)}: {cohort.status.label}"
        )
        if cohort.mandatory:
            line += f" ({len(cohort.short)} of {cohort.pupils} pupils lack two)"
        lines.append(line)
    return AccessEvidence(ProviderAccessStatement.objects.filter(provider=provider).first(), lines)
