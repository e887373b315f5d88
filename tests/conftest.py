"""Shared fixtures: a fixed cast of users across two of every kind of tenant.

Tenant A is Provider p1, a client of Awarding Body ab1; tenant B is p2, a client of ab2.
Every access test runs the same cast, so every feature is tested allowed and denied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache, caches
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from qic.accounts.receivers import audit_login, audit_logout
from qic.core.actors import SystemActor
from qic.frameworks.loading import load_edition, read_edition_file
from qic.frameworks.models import Edition
from qic.organisations.models import AwardingBody, Provider, Role, User
from tests.factories import (
    AwardingBodyFactory,
    ProviderFactory,
    assign,
    make_learner,
    make_learner_account,
    make_member,
)
from tests.totp import totp_device_for

FRAMEWORK_FILE = Path(__file__).resolve().parent.parent / "qic" / "frameworks" / "data" / "qic-2024.yaml"


def pytest_configure() -> None:
    # The SQLite test database is a file under var/ (so that a worker process can share it); a
    # fresh clone has no var/ yet.
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and test_name:
        Path(test_name).parent.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # Background tasks run at once in tests, so assertions see their results; the tests of the
    # real worker (tests/core/test_worker.py) use the database backend and a worker process.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    # Progress of long jobs: a cache of each test's own.
    settings.CACHES = {  # type: ignore[attr-defined]
        **settings.CACHES,  # type: ignore[attr-defined]
        "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-progress"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The cache holds the API's throttling counts; each test starts with none.
    cache.clear()
    caches["progress"].clear()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    # Uploaded evidence goes to a fresh folder per test, never the developer's var/uploads.
    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _force_login_means_fully_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` means a fully signed-in user: password AND second factor.

    Every role must pass the second factor (qic.accounts.middleware.SecondFactorMiddleware), so
    a session that only had its password accepted sees no data. force_login therefore also gives
    the user a real confirmed authenticator device (if they have none) and marks the session as
    verified by it, exactly as django_otp.login does after a right code. It is a test shortcut,
    not a log-in, so it writes no "signed in" audit event, and `client.logout()` likewise writes
    no "signed out" event. The real log-in form, real codes, lockout, session limits and their
    audit events are tested in tests/accounts/.
    """
    original = Client.force_login
    original_logout = Client.logout

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        user_logged_in.disconnect(audit_login, dispatch_uid="qic_audit_login")
        try:
            original(self, user, backend)
        finally:
            user_logged_in.connect(audit_login, dispatch_uid="qic_audit_login")
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()

    def logout(self: Client) -> None:
        user_logged_out.disconnect(audit_logout, dispatch_uid="qic_audit_logout")
        try:
            original_logout(self)
        finally:
            user_logged_out.connect(audit_logout, dispatch_uid="qic_audit_logout")

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "logout", logout)


@dataclass
class Cast:
    ab1: AwardingBody
    ab2: AwardingBody
    p1: Provider
    p2: Provider
    consortium: User
    ab1_admin: User
    ab2_admin: User
    assessor_assigned: User
    assessor_unassigned: User
    p1_leader: User
    p1_staff: User
    p1_governor: User
    p2_leader: User
    # Learners who sign in to their own record (two at p1, one at p2): made only by `walk_cast`,
    # so the many tests that count p1's learners see none of them.
    p1_learner: User | None = None
    p1_learner_b: User | None = None
    p2_learner: User | None = None

    def user(self, name: str) -> User | None:
        return None if name == "anon" else getattr(self, name)


CAST_NAMES = [
    "anon",
    "consortium",
    "ab1_admin",
    "ab2_admin",
    "assessor_assigned",
    "assessor_unassigned",
    "p1_leader",
    "p1_staff",
    "p1_governor",
    "p2_leader",
]
LEARNER_CAST_NAMES = ["p1_learner", "p1_learner_b", "p2_learner"]
# Everyone the every-URL walks try: the cast and its learners.
WALK_NAMES = CAST_NAMES + LEARNER_CAST_NAMES


@pytest.fixture
def cast(db: None) -> Cast:
    ab1 = AwardingBodyFactory(name="North Awards")
    ab2 = AwardingBodyFactory(name="South Awards", award_validity_months=24)
    p1 = ProviderFactory(name="Alpha Academy", awarding_body=ab1)
    p2 = ProviderFactory(name="Beta College", awarding_body=ab2)
    assessor_assigned = make_member(Role.ASSESSOR, awarding_body=ab1, email="assessor.a@example.org")
    assign(assessor_assigned, p1)
    return Cast(
        ab1=ab1,
        ab2=ab2,
        p1=p1,
        p2=p2,
        consortium=make_member(Role.CONSORTIUM_ADMIN, email="consortium@example.org"),
        ab1_admin=make_member(Role.AWARDING_BODY_ADMIN, awarding_body=ab1, email="admin1@example.org"),
        ab2_admin=make_member(Role.AWARDING_BODY_ADMIN, awarding_body=ab2, email="admin2@example.org"),
        assessor_assigned=assessor_assigned,
        assessor_unassigned=make_member(Role.ASSESSOR, awarding_body=ab1, email="assessor.u@example.org"),
        p1_leader=make_member(Role.CAREERS_LEADER, provider=p1, email="leader1@example.org"),
        p1_staff=make_member(Role.PROVIDER_STAFF, provider=p1, email="staff1@example.org"),
        p1_governor=make_member(Role.GOVERNOR, provider=p1, email="governor1@example.org"),
        p2_leader=make_member(Role.CAREERS_LEADER, provider=p2, email="leader2@example.org"),
    )


@pytest.fixture
def walk_cast(cast: Cast) -> Cast:
    """The cast with its learners signed up: Ayla and Bram at p1, Cleo at p2."""
    for name, provider, upn, forename in (
        ("p1_learner", cast.p1, "A100000000001", "Ayla"),
        ("p1_learner_b", cast.p1, "B100000000001", "Bram"),
        ("p2_learner", cast.p2, "C100000000001", "Cleo"),
    ):
        learner = make_learner(provider, upn=upn, forename=forename, surname="Castwalker")
        setattr(cast, name, make_learner_account(learner, sign_in_name=f"{forename.lower()}.cast"))
    return cast


@pytest.fixture
def edition(db: None) -> Edition:
    return load_edition(read_edition_file(FRAMEWORK_FILE), actor=SystemActor("tests")).edition
