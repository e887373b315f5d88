"""Changes to learner records. Each writes in one transaction with audit events."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from qic.core import audit
from qic.domain import retention
from qic.domain.academic import academic_year_of
from qic.domain.retention import cohort_birth_date
from qic.learners.models import FLAG_FIELDS, Learner, LearnerImport, RetentionRun
from qic.learners.parsing import LearnerFileError, LearnerRow, ParseResult, parse_ctf, parse_learner_csv
from qic.organisations.models import Provider
from qic.programme import tallies
from qic.programme.models import Interview

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


def _values(row: LearnerRow, today: dt.date) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in IMPORTED_FIELDS}
    values["year_group_recorded_in"] = academic_year_of(today) if row.year_group is not None else None
    return values


def file_kind(data: bytes) -> str:
    """A CTF is XML; anything else is read as CSV (the parser then says if it is not)."""
    return LearnerImport.Kind.CTF if data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<") else LearnerImport.Kind.CSV


def start_learner_import(
    *, provider: Provider, kind: str, file_name: str, data: bytes, full_import: bool, actor: Any, wait: bool = False
) -> LearnerImport:
    """Store the upload and process it: in the background, or before returning with `wait`.

    Returns the job; its page polls for progress. The API waits, so callers get the result.
    """
    job = LearnerImport.objects.create(
        provider=provider,
        kind=kind,
        file_name=file_name[:255],
        data=data,
        full_import=full_import,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if wait:
        return process_learner_import(job.pk)
    run_in_background(lambda: process_learner_import(job.pk))
    return job


def run_in_background(task: Callable[[], object]) -> None:
    """Run `task` after the current transaction commits: in a thread, or inline when configured.

    A thread keeps the request fast for large files; QIC_JOBS_INLINE (tests, the API) runs it
    before the response so the caller gets the result at once.
    """

    if getattr(settings, "QIC_JOBS_INLINE", False):
        task()
        return

    def wrapped() -> None:
        try:
            task()
        finally:
            close_old_connections()

    transaction.on_commit(lambda: threading.Thread(target=wrapped, daemon=True).start())


def process_learner_import(job_id: int, *, today: dt.date | None = None) -> LearnerImport:
    """Check every row, then write everything or nothing. Returns the finished job.

    An unexpected error fails the job with a message (the save is one transaction, so nothing
    was written) rather than leaving it "Saving" for ever.
    """
    try:
        return _process(job_id, today=today)
    except Exception:
        logger.exception("Learner import %s failed", job_id)
        job = LearnerImport.objects.get(pk=job_id)
        return _fail(job, [{"line": 0, "reason": "Something went wrong while saving. Nothing was imported."}])


def _process(job_id: int, *, today: dt.date | None) -> LearnerImport:
    job = LearnerImport.objects.select_related("provider", "created_by").get(pk=job_id)
    today = today or timezone.localdate()
    LearnerImport.objects.filter(pk=job.pk).update(status=LearnerImport.Status.CHECKING)
    try:
        parsed = (
            parse_ctf(bytes(job.data))
            if job.kind == LearnerImport.Kind.CTF
            else parse_learner_csv(bytes(job.data), college=job.provider.is_college)
        )
    except LearnerFileError as exc:
        return _fail(job, [{"line": 0, "reason": str(exc)}])
    LearnerImport.objects.filter(pk=job.pk).update(total_rows=len(parsed.rows) + len(parsed.errors))
    errors = [{"line": e.line, "reason": e.reason} for e in parsed.errors]
    errors += _school_rules(job.provider, parsed)
    errors += _identifier_conflicts(job.provider, parsed)
    if errors:
        return _fail(job, sorted(errors, key=lambda e: e["line"]))
    LearnerImport.objects.filter(pk=job.pk).update(status=LearnerImport.Status.SAVING, processed_rows=0)
    counts = apply_learner_rows(
        provider=job.provider,
        rows=parsed.rows,
        full_import=job.full_import,
        actor=job.created_by or f"learner import {job.pk}",
        today=today,
        progress=lambda done: LearnerImport.objects.filter(pk=job.pk).update(processed_rows=done),
        job=job,
    )
    LearnerImport.objects.filter(pk=job.pk).update(
        status=LearnerImport.Status.DONE,
        processed_rows=len(parsed.rows),
        finished_at=timezone.now(),
        data=b"",  # the file holds personal data; once imported it is not kept
        **counts,
    )
    job.refresh_from_db()
    return job


def _school_rules(provider: Provider, parsed: ParseResult) -> list[dict[str, Any]]:
    """Rules that depend on the provider: schools need a year group on every row."""
    if provider.is_college:
        return []
    return [
        {"line": row.line, "reason": "year group is required for a school"}
        for row in parsed.rows
        if row.year_group is None
    ]


def _identifier_conflicts(provider: Provider, parsed: ParseResult) -> list[dict[str, Any]]:
    """Rows whose UPN and ULN belong to two different learners on record, or that match a
    learner another row already matched. Saving them would break the one-UPN/one-ULN rule
    (an IntegrityError part-way through) or update one learner twice."""
    by_upn: dict[str, int] = {}
    by_uln: dict[str, int] = {}
    for pk, upn, uln in Learner.objects.filter(provider=provider).values_list("pk", "upn", "uln"):
        if upn:
            by_upn[upn] = pk
        if uln:
            by_uln[uln] = pk
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


def _fail(job: LearnerImport, errors: list[dict[str, Any]]) -> LearnerImport:
    LearnerImport.objects.filter(pk=job.pk).update(
        status=LearnerImport.Status.FAILED, errors=errors, finished_at=timezone.now(), data=b""
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def apply_learner_rows(
    *,
    provider: Provider,
    rows: list[LearnerRow],
    full_import: bool,
    actor: Any,
    today: dt.date,
    progress: Callable[[int], object] | None = None,
    job: LearnerImport | None = None,
) -> dict[str, int]:
    """Create or update learners by UPN (or ULN); mark those missing from a full import as left.

    Returns the created / updated / unchanged / left counts. Writes one audit event per
    changed learner with the fields before and after.
    """
    existing = list(Learner.objects.filter(provider=provider))
    by_upn = {learner.upn: learner for learner in existing if learner.upn}
    by_uln = {learner.uln: learner for learner in existing if learner.uln}
    seen: set[int] = set()
    area_changed: list[int] = []
    created = updated = unchanged = 0
    new_learners: list[Learner] = []
    for index, row in enumerate(rows, start=1):
        learner = (by_upn.get(row.upn) if row.upn else None) or (by_uln.get(row.uln) if row.uln else None)
        values = _values(row, today)
        if learner is None:
            # The file does not say when a learner joined; None means "on roll as far as we know".
            new_learners.append(Learner(provider=provider, upn=row.upn, uln=row.uln, **values))
        else:
            seen.add(learner.pk)
            before = audit.snapshot(learner, LEARNER_AUDIT_FIELDS)
            for key, value in values.items():
                setattr(learner, key, value)
            if row.upn and not learner.upn:
                learner.upn = row.upn
            if row.uln and not learner.uln:
                learner.uln = row.uln
            if learner.left_on is not None:
                learner.left_on = None  # back on roll
            after = audit.snapshot(learner, LEARNER_AUDIT_FIELDS)
            if before == after:
                unchanged += 1
            else:
                learner.save()
                updated += 1
                changed = {k: before[k] for k in before if before[k] != after[k]}
                if "curriculum_area" in changed:
                    area_changed.append(learner.pk)
                audit.record(
                    actor=actor,
                    action="learner.updated",
                    obj=learner,
                    before=changed,
                    after={k: after[k] for k in changed},
                    provider_id=provider.pk,
                )
        if progress and index % 250 == 0:
            progress(index)
    Learner.objects.bulk_create(new_learners, batch_size=500)
    created = len(new_learners)
    for learner in new_learners:
        audit.record(
            actor=actor,
            action="learner.created",
            obj=learner,
            after=audit.snapshot(learner, LEARNER_AUDIT_FIELDS),
            provider_id=provider.pk,
        )
    tallies.refresh(area_changed)
    left = 0
    if full_import:
        for learner in existing:
            if learner.pk not in seen and learner.left_on is None:
                learner.left_on = today
                learner.save(update_fields=["left_on", "updated_at"])
                left += 1
                audit.record(
                    actor=actor,
                    action="learner.left",
                    obj=learner,
                    before={"left_on": None},
                    after={"left_on": today},
                    provider_id=provider.pk,
                )
    if job is not None:
        audit.record(
            actor=actor,
            action="learners.imported",
            obj=job,
            after={"created": created, "updated": updated, "unchanged": unchanged, "left": left},
            provider_id=provider.pk,
        )
    return {"created_count": created, "updated_count": updated, "unchanged_count": unchanged, "left_count": left}


LEARNER_EDIT_FIELDS = (
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "registration_group",
    *FLAG_FIELDS,
    "study_programme",
    "curriculum_area",
    "programme_end",
)


@transaction.atomic
def update_learner(*, learner: Learner, changes: dict[str, Any], actor: Any) -> Learner:
    """Apply a form's changes to one learner, with an audit event of what changed."""
    fresh = Learner.objects.select_for_update().get(pk=learner.pk)
    before = audit.snapshot(fresh, LEARNER_AUDIT_FIELDS)
    for key, value in changes.items():
        setattr(fresh, key, value)
    after = audit.snapshot(fresh, LEARNER_AUDIT_FIELDS)
    changed = {k: before[k] for k in before if before[k] != after[k]}
    if changed:
        fresh.save()
        if "curriculum_area" in changed:
            tallies.refresh([fresh.pk])  # college BM5 counts encounters in the learner's own area
        audit.record(
            actor=actor,
            action="learner.updated",
            obj=fresh,
            before=changed,
            after={k: after[k] for k in changed},
            provider_id=fresh.provider_id,
        )
    return fresh


