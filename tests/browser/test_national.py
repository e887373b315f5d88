"""The national pages in a real browser: the public register and primary awards list, the
Consortium's pages, an Awarding Body's primary awards and a primary school's workbook.

Every page is checked with axe-core as the person who uses it, with enough data that its tables
and chart are not empty; every form is sent empty and must show an accessible error summary. The
journeys go through the forms as a person would and check the result where they would see it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from qic.demo.national import build_national
from qic.domain.academic import academic_year_of, year_label
from qic.national.models import (
    ActionPlanItem,
    EndorsementAnswer,
    EndorsementCriterion,
    PrimaryAward,
    PrimaryWorkbook,
    TaskMapping,
)
from qic.national.views import CSV_COLUMNS
from qic.organisations.models import Provider
from tests.browser.conftest import axe_violations, fill_date
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.factories import make_primary_award, make_round, make_workbook

pytestmark = pytest.mark.usefixtures("edition", "endorsement_criteria")

TODAY = timezone.localdate()
LAST_YEAR = academic_year_of(TODAY) - 1


@pytest.fixture
def endorsement_criteria(db: None) -> None:
    """The Consortium's endorsement criteria come from a data migration; a browser test's
    database is emptied after each test, so put them back the way the migration does."""
    if not EndorsementCriterion.objects.exists():
        migration = importlib.import_module("qic.national.migrations.0002_endorsement_criteria")
        migration.load(apps, None)
    assert EndorsementCriterion.objects.count() > 0


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Pages in fresh browser contexts, so that two people can take part in one journey."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# --- The data behind the pages -------------------------------------------------------------------


@dataclass
class National:
    draft: PrimaryAward  # ab1's award being prepared: answers, edit
    seeking: PrimaryAward  # ab1's award with the Consortium, every criterion answered
    endorsed: PrimaryAward  # ab2's award, endorsed
    returned: PrimaryAward  # ab2's award, returned with reasons


def answer_all(award: PrimaryAward) -> None:
    for criterion in EndorsementCriterion.objects.all():
        EndorsementAnswer.objects.create(
            award=award,
            criterion=criterion,
            answer=f"How the award meets {criterion.code}.",
            evidence_url=f"https://example.org/evidence/{criterion.code}",
        )


def national_data(cast: Cast, providers: int = 60) -> National:
    """Synthetic providers with five years of figures and issued assessments, p1 holding the
    award, and primary awards in each state of National Endorsement."""
    assert build_national(count=providers, today=TODAY) == providers
    make_round(cast, "issued")
    draft = make_primary_award(cast.ab1, status="draft", tasks=3)
    draft.name, draft.description = "North Early Careers Award", "Careers learning for Early Years to KS2."
    draft.save()
    seeking = make_primary_award(cast.ab1, status="seeking", tasks=3)
    seeking.applied_at = timezone.now()
    seeking.save()
    answer_all(seeking)
    returned = make_primary_award(cast.ab2, status="returned", tasks=2)
    returned.name, returned.returned_reasons = "South Starter Award", "Say how families are involved."
    returned.save()
    endorsed = make_primary_award(cast.ab2, status="endorsed", tasks=8)
    endorsed.endorsed_on, endorsed.website = TODAY - dt.timedelta(days=100), "https://example.org/south"
    endorsed.save()
    answer_all(endorsed)
    return National(draft, seeking, endorsed, returned)


# --- 1. Every page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalPage:
    """One page, as one person sees it ("anon": signed out)."""

    who: str
    path: Callable[[National, Cast], str]
    workbook: bool = False  # p1 has started a workbook for the seeking award
    primary_school: bool = False  # p1 is a primary school
    providers: int = 60  # synthetic providers
    # For forms: the submit button, and an error the summary shows when it is pressed empty.
    button: str = ""
    error: str = ""


def fixed(path: str) -> Callable[[National, Cast], str]:
    return lambda data, cast: path


def award_path(state: str, suffix: str = "") -> Callable[[National, Cast], str]:
    return lambda data, cast: f"/primary/awards/{getattr(data, state).pk}/{suffix}"


def workbook_path(data: National, cast: Cast) -> str:
    return f"/providers/{cast.p1.urn}/primary/"


PAGES: dict[str, NationalPage] = {
    # Public
    "register": NationalPage("anon", fixed("/register/")),
    "register, searched": NationalPage("anon", fixed("/register/?q=Academy&region=West+Midlands&outcome=")),
    "register, no match": NationalPage("anon", fixed("/register/?q=No+such+school")),
    "register, page 2": NationalPage("anon", fixed("/register/?page=2"), providers=250),
    "primary awards, public": NationalPage("anon", fixed("/primary-awards/")),
    # The Consortium
    "bodies overview": NationalPage("consortium", fixed("/consortium/bodies/")),
    "CEC return": NationalPage("consortium", fixed("/consortium/cec-return/")),
    "analytics": NationalPage("consortium", fixed(f"/consortium/analytics/?year={LAST_YEAR}")),
    "consistency": NationalPage("consortium", fixed(f"/consortium/consistency/?year={LAST_YEAR}")),
    "endorsement queue": NationalPage("consortium", fixed("/consortium/endorsement/")),
    "endorsement decision": NationalPage(
        "consortium",
        lambda data, cast: f"/consortium/endorsement/{data.seeking.pk}/",
        button="Record the decision",
        error="Choose whether to endorse or return the award",
    ),
    "endorsement, already endorsed": NationalPage(
        "consortium", lambda data, cast: f"/consortium/endorsement/{data.endorsed.pk}/"
    ),
    "primary award, consortium": NationalPage("consortium", award_path("seeking"), workbook=True),
    # The Awarding Body
    "primary awards, admin": NationalPage("ab1_admin", fixed("/primary/awards/")),
    "primary awards, assessor": NationalPage("assessor_assigned", fixed("/primary/awards/")),
    "register a primary award": NationalPage(
        "ab1_admin", fixed("/primary/awards/new/"), button="Save", error="This field is required."
    ),
    "primary award, draft": NationalPage("ab1_admin", award_path("draft")),
    "primary award, seeking, with a school": NationalPage("ab1_admin", award_path("seeking"), workbook=True),
    "primary award, assessor": NationalPage("assessor_assigned", award_path("seeking"), workbook=True),
    "change a primary award": NationalPage(
        "ab1_admin", award_path("draft", "edit/"), button="Save", error="This field is required."
    ),
    "endorsement answers": NationalPage(
        "ab1_admin",
        award_path("draft", "endorsement/"),
        button="Save and apply for National Endorsement",
        error="Answer every criterion first: E1, E2",
    ),
    # A primary school
    "workbook, not started": NationalPage(
        "p1_leader",
        workbook_path,
        primary_school=True,
        button="Start the workbook",
        error="Choose the award you are working towards",
    ),
    "workbook, not started, governor": NationalPage("p1_governor", workbook_path, primary_school=True),
    "workbook, mapping": NationalPage(
        "p1_leader",
        workbook_path,
        workbook=True,
        primary_school=True,
        button="Map the activity",
        error="This field is required.",
    ),
    "workbook, governor": NationalPage("p1_governor", workbook_path, workbook=True, primary_school=True),
    "workbook, admin": NationalPage("ab1_admin", workbook_path, workbook=True, primary_school=True),
}
# The workbook page has a second form.
SECOND_FORMS = {
    "workbook, action": NationalPage(
        "p1_leader",
        workbook_path,
        workbook=True,
        primary_school=True,
        button="Add the action",
        error="This field is required.",
    ),
}
FORMS = {name: spec for name, spec in PAGES.items() if spec.button} | SECOND_FORMS


def open_page(spec: NationalPage, cast: Cast, site: str, page: Any) -> National:
    data = national_data(cast, spec.providers)
    if spec.primary_school:
        Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")
    if spec.workbook:
        make_workbook(cast.p1, data.seeking)
    if spec.who != "anon":
        sign_in(page, site, getattr(cast, spec.who).email)
    response = page.goto(site + spec.path(data, cast))
    assert response.status == 200
    return data


def follow(page: Any, target: Any) -> None:
    """Click a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


