"""Each role's home page, and a provider's benchmark dashboard with the national averages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from qic.dashboards.provider_home import provider_home
from qic.domain.academic import year_label
from qic.frameworks.editions import edition_for_year, edition_on
from qic.national.queries import benchmark_averages
from qic.organisations import queries as organisation_queries
from qic.organisations.access import (
    Capability,
    assessors_of,
    capabilities,
    client_requests_of_body,
    client_requests_to_answer,
    get_provider_for,
    is_learner,
    membership_of,
    require_role,
    visible_providers,
)
from qic.organisations.models import AwardingBody, Provider, Role
from qic.organisations.primary_schools import not_for_primary_schools
from qic.partners import directory_queries
from qic.programme import queries, reports
from qic.programme.years import year_asked, year_menu


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands here and sees what it can do; a learner goes to their own record."""
    if is_learner(request.user):
        return redirect("portal:home")
    return staff_home(request)


@require_role()
def staff_home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None
    context: dict[str, object] = {"membership": membership, "edition": edition_on(timezone.localdate())}
    role = membership.role
    if role == Role.CONSORTIUM_ADMIN:
        context["bodies"] = organisation_queries.awarding_bodies_with_counts(AwardingBody.objects.all())
        context["provider_count"] = visible_providers(request.user).count()
        context["last_import"] = organisation_queries.last_gias_import()
        context["client_request_count"] = client_requests_to_answer(request.user).count()
    elif role in (Role.AWARDING_BODY_ADMIN, Role.ASSESSOR):
        body = membership.awarding_body
        assert body is not None
        context["body"] = body
        # The table shows each provider's Awarding Body: one join, not a query per row.
        context["providers"] = visible_providers(request.user).select_related("awarding_body").order_by("name")[:50]
        context["assessor_count"] = assessors_of(body).filter(is_active=True).count()
        context["client_requests"] = client_requests_of_body(request.user).filter(status="pending")
    else:
        # A provider's people land on their work: the benchmarks and what needs doing next, as
        # far as their role may see (the provider is their own: get_provider_for checks it anyway).
        assert membership.provider is not None
        provider = get_provider_for(request.user, membership.provider.urn, Capability.VIEW)
        context["provider"] = provider
        context["people"] = organisation_queries.people_of_provider(provider)
        context["client_requests"] = client_requests_to_answer(request.user)
        context["home"] = provider_home(provider, capabilities(request.user), today=timezone.localdate())
    return render(request, f"organisations/home_{role}.html", context)


# --- A provider's benchmark figures ------------------------------------------------------------


def _dashboard_context(provider: Provider, year: int) -> dict[str, object]:
    edition = edition_for_year(year)
    today = timezone.localdate()
    # Last year's Benchmarks 1 and 3 are counted against the edition that applied to last year.
    figures, previous = queries.dashboard_figures(
        provider, year, today=today, edition=edition, previous_edition=edition_for_year(year - 1)
    )
    context = reports.dashboard(provider, figures, previous, edition)
    # The published national average beside each of the provider's own figures (suppressed under
    # six providers; only providers measured on the same definitions).
    national = benchmark_averages(year, rule_set=figures.rule_set.code)
    for row in context["benchmarks"]:
        row["national"] = national[row["number"]]
    context["national_providers"] = max((f.providers for f in national.values()), default=0)
    return context


@require_role()
@not_for_primary_schools(Capability.VIEW_FIGURES)
def benchmark_dashboard(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    year = year_asked(request)
    context = _dashboard_context(provider, year)
    context.update(
        provider=provider,
        year=year,
        year_label=year_label(year),
        years=year_menu(provider),
        show_names=Capability.VIEW_LEARNERS in capabilities(request.user),
        can_answer=Capability.MANAGE_LEARNERS in capabilities(request.user),
        # The variety of employers met (refreshed Benchmark 5): figures, for everyone who sees the
        # dashboard; the link to the directory only for those who may open it.
        employer_variety=directory_queries.variety_panel(
            provider, year, link=Capability.VIEW_LEARNERS in capabilities(request.user)
        ),
    )
    return render(request, "programme/dashboard.html", context)
