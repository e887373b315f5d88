"""Uploads are checked in one place (`qic.core.uploads`): a CSV passes only where the caller asks
for it (the accreditation evidence form, for destinations data, issue 16); a placement's documents
and the Compass report still refuse one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qic.core.uploads import check_upload
from qic.domain.accreditation import UploadRefused

CSV_BYTES = b"UPN,Destination,Date\r\nA1,FE college,2025-10-01\r\n"


def test_check_upload_refuses_a_csv_unless_asked_to_take_one() -> None:
    with pytest.raises(UploadRefused, match="must be a PDF"):
        check_upload(CSV_BYTES, "destinations.csv")
    checked = check_upload(CSV_BYTES, "destinations.csv", allow_csv=True)
    assert (checked.file_type, checked.data, checked.original_name) == ("csv", CSV_BYTES, "destinations.csv")
    with pytest.raises(UploadRefused, match="empty"):
        check_upload(b"", "destinations.csv", allow_csv=True)


@pytest.mark.django_db
def test_a_placements_document_cannot_be_a_csv() -> None:
    from qic.partners.placement_forms import DocumentForm

    form = DocumentForm(
        data={"kind": "risk_assessment"},
        files={"file": SimpleUploadedFile("risk.csv", CSV_BYTES, "text/csv")},
    )
    assert not form.is_valid()
    assert "must be a PDF" in " ".join(form.errors["file"])


def test_the_compass_report_cannot_be_a_csv() -> None:
    from qic.accreditation.forms import CommitmentForm

    form = CommitmentForm(
        data={"commitment_url": "https://example.org/c", "compass_tool": "compass"},
        files={"compass_report": SimpleUploadedFile("compass.csv", CSV_BYTES, "text/csv")},
    )
    assert not form.is_valid()
    assert "must be a PDF" in " ".join(form.errors["compass_report"])
