"""Changes to work-experience placements (qic.domain.placements): each in one transaction, audited
with the learner's id. Staff act as themselves; an employer or a parent through a link acts as the
link's owner (`links.actor_for`).

A completed placement becomes a workplace-experience activity made through the programme's own
actions, with the learner on its register: that place is what Benchmark 6 and the
work-experience guarantee count, once the learner reflects on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.core.uploads import CheckedUpload
from qic.domain import placements as rules
from qic.domain import work_experience
from qic.domain.academic import academic_year_of
from qic.domain.activities import ActivityType
from qic.domain.placements import Checks, MoveRefused, Progress, Status
from qic.learners.models import Learner
from qic.organisations.models import Provider, User
from qic.partners.models import Employer, EmployerContact, PartnerLink, Placement, PlacementDocument
from qic.programme import actions as programme_actions
from qic.programme.models import Activity

__all__ = ["MoveRefused"]

PLACEMENT_AUDIT_FIELDS = (
    "learner_id",
    "employer_id",
    "contact_id",
    "role",
    "start_date",
    "end_date",
    "hours",
    "status",
)
DETAIL_FIELDS = ("role", "role_confirmed", "supervisor_name", "supervisor_phone", "working_hours", "workplace_address")
CONSENT_FIELDS = (
    "consent_given",
    "consent_name",
    "consent_relationship",
    "emergency_phone",
    "medical_notes",
    "consent_link_id",
    "consent_recorded_by_id",
)
FEEDBACK_FIELDS = ("feedback_how", "feedback_task", "feedback_strengths", "feedback_build_on")
# The meaningful elements the school confirms on completing (the employer's feedback gives the task
# and the feedback; the learner's own reflection gives the last).
SCHOOL_ELEMENTS = ("shared_purpose", "preparation", "two_way", "extensive_interaction", "range_of_people")
# Who checked each check the school's own way (who and when).
SCHOOL_CHECK_FIELDS = {
    "health_and_safety": ("health_and_safety_checked_by", "health_and_safety_checked_at"),
    "insurance": ("insurance_checked_by", "insurance_checked_at"),
    "risk_assessment": ("risk_assessment_checked_by", "risk_assessment_checked_at"),
}


class PlacementRefused(ValueError):
    """A change a placement cannot take now (the message says why)."""


def who(actor: User | SystemActor) -> str:
    """The actor as the record names them: a staff member's name, or a link's owner."""
    return str(actor)[:300]


def _audit(
    actor: User | SystemActor,
    action: str,
    placement: Placement,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=placement,
        before=before,
        after=after,
        provider_id=placement.provider_id,
        learner_id=placement.learner_id,
    )


def _locked(placement: Placement) -> Placement:
    """The placement read again under a lock, so two changes take turns."""
    return Placement.objects.select_for_update().get(pk=placement.pk)


def _open(placement: Placement) -> None:
    if not rules.NEXT[placement.status_enum]:
        raise PlacementRefused(f"This placement is {placement.status_enum.label.lower()}: it cannot be changed")


# --- What a placement holds ---------------------------------------------------------------------


def checks_of(placement: Placement, kinds: Iterable[str]) -> Checks:
    """The checks the school holds: a document of each kind (`kinds`) or its own check."""
    held = set(kinds)
    return Checks(
        health_and_safety="health_and_safety" in held or placement.health_and_safety_checked_at is not None,
        insurance="insurance" in held or placement.insurance_checked_at is not None,
        insurance_expires=placement.insurance_expires,
        risk_assessment="risk_assessment" in held or placement.risk_assessment_checked_at is not None,
    )


def missing_of(placement: Placement, kinds: Iterable[str]) -> list[str]:
    return rules.checks_missing(checks_of(placement, kinds), placement_end=placement.end_date)


def document_kinds(placement: Placement) -> set[str]:
    return set(placement.documents.values_list("kind", flat=True))


def progress_of(placement: Placement, kinds: Iterable[str]) -> Progress:
    return Progress(
        missing_checks=tuple(missing_of(placement, kinds)),
        consent=placement.consent_given,
        start=placement.start_date,
        end=placement.end_date,
    )


def allowed_moves(placement: Placement, kinds: Iterable[str], *, today: dt.date) -> list[tuple[Status, str | None]]:
    """Each move the order of the steps allows from here (completing aside: it has its own form),
    with why it cannot be made yet (None when it can)."""
    progress = progress_of(placement, list(kinds))
    return [
        (to, rules.move_refusal(placement.status_enum, to, progress, today=today))
        for to in Status
        if to in rules.NEXT[placement.status_enum] and to not in (Status.COMPLETED, Status.CANCELLED)
    ]


# --- Proposing and moving -----------------------------------------------------------------------


@transaction.atomic
def propose_placement(
    *,
    provider: Provider,
    learner: Learner,
    employer: Employer,
    contact: EmployerContact | None,
    role: str,
    start_date: Any,
    end_date: Any,
    hours: Decimal,
    actor: User,
) -> Placement:
    """A new placement, proposed (the form has checked the dates and hours by the domain rules)."""
    if learner.provider_id != provider.pk or employer.provider_id != provider.pk:
        raise PlacementRefused("A placement can only be for this provider's own learners and employers.")
    if contact is not None and contact.employer_id != employer.pk:
        raise PlacementRefused("The contact must work for the employer chosen.")
    if problem := rules.dates_problem(start_date, end_date):
        raise PlacementRefused(problem)
    if problem := work_experience.hours_problem(hours):
        raise PlacementRefused(problem)
    placement = Placement.objects.create(
        provider=provider,
        learner=learner,
        employer=employer,
        contact=contact,
        role=role.strip(),
        start_date=start_date,
        end_date=end_date,
        hours=work_experience.round_hours(hours),
        status=Status.PROPOSED.value,
        created_by=actor,
    )
    _audit(actor, "placement.proposed", placement, after=audit.snapshot(placement, PLACEMENT_AUDIT_FIELDS))
    return placement


@transaction.atomic
def move_placement(*, placement: Placement, to: Status, actor: User, reason: str = "") -> Placement:
    """Move a placement one step (qic.domain.placements.move_refusal decides); completing is
    `complete_placement`. Raises MoveRefused with the reason."""
    fresh = _locked(placement)
    if to == Status.COMPLETED:
        raise MoveRefused("Complete a placement with its form: the hours done and the employer's feedback")
    refusal = rules.move_refusal(
        fresh.status_enum, to, progress_of(fresh, document_kinds(fresh)), today=timezone.localdate()
    )
    if refusal:
        raise MoveRefused(refusal)
    before = fresh.status
    fresh.status = to.value
    if to == Status.CANCELLED:
        fresh.cancelled_reason = reason.strip()[:300]
    fresh.save(update_fields=["status", "cancelled_reason", "updated_at"])
    _audit(
        actor,
        "placement.cancelled" if to == Status.CANCELLED else "placement.moved",
        fresh,
        before={"status": before},
        after={"status": fresh.status, **({"reason": fresh.cancelled_reason} if to == Status.CANCELLED else {})},
    )
    return fresh


# --- The employer's details and checks ----------------------------------------------------------


@transaction.atomic
def save_employer_details(*, placement: Placement, details: Mapping[str, Any], actor: User | SystemActor) -> Placement:
    """The employer's details (the role confirmed, supervisor, hours, address), through its link."""
    fresh = _locked(placement)
    _open(fresh)
    before = audit.snapshot(fresh, DETAIL_FIELDS)
    for name in DETAIL_FIELDS:
        if name in details:
            value = details[name]
            setattr(fresh, name, value.strip() if isinstance(value, str) else value)
    fresh.details_given_at = timezone.now()
    fresh.save()
    _audit(actor, "placement.details_given", fresh, before=before, after=audit.snapshot(fresh, DETAIL_FIELDS))
    return fresh


