"""Learner import jobs' work: reading and checking a learner file (CSV or CTF) against a
provider's roll, the preview's plan, and saving a confirmed import all or nothing; cancelling
a preview, and failing a job whose worker was lost. Also the upload limits and the fields an
import owns.

Run by qic.learners.tasks (the check and the save) or inline by qic.learners.actions with
`wait`; imports neither of them: actions → tasks → imports, with no way back. Starting and
confirming an import queue a task, so they are in actions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qic.core import audit, bulk
from qic.core.actors import TASK_RECOVERY, SystemActor
from qic.core.jobs import report_progress
from qic.domain.academic import academic_year_of, year_label
from qic.domain.names import search_key
from qic.learners import signals
from qic.learners.models import FLAG_FIELDS, Learner, LearnerImport
from qic.learners.parsing import (
    CtfHeader,
    LearnerFileError,
    LearnerRow,
    ParseResult,
    count_records,
    parse_ctf,
    parse_learner_csv,
)
from qic.organisations.models import Provider, User

logger = logging.getLogger(__name__)

# Fields an import owns. Anything else on a learner (e.g. considering HE, set in the app) is
# only changed by an import when the file has a value for it.
IMPORTED_FIELDS = (
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "year_group",
    "registration_group",
    *FLAG_FIELDS,
    "study_programme",
    "curriculum_area",
    "programme_end",
)
LEARNER_AUDIT_FIELDS = ("upn", "uln", *IMPORTED_FIELDS, "year_group_recorded_in", "joined_on", "left_on")


def _values(row: LearnerRow, recorded_in: int) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in IMPORTED_FIELDS}
    values["year_group_recorded_in"] = recorded_in if row.year_group is not None else None
    return values


def file_kind(data: bytes) -> str:
    """A CTF is XML; anything else is read as CSV (the parser then says if it is not)."""
    return LearnerImport.Kind.CTF if data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<") else LearnerImport.Kind.CSV


# --- Limits, checked before any parsing -------------------------------------------------------


def _size(size: int) -> str:
    """20971520 -> '20 MB'; 20971521 -> '20.1 MB' (rounded up, so a file just over a limit
    never reads as the limit itself); 1500 -> '1,500 bytes'."""
    megabyte = 1024 * 1024
    if size < megabyte:
        return f"{size:,} bytes"
    tenths = -(-size * 10 // megabyte)
    return f"{tenths / 10:.1f}".removesuffix(".0") + " MB"


def size_limit_problem(size: int) -> str | None:
    """Why a learner file of `size` bytes is refused, or None. Checked before it is read."""
    limit = settings.QIC_LEARNER_IMPORT_MAX_BYTES
    if size > limit:
        return (
            f"The file is {_size(size)}: the largest learner file you can import is "
            f"{_size(limit)}. Export fewer columns, or split the file by year group."
        )
    return None


def file_limit_problem(data: bytes) -> str | None:
    """Why a learner file is refused before parsing (too big, too many rows), or None."""
    problem = size_limit_problem(len(data))
    if problem is not None:
        return problem
    limit = settings.QIC_LEARNER_IMPORT_MAX_ROWS
    rows = count_records(data, file_kind(data))
    if rows > limit:
        return (
            f"The file has {rows:,} rows: the most one import can take is {limit:,}. "
            "Split it into smaller files (each then imported without marking anyone as left)."
        )
    return None


# --- The plan: what an import would change ----------------------------------------------------


@dataclass
class ImportPlan:
    """What writing a checked file would do to the roll, and a digest of exactly that."""

    new_learners: list[Learner] = field(default_factory=list)
    # (learner with the new values set, the changed fields' old values)
    updates: list[tuple[Learner, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    leaving: list[Learner] = field(default_factory=list)
    roll_count: int = 0
    digest: str = ""


def plan_learner_rows(
    *, existing: list[Learner], rows: list[LearnerRow], full_import: bool, recorded_in: int
) -> ImportPlan:
    """Match each row to a learner by UPN (or ULN) and work out the change; reads only.

    `existing` is every learner of the provider (on roll or not). The digest covers every
    learner created, every field changed (before and after) and every learner marked as
    left, so two plans with the same digest write the same thing.
    """
    plan = ImportPlan(roll_count=sum(1 for learner in existing if learner.left_on is None))
    by_upn = {learner.upn: learner for learner in existing if learner.upn}
    by_uln = {learner.uln: learner for learner in existing if learner.uln}
    seen: set[int] = set()
    for row in rows:
        learner = (by_upn.get(row.upn) if row.upn else None) or (by_uln.get(row.uln) if row.uln else None)
        values = _values(row, recorded_in)
        if learner is None:
            # The file does not say when a learner joined; None means "on roll as far as we know".
            plan.new_learners.append(Learner(upn=row.upn, uln=row.uln, **values))
            continue
        seen.add(learner.pk)
        before = audit.snapshot(learner, LEARNER_AUDIT_FIELDS)
        for key, value in values.items():
            setattr(learner, key, value)
        if row.upn and not learner.upn:
            learner.upn = row.upn
        if row.uln and not learner.uln:
            learner.uln = row.uln
        learner.left_on = None  # back on roll, if they had left
        after = audit.snapshot(learner, LEARNER_AUDIT_FIELDS)
        changed = {k: before[k] for k in before if before[k] != after[k]}
        if changed:
            plan.updates.append((learner, changed))
        else:
            plan.unchanged += 1
    if full_import:
        plan.leaving = sorted(
            (learner for learner in existing if learner.pk not in seen and learner.left_on is None),
            key=lambda learner: (learner.surname.casefold(), learner.forename.casefold(), learner.pk),
        )
    content = {
        "full": full_import,
        "new": [audit.snapshot(learner, LEARNER_AUDIT_FIELDS) for learner in plan.new_learners],
        "updated": [[learner.pk, changed, audit.snapshot(learner, changed)] for learner, changed in plan.updates],
        "unchanged": plan.unchanged,
        "leaving": [learner.pk for learner in plan.leaving],
    }
    plan.digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    return plan


@dataclass
class ImportCheck:
    """The outcome of checking a file against a provider's roll. Nothing is written."""

    errors: list[dict[str, Any]]  # every problem, sorted by line
    plan: ImportPlan | None  # None when there are errors
    total_rows: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadFile:
    """A learner file read and checked on its own (no learner on record read yet)."""

    parsed: ParseResult | None  # None when the file as a whole was refused
    errors: list[dict[str, Any]]
    notes: list[str]
    recorded_in: int
    total_rows: int


