"""The destinations analysis (criterion 3.4, issue 16 items 2 and 3): each of the last three
leaving cohorts' destinations, by group, over time and against intentions, beside the DfE's
national and local-authority measures for the same year. Aggregates only: every role that sees a
provider's figures may read it (governors, the Awarding Body, the assigned assessor); no learner is
named on it or in its CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qic.core.csv_export import csv_response
from qic.destinations import analysis_tables, comparison, queries
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, year_label
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.organisations.primary_schools import Instead, not_for_primary_schools

STAGE_PARAMETER = {stage.value: stage for stage in rules.STAGES}


def stage_asked(request: HttpRequest, provider: Provider) -> KeyStage:
    """?stage=KS4 or 16-18; otherwise KS4, except for a college with no KS4 leavers in the last
    three years (one query, for colleges only)."""
    asked = STAGE_PARAMETER.get(request.GET.get("stage", ""))
    if asked is not None:
        return asked
    if provider.is_college:
        years = rules.cohort_years(timezone.localdate())
        if not any(queries.cohort_learner_ids(provider, KeyStage.KS4, years).values()):
            return KeyStage.KS5
    return KeyStage.KS4


def _figures_only(request: AuthenticatedRequest) -> bool:
    """Whether the reader sees the figures and not the learners' records (a governor, the
    Awarding Body, the assessor): then no group or cohort of fewer than SMALL_GROUP is shown."""
    return Capability.VIEW_LEARNERS not in capabilities(request.user)


def _analysis(request: AuthenticatedRequest, provider: Provider, stage: KeyStage) -> list[analysis_tables.CohortTables]:
    compared = comparison.headline_with_comparison(provider, stage, timezone.localdate())
    figures_only = _figures_only(request)
    return [analysis_tables.cohort_tables(c, la_name=provider.la_name, figures_only=figures_only) for c in compared]


@require_role()
@require_GET
@not_for_primary_schools(Capability.VIEW_FIGURES)
def analysis(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    stage = stage_asked(request, provider)
    cohorts = _analysis(request, provider, stage)
    return render(
        request,
        "destinations/analysis/analysis.html",
        {
            "provider": provider,
            "stage": stage,
            "stage_label": analysis_tables.STAGE_LABELS[stage],
            "stages": [(s.value, analysis_tables.STAGE_LABELS[s], s is stage) for s in rules.STAGES],
            "cohorts": cohorts,
            "trend": analysis_tables.trend(cohorts),
            "leavers": sum(c.size for c in cohorts),
            "any_recorded": any(c.any_recorded for c in cohorts),
            "small_group": rules.SMALL_GROUP,
            "figures_only": _figures_only(request),
            "small_note": analysis_tables.SMALL_NOTE,
            "withheld_note": analysis_tables.WITHHELD_NOTE,
            "may_record": Capability.MANAGE_LEARNERS in capabilities(request.user)
            or Capability.VIEW_LEARNERS in capabilities(request.user),
            "record_url": reverse("destinations:home", args=[provider.urn]),
            "first_year": year_label(cohorts[-1].year) if cohorts else "",
        },
    )


@require_role()
@require_GET
@not_for_primary_schools(Capability.VIEW_FIGURES, Instead.NOT_FOUND)
def analysis_export(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The analysis as CSV, one figure a line: aggregates only, as on the page."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    stage = stage_asked(request, provider)
    rows = analysis_tables.csv_rows(stage, _analysis(request, provider, stage))
    return csv_response(f"{provider.urn}-destinations-{stage.value}.csv", analysis_tables.CSV_HEADER, rows)