# --- Data protection: anonymisation and retention ----------------------------------------------

# Removed from the learner record on anonymisation, with what each becomes. Everything not listed
# is kept because a benchmark figure or breakdown reads it (docs/decisions.md, "Anonymisation").
ANONYMISED_VALUES: dict[str, Any] = {
    "upn": "",
    "uln": "",
    "forename": "",
    "surname": "",
    "registration_group": "",
    "study_programme": "",
    "eal": False,
    "part_time_job": False,
}
INTERVIEW_NOTES_REMOVED = "Removed when the learner's record was anonymised."
REMOVED = "[removed]"


class AlreadyAnonymised(Exception):
    """The learner's identity has already been removed; there is nothing left to remove."""


@transaction.atomic
def anonymise_learner(*, learner: Learner, reason: str, actor: Any, today: dt.date | None = None) -> Learner:
    """Remove the learner's identity and keep what past figures need. Returns the learner.

    Changes: names, UPN, ULN, registration group, study programme and the flags no figure reads
    are cleared; the date of birth becomes the first day of its academic year (the same age on
    every 31 August, so every measure is unchanged); pupil premium and free school meals merge
    into the one "disadvantaged" flag the figures use; a learner still on roll is marked as left
    `today`; the notes and agreed actions of their guidance interviews are removed; their UPN or
    ULN is blanked out of the error lines of past imports. Writes one audit event with the reason
    and counts, never the removed values. Raises AlreadyAnonymised if it was done before.
    """
    today = today or timezone.localdate()
    fresh = Learner.objects.select_for_update().get(pk=learner.pk)
    if fresh.anonymised_at is not None:
        raise AlreadyAnonymised(f"Learner {fresh.pk} was anonymised on {fresh.anonymised_at:%d %B %Y}")
    identifiers = [value for value in (fresh.upn, fresh.uln) if value]
    for name, value in ANONYMISED_VALUES.items():
        setattr(fresh, name, value)
    fresh.date_of_birth = cohort_birth_date(fresh.date_of_birth)
    fresh.pupil_premium = fresh.pupil_premium or fresh.free_school_meals
    fresh.free_school_meals = False
    marked_left = fresh.left_on is None
    if marked_left:
        fresh.left_on = today
    fresh.anonymised_at = timezone.now()
    fresh.save()
    interviews = Interview.objects.filter(learner_id=fresh.pk).update(
        summary=INTERVIEW_NOTES_REMOVED, agreed_actions=""
    )
    import_lines = _remove_from_import_errors(fresh.provider_id, identifiers)
    audit.record(
        actor=actor,
        action="learner.anonymised",
        obj=fresh,
        after={
            "reason": reason,
            "interview_notes_removed": interviews,
            "import_lines_cleaned": import_lines,
            "marked_left_on": today if marked_left else None,
        },
        provider_id=fresh.provider_id,
    )
    # The lead wires the audit trail's own redaction here at merge:
    # audit.redact_learner_events(learner_id=fresh.pk, provider_id=fresh.provider_id, actor=actor, reason=reason)
    return fresh


