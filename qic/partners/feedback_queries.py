"""Reads for feedback after activities (criterion 1.6), each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from qic.domain import feedback as rules
from qic.domain.academic import year_label
from qic.domain.activities import ACTIVITY_TYPE_LABELS, ActivityType
from qic.domain.feedback import Again, Answer, Respondent, Summary
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.organisations.models import Provider, Role, User
from qic.partners.delivery import state_of
from qic.partners.models import EmployerContact, FeedbackResponse, PartnerLink
from qic.programme.models import Activity, Participation, Reflection


def _again(value: str) -> Again | None:
    return Again(value) if value else None


# --- Whom to ask --------------------------------------------------------------------------------


def contacts_for(activity: Activity) -> QuerySet[EmployerContact]:
    """Contacts with an address at the employers that took part in the activity."""
    return (
        EmployerContact.objects.filter(
            employer__activity_rows__activity=activity,
            employer__provider_id=activity.provider_id,
            employer__removed_at=None,
        )
        .exclude(email="")
        .select_related("employer")
        .order_by("employer__name", "name", "pk")
    )


def staff_for(provider: Provider) -> QuerySet[User]:
    """The provider's careers leaders and staff with an account that works."""
    return User.objects.filter(
        membership__provider=provider,
        membership__role__in=[Role.CAREERS_LEADER, Role.PROVIDER_STAFF],
        is_active=True,
    ).order_by("last_name", "first_name", "email")


# --- One activity -------------------------------------------------------------------------------


@dataclass
class LinkRow:
    link: PartnerLink
    state: LinkState
    answered: bool

    @property
    def status(self) -> str:
        if self.answered:
            return "Answered"
        if self.link.delivery in (PartnerLink.Delivery.FAILED, PartnerLink.Delivery.BOUNCED):
            return self.link.get_delivery_display()
        return {
            LinkState.USABLE: "Not answered yet",
            LinkState.EXPIRED: "Not answered: the link expired",
            LinkState.REVOKED: "Not answered: the link was withdrawn",
            LinkState.USED: "Answered",
        }[self.state]

    @property
    def respondent_label(self) -> str:
        kind = rules.respondent_of(self.link.respondent)
        return rules.RESPONDENT_ONE[kind] if kind else ""

    @property
    def can_withdraw(self) -> bool:
        """Not answered and still working: the school may withdraw it."""
        return not self.answered and self.state is LinkState.USABLE

    @property
    def can_resend(self) -> bool:
        """Withdrawable and mailed to an address: it may go again, with a fresh token."""
        return self.can_withdraw and bool(self.link.recipient_email)


@dataclass
class ActivityFeedback:
    by_kind: dict[Respondent, Summary]
    overall: Summary
    responses: list[FeedbackResponse]
    links: list[LinkRow]

    @property
    def waiting(self) -> list[LinkRow]:
        return [row for row in self.links if not row.answered]


def activity_feedback(activity: Activity) -> ActivityFeedback:
    """Summaries by kind of respondent, every response with its comments, and every link sent with
    whether it was answered. Two queries."""
    responses = list(
        FeedbackResponse.objects.filter(activity=activity)
        .select_related("link")
        .order_by("respondent", "-submitted_at", "pk")
    )
    answers = [Answer(Respondent(r.respondent), r.rating, _again(r.take_part_again)) for r in responses]
    answered = {r.link_id for r in responses}
    sent = PartnerLink.objects.filter(activity=activity, purpose=LinkPurpose.FEEDBACK.value).order_by(
        "respondent", "recipient_name", "pk"
    )
    return ActivityFeedback(
        by_kind=rules.summarise_by_kind(answers),
        overall=rules.summarise(answers),
        responses=responses,
        links=[LinkRow(link, state_of(link), link.pk in answered) for link in sent],
    )


# --- A year -------------------------------------------------------------------------------------


