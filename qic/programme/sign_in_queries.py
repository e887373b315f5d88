"""Reads for self sign-in and reflections (the staff pages and the learner's pages)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, QuerySet

from qic.learners.models import Learner
from qic.programme.models import Activity, LearnerSignIn, Participation, Reflection, ReflectionSetting


@dataclass(frozen=True)
class ReflectionRate:
    attended: int
    reflected: int
    average_rating: float | None

    @property
    def words(self) -> str:
        if not self.attended:
            return "No learners took part yet"
        text = f"{self.reflected} of {self.attended} learner{'s' if self.attended != 1 else ''} reflected"
        if self.average_rating is not None:
            text += f"; average rating {self.average_rating:.1f}"
        return text


def reflection_rates(activity_ids: list[int]) -> dict[int, ReflectionRate]:
    """Per activity: learners who attended, how many of them have a reflection that stands, and
    their average rating. Two grouped queries, whatever the number of activities."""
    present = dict(
        Participation.objects.filter(activity_id__in=activity_ids, attended=True)
        .values_list("activity_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    took_part = Participation.objects.filter(
        activity_id=OuterRef("activity_id"), learner_id=OuterRef("learner_id"), attended=True
    )
    reflected = {
        pk: (n, avg)
        for pk, n, avg in Reflection.objects.filter(activity_id__in=activity_ids, hidden_at=None)
        .filter(Exists(took_part))
        .values_list("activity_id")
        .annotate(n=Count("id"), avg=Avg("rating"))
        .order_by()
    }
    return {
        pk: ReflectionRate(
            present.get(pk, 0),
            reflected.get(pk, (0, None))[0],
            float(reflected[pk][1]) if pk in reflected and reflected[pk][1] is not None else None,
        )
        for pk in activity_ids
    }


def reflections_of(activity: Activity) -> QuerySet[Reflection]:
    """Every reflection on the activity, hidden ones too (staff see them marked hidden)."""
    return Reflection.objects.filter(activity=activity).select_related("learner").order_by("learner__surname", "pk")


def sign_ins_of(activity: Activity) -> QuerySet[LearnerSignIn]:
    return LearnerSignIn.objects.filter(activity=activity).select_related("learner").order_by("signed_in_at", "pk")


def own_reflection(activity: Activity, learner: Learner) -> Reflection | None:
    return Reflection.objects.filter(activity=activity, learner=learner).first()


def attended_activity(learner: Learner, activity_id: int) -> Activity | None:
    """An activity the learner attended (at their own provider, not removed), else None."""
    return (
        Activity.objects.filter(
            pk=activity_id,
            provider_id=learner.provider_id,
            participations__learner=learner,
            participations__attended=True,
        )
        .distinct()
        .first()
    )


def reflection_default(provider_id: int) -> bool:
    """Whether a new activity of this provider starts as needing a learner's own reflection."""
    return bool(
        ReflectionSetting.objects.filter(provider_id=provider_id).values_list("needs_own_reflection", flat=True).first()
    )
