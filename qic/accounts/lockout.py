"""Lockout after repeated failed log-ins, by django-axes.

Axes counts failures per (account, IP address) and per IP address, and compares the larger
count with one limit. We want a larger limit for an address than for an account at that
address (a school's many staff may share one address), so the per-address count is scaled
down to the per-account scale before axes compares it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind our proxy, the last X-Forwarded-For entry (the proxy's own)."""
    if settings.QIC_TRUST_FORWARDED_FOR:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures on the per-account scale: locked when this reaches AXES_FAILURE_LIMIT."""
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        address_locked = per_address >= settings.QIC_LOCKOUT_IP_FAILURES
        return max(per_account, settings.AXES_FAILURE_LIMIT if address_locked else 0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a right password, forget that account's failures at this address only.

        Axes would also forget every failure from the address, so one valid account could wipe
        the per-address count that guards all the others.
        """
        per_account = self.filter_user_attempts(request, credentials)[0]
        deleted, _ = per_account.delete()
        return int(deleted)
