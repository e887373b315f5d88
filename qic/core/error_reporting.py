"""Optional error reporting to Sentry (or any service that speaks its protocol).

Off unless SENTRY_DSN is set. When it is, sentry-sdk reports unhandled errors in requests, task
workers and commands, with Django's integration, and sends as little as it can about people:
- `send_default_pii=False`: no user id, e-mail, IP address, cookies or headers that identify;
- `max_request_body_size="never"`: no form or API body (it may hold learners' names);
- `include_local_variables=False`: no values from the stack (they may too).
SENTRY_ENVIRONMENT (default: QIC_ENV) and SENTRY_RELEASE (default: none) label the reports;
SENTRY_TRACES_SAMPLE_RATE (default 0) turns on performance tracing for that share of requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def init_from_env(env: Mapping[str, str], *, default_environment: str, transport: Any = None) -> bool:
    """Initialise sentry-sdk when env has SENTRY_DSN; True when it did. `transport` is for tests."""
    dsn = env.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    try:
        traces = float(env.get("SENTRY_TRACES_SAMPLE_RATE", "0") or "0")
    except ValueError:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1") from None
    if not 0 <= traces <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1")
    options: dict[str, Any] = {
        "dsn": dsn,
        "integrations": [DjangoIntegration()],
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "environment": env.get("SENTRY_ENVIRONMENT", "").strip() or default_environment,
        "release": env.get("SENTRY_RELEASE", "").strip() or None,
        "traces_sample_rate": traces,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True
