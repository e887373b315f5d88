"""Adding an independent training provider in a real browser, and a primary school's view of
the secondary benchmark pages: accessible (axe), usable at 390 px, error summary linked to fields."""

from __future__ import annotations

from typing import Any

from qic.domain.provider_types import ProviderType
from qic.organisations.models import Provider
from tests.browser.test_data_safety import check_page
from tests.browser.test_roles import sign_in
from tests.browser.test_workspace import assert_error_summary_links_to_fields
from tests.conftest import Cast


def test_an_awarding_body_adds_an_itp_through_the_form(cast: Cast, edition: Any, live_server: Any, page: Any) -> None:
    site = live_server.url
    sign_in(page, site, cast.ab1_admin.email)
    page.goto(f"{site}/providers/")
    page.get_by_role("link", name="Add an independent training provider").click()
    assert page.locator("h1").inner_text() == "Add an independent training provider"
    check_page(page)

    # Nothing filled in: each required field is reported and linked from the summary.
    page.get_by_role("button", name="Add the provider").click()
    assert_error_summary_links_to_fields(page)
    assert "Enter the provider's name" in page.locator(".govuk-error-summary").inner_text()
    assert "Enter the UKPRN" in page.locator(".govuk-error-summary").inner_text()
    check_page(page)

    page.get_by_label("Name").fill("Skills Forward Training Ltd")
    page.get_by_label("UKPRN").fill("1001234")
    page.get_by_label("Postcode (optional)").fill("WS1 1AA")
    page.get_by_label("Region (optional)").select_option("West Midlands")
    page.get_by_role("button", name="Add the provider").click()
    assert "The UKPRN must be 8 digits; you entered 7" in page.locator(".govuk-error-summary").inner_text()
    check_page(page)

    page.get_by_label("UKPRN").fill("10012345")
    page.get_by_role("button", name="Add the provider").click()
    page.wait_for_url(f"{site}/providers/10012345/")
    assert "Independent training provider · UKPRN 10012345" in page.locator("main").inner_text()
    check_page(page)
    itp = Provider.objects.get(urn=10012345)
    assert (itp.provider_type, itp.awarding_body_id) == (ProviderType.INDEPENDENT_TRAINING_PROVIDER.value, cast.ab1.pk)


def test_a_primary_school_is_told_the_benchmarks_do_not_apply(
    cast: Cast, edition: Any, live_server: Any, page: Any
) -> None:
    cast.p1.provider_type = ProviderType.PRIMARY.value
    cast.p1.save()
    site = live_server.url
    sign_in(page, site, cast.p1_leader.email)
    page.get_by_role("link", name="Primary careers award: your workbook").click()
    page.wait_for_url(f"{site}/providers/{cast.p1.urn}/primary/")
    page.goto(f"{site}/providers/{cast.p1.urn}/benchmarks/")
    assert page.locator("h1").inner_text() == "These benchmarks do not apply"
    check_page(page)
    page.goto(f"{site}/providers/{cast.p1.urn}/accreditation/commitment/")
    assert page.locator("h1").inner_text() == "Commitment to the Standard is not for primary schools"
    check_page(page)
    page.get_by_role("link", name="Go to the primary careers award workbook").click()
    page.wait_for_url(f"{site}/providers/{cast.p1.urn}/primary/")