def read_learner_file(
    *, provider: Provider, kind: str, data: bytes, today: dt.date, on_rows: Callable[[int], None] | None = None
) -> ReadFile:
    """Parse `data` and check what can be checked without the roll (the CTF's destination).

    The slow part of a check, and it reads no learner: it runs before, and outside, the
    transaction of a save. `on_rows(n)` is told as rows are read.
    """
    recorded_in = academic_year_of(today)
    try:
        if kind == LearnerImport.Kind.CTF:
            parsed = parse_ctf(data, today=today, on_rows=on_rows)
        else:
            parsed = parse_learner_csv(data, college=provider.is_college, today=today, on_rows=on_rows)
    except LearnerFileError as exc:
        return ReadFile(None, [{"line": 0, "reason": str(exc)}], [], recorded_in, 0)
    notes: list[str] = []
    if parsed.header is not None:
        problem, note = _ctf_destination(provider, parsed.header)
        if problem is not None:
            return ReadFile(None, [{"line": 0, "reason": problem}], [], recorded_in, 0)
        notes += [note] if note else []
        if parsed.header.academic_year is not None:
            # The year groups are those of the file's year; they roll forward from there.
            recorded_in = parsed.header.academic_year
            notes.append(f"The file's year groups are for {year_label(recorded_in)}.")
    errors = [{"line": e.line, "reason": e.reason} for e in parsed.errors]
    errors += _school_rules(provider, parsed)
    return ReadFile(parsed, errors, notes, recorded_in, len(parsed.rows) + len(parsed.errors))


def plan_learner_file(*, provider: Provider, read: ReadFile, full_import: bool, lock: bool = False) -> ImportCheck:
    """Match a read file against the provider's learners and plan the import; writes nothing.

    With `lock` (inside a transaction), the provider's learners are locked until it ends, so
    the plan stays true while it is written.
    """
    if read.parsed is None:
        return ImportCheck(errors=read.errors, plan=None)
    learners = Learner.objects.filter(provider=provider).order_by("pk")
    # FOR NO KEY UPDATE, not FOR UPDATE: the import never changes a learner's id, and a plain
    # FOR UPDATE also blocks the foreign-key checks of a register saved meanwhile. On PostgreSQL
    # those run at commit, after the register's audit event has taken the provider's audit lock,
    # which the import then waits for: a deadlock (seen in the load run, issue 11).
    existing = list(learners.select_for_update(no_key=True) if lock else learners)
    errors = read.errors + _identifier_conflicts(existing, read.parsed)
    if errors:
        return ImportCheck(
            errors=sorted(errors, key=lambda e: e["line"]), plan=None, total_rows=read.total_rows, notes=read.notes
        )
    plan = plan_learner_rows(
        existing=existing, rows=read.parsed.rows, full_import=full_import, recorded_in=read.recorded_in
    )
    return ImportCheck(errors=[], plan=plan, total_rows=read.total_rows, notes=read.notes)


