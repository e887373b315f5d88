"""Regression tests for what an outsider, a parent, an employer or another school's staff could
do to the issue-15 pages before it was fixed (one test per finding)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ProviderFactory, leader_of

pytestmark = pytest.mark.django_db


def test_a_learner_id_too_long_for_the_database_is_no_learner_not_a_server_error(client: Client) -> None:
    """Before: /placements/new/?learner=99999999999999999999 made the database driver overflow (500)."""
    school = ProviderFactory()
    client.force_login(leader_of(school))
    new = reverse("partners:placement_new", kwargs={"urn": school.urn})
    assert client.get(new, {"learner": "9" * 20}).status_code == 200
    assert client.post(new, {"learner": "9" * 20, "q": ""}).status_code == 200
