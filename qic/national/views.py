"""The public register, the Consortium's pages and primary awards.

Public pages need no log-in and show only what the register should. Consortium pages show
aggregates only. Primary awards belong to their Awarding Body; a primary school's workbook is
reached through the provider access layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qic.core import audit, stale
from qic.core.csv_export import csv_response
from qic.domain import national as rules
from qic.domain.academic import academic_year_of, year_label
from qic.domain.provider_types import ProviderType
from qic.national import actions, queries
from qic.national.access import get_primary_award_for
from qic.national.charts import trend_chart
from qic.national.forms import (
    ActionForm,
    DecisionForm,
    DrillDownForm,
    EndorsementAnswerForm,
    FiguresFilterForm,
    MappingForm,
    PrimaryAwardForm,
    RegisterSearchForm,
    StartWorkbookForm,
    TaskForm,
)
from qic.national.models import (
    ActionPlanItem,
    EndorsementAnswer,
    EndorsementCriterion,
    PrimaryAward,
    PrimaryWorkbook,
    TaskMapping,
)
from qic.organisations.access import (
    AuthenticatedRequest,
    Capability,
    capabilities,
    get_provider_for,
    membership_of,
    require_role,
)
from qic.organisations.models import AwardingBody, Role

CSV_COLUMNS = [
    "urn",
    "name",
    "local_authority",
    "region",
    "postcode",
    "provider_type",
    "outcome",
    "awarded_on",
    "expires_on",
    "awarding_body",
]


# --- The public register ---------------------------------------------------------------------------


def _register_rows(request: HttpRequest) -> tuple[RegisterSearchForm, object]:
    today = timezone.localdate()
    choices = queries.register_choices(today)
    form = RegisterSearchForm(request.GET or None, las=choices["las"], regions=choices["regions"])
    filters = queries.RegisterFilters()
    if form.is_bound and form.is_valid():
        filters = queries.RegisterFilters(**form.cleaned_data)
    return form, queries.register(filters, today=today)


def register(request: HttpRequest) -> HttpResponse:
    form, rows = _register_rows(request)
    page: Any = Paginator(rows, 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "national/register.html",
        {
            "form": form,
            "page": page,
            "rows": [queries.register_row(r) for r in page.object_list],
            "query": query.urlencode(),
            "today": timezone.localdate(),
            # An ITP's number on the register is its UKPRN (its key): label it so.
            "itp_label": ProviderType.INDEPENDENT_TRAINING_PROVIDER.label,
        },
    )


def register_csv(request: HttpRequest) -> HttpResponse:
    _, rows = _register_rows(request)
    return csv_response(
        f"qic-award-holders-{timezone.localdate()}.csv",
        CSV_COLUMNS,
        _register_cells(queries.register_row(row) for row in rows),  # type: ignore[attr-defined]
    )


def _register_cells(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row[column] for column in CSV_COLUMNS]


def register_json(request: HttpRequest) -> JsonResponse:
    _, rows = _register_rows(request)
    holders = [queries.register_row(r) for r in rows]  # type: ignore[attr-defined]
    return JsonResponse(
        {"as_of": timezone.localdate().isoformat(), "count": len(holders), "award_holders": holders},
        json_dumps_params={"ensure_ascii": False},
    )


def primary_awards_public(request: HttpRequest) -> HttpResponse:
    awards = PrimaryAward.objects.exclude(status=rules.EndorsementStatus.DRAFT.value).select_related("awarding_body")
    return render(request, "national/primary_awards_public.html", {"awards": list(awards)})


# --- The Consortium ------------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    current = academic_year_of(timezone.localdate())
    raw = request.GET.get("year", "")
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= current else current - 1


@require_role(Role.CONSORTIUM_ADMIN)
def bodies_overview(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = queries.workload(today=today)
    if request.GET.get("format") == "csv":
        header = [
            "Awarding Body",
            "Licence",
            "Licence ends",
            "Award period (months)",
            "Assessors",
            "Open assessments",
            "Current awards",
            "Reviews due (90 days)",
        ]
        cells = [
            [
                r.body.name,
                r.body.get_licence_status_display(),
                r.body.licence_end.isoformat() if r.body.licence_end else "",
                r.body.award_validity_months,
                r.assessors,
                r.open_assessments,
                r.current_awards,
                r.reviews_due,
            ]
            for r in rows
        ]
        return _export(request, "bodies_overview", {"bodies": (header, cells)}, f"awarding-bodies-{today}")
    return render(request, "national/bodies_overview.html", {"rows": rows})


@require_role(Role.CONSORTIUM_ADMIN)
def cec_return(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    if request.GET.get("format") != "csv":
        current = academic_year_of(timezone.localdate())
        return render(
            request,
            "national/cec_return.html",
            {
                "year": year,
                "year_label": year_label(year),
                "years": [(y, year_label(y)) for y in range(current, current - 6, -1)],
                "count": queries.cec_return(year).count(),
            },
        )
    audit.record(
        actor=request.user,
        action="national.figures_exported",
        obj=request.user,
        after={"page": "cec_return", "table": "return", "year": year},
    )
    return csv_response(
        f"qic-cec-return-{year_label(year).replace('/', '-')}.csv",
        CSV_COLUMNS,
        _register_cells(queries.register_row(row) for row in queries.cec_return(year)),
    )


# Every table of the Consortium's pages downloads as CSV: `?format=csv&table=<name>` with the
# page's own filters. Figures are written as numbers (one decimal place for averages, whole
# percentages), "suppressed" where the page says suppressed, and blank where there is nothing.


def _csv_figure(value: rules.Figure | None, kind: str = "average") -> str:
    if value is None or value.value is None:
        return "suppressed" if value is not None and value.suppressed else ""
    return f"{value.value:.0f}" if kind == "percent" else f"{value.value:.1f}"


def _rows_csv(first: str, rows: Iterable[queries.Row]) -> tuple[list[str], list[list[Any]]]:
    return (
        [first, "Providers", "Average benchmarks fully achieved (of 8)", "Achieving all eight (%)"],
        [[r.label, r.providers, _csv_figure(r.average), _csv_figure(r.all_eight, "percent")] for r in rows],
    )


def _destinations_csv(cohorts: Iterable[queries.DestinationCohort]) -> tuple[list[str], list[list[Any]]]:
    return (
        [
            "Stage",
            "Cohort (year finished)",
            "Group",
            "Providers",
            "Leavers",
            "Sustained education, apprenticeship or employment (%)",
            "Not sustained, or NEET (%)",
            "Unknown (%)",
            "Not yet known (%)",
        ],
        [
            [
                c.stage.label,
                c.label,
                r.label,
                r.providers,
                "suppressed" if r.learners is None and r.suppressed else (r.learners or ""),
                *[_csv_figure(f, "percent") for f in (r.sustained, r.not_sustained, r.unknown, r.not_yet_known)],
            ]
            for c in cohorts
            for r in c.rows
        ],
    )


def _export(
    request: AuthenticatedRequest,
    page: str,
    tables: dict[str, tuple[list[str], list[list[Any]]]],
    name: str,
    **details: Any,
) -> HttpResponse:
    """The CSV of one of the page's tables, audited (aggregates only: no learner is named)."""
    table = request.GET.get("table", "")
    if table not in tables:
        raise Http404("No such table")
    header, rows = tables[table]
    audit.record(
        actor=request.user,
        action="national.figures_exported",
        obj=request.user,
        after={"page": page, "table": table, **details},
    )
    return csv_response(f"qic-{name}-{table}.csv", header, rows)


