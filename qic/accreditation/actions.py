"""Every change to an accreditation: one function per step, keyword-only, `actor=` required,
one transaction, one audit event per change, mail queued as a task in the same transaction.

Every step asks the workflow table in `qic.domain.accreditation` whether the actor may make it
(`rules.move`) or may change what it changes (`rules.may_edit`), with the actor's part in the
round derived from the person by `qic.accreditation.access.workflow_actor`; a wrong actor or a
wrong stage is refused (`StepRefused`) with the reason. Each step also claims the round's
version: a form drawn from an older version is refused (`StaleVersion`) instead of silently
overwriting someone else's work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qic.accreditation import queries
from qic.accreditation.access import AccreditationActor, workflow_actor
from qic.accreditation.models import (
    Accreditation,
    AdditionalRecognition,
    AnnualReview,
    AssessmentConversation,
    Award,
    CriterionRecord,
    DocumentKind,
    EvidenceDocument,
    IssuedDocument,
)
from qic.accreditation.snapshot import ReportSnapshot
from qic.accreditation.uploads import CheckedUpload
from qic.core import audit
from qic.core.actors import SystemActor
from qic.core.mail import queue_mail
from qic.domain import accreditation as rules
from qic.domain import dates
from qic.domain.accreditation import OPEN_STAGES, Editable, Judgment, Outcome, Stage, Step
from qic.domain.dates import long_date
from qic.domain.provider_types import NO_COMMITMENT_FOR_PRIMARY
from qic.frameworks.editions import edition_on
from qic.frameworks.models import Criterion, Edition
from qic.organisations import actions as organisation_actions
from qic.organisations.models import Provider, User


class StaleVersion(Exception):
    """The round changed since the form was drawn."""

    message = (
        "Someone else changed this assessment after you opened the page, so your changes were not saved. "
        "Reload the page to see theirs, then make yours again."
    )


class StepRefused(ValueError):
    """A step that the rules do not allow now; the message says why."""


def _claim(accreditation: Accreditation, version: int | None) -> None:
    """Take the round's next version, or raise StaleVersion if `version` is no longer current."""
    if version is None:
        version = accreditation.version
    claimed = Accreditation.objects.filter(pk=accreditation.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleVersion(StaleVersion.message)
    accreditation.version = version + 1


def _check_actor(of: Accreditation | Provider, step: Step, actor: AccreditationActor) -> None:
    """Refuse at once someone who never makes `step` (before any check of the round's content)."""
    part = workflow_actor(actor, of)
    makers = rules.who_makes(step)
    if part not in makers:
        who = " or the ".join(a.words for a in rules.WorkflowActor if a in makers)
        raise StepRefused(f"Only the {who} can {step.words}.")


def _move(accreditation: Accreditation, step: Step, actor: AccreditationActor) -> Stage | None:
    """Make `step` if the table allows it for this actor at this stage; returns the new stage
    (None: the round is to be removed)."""
    try:
        target = rules.move(
            accreditation.stage_enum,
            step,
            workflow_actor(actor, accreditation),
            reaccreditation=accreditation.is_reaccreditation,
        )
    except rules.MoveRefused as exc:
        raise StepRefused(str(exc)) from None
    if target is not None:
        accreditation.stage = target.value
    return target


def _require_edit(accreditation: Accreditation, actor: AccreditationActor, thing: Editable, when: str) -> None:
    """Refuse a change the table does not allow: `when` says at which stage it can be made."""
    part = workflow_actor(actor, accreditation)
    if rules.may_edit(accreditation.stage_enum, part, thing):
        return
    if part not in rules.who_edits(thing):
        raise StepRefused(f"Your part in this assessment does not include changing the {thing.words}.")
    raise StepRefused(when)


def _who(actor: AccreditationActor) -> User | SystemActor:
    """The actor as the audit trail records it: the person, or the process (a system actor, which
    the trail records under its label)."""
    return actor


def _person(actor: AccreditationActor) -> User | None:
    return actor if isinstance(actor, User) else None


def _audit(
    actor: AccreditationActor, action: str, accreditation: Accreditation, obj: Any = None, **changes: Any
) -> None:
    audit.record(
        actor=_who(actor),
        action=action,
        obj=obj or accreditation,
        before=changes.get("before"),
        after=changes.get("after"),
        awarding_body_id=accreditation.awarding_body_id,
        provider_id=accreditation.provider_id,
    )


def _mail(subject: str, body: str, to: list[str]) -> None:
    """Queue the mail with the change (a task; see `qic.core.mail`)."""
    queue_mail(subject, body, to)


def _store_document(
    *,
    accreditation: Accreditation,
    upload: CheckedUpload,
    kind: str,
    title: str,
    criterion: Criterion | None,
    actor: AccreditationActor,
) -> EvidenceDocument:
    document = EvidenceDocument(
        accreditation=accreditation,
        kind=kind,
        criterion=criterion,
        title=title or rules.EVIDENCE_KIND_BY_CODE[kind].label,
        original_name=upload.original_name,
        file_type=upload.file_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        uploaded_by=_person(actor),
    )
    document.file.save(f"upload.{upload.file_type}", ContentFile(upload.data), save=False)
    document.save()
    _audit(
        actor,
        "evidence.uploaded",
        accreditation,
        document,
        after={"kind": kind, "title": document.title, "size": document.size, "sha256": document.sha256},
    )
    return document


# --- Commitment and portfolio -------------------------------------------------------------------


def _new_round(*, provider: Provider, edition: Edition, stage: Stage, previous: Accreditation | None) -> Accreditation:
    if not provider.works_towards_the_standard:
        raise StepRefused(NO_COMMITMENT_FOR_PRIMARY)
    if provider.awarding_body_id is None:
        raise StepRefused("Your school or college is not yet a client of an Awarding Body; ask one to add you.")
    open_round = Accreditation.objects.filter(provider=provider, stage__in=OPEN_STAGES).first()
    if open_round is not None:
        raise StepRefused("There is already an accreditation in progress for this provider.")
    accreditation = Accreditation.objects.create(
        provider=provider, awarding_body_id=provider.awarding_body_id, edition=edition, stage=stage, previous=previous
    )
    previous_records = (
        {r.criterion.code: r for r in previous.criterion_records.select_related("criterion")} if previous else {}
    )
    CriterionRecord.objects.bulk_create(
        CriterionRecord(
            accreditation=accreditation,
            criterion=criterion,
            commentary=previous_records[criterion.code].commentary if criterion.code in previous_records else "",
        )
        for criterion in Criterion.objects.filter(edition=edition)
    )
    return accreditation


@transaction.atomic
def request_commitment(
    *,
    provider: Provider,
    commitment_url: str,
    compass_tool: str,
    compass_completed_on: dt.date,
    compass_report: CheckedUpload,
    actor: AccreditationActor,
) -> Accreditation:
    """Start a round: the careers leader asks for the certificate of commitment (§4.4.1).

    Creates the round against the edition of the criteria in force today (the round keeps it
    when a later edition takes effect), one record per criterion,
    stores the Compass report as evidence, and mails the Awarding Body's admins.
    """
    try:
        rules.move(None, Step.REQUEST_COMMITMENT, workflow_actor(actor, provider))
    except rules.MoveRefused as exc:
        raise StepRefused(str(exc)) from None
    edition = edition_on(timezone.localdate())
    if edition is None:
        raise StepRefused("No edition of the national criteria is in force yet.")
    accreditation = _new_round(provider=provider, edition=edition, stage=Stage.COMMITMENT_REQUESTED, previous=None)
    accreditation.commitment_url = commitment_url
    accreditation.compass_tool = compass_tool
    accreditation.compass_completed_on = compass_completed_on
    accreditation.save()
    _store_document(
        accreditation=accreditation,
        upload=compass_report,
        kind="compass",
        title=f"{'Compass+' if compass_tool == 'compass_plus' else 'Compass'} report, "
        f"{long_date(compass_completed_on)}",
        criterion=None,
        actor=actor,
    )
    _audit(
        actor,
        "accreditation.commitment_requested",
        accreditation,
        after={"commitment_url": commitment_url, "compass_completed_on": compass_completed_on, "edition": edition.code},
    )
    _mail(
        f"{provider.name} asks for the certificate of commitment",
        f"{provider.name} (URN {provider.urn}) has asked for the Quality in Careers certificate of commitment.\n"
        f"Governing body's commitment: {commitment_url}\n",
        queries.body_admin_emails(accreditation.awarding_body_id),
    )
    return accreditation


@transaction.atomic
def grant_commitment(
    *, accreditation: Accreditation, version: int | None, today: dt.date, actor: AccreditationActor
) -> IssuedDocument:
    """The Awarding Body grants the certificate of commitment; returns the issued certificate.

    Raises StepRefused for a primary school (one recorded as secondary when it asked, then
    corrected): primary schools are not in the Standard.
    """
    _check_actor(accreditation, Step.GRANT_COMMITMENT, actor)
    if not accreditation.provider.works_towards_the_standard:
        raise StepRefused(
            f"{accreditation.provider.name} is a primary school, and you cannot record commitment to the "
            "Quality in Careers Standard for a primary school. It works towards a primary careers award instead."
        )
    _claim(accreditation, version)
    _move(accreditation, Step.GRANT_COMMITMENT, actor)
    accreditation.committed_on = today
    accreditation.save()
    document = _issue_document(accreditation, DocumentKind.COMMITMENT_CERTIFICATE, actor=actor)
    _audit(actor, "accreditation.commitment_granted", accreditation, after={"committed_on": today})
    _mail(
        "Your Quality in Careers certificate of commitment",
        f"{accreditation.provider.name} is committed to work towards the Quality in Careers Standard.\n"
        f"You may now use these words: “{rules.COMMITMENT_WORDING}”.\n",
        queries.leader_emails(accreditation.provider_id),
    )
    return document


@transaction.atomic
def decline_commitment(
    *, accreditation: Accreditation, reason: str, version: int | None, actor: AccreditationActor
) -> None:
    """The Awarding Body declines the request for the certificate of commitment, saying why (the
    public commitment or the Compass report is not there yet). The round ends; the careers
    leaders are mailed the reasons and may ask again."""
    _check_actor(accreditation, Step.DECLINE_COMMITMENT, actor)
    if not reason.strip():
        raise StepRefused("Say why the request is declined.")
    _claim(accreditation, version)
    _move(accreditation, Step.DECLINE_COMMITMENT, actor)
    accreditation.declined_reason = reason
    accreditation.save()
    _audit(actor, "accreditation.commitment_declined", accreditation, after={"reason": reason})
    _mail(
        "Your request for the certificate of commitment was declined",
        f"{accreditation.awarding_body.name} has declined the request from {accreditation.provider.name} for the "
        f"Quality in Careers certificate of commitment:\n\n{reason}\n\n"
        "You can ask again in QiC Platform once this is put right.\n",
        queries.leader_emails(accreditation.provider_id),
    )


@transaction.atomic
def save_commentary(
    *, record: CriterionRecord, commentary: str, version: int | None, actor: AccreditationActor
) -> None:
    accreditation = record.accreditation
    _require_edit(accreditation, actor, Editable.COMMENTARY, "The evidence can only be changed before it is submitted.")
    _claim(accreditation, version)
    before = record.commentary
    record.commentary = commentary
    record.save(update_fields=["commentary"])
    _audit(
        actor,
        "portfolio.commentary",
        accreditation,
        record,
        before={"commentary": before},
        after={"commentary": commentary},
    )


@transaction.atomic
def upload_evidence(
    *,
    accreditation: Accreditation,
    upload: CheckedUpload,
    kind: str,
    title: str,
    criterion: Criterion | None,
    actor: AccreditationActor,
) -> EvidenceDocument:
    _require_edit(accreditation, actor, Editable.EVIDENCE, "Evidence can only be added before it is submitted.")
    problem = rules.upload_refused_for_kind(upload.file_type, kind)
    if problem:
        raise StepRefused(problem)
    _claim(accreditation, None)
    return _store_document(
        accreditation=accreditation, upload=upload, kind=kind, title=title, criterion=criterion, actor=actor
    )


@transaction.atomic
def remove_evidence(*, document: EvidenceDocument, actor: AccreditationActor) -> None:
    accreditation = document.accreditation
    _require_edit(accreditation, actor, Editable.EVIDENCE, "Submitted evidence cannot be removed.")
    _claim(accreditation, None)
    _audit(
        actor, "evidence.removed", accreditation, document, before={"title": document.title, "sha256": document.sha256}
    )
    document.file.delete(save=False)
    document.delete()


@transaction.atomic
def submit_portfolio(*, accreditation: Accreditation, version: int | None, actor: AccreditationActor) -> None:
    """The careers leader submits the evidence for assessment; mails the Awarding Body's admins."""
    _check_actor(accreditation, Step.SUBMIT_PORTFOLIO, actor)
    missing = queries.missing_evidence(accreditation)
    if missing:
        raise StepRefused("Add the missing evidence first: " + "; ".join(kind.label for kind in missing) + ".")
    _claim(accreditation, version)
    _move(accreditation, Step.SUBMIT_PORTFOLIO, actor)
    accreditation.submitted_at = timezone.now()
    accreditation.incomplete_reason = ""
    accreditation.save()
    _audit(actor, "portfolio.submitted", accreditation, after={"stage": accreditation.stage})
    _mail(
        f"{accreditation.provider.name} has submitted its evidence",
        f"{accreditation.provider.name} (URN {accreditation.provider.urn}) has submitted its evidence for "
        "assessment. Assign an assessor from your accreditation dashboard.\n",
        queries.body_admin_emails(accreditation.awarding_body_id),
    )


@transaction.atomic
def return_incomplete(
    *, accreditation: Accreditation, reason: str, version: int | None, actor: AccreditationActor
) -> None:
    """The Awarding Body returns submitted evidence as incomplete, saying what to fix: the round
    goes back to the careers leader (committed), who may change the evidence and submit again."""
    _check_actor(accreditation, Step.RETURN_INCOMPLETE, actor)
    if not reason.strip():
        raise StepRefused("Say what the careers leader needs to fix.")
    _claim(accreditation, version)
    _move(accreditation, Step.RETURN_INCOMPLETE, actor)
    accreditation.incomplete_reason = reason
    accreditation.submitted_at = None
    accreditation.save()
    _audit(actor, "portfolio.returned_incomplete", accreditation, after={"reason": reason})
    _mail(
        "Your evidence has been returned as incomplete",
        f"{accreditation.awarding_body.name} has returned the evidence of {accreditation.provider.name} "
        f"as incomplete:\n\n{reason}\n\nPut it right in QiC Platform, then submit it again.\n",
        queries.leader_emails(accreditation.provider_id),
    )


# --- The Awarding Body and the assessor -------------------------------------------------------


@transaction.atomic
def assign_assessor(
    *, accreditation: Accreditation, assessor: User, version: int | None, actor: AccreditationActor
) -> None:
    _claim(accreditation, version)
    _move(accreditation, Step.ASSIGN_ASSESSOR, actor)
    try:
        organisation_actions.assign_assessor(provider=accreditation.provider, assessor=assessor, actor=_who(actor))
    except ValueError as exc:
        raise StepRefused(str(exc)) from None
    before = accreditation.assessor_id
    accreditation.assessor = assessor
    accreditation.save()
    _audit(
        actor,
        "assessment.assessor_assigned",
        accreditation,
        before={"assessor": before},
        after={"assessor": assessor.pk},
    )
    _mail(
        f"You are assessing {accreditation.provider.name}",
        f"You have been assigned the Quality in Careers assessment of {accreditation.provider.name} "
        f"(URN {accreditation.provider.urn}).\n",
        [assessor.email],
    )


@transaction.atomic
def schedule_visit(
    *,
    accreditation: Accreditation,
    visit_on: dt.date,
    version: int | None,
    actor: AccreditationActor,
    today: dt.date | None = None,
) -> None:
    """Schedule the assessment visit, or move one already scheduled; never to a day before `today`
    (the same rule as the form's). Mails the careers leaders and the assessor."""
    _check_actor(accreditation, Step.SCHEDULE_VISIT, actor)
    problem = dates.in_the_future(visit_on, today=today or timezone.localdate(), field="The date of the visit")
    if problem:
        raise StepRefused(problem + ".")
    _claim(accreditation, version)
    _move(accreditation, Step.SCHEDULE_VISIT, actor)
    before = accreditation.visit_on
    accreditation.visit_on = visit_on
    accreditation.save()
    _audit(
        actor, "assessment.visit_scheduled", accreditation, before={"visit_on": before}, after={"visit_on": visit_on}
    )
    _mail(
        f"Quality in Careers assessment visit on {long_date(visit_on)}",
        f"The assessment visit to {accreditation.provider.name} is on {visit_on:%A} {long_date(visit_on)}.\n",
        [
            *queries.leader_emails(accreditation.provider_id),
            accreditation.assessor.email if accreditation.assessor else "",
        ],
    )


_ASSESSING = "Judgments can be recorded once the visit is scheduled and until they are submitted."


@transaction.atomic
def record_conversation(
    *,
    accreditation: Accreditation,
    kind: str,
    held_on: dt.date,
    participants: str,
    notes: str,
    criteria: list[Criterion],
    actor: AccreditationActor,
) -> AssessmentConversation:
    _require_edit(accreditation, actor, Editable.CONVERSATIONS, _ASSESSING)
    _claim(accreditation, None)
    conversation = AssessmentConversation.objects.create(
        accreditation=accreditation,
        kind=kind,
        held_on=held_on,
        participants=participants,
        notes=notes,
        recorded_by=_person(actor),
    )
    conversation.criteria.set(criteria)
    _audit(
        actor,
        "assessment.conversation",
        accreditation,
        conversation,
        after={"kind": kind, "held_on": held_on, "participants": participants, "criteria": [c.code for c in criteria]},
    )
    return conversation


@transaction.atomic
def save_judgments(
    *,
    accreditation: Accreditation,
    judgments: Mapping[int, tuple[str, str]],
    version: int | None,
    actor: AccreditationActor,
) -> int:
    """Save judgments and comments, keyed by CriterionRecord id; returns how many changed.
    Each changed judgment writes its own audit event."""
    _require_edit(accreditation, actor, Editable.JUDGMENTS, _ASSESSING)
    _claim(accreditation, version)
    changed = 0
    for record in accreditation.criterion_records.filter(pk__in=list(judgments)).select_related("criterion"):
        judgment, comment = judgments[record.pk]
        if judgment:
            Judgment(judgment)  # refuses an unknown value
        if (record.judgment, record.comment) == (judgment, comment):
            continue
        before = {"judgment": record.judgment, "comment": record.comment}
        record.judgment, record.comment = judgment, comment
        record.save(update_fields=["judgment", "comment"])
        _audit(
            actor,
            "assessment.judgment",
            accreditation,
            record,
            before=before,
            after={"criterion": record.criterion.code, "judgment": judgment, "comment": comment},
        )
        changed += 1
    return changed


@transaction.atomic
def save_summary(
    *,
    accreditation: Accreditation,
    key_principles_met: bool | None,
    strengths: str,
    areas_for_development: str,
    recommendations: str,
    version: int | None,
    actor: AccreditationActor,
) -> None:
    _require_edit(accreditation, actor, Editable.SUMMARY, _ASSESSING)
    _claim(accreditation, version)
    fields = ["key_principles_met", "strengths", "areas_for_development", "recommendations"]
    before = audit.snapshot(accreditation, fields)
    accreditation.key_principles_met = key_principles_met
    accreditation.strengths = strengths
    accreditation.areas_for_development = areas_for_development
    accreditation.recommendations = recommendations
    accreditation.save()
    _audit(actor, "assessment.summary", accreditation, before=before, after=audit.snapshot(accreditation, fields))


@transaction.atomic
def submit_judgments(
    *, accreditation: Accreditation, version: int | None, actor: AccreditationActor, today: dt.date | None = None
) -> rules.OutcomeDecision:
    """The assessor submits, on or after the day of the visit; the outcome follows from the rules
    and goes to the body to issue."""
    _check_actor(accreditation, Step.SUBMIT_JUDGMENTS, actor)
    too_early = rules.visit_refusal(
        Step.SUBMIT_JUDGMENTS, visit_on=accreditation.visit_on, today=today or timezone.localdate()
    )
    if too_early:
        raise StepRefused(too_early)
    unjudged = [r.criterion.code for r in accreditation.criterion_records.select_related("criterion") if not r.judgment]
    if unjudged:
        raise StepRefused("Judge every criterion first: " + ", ".join(unjudged) + ".")
    if accreditation.key_principles_met is None:
        raise StepRefused("Say whether the key principles are met.")
    if not accreditation.areas_for_development.strip() and not accreditation.strengths.strip():
        raise StepRefused("Write the strengths and areas for development.")
    decision = queries.decision_for(accreditation)
    assert decision is not None
    _claim(accreditation, version)
    _move(accreditation, Step.SUBMIT_JUDGMENTS, actor)
    accreditation.recommended_outcome = decision.outcome.value
    accreditation.judged_at = timezone.now()
    accreditation.returned_reason = ""
    accreditation.save()
    _audit(
        actor,
        "assessment.submitted",
        accreditation,
        after={"outcome": decision.outcome.value, "reasons": list(decision.reasons)},
    )
    _mail(
        f"Assessment of {accreditation.provider.name} ready to issue",
        f"The assessor has submitted the assessment of {accreditation.provider.name}: "
        f"Outcome {decision.outcome.value}. Review and issue it from your accreditation dashboard.\n",
        queries.body_admin_emails(accreditation.awarding_body_id),
    )
    return decision


@transaction.atomic
def return_to_assessor(
    *, accreditation: Accreditation, reason: str, version: int | None, actor: AccreditationActor
) -> None:
    _check_actor(accreditation, Step.RETURN_TO_ASSESSOR, actor)
    if not reason.strip():
        raise StepRefused("Say what the assessor should look at again.")
    _claim(accreditation, version)
    _move(accreditation, Step.RETURN_TO_ASSESSOR, actor)
    accreditation.returned_reason = reason
    accreditation.recommended_outcome = ""
    accreditation.save()
    _audit(actor, "assessment.returned", accreditation, after={"reason": reason})
    if accreditation.assessor:
        _mail(
            f"Assessment of {accreditation.provider.name} returned to you",
            f"The Awarding Body has returned the assessment: {reason}\n",
            [accreditation.assessor.email],
        )


# --- Issuing --------------------------------------------------------------------------------------


def _issue_document(
    accreditation: Accreditation,
    kind: DocumentKind,
    *,
    actor: AccreditationActor,
    content: dict[str, Any] | None = None,
    replaces: IssuedDocument | None = None,
    reason: str = "",
) -> IssuedDocument:
    from qic.accreditation.documents import snapshot_for

    number = (
        IssuedDocument.objects.filter(accreditation=accreditation, kind=kind)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    document = IssuedDocument.objects.create(
        accreditation=accreditation,
        kind=kind,
        number=number,
        replaces=replaces,
        correction_reason=reason,
        content=content if content is not None else snapshot_for(accreditation, kind).stored(),
        issued_at=timezone.now(),
        issued_by=_person(actor),
    )
    _audit(
        actor,
        f"document.issued.{kind.value}",
        accreditation,
        document,
        after={"kind": kind.value, "number": number, "replaces": replaces.pk if replaces else None, "reason": reason},
    )
    return document


@transaction.atomic
def issue_outcome(
    *, accreditation: Accreditation, version: int | None, today: dt.date, actor: AccreditationActor
) -> Award | None:
    """The Awarding Body issues the outcome, on or after the day of the visit: the report always;
    for 2a and 2b the award, its certificate and its annual reviews. Returns the award, or None
    for Outcome 1."""
    _check_actor(accreditation, Step.ISSUE_OUTCOME, actor)
    decision = queries.decision_for(accreditation)
    if decision is None:
        raise StepRefused("Every criterion must be judged before the outcome is issued.")
    too_early = rules.visit_refusal(Step.ISSUE_OUTCOME, visit_on=accreditation.visit_on, today=today)
    if too_early:
        raise StepRefused(too_early)
    _claim(accreditation, version)
    _move(accreditation, Step.ISSUE_OUTCOME, actor)
    accreditation.outcome = decision.outcome.value
    accreditation.issued_at = timezone.now()
    award = None
    if decision.outcome.awarded:
        dates = rules.award_dates(today, accreditation.awarding_body.award_validity_months)
        award = Award.objects.create(
            accreditation=accreditation,
            provider=accreditation.provider,
            awarding_body=accreditation.awarding_body,
            outcome=decision.outcome.value,
            awarded_on=dates.awarded_on,
            expires_on=dates.expires_on,
        )
        # A reaccreditation's new award takes over from the previous one.
        Award.objects.filter(provider=accreditation.provider, superseded=False).exclude(pk=award.pk).update(
            superseded=True
        )
        AnnualReview.objects.bulk_create(
            AnnualReview(
                accreditation=accreditation,
                number=number,
                due_on=due,
                prepares_reaccreditation=number == dates.reaccreditation_review,
            )
            for number, due in enumerate(dates.reviews_due, start=1)
        )
        _audit(
            actor,
            "award.made",
            accreditation,
            award,
            after={"outcome": award.outcome, "awarded_on": award.awarded_on, "expires_on": award.expires_on},
        )
    accreditation.save()
    _issue_document(accreditation, DocumentKind.REPORT, actor=actor)
    if award is not None:
        _issue_document(accreditation, DocumentKind.CERTIFICATE, actor=actor)
    _audit(actor, "outcome.issued", accreditation, after={"outcome": decision.outcome.value})
    _mail(
        "Your Quality in Careers assessment outcome",
        f"{accreditation.provider.name}: {accreditation.outcome_label}. Your report"
        + (" and certificate are" if award else " is")
        + " ready in QiC Platform.\n",
        queries.leader_emails(accreditation.provider_id),
    )
    return award


@transaction.atomic
def correct_report(
    *,
    document: IssuedDocument,
    reason: str,
    strengths: str,
    areas_for_development: str,
    recommendations: str,
    actor: AccreditationActor,
) -> IssuedDocument:
    """Issue a corrected version of a report: a new document naming the one it replaces."""
    _require_edit(
        document.accreditation, actor, Editable.REPORT_CORRECTION, "A report can be corrected once it is issued."
    )
    if not reason.strip():
        raise StepRefused("Say what the correction changes.")
    if hasattr(document, "replaced_by"):
        raise StepRefused("This version has already been replaced; correct the latest one.")
    if document.kind != DocumentKind.REPORT:
        raise StepRefused("Only an assessment report is corrected this way.")
    issued = ReportSnapshot.model_validate(document.content)
    # Through the schema again, so the corrected snapshot is checked like any other.
    corrected = ReportSnapshot.model_validate(
        issued.model_dump()
        | {
            "strengths": strengths,
            "areas_for_development": areas_for_development,
            "recommendations": recommendations,
            "correction": {"replaces_number": document.number, "reason": reason},
        }
    )
    return _issue_document(
        document.accreditation,
        DocumentKind.REPORT,
        actor=actor,
        content=corrected.stored(),
        replaces=document,
        reason=reason,
    )


# --- After the award ----------------------------------------------------------------------------


@transaction.atomic
def record_review(
    *,
    review: AnnualReview,
    held_on: dt.date,
    progress: str,
    recommend_reissue: bool,
    actor: AccreditationActor,
) -> None:
    """The assessor records an annual review. Only the first review of a 2a holder may
    recommend re-issue as 2b."""
    _require_edit(
        review.accreditation, actor, Editable.ANNUAL_REVIEW, "Annual reviews are recorded once the outcome is issued."
    )
    if not progress.strip():
        raise StepRefused("Describe the progress since the award.")
    award = review.accreditation.awards.filter(superseded=False).first()
    if recommend_reissue and not rules.may_recommend_reissue(
        review_number=review.number, outcome=award.outcome_enum if award else None
    ):
        raise StepRefused("Re-issue as fully meeting can be recommended only at the first review of a 2a award.")
    before = audit.snapshot(review, ["held_on", "progress", "recommend_reissue"])
    review.held_on = held_on
    review.progress = progress
    review.recommend_reissue = recommend_reissue
    review.recorded_by = _person(actor)
    review.recorded_at = timezone.now()
    review.save()
    _audit(
        actor,
        "review.recorded",
        review.accreditation,
        review,
        before=before,
        after=audit.snapshot(review, ["held_on", "progress", "recommend_reissue"]),
    )


@transaction.atomic
def reissue_award(*, award: Award, today: dt.date, actor: AccreditationActor, version: int | None = None) -> Award:
    """Re-issue a 2a award as 2b after the first review recommends it; the expiry does not move."""
    accreditation = award.accreditation
    _check_actor(accreditation, Step.REISSUE_AWARD, actor)
    refusal = rules.reissue_refusal(
        outcome=None if award.superseded else award.outcome_enum,
        first_review_recommends=accreditation.reviews.filter(number=1, recommend_reissue=True).exists(),
    )
    if refusal:
        raise StepRefused(refusal)
    validity = accreditation.awarding_body.award_validity_months
    try:
        dates = rules.reissue_dates(award.dates(validity), today)
    except ValueError as exc:
        raise StepRefused(str(exc)) from None
    _claim(accreditation, version)
    _move(accreditation, Step.REISSUE_AWARD, actor)
    award.superseded = True
    award.save(update_fields=["superseded"])
    new = Award.objects.create(
        accreditation=accreditation,
        provider=award.provider,
        awarding_body=award.awarding_body,
        outcome=Outcome.FULLY_MEETING.value,
        awarded_on=dates.awarded_on,
        expires_on=dates.expires_on,
        replaces=award,
    )
    accreditation.outcome = Outcome.FULLY_MEETING.value
    accreditation.save(update_fields=["outcome"])
    _audit(
        actor,
        "award.reissued",
        accreditation,
        new,
        before={"outcome": award.outcome, "awarded_on": award.awarded_on, "expires_on": award.expires_on},
        after={"outcome": new.outcome, "awarded_on": new.awarded_on, "expires_on": new.expires_on},
    )
    previous = (
        IssuedDocument.objects.filter(accreditation=accreditation, kind=DocumentKind.CERTIFICATE)
        .order_by("-number")
        .first()
    )
    _issue_document(
        accreditation,
        DocumentKind.CERTIFICATE,
        actor=actor,
        replaces=previous,
        reason="Re-issued as fully meeting after the first annual review; the expiry date is unchanged.",
    )
    _mail(
        "Your Quality in Careers award is re-issued as fully meeting",
        f"{award.provider.name} is now fully meeting the Quality in Careers Standard. The award is still "
        f"valid until the end of {long_date(new.expires_on)}, as before.\n",
        queries.leader_emails(award.provider_id),
    )
    return new


@transaction.atomic
def start_reaccreditation(
    *, accreditation: Accreditation, actor: AccreditationActor, version: int | None = None
) -> Accreditation:
    """A new round that starts from the previous one: already committed, the provider's
    commentary carried over, the previous report attached as evidence and shown to the assessor.
    The previous round and its award are unchanged (until the new round's outcome is issued)."""
    _check_actor(accreditation, Step.START_REACCREDITATION, actor)
    if accreditation.stage != Stage.ISSUED:
        raise StepRefused("Reaccreditation starts from an issued outcome.")
    if hasattr(accreditation, "reaccreditation"):
        raise StepRefused("Reaccreditation has already started.")
    _claim(accreditation, version)
    _move(accreditation, Step.START_REACCREDITATION, actor)
    edition = edition_on(timezone.localdate())
    if edition is None:
        raise StepRefused("No edition of the national criteria is in force yet.")
    new = _new_round(provider=accreditation.provider, edition=edition, stage=Stage.COMMITTED, previous=accreditation)
    new.committed_on = timezone.localdate()
    new.commitment_url = accreditation.commitment_url
    new.compass_tool = accreditation.compass_tool
    new.save()
    _audit(actor, "accreditation.reaccreditation_started", new, after={"previous": accreditation.pk})
    return new


@transaction.atomic
def cancel_reaccreditation(*, accreditation: Accreditation, version: int | None, actor: AccreditationActor) -> None:
    """Call off a reaccreditation before its evidence is submitted: the new round, its commentary
    and its documents are removed; the previous round and its award are untouched, and a new
    reaccreditation can be started from it later. Audited on the previous round."""
    _check_actor(accreditation, Step.CANCEL_REACCREDITATION, actor)
    _claim(accreditation, version)
    _move(accreditation, Step.CANCEL_REACCREDITATION, actor)
    previous = accreditation.previous
    assert previous is not None  # the table allows the move only for a reaccreditation
    documents = list(accreditation.documents.all())
    _audit(
        actor,
        "accreditation.reaccreditation_cancelled",
        previous,
        before={
            "round": accreditation.pk,
            "stage": accreditation.stage,
            "documents": [d.sha256 for d in documents],
        },
    )
    files = [d.file for d in documents]
    accreditation.delete()

    def remove_files() -> None:
        for file in files:
            file.delete(save=False)

    # The files go only once the rows are gone for good.
    transaction.on_commit(remove_files)


@transaction.atomic
def give_recognition(
    *, provider: Provider, title: str, reason: str, given_on: dt.date, actor: User
) -> AdditionalRecognition:
    if provider.awarding_body_id is None:
        raise StepRefused("Only a client of your Awarding Body can be recognised.")
    recognition = AdditionalRecognition.objects.create(
        provider=provider,
        awarding_body_id=provider.awarding_body_id,
        title=title,
        reason=reason,
        given_on=given_on,
        given_by=actor,
    )
    audit.record(
        actor=actor,
        action="recognition.given",
        obj=recognition,
        after={"title": title, "reason": reason, "given_on": given_on},
        awarding_body_id=provider.awarding_body_id,
        provider_id=provider.pk,
    )
    return recognition