def check_learner_file(
    *,
    provider: Provider,
    kind: str,
    data: bytes,
    full_import: bool,
    today: dt.date,
    lock: bool = False,
    on_rows: Callable[[int], None] | None = None,
) -> ImportCheck:
    """Parse `data`, apply the provider's rules and plan the import; writes nothing.

    With `lock` (inside a transaction), the provider's learners are locked until it ends, so
    the plan stays true while it is written.
    """
    read = read_learner_file(provider=provider, kind=kind, data=data, today=today, on_rows=on_rows)
    return plan_learner_file(provider=provider, read=read, full_import=full_import, lock=lock)


def _as_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _ctf_destination(provider: Provider, header: CtfHeader) -> tuple[str | None, str | None]:
    """(why the CTF is refused, None) if it is addressed to another school; else (None, a note).

    A CTF names its destination by URN or by DfE number (LA code and establishment number);
    ours come from GIAS. When neither can be compared, the preview says where the file was
    addressed so that the leader can see it before confirming.
    """
    dest = header.destination
    ours = f"{provider.name} (URN {provider.urn})"
    refused = "This Common Transfer File is addressed to {dest}, not to {ours}. Nothing was imported."
    if dest.urn:
        if _as_number(dest.urn) != provider.urn:
            return refused.format(dest=f"URN {dest.urn}", ours=ours), None
        return None, f"Addressed to URN {dest.urn}: this school."
    la, estab = _as_number(dest.la), _as_number(dest.estab)
    if la is None or estab is None:
        shown = "/".join(part for part in (dest.la, dest.estab) if part) or "nothing"
        return None, f"The file does not name the school it is for (its destination is {shown})."
    number = f"DfE number {dest.dfe_number}"
    own_la, own_estab = _as_number(provider.la_code), _as_number(provider.establishment_number)
    if (own_la, own_estab) == (la, estab):
        return None, f"Addressed to {number}: this school."
    other = (
        Provider.objects.filter(la_code__in=[dest.la, str(la)], establishment_number__in=[dest.estab, str(estab)])
        .exclude(pk=provider.pk)
        .first()
    )
    if other is not None:
        return refused.format(dest=f"{other.name} (URN {other.urn}, {number})", ours=ours), None
    if own_estab is not None or (own_la is not None and own_la != la):
        mine = f"{provider.la_code}/{provider.establishment_number}" if own_estab is not None else None
        ours_in_full = f"{ours[:-1]}, DfE number {mine})" if mine else f"{ours[:-1]}, LA {provider.la_code})"
        return refused.format(dest=number, ours=ours_in_full), None
    return None, f"Addressed to {number}, which could not be checked against this school's record."


# --- Jobs: check, claim for saving, save, cancel or fail ----------------------------------------


def check_learner_import(job_id: int, *, today: dt.date | None = None) -> LearnerImport:
    """Check the job's file and store the preview (READY) or the problems (FAILED).

    Writes only to the job. An unexpected error fails the job with a message rather than
    leaving it "Checking" for ever. A job to be confirmed when checked (the API's) is confirmed
    by the caller: qic.learners.tasks.confirm_when_checked, which queues the save.
    """
    try:
        return _check(job_id, today=today or timezone.localdate())
    except Exception:
        return fail_check(job_id)


def fail_check(job_id: int) -> LearnerImport:
    """End a job whose check (or the confirming that follows it) went wrong unexpectedly; call
    from an `except` block: the error is logged."""
    logger.exception("Learner import %s could not be checked", job_id)
    return _fail(job_id, [{"line": 0, "reason": "Something went wrong while checking the file. Nothing was imported."}])


def progress_key(job_id: int) -> str:
    """Where a job's progress is published (qic.core.jobs.report_progress)."""
    return f"learner-import:{job_id}"


