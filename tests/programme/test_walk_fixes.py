"""Fixes from a careers leader's walk through the issue-10 pages: the dashboard and measure page
name the years a rule set is used for once and plainly, and every dashboard table scrolls inside
its own focusable region at phone width."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from tests.conftest import Cast
from tests.factories import make_activity, make_primary_award


def test_the_2018_rules_are_named_as_used_up_to_2024_25_not_from_2000(client: Client, cast: Cast, edition: Any) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2024").content.decode()
    assert "2024/25 is measured on the Gatsby Benchmarks (2018 definitions)</strong> (used up to 2024/25)." in html
    assert "2000/01" not in html
    measure = client.get(f"/providers/{cast.p1.urn}/benchmarks/BM2/?year=2024").content.decode()
    assert "Gatsby Benchmarks (2018 definitions) (gatsby-2018), used up to 2024/25" in measure
    assert "2000/01" not in measure


def test_the_refreshed_rules_name_their_first_year_once(client: Client, cast: Cast, edition: Any) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2026").content.decode()
    assert "2026/27 is measured on the Refreshed Gatsby Benchmarks (from 2025/26)</strong>." in html
    assert "(from 2025/26) (from 2025/26)" not in html
    measure = client.get(f"/providers/{cast.p1.urn}/benchmarks/BM5/?year=2026").content.decode()
    assert "(gatsby-2025), used from 2025/26" in measure


def test_every_dashboard_table_scrolls_in_a_focusable_labelled_region(client: Client, cast: Cast, edition: Any) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2026").content.decode()
    tables = html.count("<table")
    assert tables >= 3
    regions = re.findall(r'<div class="qic-scroll" role="region" aria-labelledby="([^"]+)" tabindex="0"><table', html)
    assert len(regions) == tables
    for label in regions:
        assert f'id="{label}"' in html


def test_an_empty_activity_form_names_each_missing_answer_and_the_title_says_error(
    client: Client, cast: Cast, edition: Any
) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", {"description": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == ["Enter the activity's title"]
    assert errors["activity_type"] == ["Choose the activity type"]
    assert errors["subtype"] == ["Choose the kind of activity"]
    assert errors["date"] == ["Enter the date of the activity"]
    html = response.content.decode()
    assert "This field is required." not in html
    assert "<title>Error: Add an activity" in html


def test_provider_access_names_a_college_type_as_recorded_not_as_a_fe_college(
    client: Client, cast: Cast, edition: Any
) -> None:
    cast.p2.provider_type = "fe_college"
    cast.p2.save(update_fields=["provider_type"])
    client.force_login(cast.p2_leader)
    html = client.get(f"/providers/{cast.p2.urn}/provider-access/").content.decode()
    assert "Beta College is recorded as “FE college”, so the duty does not apply" in html
    assert "a fe college" not in html


def test_a_primary_school_is_not_sent_to_benchmark_6_from_the_guarantee_page(
    client: Client, cast: Cast, edition: Any
) -> None:
    cast.p1.provider_type = "primary"
    cast.p1.save(update_fields=["provider_type"])
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/work-experience/").content.decode()
    assert "has no pupils in those years" in html
    assert "Benchmark 6" not in html
    cast.p2.provider_type = "fe_college"
    cast.p2.save(update_fields=["provider_type"])
    client.force_login(cast.p2_leader)
    assert "count towards Benchmark 6" in client.get(f"/providers/{cast.p2.urn}/work-experience/").content.decode()


def test_an_itp_page_does_not_say_its_details_come_from_gias(client: Client, cast: Cast, edition: Any) -> None:
    client.force_login(cast.consortium)
    response = client.post(
        "/providers/new-training-provider/",
        {"name": "Walk Training Ltd", "ukprn": "10099991", "postcode": "", "region": ""},
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Independent training providers are not listed in Get Information about Schools (GIAS)" in html
    assert "are refreshed by the Consortium's import" not in html
    form = client.get("/providers/new-training-provider/").content.decode()
    assert "main site (optional)" not in form


def test_a_2024_criteria_section_says_figures_now_use_the_refreshed_benchmarks(client: Client, edition: Any) -> None:
    html = client.get(f"/framework/{edition.code}/sections/6/").content.decode()
    assert "This section words Benchmark 6 as the" in html
    assert "Benchmark figures for 2025/26 onwards are measured on the Refreshed Gatsby Benchmarks" in html


def test_provider_access_links_each_encounter_that_does_not_count(client: Client, cast: Cast, edition: Any) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    evening = make_activity(
        cast.p1,
        title="College stand at parents' evening",
        activity_type="provider_encounter",
        subtype="fe_college",
        date=day,
        year_groups=[9],
        provider_access=True,
        access_provider_type="fe_college",
        in_school_day=False,
        access_covers_provider=True,
        access_covers_careers=True,
        access_covers_learning=True,
        access_covers_questions=True,
    )
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/provider-access/").content.decode()
    assert "1 marked as provider access does not count: open it to see why." in html
    link = f'<a class="govuk-link" href="/providers/{cast.p1.urn}/activities/{evening.pk}/">'
    assert f"{link}College stand at parents&#x27; evening</a>" in html


def test_the_chart_has_a_legend_for_each_kind_of_bar(client: Client, cast: Cast, edition: Any) -> None:
    client.force_login(cast.p1_leader)
    html = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2025").content.decode()
    legend = re.search(
        r'<ul class="govuk-list govuk-body-s qic-legend" aria-label="Key to the chart">(.*?)</ul>', html, re.S
    )
    assert legend is not None
    items = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", legend.group(1), re.S)]
    assert items == [
        "2025/26",
        "2025/26, fully achieved",
        "2024/25 (only where the definitions did not change)",
    ]
    assert "The same figures are in the table" in html
    html = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2024").content.decode()
    assert "2023/24</li>" in html


def test_the_current_page_is_a_govuk_pagination_link_marked_current(rf: Any) -> None:
    request = rf.get("/providers/", {"page": "2", "q": "oak"})
    request.user = AnonymousUser()
    page = Paginator(list(range(30)), 10).page(2)
    html = render_to_string("govuk/pagination.html", {"page": page}, request=request)
    assert (
        '<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link '
        'govuk-pagination__link" href="?page=2&amp;q=oak" aria-current="page">Page 2 of 3</a></li>'
    ) in html
    assert "govuk-pagination__link-label" not in html  # black on the current item's blue: axe color-contrast


def test_the_awarding_bodies_table_scrolls_in_its_own_region(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    for path in ("/home/", "/awarding-bodies/"):
        html = client.get(path).content.decode()
        assert '<div class="qic-scroll" role="region" aria-labelledby="bodies-caption" tabindex="0"><table' in html, (
            path
        )
        assert 'id="bodies-caption">Licensed Awarding Bodies</caption>' in html


def test_the_primary_workbook_tables_scroll_in_their_own_regions(client: Client, cast: Cast) -> None:
    cast.p1.provider_type = "primary"
    cast.p1.save()
    award = make_primary_award(cast.ab1, tasks=2)
    client.force_login(cast.p1_leader)
    client.post(f"/providers/{cast.p1.urn}/primary/", {"award": award.pk})
    html = client.get(f"/providers/{cast.p1.urn}/primary/").content.decode()
    for caption in ("tasks-caption", "action-plan-caption"):
        assert f'<div class="qic-scroll" role="region" aria-labelledby="{caption}" tabindex="0"><table' in html
        assert f'id="{caption}"' in html
