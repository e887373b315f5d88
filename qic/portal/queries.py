"""Reads of what learners record about themselves, each in a fixed number of queries: the
learner's own entries, their careers passport, the staff's lists, and the aggregate figures
the accreditation portfolio shows for criteria 3.2 and 3.3 (no names)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qic.domain.academic import academic_year_of
from qic.domain.learner_access import access_refusal
from qic.learners.access import policy_for
from qic.learners.models import Learner, LearnerAccount
from qic.organisations.models import Provider
from qic.portal.models import LearnerEntry
from qic.programme.models import Interview, Participation
from qic.programme.subject_access import readable


def own_entries(learner: Learner) -> QuerySet[LearnerEntry]:
    """The learner's entries they have not removed (hidden ones too: it is still their writing)."""
    return LearnerEntry.objects.filter(learner=learner)


def passport_entries(learner: Learner) -> list[LearnerEntry]:
    """The entries a passport may show: the learner's own, not removed, not hidden by staff."""
    return list(own_entries(learner).filter(hidden_at=None))


@dataclass
class Passport:
    """What one passport shows: only what the learner chose, only their own, never a flag."""

    name: str = ""
    school: str = ""
    statement: str = ""
    entries: list[LearnerEntry] = field(default_factory=list)
    actions: list[tuple[dt.date, str]] = field(default_factory=list)  # (interview date, agreed actions)
    activities: list[tuple[dt.date, str]] = field(default_factory=list)  # (date, title)

    @property
    def empty(self) -> bool:
        return not (self.name or self.statement or self.entries or self.actions or self.activities)

    def parts(self) -> dict[str, Any]:
        """What was chosen, for the audit trail (ids and counts, and the statement the learner wrote)."""
        return {
            "details": bool(self.name),
            "entry_ids": [e.pk for e in self.entries],
            "actions": len(self.actions),
            "activities": len(self.activities),
            "statement": self.statement,
        }


def passport(
    learner: Learner,
    *,
    include_details: bool,
    entry_ids: list[str],
    include_actions: bool,
    include_activities: bool,
    statement: str,
) -> Passport:
    """The learner's passport from their choices (at most three queries). Entries are matched
    against the learner's own visible entries, so an id of another learner's entry, or of a hidden
    or removed one, is simply not there."""
    result = Passport(statement=statement)
    if include_details:
        result.name = learner.name
        result.school = learner.provider.name
    wanted = {int(pk) for pk in entry_ids if str(pk).isdigit()}
    if wanted:
        result.entries = [e for e in passport_entries(learner) if e.pk in wanted]
    if include_actions:
        result.actions = [
            (i.date, i.agreed_actions)
            for i in Interview.objects.filter(learner=learner).exclude(agreed_actions="").order_by("-date")
        ]
    if include_activities:
        result.activities = [
            (p.activity.date, p.activity.title)
            for p in Participation.objects.filter(learner=learner, attended=True)
            .select_related("activity")
            .order_by("-activity__date", "activity__title")
        ]
    return result


def provider_entries(
    provider: Provider, *, year_group: int | None = None, form_group: str = "", waiting_only: bool = True
) -> list[LearnerEntry]:
    """The provider's learners' entries (not removed), newest first, optionally only those waiting
    for a check, of one year group (as of this academic year) or of one registration group."""
    entries = LearnerEntry.objects.filter(learner__provider=provider, learner__anonymised_at=None).select_related(
        "learner"
    )
    if waiting_only:
        entries = entries.filter(verified_at=None, hidden_at=None)
    if form_group:
        entries = entries.filter(learner__registration_group=form_group)
    rows = list(entries.order_by("-created_at"))
    if year_group is not None:
        year = academic_year_of(timezone.localdate())
        rows = [e for e in rows if e.learner.year_group_in(year) == year_group]
    return rows


def form_groups(provider: Provider) -> list[str]:
    return list(
        Learner.objects.filter(provider=provider)
        .exclude(registration_group="")
        .values_list("registration_group", flat=True)
        .distinct()
        .order_by("registration_group")
    )


