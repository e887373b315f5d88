"""Accreditation pages. Every view starts with the access layer: another tenant's round is a
404, a role without the capability a 403, and an assessor acts only on rounds assigned to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qic.accreditation import actions, queries
from qic.accreditation.access import accreditations_visible_to, get_accreditation_for, workflow_actor
from qic.accreditation.forms import (
    AssignAssessorForm,
    CommentaryForm,
    CommitmentForm,
    ConversationForm,
    CorrectionForm,
    DeclineForm,
    EvidenceUploadForm,
    IncompleteForm,
    JudgmentForm,
    RecognitionForm,
    ReturnForm,
    ReviewForm,
    ScheduleVisitForm,
    SummaryForm,
    VersionForm,
)
from qic.accreditation.models import Accreditation, DocumentKind, EvidenceDocument, IssuedDocument
from qic.accreditation.pdf import render_pdf
from qic.accreditation.snapshot import ReportSnapshot
from qic.domain import accreditation as rules
from qic.domain.accreditation import (
    OPEN_STAGES,
    Editable,
    Judgment,
    Stage,
    Step,
    WorkflowActor,
    allowed_moves,
    may_edit,
    may_recommend_reissue,
    may_reissue,
    who_makes,
)
from qic.domain.dates import long_date, long_datetime
from qic.domain.provider_types import NO_COMMITMENT_FOR_PRIMARY
from qic.frameworks.models import Section
from qic.organisations.access import (
    Capability,
    assessors_of,
    capabilities,
    get_provider_for,
    membership_of,
    require_role,
)
from qic.organisations.models import Role, User
from qic.organisations.primary_schools import Instead, not_for_primary_schools
from qic.programme.provider_access_queries import access_evidence

STALE = actions.StaleVersion.message


def _round_url(accreditation: Accreditation) -> str:
    return reverse("accreditation:accreditation_round", args=[accreditation.provider.urn, accreditation.pk])


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind `require_role`)."""
    return cast(User, request.user)


def _part(request: HttpRequest, accreditation: Accreditation) -> WorkflowActor | None:
    return workflow_actor(_user(request), accreditation)


def _step_url(accreditation: Accreditation, step: Step) -> str:
    if step is Step.START_REACCREDITATION:
        return reverse("accreditation:reaccreditation_start", args=[accreditation.provider.urn, accreditation.pk])
    return reverse("accreditation:accreditation_step", args=[accreditation.provider.urn, accreditation.pk, step.value])


def _edits(stage: Stage, part: WorkflowActor | None) -> dict[str, bool]:
    """What this person may change now, for the templates: {"evidence": True, ...}."""
    return {thing.value: may_edit(stage, part, thing) for thing in Editable}


def _criteria(accreditation: Accreditation) -> list[Any]:
    """The round's criteria, in order (from its edition, through its records)."""
    return [r.criterion for r in accreditation.criterion_records.select_related("criterion")]


def _refused(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, str(exc))


# --- The provider's accreditation -----------------------------------------------------------------