@transaction.atomic
def add_document(
    *,
    placement: Placement,
    kind: str,
    upload: CheckedUpload,
    insurance_expires: Any = None,
    actor: User | SystemActor,
) -> PlacementDocument:
    """Keep a checked file for one of the checks; an insurance certificate comes with its expiry date."""
    if kind not in rules.DOCUMENT_KINDS:
        raise PlacementRefused("Choose which document this is.")
    fresh = _locked(placement)
    _open(fresh)
    if fresh.documents.count() >= rules.MAX_DOCUMENTS:
        raise PlacementRefused(
            f"This placement already has {rules.MAX_DOCUMENTS} documents: ask the school if you need to send another"
        )
    if kind == "insurance":
        if insurance_expires is None:
            raise PlacementRefused("Enter the date the insurance certificate expires")
        fresh.insurance_expires = insurance_expires
        fresh.save(update_fields=["insurance_expires", "updated_at"])
    document = PlacementDocument(
        placement=fresh,
        kind=kind,
        original_name=upload.original_name,
        file_type=upload.file_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        uploaded_by=who(actor),
    )
    document.file.save(f"upload.{upload.file_type}", ContentFile(upload.data), save=False)
    document.save()
    _audit(
        actor,
        "placement.document_added",
        fresh,
        after={
            "kind": kind,
            "size": document.size,
            "sha256": document.sha256,
            "insurance_expires": fresh.insurance_expires if kind == "insurance" else None,
        },
    )
    return document


