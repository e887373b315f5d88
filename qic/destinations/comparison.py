"""The DfE destination measures a provider's leavers are compared with: the nation's and its local
authority's rows of the loaded DfE files (`DfeFigure`), read in one query, and the comparison
rules of `qic.domain.dfe_comparison` applied to them.

For the portfolio (criterion 3.4) and any other page that wants the headline beside the nation:
`headline_with_comparison(provider, stage, today)` → one `CohortComparison` per of the last three
leaving cohorts, newest first (see its docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from qic.destinations import queries
from qic.destinations.models import DfeFigure
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage
from qic.domain.dfe_comparison import (
    LOCAL_AUTHORITY,
    NATIONAL,
    Availability,
    CohortComparison,
    DfeRow,
    DfeSide,
    compare_cohort,
    dfe_side,
    words,
)
from qic.organisations.models import Provider


def _row(figure: DfeFigure) -> DfeRow:
    return DfeRow(
        stage=figure.stage,
        time_period=figure.time_period,
        geographic_level=figure.geographic_level,
        institution_group=figure.institution_group,
        breakdown_topic=figure.breakdown_topic,
        breakdown=figure.breakdown,
        data_type=figure.data_type,
        cohort_level_group=figure.cohort_level_group,
        cohort=figure.cohort,
        values=figure.values if isinstance(figure.values, dict) else {},
        suppressed=figure.suppressed if isinstance(figure.suppressed, dict) else {},
        area_code=figure.area_code,
        area_name=figure.area_name,
    )


def dfe_rows(provider: Provider, stage: KeyStage, years: Iterable[int]) -> dict[int, tuple[list[DfeRow], list[DfeRow]]]:
    """For each cohort year, the national rows and the provider's local authority's rows of the
    stage's DfE measures for that cohort's `time_period`; one query.

    The local authority is the one whose `area_code` is the provider's `la_code` (GIAS's old LA
    code, as in the DfE's `old_la_code`); when the file has none with that code, the one whose
    name is the provider's `la_name`, without case."""
    periods = {rules.dfe_time_period(year): year for year in years}
    where = Q(geographic_level=DfeFigure.Level.NATIONAL)
    la_code, la_name = provider.la_code.strip(), provider.la_name.strip()
    if la_code:
        where |= Q(geographic_level=DfeFigure.Level.LOCAL_AUTHORITY, area_code=la_code)
    if la_name:
        where |= Q(geographic_level=DfeFigure.Level.LOCAL_AUTHORITY, area_name__iexact=la_name)
    found: dict[int, tuple[list[DfeRow], list[DfeRow]]] = {year: ([], []) for year in periods.values()}
    by_code: dict[int, list[DfeRow]] = {year: [] for year in periods.values()}
    by_name: dict[int, list[DfeRow]] = {year: [] for year in periods.values()}
    for figure in DfeFigure.objects.filter(where, stage=stage.value, time_period__in=list(periods)).order_by("pk"):
        year = periods[figure.time_period]
        row = _row(figure)
        if row.geographic_level == NATIONAL:
            found[year][0].append(row)
        elif la_code and row.area_code.strip() == la_code:
            by_code[year].append(row)
        elif la_name and words(row.area_name) == words(la_name):
            by_name[year].append(row)
    for year in found:
        found[year][1].extend(by_code[year] or by_name[year])
    return found


def comparisons_for(provider: Provider, analysis: rules.Analysis) -> list[CohortComparison]:
    """Each cohort of the analysis beside the nation's and the local authority's figures, in the
    analysis's order (newest first); one query."""
    rows = dfe_rows(provider, analysis.stage, [cohort.year for cohort in analysis.cohorts])
    has_area = bool(provider.la_code.strip() or provider.la_name.strip())
    result = []
    for cohort in analysis.cohorts:
        national_rows, local_rows = rows[cohort.year]
        loaded = bool(national_rows or local_rows)
        national = dfe_side(
            national_rows,
            stage=analysis.stage,
            cohort_year=cohort.year,
            provider_type=provider.provider_type,
            level=NATIONAL,
            area_name="England",
            anything_loaded=loaded,
        )
        local = (
            dfe_side(
                local_rows,
                stage=analysis.stage,
                cohort_year=cohort.year,
                provider_type=provider.provider_type,
                level=LOCAL_AUTHORITY,
                area_name=provider.la_name,
                anything_loaded=loaded,
            )
            if has_area
            else DfeSide(LOCAL_AUTHORITY, Availability.NO_AREA)
        )
        result.append(compare_cohort(cohort, national, local))
    return result


def headline_with_comparison(provider: Provider, stage: KeyStage, today: dt.date) -> list[CohortComparison]:
    """The last three leaving cohorts of the stage (`rules.cohort_years(today)`), newest first, each
    a `qic.domain.dfe_comparison.CohortComparison`:

    - `.year` (the academic year the cohort finished, e.g. 2024 for 2024/25), `.time_period` (the
      DfE's, "202526"), `.cohort` (the `rules.CohortAnalysis`: `.overall.cohort` is its size);
    - `.lines`: one `HeadlineLine` per `rules.HEADLINE` measure, in order, with `.label`,
      `.school` (a `rules.Share`: `.count`, `.of`, `.percent` None under six learners) and
      `.national`/`.local` (`DfeValue`: `.percent` or None, `.text` "91%", "not published (c: …)"
      or "–");
    - `.national`/`.local` (`DfeSide`): `.shown`, `.why_not` ("not loaded yet", …),
      `.institution_group` compared with, `.area_name`;
    - `.groups`: the breakdowns (`GroupLine`: `.row.gap`, `.national.gap`, `.local.gap`).

    Three queries whatever the cohort's size (the learners, their destinations, the DfE rows)."""
    return comparisons_for(provider, queries.analysis_for(provider, stage, today=today))