def _remove_from_import_errors(provider_id: int, identifiers: list[str]) -> int:
    """Blank the identifiers out of every error line of the provider's imports; returns lines changed."""
    if not identifiers:
        return 0
    changed_lines = 0
    for job in LearnerImport.objects.filter(provider_id=provider_id).exclude(errors=[]).only("pk", "errors"):
        errors = []
        for error in job.errors:
            reason = str(error.get("reason", ""))
            cleaned = reason
            for identifier in identifiers:
                cleaned = cleaned.replace(identifier, REMOVED)
            if cleaned != reason:
                changed_lines += 1
                error = {**error, "reason": cleaned}
            errors.append(error)
        if errors != job.errors:
            LearnerImport.objects.filter(pk=job.pk).update(errors=errors)
    return changed_lines


@dataclass(frozen=True)
class RetentionResult:
    learners_anonymised: int
    import_files_removed: int

    @property
    def changed(self) -> bool:
        return bool(self.learners_anonymised or self.import_files_removed)


def leavers_due(*, today: dt.date, leavers_years: int) -> list[Learner]:
    """Learners not yet anonymised whose leaving date is `leavers_years` or more before `today`."""
    candidates = Learner.objects.filter(
        anonymised_at__isnull=True, left_on__lte=retention.leaver_candidates_up_to(today, leavers_years)
    ).order_by("pk")
    return [learner for learner in candidates if retention.leaver_due(learner.left_on, leavers_years, today)]


