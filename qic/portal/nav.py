"""The menu a signed-in learner sees, in place of the staff menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from qic.organisations.access import is_learner

# (URL name, words), in the order a learner meets them.
LEARNER_MENU = (
    ("portal:home", "My careers record"),
    ("portal:activity_sign_in", "Sign in to an activity"),
    ("portal:experiences", "My experiences"),
    ("portal:passport", "My careers passport"),
)


def learner_navigation(request: HttpRequest) -> dict[str, Any]:
    """For a learner, replaces the navigation that `qic.accounts.context_processors` gave."""
    if not is_learner(request.user):
        return {}
    items = []
    for name, text in LEARNER_MENU:
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == href or (name != "portal:home" and request.path.startswith(href))
        items.append({"href": href, "text": text, "current": current})
    membership = request.user.membership  # type: ignore[union-attr]
    nav = {"items": items, "role_label": "Learner", "organisation": membership.organisation_name}
    return {"caps": set(), "nav": nav}
