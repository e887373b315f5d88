"""Primary schools work towards a primary careers award, not the secondary Standard (issue 10, item 7).

Before this change a primary school's careers leader was offered the secondary benchmark
dashboard, could ask for the certificate of commitment to the Standard, and its Awarding Body
could grant it. These tests were written first and failed on each of those points.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qic.accreditation import actions as accreditation_actions
from qic.accreditation.models import Accreditation, IssuedDocument
from qic.core.models import AuditEvent
from qic.domain.accreditation import Stage
from qic.domain.provider_types import ProviderType
from tests.conftest import Cast
from tests.factories import PDF_BYTES, make_round, pdf_upload

pytestmark = pytest.mark.usefixtures("edition")

NOT_APPLICABLE = "The secondary Gatsby Benchmarks do not apply to primary schools"
NO_COMMITMENT = "Primary schools cannot request commitment to the Quality in Careers Standard"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_primary(cast: Cast) -> None:
    cast.p1.provider_type = ProviderType.PRIMARY.value
    cast.p1.save()


def workbook_link(cast: Cast) -> str:
    return f'href="/providers/{cast.p1.urn}/primary/"'


def dashboard_link(cast: Cast) -> str:
    return f'href="/providers/{cast.p1.urn}/benchmarks/"'


# --- Home page and navigation ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["p1_leader", "p1_staff", "p1_governor"])
def test_a_primary_schools_home_page_leads_to_the_workbook(cast: Cast, who: str) -> None:
    make_primary(cast)
    page = signed_in(getattr(cast, who)).get("/home/").content.decode()
    assert workbook_link(cast) in page
    assert "Primary careers award" in page
    assert dashboard_link(cast) not in page
    assert f'href="/providers/{cast.p1.urn}/accreditation/"' not in page


def test_a_secondary_schools_home_page_still_leads_to_the_standard(cast: Cast) -> None:
    page = signed_in(cast.p1_leader).get("/home/").content.decode()
    assert f'href="/providers/{cast.p1.urn}/accreditation/"' in page
    assert workbook_link(cast) not in page


@pytest.mark.parametrize("path", ["", "learners/", "activities/", "primary/"])
def test_a_primary_schools_navigation_has_the_workbook_not_the_benchmarks(cast: Cast, path: str) -> None:
    make_primary(cast)
    page = signed_in(cast.p1_leader).get(f"/providers/{cast.p1.urn}/{path}").content.decode()
    assert workbook_link(cast) in page
    assert dashboard_link(cast) not in page
    assert f'href="/providers/{cast.p1.urn}/programme/"' not in page
    assert f'href="/providers/{cast.p1.urn}/accreditation/"' not in page


def test_a_secondary_schools_navigation_is_unchanged(cast: Cast) -> None:
    page = signed_in(cast.p1_leader).get(f"/providers/{cast.p1.urn}/").content.decode()
    assert dashboard_link(cast) in page
    assert workbook_link(cast) not in page


# --- The benchmark pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["benchmarks/", "benchmarks/BM5/", "programme/"])
@pytest.mark.parametrize("who", ["p1_leader", "p1_governor", "ab1_admin", "assessor_assigned"])
def test_the_benchmark_pages_say_they_do_not_apply_and_link_to_the_workbook(cast: Cast, path: str, who: str) -> None:
    make_primary(cast)
    response = signed_in(getattr(cast, who)).get(f"/providers/{cast.p1.urn}/{path}")
    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_APPLICABLE in page
    assert workbook_link(cast) in page
    # No figures, no year picker, no table of learners missing a measure.
    assert "govuk-table" not in page


def test_the_programme_answers_cannot_be_saved_for_a_primary_school(cast: Cast) -> None:
    make_primary(cast)
    before = AuditEvent.objects.count()
    response = signed_in(cast.p1_leader).post(f"/providers/{cast.p1.urn}/programme/", {})
    assert response.status_code == 200
    assert NOT_APPLICABLE in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_benchmark_csv_is_not_found_for_a_primary_school(cast: Cast) -> None:
    make_primary(cast)
    response = signed_in(cast.p1_leader).get(f"/providers/{cast.p1.urn}/benchmarks/export/measures.csv")
    assert response.status_code == 404


def test_other_tenants_still_get_404_not_the_explanation(cast: Cast) -> None:
    make_primary(cast)
    for who in ("p2_leader", "ab2_admin", "assessor_unassigned"):
        assert signed_in(getattr(cast, who)).get(f"/providers/{cast.p1.urn}/benchmarks/").status_code == 404


def test_the_dashboard_page_for_a_primary_school_does_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    make_primary(cast)
    client = signed_in(cast.p1_leader)
    with django_assert_max_num_queries(12):
        assert client.get(f"/providers/{cast.p1.urn}/benchmarks/").status_code == 200


# --- Commitment to the Standard ---------------------------------------------------------------------


def commitment_form(today: dt.date) -> dict[str, Any]:
    return {
        "commitment_url": "https://primary.example.org/careers",
        "compass_tool": "compass",
        "compass_completed_on": (today - dt.timedelta(days=20)).isoformat(),
        "compass_report": SimpleUploadedFile("compass.pdf", PDF_BYTES),
    }


def test_a_primary_school_is_not_offered_the_commitment(cast: Cast) -> None:
    make_primary(cast)
    page = signed_in(cast.p1_leader).get(f"/providers/{cast.p1.urn}/accreditation/").content.decode()
    assert "Request the certificate of commitment" not in page
    assert NO_COMMITMENT in page
    assert workbook_link(cast) in page


def test_the_commitment_page_refuses_a_primary_school(cast: Cast) -> None:
    make_primary(cast)
    leader = signed_in(cast.p1_leader)
    response = leader.get(f"/providers/{cast.p1.urn}/accreditation/commitment/")
    page = response.content.decode()
    assert response.status_code == 403
    assert NO_COMMITMENT in page
    assert workbook_link(cast) in page
    assert 'name="commitment_url"' not in page
    response = leader.post(f"/providers/{cast.p1.urn}/accreditation/commitment/", commitment_form(timezone.localdate()))
    assert response.status_code == 403
    assert NO_COMMITMENT in response.content.decode()
    assert not Accreditation.objects.exists()


def test_the_action_refuses_a_primary_schools_commitment(cast: Cast) -> None:
    make_primary(cast)
    with pytest.raises(accreditation_actions.StepRefused, match=NO_COMMITMENT):
        accreditation_actions.request_commitment(
            provider=cast.p1,
            commitment_url="https://primary.example.org/careers",
            compass_tool="compass",
            compass_completed_on=timezone.localdate() - dt.timedelta(days=20),
            compass_report=pdf_upload("compass.pdf"),
            actor=cast.p1_leader,
        )
    assert not Accreditation.objects.exists()


def test_the_awarding_body_cannot_record_commitment_for_a_primary_school(cast: Cast) -> None:
    """A round requested while the school was recorded as secondary, then corrected to primary
    (a GIAS import or a person): its Awarding Body can no longer grant the commitment."""
    accreditation = make_round(cast, "requested")
    make_primary(cast)
    accreditation.refresh_from_db()
    with pytest.raises(accreditation_actions.StepRefused, match="primary"):
        accreditation_actions.grant_commitment(
            accreditation=accreditation, version=None, today=timezone.localdate(), actor=cast.ab1_admin
        )
    admin = signed_in(cast.ab1_admin)
    response = admin.post(
        f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/steps/grant_commitment/",
        {"version": accreditation.version},
        follow=True,
    )
    assert "cannot" in response.content.decode()
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITMENT_REQUESTED
    assert not IssuedDocument.objects.filter(accreditation=accreditation).exists()


def test_a_secondary_school_still_requests_and_is_granted_commitment(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    assert accreditation.stage == Stage.COMMITTED


# --- Who gets what, for a primary school ------------------------------------------------------------

# The wrapped pages, and what a role the URL-access table lets in gets instead for a primary school.
INSTEAD_OF_OK = {
    "dashboards:benchmark_dashboard": 200,
    "programme:measure_detail": 200,
    "programme:programme_answers": 200,
    "accreditation:commitment_request": 403,
    "programme:benchmark_export": 404,
}


@pytest.mark.parametrize("url_name", sorted(INSTEAD_OF_OK))
def test_a_primary_school_changes_what_people_get_not_who_gets_in(walk_cast: Cast, url_name: str) -> None:
    """The access rows of tests/test_url_access.py hold for a primary school too: the explanation
    is only for those the page would have let in; everyone else gets the same 403/404/log-in."""
    cast = walk_cast
    from django.urls import reverse

    from tests.test_url_access import ACCESS, LOGIN, OK

    make_primary(cast)
    row = ACCESS[url_name]
    url = reverse(url_name, kwargs=row.kwargs(cast))
    for who, expected in row.expected.items():
        user = cast.user(who)
        client = signed_in(user) if user is not None else Client()
        response = client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302, who
            assert response["Location"].startswith("/accounts/login/"), who
        else:
            assert response.status_code == (INSTEAD_OF_OK[url_name] if expected == OK else expected), who