def learners_on_roll(provider: Provider, today: dt.date) -> QuerySet[Learner]:
    return Learner.objects.filter(provider=provider, anonymised_at=None).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=today), Q(left_on__isnull=True) | Q(left_on__gte=today)
    )


@dataclass(frozen=True)
class EntryFigures:
    on_roll: int
    with_entries: int
    verified_entries: int

    def words(self) -> str:
        return (
            f"{self.with_entries} of {self.on_roll} learner{'s' if self.on_roll != 1 else ''} on roll "
            f"{'has' if self.with_entries == 1 else 'have'} recorded at least one experience or achievement; "
            f"{self.verified_entries} entr{'y' if self.verified_entries == 1 else 'ies'} verified by staff"
        )


def entry_figures(provider: Provider, *, today: dt.date) -> EntryFigures:
    """Criterion 3.3 in figures (three queries, aggregates only): learners on roll today, how many
    of them have at least one entry, and how many of their entries staff have verified."""
    roll = learners_on_roll(provider, today)
    entries = LearnerEntry.objects.filter(learner__in=roll.values("pk"))
    return EntryFigures(
        on_roll=roll.count(),
        with_entries=entries.values("learner_id").distinct().count(),
        verified_entries=entries.filter(verified_at__isnull=False).count(),
    )


def learners_with_access(provider: Provider, *, today: dt.date) -> tuple[int, int]:
    """Criterion 3.2 in figures (aggregates only): (learners on roll today with an active account
    their school lets them use, so they can see their guidance records; learners on roll)."""
    roll = learners_on_roll(provider, today)
    policy = policy_for(provider)
    allowed = [int(y) for y in policy.year_groups]
    year = academic_year_of(today)
    able = 0
    for account in LearnerAccount.objects.filter(learner__in=roll.values("pk"), user__is_active=True).select_related(
        "learner"
    ):
        learner = account.learner
        refusal = access_refusal(
            year_group=learner.year_group_in(year),
            left_on=learner.left_on,
            anonymised=learner.anonymised,
            allowed_year_groups=allowed,
            leaver_grace_days=policy.leaver_grace_days,
            today=today,
        )
        able += not refusal
    return able, roll.count()


def subject_access_rows(learner: Learner) -> list[dict[str, Any]]:
    """Every entry the learner wrote, removed ones too, JSON-ready, for a subject-access export
    (`qic.programme.subject_access` cannot import portal; see docs/decisions-i14-entries.md)."""
    return [
        {
            "kind": e.kind_label,
            "title": e.title,
            "description": e.description,
            "started_on": e.started_on.isoformat() if e.started_on else None,
            "ended_on": e.ended_on.isoformat() if e.ended_on else None,
            "learning_areas": e.area_labels,
            "created_at": e.created_at.isoformat(),
            "verified_at": e.verified_at.isoformat() if e.verified_at else None,
            "hidden_at": e.hidden_at.isoformat() if e.hidden_at else None,
            "hidden_reason": e.hidden_reason,
            "removed_at": e.removed_at.isoformat() if e.removed_at else None,
        }
        for e in LearnerEntry.all_objects.filter(learner=learner).order_by("created_at", "pk")
    ]


SUBJECT_ACCESS_HEADERS = ("Kind", "What they wrote", "When", "Learning areas", "Added and checked")
SUBJECT_ACCESS_WIDTHS = (0.14, 0.36, 0.14, 0.14, 0.22)


def subject_access_cells(row: dict[str, Any]) -> list[str]:
    """One row of `subject_access_rows` as the subject-access page and PDF show it."""
    started, ended = row["started_on"], row["ended_on"]
    when = " to ".join(readable(day) for day in (started, ended) if day) or "–"
    status = [f"Added {readable(row['created_at'])}"]
    if row["verified_at"]:
        status.append(f"verified by staff {readable(row['verified_at'])}")
    if row["hidden_at"]:
        status.append(f"hidden by staff {readable(row['hidden_at'])}: {row['hidden_reason']}")
    if row["removed_at"]:
        status.append(f"removed by the learner {readable(row['removed_at'])}")
    wrote = row["title"] + (f"\n{row['description']}" if row["description"] else "")
    return [row["kind"], wrote, when, ", ".join(row["learning_areas"]) or "–", "; ".join(status)]
