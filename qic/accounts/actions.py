"""Sign-in and security changes. Each runs in one transaction and writes an audit event.

Sign-in events are organisation-level: they carry the user's organisation ids, never learner
data, and never a password (not even a wrong one).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qic.core import audit
from qic.core.actors import ANONYMOUS, DEMO_DATASET, SystemActor
from qic.core.models import AuditEvent
from qic.organisations.models import Membership, Role, User

RECOVERY_CODE_COUNT = 10
# The one published demo secret (RFC 4226's test key, hex of "12345678901234567890"): anyone
# may know it, which is why it is refused when settings.PRODUCTION is true.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
TOTP_DEVICE_NAME = "Authenticator app"


def demo_key_base32() -> str:
    """The demo key as authenticator apps take it."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()


def _organisation_ids(user: User | None) -> dict[str, Any]:
    """The `record` arguments that file an event under the user's organisation.

    A learner's account events (signed in, signed out, wrong password, locked out) name a child
    and say when they used the service: they are learner-level, so only their own school's
    careers leader reads them, never the Consortium or an Awarding Body."""
    membership = Membership.objects.filter(user=user).first() if user is not None and user.pk else None
    if membership is None:
        return {"awarding_body_id": None, "provider_id": None}
    return {
        "awarding_body_id": membership.awarding_body_id,
        "provider_id": membership.provider_id,
        "learner_data": membership.role == Role.LEARNER,
    }


def record_account_event(
    *, user: User, action: str, actor: User | SystemActor, after: dict[str, Any] | None = None
) -> AuditEvent:
    """Append an audit event about `user`'s account, carrying the user's organisation ids."""
    return audit.record(actor=actor, action=action, obj=user, after=after, **_organisation_ids(user))


@transaction.atomic
def record_failed_sign_in(*, email: str, reason: str) -> AuditEvent:
    """Record a refused log-in: the attempted email only, never the password.

    An address with no account still gets an event (its object has no id), so that guessing
    addresses shows in the trail.
    """
    email = email.strip()[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    subject = user or User(email=email)
    ids = _organisation_ids(user)
    return audit.record(
        actor=ANONYMOUS,
        action="user.sign_in_failed",
        obj=subject,
        after={"email": email, "reason": reason},
        **ids,
    )


@transaction.atomic
def record_lockout(*, email: str, ip_address: str) -> AuditEvent:
    """Record that repeated failures locked `email` (at `ip_address`) out for the cool-off."""
    email = email.strip()[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    ids = _organisation_ids(user)
    return audit.record(
        actor=ANONYMOUS,
        action="user.locked_out",
        obj=user or User(email=email),
        after={"email": email, "ip_address": ip_address, "minutes": settings.AXES_COOLOFF_TIME.total_seconds() // 60},
        **ids,
    )


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    return device


@transaction.atomic
def start_totp_setup(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator device, creating it with a new random key.

    The same key is shown until it is confirmed, so reloading the set-up page does not
    invalidate a code the user has already scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, actor: User) -> list[str]:
    """Confirm `device` (its code was checked), remove the user's other authenticator devices,
    issue fresh recovery codes and return them (shown once)."""
    user = device.user
    replaced = list(TOTPDevice.objects.filter(user=user).exclude(pk=device.pk))
    for old in replaced:
        old.delete()
        record_account_event(
            user=user, action="user.mfa_device_removed", actor=actor, after={"device": old.name, "replaced": True}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_account_event(user=user, action="user.mfa_device_added", actor=actor, after={"device": device.name})
    return regenerate_recovery_codes(user=user, actor=actor)


@transaction.atomic
def regenerate_recovery_codes(*, user: User, actor: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use codes; return them.

    The old codes stop working at once.
    """
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record_account_event(
        user=user, action="user.recovery_codes_regenerated", actor=actor, after={"count": RECOVERY_CODE_COUNT}
    )
    return codes


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


@transaction.atomic
def set_password(*, user: User, password: str, actor: User, how: str) -> None:
    """Set `user`'s password (`how` is "changed" or "reset") and record it, without the password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_account_event(user=user, action=f"user.password_{how}", actor=actor)


@transaction.atomic
def give_demo_device(*, user: User) -> TOTPDevice:
    """Give a demo user the published demo authenticator key. Refused in production."""
    if settings.PRODUCTION:
        raise RuntimeError("The published demo authenticator key is never used in production.")
    device, created = TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )
    if created:
        record_account_event(
            user=user, action="user.mfa_device_added", actor=DEMO_DATASET, after={"device": device.name}
        )
    return device


@dataclass(frozen=True)
class SecondFactorResult:
    device: Device | None
    error: str = ""


def wait_message(locked_until: dt.datetime | None) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes. Wait {seconds} {unit}, then enter the code your app shows"


@transaction.atomic
def check_second_factor(*, user: User, code: str) -> SecondFactorResult:
    """Check a 6-digit authenticator code or a recovery code and record the outcome.

    A recovery code is deleted when used. Wrong codes make the device wait longer before the
    next check (django-otp's throttling: 1, 2, 4… seconds). The code is never recorded.
    """
    code = "".join(code.split()).lower()
    totp = code.isascii() and code.isdigit() and len(code) == 6
    device: Device | None
    if totp:
        device = confirmed_totp_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    method = "authenticator app" if totp else "recovery code"
    if device is None:
        return SecondFactorResult(None, "Enter the 6-digit code from your authenticator app")
    allowed, info = device.verify_is_allowed()
    if not allowed:
        record_account_event(
            user=user, action="user.mfa_failed", actor=user, after={"method": method, "throttled": True}
        )
        return SecondFactorResult(None, wait_message((info or {}).get("locked_until")))
    if device.verify_token(code):
        record_account_event(user=user, action="user.mfa_verified", actor=user, after={"method": method})
        return SecondFactorResult(device)
    record_account_event(user=user, action="user.mfa_failed", actor=user, after={"method": method})
    if totp:
        return SecondFactorResult(
            None, "The code is not correct. Enter the 6-digit code your authenticator app shows now"
        )
    return SecondFactorResult(None, "The recovery code is not correct or has already been used")