@require_role()
def overview(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_ACCREDITATION)
    today = timezone.localdate()
    rounds = list(accreditations_visible_to(request.user, provider).select_related("awarding_body", "edition"))
    award = queries.current_award(provider.pk, today)
    caps = capabilities(request.user)
    open_round = next((r for r in rounds if r.stage_enum in OPEN_STAGES), None)
    # A first round is asked for while every earlier request was declined (after an outcome, the
    # next round is a reaccreditation).
    only_declined = all(r.stage_enum is Stage.COMMITMENT_DECLINED for r in rounds)
    may_request = any(
        m.step is Step.REQUEST_COMMITMENT for m in allowed_moves(None, workflow_actor(_user(request), provider))
    )
    return render(
        request,
        "accreditation/overview.html",
        {
            "provider": provider,
            "rounds": rounds,
            "open_round": open_round,
            "declined": rounds[0] if rounds and rounds[0].stage_enum is Stage.COMMITMENT_DECLINED else None,
            "can_request": may_request and open_round is None and only_declined,
            "award": award,
            "wording": rules.AUTHORISED_WORDING.get(award.outcome_enum) if award else None,
            "commitment_wording": rules.COMMITMENT_WORDING,
            "no_commitment": NO_COMMITMENT_FOR_PRIMARY,
            "committed": any(r.committed_on for r in rounds),
            "recognitions": list(provider.recognitions.select_related("awarding_body")),
            "recognition_label": rules.ADDITIONAL_RECOGNITION_LABEL,
            "can_prepare": Capability.PREPARE_ACCREDITATION in caps,
            "can_manage": Capability.MANAGE_ACCREDITATION in caps,
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
@not_for_primary_schools(Capability.PREPARE_ACCREDITATION, Instead.REFUSE)
def commitment_request(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.PREPARE_ACCREDITATION)
    form = CommitmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accreditation = actions.request_commitment(
                provider=provider,
                commitment_url=data["commitment_url"],
                compass_tool=data["compass_tool"],
                compass_completed_on=data["compass_completed_on"],
                compass_report=data["compass_report"],
                actor=_user(request),
            )
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your request has gone to your Awarding Body.")
            return redirect(_round_url(accreditation))
    return render(request, "accreditation/commitment_form.html", {"provider": provider, "form": form})


def _judging_progress(records: list[Any]) -> tuple[int, int]:
    return sum(1 for r in records if r.judgment), len(records)


# What a person without a forward move of their own is told about the round, by stage.
WAITING = {
    Stage.COMMITMENT_REQUESTED: "Your request is with {body}. You can add evidence while you wait.",
    Stage.COMMITMENT_DECLINED: "",
    Stage.COMMITTED: "The provider is preparing its evidence.",
    Stage.SUBMITTED: "Submitted {submitted}. {body} will assign an assessor.",
    Stage.ASSESSOR_ASSIGNED: "An assessor is assigned; the visit will be scheduled soon.",
    Stage.VISIT_SCHEDULED: "The assessment is under way.",
    Stage.JUDGED: "The assessment is with {body} for approval.",
    Stage.ISSUED: "",
}


@require_role()
def round_detail(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    caps = capabilities(request.user)
    part = _part(request, accreditation)
    stage = accreditation.stage_enum
    moves = allowed_moves(stage, part, reaccreditation=accreditation.is_reaccreditation)
    # The moves this person may make now, each with the URL of its page (or form's action).
    can = {m.step.value: _step_url(accreditation, m.step) for m in moves}
    records = list(accreditation.criterion_records.select_related("criterion__section"))
    sections = list(Section.objects.filter(edition=accreditation.edition).order_by("number"))
    is_assessor = part is WorkflowActor.ASSESSOR
    can_manage = Capability.MANAGE_ACCREDITATION in caps
    documents = list(accreditation.documents.select_related("criterion"))
    present = {d.kind for d in documents}
    held = queries.evidence_held_here(accreditation, today=timezone.localdate())
    compass_current = queries.compass_up_to_date(accreditation, present)
    decision = (
        queries.decision_for(accreditation, records, compass_current=compass_current)
        if (is_assessor or can_manage)
        else None
    )
    version = {"version": accreditation.version}
    body = accreditation.awarding_body
    awards = list(accreditation.awards.order_by("awarded_on", "pk"))
    reviews = list(accreditation.reviews.all())
    current = next((a for a in awards if not a.superseded), None)
    if Step.REISSUE_AWARD.value in can and not may_reissue(
        stage,
        part,
        outcome=current.outcome_enum if current else None,
        first_review_recommends=any(r.number == 1 and r.recommend_reissue for r in reviews),
    ):
        del can[Step.REISSUE_AWARD.value]
    if Step.START_REACCREDITATION.value in can and hasattr(accreditation, "reaccreditation"):
        del can[Step.START_REACCREDITATION.value]
    waiting = ""
    if not any(m.forward for m in moves):
        waiting = WAITING[stage].format(
            body=body.name,
            submitted=long_datetime(accreditation.submitted_at) if accreditation.submitted_at else "",
        )
    return render(
        request,
        "accreditation/round.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "records": records,
            "sections": sections,
            "documents": documents,
            "missing": queries.missing_evidence(accreditation, present, held),
            # Each kind of evidence with what the platform already holds of it (words, or "").
            "evidence_kinds": [(kind, held.get(kind.code, "")) for kind in rules.EVIDENCE_KINDS],
            "present_kinds": present | set(held),
            "access_evidence": access_evidence(accreditation.provider, today=timezone.localdate()),
            "issued": list(accreditation.issued_documents.select_related("replaced_by").order_by("kind", "number")),
            "awards": awards,
            "reviews": reviews,
            "conversations": list(accreditation.conversations.all()) if (is_assessor or can_manage) else [],
            "judged": _judging_progress(records),
            "decision": decision,
            "compass_up_to_date": compass_current,
            "can": can,
            "edit": _edits(stage, part),
            "waiting": waiting,
            # Judgments are shown to the Awarding Body and its assessor, and to everyone once issued.
            "show_judgments": is_assessor or can_manage or stage is Stage.ISSUED,
            "is_assessor": is_assessor,
            "can_prepare": Capability.PREPARE_ACCREDITATION in caps,
            "version_form": VersionForm(initial=version),
            "assign_form": AssignAssessorForm(initial=version, assessors=assessors_of(body))
            if Step.ASSIGN_ASSESSOR.value in can
            else None,
            "schedule_form": ScheduleVisitForm(initial=version | {"visit_on": accreditation.visit_on}),
            "return_form": ReturnForm(initial=version),
            "previous": accreditation.previous,
            "destinations_analysis_url": queries.destinations_analysis_url(accreditation.provider.urn),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def criterion_detail(request: HttpRequest, urn: int, pk: int, code: str) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    record = get_object_or_404(
        accreditation.criterion_records.select_related("criterion__section"), criterion__code=code
    )
    can_edit = may_edit(accreditation.stage_enum, _part(request, accreditation), Editable.COMMENTARY)
    form = CommentaryForm(
        request.POST if request.method == "POST" else None,
        initial={"commentary": record.commentary, "version": accreditation.version},
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("The commentary cannot be changed now.")
        if form.is_valid():
            try:
                actions.save_commentary(
                    record=record,
                    commentary=form.cleaned_data["commentary"],
                    version=form.cleaned_data["version"],
                    actor=_user(request),
                )
            except actions.StaleVersion:
                form.add_error(None, STALE)
            except actions.StepRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Commentary on criterion {code} saved.")
                return redirect(_round_url(accreditation) + "#portfolio")
    today = timezone.localdate()
    years = queries.evidence_years(today)
    asked = request.GET.get("year", "")
    # This academic year unless another of the offered years is asked for; anything else is ignored.
    year = int(asked) if asked.isascii() and asked.isdigit() and int(asked) in years else years[0]
    evidence = queries.system_evidence(accreditation, today=today, year=year).get(code)
    previous = None
    if accreditation.previous is not None:
        previous = accreditation.previous.criterion_records.filter(criterion__code=code).first()
    return render(
        request,
        "accreditation/criterion.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "record": record,
            "criterion": record.criterion,
            "form": form,
            "can_edit": can_edit,
            "can_add_evidence": may_edit(accreditation.stage_enum, _part(request, accreditation), Editable.EVIDENCE),
            "evidence": evidence,
            "year": year,
            "years": years,
            "documents": list(accreditation.documents.filter(criterion=record.criterion)),
            "previous": previous,
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.PREPARE_ACCREDITATION)
    criteria = _criteria(accreditation)
    initial = {"kind": request.GET.get("kind", ""), "criterion": request.GET.get("criterion", "")}
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.upload_evidence(
                accreditation=accreditation,
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                criterion=data["criterion"],
                actor=_user(request),
            )
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The document has been added to your evidence.")
            return redirect(_round_url(accreditation) + "#documents")
    return render(
        request,
        "accreditation/evidence_upload.html",
        {"provider": accreditation.provider, "accreditation": accreditation, "form": form},
    )


@require_role()
def evidence_download(request: HttpRequest, urn: int, pk: int, doc: int) -> FileResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    document = get_object_or_404(EvidenceDocument, pk=doc, accreditation=accreditation)
    content_type = rules.ALLOWED_UPLOADS[document.file_type][0]
    response = FileResponse(
        document.file.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{document.title[:80]}.{document.file_type}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_role()
@require_POST
def evidence_remove(request: HttpRequest, urn: int, pk: int, doc: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.PREPARE_ACCREDITATION)
    document = get_object_or_404(EvidenceDocument, pk=doc, accreditation=accreditation)
    try:
        actions.remove_evidence(document=document, actor=_user(request))
    except actions.StepRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"“{document.title}” has been removed.")
    return redirect(_round_url(accreditation) + "#documents")


# --- Moves of the round ---------------------------------------------------------------------------
#
# Each step is one entry: the form it posts, the action it calls, and the confirmation page that
# says what will happen (GOV.UK pattern: a summary, a warning where it cannot be undone, "Yes, …"
# and a Cancel link). Who may make it at which stage is the workflow table's (`allowed_moves`);
# a person who never makes a step gets 403, a step the stage does not allow a message saying why.


@dataclass(frozen=True)
class Confirmation:
    heading: str
    says: tuple[str, ...]  # what will happen, one paragraph each
    button: str  # "Yes, submit the evidence"
    warning: str = ""  # shown as a GOV.UK warning text when the step cannot be undone
    warning_button: bool = False  # the button is a warning (red) one: the step ends something
    back: str = "Cancel"  # the link that leaves without making the step


@dataclass(frozen=True)
class StepContext:
    request: HttpRequest
    accreditation: Accreditation
    data: dict[str, Any]  # the form's cleaned data
    version: int | None
    today: dt.date

    @property
    def user(self) -> User:
        return _user(self.request)


@dataclass(frozen=True)
class StepPage:
    form: Callable[..., forms.Form]  # (data=None, accreditation=...) -> the step's form
    act: Callable[[StepContext], str]  # makes the move; returns the success message
    confirm: Confirmation | None = None
    # Posted from a form on the round page: a wrong form answers with a message there.
    inline: bool = False


def _version_form(data: Any = None, *, accreditation: Accreditation) -> forms.Form:
    return VersionForm(data, initial={"version": accreditation.version})


def _assign_form(data: Any = None, *, accreditation: Accreditation) -> forms.Form:
    return AssignAssessorForm(
        data, initial={"version": accreditation.version}, assessors=assessors_of(accreditation.awarding_body)
    )


def _schedule_form(data: Any = None, *, accreditation: Accreditation) -> forms.Form:
    return ScheduleVisitForm(data, initial={"version": accreditation.version, "visit_on": accreditation.visit_on})


def _reasons_form(form_class: type[VersionForm]) -> Callable[..., forms.Form]:
    def make(data: Any = None, *, accreditation: Accreditation) -> forms.Form:
        return form_class(data, initial={"version": accreditation.version})

    return make


def _grant(c: StepContext) -> str:
    actions.grant_commitment(accreditation=c.accreditation, version=c.version, today=c.today, actor=c.user)
    return "The certificate of commitment has been issued."


def _decline(c: StepContext) -> str:
    actions.decline_commitment(accreditation=c.accreditation, reason=c.data["reason"], version=c.version, actor=c.user)
    return "The request has been declined. The careers leaders have been sent your reasons."


def _submit(c: StepContext) -> str:
    actions.submit_portfolio(accreditation=c.accreditation, version=c.version, actor=c.user)
    return "Your evidence has been submitted to your Awarding Body."


def _incomplete(c: StepContext) -> str:
    actions.return_incomplete(accreditation=c.accreditation, reason=c.data["reason"], version=c.version, actor=c.user)
    return "The evidence has been returned to the provider as incomplete."


def _assign(c: StepContext) -> str:
    actions.assign_assessor(accreditation=c.accreditation, assessor=c.data["assessor"], version=c.version, actor=c.user)
    return f"{c.data['assessor']} is assigned."


def _schedule(c: StepContext) -> str:
    actions.schedule_visit(
        accreditation=c.accreditation, visit_on=c.data["visit_on"], version=c.version, actor=c.user, today=c.today
    )
    return f"The visit is scheduled for {long_date(c.data['visit_on'])}."


def _return(c: StepContext) -> str:
    actions.return_to_assessor(accreditation=c.accreditation, reason=c.data["reason"], version=c.version, actor=c.user)
    return "The assessment has been returned to the assessor."


def _issue(c: StepContext) -> str:
    award = actions.issue_outcome(accreditation=c.accreditation, version=c.version, today=c.today, actor=c.user)
    return f"Issued: {c.accreditation.outcome_label}." + (
        f" The award runs until {long_date(award.expires_on)}." if award else ""
    )


def _judge(c: StepContext) -> str:
    decision = actions.submit_judgments(accreditation=c.accreditation, version=c.version, actor=c.user, today=c.today)
    return f"Submitted to the Awarding Body: Outcome {decision.outcome.value}."


def _reissue(c: StepContext) -> str:
    award = c.accreditation.awards.filter(superseded=False).first()
    if award is None:
        raise actions.StepRefused("There is no current award to re-issue.")
    actions.reissue_award(award=award, today=c.today, actor=c.user, version=c.version)
    return "The award has been re-issued as fully meeting; its expiry date is unchanged."


def _cancel(c: StepContext) -> str:
    actions.cancel_reaccreditation(accreditation=c.accreditation, version=c.version, actor=c.user)
    return "The reaccreditation has been cancelled. The previous award is unchanged."


STEPS: dict[Step, StepPage] = {
    Step.GRANT_COMMITMENT: StepPage(
        _version_form,
        _grant,
        Confirmation(
            "Grant the certificate of commitment?",
            (
                "The provider will be issued the certificate of commitment, and may use the words "
                f"“{rules.COMMITMENT_WORDING}” until its assessment.",
                "Its careers leaders will be sent an email, and can then build and submit their evidence.",
            ),
            "Yes, grant the certificate",
            warning="The certificate cannot be withdrawn once it is issued.",
        ),
    ),
    Step.DECLINE_COMMITMENT: StepPage(
        _reasons_form(DeclineForm),
        _decline,
        Confirmation(
            "Decline the request for the certificate of commitment",
            (
                "The request will be closed and the provider's careers leaders will be sent your reasons.",
                "They can ask again once they have put things right.",
            ),
            "Decline the request",
            warning_button=True,
        ),
    ),
    Step.SUBMIT_PORTFOLIO: StepPage(
        _version_form,
        _submit,
        Confirmation(
            "Submit your evidence for assessment?",
            (
                "Your documents and your commentary on each criterion will go to your Awarding Body, which will "
                "assign an assessor and arrange the visit.",
            ),
            "Yes, submit the evidence",
            warning="You cannot change or add evidence after you submit, unless your Awarding Body returns it to you.",
        ),
    ),
    Step.RETURN_INCOMPLETE: StepPage(
        _reasons_form(IncompleteForm),
        _incomplete,
        Confirmation(
            "Return the evidence as incomplete",
            (
                "The evidence will go back to the provider's careers leaders with what you ask them to fix. "
                "They can change it and submit it again.",
            ),
            "Return the evidence",
        ),
    ),
    Step.ASSIGN_ASSESSOR: StepPage(_assign_form, _assign, inline=True),
    Step.SCHEDULE_VISIT: StepPage(_schedule_form, _schedule, inline=True),
    Step.SUBMIT_JUDGMENTS: StepPage(_version_form, _judge),
    Step.RETURN_TO_ASSESSOR: StepPage(_reasons_form(ReturnForm), _return, inline=True),
    Step.ISSUE_OUTCOME: StepPage(
        _version_form,
        _issue,
        Confirmation(
            "Issue the outcome?",
            (
                "The assessment report will be issued to the provider with the recommended outcome. For Outcome 2a or "
                "2b the award, its certificate and its annual reviews are made too, and the provider appears on the "
                "public register of award holders.",
                "The provider's careers leaders will be sent an email.",
            ),
            "Yes, issue the outcome",
            warning="An issued report cannot be withdrawn: a mistake is put right by issuing a corrected version.",
        ),
    ),
    Step.REISSUE_AWARD: StepPage(_version_form, _reissue),
    Step.CANCEL_REACCREDITATION: StepPage(
        _version_form,
        _cancel,
        Confirmation(
            "Cancel this reaccreditation?",
            (
                "This reaccreditation will be removed, with the commentary and the documents added to it.",
                "The previous assessment and its award are not changed. A reaccreditation can be started again "
                "from the previous assessment later.",
            ),
            "Yes, cancel the reaccreditation",
            warning="The documents and commentary added to this reaccreditation will be deleted.",
            warning_button=True,
            back="No, keep the reaccreditation",
        ),
    ),
}


def _step_or_404(step: str) -> tuple[Step, StepPage]:
    try:
        found = Step(step)
    except ValueError:
        raise Http404("No such step") from None
    if found not in STEPS:
        raise Http404("No such step")
    return found, STEPS[found]


@require_role()
@require_http_methods(["GET", "POST"])
def round_step(request: HttpRequest, urn: int, pk: int, step: str) -> HttpResponse:
    """One move of the round: GET shows what will happen (and asks for reasons where the step
    needs them), POST makes it. Only those the workflow table names for the step may; a stage
    that does not allow it is refused with the table's reason."""
    found, page = _step_or_404(step)
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    if _part(request, accreditation) not in who_makes(found):
        raise PermissionDenied("Your part in this assessment does not include this step.")
    form = page.form(request.POST if request.method == "POST" else None, accreditation=accreditation)
    if request.method == "POST":
        version_form = VersionForm(request.POST)
        version = version_form.cleaned_data["version"] if version_form.is_valid() else None
        if version is None and found is not Step.REISSUE_AWARD:
            messages.error(request, "The page was out of date. Reload it and try again.")
            return redirect(_round_url(accreditation))
        if form.is_valid():
            context = StepContext(request, accreditation, form.cleaned_data, version, timezone.localdate())
            try:
                messages.success(request, page.act(context))
            except actions.StaleVersion:
                messages.error(request, STALE)
            except actions.StepRefused as exc:
                _refused(request, exc)
            previous = accreditation.previous
            if previous is not None and not Accreditation.objects.filter(pk=accreditation.pk).exists():
                return redirect(_round_url(previous))  # the cancelled reaccreditation is gone
            return redirect(_round_url(accreditation))
        if page.inline:
            # The form's own message says what is wrong (no date, not a real date, in the past...).
            problems = [str(e) for errors in form.errors.values() for e in errors]
            messages.error(request, (problems[0].rstrip(".") + ".") if problems else "Check the form and try again.")
            return redirect(_round_url(accreditation))
    # Asked before "Yes" is offered: a step the stage does not allow now says why, with no button.
    refusal = ""
    try:
        rules.move(
            accreditation.stage_enum,
            found,
            _part(request, accreditation),
            reaccreditation=accreditation.is_reaccreditation,
        )
    except rules.MoveRefused as exc:
        refusal = str(exc)
    return render(
        request,
        "accreditation/step.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "step": found,
            "form": form,
            "confirm": page.confirm,
            "refusal": refusal,
            "missing": queries.missing_evidence(accreditation) if found is Step.SUBMIT_PORTFOLIO else [],
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def reaccreditation_start(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    """GET: what starting a reaccreditation does; POST: start it (the careers leader or the body)."""
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    if _part(request, accreditation) not in who_makes(Step.START_REACCREDITATION):
        raise PermissionDenied("Only the careers leader or the Awarding Body can start reaccreditation.")
    form = VersionForm(request.POST or None, initial={"version": accreditation.version})
    if request.method == "POST":
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            new = actions.start_reaccreditation(accreditation=accreditation, actor=_user(request), version=version)
        except actions.StaleVersion:
            messages.error(request, STALE)
        except actions.StepRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Reaccreditation has started from the previous assessment.")
            return redirect(_round_url(new))
        return redirect(_round_url(accreditation))
    return render(
        request,
        "accreditation/step.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "step": Step.START_REACCREDITATION,
            "form": form,
            "confirm": Confirmation(
                "Start reaccreditation from this assessment?",
                (
                    f"A new round will start with {accreditation.awarding_body.name}, already committed. Your "
                    "commentary on each criterion is carried over and this assessment's report counts as evidence; "
                    "the other documents must be added again.",
                    "The current award is not changed: it stays valid until its expiry date, or until the new "
                    "round's outcome is issued.",
                    "You can cancel the reaccreditation until its evidence is submitted.",
                ),
                "Yes, start reaccreditation",
            ),
            "missing": [],
        },
    )


# --- The assessor -----------------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def assess_section(request: HttpRequest, urn: int, pk: int, number: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.ASSESS)
    section = get_object_or_404(Section, edition=accreditation.edition, number=number)
    records = list(accreditation.criterion_records.filter(criterion__section=section).select_related("criterion"))
    previous: dict[str, Any] = {}
    if accreditation.previous is not None:
        previous = {
            r.criterion.code: r
            for r in accreditation.previous.criterion_records.filter(criterion__section__number=number).select_related(
                "criterion"
            )
        }
    bound = request.POST if request.method == "POST" else None
    forms = [
        JudgmentForm(bound, prefix=f"c{r.pk}", initial={"judgment": r.judgment, "comment": r.comment}) for r in records
    ]
    version_form = VersionForm(bound, initial={"version": accreditation.version})
    editable = may_edit(accreditation.stage_enum, _part(request, accreditation), Editable.JUDGMENTS)
    error = ""
    if request.method == "POST":
        if not editable:
            error = "Judgments can be recorded once the visit is scheduled and until they are submitted."
        elif version_form.is_valid() and all(f.is_valid() for f in forms):
            try:
                changed = actions.save_judgments(
                    accreditation=accreditation,
                    judgments={
                        r.pk: (f.cleaned_data["judgment"] or "", f.cleaned_data["comment"])
                        for r, f in zip(records, forms, strict=True)
                    },
                    version=version_form.cleaned_data["version"],
                    actor=_user(request),
                )
            except actions.StaleVersion:
                error = STALE
            else:
                messages.success(
                    request, f"Section {number} saved ({changed} judgment{'s' if changed != 1 else ''} changed)."
                )
                following = number + 1 if number < 8 else None
                if following and "next" in request.POST:
                    return redirect("accreditation:assess_section", urn=urn, pk=pk, number=following)
                return redirect(_round_url(accreditation) + "#judgments")
    evidence = queries.system_evidence(accreditation, today=timezone.localdate())
    return render(
        request,
        "accreditation/assess_section.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "section": section,
            "rows": [
                (r, f, evidence.get(r.criterion.code), previous.get(r.criterion.code))
                for r, f in zip(records, forms, strict=True)
            ],
            "version_form": version_form,
            "editable": editable,
            "error": error,
            "judgments": list(Judgment),
            "documents": list(accreditation.documents.filter(criterion__section=section)),
        },
        status=409 if error == STALE else 200,
    )


@require_role()
@require_http_methods(["GET", "POST"])
def assess_summary(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.ASSESS)
    initial = {
        "version": accreditation.version,
        "key_principles_met": None
        if accreditation.key_principles_met is None
        else ("yes" if accreditation.key_principles_met else "no"),
        "strengths": accreditation.strengths,
        "areas_for_development": accreditation.areas_for_development,
        "recommendations": accreditation.recommendations,
    }
    form = SummaryForm(request.POST if request.method == "POST" else None, initial=initial)
    editable = may_edit(accreditation.stage_enum, _part(request, accreditation), Editable.SUMMARY)
    if request.method == "POST":
        if not editable:
            form.add_error(None, "The summary can be written once the visit is scheduled and until it is submitted.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                actions.save_summary(
                    accreditation=accreditation,
                    key_principles_met=None if data["key_principles_met"] in ("", None) else data["key_principles_met"],
                    strengths=data["strengths"],
                    areas_for_development=data["areas_for_development"],
                    recommendations=data["recommendations"],
                    version=data["version"],
                    actor=_user(request),
                )
            except actions.StaleVersion:
                form.add_error(None, STALE)
            else:
                messages.success(request, "The summary has been saved.")
                return redirect(_round_url(accreditation) + "#judgments")
    return render(
        request,
        "accreditation/assess_summary.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "form": form,
            "editable": editable,
            "decision": queries.decision_for(accreditation),
            "compass_up_to_date": queries.compass_up_to_date(accreditation),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def conversations(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.ASSESS)
    criteria = _criteria(accreditation)
    form = ConversationForm(request.POST or None, criteria=criteria, initial={"held_on": accreditation.visit_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_conversation(
                accreditation=accreditation,
                kind=data["kind"],
                held_on=data["held_on"],
                participants=data["participants"],
                notes=data["notes"],
                criteria=data["criteria"],
                actor=_user(request),
            )
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The conversation has been recorded.")
            return redirect(request.path)
    return render(
        request,
        "accreditation/conversations.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "form": form,
            "editable": may_edit(accreditation.stage_enum, _part(request, accreditation), Editable.CONVERSATIONS),
            "conversations": list(accreditation.conversations.prefetch_related("criteria")),
        },
    )


# --- Issued documents ---------------------------------------------------------------------------------


def _issued(request: HttpRequest, urn: int, pk: int, doc: int, need: Capability) -> IssuedDocument:
    accreditation = get_accreditation_for(request.user, urn, pk, need)
    return get_object_or_404(
        IssuedDocument.objects.select_related("accreditation__provider", "replaces"),
        pk=doc,
        accreditation=accreditation,
    )


@require_role()
def issued_document(request: HttpRequest, urn: int, pk: int, doc: int) -> HttpResponse:
    document = _issued(request, urn, pk, doc, Capability.VIEW_ACCREDITATION)
    return render(
        request,
        "accreditation/issued_document.html",
        {
            "provider": document.accreditation.provider,
            "accreditation": document.accreditation,
            "document": document,
            "c": document.snapshot,
            "replaced_by": getattr(document, "replaced_by", None),
            "can_correct": may_edit(
                document.accreditation.stage_enum,
                _part(request, document.accreditation),
                Editable.REPORT_CORRECTION,
            )
            and document.kind == DocumentKind.REPORT
            and not hasattr(document, "replaced_by"),
        },
    )


@require_role()
def issued_document_pdf(request: HttpRequest, urn: int, pk: int, doc: int) -> HttpResponse:
    document = _issued(request, urn, pk, doc, Capability.VIEW_ACCREDITATION)
    data = render_pdf(
        document.kind,
        document.snapshot,
        number=document.number,
        issued_at=document.issued_at,
        correction_reason=document.correction_reason,
    )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{document.get_kind_display()} {document.accreditation.provider.urn} v{document.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_role()
@require_http_methods(["GET", "POST"])
def issued_document_correct(request: HttpRequest, urn: int, pk: int, doc: int) -> HttpResponse:
    document = _issued(request, urn, pk, doc, Capability.MANAGE_ACCREDITATION)
    if document.kind != DocumentKind.REPORT:
        raise Http404("Only reports are corrected here")
    issued = ReportSnapshot.model_validate(document.content)
    form = CorrectionForm(
        request.POST or None,
        initial={
            "strengths": issued.strengths,
            "areas_for_development": issued.areas_for_development,
            "recommendations": issued.recommendations,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.correct_report(document=document, actor=_user(request), **form.cleaned_data)
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Version {new.number} has been issued; it replaces version {document.number}.")
            return redirect("accreditation:issued_document", urn=urn, pk=pk, doc=new.pk)
    return render(
        request,
        "accreditation/correct.html",
        {
            "provider": document.accreditation.provider,
            "accreditation": document.accreditation,
            "document": document,
            "form": form,
        },
    )


# --- Annual reviews ----------------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, urn: int, pk: int, number: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    annual = get_object_or_404(accreditation.reviews, number=number)
    can_record = may_edit(accreditation.stage_enum, _part(request, accreditation), Editable.ANNUAL_REVIEW)
    award = accreditation.awards.filter(superseded=False).first()
    may_recommend = may_recommend_reissue(review_number=number, outcome=award.outcome_enum if award else None)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial={
            "held_on": annual.held_on or timezone.localdate(),
            "progress": annual.progress,
            "recommend_reissue": annual.recommend_reissue,
        },
    )
    if not may_recommend:
        del form.fields["recommend_reissue"]
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("Only the assigned assessor records the review.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.record_review(
                    review=annual,
                    held_on=data["held_on"],
                    progress=data["progress"],
                    recommend_reissue=bool(data.get("recommend_reissue")),
                    actor=_user(request),
                )
            except actions.StepRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Annual review {number} has been recorded.")
                return redirect(_round_url(accreditation) + "#award")
    return render(
        request,
        "accreditation/review.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "review": annual,
            "award": award,
            "form": form,
            "can_record": can_record,
        },
    )


# --- The Awarding Body -----------------------------------------------------------------------------


@require_role(Role.AWARDING_BODY_ADMIN, Role.ASSESSOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None or membership.awarding_body_id is None:
        raise PermissionDenied("Only Awarding Body people have an accreditation dashboard.")
    assessor = request.user if membership.role == Role.ASSESSOR else None
    board = queries.body_dashboard(membership.awarding_body_id, today=timezone.localdate(), assessor=assessor)
    return render(
        request,
        "accreditation/dashboard.html",
        {
            "board": board,
            "body": membership.awarding_body,
            "is_assessor": assessor is not None,
            "today": timezone.localdate(),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def recognition_create(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.MANAGE_ACCREDITATION)
    form = RecognitionForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.give_recognition(provider=provider, actor=_user(request), **form.cleaned_data)
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The recognition has been recorded, labelled as outside the national arrangements."
            )
            return redirect("accreditation:accreditation_overview", urn=provider.urn)
    return render(
        request,
        "accreditation/recognition_form.html",
        {"provider": provider, "form": form, "label": rules.ADDITIONAL_RECOGNITION_LABEL},
    )
