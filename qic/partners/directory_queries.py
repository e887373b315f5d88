"""Reads for the employer directory, each in a fixed number of queries.

`visible_employers` is the one place that decides which employers a provider's people may see:
their own school's, and those another school of the same multi-academy trust shares. Every
directory page starts from it; changes are only ever made to the provider's own
(`own_employers`). What a school sees of a shared employer is its name and details, and its
contacts' names and job titles: never the other school's contacts' email addresses or telephone
numbers, activities, placements or learners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qic.domain import employers as rules
from qic.domain.academic import year_end, year_label, year_start
from qic.domain.placements import Status
from qic.organisations.models import Provider
from qic.partners.models import ActivityEmployer, Employer, EmployerContact, Placement
from qic.programme.models import Activity, Participation


def visible_employers(provider: Provider) -> QuerySet[Employer]:
    """The employers the provider's people may see: the provider's own, and those shared by
    another school of the same trust (GIAS "Trusts (code)"). Removed employers are never seen."""
    shared = Q(shared_with_trust=True, provider__trust_code=provider.trust_code) if provider.trust_code else Q(pk=None)
    return Employer.objects.filter(Q(provider=provider) | shared)


def own_employers(provider: Provider) -> QuerySet[Employer]:
    """The employers the provider may change: its own."""
    return Employer.objects.filter(provider=provider)


def get_visible_employer(provider: Provider, pk: int) -> Employer:
    """An employer the provider may see (with its school), else 404."""
    try:
        return visible_employers(provider).select_related("provider").get(pk=pk)
    except Employer.DoesNotExist:
        raise Http404("No such employer") from None


def get_own_employer(provider: Provider, pk: int) -> Employer:
    """One of the provider's own employers, else 404 (a shared one is read-only)."""
    try:
        return own_employers(provider).select_related("provider").get(pk=pk)
    except Employer.DoesNotExist:
        raise Http404("No such employer") from None


def directory(provider: Provider, *, query: str = "", sector: str = "", size: str = "") -> QuerySet[Employer]:
    """The directory's rows, searched by name and filtered by sector and size, each with how many of
    this provider's activities it took part in and how many of its placements it gave (one query
    for a page, whatever the number of employers)."""
    employers = visible_employers(provider).select_related("provider")
    for word in query.split()[:8]:
        employers = employers.filter(name__icontains=word)
    if sector in rules.SECTORS:
        employers = employers.filter(sector=sector)
    if size == "self_employed":
        employers = employers.filter(self_employed=True)
    elif size in rules.BAND_VALUES:
        employers = employers.filter(size_band=size)
    return employers.annotate(
        encounter_count=Count(
            "activity_rows",
            filter=Q(activity_rows__activity__provider=provider, activity_rows__activity__removed_at=None),
            distinct=True,
        ),
        placement_count=Count("placements", filter=Q(placements__provider=provider), distinct=True),
    ).order_by("name", "pk")


@dataclass(frozen=True)
class Encounter:
    activity: Activity
    present: int  # learners marked present


@dataclass
class History:
    """What an employer did with this provider: its activities and its placements."""

    encounters: list[Encounter]
    placements: list[Placement]


def history(provider: Provider, employer: Employer) -> History:
    """The employer's activities with this provider, newest first, with the learners present, and
    its placements with this provider (with their learners). Never another school's."""
    activities = (
        Activity.objects.filter(provider=provider, employer_rows__employer=employer)
        .annotate(present=Count("participations", filter=Q(participations__attended=True), distinct=True))
        .order_by("-date", "title")
    )
    placements = list(
        Placement.objects.filter(provider=provider, employer=employer)
        .select_related("learner")
        .order_by("-start_date", "pk")
    )
    return History(encounters=[Encounter(a, a.present) for a in activities], placements=placements)


def contacts_of(employer: Employer) -> list[EmployerContact]:
    return list(EmployerContact.objects.filter(employer=employer).order_by("name", "pk"))


def employers_of_activity(activity: Activity) -> list[Employer]:
    """The employers linked to an activity, by name."""
    return list(Employer.objects.filter(activity_rows__activity=activity).order_by("name", "pk"))


def suggested_for(provider: Provider, activity: Activity) -> list[Employer]:
    """Directory employers whose name is the activity's "employer or provider" text, without regard
    to case or surrounding spaces: offered ticked on the activity's employers page."""
    text = activity.partner.strip()
    if not text:
        return []
    return list(visible_employers(provider).filter(name__iexact=text))


def employers_met(provider: Provider, academic_year: int) -> QuerySet[Employer]:
    """The distinct employers learners met in the academic year: those linked to an activity of the
    year at which at least one learner was present, and those of the year's completed placements.
    Removed employers and activities do not count."""
    attended = Participation.objects.filter(
        attended=True, activity__provider=provider, activity__academic_year=academic_year
    ).values("activity_id")
    at_activities = ActivityEmployer.objects.filter(activity_id__in=attended).values("employer_id")
    placed = Placement.objects.filter(
        provider=provider,
        status=Status.COMPLETED.value,
        start_date__gte=year_start(academic_year),
        start_date__lte=year_end(academic_year),
    ).values("employer_id")
    return Employer.objects.filter(Q(pk__in=at_activities) | Q(pk__in=placed))


def employer_variety(provider: Provider, academic_year: int) -> rules.Variety:
    """The sizes and sectors of the distinct employers learners met in the year (one query)."""
    rows = employers_met(provider, academic_year).values_list("size_band", "sector", "self_employed")
    return rules.variety(rows)


def variety_panel(provider: Provider, year: int, *, link: bool = True) -> dict[str, Any]:
    """What the variety panel shows (partners/_variety_panel.html): the figures, each band and
    sector with its count (none included, so a gap shows)."""
    figures = employer_variety(provider, year)
    return {
        "figures": figures,
        "year_label": year_label(year),
        "sizes": [(rules.SIZE_LABELS[band], figures.sizes[band.value]) for band in rules.SizeBand],
        "sectors": [(label, figures.sectors[key]) for key, label in rules.SECTORS.items()],
        "words": rules.variety_words(figures, year_label(year)),
        "provider": provider,
        "link": link,
    }
