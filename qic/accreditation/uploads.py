"""Checking an uploaded evidence file: the rules are in `qic.core.uploads`, shared with the
placements' documents (qic.partners may not import accreditation); kept here for its callers."""

from qic.core.uploads import CheckedUpload, check_upload

__all__ = ["CheckedUpload", "check_upload"]