def _figures_form(
    request: HttpRequest, form_class: type[FiguresFilterForm] = FiguresFilterForm
) -> tuple[FiguresFilterForm, int, queries.Filters, dict[int, str], dict[int, queries.Cube]]:
    """The filter form, the chosen year and filters (none if the form has errors), the bodies'
    names and every year's figures (two queries)."""
    all_cubes = queries.cubes()
    bodies = dict(AwardingBody.objects.order_by("name").values_list("pk", "name"))
    default = academic_year_of(timezone.localdate()) - 1
    years = sorted(set(all_cubes) | {default}, reverse=True)
    data = request.GET.copy()
    if form_class is DrillDownForm:
        # A drill-down always answers: the figure for the year by region unless told otherwise.
        data.setdefault("year", str(default))
        data.setdefault("by", "region")
    # Any filter asked for binds the form (the year defaults to the last complete one), so that a
    # filtered CSV is filtered and a bad value is an error, never silently the national figures.
    asked = any(data.get(key, "") != "" for key in ("year", "region", "provider_type", "body"))
    if asked:
        data.setdefault("year", str(default))
    form = form_class(
        data if asked or "year" in data else None,
        years=[(y, year_label(y)) for y in years],
        regions=queries.regions_in(all_cubes),
        bodies=list(bodies.items()),
        initial={"year": default},
    )
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data
        filters = queries.Filters(chosen["region"] or None, chosen["provider_type"] or None, chosen["body"])
        return form, chosen["year"], filters, bodies, all_cubes
    return form, default, queries.Filters(), bodies, all_cubes