def import_files_due(*, today: dt.date, import_file_days: int) -> list[int]:
    """Ids of imports still holding a file whose keeping period ended by `today`: finished imports
    counted from when they finished, unfinished ones (abandoned) from when they were uploaded."""
    due: list[int] = []
    holding = LearnerImport.objects.exclude(data=b"").values_list("pk", "created_at", "finished_at")
    for pk, created_at, finished_at in holding.order_by("pk"):
        since = timezone.localdate(finished_at or created_at)
        if today >= retention.remove_import_file_on(since, import_file_days):
            due.append(pk)
    return due


def apply_retention(
    *, today: dt.date, leavers_years: int, import_file_days: int, actor: Any, dry_run: bool = False
) -> RetentionResult:
    """Anonymise leavers past their keeping period and remove old import files. Returns counts.

    Each learner is anonymised in its own transaction by `anonymise_learner` (one audit event
    each, with the reason); the run then writes a `RetentionRun` and one audit event with the
    counts, if it changed anything. A dry run only counts. Running it again the same day finds
    nothing more to do.
    """
    leavers = leavers_due(today=today, leavers_years=leavers_years)
    imports = import_files_due(today=today, import_file_days=import_file_days)
    result = RetentionResult(learners_anonymised=len(leavers), import_files_removed=len(imports))
    if dry_run or not result.changed:
        return result
    reason = f"Retention: identity kept for {leavers_years} years after leaving"
    for learner in leavers:
        try:
            anonymise_learner(learner=learner, reason=reason, actor=actor, today=today)
        except AlreadyAnonymised:  # done by someone else since we looked: nothing to do
            continue
    with transaction.atomic():
        # An unfinished import without its file can never finish: close it with a reason.
        LearnerImport.objects.filter(pk__in=imports, status__in=UNFINISHED_STATUSES).update(
            status=LearnerImport.Status.FAILED,
            errors=[{"line": 0, "reason": "Not finished in time; the uploaded file has been removed."}],
            finished_at=timezone.now(),
        )
        LearnerImport.objects.filter(pk__in=imports).update(data=b"")
        run = RetentionRun.objects.create(
            run_for=today,
            leavers_years=leavers_years,
            import_file_days=import_file_days,
            learners_anonymised=result.learners_anonymised,
            import_files_removed=result.import_files_removed,
        )
        audit.record(
            actor=actor,
            action="retention.applied",
            obj=run,
            after={
                "today": today,
                "leavers_years": leavers_years,
                "import_file_days": import_file_days,
                "learners_anonymised": result.learners_anonymised,
                "import_files_removed": result.import_files_removed,
            },
        )
    return result


UNFINISHED_STATUSES = (LearnerImport.Status.PENDING, LearnerImport.Status.CHECKING, LearnerImport.Status.SAVING)


SUBJECT_ACCESS_FORMATS = ("html", "pdf", "json")


@transaction.atomic
def record_subject_access(*, learner: Learner, export_format: str, actor: Any) -> None:
    """Write the audit event for one viewing or download of a learner's subject-access record."""
    if export_format not in SUBJECT_ACCESS_FORMATS:
        raise ValueError(f"Unknown subject-access format {export_format!r}")
    audit.record(
        actor=actor,
        action="learner.subject_access_exported",
        obj=learner,
        after={"format": export_format},
        provider_id=learner.provider_id,
    )
