"""Staff pages for work-experience placements: the coordinator's dashboard and its CSV, proposing
a placement, a placement's steps and moves, the links to the employer and a parent, the school's
own checks, consent on paper, completing, and the documents.

Reading needs VIEW_LEARNERS (the pages name learners); changing needs RECORD_PROGRAMME too.
Every placement is fetched through the provider the access layer gave: another school's is a 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qic.core import audit
from qic.core.csv_export import csv_response
from qic.domain import accreditation as upload_rules
from qic.domain import placements as rules
from qic.domain.partner_links import LinkPurpose
from qic.domain.placements import Status
from qic.learners.models import Learner, named
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.partners import delivery, links, placement_queries
from qic.partners import placements as actions
from qic.partners.models import Employer, PartnerLink, Placement, PlacementDocument
from qic.partners.placement_forms import (
    CancelForm,
    CompleteForm,
    LinkForm,
    ListFilterForm,
    PaperConsentForm,
    ProposeForm,
    SchoolChecksForm,
)

# How many learners a name search offers to choose from.
PICKER_LIMIT = 20


def _provider(request: AuthenticatedRequest, urn: int, *, change: bool = False) -> Provider:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    if change and Capability.RECORD_PROGRAMME not in capabilities(request.user):
        raise PermissionDenied("Your role does not let you change placements.")
    return provider


def _placement(provider: Provider, pk: int) -> Placement:
    return get_object_or_404(
        Placement.objects.select_related("learner", "employer", "contact", "activity"), provider=provider, pk=pk
    )


def _detail(placement: Placement) -> str:
    return reverse("partners:placement_detail", kwargs={"urn": placement.provider.urn, "pk": placement.pk})


# --- The coordinator's dashboard ----------------------------------------------------------------


@require_role()
def placement_list(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = _provider(request, urn)
    form = ListFilterForm(request.GET or None)
    status = year_group = None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        year_group = form.cleaned_data["year_group"]
    today = timezone.localdate()
    board = placement_queries.dashboard(provider, today=today, status=status, year_group=year_group)
    audit.record_read(
        actor=request.user,
        action="placements.listed",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[row.placement.learner_id for row in board.rows],
        details={"status": status or "", "year_group": year_group},
    )
    return render(
        request,
        "partners/placement_list.html",
        {
            "provider": provider,
            "board": board,
            "form": form,
            "query": request.GET.urlencode(),
            "can_record": Capability.RECORD_PROGRAMME in capabilities(request.user),
        },
    )


@require_role()
def placement_export(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = _provider(request, urn)
    board = placement_queries.dashboard(provider, today=timezone.localdate())
    audit.record_read(
        actor=request.user,
        action="placements.exported",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[row.placement.learner_id for row in board.rows],
    )
    header = [
        "Learner",
        "Year group",
        "Employer",
        "Role",
        "First day",
        "Last day",
        "Hours planned",
        "Hours done",
        "Status",
        "Still missing",
        "Insurance expires",
        "Consent",
        "Employer's feedback",
    ]
    rows = [
        [
            row.placement.learner.list_name,
            row.year_group or "",
            row.placement.employer.name,
            row.placement.role,
            row.placement.start_date.isoformat(),
            row.placement.end_date.isoformat(),
            row.placement.hours,
            row.placement.hours_done if row.placement.hours_done is not None else "",
            row.placement.status_enum.label,
            "; ".join(row.missing),
            row.placement.insurance_expires.isoformat() if row.placement.insurance_expires else "",
            row.consent_text,
            "Given" if row.placement.has_feedback else ("Awaited" if row.feedback_due else ""),
        ]
        for row in board.rows
    ]
    return csv_response(f"placements-{provider.urn}.csv", header, rows)


# --- Proposing ----------------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def placement_new(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    data = request.POST if request.method == "POST" else None
    query = ((data or request.GET).get("q") or "").strip()[:100]
    on_roll = Learner.objects.filter(provider=provider, left_on=None, anonymised_at=None)
    found: list[int] = []
    if query:
        found = list(
            on_roll.filter(named(query))
            .order_by("surname", "forename", "pk")
            .values_list("pk", flat=True)[: PICKER_LIMIT + 1]
        )
    chosen = (data or request.GET).get("learner", "")
    # A learner's id: digits, and few enough to be one (a longer number is no learner, not a 500).
    chosen = chosen if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18 else ""
    if chosen:
        found.append(int(chosen))
    learners = on_roll.filter(pk__in=found[: PICKER_LIMIT + 1]).order_by("surname", "forename", "pk")
    employers = Employer.objects.filter(provider=provider, removed_at=None)
    form = ProposeForm(
        data,
        learners=learners,
        employers=employers,
        initial={"q": query, "learner": chosen or None},
    )
    if data is not None and form.is_valid():
        try:
            placement = actions.propose_placement(
                provider=provider,
                learner=form.cleaned_data["learner"],
                employer=form.cleaned_data["employer"],
                contact=form.cleaned_data["contact"],
                role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                hours=form.cleaned_data["hours"],
                actor=request.user,
            )
        except actions.PlacementRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The placement has been proposed.")
            return redirect(_detail(placement))
    shown = list(learners)
    if shown:
        audit.record_read(
            actor=request.user,
            action="learners.searched",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=[learner.pk for learner in shown],
            details={"page": "placement_new"},
        )
    return render(
        request,
        "partners/placement_new.html",
        {
            "provider": provider,
            "form": form,
            "query": query,
            "too_many": len(found) > PICKER_LIMIT,
            "searched": bool(query),
            "has_employers": employers.exists(),
        },
    )


# --- A placement's page -------------------------------------------------------------------------


@require_role()
def placement_detail(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = _provider(request, urn)
    placement = _placement(provider, pk)
    today = timezone.localdate()
    documents = list(placement.documents.all())
    kinds = {document.kind for document in documents}
    missing = actions.missing_of(placement, kinds)
    placement_links = list(
        PartnerLink.objects.filter(placement=placement, purpose=LinkPurpose.PLACEMENT_EMPLOYER.value).order_by(
            "-created_at"
        )
    )
    parent_links = list(
        PartnerLink.objects.filter(learner_id=placement.learner_id, purpose=LinkPurpose.PARENT.value).order_by(
            "-created_at"
        )
    )
    audit.record_read(
        actor=request.user,
        action="placement.viewed",
        obj=placement,
        provider_id=provider.pk,
        learner_id=placement.learner_id,
    )
    checks = [
        {
            "kind": kind,
            "label": label,
            "documents": [d for d in documents if d.kind == kind],
            "checked_by": getattr(placement, actions.SCHOOL_CHECK_FIELDS[kind][0]),
            "checked_at": getattr(placement, actions.SCHOOL_CHECK_FIELDS[kind][1]),
        }
        for kind, label in rules.DOCUMENT_KINDS.items()
    ]
    status = placement.status_enum
    return render(
        request,
        "partners/placement_detail.html",
        {
            "provider": provider,
            "placement": placement,
            "status": status,
            "checks": checks,
            "missing": missing,
            "moves": actions.allowed_moves(placement, kinds, today=today),
            "can_cancel": rules.may_move(status, Status.CANCELLED),
            "can_complete": status == Status.IN_PROGRESS,
            "open": bool(rules.NEXT[status]),
            "insurance_warning": rules.insurance_expiring(placement.insurance_expires, today),
            "feedback_due": rules.feedback_due(
                status, placement.end_date, has_feedback=placement.has_feedback, today=today
            ),
            "consent_outstanding": rules.consent_outstanding(status, placement.consent_given),
            "employer_links": [(link, delivery.state_of(link).value) for link in placement_links],
            "parent_links": [(link, delivery.state_of(link).value) for link in parent_links],
            "can_record": Capability.RECORD_PROGRAMME in capabilities(request.user),
            "Status": Status,
        },
    )


@require_role()
@require_POST
def placement_move(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    placement = _placement(provider, pk)
    try:
        to = Status(request.POST.get("to", ""))
    except ValueError:
        messages.error(request, "Choose a step to move the placement to.")
        return redirect(_detail(placement))
    if to == Status.CANCELLED:
        return redirect("partners:placement_cancel", urn=provider.urn, pk=placement.pk)
    try:
        actions.move_placement(placement=placement, to=to, actor=request.user)
    except actions.MoveRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The placement is now: {to.label.lower()}.")
    return redirect(_detail(placement))


@require_role()
@require_http_methods(["GET", "POST"])
def placement_cancel(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    placement = _placement(provider, pk)
    form = CancelForm(request.POST or None)
    refused = rules.move_refusal(
        placement.status_enum,
        Status.CANCELLED,
        actions.progress_of(placement, actions.document_kinds(placement)),
        today=timezone.localdate(),
    )
    if request.method == "POST" and not refused and form.is_valid():
        try:
            actions.move_placement(
                placement=placement, to=Status.CANCELLED, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except actions.MoveRefused as exc:
            refused = str(exc)
        else:
            messages.success(request, "The placement has been cancelled.")
            return redirect(_detail(placement))
    return render(
        request,
        "partners/placement_cancel.html",
        {"provider": provider, "placement": placement, "form": form, "refused": refused},
    )


# --- Links to the employer and to a parent ------------------------------------------------------


def _issue_link(
    request: AuthenticatedRequest, placement: Placement, form: LinkForm, purpose: LinkPurpose
) -> tuple[PartnerLink, str | None]:
    by_email = form.cleaned_data["how"] == "email"
    if purpose == LinkPurpose.PLACEMENT_EMPLOYER:
        return links.issue(
            provider=placement.provider,
            purpose=purpose,
            recipient_name=form.cleaned_data["recipient_name"],
            recipient_email=form.cleaned_data["recipient_email"],
            placement=placement,
            employer=placement.employer,
            contact=placement.contact,
            by_email=by_email,
            actor=request.user,
        )
    return links.issue(
        provider=placement.provider,
        purpose=purpose,
        recipient_name=form.cleaned_data["recipient_name"],
        recipient_email=form.cleaned_data["recipient_email"],
        learner=placement.learner,
        respondent="parent",
        by_email=by_email,
        actor=request.user,
    )


def _link_page(request: AuthenticatedRequest, urn: int, pk: int, purpose: LinkPurpose) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    placement = _placement(provider, pk)
    if not rules.NEXT[placement.status_enum]:
        messages.error(request, "This placement is closed: no new links can be sent for it.")
        return redirect(_detail(placement))
    initial: dict[str, Any] = {"how": "email"}
    if purpose == LinkPurpose.PLACEMENT_EMPLOYER and placement.contact is not None:
        initial.update(recipient_name=placement.contact.name, recipient_email=placement.contact.email)
    form = LinkForm(request.POST or None, initial=initial)
    address = None
    if request.method == "POST" and form.is_valid():
        try:
            with_token = _issue_link(request, placement, form, purpose)
        except links.LinkError as refused:
            form.add_error(None, str(refused))
        else:
            link, token = with_token
            if purpose == LinkPurpose.PLACEMENT_EMPLOYER and placement.status_enum == Status.PROPOSED:
                # Asking the employer for its checks is the next step.
                actions.move_placement(placement=placement, to=Status.CHECKS, actor=request.user)
            if token is None:
                messages.success(request, f"The link has been queued to be emailed to {link.recipient_email}.")
                return redirect(_detail(placement))
            if purpose == LinkPurpose.PLACEMENT_EMPLOYER:
                address = delivery.url_for(link, token)
            else:
                path = reverse("partners:placement_consent", kwargs={"token": token, "pk": placement.pk})
                address = f"{settings.SITE_URL}{path}"
    return render(
        request,
        "partners/placement_link.html",
        {
            "provider": provider,
            "placement": placement,
            "form": form,
            "address": address,
            "for_parent": purpose == LinkPurpose.PARENT,
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def placement_employer_link(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    return _link_page(request, urn, pk, LinkPurpose.PLACEMENT_EMPLOYER)


@require_role()
@require_http_methods(["GET", "POST"])
def placement_consent_link(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    return _link_page(request, urn, pk, LinkPurpose.PARENT)


# --- The school's own records: checks, consent on paper, completion ----------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def placement_school_checks(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    placement = _placement(provider, pk)
    form = SchoolChecksForm(request.POST or None, initial={"insurance_expires": placement.insurance_expires})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_school_checks(
                placement=placement,
                kinds=form.cleaned_data["kinds"],
                insurance_expires=form.cleaned_data["insurance_expires"],
                actor=request.user,
            )
        except actions.PlacementRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The school's own checks have been recorded.")
            return redirect(_detail(placement))
    return render(request, "partners/placement_form.html", _form_page(provider, placement, form, "school_checks"))


@require_role()
@require_http_methods(["GET", "POST"])
def placement_consent_paper(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    placement = _placement(provider, pk)
    form = PaperConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_consent(
                placement=placement,
                given=form.cleaned_data["consent"] == "yes",
                name=form.cleaned_data["consent_name"],
                relationship=form.cleaned_data["consent_relationship"],
                emergency_phone=form.cleaned_data["emergency_phone"],
                medical_notes=form.cleaned_data["medical_notes"],
                on=form.cleaned_data["signed_on"],
                actor=request.user,
            )
        except actions.PlacementRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The consent form has been recorded.")
            return redirect(_detail(placement))
    return render(request, "partners/placement_form.html", _form_page(provider, placement, form, "consent"))


@require_role()
@require_http_methods(["GET", "POST"])
def placement_complete(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = _provider(request, urn, change=True)
    placement = _placement(provider, pk)
    initial = {name: getattr(placement, name) for name in actions.FEEDBACK_FIELDS}
    initial["hours_done"] = placement.hours
    form = CompleteForm(request.POST or None, initial=initial)
    refused = rules.move_refusal(
        placement.status_enum,
        Status.COMPLETED,
        actions.progress_of(placement, actions.document_kinds(placement)),
        today=timezone.localdate(),
    )
    if request.method == "POST" and not refused and form.is_valid():
        try:
            actions.complete_placement(
                placement=placement,
                hours_done=form.cleaned_data["hours_done"],
                elements={name: form.cleaned_data[name] for name in actions.SCHOOL_ELEMENTS},
                feedback={name: form.cleaned_data[name] for name in actions.FEEDBACK_FIELDS},
                actor=request.user,
            )
        except (actions.MoveRefused, actions.PlacementRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "The placement is complete. It counts for the learner once they reflect on it in their own pages.",
            )
            return redirect(_detail(placement))
    context = _form_page(provider, placement, form, "complete")
    context["refused"] = refused
    return render(request, "partners/placement_form.html", context)


FORM_PAGES = {
    "school_checks": (
        "Record the school's own checks",
        "If the school checked the employer its own way (for example through the local authority's "
        "checks), record which checks were done. You are recorded as the person who checked.",
        "Record the checks",
    ),
    "consent": (
        "Record consent received on paper",
        "Record the answer on a signed consent form you hold. Keep the form as your school's policy says.",
        "Record consent",
    ),
    "complete": (
        "Complete the placement",
        "Record the hours the learner actually did and what made the placement meaningful. The "
        "employer's feedback is filled in if it came through the employer's link; type it from the "
        "employer's form if it did not. A workplace-experience activity is then added to the "
        "learner's record: it counts towards Benchmark 6 once the learner reflects on it.",
        "Complete the placement",
    ),
}


def _form_page(provider: Provider, placement: Placement, form: Any, page: str) -> dict[str, Any]:
    title, intro, button = FORM_PAGES[page]
    return {
        "provider": provider,
        "placement": placement,
        "form": form,
        "title": title,
        "intro": intro,
        "button": button,
        "refused": None,
    }


@require_role()
def placement_document(request: AuthenticatedRequest, urn: int, pk: int, doc: int) -> FileResponse:
    provider = _provider(request, urn)
    placement = _placement(provider, pk)
    document = get_object_or_404(PlacementDocument, pk=doc, placement=placement)
    audit.record_read(
        actor=request.user,
        action="placement.document_downloaded",
        obj=placement,
        provider_id=provider.pk,
        learner_id=placement.learner_id,
        details={"document_id": document.pk, "kind": document.kind},
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=upload_rules.ALLOWED_UPLOADS[document.file_type][0],
        as_attachment=True,
        filename=f"{document.get_kind_display()[:60]} - placement {placement.pk}.{document.file_type}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