@transaction.atomic
def record_school_checks(
    *, placement: Placement, kinds: Iterable[str], insurance_expires: Any = None, actor: User
) -> Placement:
    """The school did these checks its own way: who and when, per check."""
    chosen = [kind for kind in rules.DOCUMENT_KINDS if kind in set(kinds)]
    if not chosen:
        raise PlacementRefused("Choose the checks the school has done")
    fresh = _locked(placement)
    _open(fresh)
    now = timezone.now()
    for kind in chosen:
        by, at = SCHOOL_CHECK_FIELDS[kind]
        setattr(fresh, by, actor)
        setattr(fresh, at, now)
    if "insurance" in chosen:
        if insurance_expires is None:
            raise PlacementRefused("Enter the date the insurance expires")
        fresh.insurance_expires = insurance_expires
    fresh.save()
    _audit(
        actor,
        "placement.school_checks",
        fresh,
        after={"checks": chosen, "insurance_expires": fresh.insurance_expires if "insurance" in chosen else None},
    )
    return fresh


# --- Consent ------------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    placement: Placement,
    given: bool,
    name: str,
    relationship: str,
    emergency_phone: str = "",
    medical_notes: str = "",
    on: Any = None,
    link: PartnerLink | None = None,
    actor: User | SystemActor,
) -> Placement:
    """A parent's or carer's answer: through their link (`link`), or on paper, recorded by staff
    (`actor` a User, `on` the date it was signed)."""
    fresh = _locked(placement)
    _open(fresh)
    if fresh.status_enum not in (Status.PROPOSED, Status.CHECKS, Status.CONSENT, Status.APPROVED):
        raise PlacementRefused("Consent can only be given before the placement starts")
    if link is not None and (link.learner_id != fresh.learner_id or link.provider_id != fresh.provider_id):
        raise PlacementRefused("This link is not for this learner")
    before = audit.snapshot(fresh, CONSENT_FIELDS)
    fresh.consent_given = given
    fresh.consent_name = name.strip()[:200]
    fresh.consent_relationship = relationship.strip()[:100]
    fresh.emergency_phone = emergency_phone.strip()[:40]
    fresh.medical_notes = medical_notes.strip()
    fresh.consent_link = link
    fresh.consent_recorded_by = actor if isinstance(actor, User) else None
    now = timezone.now()
    # On paper: the day it was signed (at midday, so the date reads the same in any zone).
    fresh.consent_at = timezone.make_aware(dt.datetime.combine(on, dt.time(12))) if on is not None else now
    fresh.save()
    _audit(
        actor,
        "placement.consent_recorded",
        fresh,
        before=before,
        after={**audit.snapshot(fresh, CONSENT_FIELDS), "on_paper": link is None},
    )
    return fresh


# --- Feedback and completion --------------------------------------------------------------------


