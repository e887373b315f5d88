"""The Consortium's upload of a DfE destination measures file."""

from __future__ import annotations

from typing import Any

from django import forms

from qic.core.forms import GovukForm
from qic.destinations.models import STAGE_CHOICES

# The page loads in the request: a 20 MB file of 100,000 national and local-authority rows takes
# about 10 seconds on a quiet machine, but a 35 MB one took 29 s on a busy one, close to the web
# server's 30-second timeout (decision 80), so the page takes up to 20 MB. The command takes any size.
MAX_BYTES = 20 * 1024 * 1024


class DfeUploadForm(GovukForm):
    file = forms.FileField(
        label="Destination measures file (CSV)",
        help_text="A CSV file of the KS4 or 16–18 destination measures downloaded from explore-education-statistics",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
    stage = forms.ChoiceField(
        label="Which measures are in the file?",
        choices=STAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage of the measures: Key stage 4 or 16–18"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB: "
                "load a larger file with manage.py load_dfe_destinations"
            )
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return upload
