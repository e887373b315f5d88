"""Walk the URLs of the access table, each in its own savepoint.

Each row's kwargs builder creates the objects its URL needs (a learner, an accreditation round
at some stage…). Some builders cannot run twice on the same data (p1 may have only one open
round), so each URL's objects are rolled back before the next URL is built.

Also what the walks need to know about the URLconf itself: each URL's view and parameters, and
the cast seen from tenant B (`mirror_cast`), so a builder written for tenant A builds tenant B's
objects too.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qic.organisations.models import Role
from tests.conftest import Cast
from tests.factories import assign, make_member
from tests.test_url_access import ACCESS


class _Rollback(Exception):
    pass


def walk_get_urls(
    cast: Cast,
    client: Client,
    visit: Callable[[str, str, Any], None],
    who: Callable[[str], str | None] = lambda name: "anon",
) -> None:
    """For every GET URL in ACCESS: sign in as who(name) (skip if None), GET it, and call
    visit(name, url, response) inside the URL's savepoint, so visit may make further requests."""
    for name, row in ACCESS.items():
        role = who(name)
        if row.method != "get" or role is None:
            continue
        client.logout()
        user = cast.user(role)
        if user is not None:
            client.force_login(user)
        try:
            with transaction.atomic():
                url = reverse(name, kwargs=row.kwargs(cast))
                visit(name, url, client.get(url))
                raise _Rollback
        except _Rollback:
            pass


# --- The URLconf: each named URL's view and parameters --------------------------------------------

# URL parameters that name one tenant's object (a learner, an activity, a round, a document…): a
# walk swaps them for another tenant's. Every other parameter is listed in NOT_OBJECT_PARAMS, so a
# new parameter must be sorted into one of the two (tests/test_url_tenancy.py).
OBJECT_PARAMS = frozenset(
    {
        "pk",
        "learner_pk",
        "job_id",
        "activity_id",
        "doc",
        "sign_in_pk",
        "reflection_pk",
        # Parents and carers (issue 15, parents): a learner's parent contact, a parent link.
        "contact_pk",
        "link_pk",
        # Issue 16 (recording destinations): a learner's destination.
        "destination_pk",
    }
)
NOT_OBJECT_PARAMS = frozenset(
    {
        "urn",  # the provider itself: the access walk asks for another tenant's provider
        "number",  # a criteria section or an annual review, counted within its round
        # An edition or a benchmark measure (national, not a tenant's); a one-time or sign-in code
        # (a secret, stored hashed).
        "code",
        "step",  # an accreditation step's name
        "kind",  # what kind of record is restored
        "table",  # which CSV table
        "token",  # an invitation's secret
        "uidb64",  # a password reset's user, checked with its token
    }
)


def _patterns(patterns: list[Any] | None = None, prefix: str = "", params: dict[str, Any] | None = None) -> Any:
    """(name with namespaces, pattern, {parameter: converter} including enclosing includes')."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        own = {**(params or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _patterns(pattern.url_patterns, namespace, own)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern, own


def url_patterns() -> dict[str, dict[str, Any]]:
    """Each named URL's parameters and their converters (every pattern here is a path(), not a regex)."""
    return {name: converters for name, _, converters in _patterns()}


def url_params() -> dict[str, frozenset[str]]:
    """Each named URL's parameters."""
    return {name: frozenset(converters) for name, converters in url_patterns().items()}


def takes_post(url_name: str) -> bool:
    """Whether the URL's view handles a POST: a class-based view with `post`, or a function view
    whose own source (decorators included) mentions POST. The API's operations are matched by
    method in django-ninja, so a GET operation answers a POST with 405 and is not counted."""
    view = next(pattern.callback for found, pattern, _ in _patterns() if found == url_name)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    view = inspect.unwrap(view)
    if not inspect.isfunction(view):
        return False
    return "POST" in inspect.getsource(view)


# --- The same cast, seen from tenant B -------------------------------------------------------------


def mirror_cast(cast: Cast) -> Cast:
    """The cast with tenant B (p2, ab2) in tenant A's places: `mirror.p1` is p2, `mirror.p1_staff`
    is a member of p2's staff, `mirror.assessor_assigned` an ab2 assessor assigned to p2, and so on.
    A kwargs builder given the mirror builds p2's objects as it builds p1's from the cast, and
    `mirror.user(name)` is the person of tenant B who stands where `name` stands in tenant A."""
    assessor = make_member(Role.ASSESSOR, awarding_body=cast.ab2, email="assessor.b@example.org")
    assign(assessor, cast.p2)
    return Cast(
        ab1=cast.ab2,
        ab2=cast.ab1,
        p1=cast.p2,
        p2=cast.p1,
        consortium=cast.consortium,
        ab1_admin=cast.ab2_admin,
        ab2_admin=cast.ab1_admin,
        assessor_assigned=assessor,
        assessor_unassigned=make_member(Role.ASSESSOR, awarding_body=cast.ab2, email="assessor.bu@example.org"),
        p1_leader=cast.p2_leader,
        p1_staff=make_member(Role.PROVIDER_STAFF, provider=cast.p2, email="staff2@example.org"),
        p1_governor=make_member(Role.GOVERNOR, provider=cast.p2, email="governor2@example.org"),
        p2_leader=cast.p1_leader,
    )
