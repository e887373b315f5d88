"""Real authenticator codes for tests: computed from a device's key, as a phone app would."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qic.organisations.models import User


def totp_device_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator device, made with a random key if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now, or if that one was used already, the next one.

    django-otp refuses a code used before (it remembers the last time step) and accepts one
    step either side of now, so a second sign-in within 30 seconds uses the next step's code;
    a third waits for the clock.
    """
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        for offset in (0, 1):
            if totp.t() + offset > device.last_t and offset <= device.tolerance:
                totp.drift = device.drift + offset
                return f"{totp.token():0{device.digits}d}"
        time.sleep(1)
