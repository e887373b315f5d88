"""The service navigation, which depends on the user's role and on whether they have passed the
second factor (so it lives in accounts, above the access layer it asks)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from qic.accounts.middleware import is_verified
from qic.organisations.access import capabilities, membership_of
from qic.organisations.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(request.user)
    items: list[tuple[str, str]] = []
    # Password accepted but not yet the second factor: no menu, since every page in it would only
    # send them back to the code page.
    verified = membership is not None and is_verified(request.user)
    if membership is None:
        items = [
            (reverse("organisations:landing"), "About"),
            (reverse("national:register"), "Award holders"),
            (reverse("national:primary_awards_public"), "Primary awards"),
            (reverse("framework:index"), "National criteria"),
        ]
        if not request.user.is_authenticated:
            items.append((reverse("accounts:login"), "Sign in"))
    elif verified:
        items = [(reverse("dashboards:home"), "Home")]
        role = membership.role
        if role == Role.CONSORTIUM_ADMIN:
            items += [
                (reverse("organisations:awarding_body_list"), "Awarding Bodies"),
                (reverse("organisations:provider_list"), "Providers"),
                (reverse("national:bodies_overview"), "Workload"),
                (reverse("national:national_analytics"), "National figures"),
                (reverse("national:endorsement_queue"), "Endorsement"),
                (reverse("organisations:gias_import"), "GIAS import"),
                (reverse("destinations:dfe_releases"), "DfE destinations"),
            ]
        elif role in (Role.AWARDING_BODY_ADMIN, Role.ASSESSOR):
            items += [
                (
                    reverse("organisations:awarding_body_detail", args=[membership.awarding_body_id]),
                    "Our Awarding Body",
                ),
                (
                    reverse("organisations:provider_list"),
                    "Clients" if role == Role.AWARDING_BODY_ADMIN else "My providers",
                ),
                (reverse("accreditation:accreditation_dashboard"), "Accreditation"),
                (reverse("national:primary_award_list"), "Primary awards"),
            ]
        else:
            assert membership.provider is not None
            items.append((reverse("organisations:provider_detail", args=[membership.provider.urn]), "Our provider"))
        items.append((reverse("framework:index"), "National criteria"))
        if role in (Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER):
            items.append((reverse("organisations:audit_log"), "Audit log"))
    path = request.path
    home = reverse("dashboards:home")
    nav_items = [
        {"href": href, "text": text, "current": path == href or (href not in ("/", home) and path.startswith(href))}
        for href, text in items
    ]
    return {
        "caps": {c.value for c in capabilities(request.user)} if verified else set(),
        "nav": {
            "items": nav_items,
            "role_label": membership.get_role_display() if membership else "",
            "organisation": membership.organisation_name if membership else "",
        },
    }
