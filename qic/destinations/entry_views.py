"""Recording destinations: the careers leader's hub (each leaving cohort and what is left to
record), a cohort's learners, and one learner's destinations with add, change and remove.

Who: the provider's careers leader and staff read (VIEW_LEARNERS: the pages name learners, and
each records one audited read); the careers leader records (MANAGE_LEARNERS, as for the learners'
records and imports). Another school's learner or destination is a 404. Primary schools have no
leaving cohorts of the Standard: the pages explain that instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from qic.core import audit, stale
from qic.destinations import entry_actions as actions
from qic.destinations import entry_queries as queries
from qic.destinations.entry_forms import DestinationForm
from qic.destinations.models import Destination
from qic.domain import dates
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, year_label
from qic.learners.models import Learner
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.organisations.primary_schools import not_for_primary_schools


def _can_manage(request: AuthenticatedRequest) -> bool:
    return Capability.MANAGE_LEARNERS in capabilities(request.user)


@require_role()
@not_for_primary_schools(Capability.VIEW_LEARNERS)
def home(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Each leaving cohort: its learners, how many have a destination recorded and how many not."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    today = timezone.localdate()
    return render(
        request,
        "destinations/entry/home.html",
        {
            "provider": provider,
            "stages": list(queries.hub(provider, today).items()),
            "can_manage": _can_manage(request),
            "can_view_figures": Capability.VIEW_FIGURES in capabilities(request.user),
        },
    )


@require_role()
@not_for_primary_schools(Capability.VIEW_LEARNERS)
def cohort(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """A cohort's learners (`?stage=ks4&year=2024`; the Year 11 leavers of last year unless asked),
    or only those with nothing recorded (`&missing=1`)."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    today = timezone.localdate()
    stage, year = queries.parse_cohort(request.GET.get("stage"), request.GET.get("year"), today)
    missing_only = request.GET.get("missing") == "1"
    found = queries.cohort(provider, stage, year, today=today, missing_only=missing_only)
    if found.rows:
        audit.record_read(
            actor=request.user,
            action="destinations.cohort_viewed",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=[row.learner.pk for row in found.rows],
            details={"stage": stage.value, "year": year, "missing_only": missing_only},
        )
    base = f"{reverse('destinations:cohort', args=[provider.urn])}?stage={found.slug}&year={year}"
    return render(
        request,
        "destinations/entry/cohort.html",
        {
            "provider": provider,
            "cohort": found,
            "stage_label": stage.label,
            "year_label": year_label(year),
            "missing_only": missing_only,
            "all_url": base,
            "missing_url": f"{base}&missing=1",
            "can_manage": _can_manage(request),
        },
    )


# --- One learner ---------------------------------------------------------------------------------


def _learner_context(
    provider: Provider, learner: Learner, cohorts: list[tuple[KeyStage, int]] | None = None
) -> dict[str, Any]:
    today = timezone.localdate()
    found = queries.learner_cohorts(learner) if cohorts is None else cohorts
    return {
        "provider": provider,
        "learner": learner,
        "cohorts": [(stage.label, queries.cohort_title(stage, year, today)) for stage, year in found],
    }


