"""Reading a provider's learners and evidence as plain domain data, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Sum, Value

from qic.domain import benchmarks as bm
from qic.domain import rulesets
from qic.domain.academic import academic_year_of, year_end, year_start
from qic.domain.names import search_terms
from qic.frameworks.models import Edition, Section
from qic.learners.models import Learner, named
from qic.organisations.models import Provider
from qic.programme.models import Activity, ClassList, Interview, LearnerTally, Participation, ProgrammeAnswer
from qic.programme.tallies import counts_for_learner, own_area

PROGRAMME_BENCHMARKS = (1, 3)
CATEGORIES = {c.value: c for c in bm.Category}


def rule_set_for_year(year: int) -> bm.RuleSet:
    """The benchmark rule set for an academic year, with this installation's settings."""
    return rulesets.rule_set_for_year(year, rule_options())


def rule_options() -> rulesets.RuleOptions:
    return rulesets.RuleOptions(workplace_experiences_by_16=settings.QIC_BM6_EXPERIENCES_BY_16)


def phase_of(provider: Provider) -> bm.Phase:
    return bm.Phase.COLLEGE if provider.is_college else bm.Phase.SCHOOL


def learners_for_year(provider: Provider, year: int) -> list[Learner]:
    """Learners who may have been on roll at some point in the academic year (one query)."""
    return list(
        Learner.objects.filter(provider=provider)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=year_end(year)))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=year_start(year)))
        .order_by("surname", "forename", "pk")
    )


def as_domain(learner: Learner, year: int) -> bm.Learner:
    end = learner.programme_end
    return bm.Learner(
        id=learner.pk,
        study_programme=learner.study_programme,
        date_of_birth=learner.date_of_birth,
        year_group=learner.year_group_in(year),
        groups=learner.groups(),
        joined_on=learner.joined_on,
        left_on=learner.left_on,
        considering_higher_education=learner.considering_higher_education,
        curriculum_area=learner.curriculum_area,
        programme_end_year=academic_year_of(end) if end else None,
        name=learner.name,
    )


def raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Run a values_list queryset's SQL directly, without Django's per-row machinery.

    The figures read thousands of rows on every dashboard view, and building them through the
    ORM's result iterators costs more than the query itself.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


DOMAIN_FIELDS = (
    "pk",
    "date_of_birth",
    "year_group",
    "year_group_recorded_in",
    "pupil_premium",
    "free_school_meals",
    "sen_support",
    "ehc_plan",
    "looked_after",
    "young_carer",
    "sex",
    "joined_on",
    "left_on",
    "considering_higher_education",
    "curriculum_area",
    "programme_end",
    "study_programme",
)


def domain_learners_on_roll(provider: Provider, year: int, measure_date: dt.date) -> list[bm.Learner]:
    """The learners on roll on the measure date, as plain domain data (one narrow query)."""
    rows = raw_rows(
        Learner.objects.filter(provider=provider)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=measure_date))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=measure_date))
        .order_by()  # no sort: lists of names are ordered where they are shown
        .values_list(*DOMAIN_FIELDS)
    )
    learners: list[bm.Learner] = []
    append = learners.append
    # Most learners share one of a few combinations of flags: build each group set once. Both
    # backends hand back date columns as dates (Django registers SQLite's converter).
    group_sets: dict[tuple[Any, ...], frozenset[bm.Group]] = {}
    for (
        pk,
        dob,
        year_group,
        recorded_in,
        pp,
        fsm,
        sen,
        ehc,
        lac,
        carer,
        sex,
        joined,
        left,
        he,
        area,
        end,
        programme,
    ) in rows:
        key = (pp or fsm, sen, ehc, lac, carer, sex)
        groups = group_sets.get(key)
        if groups is None:
            groups = group_sets[key] = bm.groups_from_flags(
                disadvantaged=bool(key[0]),
                sen_support=bool(sen),
                ehc_plan=bool(ehc),
                looked_after=bool(lac),
                young_carer=bool(carer),
                sex=sex,
            )
        append(
            bm.Learner(
                pk,
                dob,
                None if year_group is None or recorded_in is None else year_group + year - recorded_in,
                groups,
                joined,
                left,
                bool(he),
                area,
                None if end is None else academic_year_of(end),
                programme,
            )
        )
    return learners