@dataclass
class Download:
    filename: str
    rows: list[dict[str, str]]


def download_csv(page: Any, target: Any) -> Download:
    """Click a download link or button; the CSV must have the register's columns."""
    with page.expect_download() as download_info:
        target.click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS
        return Download(download.suggested_filename, list(reader))


def assert_error_summary_links_to_fields(page: Any) -> None:
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1
    assert "There is a problem" in summary.inner_text()
    links = summary.get_by_role("link")
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        assert href.startswith("#")
        assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{href} has no target"
    if links.count():
        first = links.first.get_attribute("href")
        links.first.click()
        assert page.evaluate("document.activeElement.id") == first[1:]


@pytest.mark.parametrize("name", list(PAGES))
def test_national_page_is_accessible(name: str, cast: Cast, live_server: Any, page: Any) -> None:
    open_page(PAGES[name], cast, live_server.url, page)
    assert page.locator("h1").count() == 1
    # Not an empty page: every table has rows of data, and the chart has its lines.
    for table in page.locator("main table").all():
        assert table.locator("tbody tr").count() > 0
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", list(FORMS))
def test_empty_form_shows_accessible_error_summary(name: str, cast: Cast, live_server: Any, page: Any) -> None:
    spec = FORMS[name]
    open_page(spec, cast, live_server.url, page)
    # Clear what the form fills in for you (a changed award's name), so that it really is sent empty.
    form = page.locator("main form").filter(has=page.get_by_role("button", name=spec.button, exact=True))
    for field in form.locator("input[type=text], input[type=url], input[type=date], textarea").all():
        field.fill("")
    follow(page, form.get_by_role("button", name=spec.button, exact=True))
    assert page.title().startswith("Error: ")
    assert spec.error in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    assert_error_summary_links_to_fields(page)


