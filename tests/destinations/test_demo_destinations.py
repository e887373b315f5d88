"""The demo's destinations (issue 16): the demo school has three leaving cohorts with destinations of
every kind and this year's intentions, so the analysis and criterion 3.4 show real figures; the
synthetic national providers have labelled destination aggregates; no DfE figures are invented."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from qic.accreditation.models import Accreditation
from qic.accreditation.queries import destinations_recorded, destinations_summary, evidence_held_here
from qic.demo.destinations import build_destinations, build_synthetic_destination_figures
from qic.destinations.models import Destination, DfeFigure, DfeRelease
from qic.domain.academic import academic_year_of
from qic.national import queries as national_queries
from qic.national.models import ProviderDestinationFigures
from qic.organisations.models import Provider


@pytest.mark.usefixtures("edition")
def test_the_demo_has_destinations_for_three_cohorts_and_national_figures(settings: Any) -> None:
    from qic.demo.build import build_demo

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build_demo()
    today = timezone.localdate()
    school = Provider.objects.get(urn=990001)
    destinations = Destination.objects.filter(provider=school)
    actual = Counter(destinations.filter(kind="actual").values_list("category", flat=True))
    # Every kind of destination a real school sees (the sixth form: those still on roll count there).
    for category in ("sfc", "fe", "appren", "work", "he", "neet", "unknown"):
        assert actual[category] > 0, category
    assert destinations.filter(kind="actual", sustained=False).exists()
    # This year's Year 11 have intended destinations.
    year = academic_year_of(today)
    year_11 = [
        pk for pk, group, recorded in school.learners.values_list("pk", "year_group", "year_group_recorded_in")
        if recorded is not None and group + (year - recorded) == 11
    ]  # fmt: skip
    assert destinations.filter(kind="intended", learner_id__in=year_11).count() > len(year_11) // 2
    assert not destinations.filter(kind="actual", learner_id__in=year_11).exists()

    # Criterion 3.4 and the evidence checklist read them: both stages, three cohorts each.
    assert destinations_recorded(school, today=today) == 6
    summaries = destinations_summary(school, today=today)
    assert [s.stage.value for s in summaries] == ["KS4", "16-18"]
    assert all(len(s.lines) == 3 and all(line.cohort > 0 for line in s.lines) for s in summaries)
    accreditation = Accreditation.objects.filter(provider=school).order_by("-pk").first()
    if accreditation is not None:
        assert "destinations" in evidence_held_here(accreditation, today=today)

    # National: the school's own aggregates, and labelled synthetic ones enough to show figures.
    assert ProviderDestinationFigures.objects.filter(provider=school, synthetic=False).count() == 6
    assert ProviderDestinationFigures.objects.filter(synthetic=True, provider__urn__lt=990000).count() > 300
    cohorts = national_queries.destinations_by_holding()
    assert {c.stage.value for c in cohorts} == {"KS4", "16-18"}
    assert all(c.others.sustained.value is not None or c.others.not_yet_known.value for c in cohorts)
    assert any(c.holders.learners for c in cohorts)
    # No invented DfE figures: the comparison says "not loaded" until the Consortium loads a file.
    assert not DfeRelease.objects.exists()
    assert not DfeFigure.objects.exists()
    # Running it again adds nothing.
    count = Destination.objects.count()
    assert build_destinations(school, today=today) == 0
    assert build_synthetic_destination_figures(today=today) == 0
    assert Destination.objects.count() == count
