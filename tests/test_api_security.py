"""The API's defences: 401 for every endpoint with organisation data, throttling with Retry-After,
JSON answers for refused calls, and no input that makes it answer 500."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from qic.learners.models import LearnerImport
from qic.programme import actions
from qic.programme.models import ApiToken, RegisterImport
from qic.settings import cache_from_url, env_rate
from tests.conftest import Cast
from tests.factories import make_activity

# Endpoints anyone may call: the national criteria and the API's own description.
PUBLIC = {("get", "/api/v1/frameworks"), ("get", "/api/v1/frameworks/{code}")}


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def plain(cast: Cast) -> str:
    return actions.create_api_token(provider_id=cast.p1.pk, name="SIMS", scope="read_write", actor=cast.p1_leader)[1]


def operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def concrete(path: str, cast: Cast) -> str:
    activity = make_activity(cast.p1)
    values = {"urn": cast.p1.urn, "activity_id": activity.pk, "code": "qic-2024", "job_id": 1}
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)


# --- Authentication ------------------------------------------------------------------------------


def test_every_endpoint_outside_the_public_ones_needs_a_session_or_token(db: None) -> None:
    found = operations(Client())
    assert len(found) >= 9
    for method, path, op in found:
        if (method, path) in PUBLIC:
            assert "security" not in op, path
        else:
            assert op.get("security"), f"{method.upper()} {path} has organisation data but no authentication"


def test_every_protected_endpoint_answers_401_without_credentials(cast: Cast, edition: object) -> None:
    anonymous = Client()
    checked = 0
    for method, path, _op in operations(anonymous):
        if (method, path) in PUBLIC:
            continue
        url = concrete(path, cast)
        response = anonymous.get(url) if method == "get" else anonymous.post(url, {})
        assert response.status_code == 401, f"{method.upper()} {url}"
        assert response.json() == {"detail": "Unauthorized"}
        checked += 1
    assert checked >= 7
    assert LearnerImport.objects.count() == 0


def test_a_wrong_role_is_a_json_403(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_governor)
    response = client.get(f"/api/v1/providers/{cast.p1.urn}/activities")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "Your role does not give access to this part of the provider's records."}


# --- Throttling ----------------------------------------------------------------------------------


def test_a_token_is_throttled_with_retry_after(settings: Any, cast: Cast, plain: str) -> None:
    settings.API_RATE_PER_TOKEN = "3/min"
    url = f"/api/v1/providers/{cast.p1.urn}/activities"
    api = Client()
    assert [api.get(url, headers=bearer(plain)).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get(url, headers=bearer(plain))
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == {"detail": f"Too many requests. Try again in {wait} seconds."}

    # Another token of the same provider, and a signed-in person, have their own allowance.
    _other, other = actions.create_api_token(provider_id=cast.p1.pk, name="B", scope="read", actor=cast.p1_leader)
    assert api.get(url, headers=bearer(other)).status_code == 200
    session = Client()
    session.force_login(cast.p1_leader)
    assert session.get(url).status_code == 200


def test_the_allowance_comes_back_after_the_period(settings: Any, cast: Cast, plain: str) -> None:
    settings.API_RATE_PER_TOKEN = "1/s"
    url = f"/api/v1/providers/{cast.p1.urn}/activities"
    api = Client()
    assert api.get(url, headers=bearer(plain)).status_code == 200
    refused = api.get(url, headers=bearer(plain))
    assert (refused.status_code, refused["Retry-After"]) == (429, "1")
    time.sleep(1.05)
    assert api.get(url, headers=bearer(plain)).status_code == 200


def test_a_signed_in_session_is_throttled_per_person(settings: Any, client: Client, cast: Cast) -> None:
    settings.API_RATE_PER_TOKEN = "2/min"
    client.force_login(cast.p1_leader)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    other = Client()
    other.force_login(cast.p1_staff)
    assert other.get("/api/v1/me").status_code == 200


def test_calls_without_credentials_are_throttled_per_address(settings: Any, db: None) -> None:
    settings.API_RATE_PER_IP = "2/min"
    api = Client(REMOTE_ADDR="192.0.2.1")
    assert [api.get("/api/v1/frameworks").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/api/v1/frameworks")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    # A made-up X-Forwarded-For does not give a fresh allowance (no proxy is trusted here).
    assert api.get("/api/v1/frameworks", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.2").get("/api/v1/frameworks").status_code == 200


def test_refused_credentials_count_against_the_address(settings: Any, cast: Cast, plain: str) -> None:
    """Guessing tokens: each wrong one is a 401 until the address has used its allowance."""
    settings.API_RATE_PER_IP = "3/min"
    url = f"/api/v1/providers/{cast.p1.urn}/benchmarks"
    api = Client(REMOTE_ADDR="192.0.2.9")
    guesses = [api.get(url, headers=bearer(f"qic_guess{n}")).status_code for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    refused = api.get(url, headers=bearer("qic_guess-again"))
    assert refused.status_code == 429
    assert "Retry-After" in refused
    # The real token still works from there: it is counted per token, not per address.
    assert api.get(url, headers=bearer(plain)).status_code == 200


# --- Bad input answers 4xx, never 500 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/providers?offset=99999999999999999999", 422),  # was a 500 (integer overflow)
        ("/api/v1/providers?offset=-1", 422),
        ("/api/v1/providers?offset=1000001", 422),
        ("/api/v1/providers?limit=0", 422),
        ("/api/v1/providers?limit=501", 422),
        ("/api/v1/providers?limit=99999999999999999999", 422),
        ("/api/v1/providers?limit=ten", 422),
        ("/api/v1/providers?q=a%00b", 422),  # a NUL byte was a 500 on PostgreSQL
        ("/api/v1/providers?q=" + "x" * 201, 422),
        ("/api/v1/providers/99999999999999999999", 404),
        ("/api/v1/providers/-1", 404),
        ("/api/v1/providers/abc", 422),
        ("/api/v1/providers/99999999999999999999/benchmarks", 404),
        ("/api/v1/providers/{urn}/benchmarks?year=99999999999999999999", 404),
        ("/api/v1/providers/{urn}/benchmarks?year=-2025", 404),
        ("/api/v1/providers/{urn}/activities?year=99999999999999999999", 422),
        ("/api/v1/providers/{urn}/activities?year=-1", 422),
        ("/api/v1/frameworks/a%00b", 422),  # a NUL byte was a 500 on PostgreSQL
        ("/api/v1/frameworks/" + "x" * 101, 422),
        ("/api/v1/frameworks/no-such-edition", 404),
    ],
)
def test_bad_query_input_is_refused_clearly(client: Client, cast: Cast, url: str, status: int) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(url.format(urn=cast.p1.urn))
    assert response.status_code == status, response.content
    assert "detail" in response.json()


def test_the_offset_is_honoured_within_its_bounds(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    everyone = [p["urn"] for p in client.get("/api/v1/providers").json()]
    assert len(everyone) >= 2
    assert [p["urn"] for p in client.get("/api/v1/providers?offset=1&limit=1").json()] == everyone[1:2]
    assert client.get("/api/v1/providers?offset=1000000").json() == []


def upload(kind: str) -> dict[str, Any]:
    """The keyword arguments of Client.post for each kind of bad upload."""
    return {
        "malformed-json": {"data": b"{not json", "content_type": "application/json"},
        "broken-multipart": {"data": b"--xx\r\ngarbage", "content_type": "multipart/form-data; boundary=xx"},
        "multipart-without-boundary": {"data": b"garbage", "content_type": "multipart/form-data"},
        "no-file": {"data": {}},
        "empty-file": {"data": {"file": SimpleUploadedFile("empty.csv", b"")}},
        "binary-noise": {"data": {"file": SimpleUploadedFile("noise.csv", b"\xff\xfe\x00\x01garbage")}},
    }[kind]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("malformed-json", 422),
        ("broken-multipart", 422),
        ("multipart-without-boundary", 400),
        ("no-file", 422),
        ("empty-file", 422),
        ("binary-noise", 422),
    ],
)
@pytest.mark.parametrize("endpoint", ["learners", "attendance"])
def test_bad_uploads_are_refused_clearly(cast: Cast, plain: str, kind: str, status: int, endpoint: str) -> None:
    if endpoint == "learners":
        url = f"/api/v1/providers/{cast.p1.urn}/learners/import"
    else:
        url = f"/api/v1/providers/{cast.p1.urn}/activities/{make_activity(cast.p1).pk}/attendance"
    response = Client().post(url, headers=bearer(plain), **upload(kind))
    body = response.json()
    if endpoint == "learners" and kind in ("empty-file", "binary-noise"):
        # A learner file is checked in the background: the job answers 202, then says what is wrong.
        assert (response.status_code, body["status"]) == (202, "failed"), response.content
    else:
        assert response.status_code == status, response.content
    assert body.get("detail") or body.get("message") or body["errors"][0]["reason"]  # says what is wrong
    assert LearnerImport.objects.filter(status="done").count() == 0
    assert not RegisterImport.objects.exists()  # a file refused as a whole makes no register job


def test_an_attendance_upload_for_a_huge_activity_id_is_404(cast: Cast, plain: str) -> None:
    url = f"/api/v1/providers/{cast.p1.urn}/activities/99999999999999999999/attendance"
    response = Client().post(url, {"file": SimpleUploadedFile("r.csv", b"UPN,Attended\r\n")}, headers=bearer(plain))
    assert response.status_code == 404


TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
NUMBERISH = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "1e9", "0x10", " 1", "1.5", "NaN", "∞", "१२"]),
    TEXT,
)


@pytest.mark.parametrize("who", ["session", "token"])
def test_no_query_input_makes_a_get_endpoint_fail(settings: Any, cast: Cast, plain: str, who: str) -> None:
    """Property: whatever the query parameters, every GET answers JSON: 200, 404 or 422 (or 401
    where a token is not accepted), never 500."""
    settings.API_RATE_PER_TOKEN = "100000/min"
    client = Client()
    if who == "session":
        client.force_login(cast.p1_leader)
    headers = bearer(plain) if who == "token" else {}
    # Each path, and whether a token (rather than a session) is refused there.
    paths = {
        "/api/v1/providers": True,
        f"/api/v1/providers/{cast.p1.urn}": True,
        "/api/v1/me": True,
        f"/api/v1/providers/{cast.p1.urn}/benchmarks": False,
        f"/api/v1/providers/{cast.p1.urn}/activities": False,
        "/api/v1/frameworks": False,
    }

    @hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        path=st.sampled_from(sorted(paths)),
        params=st.dictionaries(st.sampled_from(["offset", "limit", "q", "year", "urn"]), NUMBERISH, max_size=4),
    )
    def check(path: str, params: dict[str, str]) -> None:
        response = client.get(path, params, headers=headers)
        expected = {401} if who == "token" and paths[path] else {200, 404, 422}
        assert response.status_code in expected, (path, params, response.content)
        assert response["Content-Type"] == "application/json; charset=utf-8"

    check()


@given(urn=st.integers(min_value=-(2**80), max_value=2**80))
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_urn_makes_the_api_fail(client: Client, cast: Cast, urn: int) -> None:
    client.force_login(cast.consortium)
    assert client.get(f"/api/v1/providers/{urn}").status_code in {200, 404}


# --- The schema and the settings ---------------------------------------------------------------------


def test_the_schema_documents_401_403_and_429(db: None) -> None:
    for method, path, op in operations(Client()):
        responses = op["responses"]
        assert "429" in responses, path
        assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
        if (method, path) in PUBLIC:
            assert "401" not in responses
        else:
            assert {"401", "403"} <= set(responses), path
    write = {(m, p): op for m, p, op in operations(Client())}[("post", "/api/v1/providers/{urn}/learners/import")]
    assert "read-only" in write["responses"]["403"]["description"]


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "qic"),
        ("db://", "django.core.cache.backends.db.DatabaseCache", "qic_cache"),
        ("db://api_counts", "django.core.cache.backends.db.DatabaseCache", "api_counts"),
        (
            "redis://cache.internal:6379/1",
            "django.core.cache.backends.redis.RedisCache",
            "redis://cache.internal:6379/1",
        ),
        ("file:///srv/qic/cache", "django.core.cache.backends.filebased.FileBasedCache", "/srv/qic/cache"),
    ],
)
def test_cache_url(url: str, backend: str, location: str) -> None:
    assert cache_from_url(url) == {"BACKEND": backend, "LOCATION": location}


def test_a_bad_cache_url_or_rate_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://localhost")
    monkeypatch.setenv("API_RATE_PER_TOKEN", "lots")
    with pytest.raises(ImproperlyConfigured, match="API_RATE_PER_TOKEN must look like 120/min"):
        env_rate("API_RATE_PER_TOKEN", "120/min")
    monkeypatch.setenv("API_RATE_PER_TOKEN", "500/hour")
    assert env_rate("API_RATE_PER_TOKEN", "120/min") == "500/hour"


def test_tokens_are_never_stored_in_plain(cast: Cast, plain: str) -> None:
    assert not ApiToken.objects.filter(token_hash__contains=plain[4:]).exists()


def test_an_unexpected_error_is_a_logged_json_500(caplog: pytest.LogCaptureFixture, db: None) -> None:
    from ninja.testing import TestClient

    from qic.api_security import QicNinjaAPI

    broken = QicNinjaAPI(title="Broken", urls_namespace="broken-api-for-tests")

    @broken.get("/boom")
    def boom(request: Any) -> None:
        raise RuntimeError("the disk is on fire")

    response = TestClient(broken).get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. It has been logged; please try again later."
    }
    assert "the disk is on fire" not in response.content.decode()
    assert "the disk is on fire" in caplog.text


LATIN_1 = st.text(st.characters(codec="latin-1", exclude_categories=["Cc"]), max_size=80)


@given(header=st.one_of(LATIN_1, LATIN_1.map(lambda t: f"Bearer {t}"), LATIN_1.map(lambda t: f"Bearer qic_{t}")))
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_authorization_header_makes_the_api_fail(settings: Any, cast: Cast, header: str) -> None:
    settings.API_RATE_PER_IP = "100000/min"
    response = Client().get(f"/api/v1/providers/{cast.p1.urn}/benchmarks", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
