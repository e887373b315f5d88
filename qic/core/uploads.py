"""Checking an uploaded file (accreditation evidence, a placement's documents): its size, and its kind
from its content, whatever its name says (the rules: `qic.domain.accreditation.upload_type`). A CSV
is accepted only where the caller allows it (`allow_csv`: the accreditation evidence form, for
destinations data); everywhere else it is refused like any other file that is not a document."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from qic.domain import accreditation as rules


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    file_type: str
    original_name: str


def check_upload(data: bytes, original_name: str, *, allow_csv: bool = False) -> CheckedUpload:
    """The upload if its size and content are allowed, else `rules.UploadRefused` with the reason."""
    if not data:
        raise rules.UploadRefused("The selected file is empty.")
    if len(data) > settings.QIC_UPLOAD_MAX_BYTES:
        raise rules.UploadRefused(
            f"The selected file must be smaller than {settings.QIC_UPLOAD_MAX_BYTES // 2**20} MB."
        )
    names: list[str] | None = None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise rules.UploadRefused("The file looks like a Word or Excel document but is damaged.") from None
    file_type = rules.upload_type(data, names, name=original_name, csv_allowed=allow_csv)
    return CheckedUpload(data, file_type, original_name[-255:])


def checked_form_upload(field: Any, *, allow_csv: bool = False) -> CheckedUpload:
    """A form's uploaded file checked by `check_upload`; refused with a form error saying why."""
    from django import forms

    if field.size > settings.QIC_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            f"The selected file must be smaller than {settings.QIC_UPLOAD_MAX_BYTES // 2**20} MB"
        )
    try:
        return check_upload(field.read(), field.name, allow_csv=allow_csv)
    except rules.UploadRefused as exc:
        raise forms.ValidationError(str(exc)) from None
