"""Pages a placement link opens, for people without an account.

The employer's link (purpose PLACEMENT_EMPLOYER) opens its one placement: the details and the
checks before, the feedback to the learner after the last day. A parent's link (purpose PARENT,
for one learner) opens the consent page of that learner's placements only: a placement of any
other learner is not found. Every change is audited with the link's owner as the actor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from qic.domain import placements as rules
from qic.domain.partner_links import LinkPurpose
from qic.domain.placements import Status
from qic.partners import links
from qic.partners import placements as actions
from qic.partners.links import link_view
from qic.partners.models import PartnerLink, Placement
from qic.partners.placement_forms import ConsentForm, DocumentForm, EmployerDetailsForm, FeedbackForm


def _summary(placement: Placement) -> list[tuple[str, str]]:
    """What both link pages show of the placement (never its documents)."""
    from qic.domain.dates import long_date

    rows = [
        ("Employer", placement.employer.name),
        ("Role", placement.role or "Not given yet"),
        ("Dates", f"{long_date(placement.start_date)} to {long_date(placement.end_date)}"),
        ("Hours at the workplace", f"{placement.hours}".removesuffix(".0")),
    ]
    if placement.working_hours:
        rows.append(("Working hours", placement.working_hours))
    if placement.workplace_address:
        rows.append(("Address", placement.workplace_address))
    if placement.supervisor_name:
        rows.append(("Supervisor", placement.supervisor_name))
    return rows


@link_view(LinkPurpose.PLACEMENT_EMPLOYER)
@require_http_methods(["GET", "POST"])
def placement_employer(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    if link.placement_id is None:
        raise Http404("No such placement")
    placement = Placement.objects.select_related("employer", "learner", "provider").filter(pk=link.placement_id).first()
    if placement is None or placement.provider_id != link.provider_id:
        raise Http404("No such placement")
    actor = links.actor_for(link)
    today = timezone.localdate()
    status = placement.status_enum
    open_for_checks = status in (Status.PROPOSED, Status.CHECKS, Status.CONSENT, Status.APPROVED)
    feedback_open = status in (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED) and today >= placement.end_date
    which = request.POST.get("form", "") if request.method == "POST" else ""
    details = EmployerDetailsForm(
        request.POST if which == "details" else None,
        initial={
            "role": placement.role,
            "role_confirmed": placement.role_confirmed,
            "supervisor_name": placement.supervisor_name,
            "supervisor_phone": placement.supervisor_phone,
            "working_hours": placement.working_hours,
            "workplace_address": placement.workplace_address,
        },
        prefix="details",
    )
    document = DocumentForm(
        request.POST if which == "document" else None,
        request.FILES if which == "document" else None,
        prefix="document",
    )
    feedback = FeedbackForm(
        request.POST if which == "feedback" else None,
        initial={name: getattr(placement, name) for name in actions.FEEDBACK_FIELDS},
        prefix="feedback",
    )
    try:
        if which == "details" and open_for_checks and details.is_valid():
            actions.save_employer_details(placement=placement, details=details.cleaned_data, actor=actor)
            messages.success(request, "Thank you. Your details have been saved.")
            return redirect(request.path)
        if which == "document" and open_for_checks and document.is_valid():
            actions.add_document(
                placement=placement,
                kind=document.cleaned_data["kind"],
                upload=document.cleaned_data["file"],
                insurance_expires=document.cleaned_data["insurance_expires"],
                actor=actor,
            )
            messages.success(request, "Thank you. The document has been uploaded.")
            return redirect(request.path)
        if which == "feedback" and feedback_open and feedback.is_valid():
            actions.record_feedback(placement=placement, feedback=feedback.cleaned_data, actor=actor)
            messages.success(request, "Thank you for your feedback to the learner.")
            return redirect(request.path)
    except actions.PlacementRefused as refused:
        {"details": details, "document": document, "feedback": feedback}[which].add_error(None, str(refused))
    kinds = actions.document_kinds(placement)
    return render(
        request,
        "partners/placement_employer.html",
        {
            "link": link,
            "placement": placement,
            "summary": _summary(placement),
            "details": details,
            "document": document,
            "feedback": feedback,
            "errors": [form for form in (details, document, feedback) if form.errors],
            "open_for_checks": open_for_checks,
            "feedback_open": feedback_open,
            "cancelled": status == Status.CANCELLED,
            "held": [label for kind, label in rules.DOCUMENT_KINDS.items() if kind in kinds],
            "missing": actions.missing_of(placement, kinds),
        },
    )


def _checks_in_words(placement: Placement) -> list[str]:
    """What the checks say, for a parent: done or not, never the documents themselves."""
    missing = actions.missing_of(placement, actions.document_kinds(placement))
    if not missing:
        return ["The school has the employer's health and safety policy, insurance and risk assessment."]
    return ["The school is still waiting for: " + "; ".join(missing) + "."]


@link_view(LinkPurpose.PARENT)
@require_http_methods(["GET", "POST"])
def placement_consent(request: HttpRequest, link: PartnerLink, pk: int) -> HttpResponse:
    if link.learner_id is None:
        raise Http404("No such placement")
    placement = (
        Placement.objects.select_related("employer", "learner")
        .filter(pk=pk, learner_id=link.learner_id, provider_id=link.provider_id)
        .first()
    )
    if placement is None:
        raise Http404("No such placement")
    status = placement.status_enum
    may_answer = status in (Status.PROPOSED, Status.CHECKS, Status.CONSENT, Status.APPROVED)
    initial: dict[str, Any] = {}
    if placement.consent_given is not None:
        initial = {
            "consent": "yes" if placement.consent_given else "no",
            "consent_name": placement.consent_name,
            "consent_relationship": placement.consent_relationship,
            "emergency_phone": placement.emergency_phone,
            "medical_notes": placement.medical_notes,
        }
    form = ConsentForm(request.POST if request.method == "POST" and may_answer else None, initial=initial)
    if request.method == "POST" and may_answer and form.is_valid():
        try:
            actions.record_consent(
                placement=placement,
                given=form.cleaned_data["consent"] == "yes",
                name=form.cleaned_data["consent_name"],
                relationship=form.cleaned_data["consent_relationship"],
                emergency_phone=form.cleaned_data["emergency_phone"],
                medical_notes=form.cleaned_data["medical_notes"],
                link=link,
                actor=links.actor_for(link),
            )
        except actions.PlacementRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Thank you. Your answer has been sent to the school.")
            return redirect(request.path)
    return render(
        request,
        "partners/placement_consent.html",
        {
            "link": link,
            "placement": placement,
            "learner_name": placement.learner.forename if not placement.learner.anonymised else "your child",
            "summary": _summary(placement),
            "checks": _checks_in_words(placement),
            "form": form,
            "may_answer": may_answer,
            "status_label": status.label,
        },
    )
