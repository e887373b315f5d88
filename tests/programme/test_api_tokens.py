"""API tokens: read-only or read and write, expiry, last use, the MIS connection page, revoking."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from qic.core.models import AuditEvent
from qic.domain.dates import long_datetime
from qic.learners.models import Learner, LearnerImport
from qic.programme import actions
from qic.programme.models import ApiToken
from tests.conftest import Cast

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "learners"


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


def benchmarks(client: Client, cast: Cast, plain: str) -> object:
    return client.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2025", headers=bearer(plain))


def import_learners(client: Client, cast: Cast, plain: str) -> object:
    data = (FIXTURES / "learners_school.csv").read_bytes()
    return client.post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import",
        {"file": SimpleUploadedFile("roll.csv", data, content_type="text/csv")},
        headers=bearer(plain),
    )


def long_date(moment: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


def table(html: str, table_id: str) -> str:
    match = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert match is not None, f"no table {table_id}"
    return match.group(1)


def row_containing(html: str, text: str) -> str:
    rows = [r for r in re.findall(r"<tr.*?</tr>", html, re.S) if text in r]
    assert len(rows) == 1, rows
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0])).strip()


# --- Scope ---------------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_may_not_write(cast: Cast) -> None:
    _token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="Figures", scope="read", actor=cast.p1_leader)
    api = Client()
    assert benchmarks(api, cast, plain).status_code == 200  # type: ignore[attr-defined]
    response = import_learners(api, cast, plain)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "detail": "This token is read-only: it can read figures and activities but cannot send files or change "
        "anything. Create a read and write token on your provider's MIS connection page."
    }
    assert (Learner.objects.count(), LearnerImport.objects.count()) == (0, 0)


def test_a_read_only_token_may_not_send_a_register_either(cast: Cast) -> None:
    from tests.factories import make_activity

    activity = make_activity(cast.p1)
    _token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="Figures", scope="read", actor=cast.p1_leader)
    response = Client().post(
        f"/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance",
        {"file": SimpleUploadedFile("register.csv", b"UPN,Attended\r\n")},
        headers=bearer(plain),
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_a_read_and_write_token_imports(cast: Cast) -> None:
    _token, plain = actions.create_api_token(
        provider_id=cast.p1.pk, name="Sync", scope="read_write", actor=cast.p1_leader
    )
    response = import_learners(Client(), cast, plain)
    assert response.status_code == 202  # type: ignore[attr-defined]
    assert response.json()["status"] == "done"  # type: ignore[attr-defined]
    assert Learner.objects.filter(provider=cast.p1).count() == 12


@pytest.mark.parametrize(("scope", "days"), [("admin", 365), ("read", 400), ("read", 0)])
def test_the_action_refuses_an_unknown_scope_or_period(cast: Cast, scope: str, days: int) -> None:
    with pytest.raises(ValueError, match=r"scope|valid for"):
        actions.create_api_token(provider_id=cast.p1.pk, name="X", scope=scope, valid_days=days, actor=cast.p1_leader)
    assert ApiToken.objects.count() == 0


# --- Expiry --------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 90, 365])
def test_a_token_expires_after_the_chosen_period(cast: Cast, days: int) -> None:
    before = timezone.now()
    token, _plain = actions.create_api_token(
        provider_id=cast.p1.pk, name="X", scope="read", valid_days=days, actor=cast.p1_leader
    )
    assert before + dt.timedelta(days=days) <= token.expires_at <= timezone.now() + dt.timedelta(days=days)


def test_by_default_a_token_lasts_a_year(cast: Cast) -> None:
    token, _plain = actions.create_api_token(provider_id=cast.p1.pk, name="X", scope="read", actor=cast.p1_leader)
    assert abs(token.expires_at - token.created_at - dt.timedelta(days=365)) < dt.timedelta(seconds=1)


def test_an_expired_token_is_401_and_says_so(cast: Cast) -> None:
    token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="X", scope="read", actor=cast.p1_leader)
    api = Client()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(seconds=30))
    assert benchmarks(api, cast, plain).status_code == 200  # type: ignore[attr-defined]
    expired_at = timezone.now() - dt.timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=expired_at, last_used_at=None)
    response = benchmarks(api, cast, plain)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "detail": f"This token expired on {long_date(expired_at)}. "
        "Create a new one on your provider's MIS connection page."
    }
    token.refresh_from_db()
    assert token.last_used_at is None  # a refused call is not a use


# --- Last used -------------------------------------------------------------------------------


def token_updates(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]


def test_last_use_is_written_at_most_once_a_minute(cast: Cast) -> None:
    token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="X", scope="read", actor=cast.p1_leader)
    api = Client()
    with CaptureQueriesContext(connection) as first:
        assert benchmarks(api, cast, plain).status_code == 200  # type: ignore[attr-defined]
    assert len(token_updates(first)) == 1
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    with CaptureQueriesContext(connection) as again:
        for _ in range(3):
            assert benchmarks(api, cast, plain).status_code == 200  # type: ignore[attr-defined]
    assert token_updates(again) == []
    token.refresh_from_db()
    assert token.last_used_at == first_use

    # A minute later, the next call is written again.
    a_minute_ago = timezone.now() - dt.timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_minute_ago)
    with CaptureQueriesContext(connection) as later:
        assert benchmarks(api, cast, plain).status_code == 200  # type: ignore[attr-defined]
    assert len(token_updates(later)) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > a_minute_ago + dt.timedelta(seconds=60)


# --- The MIS connection page -----------------------------------------------------------------


def test_the_form_offers_read_only_and_a_year_by_default(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/api-tokens/").content.decode()
    assert re.search(r'<input[^>]*value="read"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="read_write"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="365"[^>]*checked', html)
    for label in ("Read only: benchmark figures and activities", "After 30 days", "After 90 days", "After 1 year"):
        assert label in html


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"name": "Sync", "valid_days": "365"},
            {"scope": ["Choose whether the token may only read, or read and write"]},
        ),
        ({"name": "Sync", "scope": "read"}, {"valid_days": ["Choose when the token stops working"]}),
        (
            {"name": "Sync", "scope": "everything", "valid_days": "3650"},
            {
                "scope": ["Select a valid choice. everything is not one of the available choices."],
                "valid_days": ["Select a valid choice. 3650 is not one of the available choices."],
            },
        ),
    ],
)
def test_scope_and_expiry_are_required_choices(
    client: Client, cast: Cast, data: dict[str, str], errors: dict[str, list[str]]
) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(f"/providers/{cast.p1.urn}/api-tokens/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert "There is a problem" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_page_lists_each_tokens_details(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/api-tokens/"
    response = client.post(url, {"name": "SIMS nightly sync", "scope": "read_write", "valid_days": "90"}, follow=True)
    html = response.content.decode()
    plain = re.search(r'<code class="qic-token">(qic_[A-Za-z0-9_-]+)</code>', html)
    assert plain is not None
    sims = ApiToken.objects.get()
    assert (sims.scope, sims.name) == ("read_write", "SIMS nightly sync")
    assert AuditEvent.objects.get().after == {
        "name": "SIMS nightly sync",
        "prefix": sims.prefix,
        "scope": "read_write",
        "expires_at": sims.expires_at.astimezone(dt.UTC).isoformat(),
    }
    figures, _ = actions.create_api_token(provider_id=cast.p1.pk, name="Figures", scope="read", actor=cast.p1_leader)
    ApiToken.objects.filter(pk=figures.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    figures.refresh_from_db()
    assert benchmarks(Client(), cast, plain.group(1)).status_code == 200  # type: ignore[attr-defined]
    sims.refresh_from_db()
    assert sims.last_used_at is not None

    page = client.get(url).content.decode()
    assert plain.group(1) not in page  # shown once only
    leader = cast.p1_leader.get_full_name() or cast.p1_leader.email
    used = long_datetime(sims.last_used_at)
    assert row_containing(table(page, "tokens"), "SIMS nightly sync") == (
        f"SIMS nightly sync Read and write {sims.prefix}… {long_date(sims.created_at)} by {leader} "
        f"{long_date(sims.expires_at)} {used} Revoke SIMS nightly sync"
    )
    assert row_containing(table(page, "tokens"), "Figures") == (
        f"Figures Read only {figures.prefix}… {long_date(figures.created_at)} by {leader} "
        f"Expired {long_date(figures.expires_at)} Never used Revoke Figures"
    )
    assert 'id="revoked-tokens"' not in page


def test_revoking_asks_first_then_moves_the_token_to_revoked(client: Client, cast: Cast) -> None:
    token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="SIMS", scope="read", actor=cast.p1_leader)
    client.force_login(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/api-tokens/{token.pk}/revoke/"

    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Revoke the token “SIMS”?" in html
    assert "will stop working at once" in html
    assert "Yes, revoke this token" in html
    token.refresh_from_db()
    assert token.revoked_at is None  # asking changes nothing
    assert benchmarks(Client(), cast, plain).status_code == 200  # type: ignore[attr-defined]

    done = client.post(url, follow=True)
    page = done.content.decode()
    assert "The token “SIMS” no longer works." in page
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "No tokens yet." in table(page, "tokens")
    revoked_row = row_containing(table(page, "revoked-tokens"), "SIMS")
    assert long_datetime(token.revoked_at) in revoked_row
    assert benchmarks(Client(), cast, plain).status_code == 401  # type: ignore[attr-defined]
    assert client.get(url).status_code == 404  # already revoked
    assert client.post(url).status_code == 404
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == ["api_token.created", "api_token.revoked"]


@pytest.mark.parametrize(
    ("name", "status"),
    [("p1_staff", 403), ("p1_governor", 403), ("ab1_admin", 403), ("p2_leader", 404), ("ab2_admin", 404)],
)
def test_only_the_careers_leader_may_revoke(client: Client, cast: Cast, name: str, status: int) -> None:
    token, _plain = actions.create_api_token(provider_id=cast.p1.pk, name="SIMS", scope="read", actor=cast.p1_leader)
    client.force_login(cast.user(name))
    assert client.post(f"/providers/{cast.p1.urn}/api-tokens/{token.pk}/revoke/").status_code == status
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_providers_token_cannot_be_revoked_under_our_urn(client: Client, cast: Cast) -> None:
    theirs, _plain = actions.create_api_token(provider_id=cast.p2.pk, name="Theirs", scope="read", actor=cast.p2_leader)
    client.force_login(cast.p1_leader)
    assert client.post(f"/providers/{cast.p1.urn}/api-tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# --- The migration -------------------------------------------------------------------------------


def test_tokens_made_before_scopes_keep_writing_and_expire_a_year_after_they_were_made(
    transactional_db: None, cast: Cast
) -> None:
    from django.db.migrations.executor import MigrationExecutor

    before = [("programme", "0002_tally_covering_index")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        made = timezone.now() - dt.timedelta(days=10)
        old_token = old_apps.get_model("programme", "ApiToken").objects.create(
            provider_id=cast.p1.pk,
            name="Old SIMS",
            token_hash="a" * 64,
            prefix="abcdefgh",
            created_by_id=cast.p1_leader.pk,
        )
        old_apps.get_model("programme", "ApiToken").objects.filter(pk=old_token.pk).update(created_at=made)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # every app back to its latest
    token = ApiToken.objects.get(pk=old_token.pk)
    assert token.scope == ApiToken.Scope.READ_WRITE
    assert token.expires_at == made + dt.timedelta(days=365)


def test_the_token_page_is_never_cached(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/api-tokens/", {"name": "S", "scope": "read", "valid_days": "30"}, follow=True
    )
    assert "qic-token" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
