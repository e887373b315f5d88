"""The access walk, continued (issue 13): the same two answers for every URL of every app.

tests/test_url_access.py says who gets what when they GET (or POST) each URL with tenant A's
objects. Two things it cannot see are walked here for every named URL, so that no view is
checked by hand (and the URLconf is checked first: each name resolves to itself, each URL
parameter is known to name a tenant's object or not, each page that takes a POST is classified):

- **A POST to a page one may see.** A role that may see a page but not send its form gets 403,
  never 404; a role refused the page is refused the POST the same way. (Two programme views
  answered 404 here.)
- **Another tenant's object under one's own URL.** Tenant B's people ask for their own provider
  (or body) with tenant A's learner, activity, round, job or document in the URL, one parameter at
  a time and all together: 404, exactly as if it did not exist, and the answer names nothing of
  tenant A. Each URL is first asked with tenant B's own objects, which must answer as tenant A's
  do for tenant A's people, so the 404s are not 404s for every object.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from qic.learners.models import Learner
from qic.programme.models import Activity, Adviser, ClassList, Interview
from tests.conftest import WALK_NAMES, Cast
from tests.test_url_access import (
    ACCEPTED,
    ACCESS,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    POSTS,
    REDIRECT,
    SAME_AS_GET,
    Row,
)
from tests.url_walk import NOT_OBJECT_PARAMS, OBJECT_PARAMS, mirror_cast, takes_post, url_params, url_patterns

METHOD_NOT_ALLOWED = 405
SUCCESS = {OK, REDIRECT, ACCEPTED}

# The people of a tenant: the roles of the cast that belong to provider p1 or its Awarding Body ab1.
# (The Consortium belongs to no tenant; the unassigned assessor stands outside p1 in tenant A.)
TENANT_ROLES = ["ab1_admin", "assessor_assigned", "p1_leader", "p1_staff", "p1_governor"]
TENANT_PARAMS = OBJECT_PARAMS | {"urn"}


def _answer(client: Client, row: Row, url: str, cast: Cast, *, method: str | None = None) -> Any:
    """The response to one request, its writes rolled back (a POST may remove what the next needs)."""
    with transaction.atomic():
        if (method or row.method) == "post":
            response = client.post(url, row.data(cast) if row.data else {})
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    return response


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return str(raw.decode("utf-8", errors="replace"))


def _status(response: Any) -> Any:
    """The status as the access table writes it: a redirect to the log-in page is LOGIN."""
    if response.status_code == REDIRECT and response["Location"].startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


# --- The table covers every URL ---------------------------------------------------------------------


def test_every_named_url_resolves_to_itself() -> None:
    """No pattern hides another: each named URL, built with sample parameters, resolves back to
    its own name (the walks below reach each view by its name, so a shadowed one would go unseen)."""
    wrong = {}
    for name, pattern in url_patterns().items():
        kwargs = {key: "7" if converter.regex == "[0-9]+" else "x" for key, converter in pattern.items()}
        found = resolve(reverse(name, kwargs=kwargs)).view_name
        if found != name:
            wrong[name] = found
    assert wrong == {}


def test_every_url_parameter_is_sorted() -> None:
    """A URL parameter either names a tenant's object (swapped by the walk below) or does not."""
    unsorted = {
        name: sorted(params - OBJECT_PARAMS - NOT_OBJECT_PARAMS)
        for name, params in url_params().items()
        if params - OBJECT_PARAMS - NOT_OBJECT_PARAMS
    }
    assert unsorted == {}, "add these parameters to OBJECT_PARAMS or NOT_OBJECT_PARAMS in tests/url_walk.py"


def test_every_page_that_takes_a_post_says_who_may_send_it() -> None:
    get_rows = {name for name, row in ACCESS.items() if row.method == "get"}
    unclassified = sorted(name for name in get_rows if takes_post(name) and name not in POSTS)
    assert unclassified == [], "say in POSTS (tests/test_url_access.py) who may send these pages' forms"
    assert sorted(POSTS.keys() - get_rows) == [], "POSTS names pages that are not GET rows of ACCESS"


def test_the_posts_walk_knows_the_post_only_views() -> None:
    """The check above can see a view's POST handling (a GET-only view really answers a POST as a
    GET or with 405, which the walk below asserts)."""
    assert takes_post("programme:programme_answers")
    assert takes_post("accounts:login")  # a class-based view
    assert not takes_post("learners:learner_list")
    assert not takes_post("api-1.0.0:provider_benchmarks")


# --- A POST to every page one may GET -----------------------------------------------------------------


