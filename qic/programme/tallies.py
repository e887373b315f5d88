"""Keeping `LearnerTally` in step with participations and interviews.

`compute` is the definition (one GROUP BY over the source rows); `refresh` replaces the stored
tallies of the given learners with freshly computed ones. Every action that could change a
learner's evidence calls `refresh` for the learners it touched, in its own transaction, so the
figures are live the moment a register is saved. A change of a learner's curriculum area, made
in the learners app below, arrives through `qic.learners.signals.curriculum_areas_changed`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When

from qic.domain import benchmarks as bm
from qic.learners.models import Learner
from qic.programme.models import Interview, LearnerTally, Participation, Reflection

BATCH = 500


def own_area() -> Case:
    """1 for a participation through the learner's own (non-empty) curriculum area, else 0."""
    return Case(
        When(~Q(activity__curriculum_area="") & Q(activity__curriculum_area=F("learner__curriculum_area")), then=1),
        default=Value(0),
        output_field=IntegerField(),
    )


def counts_for_learner() -> Q:
    """The SQL of `qic.domain.benchmarks.counts_for_learner`, for a participation query: the
    activity does not need the learner's own reflection, or a reflection of theirs stands.

    The EXISTS probes the (activity, learner) unique index of Reflection, once per attended row
    of an activity that needs one; other rows stop at the activity's flag."""
    standing = Reflection.objects.filter(
        activity_id=OuterRef("activity_id"), learner_id=OuterRef("learner_id"), hidden_at=None
    )
    return Q(activity__needs_own_reflection=False) | Q(Exists(standing))


def compute(
    learner_ids: list[int], *, year: int | None = None, categories: Collection[str] | None = None
) -> dict[int, dict[tuple[bm.Category, int], bm.Tally]]:
    """Tallies by (category, academic year) for these learners, from participations and interviews.

    With `year` and `categories`, only the tallies of that year and those activity categories.
    """
    result: dict[int, dict[tuple[bm.Category, int], bm.Tally]] = defaultdict(dict)
    scope = Q()
    if year is not None and categories is not None:
        scope = Q(activity__academic_year=year, activity__category_rows__category__in=list(categories))
    for start in range(0, len(learner_ids), BATCH):
        batch = learner_ids[start : start + BATCH]
        rows = (
            Participation.objects.filter(scope, counts_for_learner(), attended=True, learner_id__in=batch)
            .values_list("learner_id", "activity__category_rows__category", "activity__academic_year")
            .annotate(n=Count("id"), in_area=Sum(own_area()))
            .order_by()
        )
        for who, category, in_year, n, in_area in rows:
            # An activity that is evidence of nothing (not meaningful) has no category row.
            if category is not None:
                result[who][(bm.Category(category), in_year)] = bm.Tally(n, in_area or 0)
        if categories is not None:
            continue  # interviews are not activities: an activity's register never changes them
        interviews = (
            Interview.objects.filter(learner_id__in=batch)
            .values_list("learner_id", "academic_year")
            .annotate(n=Count("id"))
            .order_by()
        )
        for who, interview_year, n in interviews:
            result[who][(bm.Category.INTERVIEW, interview_year)] = bm.Tally(n, 0)
    return dict(result)


def refresh(learner_ids: Iterable[int], *, year: int | None = None, categories: Collection[str] | None = None) -> None:
    """Recompute and store the tallies of these learners. Call inside the change's transaction.

    With `year` and `categories` (an activity's, when only its register changed), only those
    tallies are rewritten: a whole-school register touches a few thousand rows, not every
    tally of every learner.
    """
    ids = sorted(set(learner_ids))
    if not ids or (categories is not None and not categories):
        return
    providers = dict(Learner.objects.filter(pk__in=ids).values_list("pk", "provider_id"))
    computed = compute(ids, year=year, categories=categories)
    scope = Q()
    if year is not None and categories is not None:
        scope = Q(academic_year=year, category__in=list(categories))
    for start in range(0, len(ids), BATCH):
        LearnerTally.objects.filter(scope, learner_id__in=ids[start : start + BATCH]).delete()
    LearnerTally.objects.bulk_create(
        [
            LearnerTally(
                provider_id=providers[learner_id],
                learner_id=learner_id,
                category=category.value,
                academic_year=year,
                count=tally.count,
                in_curriculum_area=tally.in_curriculum_area,
            )
            for learner_id, tallies in computed.items()
            for (category, year), tally in tallies.items()
        ],
        batch_size=2000,
    )


def refresh_provider(provider_id: int) -> None:
    """Rebuild every tally of one provider (after bulk-generated data, or to repair)."""
    refresh(Learner.objects.filter(provider_id=provider_id).values_list("pk", flat=True))
