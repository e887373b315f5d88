"""What the parents' pages read: one learner's upcoming activities and guidance meetings for their
parent's page, and the parents' engagement figures for criterion 2.2 (aggregates only, a fixed
number of queries whatever the size of the roll)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from qic.domain import parent_engagement as rules
from qic.domain.academic import academic_year_of, year_end, year_start
from qic.domain.activities import ActivityType
from qic.domain.partner_links import LinkPurpose
from qic.domain.placements import Status
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.partners.models import ParentAttendance, ParentContact, PartnerLink, Placement
from qic.portal.queries import learners_on_roll
from qic.programme.models import Activity, Interview, Participation
from qic.programme.queries import year_group_in


def _consented(academic_year: int) -> QuerySet[Placement]:
    """A learner's placements a parent or carer agreed to in the academic year (through their link
    or on paper: `placement.consent_at`)."""
    return Placement.objects.filter(
        learner=OuterRef("pk"),
        consent_given=True,
        consent_at__date__gte=year_start(academic_year),
        consent_at__date__lte=year_end(academic_year),
    )


def measure_day(academic_year: int, today: dt.date) -> dt.date:
    """The roll a year's figures are about: today's for the year in progress, else its last day's."""
    return min(today, year_end(academic_year))


def parent_engagement(provider: Provider, academic_year: int, *, today: dt.date | None = None) -> rules.Engagement:
    """Learners on roll and how many have a parent or carer contact, had the careers link sent,
    a parent who opened it, consented to a placement and came to a parents'
    careers event, in `academic_year`, by year group. One query.
    Counts only: governors and the Awarding Body read these, never a name."""
    today = today or timezone.localdate()
    start, end = year_start(academic_year), year_end(academic_year)
    roll = learners_on_roll(provider, measure_day(academic_year, today))
    parent_links = PartnerLink.objects.filter(
        learner=OuterRef("pk"),
        purpose=LinkPurpose.PARENT.value,
        created_at__date__gte=start,
        created_at__date__lte=end,
    )
    annotated = roll.annotate(
        year_group_then=year_group_in(academic_year),
        has_contact=Exists(ParentContact.objects.filter(learner=OuterRef("pk"))),
        link_sent=Exists(parent_links.filter(delivery__in=rules.SENT_DELIVERIES)),
        opened=Exists(parent_links.filter(first_opened_at__isnull=False)),
        attended=Exists(
            ParentAttendance.objects.filter(
                learner=OuterRef("pk"),
                activity__academic_year=academic_year,
                activity__removed_at=None,
                activity__activity_type=ActivityType.PARENT_ENGAGEMENT.value,
            )
        ),
        consented=Exists(_consented(academic_year)),
    )
    counting = {
        "on_roll": Count("pk"),
        "with_contact": Count("pk", filter=Q(has_contact=True)),
        "link_sent": Count("pk", filter=Q(link_sent=True)),
        "opened": Count("pk", filter=Q(opened=True)),
        "attended": Count("pk", filter=Q(attended=True)),
        "consented": Count("pk", filter=Q(consented=True)),
    }
    grouped: Any = annotated.order_by().values("year_group_then").annotate(**counting)
    rows: list[dict[str, Any]] = list(grouped)
    return rules.engagement_from_rows(
        academic_year,
        (
            (
                row["year_group_then"],
                rules.EngagementCounts(
                    on_roll=row["on_roll"],
                    with_contact=row["with_contact"],
                    link_sent=row["link_sent"],
                    opened=row["opened"],
                    attended=row["attended"],
                    consented=row["consented"],
                ),
            )
            for row in rows
        ),
    )


# --- The parent's page: one learner only ----------------------------------------------------------


@dataclass(frozen=True)
class UpcomingActivity:
    title: str
    date: dt.date
    type_label: str


def upcoming_activities(learner: Learner, today: dt.date) -> list[UpcomingActivity]:
    """The learner's activities dated today or later: those they are on the register of, and
    those planned for their year group this academic year (two queries; title, date and type only)."""
    year = academic_year_of(today)
    year_group = learner.year_group_in(year)
    registered = set(
        Participation.objects.filter(learner=learner, activity__date__gte=today).values_list("activity_id", flat=True)
    )
    candidates = (
        Activity.objects.filter(provider_id=learner.provider_id, date__gte=today)
        .filter(Q(pk__in=registered) | Q(academic_year=year))
        .only("pk", "title", "date", "activity_type", "year_groups", "academic_year")
        .order_by("date", "title", "pk")
    )
    return [
        UpcomingActivity(activity.title, activity.date, activity.get_activity_type_display())
        for activity in candidates
        if rules.upcoming_for_learner(
            today=today,
            activity_date=activity.date,
            on_register=activity.pk in registered,
            planned_year_groups=activity.year_groups or [],
            learner_year_group=year_group,
            same_academic_year=activity.academic_year == year,
        )
    ]


@dataclass(frozen=True)
class GuidanceSummary:
    count: int
    last: dt.date | None


def guidance_summary(learner: Learner) -> GuidanceSummary:
    """How many careers guidance meetings the learner has had and the last one's date (no notes,
    no adviser: what was said is the learner's)."""
    row = Interview.objects.filter(learner=learner).aggregate(n=Count("pk"), last=Max("date"))
    return GuidanceSummary(row["n"], row["last"])


def awaiting_consent(learner: Learner) -> list[Placement]:
    """The learner's placements waiting for a parent or carer's agreement."""
    return list(
        Placement.objects.filter(learner=learner, status=Status.CONSENT.value)
        .select_related("employer")
        .order_by("start_date", "pk")
    )


# --- Choosing a group to send to ---------------------------------------------------------------------


def group_learners(provider: Provider, today: dt.date, *, year_group: int | None, form_group: str) -> QuerySet[Learner]:
    """The learners on roll today in a year group and/or a form group."""
    learners = learners_on_roll(provider, today)
    if year_group is not None:
        learners = learners.annotate(year_group_now=year_group_in(academic_year_of(today))).filter(
            year_group_now=year_group
        )
    if form_group:
        learners = learners.filter(registration_group=form_group)
    return learners


@dataclass(frozen=True)
class GroupCounts:
    learners: int
    reachable: int  # learners with at least one contact email
    contacts: int  # contacts with an email: the links a send makes

    @property
    def without_email(self) -> int:
        return self.learners - self.reachable


def group_counts(learners: QuerySet[Learner]) -> GroupCounts:
    """How many learners, how many of them have a contact email, and how many such contacts (three queries)."""
    with_email = ParentContact.objects.filter(learner__in=learners.values("pk")).exclude(email="")
    reachable = learners.filter(Exists(with_email.filter(learner=OuterRef("pk")))).count()
    return GroupCounts(learners.count(), reachable, with_email.count())
