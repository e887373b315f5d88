"""Destinations in the portfolio and the national figures, in a real browser (issue 16, items 4
and 5): the careers leader sees destinations "held here" on the evidence checklist, opens criterion
3.4 by its link and reads the three cohorts, adds a CSV of destinations data through the form; the
Consortium reads the destinations of award holders and others. Each page: axe (serious and
critical) and no sideways scroll at 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qic.domain.academic import academic_year_of
from tests.accreditation.test_destinations_evidence import CSV_BYTES, leaver, went
from tests.browser.test_data_safety import check_page
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_round
from tests.national.test_destination_figures import figures


def test_the_careers_leader_reads_criterion_3_4_and_adds_a_csv(
    cast: Cast, edition: Any, live_server: Any, page: Any, tmp_path: Any
) -> None:
    cohort = academic_year_of(timezone.localdate()) - 2  # finished two years ago: sustained is known
    for n in range(12):
        learner = leaver(cast.p1, n, cohort, disadvantaged=n < 6)
        went(learner, ["fe", "sfc", "appren", "neet"][n % 4], dt.date(cohort + 1, 10, 1), n % 4 != 3)
    accreditation = make_round(cast, "committed")
    base = f"{live_server.url}/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/"
    sign_in(page, live_server.url, cast.p1_leader.email)

    page.goto(base)
    checklist = page.locator("dl.govuk-summary-list").filter(has_text="Destinations data for the last three years")
    assert "Held here: 1 cohort recorded." in checklist.inner_text()
    check_page(page)

    page.get_by_role("link", name="3.4", exact=True).click()
    page.wait_for_url(base + "criteria/3.4/")
    table = page.get_by_role("table", name="Key stage 4 leavers")
    text = table.inner_text()
    assert "75% (9)" in text  # nine of twelve sustained
    assert "Secretname" not in page.locator("main").inner_text()
    check_page(page)

    page.get_by_role("link", name="Add a document for this criterion").click()
    page.get_by_label("Destinations data for the last three years").check()
    csv_file = tmp_path / "destinations.csv"
    csv_file.write_bytes(CSV_BYTES)
    page.get_by_label("Document").set_input_files(str(csv_file))
    page.get_by_role("button", name="Add the document").click()
    page.wait_for_url(base + "#documents")
    assert "(CSV," in page.get_by_role("table", name="Documents", exact=True).inner_text()


def test_the_consortium_reads_destinations_of_award_holders_and_others(
    cast: Cast, edition: Any, live_server: Any, page: Any
) -> None:
    for i in range(14):
        figures(ProviderFactory(), year=2024, cohort=120, sustained=100, not_sustained=12, unknown=8, holder=i < 7)
    sign_in(page, live_server.url, cast.consortium.email)
    page.goto(f"{live_server.url}/consortium/analytics/")
    table = page.get_by_role("table", name="Key stage 4 cohort that finished in 2024/25")
    assert "Award holders 7 840 83%" in " ".join(table.inner_text().split())
    check_page(page)
