"""Tasks of the national figures: the nightly recomputation (also `manage.py compute_national_figures`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from qic.core.jobs import retry_if_lost
from qic.national import actions


@task()
def compute_national_figures() -> dict[str, int]:
    """Recompute each provider's benchmark aggregates for this academic year and the four before,
    and its destination aggregates for the last three leaving cohorts."""
    today = timezone.localdate()
    years = actions.current_and_past_years(today)
    return {
        "aggregates": actions.compute_national_figures(years=years, today=today),
        "destination_aggregates": actions.compute_national_destinations(today=today),
    }


# A recomputation replaces the rows it writes: safe to run again.
retry_if_lost(compute_national_figures)
