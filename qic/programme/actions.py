"""Changes to the careers programme. Each runs in one transaction and writes audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qic.core import audit, stale
from qic.core.actors import TASK_RECOVERY, SystemActor
from qic.core.jobs import report_progress
from qic.domain import dates
from qic.domain.academic import academic_year_of
from qic.domain.activities import ALL_ELEMENTS, ActivityType, MeaningfulElements, categories_for
from qic.frameworks.models import Criterion
from qic.learners.models import Learner
from qic.learners.parsing import LearnerFileError, parse_attendance_csv
from qic.organisations.models import Provider, User
from qic.programme import tallies
from qic.programme.models import (
    Activity,
    ActivityCategory,
    Adviser,
    AdviserCpd,
    ApiToken,
    ClassList,
    Interview,
    Participation,
    ProgrammeAnswer,
    ProviderAccessStatement,
    RegisterImport,
    RemovedParticipation,
)

logger = logging.getLogger(__name__)


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
    "needs_own_reflection",
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
    *, activity: Activity, criteria: Iterable[Criterion] | None, actor: User | SystemActor, seen: str | None = None
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
            ("needs_own_reflection", activity.needs_own_reflection),
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
    actor: User | SystemActor,
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


# --- Importing a register: a job, checked and saved by a task -----------------------------------
# (register_uploads.start_register_import stores the job and queues the task, which runs this.)

# Rows matched between two progress reports while a register is checked (a register is a few
# hundred rows: a whole year group).
REGISTER_ROWS_PER_REPORT = 100
REGISTER_FAILED_MESSAGE = "Something went wrong while importing the register. Nothing was saved."


@dataclass
class _RegisterCheck:
    """A register file matched against the roll: who was present and absent, or what is wrong."""

    present: set[int] = field(default_factory=set)
    absent: set[int] = field(default_factory=set)
    errors: list[dict[str, Any]] = field(default_factory=list)
    total_rows: int = 0


def _check_register(job: RegisterImport, data: bytes) -> _RegisterCheck:
    """Parse the file and match every row to a learner on the activity's provider's roll; reads
    only. Reports rows checked under the job's progress key. Raises LearnerFileError for a
    file that cannot be read as CSV past its header."""
    activity = job.activity
    parsed = parse_attendance_csv(data)
    check = _RegisterCheck(
        errors=[{"line": e.line, "reason": e.reason} for e in parsed.errors],
        total_rows=len(parsed.rows) + len(parsed.errors),
    )
    total = check.total_rows
    report_progress(job.progress_key, phase="checking", checked=len(parsed.errors), total=total)
    learners = Learner.objects.filter(provider_id=activity.provider_id)
    by_upn = {learner.upn: learner for learner in learners if learner.upn}
    by_uln = {learner.uln: learner for learner in learners if learner.uln}
    first_line: dict[int, int] = {}
    for n, row in enumerate(parsed.rows, start=1):
        learner = by_upn.get(row.upn) if row.upn else by_uln.get(row.uln)
        if learner is None:
            check.errors.append({"line": row.line, "reason": f"no learner on your roll has {row.upn or row.uln}"})
        elif learner.left_on is not None and learner.left_on < activity.date:
            check.errors.append({"line": row.line, "reason": f"{learner.name} had left before this activity"})
        elif learner.pk in check.absent if row.attended else learner.pk in check.present:
            # The same learner twice (e.g. once by UPN, once by ULN), present on one line and absent on the other.
            check.errors.append(
                {
                    "line": row.line,
                    "reason": f"{learner.name} is also on line {first_line[learner.pk]}, marked the other way",
                }
            )
        else:
            first_line.setdefault(learner.pk, row.line)
            (check.present if row.attended else check.absent).add(learner.pk)
        if n % REGISTER_ROWS_PER_REPORT == 0:
            report_progress(job.progress_key, phase="checking", checked=len(parsed.errors) + n, total=total)
    report_progress(job.progress_key, phase="checking", checked=total, total=total)
    check.errors.sort(key=lambda e: e["line"])
    return check


def run_register_import(job_id: int, *, actor: User | None = None) -> RegisterImport:
    """Check every row of the job's file, then save the register: all or nothing.

    The register is saved by `actor` (the request's, when it waits), else by the person who
    uploaded the file, else as "register import N".

    Claims the job first (QUEUED to CHECKING, one conditional UPDATE: a task delivered twice
    does nothing). Rows checked and the save are reported in the progress cache, never in the
    job's row, which changes only between the phases. The save is one transaction: the register
    (`record_participation`, with its audit event) and the job's DONE with its counts. Ends DONE,
    or FAILED with every bad row and its line or a message; the file is discarded either way.
    """
    claimed = RegisterImport.objects.filter(pk=job_id, status=RegisterImport.Status.QUEUED).update(
        status=RegisterImport.Status.CHECKING
    )
    if not claimed:
        return RegisterImport.objects.defer("data").get(pk=job_id)  # already run, or ended meanwhile
    job = RegisterImport.objects.select_related("activity", "created_by").get(pk=job_id)
    data, job.data = bytes(job.data or b""), None
    if job.activity.removed_at is not None:  # removed after the upload: its register is not kept up
        return _end_register_import(
            job.pk, message="The activity was removed before its register was saved. Nothing was saved."
        )
    try:
        check = _check_register(job, data)
        del data
        if check.errors:
            return _end_register_import(job.pk, errors=check.errors, total_rows=check.total_rows)
        total = len(check.present) + len(check.absent)
        RegisterImport.objects.filter(pk=job.pk, status=RegisterImport.Status.CHECKING).update(
            status=RegisterImport.Status.SAVING, total_rows=check.total_rows
        )
        report_progress(job.progress_key, phase="saving", saved=0, total=total)
        by: User | SystemActor = actor or job.created_by or SystemActor(f"register import {job.pk}")
        with transaction.atomic():
            counts = record_participation(activity=job.activity, attended=check.present, absent=check.absent, actor=by)
            done = RegisterImport.objects.filter(pk=job.pk, status=RegisterImport.Status.SAVING).update(
                status=RegisterImport.Status.DONE,
                present_count=len(check.present),
                absent_count=len(check.absent),
                added_count=counts["added"],
                changed_count=counts["changed"],
                data=None,  # it names learners: not kept once saved
                finished_at=timezone.now(),
            )
            if not done:
                # The job was ended meanwhile (taken for lost): what it says must stay true.
                transaction.set_rollback(True)
        report_progress(job.progress_key, phase="saving", saved=total, total=total)
    except LearnerFileError as exc:
        return _end_register_import(job.pk, message=f"{exc} Nothing was saved.")
    except AttendanceRefused as exc:  # the activity's date was changed to a later one meanwhile
        return _end_register_import(job.pk, message=f"{exc}. Nothing was saved.")
    except Exception:
        logger.exception("Register import %s failed", job_id)
        return _end_register_import(job.pk, message=REGISTER_FAILED_MESSAGE)
    return RegisterImport.objects.defer("data").get(pk=job.pk)


def _end_register_import(
    job_id: int, *, errors: list[dict[str, Any]] | None = None, message: str = "", total_rows: int | None = None
) -> RegisterImport:
    """End an unfinished job as FAILED with its problems; its file is discarded."""
    extra = {"total_rows": total_rows} if total_rows is not None else {}
    RegisterImport.objects.filter(pk=job_id, status__in=RegisterImport.RUNNING).update(
        status=RegisterImport.Status.FAILED,
        errors=errors or [],
        message=message,
        data=None,
        finished_at=timezone.now(),
        **extra,
    )
    return RegisterImport.objects.defer("data").get(pk=job_id)


def fail_lost_register_import(job_id: int, message: str) -> bool:
    """A job whose worker stopped (or that nothing is left to run): failed with `message`, its
    file discarded, with an `activity.register_import_failed` audit event. The save is one
    transaction, so nothing of it was written. A job that already ended is left as it is.
    Returns whether the job was failed."""
    with transaction.atomic():
        failed = RegisterImport.objects.filter(pk=job_id, status__in=RegisterImport.RUNNING).update(
            status=RegisterImport.Status.FAILED,
            message=message,
            data=None,
            finished_at=timezone.now(),
        )
        if failed:
            job = RegisterImport.objects.only("pk", "provider_id", "activity_id", "file_name").get(pk=job_id)
            audit.record(
                actor=TASK_RECOVERY,
                action="activity.register_import_failed",
                obj=job,
                after={"activity_id": job.activity_id, "file_name": job.file_name, "reason": message},
                provider_id=job.provider_id,
            )
    return bool(failed)


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
    *, adviser: Adviser, cpd_year: int | None, cpd_hours: Any, actor: User, seen: str | None = None
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
def save_interview(*, interview: Interview, actor: User, seen: str | None = None) -> Interview:
    """Record or correct an interview; refresh the tallies of its learner (and of the learner it
    was recorded for before, if that changed); audit the change.

    `seen` is the edit form's snapshot: a change made by someone else since refuses the save
    (`qic.core.stale.StaleEdit`) and nothing is written."""
    before = None
    if interview.pk:
        current = Interview.objects.select_for_update().get(pk=interview.pk)
        stale.check(current, INTERVIEW_FIELDS, seen)
        before = audit.snapshot(current, INTERVIEW_FIELDS)
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
    *, provider_id: int, year: int, answers: list[ProgrammeAnswerInput], seen: str | None, actor: User
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
    actor: User,
) -> ProgrammeAnswer:
    answer = ProgrammeAnswer.objects.filter(
        provider_id=provider_id, academic_year=year, benchmark=benchmark, indicator=indicator
    ).first()
    before = audit.snapshot(answer, ("achieved", "evidence_url", "note")) if answer else None
    if answer is None:
        answer = ProgrammeAnswer(provider_id=provider_id, academic_year=year, benchmark=benchmark, indicator=indicator)
    answer.achieved, answer.evidence_url, answer.note = achieved, evidence_url, note
    answer.answered_by = actor
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
    *, provider_id: int, name: str, scope: str, actor: User, valid_days: int = DEFAULT_TOKEN_VALIDITY_DAYS
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
def revoke_api_token(*, token: ApiToken, actor: User) -> None:
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
def record_access_statement(
    *, provider: Provider, url: str, actor: User | SystemActor, seen: str | None = None
) -> ProviderAccessStatement:
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
    statement.recorded_by = actor if isinstance(actor, User) else None  # the demo dataset is not a person
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


# --- Removal and restore -------------------------------------------------------------------------


class RemovalRefused(ValueError):
    """The record cannot be removed (or restored) as things stand; the message says why."""


def restore_deadline(removed_at: dt.datetime) -> dt.datetime:
    """The last moment a record removed at `removed_at` can be restored."""
    return removed_at + dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)


def _mark_removed(record: Activity | Interview | Adviser, actor: User) -> None:
    record.removed_at = timezone.now()
    record.removed_by = actor
    record.save(update_fields=["removed_at", "removed_by"])


def _mark_restored(record: Activity | Interview | Adviser) -> None:
    if record.removed_at is None or restore_deadline(record.removed_at) < timezone.now():
        raise RemovalRefused("This record can no longer be restored")
    record.removed_at = None
    record.removed_by = None
    record.save(update_fields=["removed_at", "removed_by"])


def _activity_learners(activity: Activity) -> list[int]:
    return list(Participation.all_objects.filter(activity=activity).values_list("learner_id", flat=True))


@transaction.atomic
def remove_activity(*, activity: Activity, actor: User) -> Activity:
    """Hide an activity and its register from every list, figure and export; the careers leader
    may restore it for QIC_RESTORE_REMOVED_DAYS. The tallies of those on its register are
    rewritten at once, so the benchmark figures no longer count it."""
    Activity.all_objects.select_for_update().filter(pk=activity.pk).values_list("pk", flat=True).first()
    _mark_removed(activity, actor)
    learners = _activity_learners(activity)
    tallies.refresh(learners, year=activity.academic_year, categories=activity.categories)
    audit.record(
        actor=actor,
        action="activity.removed",
        obj=activity,
        before=audit.snapshot(activity, ACTIVITY_AUDIT_FIELDS),
        after={"register": len(learners)},
        provider_id=activity.provider_id,
    )
    return activity


@transaction.atomic
def restore_activity(*, activity: Activity, actor: User) -> Activity:
    """Bring back a removed activity with its register; its learners' tallies count it again."""
    Activity.all_objects.select_for_update().filter(pk=activity.pk).values_list("pk", flat=True).first()
    _mark_restored(activity)
    learners = _activity_learners(activity)
    tallies.refresh(learners, year=activity.academic_year, categories=activity.categories)
    audit.record(
        actor=actor,
        action="activity.restored",
        obj=activity,
        after={**audit.snapshot(activity, ACTIVITY_AUDIT_FIELDS), "register": len(learners)},
        provider_id=activity.provider_id,
    )
    return activity


@transaction.atomic
def remove_interview(*, interview: Interview, actor: User) -> Interview:
    """Hide an interview everywhere (restorable for a period); its learner's BM8 tally drops at once."""
    _mark_removed(interview, actor)
    tallies.refresh([interview.learner_id])
    audit.record(
        actor=actor,
        action="interview.removed",
        obj=interview,
        before=audit.snapshot(interview, INTERVIEW_FIELDS),
        provider_id=interview.provider_id,
        learner_id=interview.learner_id,
    )
    return interview


@transaction.atomic
def restore_interview(*, interview: Interview, actor: User) -> Interview:
    if Adviser.all_objects.filter(pk=interview.adviser_id, removed_at__isnull=False).exists():
        raise RemovalRefused("Restore the adviser first: the interview was given by an adviser who has been removed")
    _mark_restored(interview)
    tallies.refresh([interview.learner_id])
    audit.record(
        actor=actor,
        action="interview.restored",
        obj=interview,
        after=audit.snapshot(interview, INTERVIEW_FIELDS),
        provider_id=interview.provider_id,
        learner_id=interview.learner_id,
    )
    return interview


@transaction.atomic
def remove_adviser(*, adviser: Adviser, actor: User) -> Adviser:
    """Remove an adviser added by mistake. One who has given interviews is refused: the interviews
    are evidence; they are corrected or removed first (or the adviser marked as no longer active)."""
    Adviser.all_objects.select_for_update().filter(pk=adviser.pk).values_list("pk", flat=True).first()
    given = Interview.objects.filter(adviser=adviser).count()
    if given:
        raise RemovalRefused(
            f"{adviser.name} has {given} interview{'s' if given != 1 else ''} recorded. Change the adviser of "
            "those interviews or remove them first, or edit the adviser and untick “active” instead."
        )
    _mark_removed(adviser, actor)
    audit.record(
        actor=actor,
        action="adviser.removed",
        obj=adviser,
        before=audit.snapshot(adviser, ADVISER_FIELDS),
        provider_id=adviser.provider_id,
    )
    return adviser


@transaction.atomic
def restore_adviser(*, adviser: Adviser, actor: User) -> Adviser:
    _mark_restored(adviser)
    audit.record(
        actor=actor,
        action="adviser.restored",
        obj=adviser,
        after=audit.snapshot(adviser, ADVISER_FIELDS),
        provider_id=adviser.provider_id,
    )
    return adviser


def _activity_categories(activity: Activity) -> list[str]:
    return list(ActivityCategory.objects.filter(activity=activity).values_list("category", flat=True))


@transaction.atomic
def remove_from_register(*, activity: Activity, learner_id: int, actor: User) -> RemovedParticipation:
    """Take one learner off an activity's register, keeping the mark in a RemovedParticipation
    that the careers leader may restore for QIC_RESTORE_REMOVED_DAYS. The learner's tally for the
    activity's year and categories is rewritten at once. Raises Participation.DoesNotExist if
    the learner is not on the register. Writes `activity.register_updated` (as a register save
    that removes someone does) with the learner's id."""
    Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk", flat=True).first()
    participation = Participation.objects.get(activity=activity, learner_id=learner_id)
    removed = RemovedParticipation.objects.create(
        activity=activity,
        learner_id=learner_id,
        attended=participation.attended,
        removed_at=timezone.now(),
        removed_by=actor,
    )
    participation.delete()
    tallies.refresh([learner_id], year=activity.academic_year, categories=_activity_categories(activity))
    audit.record(
        actor=actor,
        action="activity.register_updated",
        obj=activity,
        before={str(learner_id): participation.attended},
        after={"added": {}, "changed": {}, "removed": [learner_id], "restorable": removed.pk},
        provider_id=activity.provider_id,
        learner_id=learner_id,
    )
    return removed


@transaction.atomic
def restore_to_register(*, removed: RemovedParticipation, actor: User) -> str:
    """Put a learner taken off a register back with the mark they had, and rewrite their tally as
    a register save does. If they were marked again meanwhile, the newer mark is kept and nothing
    changes on the register. Either way the removed record is used up. Returns "restored" or
    "kept"; raises RemovalRefused when past QIC_RESTORE_REMOVED_DAYS or its activity is removed.
    Writes `activity.register_restored` (or `activity.register_restore_skipped`)."""
    activity = Activity.all_objects.select_for_update().get(pk=removed.activity_id)
    if restore_deadline(removed.removed_at) < timezone.now():
        raise RemovalRefused("This register entry can no longer be restored")
    if activity.removed_at is not None:
        raise RemovalRefused("Restore the activity first: its register was removed with it")
    now_marked = (
        Participation.objects.filter(activity=activity, learner_id=removed.learner_id)
        .values_list("attended", flat=True)
        .first()
    )
    outcome = "kept" if now_marked is not None else "restored"
    if now_marked is None:
        Participation.objects.create(activity=activity, learner_id=removed.learner_id, attended=removed.attended)
        tallies.refresh([removed.learner_id], year=activity.academic_year, categories=_activity_categories(activity))
    audit.record(
        actor=actor,
        action="activity.register_restored" if now_marked is None else "activity.register_restore_skipped",
        obj=activity,
        before={str(removed.learner_id): now_marked},
        after={str(removed.learner_id): removed.attended if now_marked is None else now_marked},
        provider_id=activity.provider_id,
        learner_id=removed.learner_id,
    )
    removed.delete()
    return outcome


def purge_removed(*, now: dt.datetime, actor: SystemActor) -> dict[str, int]:
    """Delete for good what was removed more than QIC_RESTORE_REMOVED_DAYS before `now`: learners
    taken off registers, interviews, then activities (with their registers), then advisers no
    interview refers to any more. Each record deleted writes a `*.purged` event (no names). Safe
    to run again: it finds what is left."""
    cutoff = now - dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)
    counts = {"interviews": 0, "activities": 0, "advisers": 0, "register_entries": 0}
    for entry in RemovedParticipation.objects.filter(removed_at__lt=cutoff).select_related("activity").order_by("pk"):
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="activity.register_entry_purged",
                obj=entry.activity,
                provider_id=entry.activity.provider_id,
                learner_id=entry.learner_id,
            )
            entry.delete()
            counts["register_entries"] += 1
    for interview in Interview.all_objects.filter(removed_at__lt=cutoff).order_by("pk"):
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="interview.purged",
                obj=interview,
                provider_id=interview.provider_id,
                learner_id=interview.learner_id,
            )
            interview.delete()
            counts["interviews"] += 1
    for activity in Activity.all_objects.filter(removed_at__lt=cutoff).order_by("pk"):
        with transaction.atomic():
            register = Participation.all_objects.filter(activity=activity).count()
            audit.record(
                actor=actor,
                action="activity.purged",
                obj=activity,
                before={"title": activity.title, "date": activity.date.isoformat(), "register": register},
                provider_id=activity.provider_id,
            )
            activity.delete()
            counts["activities"] += 1
    unreferenced = Adviser.all_objects.filter(removed_at__lt=cutoff).exclude(
        pk__in=Interview.all_objects.values("adviser_id")
    )
    for adviser in unreferenced.order_by("pk"):
        with transaction.atomic():
            audit.record(actor=actor, action="adviser.purged", obj=adviser, provider_id=adviser.provider_id)
            adviser.delete()
            counts["advisers"] += 1
    return counts