@require_role()
@not_for_primary_schools(Capability.VIEW_LEARNERS)
def learner_destinations(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """All of a learner's destinations, newest first, with the year after leaving each counts in."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    learner = queries.get_learner(provider, pk)
    cohorts = queries.learner_cohorts(learner)
    context = _learner_context(provider, learner, cohorts)
    rows = [
        (destination, queries.year_after_leaving(destination, cohorts))
        for destination in queries.destinations_of(learner)
    ]
    audit.record_read(
        actor=request.user,
        action="learner.destinations_viewed",
        obj=learner,
        provider_id=provider.pk,
        learner_id=learner.pk,
    )
    return render(
        request,
        "destinations/entry/learner.html",
        {**context, "rows": rows, "can_manage": _can_manage(request) and not learner.anonymised},
    )


def _refuse_anonymised(request: AuthenticatedRequest, provider: Provider, learner: Learner) -> HttpResponse | None:
    if not learner.anonymised:
        return None
    messages.error(request, "This learner's record has been anonymised: its destinations can be read but not changed.")
    return redirect("destinations:learner", urn=provider.urn, pk=learner.pk)


def _form_page(
    request: AuthenticatedRequest,
    provider: Provider,
    learner: Learner,
    form: DestinationForm,
    destination: Destination | None,
) -> HttpResponse:
    """The add or change form: it names the learner (and shows a destination's "where"), so
    drawing it is an audited read, as the learner's own edit page is."""
    audit.record_read(
        actor=request.user,
        action="learner.destinations_viewed",
        obj=learner,
        provider_id=provider.pk,
        learner_id=learner.pk,
        details={
            "page": "change" if destination else "add",
            **({"destination": destination.pk} if destination else {}),
        },
    )
    return render(
        request,
        "destinations/entry/form.html",
        {**_learner_context(provider, learner), "form": form, "destination": destination},
    )


def _saved(
    request: AuthenticatedRequest, provider: Provider, learner: Learner, destination: Destination, verb: str
) -> HttpResponse:
    messages.success(
        request,
        f"{destination.get_kind_display()} destination {verb}: {destination.get_category_display()}, "
        f"{dates.long_date(destination.recorded_on)}.",
    )
    return redirect("destinations:learner", urn=provider.urn, pk=learner.pk)


def _entered(data: dict[str, Any]) -> dict[str, Any]:
    """The destination's fields as the form cleaned them, for the add and change actions."""
    return {name: data[name] for name in ("kind", "category", "recorded_on", "sustained", "detail")}


@require_role()
@not_for_primary_schools(Capability.MANAGE_LEARNERS)
@require_http_methods(["GET", "POST"])
def destination_add(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    learner = queries.get_learner(provider, pk)
    if refused := _refuse_anonymised(request, provider, learner):
        return refused
    today = timezone.localdate()
    form = DestinationForm(request.POST if request.method == "POST" else None, learner=learner, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            destination = actions.add_destination(learner=learner, **_entered(data), today=today, actor=request.user)
        except (actions.DestinationNotAllowed, rules.DestinationRefused) as exc:
            form.add_error(None, str(exc))
        else:
            return _saved(request, provider, learner, destination, "recorded")
    return _form_page(request, provider, learner, form, None)


@require_role()
@not_for_primary_schools(Capability.MANAGE_LEARNERS)
@require_http_methods(["GET", "POST"])
def destination_change(request: AuthenticatedRequest, urn: int, pk: int, destination_pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    learner = queries.get_learner(provider, pk)
    destination = queries.get_destination(learner, destination_pk)
    if refused := _refuse_anonymised(request, provider, learner):
        return refused
    today = timezone.localdate()
    form = DestinationForm(
        request.POST if request.method == "POST" else None, learner=learner, today=today, instance=destination
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.change_destination(
                destination=destination, **_entered(data), today=today, actor=request.user, seen=data["seen"]
            )
        except stale.StaleEdit as exc:
            stale.refuse(form, exc, "destination")
        except (actions.DestinationNotAllowed, rules.DestinationRefused) as exc:
            form.add_error(None, str(exc))
        else:
            return _saved(request, provider, learner, saved, "saved")
    return _form_page(request, provider, learner, form, destination)


@require_role()
@not_for_primary_schools(Capability.MANAGE_LEARNERS)
@require_http_methods(["GET", "POST"])
def destination_remove(request: AuthenticatedRequest, urn: int, pk: int, destination_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the destination for good."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    learner = queries.get_learner(provider, pk)
    destination = queries.get_destination(learner, destination_pk)
    if refused := _refuse_anonymised(request, provider, learner):
        return refused
    if request.method == "POST":
        actions.remove_destination(destination=destination, actor=request.user)
        messages.success(
            request,
            f"The {destination.get_kind_display().lower()} destination “{destination.get_category_display()}” of "
            f"{dates.long_date(destination.recorded_on)} has been removed.",
        )
        return redirect("destinations:learner", urn=provider.urn, pk=learner.pk)
    audit.record_read(
        actor=request.user,
        action="learner.destinations_viewed",
        obj=learner,
        provider_id=provider.pk,
        learner_id=learner.pk,
        details={"to_remove": destination.pk},
    )
    return render(
        request,
        "destinations/entry/remove.html",
        {**_learner_context(provider, learner), "destination": destination},
    )
