"""Digits that are not ASCII ("²", "٣") in a query string or form are just text, never a crash.

`str.isdigit()` is true for "²" but `int("²")` raises: every place that turns a parameter into a
number checks `isascii()` too.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import Cast


@pytest.mark.parametrize("odd", ["²", "2²", "¹⁰"])
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("p1_leader", "/providers/{urn}/activities/?year={odd}"),
        ("p1_leader", "/providers/{urn}/interviews/?year={odd}"),
        ("p1_leader", "/providers/{urn}/benchmarks/?year={odd}"),
        ("p1_leader", "/providers/{urn}/learners/?year_group={odd}"),
        ("p1_leader", "/providers/{urn}/interviews/new/?learner={odd}"),
        ("consortium", "/providers/?q={odd}"),
        ("consortium", "/consortium/analytics/?year={odd}"),
        (None, "/register/?q={odd}"),
    ],
)
def test_superscript_digits_are_not_numbers(client: Client, cast: Cast, who: str | None, url: str, odd: str) -> None:
    if who:
        client.force_login(getattr(cast, who))
    response = client.get(url.format(urn=cast.p1.urn, odd=odd))
    assert response.status_code == 200