def _check(job_id: int, *, today: dt.date) -> LearnerImport:
    job = LearnerImport.objects.select_related("provider").get(pk=job_id)
    if not LearnerImport.objects.filter(pk=job.pk, status=LearnerImport.Status.PENDING).update(
        status=LearnerImport.Status.CHECKING
    ):
        return job  # replaced by a newer upload before the check started
    data = bytes(job.data)
    key = progress_key(job.pk)
    estimate = count_records(data, job.kind)  # at most the rows there are; the parse gives the true count
    report_progress(key, phase="checking", checked=0, total=estimate)

    def rows_read(count: int) -> None:
        report_progress(key, phase="checking", checked=count, total=max(estimate, count))

    check = check_learner_file(
        provider=job.provider, kind=job.kind, data=data, full_import=job.full_import, today=today, on_rows=rows_read
    )
    report_progress(key, phase="checking", checked=check.total_rows, total=check.total_rows)
    if check.plan is None:
        return _fail(job.pk, check.errors, total_rows=check.total_rows)
    plan = check.plan
    LearnerImport.objects.filter(pk=job.pk, status=LearnerImport.Status.CHECKING).update(
        status=LearnerImport.Status.READY,
        total_rows=check.total_rows,
        processed_rows=check.total_rows,
        created_count=len(plan.new_learners),
        updated_count=len(plan.updates),
        unchanged_count=plan.unchanged,
        left_count=len(plan.leaving),
        leaving_ids=[learner.pk for learner in plan.leaving],
        roll_count=plan.roll_count,
        plan_digest=plan.digest,
        notes=check.notes,
    )
    return LearnerImport.objects.get(pk=job.pk)


def claim_for_saving(*, job: LearnerImport, digest: str) -> bool:
    """Move a previewed job from READY to SAVING if `digest` is its preview's; False if it is no
    longer waiting or the digest is not its preview's (someone confirmed or cancelled it, or a
    newer check replaced it). One conditional UPDATE, so a double click claims it once."""
    return bool(
        LearnerImport.objects.filter(
            pk=job.pk, provider_id=job.provider_id, status=LearnerImport.Status.READY, plan_digest=digest
        ).update(status=LearnerImport.Status.SAVING, processed_rows=0)
    )


# A job in one of these has work still to be done by a task (or by a request, with `wait`).
RUNNING_STATUSES = (LearnerImport.Status.PENDING, LearnerImport.Status.CHECKING, LearnerImport.Status.SAVING)


def fail_lost_import(job_id: int, message: str) -> bool:
    """A job whose worker stopped (or that nothing is left to run): failed with `message`, its
    file discarded, with an audit event. A save is one transaction, so nothing of it was written.
    A job that already ended is left as it is. Returns whether the job was failed."""
    with transaction.atomic():
        failed = LearnerImport.objects.filter(pk=job_id, status__in=RUNNING_STATUSES).update(
            status=LearnerImport.Status.FAILED,
            errors=[{"line": 0, "reason": message}],
            error_count=1,
            finished_at=timezone.now(),
            data=b"",
            leaving_ids=[],
        )
        if failed:
            job = LearnerImport.objects.only("pk", "provider_id", "file_name").get(pk=job_id)
            audit.record(
                actor=TASK_RECOVERY,
                action="learners.import_failed",
                obj=job,
                after={"file_name": job.file_name, "reason": message},
                provider_id=job.provider_id,
            )
    return bool(failed)