def evidence_up_to(
    provider: Provider,
    year: int,
    learner_id: int | None = None,
    *,
    categories: set[bm.Category] | None = None,
    from_year: int | None = None,
    as_of: dt.date | None = None,
) -> Mapping[int, bm.Evidence]:
    """Each learner's tallies by (category, academic year), for years up to `year` (one query;
    two with `as_of`).

    Reads the stored `LearnerTally` rows, which hold exactly what
    `qic.domain.benchmarks.summarise` gives over the dated participations (a test holds the two
    together). `categories` and `from_year` narrow the read when only some measures are wanted.
    `as_of`: the evidence as it stood on that day, as `summarise(..., as_of=)` defines it — the
    tallies are by academic year only, so one more grouped query takes away what is dated later
    (an activity recorded ahead of its date, or last year's evidence after "this day last year").
    Nothing has to run when the day arrives: the same read simply finds nothing to take away. The
    extra query is made only while `year` is in progress on `as_of` (before its 31 August).
    """
    tallies = LearnerTally.objects.filter(provider=provider, academic_year__lte=year)
    if from_year is not None:
        tallies = tallies.filter(academic_year__gte=from_year)
    if categories is not None:
        tallies = tallies.filter(category__in=[c.value for c in categories])
    if learner_id is not None:
        tallies = tallies.filter(learner_id=learner_id)
    result: dict[int, dict[tuple[bm.Category, int], bm.Tally]] = {}
    # Tallies and keys repeat across learners (most have one or two of anything): build each once.
    made: dict[tuple[int, int], bm.Tally] = {}
    keys: dict[tuple[str, int], tuple[bm.Category, int]] = {}
    for who, category, tally_year, count, in_area in raw_rows(
        tallies.order_by().values_list("learner_id", "category", "academic_year", "count", "in_curriculum_area")
    ):
        key = keys.get((category, tally_year))
        if key is None:
            key = keys[(category, tally_year)] = (CATEGORIES[category], tally_year)
        tally = made.get((count, in_area))
        if tally is None:
            tally = made[(count, in_area)] = bm.Tally(count, in_area)
        found = result.get(who)
        if found is None:
            result[who] = {key: tally}
        else:
            found[key] = tally
    # Tallies are by academic year, and an activity's or interview's year is the one its date is
    # in: when `as_of` is on or after the end of `year`, nothing read here is dated after it (a
    # finished year, measured on 31 August), so there is nothing to take away and no query to make.
    if as_of is not None and as_of < year_end(year):
        for who, category, tally_year, count, in_area in _evidence_after(
            provider, year, as_of, learner_id=learner_id, categories=categories, from_year=from_year
        ):
            found = result.get(who)
            key = (CATEGORIES[category], tally_year)
            stored = found.get(key) if found is not None else None
            if found is None or stored is None:
                continue  # cannot happen while the tallies are in step; nothing to take away
            left = bm.Tally(stored.count - count, stored.in_curriculum_area - (in_area or 0))
            if left.count > 0:
                found[key] = left
            else:
                del found[key]
                if not found:
                    del result[who]
    return result


def _evidence_after(
    provider: Provider,
    year: int,
    as_of: dt.date,
    *,
    learner_id: int | None,
    categories: set[bm.Category] | None,
    from_year: int | None,
) -> list[tuple[Any, ...]]:
    """The part of the stored tallies dated after `as_of`: attended participations and interviews,
    grouped as the tallies are, in one query (a UNION of the two GROUP BYs)."""
    # Something dated after `as_of` is in its academic year or later: bounding the years as well as
    # the date lets the read start from the few activities of those years (index on provider and
    # year) rather than from every participation, and for a finished year it finds nothing at once.
    first = academic_year_of(as_of) if from_year is None else max(academic_year_of(as_of), from_year)
    later = Activity.objects.filter(
        provider=provider, academic_year__gte=first, academic_year__lte=year, date__gt=as_of
    ).values("pk")
    # One filter() call, so that the category condition and the category read share one join.
    wanted: dict[str, Any] = {"attended": True, "activity_id__in": later}
    if categories is None:
        wanted["activity__category_rows__isnull"] = False
    else:
        wanted["activity__category_rows__category__in"] = [c.value for c in categories]
    if learner_id is not None:
        wanted["learner_id"] = learner_id
    participations = Participation.objects.filter(counts_for_learner(), **wanted)
    interviews = Interview.objects.filter(
        provider=provider, academic_year__gte=first, academic_year__lte=year, date__gt=as_of
    )
    if learner_id is not None:
        interviews = interviews.filter(learner_id=learner_id)
    if categories is not None and bm.Category.INTERVIEW not in categories:
        interviews = interviews.none()
    grouped_participations = (
        participations.values_list("learner_id", "activity__category_rows__category", "activity__academic_year")
        .annotate(n=Count("id"), in_area=Sum(own_area()))
        .order_by()
    )
    grouped_interviews = (
        interviews.annotate(kind=Value(bm.Category.INTERVIEW.value, output_field=CharField()))
        .values_list("learner_id", "kind", "academic_year")
        .annotate(n=Count("id"), in_area=Value(0, output_field=IntegerField()))
        .order_by()
    )
    return raw_rows(grouped_participations.union(grouped_interviews, all=True))


