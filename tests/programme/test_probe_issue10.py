"""An attacker's and a careless user's probe of issue 10's pages: odd inputs answer a page or
404, never a 500; another tenant's data stays out of reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.conftest import Cast
from tests.factories import make_learner

ODD = ["", "0", "-1", "99999999999999999999999", "²", "٣", "1e9", "abc", "%00", "2026.0", " 2026", "NaN"]


@pytest.fixture
def leader(client: Client, cast: Cast, edition: Any) -> Client:
    client.raise_request_exception = False
    client.force_login(cast.p1_leader)
    make_learner(cast.p1, forename='=HYPERLINK("http://x")', surname="@SUM(1)", year_group=9)
    return client


@pytest.mark.parametrize("param", ["year", "group", "year_group", "page", "type", "learner", "meaning_drawn_for"])
@pytest.mark.parametrize(
    "path",
    [
        "provider-access/",
        "provider-access/export/",
        "work-experience/",
        "work-experience/export/",
        "benchmarks/",
        "benchmarks/BM2/",
        "benchmarks/BM2-KS3/",
        "benchmarks/export/missing-BM2/",
        "activities/",
        "activities/new/",
        "activities/meaning/",
        "programme/",
    ],
)
def test_odd_query_strings_never_500(leader: Client, cast: Cast, path: str, param: str) -> None:
    base = f"/providers/{cast.p1.urn}/{path}"
    for value in ODD:
        response = leader.get(base, {param: value})
        assert response.status_code < 500, (path, param, value)
    response = leader.get(base + f"?{param}=1&{param}=2&{param}=")
    assert response.status_code < 500


# --- Targeted probes --------------------------------------------------------------------------

from qic.core.models import AuditEvent  # noqa: E402
from qic.organisations.models import Provider  # noqa: E402
from qic.programme.models import Activity, ProviderAccessStatement  # noqa: E402

TODAY = dt.date(2026, 12, 3)


def activity_post(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Probe",
        "activity_type": "workplace_experience",
        "subtype": "placement",
        "date": "2026-11-02",
        "hours": "5",
        "year_groups": "10",
    } | fields


@pytest.mark.parametrize(
    "fields",
    [
        {"hours": h}
        for h in ["1e9", "NaN", "Infinity", "-Infinity", "-0", "1,5", "9" * 300, "1e-999", "sNaN", "0x10", "²"]
    ]
    + [{"date": d} for d in ["0001-01-01", "9999-12-31", "2025-02-29", "", "2026-13-01", "99999-01-01"]]
    + [
        {"activity_type": "employer_encounter", "subtype": "talk", "provider_access": "on"},
        {
            "activity_type": "provider_encounter",
            "subtype": "fe_college",
            "provider_access": "on",
            "access_provider_type": "nonsense",
        },
        {"activity_type": "nonsense"},
        {"subtype": "nonsense"},
        {"title": "x" * 10000},
        {"access_content": ["nonsense", "\x00"]},
        {"year_groups": ["99", "²", "-1"]},
        {"criteria": ["999999999999999999999", "abc"]},
    ],
)
def test_odd_activity_posts_never_500(leader: Client, cast: Cast, fields: dict[str, Any]) -> None:
    base = f"/providers/{cast.p1.urn}/activities/"
    before = Activity.objects.count()
    response = leader.post(base + "new/", activity_post(**fields))
    assert response.status_code < 500, fields
    if response.status_code == 302:
        activity = Activity.objects.latest("pk")
        assert activity.hours is None or activity.hours.is_finite()
    else:
        assert Activity.objects.count() == before
    get = leader.get(base + "meaning/", activity_post(**fields))
    assert get.status_code < 500, fields


def test_the_meaning_endpoint_writes_nothing_and_refuses_other_tenants(
    client: Client, cast: Cast, edition: Any
) -> None:
    client.force_login(cast.p1_leader)
    events = AuditEvent.objects.count()
    assert client.get(f"/providers/{cast.p2.urn}/activities/meaning/", activity_post()).status_code == 404
    assert client.post(f"/providers/{cast.p1.urn}/activities/meaning/", activity_post()).status_code == 405
    assert client.get(f"/providers/{cast.p1.urn}/activities/meaning/", activity_post()).status_code == 200
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.count() == events
    for who in ("p1_governor", "assessor_assigned", "ab1_admin", "consortium"):
        client.force_login(getattr(cast, who))
        assert client.get(f"/providers/{cast.p1.urn}/activities/meaning/").status_code in (403, 404), who


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://",
        "https://" + "a" * 10000 + ".org",
        "JaVaScRiPt://x",
        "data:text/html,x",
        "https://ex ample.org",
        "\x00",
        "",
        "ftp://x.org",
    ],
)
def test_odd_policy_statements_are_refused(leader: Client, cast: Cast, url: str) -> None:
    response = leader.post(f"/providers/{cast.p1.urn}/provider-access/", {"url": url})
    assert response.status_code == 200, url
    assert ProviderAccessStatement.objects.count() == 0


def test_policy_statement_only_by_the_leader_of_the_school(client: Client, cast: Cast, edition: Any) -> None:
    for who in ("p1_staff", "p1_governor", "assessor_assigned", "ab1_admin", "p2_leader", "consortium"):
        client.force_login(getattr(cast, who))
        response = client.post(f"/providers/{cast.p1.urn}/provider-access/", {"url": "https://example.org/pa"})
        assert response.status_code in (403, 404), who
    assert ProviderAccessStatement.objects.count() == 0


@pytest.mark.parametrize(
    "ukprn",
    [
        "１００１２３４５",
        "10 012 345",
        "1001234",
        "100123456",
        "10000000",
        "9999999",
        "10099999",
        "10100000",
        "²0012345",
        "-10012345",
        "",
        " ",
        "1" * 10000,
        "\x00",
    ],
)
def test_odd_ukprns_never_500(client: Client, cast: Cast, ukprn: str) -> None:
    client.raise_request_exception = False
    client.force_login(cast.ab1_admin)
    response = client.post(
        f"/awarding-bodies/{cast.ab1.pk}/clients/new-training-provider/",
        {"name": "Probe Training", "ukprn": ukprn, "postcode": "LS1 1AA", "region": "Yorkshire and the Humber"},
    )
    assert response.status_code in (200, 302), ukprn


def test_a_body_cannot_add_an_itp_for_another_body(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    count = Provider.objects.count()
    response = client.post(
        f"/awarding-bodies/{cast.ab2.pk}/clients/new-training-provider/",
        {"name": "Probe Training", "ukprn": "10012345", "postcode": "LS1 1AA", "region": "London"},
    )
    assert response.status_code in (403, 404)
    assert Provider.objects.count() == count
    for who in ("p1_leader", "assessor_assigned"):
        client.force_login(getattr(cast, who))
        assert client.post("/providers/new-training-provider/", {"ukprn": "10012345"}).status_code in (403, 404)


@pytest.mark.parametrize("who", ["assessor_unassigned", "ab2_admin", "p2_leader", "consortium"])
@pytest.mark.parametrize(
    "path", ["provider-access/", "provider-access/pupils.csv", "work-experience/", "work-experience/below-target.csv"]
)
def test_other_tenants_reach_no_pal_or_guarantee_page(client: Client, cast: Cast, who: str, path: str) -> None:
    client.force_login(getattr(cast, who))
    assert client.get(f"/providers/{cast.p1.urn}/{path}").status_code in (403, 404)


@pytest.mark.parametrize("who", ["p1_governor", "assessor_assigned", "ab1_admin"])
def test_no_names_in_pal_or_guarantee_for_roles_without_learners(
    client: Client, cast: Cast, edition: Any, who: str
) -> None:
    make_learner(
        cast.p1,
        upn="A123456789012",
        forename="Zebedee",
        surname="Quuxley",
        year_group=9,
        year_group_recorded_in=2026,
        date_of_birth=dt.date(2012, 3, 1),
    )
    client.force_login(getattr(cast, who))
    for path in ("provider-access/", "work-experience/", "work-experience/below-target.csv"):
        response = client.get(f"/providers/{cast.p1.urn}/{path}")
        assert response.status_code in (200, 403, 404), path
        assert b"Quuxley" not in response.content, path
    assert client.get(f"/providers/{cast.p1.urn}/provider-access/pupils.csv").status_code in (403, 404)


def test_csv_injection_in_the_new_exports(leader: Client, cast: Cast) -> None:
    make_learner(
        cast.p1,
        upn="A123456789012",
        forename="=HYPERLINK(1)",
        surname="+SUM(2)",
        year_group=9,
        year_group_recorded_in=2026,
        date_of_birth=dt.date(2012, 3, 1),
    )
    for path in ("provider-access/pupils.csv", "work-experience/below-target.csv"):
        body = leader.get(f"/providers/{cast.p1.urn}/{path}").content.decode()
        assert "'+SUM(2)" in body, path  # the pupil is listed, with the formula made text
        for cell in ("\n=HYPERLINK", ",=HYPERLINK", "\n+SUM", ",+SUM", '"+SUM', '"=HYPERLINK'):
            assert cell not in body, path


def make_primary(cast: Cast) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")


def test_a_primary_school_gets_no_benchmarks_from_the_api(client: Client, cast: Cast, edition: Any) -> None:
    make_primary(cast)
    client.force_login(cast.p1_leader)
    response = client.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks")
    assert response.status_code == 404
    assert "primary" in response.json()["detail"]


def test_a_primary_school_cannot_post_commitment(client: Client, cast: Cast, edition: Any) -> None:
    from qic.accreditation.models import Accreditation

    make_primary(cast)
    client.force_login(cast.p1_leader)
    response = client.post(f"/providers/{cast.p1.urn}/accreditation/commitment/", {"confirm": "on"})
    assert response.status_code in (403, 404)
    assert not Accreditation.objects.filter(provider=cast.p1).exists()


@pytest.mark.parametrize(
    "query", ["year=0", "year=-1", "year=99999999999999999999", "year=²", "year=", "year=2026&year=1", "year=1e3"]
)
def test_odd_api_benchmark_years(client: Client, cast: Cast, edition: Any, query: str) -> None:
    client.raise_request_exception = False
    client.force_login(cast.p1_leader)
    response = client.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?{query}")
    assert response.status_code in (200, 404, 422), query
    response = client.get(f"/api/v1/providers/{cast.p1.urn}/activities?{query}")
    assert response.status_code in (200, 404, 422), query


@pytest.mark.parametrize(
    "code", ["BM2", "BM2-KS3", "BM2-KS4", "bm2", "BM%00", "BM2%2F..", "x" * 5000, "BM6", "BM7-HE", "é", "BM1"]
)
@pytest.mark.parametrize("year", ["2024", "2025", "2026", ""])
def test_measure_codes_of_either_rule_set(leader: Client, cast: Cast, code: str, year: str) -> None:
    response = leader.get(f"/providers/{cast.p1.urn}/benchmarks/{code}/?year={year}")
    assert response.status_code in (200, 404), (code, year)
    response = leader.get(f"/providers/{cast.p1.urn}/benchmarks/export/missing-{code}.csv?year={year}")
    assert response.status_code in (200, 404), (code, year)


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/providers/{HUGE}/provider-access/",
        f"/providers/{HUGE}/work-experience/below-target.csv",
        f"/providers/{HUGE}/activities/meaning/",
        f"/framework/qic-2024/sections/{HUGE}/",
        "/framework/" + "a" * 3000 + "/",
        f"/api/v1/providers/{HUGE}/benchmarks",
        f"/api/v1/providers/{HUGE}/activities",
        "/api/v1/frameworks/" + "a" * 3000,
        f"/awarding-bodies/{HUGE}/clients/new-training-provider/",
    ],
)
def test_huge_numbers_in_addresses_answer_404(leader: Client, path: str) -> None:
    assert leader.get(path).status_code in (403, 404, 422), path


@pytest.mark.parametrize("year", ["2000", "2001", "2017", "2018", "2024", "2025", "2027"])
@pytest.mark.parametrize(
    "path",
    [
        "benchmarks/",
        "benchmarks/BM5/",
        "benchmarks/export/summary.csv",
        "programme/",
        "benchmarks/export/missing-BM8.csv",
    ],
)
def test_every_allowed_year_answers(leader: Client, cast: Cast, path: str, year: str) -> None:
    response = leader.get(f"/providers/{cast.p1.urn}/{path}?year={year}")
    assert response.status_code in (200, 404), (path, year)
    api = leader.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?year={year}")
    assert api.status_code in (200, 404), year


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "0"])
def test_odd_learner_on_the_interview_form(leader: Client, cast: Cast, value: str) -> None:
    assert leader.get(f"/providers/{cast.p1.urn}/interviews/new/", {"learner": value}).status_code == 200


@pytest.mark.parametrize("day", ["2000-01-01", "2000-08-31", "2000-09-01"])
def test_the_earliest_activity_dates_save_and_list(leader: Client, cast: Cast, day: str) -> None:
    response = leader.post(
        f"/providers/{cast.p1.urn}/activities/new/",
        activity_post(date=day, activity_type="employer_encounter", subtype="talk", hours=""),
    )
    assert response.status_code == 302
    for path in ("activities/", "benchmarks/", "work-experience/", "provider-access/"):
        assert leader.get(f"/providers/{cast.p1.urn}/{path}").status_code == 200, path
    assert leader.get(f"/api/v1/providers/{cast.p1.urn}/activities?year=1999").status_code == 200