def _bad_filters(form: FiguresFilterForm) -> HttpResponse:
    """A CSV asked for with filters that are not valid: say which, rather than give other figures."""
    problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
    return HttpResponse(
        f"These filters are not valid, so no figures were given: {problems}\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _filter_words(filters: queries.Filters, bodies: dict[int, str]) -> list[str]:
    words = []
    if filters.region:
        words.append(filters.region)
    if filters.provider_type:
        words.append(queries.type_label(filters.provider_type))
    if filters.body is not None:
        words.append(f"outcome from {bodies.get(filters.body, 'Awarding Body removed')}")
    return words


def _filter_query(year: int, filters: queries.Filters, **more: Any) -> str:
    params = {
        "year": year,
        "region": filters.region or "",
        "provider_type": filters.provider_type or "",
        "body": "" if filters.body is None else filters.body,
    }
    params.update(more)
    return urlencode(params)


@require_role(Role.CONSORTIUM_ADMIN)
def analytics(request: AuthenticatedRequest) -> HttpResponse:
    form, year, filters, bodies, all_cubes = _figures_form(request)
    if request.GET.get("format") == "csv" and form.is_bound and not form.is_valid():
        return _bad_filters(form)
    figures = queries.analytics(year, filters, bodies=bodies, all_cubes=all_cubes)
    chart = trend_chart(figures.trend, figures.years)
    # Destinations of award holders' leavers and the others': all of England, whatever the filters.
    destinations = queries.destinations_by_holding()
    if request.GET.get("format") == "csv":
        tables = {
            "holding": _rows_csv("Providers", figures.by_holding),
            "trend": (
                ["Providers", *[label for _, label in chart.x_labels]],
                [[name, *[_csv_figure(f) for _, f in points]] for name, points in figures.trend.items()],
            ),
            "benchmarks": (
                ["Benchmark", "All providers fully achieving (%)", "Award holders fully achieving (%)"],
                [
                    [f"Benchmark {n}", _csv_figure(a, "percent"), _csv_figure(h, "percent")]
                    for n, a, h in figures.per_benchmark
                ],
            ),
            "region": _rows_csv("Region", figures.by_region),
            "type": _rows_csv("Type of provider", figures.by_type),
            "body": _rows_csv("Awarding Body", figures.by_body),
            "destinations": _destinations_csv(destinations),
        }
        return _export(
            request,
            "analytics",
            tables,
            f"national-figures-{year_label(year).replace('/', '-')}",
            year=year,
            filters=_filter_words(filters, bodies),
        )
    query = _filter_query(year, filters)
    return render(
        request,
        "national/analytics.html",
        {
            "a": figures,
            "form": form,
            "year": year,
            "year_label": year_label(year),
            "chart": chart,
            "min_providers": rules.MIN_PROVIDERS,
            "filters": filters,
            "filter_words": _filter_words(filters, bodies),
            "query": query,
            "destinations": destinations,
            # Drill-downs: a row of a table narrows the figures to it; a benchmark splits by
            # each dimension not already chosen.
            "splits": [
                (by, words)
                for by, words in (("region", "region"), ("provider_type", "type"), ("body", "Awarding Body"))
                if getattr(filters, by) is None
            ],
        },
    )


@require_role(Role.CONSORTIUM_ADMIN)
def analytics_drill(request: AuthenticatedRequest) -> HttpResponse:
    """One national figure split into the (aggregate) rows behind it."""
    form, year, filters, bodies, all_cubes = _figures_form(request, DrillDownForm)
    if request.GET.get("format") == "csv" and form.is_bound and not form.is_valid():
        return _bad_filters(form)
    if not form.is_valid():
        return render(request, "national/analytics_drill.html", {"form": form, "drill": None}, status=400)
    by, benchmark = form.cleaned_data["by"], form.cleaned_data["benchmark"]
    drill = queries.drill_down(year, filters, by, benchmark, bodies=bodies, all_cubes=all_cubes)
    by_words = dict(form.fields["by"].choices)[by]  # type: ignore[attr-defined]
    if request.GET.get("format") == "csv":
        header, rows = _rows_csv(str(by_words), [*drill.rows, drill.total])
        if benchmark:
            header.append(f"Benchmark {benchmark} fully achieved (%)")
            for row, fig in zip(rows, [*drill.benchmark_rows, drill.benchmark_total], strict=True):
                row.append(_csv_figure(fig, "percent"))
        return _export(
            request,
            "analytics_drill",
            {"rows": (header, rows)},
            f"national-figures-{year_label(year).replace('/', '-')}-by-{by}",
            year=year,
            by=by,
            benchmark=benchmark,
            filters=_filter_words(filters, bodies),
        )
    return render(
        request,
        "national/analytics_drill.html",
        {
            "form": form,
            "drill": drill,
            # Each row, the benchmark's share in it (if asked for) and the query of the national
            # figures narrowed to it (none for a row that is not a filter).
            "rows": [
                (
                    r,
                    drill.benchmark_rows[i] if benchmark else None,
                    _filter_query(year, replace(filters, **{by: r.key}))
                    if by != "holder" and r.key is not None
                    else "",
                )
                for i, r in enumerate(drill.rows)
            ],
            "year": year,
            "year_label": year_label(year),
            "by": by,
            "by_words": by_words,
            "benchmark": benchmark,
            "filter_words": _filter_words(filters, bodies),
            "query": _filter_query(year, filters, by=by, benchmark=benchmark or ""),
            "back_query": _filter_query(year, filters),
            "min_providers": rules.MIN_PROVIDERS,
        },
    )


CONSISTENCY_OUTCOMES = [("1", "Outcome 1"), ("2a", "2a: making good progress"), ("2b", "2b: fully meeting")]
CONSISTENCY_JUDGMENTS = [
    ("insufficient", "Insufficient progress"),
    ("good_progress", "Good progress"),
    ("fully_meeting", "Fully meeting"),
]


def _count_share_cells(cells: Iterable[tuple[int, rules.Figure]]) -> list[Any]:
    return [value for count, share in cells for value in (count, _csv_figure(share, "percent"))]


@require_role(Role.CONSORTIUM_ADMIN)
def consistency(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    bodies = queries.consistency(year)
    if request.GET.get("format") == "csv":
        tables = {
            "outcomes": (
                [
                    "Awarding Body",
                    "Assessments",
                    *[f"{label} ({w})" for _, label in CONSISTENCY_OUTCOMES for w in ("number", "%")],
                ],
                [[b.body, b.assessments, *_count_share_cells(b.outcome_cells)] for b in bodies],
            ),
            "judgments": (
                ["Awarding Body", *[f"{label} ({w})" for _, label in CONSISTENCY_JUDGMENTS for w in ("number", "%")]],
                [[b.body, *_count_share_cells(b.judgment_cells)] for b in bodies],
            ),
            "sections": (
                ["Awarding Body", *[f"Section {n} fully meeting (%)" for n in range(1, 9)]],
                [[b.body, *[_csv_figure(f, "percent") for f in b.sections_fully]] for b in bodies],
            ),
            "figures": (
                [
                    "Awarding Body",
                    "Latest outcome",
                    "Providers",
                    "Average benchmarks fully achieved (of 8)",
                    "Achieving all eight (%)",
                ],
                [
                    [b.body, r.label, r.providers, _csv_figure(r.average), _csv_figure(r.all_eight, "percent")]
                    for b in bodies
                    for r in b.figure_rows
                ],
            ),
        }
        return _export(request, "consistency", tables, f"consistency-{year_label(year).replace('/', '-')}", year=year)
    return render(
        request,
        "national/consistency.html",
        {
            "bodies": bodies,
            "year": year,
            "year_label": year_label(year),
            "outcomes": CONSISTENCY_OUTCOMES,
            "judgments": CONSISTENCY_JUDGMENTS,
            "sections": range(1, 9),
            "years": [(y, year_label(y)) for y in range(academic_year_of(timezone.localdate()), year - 6, -1)],
            "min_providers": rules.MIN_PROVIDERS,
        },
    )


@require_role(Role.CONSORTIUM_ADMIN)
def endorsement_queue(request: HttpRequest) -> HttpResponse:
    awards = PrimaryAward.objects.select_related("awarding_body").order_by("status", "awarding_body__name")
    return render(request, "national/endorsement_queue.html", {"awards": list(awards)})


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def endorsement_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = get_primary_award_for(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_endorsement(
                award=award,
                endorse=form.cleaned_data["decision"] == "endorse",
                reasons=form.cleaned_data["reasons"],
                today=timezone.localdate(),
                actor=request.user,
            )
        except actions.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{award.name}: {award.status_enum.label.lower()}.")
            return redirect("national:endorsement_queue")
    return render(request, "national/endorsement_decide.html", _award_context(award) | {"form": form})


# --- Primary awards, by their Awarding Body ------------------------------------------------------------


def _award_context(award: PrimaryAward) -> dict[str, object]:
    answers = {a.criterion_id: a for a in EndorsementAnswer.objects.filter(award=award)}
    criteria = list(EndorsementCriterion.objects.all())
    workbooks = list(PrimaryWorkbook.objects.filter(award=award).select_related("provider").order_by("provider__name"))
    tasks = list(award.tasks.all())
    mapped: dict[int, set[str]] = {}
    for workbook_id, code in TaskMapping.objects.filter(workbook__award=award).values_list("workbook_id", "task__code"):
        mapped.setdefault(workbook_id, set()).add(code)
    progress = [
        (w, rules.workbook_progress([(t.code, t.get_stage_display()) for t in tasks], mapped.get(w.pk, set())))
        for w in workbooks
    ]
    return {
        "award": award,
        "rows": [(c, answers.get(c.pk)) for c in criteria],
        "tasks": tasks,
        "progress": progress,
        "task_count": len(tasks),
        "mapped_counts": {w.pk: len(mapped.get(w.pk, set())) for w in workbooks},
    }


@require_role(Role.AWARDING_BODY_ADMIN, Role.ASSESSOR)
def primary_award_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None
    awards = PrimaryAward.objects.filter(awarding_body_id=membership.awarding_body_id)
    return render(
        request,
        "national/primary_award_list.html",
        {"awards": list(awards), "can_manage": membership.role == Role.AWARDING_BODY_ADMIN},
    )


@require_role(Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def primary_award_form(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None or membership.awarding_body_id is None:
        raise PermissionDenied("Only an Awarding Body's admins register its awards.")
    award = (
        get_primary_award_for(request.user, pk, manage=True)
        if pk
        else PrimaryAward(awarding_body_id=membership.awarding_body_id)
    )
    name = award.name  # the heading's name, before the form sets the posted one on the award
    initial = {"seen": stale.seen_value(award, actions.PRIMARY_AWARD_FIELDS)} if pk else {}
    form = PrimaryAwardForm(request.POST or None, instance=award, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            PrimaryAward.objects.filter(awarding_body_id=award.awarding_body_id, name=form.cleaned_data["name"])
            .exclude(pk=award.pk)
            .exists()
        ):
            form.add_error("name", "Your body already has an award with this name")
        else:
            try:
                saved = actions.save_primary_award(
                    award=form.save(commit=False), actor=request.user, seen=form.cleaned_data["seen"]
                )
            except stale.StaleEdit as exc:
                stale.refuse(form, exc, "award")
            else:
                messages.success(request, f"{saved.name} has been saved.")
                return redirect("national:primary_award_detail", pk=saved.pk)
    return render(
        request, "national/primary_award_form.html", {"form": form, "award": award if pk else None, "name": name}
    )


@require_role(Role.AWARDING_BODY_ADMIN, Role.ASSESSOR, Role.CONSORTIUM_ADMIN)
def primary_award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_primary_award_for(request.user, pk)
    membership = membership_of(request.user)
    can_manage = membership is not None and membership.role == Role.AWARDING_BODY_ADMIN
    return render(
        request,
        "national/primary_award_detail.html",
        _award_context(award) | {"can_manage": can_manage, "task_form": TaskForm()},
    )


@require_role(Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def endorsement_answers(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = get_primary_award_for(request.user, pk, manage=True)
    if award.status_enum not in (rules.EndorsementStatus.DRAFT, rules.EndorsementStatus.RETURNED):
        messages.info(request, f"{award.name} is {award.status_enum.label.lower()}: its answers cannot change now.")
        return redirect("national:primary_award_detail", pk=award.pk)
    criteria = list(EndorsementCriterion.objects.all())
    answers = {a.criterion_id: a for a in EndorsementAnswer.objects.filter(award=award)}
    bound = request.POST if request.method == "POST" else None
    seen_form = stale.SeenForm(bound, initial={"seen": stale.sign(actions.endorsement_snapshot(criteria, answers))})
    forms = [
        (
            c,
            EndorsementAnswerForm(
                bound,
                prefix=c.code,
                initial={"answer": answers[c.pk].answer, "evidence_url": answers[c.pk].evidence_url}
                if c.pk in answers
                else None,
            ),
        )
        for c in criteria
    ]
    error = ""
    if request.method == "POST" and all(f.is_valid() for _, f in forms):
        # A snapshot too long to be ours is treated as one we did not sign: refused, without details.
        seen = seen_form.cleaned_data["seen"] if seen_form.is_valid() else "not ours"
        try:
            # The answers save together or not at all; applying is a separate step after them.
            saved = actions.save_endorsement_answers(
                award=award,
                answers=[(c, f.cleaned_data["answer"], f.cleaned_data["evidence_url"]) for c, f in forms],
                seen=seen,
                actor=request.user,
            )
        except stale.StaleEdit as exc:
            changed = stale.refuse_page([f for _, f in forms], exc)
            stale.set_posted(seen_form, "seen", exc.seen)
            error = stale.page_refusal("this award's answers", [str(c) for c, f in forms if f in changed])
        except actions.StepRefused as exc:
            error = str(exc)
        else:
            if "apply" not in request.POST:
                if saved:
                    messages.success(request, "Your answers have been saved.")
                else:
                    messages.info(request, "Nothing was saved: no criterion has an answer yet.")
                return redirect("national:primary_award_detail", pk=award.pk)
            try:
                actions.apply_for_endorsement(award=award, actor=request.user)
            except actions.StepRefused as exc:
                error = f"Your answers have been saved, but you cannot apply yet. {exc}"
            else:
                messages.success(request, "Your application for National Endorsement has gone to the Consortium.")
                return redirect("national:primary_award_detail", pk=award.pk)
    return render(
        request,
        "national/endorsement_answers.html",
        {"award": award, "forms": forms, "seen_form": seen_form, "error": error},
    )


@require_role(Role.AWARDING_BODY_ADMIN)
@require_POST
def task_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    award = get_primary_award_for(request.user, pk, manage=True)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            actions.add_task(award=award, actor=request.user, **form.cleaned_data)
        except actions.StepRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Task {form.cleaned_data['code']} has been added.")
        return redirect("national:primary_award_detail", pk=award.pk)
    return render(
        request,
        "national/primary_award_detail.html",
        _award_context(award) | {"can_manage": True, "task_form": form},
        status=400,
    )


# --- A primary school's workbook -------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def workbook(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_ACCREDITATION)
    can_edit = Capability.PREPARE_ACCREDITATION in capabilities(request.user)
    book = PrimaryWorkbook.objects.filter(provider=provider).select_related("award__awarding_body").first()
    available = PrimaryAward.objects.filter(awarding_body_id=provider.awarding_body_id or 0).exclude(
        status=rules.EndorsementStatus.DRAFT.value
    )
    if book is None:
        form = StartWorkbookForm(request.POST or None, awards=available)
        if request.method == "POST":
            if not can_edit:
                raise PermissionDenied("Only the careers leader starts the workbook.")
            if form.is_valid():
                try:
                    actions.start_workbook(
                        provider=provider,
                        award=form.cleaned_data["award"],
                        today=timezone.localdate(),
                        actor=request.user,
                    )
                except actions.StepRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    return redirect("national:primary_workbook", urn=urn)
        return render(
            request,
            "national/workbook_start.html",
            {"provider": provider, "form": form, "can_edit": can_edit, "available": list(available)},
        )
    tasks = book.award.tasks.all()
    mapping_form = MappingForm(tasks=tasks, prefix="map")
    action_form = ActionForm(tasks=tasks, prefix="act")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only the careers leader changes the workbook.")
        if "map-task" in request.POST:
            mapping_form = MappingForm(request.POST, tasks=tasks, prefix="map")
            if mapping_form.is_valid():
                actions.map_activity(workbook=book, actor=request.user, **mapping_form.cleaned_data)
                messages.success(request, "The activity has been mapped to the task.")
                return redirect("national:primary_workbook", urn=urn)
        else:
            action_form = ActionForm(request.POST, tasks=tasks, prefix="act")
            if action_form.is_valid():
                actions.add_action(workbook=book, actor=request.user, **action_form.cleaned_data)
                messages.success(request, "The action has been added to your plan.")
                return redirect("national:primary_workbook", urn=urn)
    task_list = list(tasks)
    mappings = list(book.mappings.select_related("task"))
    by_task: dict[int, list[TaskMapping]] = {}
    for m in mappings:
        by_task.setdefault(m.task_id, []).append(m)
    progress = rules.workbook_progress(
        [(t.code, t.get_stage_display()) for t in task_list], [m.task.code for m in mappings]
    )
    return render(
        request,
        "national/workbook.html",
        {
            "provider": provider,
            "book": book,
            "rows": [(t, by_task.get(t.pk, [])) for t in task_list],
            "gaps": [t for t in task_list if t.pk not in by_task],
            "progress": progress,
            "actions": list(book.actions.select_related("task")),
            "mapping_form": mapping_form,
            "action_form": action_form,
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
    )


@require_role()
@require_POST
def mapping_remove(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.PREPARE_ACCREDITATION)
    mapping = get_object_or_404(TaskMapping, pk=pk, workbook__provider=provider)
    actions.remove_mapping(mapping=mapping, actor=request.user)
    messages.success(request, "The mapping has been removed.")
    return redirect("national:primary_workbook", urn=urn)


@require_role()
@require_POST
def action_toggle(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.PREPARE_ACCREDITATION)
    item = get_object_or_404(ActionPlanItem, pk=pk, workbook__provider=provider)
    # The button posts the state it asks for; a page drawn before it did posts nothing and flips.
    done = {"1": True, "0": False}.get(request.POST.get("done", ""), not item.done)
    if not actions.set_action_done(item=item, done=done, actor=request.user):
        state = "marked as done" if done else "reopened"
        messages.info(request, f"Someone else had already {state} “{item.action}”: nothing was changed.")
    return redirect("national:primary_workbook", urn=urn)