def programme_indicator_counts(edition: Edition | None, phase: bm.Phase) -> dict[int, int]:
    """How many programme-level indicators Benchmarks 1 and 3 have in the edition (one query)."""
    if edition is None:
        return dict.fromkeys(PROGRAMME_BENCHMARKS, 0)
    sections = Section.objects.filter(edition=edition, number__in=PROGRAMME_BENCHMARKS)
    return {s.number: len(s.college_indicators if phase == bm.Phase.COLLEGE else s.school_indicators) for s in sections}


def figures_for(
    provider: Provider,
    year: int,
    *,
    today: dt.date,
    edition: Edition | None,
    evidence: Mapping[int, bm.Evidence] | None = None,
) -> bm.ProviderFigures:
    """All eight benchmarks for the provider in the year, from learner-level evidence, as they
    stood on the measure date (the end of the year, or `today` while it is in progress; five
    queries). `evidence`, when given, is the evidence as it stood on the measure date, read
    already (see `dashboard_figures`)."""
    phase = phase_of(provider)
    measure_date = bm.measure_date_for(year, today)
    learners = domain_learners_on_roll(provider, year, measure_date)
    if evidence is None:
        # Evidence as it stood on the measure date: an activity dated later counts from its own day.
        evidence = evidence_up_to(provider, year, as_of=measure_date)
    answers = [
        bm.ProgrammeAnswer(a.benchmark, a.indicator, a.achieved)
        for a in ProgrammeAnswer.objects.filter(provider=provider, academic_year=year)
    ]
    return bm.provider_figures(
        rule_set=rule_set_for_year(year),
        phase=phase,
        year=year,
        today=today,
        learners=learners,
        evidence=evidence,
        programme_indicators=programme_indicator_counts(edition, phase),
        answers=answers,
    )


def work_experience_hours(provider: Provider, measure_date: dt.date) -> dict[int, dict[int, Decimal]]:
    """Each learner's hours of attended, meaningful workplace experience dated up to the measure
    date, by academic year: one grouped query, summed in SQL (mirrors `work_experience.counts`)."""
    rows = (
        Participation.objects.filter(
            activity__provider=provider,
            attended=True,
            activity__date__lte=measure_date,
            activity__hours__gt=0,
            activity__category_rows__category=bm.Category.WORKPLACE.value,
        )
        .order_by()
        .values_list("learner_id", "activity__academic_year")
        .annotate(total=Sum("activity__hours"))
    )
    result: dict[int, dict[int, Decimal]] = {}
    for learner_id, year, total in rows:
        result.setdefault(learner_id, {})[year] = Decimal(total)
    return result


def previous_figures(
    provider: Provider,
    figures: bm.ProviderFigures,
    *,
    edition: Edition | None,
    evidence: Mapping[int, bm.Evidence] | None = None,
) -> bm.ProviderFigures:
    """The year before, as it stood a year before `figures` was measured: a year in progress is
    compared with last year at the same date (29 February with 28 February), a finished year
    with the whole of the year before. Learners on roll and evidence are both read as of that day.
    """
    return figures_for(
        provider,
        figures.year - 1,
        today=bm.same_day_a_year_before(figures.measure_date),
        edition=edition,
        evidence=evidence,
    )