def _expected_post(name: str, row: Row, who: str) -> set[Any]:
    seen = row.expected[who]
    if seen != OK:
        # Refused the page (or sent elsewhere): refused the POST the same way, or the method is not allowed.
        return {seen, METHOD_NOT_ALLOWED}
    posters = POSTS.get(name)
    if posters is None:
        return {OK, METHOD_NOT_ALLOWED}  # answered as a GET, or refused as a method
    if posters == SAME_AS_GET or who in posters:
        return {OK, REDIRECT}  # the form again (the empty POST is invalid) or done
    return {FORBIDDEN}


@pytest.mark.parametrize("who", WALK_NAMES)
def test_a_post_to_a_page_is_answered_like_the_page(who: str, walk_cast: Cast, edition: Any, client: Client) -> None:
    cast = walk_cast
    user = cast.user(who)
    if user is not None:
        client.force_login(user)
    wrong: dict[str, tuple[Any, set[Any]]] = {}
    for name, row in ACCESS.items():
        if row.method != "get":
            continue
        with transaction.atomic():
            url = reverse(name, kwargs=row.kwargs(cast))
            status = _status(_answer(client, row, url, cast, method="post"))
            expected = _expected_post(name, row, who)
            if status not in expected:
                wrong[name] = (status, expected)
            transaction.set_rollback(True)
    assert wrong == {}, f"{who} POST: {wrong}"


# --- Another tenant's object under one's own URL ------------------------------------------------------

TENANT_ROWS = sorted(name for name, params in url_params().items() if params & TENANT_PARAMS)

# Words given to tenant A's records once its URL's objects are built; tenant B's answers must not
# show them (tenant B's own records keep the builders' ordinary words).
A_LEARNER = ("Zephyrine", "Quillfeather")
A_WORDS = ["Zephyrine", "Quillfeather", "Falconry taster", "Kestrel Mews Careers", "Owl Class 9F"]


def _mark_tenant_a(cast: Cast) -> None:
    Learner._base_manager.filter(provider=cast.p1).update(forename=A_LEARNER[0], surname=A_LEARNER[1])
    Activity._base_manager.filter(provider=cast.p1).update(title="Falconry taster")
    Adviser._base_manager.filter(provider=cast.p1).update(name="Kestrel Mews Careers")
    ClassList._base_manager.filter(provider=cast.p1).update(name="Owl Class 9F")
    Interview._base_manager.filter(provider=cast.p1).update(summary="Falconry taster")


def _names_tenant_a(body: str, cast: Cast) -> list[str]:
    found = [text for text in [cast.p1.name, cast.ab1.name, *A_WORDS] if text in body]
    if re.search(rf"\b{cast.p1.urn}\b", body):
        found.append(f"URN {cast.p1.urn}")
    return found


def _mixes(ours: dict[str, Any], theirs: dict[str, Any]) -> list[dict[str, Any]]:
    """Tenant B's kwargs with every non-empty set of its tenant parameters taken from tenant A's."""
    swappable = sorted(key for key in ours if key in TENANT_PARAMS and ours[key] != theirs[key])
    return [
        {**theirs, **{key: ours[key] for key in chosen}}
        for size in range(1, len(swappable) + 1)
        for chosen in itertools.combinations(swappable, size)
    ]


@pytest.mark.parametrize("url_name", TENANT_ROWS)
def test_another_tenants_object_is_not_found(url_name: str, cast: Cast, edition: Any, client: Client) -> None:
    row = ACCESS[url_name]
    tenant_b = mirror_cast(cast)
    ours = row.kwargs(cast)
    _mark_tenant_a(cast)
    theirs = row.kwargs(tenant_b)
    mixes = _mixes(ours, theirs)
    assert mixes, f"{url_name}: tenant B's objects are tenant A's"
    wrong: list[str] = []
    for who in TENANT_ROLES:
        client.force_login(tenant_b.user(who))
        own = row.expected[who]
        # Tenant B's own objects answer as tenant A's do for tenant A's people.
        status = _status(_answer(client, row, reverse(url_name, kwargs=theirs), tenant_b))
        assert status == own, f"tenant B's {who}, {url_name} with its own objects: {status}, not {own}"
        for kwargs in mixes:
            response = _answer(client, row, reverse(url_name, kwargs=kwargs), tenant_b)
            status = _status(response)
            allowed = {NOT_FOUND} if own in SUCCESS else {own, NOT_FOUND}
            foreign = sorted(key for key in kwargs if kwargs[key] == ours.get(key) and key in TENANT_PARAMS)
            if status not in allowed:
                wrong.append(f"tenant B's {who} with tenant A's {foreign}: {status}, not {sorted(allowed)}")
            elif names := _names_tenant_a(_body(response), cast):
                wrong.append(f"tenant B's {who} with tenant A's {foreign}: the {status} names {names}")
    assert wrong == [], f"{url_name}: {wrong}"
