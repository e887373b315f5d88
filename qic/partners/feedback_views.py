"""Staff pages for feedback after activities (criterion 1.6): ask for it, read it per activity,
and sum it up per academic year.

The comments may name learners, so they are on the activity's page, for staff who see learners;
the yearly summary is counts and averages only, for everyone who sees the provider's figures.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from qic.core.csv_export import csv_response
from qic.domain import feedback as rules
from qic.domain.academic import year_label
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.partners import feedback_actions, feedback_queries
from qic.partners.feedback_forms import FeedbackRequestForm
from qic.partners.links import LinkError
from qic.programme.models import Activity
from qic.programme.years import year_asked, year_menu


@require_role()
@require_http_methods(["GET", "POST"])
def feedback_request(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Choose whom to ask, check the list, then send: one one-time link each, by email."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    held = rules.may_ask(activity.date, timezone.localdate())
    form = FeedbackRequestForm(
        request.POST if request.method == "POST" and held else None,
        contacts=feedback_queries.contacts_for(activity),
        staff=feedback_queries.staff_for(provider),
        already=lambda emails: feedback_actions.already_asked(activity, emails),
    )
    context = {"provider": provider, "activity": activity, "form": form, "held": held}
    if request.method == "POST" and held and form.is_valid():
        if "change" in request.POST:
            return render(request, "partners/feedback_request.html", context)
        if "confirm" not in request.POST:
            return render(request, "partners/feedback_request_check.html", {**context, "recipients": form.recipients})
        try:
            made = feedback_actions.request_feedback(activity=activity, recipients=form.recipients, actor=request.user)
        except LinkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{len(made)} feedback link{'s are' if len(made) != 1 else ' is'} being sent by email.",
            )
            return redirect("partners:activity_feedback", urn=provider.urn, pk=activity.pk)
    return render(request, "partners/feedback_request.html", context)


@require_role()
@require_GET
def activity_feedback(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """One activity's feedback: summaries by kind, the comments, and who has not answered yet."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    return render(
        request,
        "partners/activity_feedback.html",
        {
            "provider": provider,
            "activity": activity,
            "feedback": feedback_queries.activity_feedback(activity),
            "can_ask": Capability.RECORD_PROGRAMME in capabilities(request.user),
            "held": rules.may_ask(activity.date, timezone.localdate()),
            "min_for_average": rules.MIN_FOR_AVERAGE,
        },
    )


@require_role()
@require_GET
def feedback_summary(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The year's feedback by activity type and voice, counts and averages only."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    year = year_asked(request)
    return render(
        request,
        "partners/feedback_summary.html",
        {
            "provider": provider,
            "year": year,
            "year_label": year_label(year),
            "years": year_menu(provider),
            "summary": feedback_queries.year_feedback(provider, year),
            "min_for_average": rules.MIN_FOR_AVERAGE,
            "labels": rules.RESPONDENT_LABELS,
        },
    )


@require_role()
@require_GET
def feedback_export(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The yearly summary as CSV."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    year = year_asked(request)
    summary = feedback_queries.year_feedback(provider, year)
    return csv_response(
        f"feedback-{provider.urn}-{year_label(year).replace('/', '-')}.csv",
        feedback_queries.CSV_HEADER,
        feedback_queries.year_csv_rows(summary),
    )
