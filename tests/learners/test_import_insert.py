"""New learners of an import are inserted with the driver's executemany and their ids read back
by UPN, or by ULN for those without one: each learner must get its own row's id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qic.core import bulk
from qic.learners import imports
from qic.learners.models import Learner
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def new(upn: str, uln: str, name: str) -> Learner:
    return Learner(upn=upn, uln=uln, forename=name, surname="New", date_of_birth=dt.date(2010, 1, 2), sex="F")


def test_ids_are_read_back_by_upn_or_by_uln_when_there_is_no_upn() -> None:
    provider, other = ProviderFactory(), ProviderFactory()
    # Learners already there (here and at another provider) with neighbouring identifiers.
    kept = Learner.objects.create(
        provider=provider, upn="", uln="1000000001", forename="Old", surname="One", date_of_birth=dt.date(2009, 5, 6)
    )
    Learner.objects.create(
        provider=other, upn="", uln="1000000002", forename="Else", surname="Where", date_of_birth=dt.date(2009, 5, 6)
    )
    learners = [
        new("A000000000001", "", "UpnOnly"),
        new("", "1000000002", "UlnOnly"),  # the same ULN as the other provider's learner
        new("A000000000003", "1000000003", "Both"),
        new("", "1000000004", "UlnOnlyToo"),
    ]
    now = timezone.now()

    imports._insert_learners(provider, learners, now)

    for learner in learners:
        stored = Learner.objects.get(pk=learner.pk)
        assert (stored.provider_id, stored.forename, stored.upn, stored.uln) == (
            provider.pk,
            learner.forename,
            learner.upn,
            learner.uln,
        )
        assert stored.created_at == now
        assert stored.updated_at == now
        assert not learner._state.adding
    assert len({learner.pk for learner in learners} | {kept.pk}) == 5
    assert Learner.objects.get(pk=kept.pk).forename == "Old"


def test_bulk_values_match_what_django_would_send() -> None:
    """The shortcut for plain values gives what each field's own preparation gives."""
    from django.db import connection

    provider = ProviderFactory()
    learner = new("A000000000009", "", "Plain")
    learner.provider = provider
    learner.year_group = 9
    learner.pupil_premium = True
    learner.left_on = dt.date(2025, 7, 20)
    learner.created_at = learner.updated_at = timezone.now()
    fields = [f for f in Learner._meta.concrete_fields if f.attname != "id"]
    expected = [f.get_db_prep_save(getattr(learner, f.attname), connection) for f in fields]
    assert bulk._values(learner, bulk._preparers(fields), connection) == expected


def test_audit_payloads_are_what_the_json_round_trip_gives() -> None:
    """The shortcut for flat payloads gives the same dict, keys in the same order, as the
    round trip through JSON it skips; anything else still takes the round trip."""
    import json

    from qic.core import audit, chain

    flat = {"surname": "Ng", "year_group": 9, "eal": True, "left_on": None, "born": dt.date(2010, 1, 2)}
    nested = {"b": [1, (2, 3)], "a": {"x": 1.5}, "c": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)}
    for value in (flat, nested, {}):
        expected = json.loads(chain.canonical(audit.json_ready(dict(value))))
        got = audit._json(value)
        assert got == expected
        assert list(got) == list(expected)
