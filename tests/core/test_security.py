"""Security headers on every response, and the production settings' refusal to run unsafely."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/framework/qic-2024/", "/no-such-page/"])
def test_every_page_has_a_strict_csp_with_a_matching_nonce(path: str, edition: object, client: Client) -> None:
    response = client.get(path, follow=True)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_responses_carry_the_csp_too(client: Client, db: None) -> None:
    assert "default-src 'self'" in client.get("/api/v1/frameworks")["Content-Security-Policy"]


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"QIC_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_check({"QIC_ENV": "production", "ALLOWED_HOSTS": "qic.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRODUCTION_ENV = {"QIC_ENV": "production", "SECRET_KEY": "x" * 20 + "y7#kq2!" * 6, "ALLOWED_HOSTS": "qic.example.org"}


@pytest.mark.parametrize(
    "backend",
    [
        None,  # the default: the console
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_production_refuses_to_start_with_mail_that_is_never_delivered(backend: str | None) -> None:
    # Password reset links printed to a log would never reach anyone (or reach the wrong people).
    result = run_check({**PRODUCTION_ENV, **({"EMAIL_BACKEND": backend} if backend else {})})
    assert result.returncode != 0
    assert "EMAIL_BACKEND must deliver mail in production" in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = run_check({**PRODUCTION_ENV, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
