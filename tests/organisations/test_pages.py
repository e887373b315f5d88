"""The pages each role uses: home pages, Awarding Bodies, clients, assessor assignments,
provider search, the framework pages, the JSON API, and query counts that do not grow."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from qic.core.models import AuditEvent
from qic.frameworks.models import Edition
from qic.organisations.models import AssessorAssignment, AwardingBody, ClientRequest, Provider
from tests.conftest import Cast
from tests.factories import ProviderFactory, assign

# --- Home pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "present", "absent"),
    [
        (
            "consortium",
            ["Consortium home", "Licensed Awarding Bodies", "North Awards", "South Awards", "2 providers on record"],
            ["Alpha Academy", "Beta College"],
        ),
        (
            "ab1_admin",
            ["North Awards · Awarding Body admin", "Alpha Academy", "Awards made by North Awards last 36 months"],
            ["Beta College", "South Awards"],
        ),
        (
            "ab2_admin",
            ["South Awards · Awarding Body admin", "Beta College", "Awards made by South Awards last 24 months"],
            ["Alpha Academy", "North Awards"],
        ),
        (
            "assessor_assigned",
            ["North Awards · Assessor", "Providers assigned to you", "Alpha Academy"],
            ["Beta College"],
        ),
        (
            "assessor_unassigned",
            ["North Awards · Assessor", "Providers assigned to you", "No providers to show."],
            ["Alpha Academy", "Beta College"],
        ),
        (
            "p1_leader",
            ["Alpha Academy · Careers leader", "You run Alpha Academy", "Invite staff and governors", "North Awards"],
            ["Beta College", "read-only"],
        ),
        (
            "p1_staff",
            ["Alpha Academy · Provider staff", "Your careers leader manages who has access."],
            ["Beta College", "read-only"],
        ),
        ("p1_governor", ["Alpha Academy · Governor", "Your access is read-only"], ["Beta College"]),
        ("p2_leader", ["Beta College · Careers leader", "South Awards"], ["Alpha Academy", "North Awards"]),
    ],
)
def test_each_role_has_its_own_home_page(
    client: Client, cast: Cast, edition: Edition, name: str, present: list[str], absent: list[str]
) -> None:
    client.force_login(cast.user(name))
    response = client.get("/home/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in present:
        assert escape(text) in page, text
    for text in absent:
        assert escape(text) not in page, text


def test_home_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


def test_consortium_home_lists_bodies_with_counts(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    bodies = {b.name: b for b in client.get("/home/").context["bodies"]}
    assert sorted(bodies) == ["North Awards", "South Awards"]
    north, south = bodies["North Awards"], bodies["South Awards"]
    assert (north.client_count, north.assessor_count, north.open_assignment_count) == (1, 2, 1)
    assert (south.client_count, south.assessor_count, south.open_assignment_count) == (1, 0, 0)


# --- Awarding Body forms ---------------------------------------------------------------------

GOOD_BODY = {
    "name": "East Awards",
    "licence_status": "licensed",
    "licence_start": "2025-01-01",
    "licence_end": "2027-12-31",
    "award_validity_months": "36",
    "website": "https://east-awards.example",
    "contact_email": "hello@east-awards.example",
}


def test_empty_awarding_body_form_shows_every_error(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post("/awarding-bodies/new/", {"name": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert response.context["form"].errors == {
        "name": ["This field is required."],
        "licence_status": ["This field is required."],
        "award_validity_months": ["This field is required."],
    }
    # Each error sits by its field, and the field is marked as in error.
    assert 'id="id_name-error"' in page
    assert "govuk-input--error" in page
    assert AwardingBody.objects.count() == 2
    assert AuditEvent.objects.count() == 0


def test_licence_end_before_start_is_an_error_on_licence_end(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post(
        "/awarding-bodies/new/", {**GOOD_BODY, "licence_start": "2026-01-01", "licence_end": "2025-12-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "licence_end": ["The licence end date must be on or after the licence start date"]
    }
    assert "There is a problem" in response.content.decode()
    assert not AwardingBody.objects.filter(name="East Awards").exists()


def test_creating_an_awarding_body_is_audited(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)

    response = client.post("/awarding-bodies/new/", GOOD_BODY)

    body = AwardingBody.objects.get(name="East Awards")
    assert response.status_code == 302
    assert response["Location"] == f"/awarding-bodies/{body.pk}/"
    assert body.licence_start.isoformat() == "2025-01-01"  # type: ignore[union-attr]
    assert body.award_validity_months == 36
    event = AuditEvent.objects.get(action="awarding_body.created")
    assert event.actor == cast.consortium
    assert event.object_id == str(body.pk)
    assert event.awarding_body_id_ref == body.pk
    assert event.before is None
    assert event.after == {
        "name": "East Awards",
        "licence_status": "licensed",
        "licence_start": "2025-01-01",
        "licence_end": "2027-12-31",
        "award_validity_months": 36,
        "website": "https://east-awards.example",
        "contact_email": "hello@east-awards.example",
    }
    assert "East Awards has been added." in client.get(response["Location"]).content.decode()


def test_a_duplicate_name_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post("/awarding-bodies/new/", {**GOOD_BODY, "name": "North Awards"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["Awarding body with this Name already exists."]}
    assert AwardingBody.objects.filter(name="North Awards").count() == 1


def test_editing_an_awarding_body_is_audited_with_before_and_after(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post(
        f"/awarding-bodies/{cast.ab2.pk}/edit/",
        {**GOOD_BODY, "name": "South Awards", "licence_status": "suspended", "award_validity_months": "24"},
    )
    assert response.status_code == 302
    cast.ab2.refresh_from_db()
    assert cast.ab2.licence_status == "suspended"
    event = AuditEvent.objects.get(action="awarding_body.updated")
    assert event.before["licence_status"] == "licensed"  # type: ignore[index]
    assert event.after["licence_status"] == "suspended"  # type: ignore[index]
    assert event.before["licence_start"] == "2024-01-01"  # type: ignore[index]
    assert event.after["licence_start"] == "2025-01-01"  # type: ignore[index]


def test_empty_edit_form_changes_nothing(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post(f"/awarding-bodies/{cast.ab1.pk}/edit/", {"name": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    cast.ab1.refresh_from_db()
    assert cast.ab1.name == "North Awards"
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("name", ["ab1_admin", "assessor_assigned", "p1_leader"])
def test_only_the_consortium_creates_or_edits_bodies(client: Client, cast: Cast, name: str) -> None:
    client.force_login(cast.user(name))
    assert client.post("/awarding-bodies/new/", GOOD_BODY).status_code == 403
    assert client.post(f"/awarding-bodies/{cast.ab1.pk}/edit/", GOOD_BODY).status_code == 403
    assert AwardingBody.objects.count() == 2


# --- Adding a client -------------------------------------------------------------------------


def add_client_url(cast: Cast) -> str:
    return f"/awarding-bodies/{cast.ab1.pk}/clients/add/"


def test_add_client_unknown_urn(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    response = client.post(add_client_url(cast), {"urn": "999999"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "urn": [
            "No provider has this URN or UKPRN. Schools and colleges come from the GIAS import; "
            "add an independent training provider with its own form."
        ]
    }
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize(("urn", "error"), [("", "This field is required."), ("abc", "Enter a whole number.")])
def test_add_client_bad_input(client: Client, cast: Cast, urn: str, error: str) -> None:
    client.force_login(cast.ab1_admin)
    response = client.post(add_client_url(cast), {"urn": urn})
    assert response.status_code == 200
    assert response.context["form"].errors == {"urn": [error]}


def test_add_client_of_another_body_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    response = client.post(add_client_url(cast), {"urn": str(cast.p2.urn)})
    assert response.status_code == 200
    assert response.context["form"].errors == {"urn": ["Beta College is a client of another Awarding Body"]}
    cast.p2.refresh_from_db()
    assert cast.p2.awarding_body == cast.ab2
    assert AuditEvent.objects.count() == 0


def test_add_client_already_ours(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    response = client.post(add_client_url(cast), {"urn": str(cast.p1.urn)})
    assert response.status_code == 200
    assert response.context["form"].errors == {"urn": ["Alpha Academy is already a client of North Awards"]}


def test_add_client_without_a_body_asks_the_provider(client: Client, cast: Cast) -> None:
    free: Provider = ProviderFactory(name="Gamma School", awarding_body=None)
    client.force_login(cast.ab1_admin)

    response = client.post(add_client_url(cast), {"urn": str(free.urn)})

    assert response.status_code == 302
    assert response["Location"] == f"/awarding-bodies/{cast.ab1.pk}/"
    # Nothing is attached until the provider (here, with nobody yet: the Consortium) accepts.
    free.refresh_from_db()
    assert free.awarding_body is None
    request = ClientRequest.objects.get()
    assert (request.awarding_body, request.provider, request.status) == (cast.ab1, free, "pending")
    event = AuditEvent.objects.get(action="provider.client_requested")
    assert event.actor == cast.ab1_admin
    assert (event.awarding_body_id_ref, event.provider_id_ref) == (cast.ab1.pk, free.pk)
    assert not AuditEvent.objects.filter(action="provider.client_added").exists()
    page = client.get(response["Location"]).content.decode()
    assert "We have asked Gamma School to accept North Awards as its Awarding Body." in page
    assert "Waiting for an answer" in page


def test_add_client_to_another_body_is_404(client: Client, cast: Cast) -> None:
    free: Provider = ProviderFactory(awarding_body=None)
    client.force_login(cast.ab1_admin)
    assert client.post(f"/awarding-bodies/{cast.ab2.pk}/clients/add/", {"urn": str(free.urn)}).status_code == 404
    free.refresh_from_db()
    assert free.awarding_body is None


# --- Assigning assessors ---------------------------------------------------------------------


def test_assigning_and_unassigning_an_assessor(client: Client, cast: Cast) -> None:
    provider_url = f"/providers/{cast.p1.urn}/"
    assessor_client = Client()
    assessor_client.force_login(cast.assessor_unassigned)
    assert assessor_client.get(provider_url).status_code == 404

    client.force_login(cast.ab1_admin)
    response = client.post(f"/providers/{cast.p1.urn}/assessors/", {"assessor": str(cast.assessor_unassigned.pk)})

    assert response.status_code == 302
    assert response["Location"] == provider_url
    assignment = AssessorAssignment.objects.get(assessor=cast.assessor_unassigned, provider=cast.p1)
    assert assignment.ended_at is None
    assert assignment.awarding_body == cast.ab1
    assigned = AuditEvent.objects.get(action="assessor.assigned")
    assert assigned.after == {"assessor": "assessor.u@example.org", "provider_urn": cast.p1.urn}
    page = assessor_client.get(provider_url)
    assert page.status_code == 200
    assert "Alpha Academy" in page.content.decode()
    assert "Alpha Academy" in assessor_client.get("/home/").content.decode()

    response = client.post(f"/assignments/{assignment.pk}/end/")

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert AuditEvent.objects.filter(action="assessor.unassigned").count() == 1
    assert assessor_client.get(provider_url).status_code == 404
    assert "Alpha Academy" not in assessor_client.get("/home/").content.decode()


def test_assign_offers_only_the_bodys_assessors(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    form = client.get(f"/providers/{cast.p1.urn}/assessors/").context["form"]
    assert sorted(u.email for u in form.fields["assessor"].queryset) == [
        "assessor.a@example.org",
        "assessor.u@example.org",
    ]
    # Someone who is not one of ab1's assessors cannot be chosen.
    response = client.post(f"/providers/{cast.p1.urn}/assessors/", {"assessor": str(cast.p1_staff.pk)})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["assessor"]
    assert not AssessorAssignment.objects.filter(assessor=cast.p1_staff).exists()


def test_assigning_twice_keeps_one_open_assignment(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    for _ in range(2):
        client.post(f"/providers/{cast.p1.urn}/assessors/", {"assessor": str(cast.assessor_assigned.pk)})
    assert AssessorAssignment.objects.filter(assessor=cast.assessor_assigned, ended_at=None).count() == 1


def test_another_body_cannot_end_an_assignment(client: Client, cast: Cast) -> None:
    assignment = AssessorAssignment.objects.get(assessor=cast.assessor_assigned)
    client.force_login(cast.ab2_admin)
    assert client.post(f"/assignments/{assignment.pk}/end/").status_code == 404
    assignment.refresh_from_db()
    assert assignment.ended_at is None


def test_another_body_cannot_assign_to_our_client(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab2_admin)
    response = client.post(f"/providers/{cast.p1.urn}/assessors/", {"assessor": str(cast.assessor_unassigned.pk)})
    assert response.status_code == 404
    assert not AssessorAssignment.objects.filter(assessor=cast.assessor_unassigned).exists()


# --- Provider search -------------------------------------------------------------------------


def listed(client: Client, query: str) -> list[str]:
    response = client.get("/providers/", {"q": query})
    assert response.status_code == 200
    return [p.name for p in response.context["page"].object_list]


def test_provider_search_by_name(client: Client, cast: Cast) -> None:
    ProviderFactory(name="Alphaville Primary", la_name="Devon", postcode="EX2 8AA")
    client.force_login(cast.consortium)
    assert listed(client, "alpha") == ["Alpha Academy", "Alphaville Primary"]
    assert listed(client, "Beta") == ["Beta College"]
    assert listed(client, "") == ["Alpha Academy", "Alphaville Primary", "Beta College"]
    assert listed(client, "no such school") == []
    page = client.get("/providers/", {"q": "Beta"}).content.decode()
    assert "1 provider matching “Beta”" in page


def test_provider_search_by_urn(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    assert listed(client, str(cast.p2.urn)) == ["Beta College"]
    assert listed(client, f" {cast.p1.urn} ") == ["Alpha Academy"]


def test_provider_search_by_local_authority_and_postcode(client: Client, cast: Cast) -> None:
    ProviderFactory(name="Gamma School", la_name="Devon", postcode="EX2 8AA")
    client.force_login(cast.consortium)
    assert listed(client, "devon") == ["Gamma School"]
    assert listed(client, "EX2") == ["Gamma School"]


def test_provider_search_stays_inside_what_the_user_may_see(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    assert listed(client, "") == ["Alpha Academy"]
    assert listed(client, "Beta") == []
    assert listed(client, str(cast.p2.urn)) == []
    client.force_login(cast.assessor_unassigned)
    assert listed(client, "Alpha") == []


@pytest.mark.parametrize("name", ["p1_leader", "p1_staff", "p1_governor"])
def test_provider_list_is_not_for_provider_people(client: Client, cast: Cast, name: str) -> None:
    client.force_login(cast.user(name))
    assert client.get("/providers/").status_code == 403


# --- Framework pages -------------------------------------------------------------------------


def test_framework_index_redirects_to_the_newest_edition(client: Client, edition: Edition) -> None:
    response = client.get("/framework/")
    assert response.status_code == 302
    assert response["Location"] == "/framework/qic-2024/"


def test_framework_index_without_an_edition(client: Client, db: None) -> None:
    assert client.get("/framework/").status_code == 404


def test_edition_page_lists_sections_and_principles(client: Client, edition: Edition) -> None:
    response = client.get("/framework/qic-2024/")
    assert response.status_code == 200
    page = response.content.decode()
    for section in edition.sections.all():
        assert f'href="/framework/qic-2024/sections/{section.number}/"' in page
        assert escape(f"{section.number}: {section.title}") in page
    assert "Key principles" in page
    assert "Criteria 8.1, 8.2, 8.3, 8.4" in page


def test_section_8_page(client: Client, edition: Edition) -> None:
    response = client.get("/framework/qic-2024/sections/8/")
    assert response.status_code == 200
    page = response.content.decode()
    criterion_8_2 = edition.criteria.get(code="8.2")
    assert escape(criterion_8_2.text) in page
    note_7 = edition.notes.get(number=7)
    assert 'id="note-7"' in page
    assert "Note 7</h3>" in page
    first_paragraph = note_7.text.split("\n\n")[0].strip()
    assert escape(first_paragraph.split("\n")[0]) in page
    # 8.2 points at Note 7 on the same page; 8.1 links to criterion 1.3 in section 1.
    assert '<a class="govuk-link" href="#note-7">Note 7</a>' in page
    assert '<a class="govuk-link" href="/framework/qic-2024/sections/1/#criterion-1-3">criterion 1.3</a>' in page
    # Every criterion of the section has its anchor.
    for code in ("8-1", "8-2", "8-3", "8-4"):
        assert f'id="criterion-{code}"' in page
    assert 'id="criterion-1-1"' not in page


def test_section_1_links_forward_to_8_1_and_4_3(client: Client, edition: Edition) -> None:
    page = client.get("/framework/qic-2024/sections/1/").content.decode()
    assert 'href="/framework/qic-2024/sections/8/#criterion-8-1">criterion 8.1</a>' in page
    assert 'href="/framework/qic-2024/sections/4/#criterion-4-3">criterion 4.3</a>' in page


@pytest.mark.parametrize(
    "url", ["/framework/qic-1999/", "/framework/qic-1999/sections/1/", "/framework/qic-2024/sections/9/"]
)
def test_unknown_edition_or_section_is_404(client: Client, edition: Edition, url: str) -> None:
    assert client.get(url).status_code == 404


# --- API -------------------------------------------------------------------------------------


def test_api_edition_detail(client: Client, edition: Edition) -> None:
    response = client.get("/api/v1/frameworks/qic-2024")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "qic-2024"
    assert data["effective_from"] == "2024-01-01"
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    criteria = {c["code"]: c for s in data["sections"] for c in s["criteria"]}
    assert len(criteria) == 32
    assert [c["code"] for s in data["sections"] for c in s["criteria"]][:3] == ["1.1", "1.2", "1.3"]
    assert criteria["1.3"]["see_also"] == ["8.1"]
    assert criteria["1.4"]["see_also"] == ["4.3"]
    assert criteria["8.1"]["see_also"] == ["1.3"]
    assert criteria["8.2"]["see_also"] == []
    assert criteria["8.2"]["notes"] == [7]
    assert criteria["8.2"]["text"] == edition.criteria.get(code="8.2").text
    assert {n["number"]: n["section"] for n in data["notes"]} == {
        1: 2,
        2: 3,
        3: 3,
        4: 3,
        5: 5,
        6: 7,
        7: 8,
        8: 8,
        9: 8,
    }


def test_api_edition_list_and_unknown_edition(client: Client, edition: Edition) -> None:
    assert [e["code"] for e in client.get("/api/v1/frameworks").json()] == ["qic-2024"]
    response = client.get("/api/v1/frameworks/qic-1999")
    assert response.status_code == 404


def test_api_providers_lists_only_what_the_user_may_see(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    response = client.get("/api/v1/providers")
    assert response.status_code == 200
    data = response.json()
    assert [p["urn"] for p in data] == [cast.p1.urn]
    assert data[0] == {
        "urn": cast.p1.urn,
        "name": "Alpha Academy",
        "provider_type": "secondary",
        "la_name": "Walsall",
        "region": "West Midlands",
        "postcode": "WS1 1AA",
        "ukprn": "",
        "age_range": "11–18",
        "has_sixth_form": False,
        "awarding_body": "North Awards",
    }
    assert client.get(f"/api/v1/providers/{cast.p1.urn}").status_code == 200
    assert client.get(f"/api/v1/providers/{cast.p2.urn}").status_code == 404


def test_api_providers_for_the_consortium_and_search(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    assert [p["name"] for p in client.get("/api/v1/providers").json()] == ["Alpha Academy", "Beta College"]
    assert [p["name"] for p in client.get("/api/v1/providers", {"q": "beta"}).json()] == ["Beta College"]
    assert [p["name"] for p in client.get("/api/v1/providers", {"limit": 1, "offset": 1}).json()] == ["Beta College"]


def test_api_needs_a_session_for_organisation_data(client: Client, cast: Cast) -> None:
    assert client.get("/api/v1/providers").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    client.force_login(cast.p1_governor)
    assert client.get("/api/v1/me").json() == {
        "email": "governor1@example.org",
        "name": cast.p1_governor.get_full_name(),
        "role": "governor",
        "organisation": "Alpha Academy",
    }


def test_api_openapi_schema(client: Client, db: None) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "QiC Platform API"
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == [
        "/api/v1/frameworks",
        "/api/v1/frameworks/{code}",
        "/api/v1/me",
        "/api/v1/providers",
        "/api/v1/providers/{urn}",
        "/api/v1/providers/{urn}/activities",
        "/api/v1/providers/{urn}/activities/{activity_id}/attendance",
        "/api/v1/providers/{urn}/activities/{activity_id}/attendance-imports/{job_id}",
        "/api/v1/providers/{urn}/benchmarks",
        "/api/v1/providers/{urn}/learner-imports/{job_id}",
        "/api/v1/providers/{urn}/learners/import",
    ]


# --- Query counts ----------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm up: session, content types and the like
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("consortium", "/providers/"),
        ("consortium", "/home/"),
        ("ab1_admin", "/providers/"),
        ("ab1_admin", "/home/"),
        ("assessor_assigned", "/home/"),
    ],
)
def test_pages_use_the_same_number_of_queries_for_3_or_30_providers(
    client: Client, cast: Cast, edition: Edition, name: str, url: str
) -> None:
    user = cast.user(name)
    client.force_login(user)

    def add_providers(count: int) -> None:
        for provider in ProviderFactory.create_batch(count, awarding_body=cast.ab1):
            if name == "assessor_assigned":
                assign(cast.assessor_assigned, provider)

    add_providers(1)
    assert Provider.objects.count() == 3
    few = count_queries(client, url)

    add_providers(27)
    assert Provider.objects.count() == 30
    many = count_queries(client, url)

    assert many == few


def test_the_provider_list_shows_all_30(client: Client, cast: Cast) -> None:
    ProviderFactory.create_batch(28, awarding_body=cast.ab1)
    client.force_login(cast.consortium)
    response = client.get("/providers/")
    assert response.context["page"].paginator.count == 30
    assert "30 providers" in response.content.decode()