@dataclass
class TypeRow:
    """One activity type's figures in a year: each respondent kind, all of them, and learners."""

    activity_type: str
    by_kind: dict[Respondent, Summary] = field(default_factory=lambda: {k: Summary() for k in Respondent})
    asked: dict[Respondent, int] = field(default_factory=lambda: dict.fromkeys(Respondent, 0))
    learners: Summary = field(default_factory=Summary)

    @property
    def label(self) -> str:
        try:
            return ACTIVITY_TYPE_LABELS[ActivityType(self.activity_type)]
        except ValueError:
            return self.activity_type

    @property
    def all_kinds(self) -> Summary:
        total = Summary()
        for summary in self.by_kind.values():
            total.count += summary.count
            total.rating_total += summary.rating_total
            total.again_answers += summary.again_answers
            total.again_yes += summary.again_yes
            for rating, n in summary.distribution.items():
                total.distribution[rating] += n
        return total

    @property
    def kinds(self) -> list[tuple[Respondent, Summary, int]]:
        return [(kind, self.by_kind[kind], self.asked[kind]) for kind in Respondent]


@dataclass
class YearFeedback:
    year: int
    activities: int  # activities with at least one response
    rows: list[TypeRow]  # activity types with feedback asked, given or reflected on, in type order
    total: TypeRow

    @property
    def label(self) -> str:
        return year_label(self.year)

    def words(self) -> str:
        return rules.evaluation_words(self.label, self.activities, self.total.by_kind, self.total.learners)


def year_feedback(provider: Provider, year: int) -> YearFeedback:
    """Per activity type and kind of respondent: responses, links sent, averages, and learners'
    own reflections (those that stand, by learners present). Four grouped queries."""
    activities = Activity.objects.filter(provider=provider, academic_year=year)
    rows: dict[str, TypeRow] = {}
    total = TypeRow("")

    def row(activity_type: str) -> TypeRow:
        return rows.setdefault(activity_type, TypeRow(activity_type))

    for activity_type, respondent, rating, again, n in (
        FeedbackResponse.objects.filter(provider=provider, activity__in=activities)
        .values_list("activity__activity_type", "respondent", "rating", "take_part_again")
        .annotate(n=Count("id"))
        .order_by()
    ):
        answer = Answer(Respondent(respondent), rating, _again(again))
        row(activity_type).by_kind[answer.respondent].add(answer, n)
        total.by_kind[answer.respondent].add(answer, n)
    answered = (
        FeedbackResponse.objects.filter(provider=provider, activity__in=activities)
        .values("activity_id")
        .distinct()
        .count()
    )
    for activity_type, respondent, n in (
        PartnerLink.objects.filter(provider=provider, purpose=LinkPurpose.FEEDBACK.value, activity__in=activities)
        .values_list("activity__activity_type", "respondent")
        .annotate(n=Count("id"))
        .order_by()
    ):
        kind = rules.respondent_of(respondent)
        if kind is not None:
            row(activity_type).asked[kind] += n
            total.asked[kind] += n
    took_part = Participation.objects.filter(
        activity_id=OuterRef("activity_id"), learner_id=OuterRef("learner_id"), attended=True
    )
    for activity_type, rating, n in (
        Reflection.objects.filter(activity__in=activities, hidden_at=None)
        .filter(Exists(took_part))
        .values_list("activity__activity_type", "rating")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row(activity_type).learners.add_rating(rating, n)
        total.learners.add_rating(rating, n)
    order = {t.value: i for i, t in enumerate(ActivityType)}
    return YearFeedback(
        year=year,
        activities=answered,
        rows=sorted(rows.values(), key=lambda r: (order.get(r.activity_type, len(order)), r.activity_type)),
        total=total,
    )


def year_csv_rows(summary: YearFeedback) -> list[list[object]]:
    """The yearly summary as a table: one row per activity type and voice, then the totals."""

    def line(label: str, voice: str, asked: object, s: Summary) -> list[object]:
        return [
            summary.label,
            label,
            voice,
            asked,
            s.count,
            s.average if s.average is not None else "",
            s.again_percent if s.again_percent is not None else "",
        ]

    table: list[list[object]] = []
    for row in [*summary.rows, summary.total]:
        label = row.label if row.activity_type else "All activities"
        for kind, s, asked in row.kinds:
            table.append(line(label, rules.RESPONDENT_LABELS[kind], asked, s))
        table.append(line(label, "Learners' own reflections", "", row.learners))
    return table


CSV_HEADER = [
    "Academic year",
    "Activity type",
    "Who",
    "Asked",
    "Responses",
    f"Average rating (from {rules.MIN_FOR_AVERAGE} responses)",
    "Would take part again (%)",
]
