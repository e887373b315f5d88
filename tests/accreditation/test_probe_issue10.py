"""Probe of issue 10: a school corrected to primary cannot reach the Standard by reaccreditation."""

from __future__ import annotations

from typing import Any

from django.test import Client

from qic.accreditation.models import Accreditation
from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.factories import make_round


def test_reaccreditation_is_refused_to_a_school_corrected_to_primary(client: Client, cast: Cast, edition: Any) -> None:
    issued = make_round(cast, "issued")
    Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")
    for who in ("p1_leader", "ab1_admin"):
        client.force_login(getattr(cast, who))
        response = client.post(f"/providers/{cast.p1.urn}/accreditation/{issued.pk}/reaccreditation/")
        assert response.status_code in (302, 403), who
    assert Accreditation.objects.filter(provider=cast.p1).count() == 1