def save_learner_import(job_id: int, *, actor: User | SystemActor, today: dt.date | None = None) -> LearnerImport:
    """Write a confirmed import, all or nothing, if the roll still gives the previewed plan.

    The file is parsed again before the transaction starts (it reads no learner); inside it,
    the provider's learners are locked, the plan is made again and compared with the preview's
    digest, and the changes are written in batches, the progress published after each.
    Ends DONE (the file discarded), STALE if the roll changed since the check (nothing
    written, file discarded), or FAILED on an unexpected error (nothing written).
    """
    today = today or timezone.localdate()
    key = progress_key(job_id)
    try:
        job = (
            LearnerImport.objects.select_related("provider")
            .filter(pk=job_id, status=LearnerImport.Status.SAVING)
            .first()
        )
        if job is None:
            return LearnerImport.objects.get(pk=job_id)  # not confirmed, or already ended: nothing to do
        to_write = job.created_count + job.updated_count + job.left_count
        report_progress(key, phase="saving", saved=0, total=to_write)
        read = read_learner_file(provider=job.provider, kind=job.kind, data=bytes(job.data), today=today)
        with transaction.atomic():
            check = plan_learner_file(provider=job.provider, read=read, full_import=job.full_import, lock=True)
            if check.plan is None or check.plan.digest != job.plan_digest:
                discard(job.pk, LearnerImport.Status.STALE)
                return LearnerImport.objects.get(pk=job.pk)
            total = len(check.plan.new_learners) + len(check.plan.updates) + len(check.plan.leaving)

            def saved(count: int) -> None:
                report_progress(key, phase="saving", saved=count, total=total)

            counts = _apply(provider=job.provider, plan=check.plan, actor=actor, today=today, job=job, on_saved=saved)
            LearnerImport.objects.filter(pk=job.pk).update(
                status=LearnerImport.Status.DONE,
                processed_rows=check.total_rows,
                finished_at=timezone.now(),
                data=b"",  # the file holds personal data; once imported it is not kept
                leaving_ids=[],
                **counts,
            )
    except Exception:
        logger.exception("Learner import %s failed while saving", job_id)
        return _fail(job_id, [{"line": 0, "reason": "Something went wrong while saving. Nothing was imported."}])
    return LearnerImport.objects.get(pk=job_id)


@transaction.atomic
def cancel_learner_import(*, job: LearnerImport, actor: User | SystemActor) -> bool:
    """Discard a previewed import's file without writing anything; False if it is not waiting."""
    if not discard(job.pk, LearnerImport.Status.CANCELLED, only_from=LearnerImport.Status.READY):
        return False
    audit.record(
        actor=actor,
        action="learners.import_cancelled",
        obj=job,
        after={"file_name": job.file_name, "full_import": job.full_import},
        provider_id=job.provider_id,
    )
    return True


def discard(job_id: int, status: str, *, only_from: str | None = None) -> int:
    """End a job without importing: its file and the preview's names are not kept."""
    jobs = LearnerImport.objects.filter(pk=job_id)
    if only_from is not None:
        jobs = jobs.filter(status=only_from)
    return jobs.update(status=status, data=b"", leaving_ids=[], finished_at=timezone.now())


def _school_rules(provider: Provider, parsed: ParseResult) -> list[dict[str, Any]]:
    """Rules that depend on the provider: schools need a year group on every row."""
    if provider.is_college:
        return []
    return [
        {"line": row.line, "reason": "year group is required for a school"}
        for row in parsed.rows
        if row.year_group is None
    ]


def _identifier_conflicts(existing: list[Learner], parsed: ParseResult) -> list[dict[str, Any]]:
    """Rows whose UPN and ULN belong to two different learners on record, or that match a
    learner another row already matched. Saving them would break the one-UPN/one-ULN rule
    (an IntegrityError part-way through) or update one learner twice."""
    by_upn = {learner.upn: learner.pk for learner in existing if learner.upn}
    by_uln = {learner.uln: learner.pk for learner in existing if learner.uln}
    errors: list[dict[str, Any]] = []
    matched: dict[int, int] = {}  # learner pk -> first line that matched it
    for row in parsed.rows:
        upn_pk = by_upn.get(row.upn) if row.upn else None
        uln_pk = by_uln.get(row.uln) if row.uln else None
        if upn_pk is not None and uln_pk is not None and upn_pk != uln_pk:
            errors.append(
                {
                    "line": row.line,
                    "reason": f"UPN {row.upn} and ULN {row.uln} belong to two different learners on record",
                }
            )
            continue
        found = upn_pk if upn_pk is not None else uln_pk
        if found is not None:
            first = matched.setdefault(found, row.line)
            if first != row.line:
                errors.append({"line": row.line, "reason": f"this is the same learner as on line {first}"})
    return errors


def _fail(job_id: int, errors: list[dict[str, Any]], *, total_rows: int | None = None) -> LearnerImport:
    """End the job with its problems: the first QIC_LEARNER_IMPORT_MAX_ERRORS kept, all counted."""
    extra = {"total_rows": total_rows} if total_rows is not None else {}
    LearnerImport.objects.filter(pk=job_id).update(
        status=LearnerImport.Status.FAILED,
        errors=errors[: settings.QIC_LEARNER_IMPORT_MAX_ERRORS],
        error_count=len(errors),
        finished_at=timezone.now(),
        data=b"",
        leaving_ids=[],
        **extra,
    )
    return LearnerImport.objects.get(pk=job_id)


# Learners written (and audit events inserted) per statement while saving an import; the
# progress is published after each batch.
SAVE_BATCH = 1000