@transaction.atomic
def record_feedback(*, placement: Placement, feedback: Mapping[str, str], actor: User | SystemActor) -> Placement:
    """The employer's feedback to the learner: through its link after the last day, or typed by staff."""
    fresh = _locked(placement)
    if fresh.status_enum == Status.CANCELLED:
        raise PlacementRefused("This placement was cancelled")
    if timezone.localdate() < fresh.start_date:
        raise PlacementRefused("Feedback can be given once the placement has started")
    before = audit.snapshot(fresh, FEEDBACK_FIELDS)
    for name in FEEDBACK_FIELDS:
        setattr(fresh, name, (feedback.get(name) or "").strip())
    fresh.feedback_at = timezone.now()
    fresh.feedback_by = who(actor)
    fresh.save()
    _sync_activity_feedback(fresh, actor)
    _audit(actor, "placement.feedback_given", fresh, before=before, after=audit.snapshot(fresh, FEEDBACK_FIELDS))
    return fresh


def _sync_activity_feedback(placement: Placement, actor: User | SystemActor) -> None:
    """Feedback arriving after completion fills the activity's employer elements."""
    if placement.activity_id is None:
        return
    activity = Activity.objects.get(pk=placement.activity_id)
    task, feedback = bool(placement.feedback_task), bool(placement.feedback_how or placement.feedback_strengths)
    if (activity.employer_task, activity.employer_feedback) != (task, feedback):
        activity.employer_task, activity.employer_feedback = task, feedback
        programme_actions.save_activity(activity=activity, criteria=None, actor=actor)


@transaction.atomic
def complete_placement(
    *,
    placement: Placement,
    hours_done: Decimal,
    elements: Mapping[str, bool],
    feedback: Mapping[str, str] | None,
    actor: User,
) -> Placement:
    """Complete a placement: the hours done, the school's confirmation of what made it meaningful,
    the employer's feedback (typed by staff if it has not come through the link). Makes the
    workplace-experience activity, through the programme's actions, with the learner attended."""
    fresh = _locked(placement)
    refusal = rules.move_refusal(
        fresh.status_enum, Status.COMPLETED, progress_of(fresh, document_kinds(fresh)), today=timezone.localdate()
    )
    if refusal:
        raise MoveRefused(refusal)
    if problem := work_experience.hours_problem(hours_done):
        raise PlacementRefused(problem)
    if feedback is not None and any((feedback.get(name) or "").strip() for name in FEEDBACK_FIELDS):
        for name in FEEDBACK_FIELDS:
            setattr(fresh, name, (feedback.get(name) or "").strip())
        fresh.feedback_at = timezone.now()
        fresh.feedback_by = who(actor)
    learner = fresh.learner
    year_group = learner.year_group_in(academic_year_of(fresh.start_date))
    activity = Activity(
        provider_id=fresh.provider_id,
        title=f"Work experience: {fresh.employer.name}"[:200],
        activity_type=ActivityType.WORKPLACE_EXPERIENCE.value,
        date=fresh.start_date,
        hours=work_experience.round_hours(hours_done),
        partner=fresh.employer.name[:200],
        year_groups=[year_group] if year_group is not None else [],
        description=f"{fresh.role}".strip(),
        employer_task=bool(fresh.feedback_task),
        employer_feedback=bool(fresh.feedback_how or fresh.feedback_strengths),
        reflection=True,
        needs_own_reflection=True,
        created_by=actor,
        **{name: bool(elements.get(name)) for name in SCHOOL_ELEMENTS},
    )
    programme_actions.save_activity(activity=activity, criteria=None, actor=actor)
    programme_actions.record_participation(activity=activity, attended=[learner.pk], absent=[], actor=actor)
    fresh.activity = activity
    fresh.hours_done = work_experience.round_hours(hours_done)
    fresh.status = Status.COMPLETED.value
    fresh.completed_at = timezone.now()
    fresh.save()
    _audit(
        actor,
        "placement.completed",
        fresh,
        before={"status": Status.IN_PROGRESS.value},
        after={
            "status": fresh.status,
            "hours_done": fresh.hours_done,
            "activity_id": activity.pk,
            "elements": {name: bool(elements.get(name)) for name in SCHOOL_ELEMENTS},
        },
    )
    return fresh


