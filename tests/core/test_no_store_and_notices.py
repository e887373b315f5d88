"""Cache-Control: no-store on everything personal; the public notices in every page's footer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qic.core.middleware import PUBLIC_PAGES
from tests.conftest import Cast
from tests.test_url_access import ACCESS
from tests.url_walk import walk_get_urls

GET_URLS = sorted(name for name, row in ACCESS.items() if row.method == "get")


@pytest.mark.parametrize("who", ["p1_leader", "consortium", "anon"])
def test_no_page_with_personal_data_may_be_stored(who: str, cast: Cast, edition: Any, client: Client) -> None:
    """Every GET URL, whatever it answers (page, CSV, JSON, 403, 404, redirect)."""
    seen: list[str] = []

    def visit(name: str, url: str, response: Any) -> None:
        seen.append(name)
        if who == "anon" and name in PUBLIC_PAGES:
            assert "no-store" not in response.get("Cache-Control", ""), name
        else:
            assert response["Cache-Control"] == "no-store", f"{who} {name} {response.status_code}"

    walk_get_urls(cast, client, visit, who=lambda name: who)
    assert len(seen) == len(GET_URLS)


def test_a_posted_form_and_an_unknown_page_are_not_stored(cast: Cast, client: Client) -> None:
    assert client.get("/no-such-page/")["Cache-Control"] == "no-store"
    response = client.post(reverse("accounts:login"), {"username": "nobody@example.org", "password": "wrong"})
    assert response["Cache-Control"] == "no-store"
    client.force_login(cast.p1_leader)
    assert client.get("/no-such-page/")["Cache-Control"] == "no-store"


def test_public_pages_that_may_be_cached_hold_no_form_token(cast: Cast, edition: Any, client: Client) -> None:
    # A cached page with a form token would break the form for the next visitor.
    for name in sorted(PUBLIC_PAGES):
        response = client.get(reverse(name, kwargs=ACCESS[name].kwargs(cast)))
        assert b"csrfmiddlewaretoken" not in response.content, name


def test_public_pages_are_the_ones_the_access_table_makes_public() -> None:
    assert all(ACCESS[name].expected["anon"] in (200, 302) for name in PUBLIC_PAGES)


NOTICES = {
    "core:privacy_notice": [
        "Privacy notice",
        "public task",
        "data protection officer",
        "subject access request",
        "anonymised 6 years after they leave",
        "Figures for the school, without learners",
    ],
    "core:accessibility_statement": [
        "Accessibility statement",
        "WCAG",
        "2.2 at level AA",
        "axe-core",
        "Known issues",
        "Reporting a problem",
        "3 December 2026",
    ],
    "core:cookies": [
        "Cookies",
        "sessionid",
        "csrftoken",
        "messages",
        "strictly necessary",
        "30 minutes without using the site",
        "at most 12 hours",
        "analytics",
    ],
}


@pytest.mark.parametrize("name", sorted(NOTICES))
def test_each_notice_is_public_and_says_what_it_should(name: str, client: Client) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    for words in NOTICES[name]:
        assert words in page, words


def test_the_accessibility_statement_gives_the_contact_address_when_there_is_one(client: Client, settings: Any) -> None:
    assert (
        "tell the organisation that invited you" in client.get(reverse("core:accessibility_statement")).content.decode()
    )
    settings.QIC_CONTACT_EMAIL = "help@qic.example.org"
    page = client.get(reverse("core:accessibility_statement")).content.decode()
    assert 'href="mailto:help@qic.example.org"' in page


@pytest.mark.parametrize("who", ["anon", "p1_leader", "p1_governor"])
def test_every_page_links_the_notices_from_its_footer(who: str, cast: Cast, edition: Any, client: Client) -> None:
    user = cast.user(who)
    if user is not None:
        client.force_login(user)
    for url in [
        "/",
        reverse("national:register"),
        reverse("dashboards:benchmark_dashboard", kwargs={"urn": cast.p1.urn}),
        "/no-such-page/",
    ]:
        response = client.get(url, follow=True)
        footer = response.content.decode().split('<footer class="govuk-template__footer">')[1]
        for name, text in (
            ("core:privacy_notice", "Privacy"),
            ("core:accessibility_statement", "Accessibility statement"),
            ("core:cookies", "Cookies"),
        ):
            assert f'<a class="govuk-footer__link" href="{reverse(name)}">{text}</a>' in footer, (who, url)