# --- Class lists ---------------------------------------------------------------------------------


def _class_list_learners(class_list: ClassList) -> list[int]:
    return sorted(class_list.learners.values_list("pk", flat=True))


@transaction.atomic
def create_class_list(*, provider: Provider, name: str, learner_ids: Iterable[int], actor: User) -> ClassList:
    """Save learners of `provider` as a class list called `name`. Raises ValueError if any id is
    not one of the provider's learners. Writes `class_list.created` (learner ids, no names)."""
    ids = set(learner_ids)
    if not ids or Learner.objects.filter(provider=provider, pk__in=ids).count() != len(ids):
        raise ValueError("Some learners are not on this provider's roll")
    class_list = ClassList.objects.create(provider=provider, name=name, created_by=actor)
    class_list.learners.add(*ids)
    audit.record(
        actor=actor,
        action="class_list.created",
        obj=class_list,
        after={"name": name, "learners": sorted(ids)},
        provider_id=provider.pk,
        learner_data=True,  # a class list names who is in it
    )
    return class_list


@transaction.atomic
def rename_class_list(*, class_list: ClassList, name: str, actor: User) -> ClassList:
    """Rename a class list; writes `class_list.renamed` with the old and new names."""
    old = class_list.name
    class_list.name = name
    class_list.save(update_fields=["name"])
    audit.record(
        actor=actor,
        action="class_list.renamed",
        obj=class_list,
        before={"name": old},
        after={"name": name},
        provider_id=class_list.provider_id,
    )
    return class_list


@transaction.atomic
def remove_class_list(*, class_list: ClassList, actor: User) -> None:
    """Delete a class list (its learners and registers are untouched); writes `class_list.removed`
    with the name and learner ids it had."""
    audit.record(
        actor=actor,
        action="class_list.removed",
        obj=class_list,
        before={"name": class_list.name, "learners": _class_list_learners(class_list)},
        provider_id=class_list.provider_id,
        learner_data=True,
    )
    class_list.delete()