def _insert_learners(provider: Provider, learners: list[Learner], now: dt.datetime) -> None:
    """INSERT new learners with the driver's executemany and set their ids, read back by UPN
    (or ULN, for those without one): unique in the provider, and every learner an import
    creates has one or the other (and neither matched a learner already there).

    `bulk_create` does the same in several times longer, preparing every value through Django.
    """
    for learner in learners:
        learner.provider = provider
        learner.created_at = now
        learner.updated_at = now
        learner.search_name = search_key(learner.forename, learner.surname)
    bulk.insert_rows(learners)
    upns = [learner.upn for learner in learners if learner.upn]
    ulns = [learner.uln for learner in learners if not learner.upn]
    mine = Learner.objects.filter(provider=provider)
    by_upn = dict(mine.filter(upn__in=upns).values_list("upn", "pk")) if upns else {}
    by_uln = dict(mine.filter(upn="", uln__in=ulns).values_list("uln", "pk")) if ulns else {}
    for learner in learners:
        learner.pk = by_upn[learner.upn] if learner.upn else by_uln[learner.uln]
        learner._state.adding = False
        learner._state.db = mine.db


def _apply(
    *,
    provider: Provider,
    plan: ImportPlan,
    actor: User | SystemActor,
    today: dt.date,
    job: LearnerImport,
    on_saved: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write `plan`, with one audit event per learner changed and one for the import.

    Call inside the transaction that computed the plan. Learners are updated, created and
    marked as left SAVE_BATCH at a time, each batch with its audit events (inserted together,
    chained in order); `on_saved(n)` is told after each batch how many learners are written.
    Returns the counts for the job.
    """
    now = timezone.now()
    written = 0

    def batch_written(count: int) -> None:
        nonlocal written
        written += count
        if on_saved is not None:
            on_saved(written)

    area_changed: list[int] = []
    for start in range(0, len(plan.updates), SAVE_BATCH):
        batch = plan.updates[start : start + SAVE_BATCH]
        fields = sorted({name for _, changed in batch for name in changed} | {"updated_at"})
        if {"forename", "surname"} & set(fields):
            fields.append("search_name")  # bulk writes pass by save(), which keeps it in step
        events = []
        for learner, changed in batch:
            learner.updated_at = now
            learner.search_name = search_key(learner.forename, learner.surname)
            if "curriculum_area" in changed:
                area_changed.append(learner.pk)
            events.append(
                audit.build(
                    actor=actor,
                    action="learner.updated",
                    obj=learner,
                    before=changed,
                    after=audit.snapshot(learner, changed),
                    provider_id=provider.pk,
                    learner_id=learner.pk,
                    at=now,
                )
            )
        bulk.update_rows([learner for learner, _ in batch], fields)
        audit.append(events)
        batch_written(len(batch))
    for start in range(0, len(plan.new_learners), SAVE_BATCH):
        created = plan.new_learners[start : start + SAVE_BATCH]
        _insert_learners(provider, created, now)
        audit.append(
            [
                audit.build(
                    actor=actor,
                    action="learner.created",
                    obj=learner,
                    after=audit.snapshot(learner, LEARNER_AUDIT_FIELDS),
                    provider_id=provider.pk,
                    learner_id=learner.pk,
                    at=now,
                )
                for learner in created
            ]
        )
        batch_written(len(created))
    if area_changed:
        # The programme's tallies count encounters in the learner's own area: it refreshes them.
        signals.curriculum_areas_changed.send(sender=Learner, learner_ids=area_changed)
    for start in range(0, len(plan.leaving), SAVE_BATCH):
        leaving = plan.leaving[start : start + SAVE_BATCH]
        for learner in leaving:
            learner.left_on = today
            learner.updated_at = now
        bulk.update_rows(leaving, ["left_on", "updated_at"])
        audit.append(
            [
                audit.build(
                    actor=actor,
                    action="learner.left",
                    obj=learner,
                    before={"left_on": None},
                    after={"left_on": today},
                    provider_id=provider.pk,
                    learner_id=learner.pk,
                    at=now,
                )
                for learner in leaving
            ]
        )
        batch_written(len(leaving))
    counts = {
        "created": len(plan.new_learners),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "left": len(plan.leaving),
    }
    audit.record(actor=actor, action="learners.imported", obj=job, after=counts, provider_id=provider.pk)
    return {f"{name}_count": count for name, count in counts.items()}