def test_the_trend_chart_draws_what_its_table_shows(cast: Cast, live_server: Any, page: Any) -> None:
    open_page(PAGES["analytics"], cast, live_server.url, page)
    chart = page.get_by_role("img", name="Average number of benchmarks fully achieved, by year")
    assert "The same figures are in the table below the chart." in chart.locator("desc").text_content()
    trend = page.get_by_role("table", name="Average benchmarks fully achieved, by year")
    years = [year_label(y) for y in range(LAST_YEAR - 3, LAST_YEAR + 2)]  # five years of figures
    assert trend.get_by_role("columnheader").all_inner_texts() == ["Providers", *years]
    cells = trend.locator("tbody td").all_inner_texts()
    assert len(cells) == 3 * len(years)
    shown = [c for c in cells if re.fullmatch(r"\d\.\d", c)]
    # A figure from fewer than six providers is suppressed, and a year with none has no figure
    # ("–"): the table says so and the chart leaves the point out.
    assert set(cells) - set(shown) <= {"suppressed", "–"}
    assert len(shown) >= 2 * len(years)  # "not holding" and "all providers" are never suppressed here
    assert chart.locator("circle").count() == len(shown)
    assert chart.locator("polyline").count() >= 3
    assert sorted(chart.locator("circle title").all_text_contents()) == sorted(
        f"{name}, {year}: {value}"
        for name, row in zip(
            ["Award holders", "Not holding the award", "All providers"],
            [cells[i : i + len(years)] for i in range(0, len(cells), len(years))],
            strict=True,
        )
        for year, value in zip(years, row, strict=True)
        if value in shown
    )


def test_the_public_list_shows_endorsed_and_seeking_awards_but_no_drafts(
    cast: Cast, live_server: Any, page: Any
) -> None:
    data = open_page(PAGES["primary awards, public"], cast, live_server.url, page)
    table = page.get_by_role("table", name="Primary awards")
    endorsed = table.get_by_role("row").filter(has_text=data.endorsed.name)
    assert "Secured National Endorsement" in endorsed.inner_text()
    assert endorsed.get_by_role("link", name=data.endorsed.name).get_attribute("href") == data.endorsed.website
    seeking = table.get_by_role("row").filter(has_text=data.seeking.name)
    assert "Seeking National Endorsement" in seeking.inner_text()
    assert data.draft.name not in table.inner_text()


def test_a_bad_evidence_link_shows_one_accessible_error_summary(cast: Cast, live_server: Any, page: Any) -> None:
    data = open_page(PAGES["endorsement answers"], cast, live_server.url, page)
    for code in ("E2", "E5"):
        criterion = EndorsementCriterion.objects.get(code=code)
        group = page.get_by_role("group", name=f"{code} {criterion.title}")
        group.get_by_label("How your award meets this criterion").fill(f"Schools show {code}.")
        group.get_by_label("Link to evidence").fill("not a link")
    follow(page, page.get_by_role("button", name="Save answers"))
    assert page.title() == f"Error: Endorsement criteria – {data.draft.name} – QiC Platform"
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1  # one summary for the page, not one per criterion
    assert summary.get_by_role("link").all_inner_texts() == ["E2: Enter a valid URL.", "E5: Enter a valid URL."]
    assert axe_violations(page) == []
    assert_error_summary_links_to_fields(page)
    assert not EndorsementAnswer.objects.filter(award=data.draft).exists()  # nothing saved


