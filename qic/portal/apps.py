from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "qic.portal"
    label = "portal"
    verbose_name = "Learners' own pages"

    def ready(self) -> None:
        # Erases what a learner wrote when the programme anonymises them.
        from qic.portal import receivers  # noqa: F401
        from qic.portal.models import LearnerEntry
        from qic.portal.queries import (
            SUBJECT_ACCESS_HEADERS,
            SUBJECT_ACCESS_WIDTHS,
            subject_access_cells,
            subject_access_rows,
        )
        from qic.programme.subject_access import register_section

        # The learner's own entries are theirs to ask for: programme's export cannot import
        # the portal, so the portal adds them (docs/subject-access-export.md, key "entries").
        register_section(
            LearnerEntry,
            "entries",
            subject_access_rows,
            title="Experiences and achievements the learner recorded",
            headers=SUBJECT_ACCESS_HEADERS,
            cells=subject_access_cells,
            widths=SUBJECT_ACCESS_WIDTHS,
        )
