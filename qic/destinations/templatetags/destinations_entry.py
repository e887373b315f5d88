"""The "Destinations" row of a learner's record page, drawn without the programme importing this
app: `{% load destinations_entry %}{% learner_destinations_row learner provider %}` (as the
employer directory's row on an activity, docs/decisions.md 67.G). One query."""

from __future__ import annotations

from typing import Any

from django import template

from qic.destinations.models import Destination
from qic.domain import destinations as rules
from qic.learners.models import Learner
from qic.organisations.models import Provider

register = template.Library()


@register.inclusion_tag("destinations/entry/_learner_row.html")
def learner_destinations_row(learner: Learner, provider: Provider) -> dict[str, Any]:
    """The learner's latest intended and latest actual destination, and how many are recorded."""
    if provider.is_primary:
        return {"show": False}
    recorded = list(
        Destination.objects.filter(provider=provider, learner=learner)
        .order_by("recorded_on", "pk")
        .values_list("kind", "category", "recorded_on", "sustained", "pk")
    )
    found = [rules.Recorded(rules.Kind(k), rules.Category(c), on, s, order=pk) for k, c, on, s, pk in recorded]
    intended = rules.latest_intended(found)
    actual = max(
        (r for r in found if r.kind is rules.Kind.ACTUAL), key=lambda r: (r.recorded_on, r.order), default=None
    )
    return {
        "show": True,
        "learner": learner,
        "provider": provider,
        "count": len(found),
        "intended": intended,
        "intended_label": rules.CATEGORY_LABELS[intended.category] if intended else "",
        "actual": actual,
        "actual_label": rules.CATEGORY_LABELS[actual.category] if actual else "",
    }
