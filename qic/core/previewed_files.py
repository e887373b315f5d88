"""A previewed import file carried to its confirm step in a hidden form field: compressed, and
signed so that what is confirmed is the file that was previewed, by the same person, for the same
school, within `max_age` seconds — no model and nothing kept on disk between the two requests.

Used by the employer import (qic.partners) and the destinations import (qic.destinations)."""

from __future__ import annotations

import base64
import binascii
import zlib

from django.core import signing


def pack(*, salt: str, name: str, data: bytes) -> str:
    """The file and its name as one signed text for a hidden field."""
    body = base64.urlsafe_b64encode(zlib.compress(data, 6)).decode("ascii")
    name_part = base64.urlsafe_b64encode(name[:255].encode("utf-8")).decode("ascii")
    return signing.TimestampSigner(salt=salt).sign(f"{name_part}.{body}")


def unpack(packed: str, *, salt: str, max_age: int, max_bytes: int) -> tuple[str, bytes] | None:
    """(name, data) if `packed` was made by `pack` with this salt within `max_age` seconds, else
    None. Decompression stops past `max_bytes`, whatever the packed text holds."""
    try:
        value = signing.TimestampSigner(salt=salt).unsign(packed, max_age=max_age)
        name_part, body = value.split(".", 1)
        data = zlib.decompressobj().decompress(base64.urlsafe_b64decode(body), max_bytes + 1)
        return base64.urlsafe_b64decode(name_part).decode("utf-8"), data
    except (signing.BadSignature, ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
        return None