def dashboard_figures(
    provider: Provider, year: int, *, today: dt.date, edition: Edition | None, previous_edition: Edition | None
) -> tuple[bm.ProviderFigures, bm.ProviderFigures]:
    """A year's figures and the year before's, as the dashboard compares them.

    For a finished year both are read on their 31 August, where nothing is dated later, so one
    evidence read serves both: a measure of a year reads no evidence of a later year (a property
    test in tests/domain holds every rule set to that). A year in progress is compared with last
    year as of the same day, which needs its own read.
    """
    measure_date = bm.measure_date_for(year, today)
    if measure_date == year_end(year):
        evidence = evidence_up_to(provider, year)
        figures = figures_for(provider, year, today=today, edition=edition, evidence=evidence)
        return figures, previous_figures(provider, figures, edition=previous_edition, evidence=evidence)
    figures = figures_for(provider, year, today=today, edition=edition)
    return figures, previous_figures(provider, figures, edition=previous_edition)


# --- Taking a register -------------------------------------------------------------------------

# The most learners a register page lists to mark absences among: a whole year group of the
# biggest schools fits; a whole school does not (it would be a page of thousands of boxes).
REGISTER_CHOICE_LIMIT = 500


def year_group_in(year: int) -> Any:
    """A learner's year group in academic `year`, in SQL: the same roll-forward as
    `Learner.year_group_in` (see `qic.domain.academic`)."""
    return F("year_group") + (Value(year) - F("year_group_recorded_in"))


def year_group_counts(learners: QuerySet[Learner], year: int) -> dict[int, int]:
    """How many of the learners are in each year group in academic `year` (one query)."""
    rows = (
        learners.annotate(year_group_then=year_group_in(year))
        .filter(year_group_then__isnull=False)
        .order_by()
        .values_list("year_group_then")
        .annotate(n=Count("pk"))
    )
    return {int(year_group): n for year_group, n in rows}


def form_groups(learners: QuerySet[Learner]) -> list[str]:
    """The learners' registration (form) groups, each once (one query)."""
    return list(
        learners.exclude(registration_group="").order_by().values_list("registration_group", flat=True).distinct()
    )


def matching_name(learners: QuerySet[Learner], text: str) -> QuerySet[Learner]:
    """The learners named by `text` (`learners.models.named`, as the learner list searches); text
    with no words leaves the choice as it is."""
    return learners.filter(named(text)) if search_terms(text) else learners


@dataclass(frozen=True)
class ClassListSummary:
    pk: int
    name: str
    on_roll: int  # its learners on roll: those a register lists
    left: int  # its learners who have left: never listed
    created_at: dt.datetime


def class_list_choices(provider: Provider) -> list[ClassListSummary]:
    """The provider's class lists by name, with how many of their learners are on roll and how
    many have left (one query)."""
    rows = (
        ClassList.objects.filter(provider=provider)
        .annotate(
            on_roll=Count("learners", filter=Q(learners__left_on=None)),
            left=Count("learners", filter=Q(learners__left_on__isnull=False)),
        )
        .order_by("name", "pk")  # Meta.ordering is not applied to a grouped query
        .values_list("pk", "name", "on_roll", "left", "created_at")
    )
    return [ClassListSummary(*row) for row in rows]


def register_choice(
    learners: QuerySet[Learner],
    *,
    year: int,
    year_group: int | None,
    form_group: str,
    name: str,
    class_list: int | None = None,
) -> list[Learner]:
    """The learners a register is taken for, by surname (one query); at most
    REGISTER_CHOICE_LIMIT + 1, so that the caller can tell that there are too many.
    `class_list` is the id of one of the provider's class lists (the caller offers only those)."""
    chosen = learners
    if class_list is not None:
        chosen = chosen.filter(class_lists=class_list)
    if year_group is not None:
        chosen = chosen.alias(year_group_then=year_group_in(year)).filter(year_group_then=year_group)
    if form_group:
        chosen = chosen.filter(registration_group__iexact=form_group)
    if name:
        chosen = matching_name(chosen, name)
    return list(chosen.order_by("surname", "forename", "pk")[: REGISTER_CHOICE_LIMIT + 1])
