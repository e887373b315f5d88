"""A learner's data protection rights, which reach every app holding learner data: anonymisation
(the learner's record, their interviews' notes, past import files' error lines and the audit
trail's copies), retention (anonymising leavers past their keeping period, removing old import
files) and the audit event of a subject-access export. Each writes in one transaction with
audit events.

Here in programme, not in learners, because the programme's records (registers, interviews) are
learner data too and learners sits below programme (docs/decisions.md, the layer contract).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain import retention
from qic.domain.dates import long_datetime
from qic.domain.retention import cohort_birth_date
from qic.learners import codes as learner_codes
from qic.learners import signals as learner_signals
from qic.learners.models import Learner, LearnerImport, RetentionRun
from qic.organisations.models import User
from qic.programme.models import Interview, Reflection

# Removed from the learner record on anonymisation, with what each becomes. Everything not listed
# is kept because a benchmark figure or breakdown reads it (docs/decisions.md, "Anonymisation").
ANONYMISED_VALUES: dict[str, Any] = {
    "upn": "",
    "uln": "",
    "forename": "",
    "surname": "",
    "search_name": "",  # save() derives it from the names, which are gone
    "registration_group": "",
    "study_programme": "",
    "eal": False,
    "part_time_job": False,
}
INTERVIEW_NOTES_REMOVED = "Removed when the learner's record was anonymised."
REFLECTION_REMOVED = "Removed when the learner's record was anonymised."
REMOVED = "[removed]"


class AlreadyAnonymised(Exception):
    """The learner's identity has already been removed; there is nothing left to remove."""


@transaction.atomic
def anonymise_learner(
    *, learner: Learner, reason: str, actor: User | SystemActor, today: dt.date | None = None
) -> Learner:
    """Remove the learner's identity and keep what past figures need. Returns the learner.

    Changes: names, UPN, ULN, registration group, study programme and the flags no figure reads
    are cleared; the date of birth becomes the first day of its academic year (the same age on
    every 31 August, so every measure is unchanged); pupil premium and free school meals merge
    into the one "disadvantaged" flag the figures use; a learner still on roll is marked as left
    `today`; the notes and agreed actions of their guidance interviews are removed; their UPN or
    ULN is blanked out of the error lines of past imports; their sign-in account is closed
    (`learners.codes.close_account`), so nobody can sign in as the record again. Writes one
    audit event with the reason and counts, never the removed values. Raises AlreadyAnonymised if it was done before.
    """
    today = today or timezone.localdate()
    fresh = Learner.objects.select_for_update(no_key=True).get(pk=learner.pk)
    if fresh.anonymised_at is not None:
        raise AlreadyAnonymised(f"Learner {fresh.pk} was anonymised on {long_datetime(fresh.anonymised_at)}")
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
    # Removed interviews too: they are kept (restorable) until purged, notes and all.
    interviews = Interview.all_objects.filter(learner_id=fresh.pk).update(
        summary=INTERVIEW_NOTES_REMOVED, agreed_actions=""
    )
    # What they wrote in reflections goes too; the row (and so whether it counts) stays.
    reflections = Reflection.objects.filter(learner_id=fresh.pk).update(
        learnt=REFLECTION_REMOVED, next_step="", hidden_reason=""
    )
    import_lines = _remove_from_import_errors(fresh.provider_id, identifiers)
    # What the learner wrote about themselves is held by apps above programme (the portal).
    own_writing = sum(
        int(answer or 0) for _, answer in learner_signals.learner_anonymised.send(sender=Learner, learner_id=fresh.pk)
    )
    # The audit trail's own copies of the identity (names in event titles, snapshots of the record)
    # are redacted too; the chain still verifies. The anonymisation event comes after, so it stays.
    events_redacted = audit.redact_learner_events(
        learner_id=fresh.pk, provider=fresh.provider, actor=actor, reason=reason
    )
    # Nobody may sign in as the record any more (the account's own event comes after the
    # redaction, so its counts stay readable; it names nobody).
    account_closed = learner_codes.close_account(learner=fresh, actor=actor, reason=reason)
    audit.record(
        actor=actor,
        action="learner.anonymised",
        obj=fresh,
        after={
            "reason": reason,
            "interview_notes_removed": interviews,
            "reflections_removed": reflections,
            "import_lines_cleaned": import_lines,
            "own_writing_removed": own_writing,
            "account_closed": account_closed,
            "audit_events_redacted": events_redacted,
            "marked_left_on": today if marked_left else None,
        },
        provider_id=fresh.provider_id,
        learner_id=fresh.pk,
    )
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
    *, today: dt.date, leavers_years: int, import_file_days: int, actor: SystemActor, dry_run: bool = False
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
        LearnerImport.objects.filter(pk__in=imports).update(data=b"", leaving_ids=[])
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


# A preview that was never confirmed (READY) is unfinished too: past the keeping period its file
# and its list of learners to mark as left go, and it can no longer be confirmed.
UNFINISHED_STATUSES = (
    LearnerImport.Status.PENDING,
    LearnerImport.Status.CHECKING,
    LearnerImport.Status.READY,
    LearnerImport.Status.SAVING,
)


SUBJECT_ACCESS_FORMATS = ("html", "pdf", "json")


@transaction.atomic
def record_subject_access(*, learner: Learner, export_format: str, actor: User) -> None:
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