# --- 2. The register, signed out --------------------------------------------------------------------


def holders_count(page: Any) -> int:
    status = page.get_by_role("status").inner_text()
    found = re.match(r"(\d+) award holders?", status)
    assert found, status
    return int(found.group(1))


def test_register_search_filter_and_download(cast: Cast, live_server: Any, page: Any) -> None:
    national_data(cast)
    site = live_server.url
    page.goto(f"{site}/")
    follow(page, page.get_by_role("link", name="Award holders", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Quality in Careers Standard award holders"
    everyone = holders_count(page)
    assert everyone > 10

    # Search by name.
    page.get_by_label("Name or URN").fill("Alpha")
    follow(page, page.get_by_role("button", name="Search"))
    assert holders_count(page) == 1
    results = page.get_by_role("table", name="Award holders")
    assert "Alpha Academy" in results.inner_text()
    assert f"URN {cast.p1.urn}" in results.inner_text()
    assert page.get_by_label("Name or URN").input_value() == "Alpha"  # the search is kept in the form

    # Filter by region instead.
    page.get_by_label("Name or URN").fill("")
    page.get_by_label("Region").select_option("West Midlands")
    follow(page, page.get_by_role("button", name="Search"))
    in_region = holders_count(page)
    assert 1 <= in_region < everyone
    assert "match your search" in page.get_by_role("status").inner_text()
    rows = page.get_by_role("table", name="Award holders").locator("tbody tr")
    assert rows.count() == in_region
    for i in range(in_region):
        assert "West Midlands" in rows.nth(i).inner_text()

    # Download these results.
    download = download_csv(page, page.get_by_role("link", name="CSV", exact=True))
    assert download.filename == f"qic-award-holders-{TODAY.isoformat()}.csv"
    assert len(download.rows) == in_region
    assert {row["region"] for row in download.rows} == {"West Midlands"}
    assert str(cast.p1.urn) in {row["urn"] for row in download.rows}

    # Clear the search.
    follow(page, page.get_by_role("link", name="Clear the search"))
    assert holders_count(page) == everyone
    assert axe_violations(page) == []


def test_register_works_without_javascript(cast: Cast, live_server: Any, new_page: Callable[..., Any]) -> None:
    national_data(cast, providers=250)  # more than one page of award holders
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/register/")
    assert "js-enabled" not in page.locator("body").get_attribute("class")  # the page's own script did not run
    everyone = holders_count(page)
    assert everyone > 50
    page.get_by_label("Name or URN").fill(str(cast.p1.urn))
    page.get_by_label("Outcome").select_option(label="Making good progress")
    follow(page, page.get_by_role("button", name="Search"))
    assert page.url.startswith(f"{live_server.url}/register/?q={cast.p1.urn}")
    assert holders_count(page) == 1 < everyone
    assert "Alpha Academy" in page.get_by_role("table", name="Award holders").inner_text()
    # The pages of results are plain links.
    follow(page, page.get_by_role("link", name="Clear the search"))
    follow(page, page.get_by_role("navigation", name="Results pages").get_by_role("link", name="Next page"))
    assert "Page 2 of 2" in page.get_by_role("navigation", name="Results pages").inner_text()
    assert page.get_by_role("table", name="Award holders").locator("tbody tr").count() == everyone - 50


def test_the_consortium_finds_its_figures_and_downloads_the_cec_return(cast: Cast, live_server: Any, page: Any) -> None:
    national_data(cast)
    site = live_server.url
    sign_in(page, site, cast.consortium.email)
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="National figures", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == f"National figures, {year_label(LAST_YEAR)}"
    follow(page, page.get_by_role("link", name="Consistency between Awarding Bodies"))
    outcomes = page.get_by_role("region", name="Outcomes of issued assessments (all years)")
    assert "Lenient Careers Award (synthetic)" in outcomes.inner_text()
    assert "North Awards" in outcomes.inner_text()
    page.go_back()
    follow(page, page.get_by_role("link", name="Annual return to the Careers & Enterprise Company"))
    assert page.get_by_label("Academic year").input_value() == str(LAST_YEAR)
    count = page.locator("main").get_by_text(
        re.compile(r"^\d+ accredited providers? in " + re.escape(year_label(LAST_YEAR)))
    )
    shown = count.inner_text()
    download = page.get_by_role("button", name="Download the return (CSV)")
    last_year = download_csv(page, download)
    assert last_year.filename == f"qic-cec-return-{year_label(LAST_YEAR).replace('/', '-')}.csv"
    assert len(last_year.rows) == int(shown.split()[0]) > 0
    assert str(cast.p1.urn) not in [row["urn"] for row in last_year.rows]  # p1's award is from this year

    page.get_by_label("Academic year").select_option(label=year_label(LAST_YEAR + 1))
    this_year = download_csv(page, download)
    assert str(cast.p1.urn) in [row["urn"] for row in this_year.rows]
    # Counting for the chosen year says how many the download will hold.
    follow(page, page.get_by_role("button", name="Count the providers"))
    assert page.locator("main").get_by_text(
        re.compile(r"^\d+ accredited providers? in " + re.escape(year_label(LAST_YEAR + 1)))
    ).inner_text().split()[0] == str(len(this_year.rows))


# --- 3. National Endorsement of a primary award ---------------------------------------------------


def test_a_body_registers_an_award_and_the_consortium_endorses_it(
    cast: Cast, live_server: Any, new_page: Callable[..., Any]
) -> None:
    site = live_server.url
    criteria = list(EndorsementCriterion.objects.all())

    # The Awarding Body registers its award.
    body = new_page()
    sign_in(body, site, cast.ab1_admin.email)
    follow(body, body.get_by_role("link", name="Primary awards", exact=True))
    follow(body, body.get_by_role("button", name="Register a primary award"))
    body.get_by_label("Name").fill("North Primary Careers Award")
    body.get_by_label("Description").fill("Careers learning from Early Years to Key Stage 2.")
    body.get_by_label("Website").fill("example.org/north-primary")
    follow(body, body.get_by_role("button", name="Save"))
    assert "North Primary Careers Award has been saved." in body.locator(".govuk-notification-banner").inner_text()
    award = PrimaryAward.objects.get(name="North Primary Careers Award")
    assert body.url == f"{site}/primary/awards/{award.pk}/"
    assert "Preparing to seek endorsement" in body.get_by_role("heading", level=1).inner_text()

    # It answers every criterion and applies.
    follow(body, body.get_by_role("button", name="Answer the endorsement criteria and apply"))
    for criterion in criteria:
        group = body.get_by_role("group", name=f"{criterion.code} {criterion.title}")
        group.get_by_label("How your award meets this criterion").fill(f"Schools show {criterion.code} with evidence.")
        group.get_by_label("Link to evidence").fill(f"https://example.org/north/{criterion.code}")
    assert axe_violations(body) == []
    follow(body, body.get_by_role("button", name="Save and apply for National Endorsement"))
    assert "has gone to the Consortium" in body.locator(".govuk-notification-banner").inner_text()
    assert "Seeking endorsement" in body.get_by_role("heading", level=1).inner_text()
    assert body.get_by_role("button", name="Answer the endorsement criteria and apply").count() == 0
    award.refresh_from_db()
    assert award.status == "seeking"
    assert award.answers.count() == len(criteria)

    # The public list shows it as seeking.
    public = new_page()
    public.goto(f"{site}/primary-awards/")
    row = public.get_by_role("row").filter(has_text="North Primary Careers Award")
    assert "Seeking National Endorsement" in row.inner_text()

    # The Consortium opens its queue and endorses it.
    consortium = new_page()
    sign_in(consortium, site, cast.consortium.email)
    follow(consortium, consortium.get_by_role("link", name="Endorsement", exact=True))
    queue_row = consortium.get_by_role("row").filter(has_text="North Primary Careers Award")
    assert "Seeking endorsement" in queue_row.inner_text()
    follow(consortium, queue_row.get_by_role("link", name="North Primary Careers Award"))
    assert "Schools show E1 with evidence." in consortium.locator("main").inner_text()
    consortium.get_by_label("Endorse the award").check()
    follow(consortium, consortium.get_by_role("button", name="Record the decision"))
    assert consortium.url == f"{site}/consortium/endorsement/"
    assert "nationally endorsed" in consortium.locator(".govuk-notification-banner").inner_text()
    queue_row = consortium.get_by_role("row").filter(has_text="North Primary Careers Award")
    assert "Nationally endorsed" in queue_row.inner_text()
    assert axe_violations(consortium) == []

    # The public list now shows it as endorsed, with its website.
    public.reload()
    row = public.get_by_role("row").filter(has_text="North Primary Careers Award")
    assert "Secured National Endorsement" in row.inner_text()
    assert f"since {TODAY.day} {TODAY:%B %Y}" in row.inner_text()
    assert row.get_by_role("link", name="North Primary Careers Award").get_attribute("href") == (
        "https://example.org/north-primary"
    )
    award.refresh_from_db()
    assert award.status == "endorsed"
    assert award.endorsed_on == TODAY


# --- 4. A primary school's workbook ---------------------------------------------------------------


def gaps_text(page: Any) -> str:
    return page.locator("main").get_by_text(re.compile(r"tasks? with no activity yet")).inner_text()


def test_a_primary_school_maps_its_activities_and_plans_actions(cast: Cast, live_server: Any, page: Any) -> None:
    site = live_server.url
    award = make_primary_award(cast.ab1, tasks=3)
    Provider.objects.filter(pk=cast.p1.pk).update(provider_type="primary")
    sign_in(page, site, cast.p1_leader.email)
    page.goto(f"{site}/providers/{cast.p1.urn}/accreditation/")
    follow(page, page.get_by_role("navigation", name="Alpha Academy").get_by_role("link", name="Primary award"))
    assert page.url == f"{site}/providers/{cast.p1.urn}/primary/"
    subnav = page.get_by_role("navigation", name="Alpha Academy")
    assert subnav.get_by_role("link", name="Primary award").get_attribute("aria-current") == "page"

    # Start the workbook by choosing the award.
    page.get_by_label(award.name).check()
    follow(page, page.get_by_role("button", name="Start the workbook"))
    assert page.get_by_role("heading", level=1).inner_text() == award.name
    book = PrimaryWorkbook.objects.get(provider=cast.p1)
    assert book.award == award
    assert gaps_text(page) == "3 tasks with no activity yet: T1, T2, T3."
    assert page.get_by_role("table", name="Tasks").get_by_text("Gap", exact=True).count() == 3

    # Map an activity the school already runs to a task.
    page.get_by_label("Task", exact=True).select_option(label="T2 Task 2")
    page.get_by_label("Activity already happening").fill("Year 2 visit to the fire station")
    page.get_by_label("Link to evidence").fill("https://example.org/fire-station")
    follow(page, page.get_by_role("button", name="Map the activity"))
    assert "The activity has been mapped to the task." in page.locator(".govuk-notification-banner").inner_text()
    assert gaps_text(page) == "2 tasks with no activity yet: T1, T3."
    tasks = page.get_by_role("table", name="Tasks")
    assert tasks.get_by_text("Gap", exact=True).count() == 2
    assert "Year 2 visit to the fire station" in tasks.get_by_role("row").filter(has_text="T2").inner_text()
    assert TaskMapping.objects.get(workbook=book).task.code == "T2"

    # Add an action for a gap, with an owner and a date.
    page.get_by_label("For the task").select_option(label="T1 Task 1")
    page.get_by_label("Action", exact=True).fill("Invite a parent nurse to Reception")
    page.get_by_label("Owner").fill("Mrs Khan")
    due = TODAY + dt.timedelta(days=60)
    fill_date(page, "Due by", due)
    follow(page, page.get_by_role("button", name="Add the action"))
    assert "The action has been added to your plan." in page.locator(".govuk-notification-banner").inner_text()
    plan = page.get_by_role("table", name="Action plan")
    row = plan.get_by_role("row").filter(has_text="Invite a parent nurse to Reception")
    assert [c.inner_text() for c in row.get_by_role("cell").all()][:4] == [
        "Invite a parent nurse to Reception",
        "T1",
        "Mrs Khan",
        f"{due.day} {due:%B %Y}",
    ]
    assert "To do" in row.inner_text()
    assert axe_violations(page) == []

    # Mark it done.
    follow(page, row.get_by_role("button", name=re.compile(r"^Mark as done\W+Invite a parent nurse to Reception$")))
    row = page.get_by_role("table", name="Action plan").get_by_role("row").filter(has_text="Invite a parent nurse")
    assert "Done" in row.inner_text()
    assert row.get_by_role("button", name=re.compile("^Reopen")).count() == 1
    assert ActionPlanItem.objects.get(workbook=book).done is True
