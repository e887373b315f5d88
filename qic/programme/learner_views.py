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
from qic.domain import benchmarks as bm
from qic.domain.academic import academic_year_of, year_label
from qic.learners.forms import AnonymiseLearnerForm
from qic.learners.models import Learner
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.programme import data_protection, queries, subject_access
from qic.programme.models import Interview, Participation
from qic.programme.subject_access_pdf import render_subject_access_pdf


@require_role()
def learner_detail(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """A learner's record: what they have done, and which measures they still need."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    learner = get_object_or_404(Learner, provider=provider, pk=pk)
    year = academic_year_of(timezone.localdate())
    today = timezone.localdate()
    # As the dashboard reads it: on roll on the measure date (today), with the evidence as it
    # stood today. A learner who has left is not counted, so nothing is "still missing".
    measure_date = bm.measure_date_for(year, today)
    evidence = queries.evidence_up_to(provider, year, learner_id=learner.pk, as_of=measure_date).get(
        learner.pk, bm.NO_EVIDENCE
    )
    domain_learner = queries.as_domain(learner, year)
    counted = bm.on_roll(domain_learner, measure_date)
    rule_set = queries.rule_set_for_year(year)
    statuses = []
    # A primary school is not measured on the secondary benchmarks (DOMAIN.md §1).
    benchmarks = provider.works_towards_the_standard
    if counted and benchmarks:
        for measure in rule_set.measures_for(queries.phase_of(provider)):
            if measure.eligible(domain_learner, year):
                statuses.append((measure, measure.met(domain_learner, evidence, year)))
    participations = (
        Participation.objects.filter(learner=learner)
        .select_related("activity")
        .order_by("-activity__date", "activity__title")
    )
    interviews = Interview.objects.filter(learner=learner).select_related("adviser")
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
            "year": year,
            "year_label": year_label(year),
            "year_group": learner.year_group_in(year),
            "statuses": statuses,
            "benchmarks": benchmarks,
            "counted": counted,
            "rule_set": rule_set,
            "participations": participations,
            "interviews": interviews,
            "can_manage": Capability.MANAGE_LEARNERS in caps,
            "can_record": Capability.RECORD_PROGRAMME in caps,
        },
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
