"""Walk the GET URLs of the access table, each in its own savepoint.

Each row's kwargs builder creates the objects its URL needs (a learner, an accreditation round
at some stage…). Some builders cannot run twice on the same data (p1 may have only one open
round), so each URL's objects are rolled back before the next URL is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast
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
