"""A learner's pages that show or change programme data as well as the record: the learner's
record (what they have done, which measures they still need), the subject-access export and
anonymisation. In programme, not learners, because learners sits below programme."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qic.core import audit
from qic.learners.forms import AnonymiseLearnerForm
from qic.learners.models import Learner, LearnerAccount
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.programme import data_protection, learner_record, subject_access
from qic.programme.models import Interview, Participation
from qic.programme.subject_access_pdf import render_subject_access_pdf


@require_role()
def learner_detail(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """A learner's record: what they have done, and which measures they still need."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    # The Placements row names each placement's employer: fetched together, not one query each
    # (by the relation's name: programme sits below partners and does not import it).
    learner = get_object_or_404(Learner.objects.prefetch_related("placements__employer"), provider=provider, pk=pk)
    standing = learner_record.benchmark_standing(provider, learner, timezone.localdate())
    participations = (
        Participation.objects.filter(learner=learner)
        .select_related("activity")
        .order_by("-activity__date", "activity__title")
    )
    interviews = Interview.objects.filter(learner=learner).select_related("adviser")
    account = LearnerAccount.objects.filter(learner=learner).select_related("user").first()
    caps = capabilities(request.user)
    audit.record_read(
        actor=request.user, action="learner.viewed", obj=learner, provider_id=provider.pk, learner_id=learner.pk
    )
    return render(
        request,
        "learners/learner_detail.html",
        {
            "provider": provider,
            "learner": learner,
            "year": standing.year,
            "year_label": standing.year_label,
            "year_group": learner.year_group_in(standing.year),
            "statuses": [(status.measure, status.met) for status in standing.statuses],
            "benchmarks": standing.benchmarks,
            "counted": standing.counted,
            "rule_set": standing.rule_set,
            "participations": participations,
            "interviews": interviews,
            "account": account,
            "can_manage": Capability.MANAGE_LEARNERS in caps,
            "can_record": Capability.RECORD_PROGRAMME in caps,
        },
    )


@require_role()
@never_cache
def learner_view(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """What the learner sees when they sign in: their own page, as a preview for staff."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    learner = get_object_or_404(Learner.objects.select_related("provider"), provider=provider, pk=pk)
    record = learner_record.learner_record(learner, timezone.localdate())
    audit.record_read(
        actor=request.user,
        action="learner.viewed_as_learner",
        obj=learner,
        provider_id=provider.pk,
        learner_id=learner.pk,
    )
    return render(
        request,
        "learners/learner_view.html",
        {"provider": provider, "learner": learner, "record": record, "preview": True},
    )


# --- Data protection: subject access and anonymisation ------------------------------------------


def _learner_for_data_protection(request: HttpRequest, urn: int, pk: int) -> Learner:
    """The careers leader's own learner: another provider's is a 404, another role a 403."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    return get_object_or_404(Learner.objects.select_related("provider"), provider=provider, pk=pk)


@require_role()
@never_cache
def learner_subject_access(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Everything held about the learner, as a printable page."""
    learner = _learner_for_data_protection(request, urn, pk)
    record = subject_access.subject_access_record(learner)
    data_protection.record_subject_access(learner=learner, export_format="html", actor=request.user)
    return render(
        request,
        "learners/subject_access.html",
        {"provider": learner.provider, "learner": learner, "record": subject_access.for_display(record)},
    )


@require_role()
@never_cache
def learner_subject_access_pdf(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    learner = _learner_for_data_protection(request, urn, pk)
    data = render_subject_access_pdf(subject_access.subject_access_record(learner))
    data_protection.record_subject_access(learner=learner, export_format="pdf", actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-learner-{learner.pk}.pdf"'
    return response


@require_role()
@never_cache
def learner_subject_access_json(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    learner = _learner_for_data_protection(request, urn, pk)
    record = subject_access.subject_access_record(learner)
    data_protection.record_subject_access(learner=learner, export_format="json", actor=request.user)
    response = JsonResponse(record, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="subject-access-learner-{learner.pk}.json"'
    return response


@require_role()
@require_http_methods(["GET", "POST"])
def learner_anonymise(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Confirm, with a reason, and remove the learner's identity for good."""
    learner = _learner_for_data_protection(request, urn, pk)
    if request.method == "POST" and "cancel" in request.POST:
        return redirect("programme:learner_detail", urn=learner.provider.urn, pk=learner.pk)
    form = AnonymiseLearnerForm(request.POST or None)
    if request.method == "POST" and not learner.anonymised and form.is_valid():
        # Someone else may have done it a moment ago: the record is anonymised either way.
        with contextlib.suppress(data_protection.AlreadyAnonymised):
            data_protection.anonymise_learner(learner=learner, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, f"The record has been anonymised. It is now shown as Anonymised learner #{pk}.")
        return redirect("programme:learner_detail", urn=learner.provider.urn, pk=learner.pk)
    return render(
        request,
        "learners/anonymise.html",
        {"provider": learner.provider, "learner": learner, "form": form},
    )