# --- Data protection ----------------------------------------------------------------------------


def erase_placements(*, learner_id: int) -> int:
    """Anonymising a learner: erase what names or describes them or their family on their
    placements (consent names, phone numbers, notes, feedback, the employer's supervisor) and
    delete the documents; the dates, hours and status stay for the figures. Returns the
    placements changed. No event of its own: the anonymisation's event records the count."""
    placements = Placement.objects.filter(learner_id=learner_id)
    documents = list(PlacementDocument.objects.filter(placement__learner_id=learner_id))
    files = [document.file.name for document in documents]
    storage = PlacementDocument._meta.get_field("file").storage
    PlacementDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()

    def delete_files() -> None:
        for name in files:
            if name:
                storage.delete(name)

    # The files go once the rows are gone for good (a rolled-back anonymisation keeps both).
    transaction.on_commit(delete_files)
    return placements.update(
        consent_name="",
        consent_relationship="",
        emergency_phone="",
        medical_notes="",
        feedback_how="",
        feedback_task="",
        feedback_strengths="",
        feedback_build_on="",
        feedback_by="",
        supervisor_name="",
        supervisor_phone="",
        cancelled_reason="",
    )


def subject_access_rows(learner: Learner) -> list[dict[str, Any]]:
    """The learner's placements, JSON-ready, for a subject-access export (documents by name only)."""
    rows = []
    for placement in Placement.objects.filter(learner=learner).select_related("employer").prefetch_related("documents"):
        rows.append(
            {
                "employer": placement.employer.name,
                "role": placement.role,
                "start_date": placement.start_date.isoformat(),
                "end_date": placement.end_date.isoformat(),
                "hours": str(placement.hours),
                "hours_done": str(placement.hours_done) if placement.hours_done is not None else None,
                "status": placement.status_enum.label,
                "supervisor": placement.supervisor_name,
                "workplace_address": placement.workplace_address,
                "consent_given": placement.consent_given,
                "consent_name": placement.consent_name,
                "consent_relationship": placement.consent_relationship,
                "consent_at": placement.consent_at.isoformat() if placement.consent_at else None,
                "emergency_phone": placement.emergency_phone,
                "medical_notes": placement.medical_notes,
                "feedback_how": placement.feedback_how,
                "feedback_task": placement.feedback_task,
                "feedback_strengths": placement.feedback_strengths,
                "feedback_build_on": placement.feedback_build_on,
                "documents": [
                    f"{document.get_kind_display()} ({document.original_name})"
                    for document in placement.documents.all()
                ],
            }
        )
    return rows


SUBJECT_ACCESS_HEADERS = ("Placement", "Dates and hours", "Consent", "Employer's feedback")
SUBJECT_ACCESS_WIDTHS = (0.25, 0.2, 0.25, 0.3)


def subject_access_cells(row: dict[str, Any]) -> list[str]:
    """One row of `subject_access_rows` as the subject-access page and PDF show it."""
    from qic.programme.subject_access import readable

    placement = f"{row['employer']}" + (f", {row['role']}" if row["role"] else "") + f" ({row['status']})"
    if row["documents"]:
        placement += "\nDocuments: " + "; ".join(row["documents"])
    when = f"{readable(row['start_date'])} to {readable(row['end_date'])}; {row['hours']} hours planned"
    if row["hours_done"]:
        when += f", {row['hours_done']} done"
    if row["consent_given"] is None:
        consent = "Not given yet"
    else:
        consent = f"{'Yes' if row['consent_given'] else 'No'}: {row['consent_name']}"
        consent += f" ({row['consent_relationship']}), {readable(row['consent_at'])}"
        if row["emergency_phone"]:
            consent += f"\nEmergency contact: {row['emergency_phone']}"
        if row["medical_notes"]:
            consent += f"\nNeeds: {row['medical_notes']}"
    feedback = "\n".join(
        text
        for text in (row["feedback_how"], row["feedback_task"], row["feedback_strengths"], row["feedback_build_on"])
        if text
    )
    return [placement, when, consent, feedback or "–"]
