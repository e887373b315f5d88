"""Changes to the careers programme. Each runs in one transaction and writes audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from qic.core import audit, stale
from qic.domain import dates
from qic.domain.academic import academic_year_of
from qic.domain.activities import ALL_ELEMENTS, ActivityType, MeaningfulElements, categories_for
from qic.frameworks.models import Criterion
from qic.learners.models import Learner
from qic.learners.parsing import LearnerFileError, parse_attendance_csv
from qic.programme import tallies
from qic.programme.models import (
    Activity,
    ActivityCategory,
    Adviser,
    AdviserCpd,
    ApiToken,
    Interview,
    Participation,
    ProgrammeAnswer,
    ProviderAccessStatement,
)


class AttendanceRefused(ValueError):
    """A register cannot be kept for an activity that has not happened yet."""


class RegisterChanged(Exception):
    """Someone else marked some of these learners since the register was opened; nothing was saved."""

    def __init__(self, now: dict[str, bool]) -> None:
        super().__init__("Someone else changed this register since you opened it")
        self.now = now  # learner's name -> present now


ACTIVITY_AUDIT_FIELDS = (
    "title",
    "activity_type",
    "subtype",
    "date",
    "partner",
    "subject",
    "curriculum_area",
    "hours",
    "year_groups",
    "description",
    *(element.field for element in ALL_ELEMENTS),
    "categories",
    "provider_access",
    "access_provider_type",
    "in_school_day",
    "access_covers_provider",
    "access_covers_careers",
    "access_covers_learning",
    "access_covers_questions",
)


@transaction.atomic
def save_activity(
    *, activity: Activity, criteria: Iterable[Criterion] | None, actor: Any, seen: str | None = None
) -> Activity:
    """Create or update an activity; work out what it is evidence of; audit the change.

    `seen` is the edit form's snapshot: a change made by someone else since refuses the save
    (`qic.core.stale.StaleEdit`) and nothing is written.
    """
    before = None
    if activity.pk:
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        stale.check(current, ACTIVITY_AUDIT_FIELDS, seen)
        before = audit.snapshot(current, ACTIVITY_AUDIT_FIELDS)
    activity.academic_year = academic_year_of(activity.date)
    categories = categories_for(
        activity_type=ActivityType(activity.activity_type),
        subtype=activity.subtype,
        meaningful=MeaningfulElements.of(activity),
        year=activity.academic_year,
        subject=activity.subject,
    )
    activity.categories = sorted(c.value for c in categories)
    activity.save()
    evidence_changed = before is not None and any(
        before[key] != value
        for key, value in (
            ("categories", activity.categories),
            ("date", activity.date.isoformat()),
            ("curriculum_area", activity.curriculum_area),
        )
    )
    ActivityCategory.objects.filter(activity=activity).exclude(category__in=activity.categories).delete()
    ActivityCategory.objects.bulk_create(
        [ActivityCategory(activity=activity, category=c) for c in activity.categories], ignore_conflicts=True
    )
    if criteria is not None:
        activity.criteria.set(list(criteria))
    if evidence_changed:
        tallies.refresh(activity.participations.values_list("learner_id", flat=True))
    audit.record(
        actor=actor,
        action="activity.updated" if before else "activity.created",
        obj=activity,
        before=before,
        after=audit.snapshot(activity, ACTIVITY_AUDIT_FIELDS),
        provider_id=activity.provider_id,
    )
    return activity


@transaction.atomic
def record_participation(
    *,
    activity: Activity,
    attended: Iterable[int],
    absent: Iterable[int],
    actor: Any,
    replace: bool = False,
    opened_at: dt.datetime | None = None,
) -> dict[str, int]:
    """Mark learners (by id, all of the activity's provider) as attended or absent.

    With `replace`, anyone previously recorded but in neither list is removed from the
    register. Returns counts; writes one audit event listing the changes. With `opened_at`
    (when the form was drawn), a learner whom someone else marked since then and whom this
    save would mark the other way refuses the whole save (RegisterChanged): nothing is written.
    """
    # Two saves of one register take turns, so that neither reads a register the other is changing.
    Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk", flat=True).first()
    attended_ids, absent_ids = set(attended), set(absent)
    if attended_ids & absent_ids:
        raise ValueError("A learner cannot be both present and absent")
    valid = set(
        Learner.objects.filter(provider_id=activity.provider_id, pk__in=attended_ids | absent_ids).values_list(
            "pk", flat=True
        )
    )
    if valid != attended_ids | absent_ids:
        raise ValueError("Some learners are not on this provider's roll")
    rows = Participation.objects.filter(activity=activity).values_list("learner_id", "attended", "recorded_at")
    current = {learner_id: present for learner_id, present, _ in rows}
    marked_at = {learner_id: at for learner_id, _, at in rows}
    wanted = dict.fromkeys(attended_ids, True) | dict.fromkeys(absent_ids, False)
    to_create = [
        Participation(activity=activity, learner_id=pk, attended=v) for pk, v in wanted.items() if pk not in current
    ]
    to_flip = [pk for pk, v in wanted.items() if pk in current and current[pk] != v]
    if opened_at is not None and (changed := [pk for pk in to_flip if marked_at[pk] > opened_at]):
        learners = Learner.objects.filter(pk__in=changed).order_by("surname", "forename")
        raise RegisterChanged({learner.name: current[learner.pk] for learner in learners})
    # Taking someone off a register is always allowed; marking who took part waits for the day.
    if (to_create or to_flip) and (problem := dates.attendance(activity.date, today=timezone.localdate())):
        raise AttendanceRefused(problem)
    removed = [pk for pk in current if pk not in wanted] if replace else []
    Participation.objects.bulk_create(to_create, batch_size=500)
    for value in (True, False):
        ids = [pk for pk in to_flip if wanted[pk] == value]
        if ids:
            Participation.objects.filter(activity=activity, learner_id__in=ids).update(
                attended=value, recorded_at=timezone.now()
            )
    if removed:
        Participation.objects.filter(activity=activity, learner_id__in=removed).delete()
    # Only this activity's year and categories can change: the rest of each tally stays as it is.
    tallies.refresh(
        [p.learner_id for p in to_create if p.attended] + to_flip + removed,
        year=activity.academic_year,
        categories=list(ActivityCategory.objects.filter(activity=activity).values_list("category", flat=True)),
    )
    if to_create or to_flip or removed:
        audit.record(
            actor=actor,
            action="activity.register_updated",
            obj=activity,
            before={str(pk): current[pk] for pk in [*to_flip, *removed]},
            after={
                "added": {str(p.learner_id): p.attended for p in to_create},
                "changed": {str(pk): wanted[pk] for pk in to_flip},
                "removed": sorted(removed),
            },
            provider_id=activity.provider_id,
            learner_data=True,  # a register names who took part
        )
    return {"added": len(to_create), "changed": len(to_flip), "removed": len(removed)}


@dataclass
class AttendanceImport:
    present: int = 0
    absent: int = 0
    added: int = 0
    changed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def import_attendance(*, activity: Activity, data: bytes, actor: Any) -> AttendanceImport:
    """Read a register CSV and save it; every row must match a learner on roll, or nothing is saved.

    Raises LearnerFileError for a whole-file problem. Returns counts, or the row errors.
    """
    if problem := dates.attendance(activity.date, today=timezone.localdate()):
        raise LearnerFileError(problem + ".")
    parsed = parse_attendance_csv(data)
    outcome = AttendanceImport(errors=[{"line": e.line, "reason": e.reason} for e in parsed.errors])
    learners = Learner.objects.filter(provider_id=activity.provider_id)
    by_upn = {learner.upn: learner for learner in learners if learner.upn}
    by_uln = {learner.uln: learner for learner in learners if learner.uln}
    present: set[int] = set()
    absent: set[int] = set()
    for row in parsed.rows:
        learner = by_upn.get(row.upn) if row.upn else by_uln.get(row.uln)
        if learner is None:
            outcome.errors.append({"line": row.line, "reason": f"no learner on your roll has {row.upn or row.uln}"})
        elif learner.left_on is not None and learner.left_on < activity.date:
            outcome.errors.append({"line": row.line, "reason": f"{learner.name} had left before this activity"})
        else:
            (present if row.attended else absent).add(learner.pk)
    if outcome.errors:
        outcome.errors.sort(key=lambda e: e["line"])
        return outcome
    counts = record_participation(activity=activity, attended=present, absent=absent, actor=actor)
    outcome.present, outcome.absent = len(present), len(absent)
    outcome.added, outcome.changed = counts["added"], counts["changed"]
    return outcome


ADVISER_FIELDS = ("name", "organisation", "qualification_level", "on_uk_register", "matrix_accredited", "active")


def adviser_snapshot(adviser: Adviser, cpd_year: int) -> dict[str, Any]:
    """What the adviser form shows, for `qic.core.stale`: the adviser's fields and the year's CPD hours.

    The hours are in it because the form saves them too: a stale form must not put back the
    hours someone else recorded since.
    """
    hours = AdviserCpd.objects.filter(adviser_id=adviser.pk, academic_year=cpd_year).values_list("hours", flat=True)
    return audit.snapshot(adviser, ADVISER_FIELDS) | {"cpd_hours": audit.json_ready(hours.first())}


@transaction.atomic
def save_adviser(
    *, adviser: Adviser, cpd_year: int | None, cpd_hours: Any, actor: Any, seen: str | None = None
) -> Adviser:
    """Create or update an adviser, with the year's CPD hours if given; audit it.

    `seen` is the edit form's snapshot (`adviser_snapshot`): a change made by someone else since,
    to the adviser or to the year's hours, refuses the save with StaleEdit and nothing is written.
    """
    before = None
    if adviser.pk:
        current = Adviser.objects.select_for_update().get(pk=adviser.pk)
        if cpd_year is None:
            stale.check(current, ADVISER_FIELDS, seen)
        else:
            stale.compare(adviser_snapshot(current, cpd_year), seen)
        before = audit.snapshot(current, ADVISER_FIELDS)
    adviser.save()
    if cpd_year is not None and cpd_hours is not None:
        AdviserCpd.objects.update_or_create(adviser=adviser, academic_year=cpd_year, defaults={"hours": cpd_hours})
    audit.record(
        actor=actor,
        action="adviser.updated" if before else "adviser.created",
        obj=adviser,
        before=before,
        after={**audit.snapshot(adviser, ADVISER_FIELDS), "cpd": {str(cpd_year): str(cpd_hours)} if cpd_year else {}},
        provider_id=adviser.provider_id,
    )
    return adviser


INTERVIEW_FIELDS = ("learner_id", "adviser_id", "date", "duration_minutes", "summary", "agreed_actions")


@transaction.atomic
def save_interview(*, interview: Interview, actor: Any) -> Interview:
    before = audit.snapshot(Interview.objects.get(pk=interview.pk), INTERVIEW_FIELDS) if interview.pk else None
    interview.academic_year = academic_year_of(interview.date)
    interview.save()
    tallies.refresh([interview.learner_id, *([before["learner_id"]] if before else [])])
    audit.record(
        actor=actor,
        action="interview.updated" if before else "interview.recorded",
        obj=interview,
        before=before,
        after=audit.snapshot(interview, INTERVIEW_FIELDS),
        provider_id=interview.provider_id,
        learner_id=interview.learner_id,
    )
    return interview


PROGRAMME_ANSWER_FIELDS = ("achieved", "evidence_url", "note")


def programme_prefix(benchmark: int, indicator: int) -> str:
    """The form prefix of one indicator on the programme answers page."""
    return f"q-{benchmark}-{indicator}"


def programme_snapshot(
    questions: Iterable[tuple[int, int]], answers: Mapping[tuple[int, int], ProgrammeAnswer]
) -> dict[str, Any]:
    """The answers to these (benchmark, indicator) questions as the answers page shows them (an
    unanswered one as blank): one snapshot of the page for `qic.core.stale`."""
    blank = {"achieved": False, "evidence_url": "", "note": ""}
    return stale.page_snapshot(
        {
            programme_prefix(*q): audit.snapshot(answers[q], PROGRAMME_ANSWER_FIELDS) if q in answers else blank
            for q in questions
        }
    )


@dataclass(frozen=True)
class ProgrammeAnswerInput:
    benchmark: int
    indicator: int
    achieved: bool
    evidence_url: str
    note: str


@transaction.atomic
def save_programme_answers(
    *, provider_id: int, year: int, answers: list[ProgrammeAnswerInput], seen: str | None, actor: Any
) -> None:
    """Save the programme answers page: an answer for every indicator it showed.

    All or nothing: saves of the provider's answers take turns (`stale.take_turns`: two first
    answers to one indicator cannot collide), and if anyone changed any answer since the page was
    drawn (`seen`, from `programme_snapshot`) the whole save is refused with StaleEdit and nothing
    is written. Writes a `programme.answered` audit event per answer that changed.
    """
    stale.take_turns(provider_id)
    existing = {
        (a.benchmark, a.indicator): a
        for a in ProgrammeAnswer.objects.filter(provider_id=provider_id, academic_year=year)
    }
    stale.compare(programme_snapshot([(a.benchmark, a.indicator) for a in answers], existing), seen)
    for a in answers:
        answer_programme_question(
            provider_id=provider_id,
            year=year,
            benchmark=a.benchmark,
            indicator=a.indicator,
            achieved=a.achieved,
            evidence_url=a.evidence_url,
            note=a.note,
            actor=actor,
        )


@transaction.atomic
def answer_programme_question(
    *,
    provider_id: int,
    year: int,
    benchmark: int,
    indicator: int,
    achieved: bool,
    evidence_url: str,
    note: str,
    actor: Any,
) -> ProgrammeAnswer:
    answer = ProgrammeAnswer.objects.filter(
        provider_id=provider_id, academic_year=year, benchmark=benchmark, indicator=indicator
    ).first()
    before = audit.snapshot(answer, ("achieved", "evidence_url", "note")) if answer else None
    if answer is None:
        answer = ProgrammeAnswer(provider_id=provider_id, academic_year=year, benchmark=benchmark, indicator=indicator)
    answer.achieved, answer.evidence_url, answer.note = achieved, evidence_url, note
    answer.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    after = audit.snapshot(answer, ("achieved", "evidence_url", "note"))
    if before != after:
        answer.save()
        audit.record(
            actor=actor, action="programme.answered", obj=answer, before=before, after=after, provider_id=provider_id
        )
    return answer


# How long a new token may work: the choices offered when it is made. A year is the default and
# the longest, so that a forgotten token stops working by itself.
TOKEN_VALIDITY_DAYS = (30, 90, 365)
DEFAULT_TOKEN_VALIDITY_DAYS = 365


@transaction.atomic
def create_api_token(
    *, provider_id: int, name: str, scope: str, actor: Any, valid_days: int = DEFAULT_TOKEN_VALIDITY_DAYS
) -> tuple[ApiToken, str]:
    """Create a token for MIS integrations; returns it with the plain value, shown only once.

    `scope` is `ApiToken.Scope.READ` or `READ_WRITE`; the token expires `valid_days` from now
    (one of TOKEN_VALIDITY_DAYS). Writes an `api_token.created` audit event.
    """
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"Unknown token scope: {scope!r}")
    if valid_days not in TOKEN_VALIDITY_DAYS:
        raise ValueError(f"A token is valid for one of {TOKEN_VALIDITY_DAYS} days, not {valid_days}")
    plain = "qic_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        provider_id=provider_id,
        name=name,
        token_hash=hash_token(plain),
        prefix=plain[4:12],
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=valid_days),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="api_token.created",
        obj=token,
        after={"name": name, "prefix": token.prefix, "scope": scope, "expires_at": token.expires_at},
        provider_id=provider_id,
    )
    return token, plain


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor: Any) -> None:
    """Stop the token working now; writes an `api_token.revoked` audit event."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="api_token.revoked",
        obj=token,
        after={"name": token.name, "prefix": token.prefix, "revoked_at": token.revoked_at},
        provider_id=token.provider_id,
    )


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def access_statement_snapshot(statement: ProviderAccessStatement | None) -> dict[str, Any]:
    """The statement's address as its form shows it (blank when none is recorded), for `qic.core.stale`."""
    return {"url": statement.url if statement else ""}


@transaction.atomic
def record_access_statement(*, provider: Any, url: str, actor: Any, seen: str | None = None) -> ProviderAccessStatement:
    """Record (or change) where the provider access policy statement is published; audited.

    `seen` is the form's snapshot (`access_statement_snapshot`): if anyone recorded another
    address since the form was drawn, the save is refused with StaleEdit and nothing is written.
    """
    # Not the statement's row: there may be none to lock yet, and two first recordings must take
    # turns rather than collide.
    stale.take_turns(provider.pk)
    statement = ProviderAccessStatement.objects.filter(provider=provider).first()
    stale.compare(access_statement_snapshot(statement), seen)
    before = {"url": statement.url} if statement else None
    if statement is None:
        statement = ProviderAccessStatement(provider=provider)
    statement.url = url
    statement.recorded_by = actor if getattr(actor, "pk", None) else None  # the demo dataset is not a person
    statement.save()
    audit.record(
        actor=actor,
        action="provider_access_statement.recorded",
        obj=statement,
        before=before,
        after={"url": url},
        provider_id=provider.pk,
    )
    return statement
