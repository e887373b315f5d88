"""Accreditation pages. Every view starts with the access layer: another tenant's round is a
404, a role without the capability a 403, and an assessor acts only on rounds assigned to them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qic.accreditation import actions, queries
from qic.accreditation.access import accreditations_visible_to, get_accreditation_for
from qic.accreditation.forms import (
    AssignAssessorForm,
    CommentaryForm,
    CommitmentForm,
    ConversationForm,
    CorrectionForm,
    EvidenceUploadForm,
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
from qic.domain import accreditation as rules
from qic.domain.accreditation import Judgment, Outcome, Stage
from qic.domain.dates import long_date
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
from qic.organisations.models import Role
from qic.organisations.primary_schools import Instead, not_for_primary_schools
from qic.programme.provider_access_queries import access_evidence

STALE = actions.StaleVersion.message


def _round_url(accreditation: Accreditation) -> str:
    return f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/"


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
    return render(
        request,
        "accreditation/overview.html",
        {
            "provider": provider,
            "rounds": rounds,
            "open_round": next((r for r in rounds if r.stage != Stage.ISSUED), None),
            "award": award,
            "wording": rules.AUTHORISED_WORDING.get(award.outcome_enum) if award else None,
            "commitment_wording": rules.COMMITMENT_WORDING,
            "no_commitment": NO_COMMITMENT_FOR_PRIMARY,
            "committed": any(r.stage != Stage.COMMITMENT_REQUESTED for r in rounds),
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
                actor=request.user,
            )
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your request has gone to your Awarding Body.")
            return redirect(_round_url(accreditation))
    return render(request, "accreditation/commitment_form.html", {"provider": provider, "form": form})


def _judging_progress(records: list[Any]) -> tuple[int, int]:
    return sum(1 for r in records if r.judgment), len(records)


@require_role()
def round_detail(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    caps = capabilities(request.user)
    records = list(accreditation.criterion_records.select_related("criterion__section"))
    sections = list(Section.objects.filter(edition=accreditation.edition).order_by("number"))
    is_assessor = accreditation.assessor_id == request.user.pk and Capability.ASSESS in caps
    can_manage = Capability.MANAGE_ACCREDITATION in caps
    documents = list(accreditation.documents.select_related("criterion"))
    present = {d.kind for d in documents}
    compass_current = queries.compass_up_to_date(accreditation, present)
    decision = (
        queries.decision_for(accreditation, records, compass_current=compass_current)
        if (is_assessor or can_manage)
        else None
    )
    version = {"version": accreditation.version}
    body = accreditation.awarding_body
    return render(
        request,
        "accreditation/round.html",
        {
            "provider": accreditation.provider,
            "accreditation": accreditation,
            "stage": accreditation.stage,
            "records": records,
            "sections": sections,
            "documents": documents,
            "missing": queries.missing_evidence(accreditation, present),
            "evidence_kinds": rules.EVIDENCE_KINDS,
            "present_kinds": present,
            "access_evidence": access_evidence(accreditation.provider, today=timezone.localdate()),
            "issued": list(accreditation.issued_documents.select_related("replaced_by").order_by("kind", "number")),
            "awards": list(accreditation.awards.order_by("awarded_on", "pk")),
            "reviews": list(accreditation.reviews.all()),
            "conversations": list(accreditation.conversations.all()) if (is_assessor or can_manage) else [],
            "judged": _judging_progress(records),
            "decision": decision,
            "compass_up_to_date": compass_current,
            "can_prepare": Capability.PREPARE_ACCREDITATION in caps,
            "can_manage": can_manage,
            "is_assessor": is_assessor,
            "version_form": VersionForm(initial=version),
            "assign_form": AssignAssessorForm(initial=version, assessors=assessors_of(body)) if can_manage else None,
            "schedule_form": ScheduleVisitForm(initial=version | {"visit_on": accreditation.visit_on}),
            "return_form": ReturnForm(initial=version),
            "Stage": {s.name: s.value for s in Stage},
            "previous": accreditation.previous,
            "can_reaccredit": accreditation.stage == Stage.ISSUED
            and not hasattr(accreditation, "reaccreditation")
            and (can_manage or Capability.PREPARE_ACCREDITATION in caps),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def criterion_detail(request: HttpRequest, urn: int, pk: int, code: str) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    record = get_object_or_404(
        accreditation.criterion_records.select_related("criterion__section"), criterion__code=code
    )
    can_edit = Capability.PREPARE_ACCREDITATION in capabilities(request.user) and accreditation.stage == Stage.COMMITTED
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
                    actor=request.user,
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
                actor=request.user,
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
        actions.remove_evidence(document=document, actor=request.user)
    except actions.StepRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"“{document.title}” has been removed.")
    return redirect(_round_url(accreditation) + "#documents")


# --- Moves of the round ---------------------------------------------------------------------------

STEP_CAPABILITY = {
    "submit_portfolio": Capability.PREPARE_ACCREDITATION,
    "grant_commitment": Capability.MANAGE_ACCREDITATION,
    "assign_assessor": Capability.MANAGE_ACCREDITATION,
    "schedule_visit": Capability.MANAGE_ACCREDITATION,
    "return_to_assessor": Capability.MANAGE_ACCREDITATION,
    "issue_outcome": Capability.MANAGE_ACCREDITATION,
    "submit_judgments": Capability.ASSESS,
    "reissue_award": Capability.MANAGE_ACCREDITATION,
}


@require_role()
@require_POST
def round_step(request: HttpRequest, urn: int, pk: int, step: str) -> HttpResponse:
    """One move of the round, by the role the transition table names."""
    if step not in STEP_CAPABILITY:
        raise Http404("No such step")
    accreditation = get_accreditation_for(request.user, urn, pk, STEP_CAPABILITY[step])
    today = timezone.localdate()
    version_form = VersionForm(request.POST)
    version = version_form.cleaned_data["version"] if version_form.is_valid() else None
    if version is None and step != "reissue_award":
        messages.error(request, "The page was out of date. Reload it and try again.")
        return redirect(_round_url(accreditation))
    user = request.user
    try:
        if step == "submit_portfolio":
            actions.submit_portfolio(accreditation=accreditation, version=version, actor=user)
            messages.success(request, "Your evidence has been submitted to your Awarding Body.")
        elif step == "grant_commitment":
            actions.grant_commitment(accreditation=accreditation, version=version, today=today, actor=user)
            messages.success(request, "The certificate of commitment has been issued.")
        elif step == "assign_assessor":
            form = AssignAssessorForm(request.POST, assessors=assessors_of(accreditation.awarding_body))
            if not form.is_valid():
                messages.error(request, "Choose an assessor.")
                return redirect(_round_url(accreditation))
            actions.assign_assessor(
                accreditation=accreditation, assessor=form.cleaned_data["assessor"], version=version, actor=user
            )
            messages.success(request, f"{form.cleaned_data['assessor']} is assigned.")
        elif step == "schedule_visit":
            schedule = ScheduleVisitForm(request.POST)
            if not schedule.is_valid():
                # The form's own message says what is wrong: no date, not a real date, or in the past.
                problem = schedule.errors.get("visit_on")
                messages.error(request, f"{problem[0]}." if problem else "Enter a real date for the visit.")
                return redirect(_round_url(accreditation))
            actions.schedule_visit(
                accreditation=accreditation, visit_on=schedule.cleaned_data["visit_on"], version=version, actor=user
            )
            messages.success(request, f"The visit is scheduled for {long_date(schedule.cleaned_data['visit_on'])}.")
        elif step == "return_to_assessor":
            returned = ReturnForm(request.POST)
            if not returned.is_valid():
                messages.error(request, "Say what the assessor should look at again.")
                return redirect(_round_url(accreditation))
            actions.return_to_assessor(
                accreditation=accreditation, reason=returned.cleaned_data["reason"], version=version, actor=user
            )
            messages.success(request, "The assessment has been returned to the assessor.")
        elif step == "issue_outcome":
            award = actions.issue_outcome(accreditation=accreditation, version=version, today=today, actor=user)
            messages.success(
                request,
                f"Issued: {accreditation.outcome_label}."
                + (f" The award runs until {long_date(award.expires_on)}." if award else ""),
            )
        elif step == "submit_judgments":
            decision = actions.submit_judgments(accreditation=accreditation, version=version, actor=user)
            messages.success(request, f"Submitted to the Awarding Body: Outcome {decision.outcome.value}.")
        elif step == "reissue_award":
            award = accreditation.awards.filter(superseded=False).first()
            if award is None:
                raise actions.StepRefused("There is no current award to re-issue.")
            actions.reissue_award(award=award, today=today, actor=user)
            messages.success(request, "The award has been re-issued as fully meeting; its expiry date is unchanged.")
    except actions.StaleVersion:
        messages.error(request, STALE)
    except actions.StepRefused as exc:
        _refused(request, exc)
    return redirect(_round_url(accreditation))


@require_role()
@require_POST
def reaccreditation_start(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    accreditation = get_accreditation_for(request.user, urn, pk, Capability.VIEW_ACCREDITATION)
    caps = capabilities(request.user)
    if not caps & {Capability.PREPARE_ACCREDITATION, Capability.MANAGE_ACCREDITATION}:
        raise PermissionDenied("Only the careers leader or the Awarding Body can start reaccreditation.")
    try:
        new = actions.start_reaccreditation(accreditation=accreditation, actor=request.user)
    except actions.StepRefused as exc:
        _refused(request, exc)
        return redirect(_round_url(accreditation))
    messages.success(request, "Reaccreditation has started from the previous assessment.")
    return redirect(_round_url(new))


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
    editable = accreditation.stage == Stage.VISIT_SCHEDULED
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
                    actor=request.user,
                )
            except actions.StaleVersion:
                error = STALE
            else:
                messages.success(
                    request, f"Section {number} saved ({changed} judgment{'s' if changed != 1 else ''} changed)."
                )
                following = number + 1 if number < 8 else None
                if following and "next" in request.POST:
                    return redirect(f"{_round_url(accreditation)}assess/{following}/")
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
    editable = accreditation.stage == Stage.VISIT_SCHEDULED
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
                    actor=request.user,
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
                actor=request.user,
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
            "c": document.content,
            "replaced_by": getattr(document, "replaced_by", None),
            "can_correct": Capability.MANAGE_ACCREDITATION in capabilities(request.user)
            and document.kind == DocumentKind.REPORT
            and not hasattr(document, "replaced_by"),
        },
    )


@require_role()
def issued_document_pdf(request: HttpRequest, urn: int, pk: int, doc: int) -> HttpResponse:
    document = _issued(request, urn, pk, doc, Capability.VIEW_ACCREDITATION)
    data = render_pdf(
        document.kind,
        document.content,
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
    content = document.content
    form = CorrectionForm(
        request.POST or None,
        initial={
            "strengths": content.get("strengths", ""),
            "areas_for_development": content.get("areas_for_development", ""),
            "recommendations": content.get("recommendations", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.correct_report(document=document, actor=request.user, **form.cleaned_data)
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Version {new.number} has been issued; it replaces version {document.number}.")
            return redirect(f"{_round_url(document.accreditation)}issued/{new.pk}/")
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
    can_record = accreditation.assessor_id == request.user.pk and Capability.ASSESS in capabilities(request.user)
    award = accreditation.awards.filter(superseded=False).first()
    may_recommend = number == 1 and award is not None and award.outcome == Outcome.GOOD_PROGRESS.value
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
                    actor=request.user,
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
            actions.give_recognition(provider=provider, actor=request.user, **form.cleaned_data)
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The recognition has been recorded, labelled as outside the national arrangements."
            )
            return redirect(f"/providers/{provider.urn}/accreditation/")
    return render(
        request,
        "accreditation/recognition_form.html",
        {"provider": provider, "form": form, "label": rules.ADDITIONAL_RECOGNITION_LABEL},
    )
