"""The Provider Access page: each cohort's key phase, encounters held, pupils still lacking two,
the pupils' list as CSV, and the link to the published policy statement (§5.1.1 evidence)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from qic.core import audit, stale
from qic.core.csv_export import csv_response
from qic.domain.provider_access import ENCOUNTERS_PER_PHASE, duty_applies
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.programme import actions
from qic.programme.forms import AccessStatementForm
from qic.programme.models import ProviderAccessStatement
from qic.programme.provider_access_queries import provider_access_summary


@require_role()
@require_http_methods(["GET", "POST"])
def provider_access(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Figures for every role that sees figures; pupils' names only for those who see learners.
    POST records where the policy statement is published (the careers leader)."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    caps = capabilities(request.user)
    applies = duty_applies(provider.provider_type)
    can_record = applies and Capability.PREPARE_ACCREDITATION in caps
    statement = ProviderAccessStatement.objects.filter(provider=provider).first()
    shown = actions.access_statement_snapshot(statement)
    form = AccessStatementForm(
        request.POST if request.method == "POST" else None, initial=shown | {"seen": stale.sign(shown)}
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("Only the careers leader records the policy statement.")
        if form.is_valid():
            try:
                actions.record_access_statement(
                    provider=provider, url=form.cleaned_data["url"], actor=request.user, seen=form.cleaned_data["seen"]
                )
            except stale.StaleEdit as exc:
                stale.refuse(form, exc, "policy statement's address")
                statement = ProviderAccessStatement.objects.filter(provider=provider).first()  # as it is now
            else:
                messages.success(request, "The address of your provider access policy statement has been saved.")
                return redirect("programme:provider_access", urn=provider.urn)
    today = timezone.localdate()
    summary = provider_access_summary(provider, today=today) if applies else None
    named = Capability.VIEW_LEARNERS in caps
    if summary is not None and named and summary.short_pupils:
        audit.record_read(
            actor=request.user,
            action="provider_access.viewed",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=[pupil.learner_id for _, pupil in summary.short_pupils],
        )
    return render(
        request,
        "programme/provider_access.html",
        {
            "provider": provider,
            "applies": applies,
            "summary": summary,
            "named": named,
            "statement": statement,
            "form": form,
            "can_record": can_record,
            "needed": ENCOUNTERS_PER_PHASE,
        },
    )


@require_role()
@require_GET
def provider_access_export(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """CSV of the pupils in the mandatory phases who still lack two encounters."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    if not duty_applies(provider.provider_type):
        raise Http404("The Provider Access duty applies to schools")
    today = timezone.localdate()
    summary = provider_access_summary(provider, today=today)
    rows = [
        [
            cohort.year_group,
            cohort.window.phase.label,
            cohort.window.deadline.isoformat(),
            pupil.surname,
            pupil.forename,
            pupil.reference,
            pupil.registration_group,
            pupil.attended,
            pupil.needed,
        ]
        for cohort, pupil in summary.short_pupils
    ]
    audit.record_read(
        actor=request.user,
        action="provider_access.exported",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[pupil.learner_id for _, pupil in summary.short_pupils],
    )
    return csv_response(
        f"{provider.urn}-provider-access-{today.isoformat()}.csv",
        [
            "Year group",
            "Key phase",
            "Deadline",
            "Surname",
            "Forename",
            "UPN or ULN",
            "Registration group",
            "Encounters attended",
            "Encounters still needed",
        ],
        rows,
    )
