"""How far learners take part in their own careers record, in figures only: the staff's home page
shows them, and the accreditation portfolio quotes them as evidence for criterion 3.2 and for the
benchmarks of meaningful encounters (5, 6 and 7). One function, `participation_figures`, for both,
so the two never disagree; a fixed number of queries whatever the number of learners, and never a
learner's name (governors, the Awarding Body and assessors read these)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum

from qic.domain import benchmarks as bm
from qic.learners.models import LearnerAccount
from qic.organisations.models import Provider
from qic.portal.queries import learners_on_roll, learners_with_access
from qic.programme.models import Activity, Interview, LearnerSignIn, Participation, Reflection, SignInWindow

# The benchmarks whose encounters must be meaningful, and so where a learner's reflection matters.
ENCOUNTER_BENCHMARKS = (5, 6, 7)
CONCERNED_SHOWN = 5  # activities with places not counting yet, listed by name (the rest counted)


def _s(n: int, one: str = "", many: str = "s") -> str:
    return one if n == 1 else many


@dataclass
class ReflectionFigures:
    """Attended places on meaningful encounters and the learners' own reflections on them."""

    places: int = 0  # attended places (one learner at one activity)
    reflected: int = 0  # of those, with the learner's own reflection that stands (not hidden)
    activities: int = 0  # activities with at least one attended place
    collecting: int = 0  # activities with at least one reflection
    rating_sum: int = 0
    missing: int = 0  # places on activities that need an own reflection, without one: not counting yet

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.reflected if self.reflected else None

    @property
    def percent(self) -> float | None:
        return 100 * self.reflected / self.places if self.places else None

    def words(self, year_label: str) -> str:
        text = (
            f"{self.reflected} of {self.places} attended place{_s(self.places)} on meaningful encounters in "
            f"{year_label} {_s(self.reflected, 'has', 'have')} the learner's own reflection; "
            f"{self.collecting} activit{_s(self.collecting, 'y', 'ies')} collected reflections"
        )
        if self.average_rating is not None:
            text += f"; average rating {self.average_rating:.1f} out of 5"
        if self.missing:
            text += (
                f"; {self.missing} place{_s(self.missing)} do{_s(self.missing, 'es', '')} not count yet for want of one"
            )
        return text


@dataclass(frozen=True)
class ConcernedActivity:
    pk: int
    title: str
    date: dt.date
    missing: int


@dataclass
class ParticipationFigures:
    year: int
    on_roll: int = 0
    with_access: int = 0  # on roll, with an active account their school lets them use today
    accounts: int = 0  # on roll, with an active account
    signed_in: int = 0  # of those, signed in at least once
    with_interview: int = 0  # on roll, with a guidance interview on record
    interview_signed_in: int = 0  # of those, signed in at least once (so could read it)
    sign_in_activities: int = 0  # activities of the year that opened a sign-in window and have learners present
    sign_in_places: int = 0  # attended places on them
    self_signed: int = 0  # of those, signed in by the learner themselves (not overridden)
    reflections: ReflectionFigures = field(default_factory=ReflectionFigures)
    by_benchmark: dict[int, ReflectionFigures] = field(default_factory=dict)
    concerned: list[ConcernedActivity] = field(default_factory=list)  # the first few, soonest first
    concerned_count: int = 0

    @property
    def self_signed_percent(self) -> float | None:
        return 100 * self.self_signed / self.sign_in_places if self.sign_in_places else None

    def interview_words(self) -> str:
        return (
            f"{self.interview_signed_in} of {self.with_interview} learner{_s(self.with_interview)} on roll with a "
            f"guidance interview on record {_s(self.interview_signed_in, 'has', 'have')} signed in at least once "
            "to read it"
        )


def participation_figures(provider: Provider, year: int, *, today: dt.date) -> ParticipationFigures:
    """The provider's learners taking part, for the academic year `year` (accounts as they stand
    `today`): access and accounts, self sign-in, and reflections on the meaningful encounters of
    Benchmarks 5, 6 and 7, overall and by benchmark, with the activities whose places do not count
    yet for want of a learner's own reflection. Aggregates only; eleven queries whatever the number of
    learners or activities (rows per activity, never per learner)."""
    result = ParticipationFigures(year=year)
    result.with_access, result.on_roll = learners_with_access(provider, today=today)
    roll = learners_on_roll(provider, today).values("pk")
    accounts = LearnerAccount.objects.filter(learner__in=roll, user__is_active=True).aggregate(
        total=Count("pk"), signed_in=Count("pk", filter=Q(user__last_login__isnull=False))
    )
    result.accounts, result.signed_in = accounts["total"], accounts["signed_in"]
    interviewed = (
        learners_on_roll(provider, today)
        .filter(Exists(Interview.objects.filter(learner=OuterRef("pk"))))
        .aggregate(
            total=Count("pk"),
            signed_in=Count("pk", filter=Q(account__user__is_active=True, account__user__last_login__isnull=False)),
        )
    )
    result.with_interview, result.interview_signed_in = interviewed["total"], interviewed["signed_in"]

    this_year = Activity.objects.filter(provider=provider, academic_year=year)
    with_window = this_year.filter(Exists(SignInWindow.objects.filter(activity=OuterRef("pk"))))
    signed = Participation.objects.filter(activity__in=with_window, attended=True).aggregate(
        activities=Count("activity_id", distinct=True), places=Count("pk")
    )
    result.sign_in_activities, result.sign_in_places = signed["activities"], signed["places"]
    # Signed in by the learner themselves, still standing (not overridden), and still present.
    present = Participation.objects.filter(
        activity_id=OuterRef("activity_id"), learner_id=OuterRef("learner_id"), attended=True
    )
    result.self_signed = (
        LearnerSignIn.objects.filter(activity__in=with_window, overridden_at=None).filter(Exists(present)).count()
    )

    encounter_categories = {c.value for n in ENCOUNTER_BENCHMARKS for c in bm.categories_of_benchmark(n)}
    activities = [
        a
        for a in this_year.only("pk", "title", "date", "categories", "needs_own_reflection").order_by("date", "pk")
        if encounter_categories.intersection(a.categories)
    ]
    ids = [a.pk for a in activities]
    places = dict(
        Participation.objects.filter(activity_id__in=ids, attended=True)
        .values_list("activity_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reflected = {
        pk: (n, total or 0)
        for pk, n, total in Reflection.objects.filter(activity_id__in=ids, hidden_at=None)
        .filter(Exists(present))
        .values_list("activity_id")
        .annotate(n=Count("pk"), total=Sum("rating"))
        .order_by()
    }
    by_benchmark: dict[int, ReflectionFigures] = defaultdict(ReflectionFigures)
    concerned = []
    for activity in activities:
        present = places.get(activity.pk, 0)
        n, total = reflected.get(activity.pk, (0, 0))
        missing = present - n if activity.needs_own_reflection else 0
        numbers = {bm.BENCHMARK_OF_CATEGORY[bm.Category(c)] for c in activity.categories if c in encounter_categories}
        for figures in [result.reflections] + [by_benchmark[number] for number in sorted(numbers)]:
            figures.places += present
            figures.reflected += n
            figures.activities += bool(present)
            figures.collecting += bool(n)
            figures.rating_sum += total
            figures.missing += missing
        if missing:
            concerned.append(ConcernedActivity(activity.pk, activity.title, activity.date, missing))
    result.by_benchmark = {number: by_benchmark[number] for number in ENCOUNTER_BENCHMARKS}
    result.concerned, result.concerned_count = concerned[:CONCERNED_SHOWN], len(concerned)
    return result
