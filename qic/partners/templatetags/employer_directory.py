"""Template tags the programme's pages use to show directory data without importing it:
`{% load employer_directory %}{% activity_employers_row activity provider can_record %}` draws
the "Employers" row of an activity's summary list (qic.programme may not import qic.partners)."""

from __future__ import annotations

from typing import Any

from django import template

from qic.organisations.models import Provider
from qic.partners.models import Employer
from qic.programme.models import Activity

register = template.Library()


@register.inclusion_tag("partners/_activity_employers_row.html")
def activity_employers_row(activity: Activity, provider: Provider, can_record: bool) -> dict[str, Any]:
    """The employers linked to the activity (removed ones too, named without a link), one query."""
    employers = list(
        Employer.all_objects.filter(activity_rows__activity=activity).select_related("provider").order_by("name", "pk")
    )
    for employer in employers:
        employer.linkable = employer.removed_at is None and (
            employer.provider_id == provider.pk
            or (
                employer.shared_with_trust
                and bool(provider.trust_code)
                and employer.provider.trust_code == provider.trust_code
            )
        )
    return {"employers": employers, "provider": provider, "activity": activity, "can_record": can_record}
