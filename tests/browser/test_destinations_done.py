"""Issue 16's "Done means", end to end in a real browser, on a fresh database:

1. The Consortium loads a DfE KS4 destination measures file through its page (national and local
   authority rows with breakdowns and suppressed cells, for the year the school's leavers are
   reported in) and reads the load's report; the same file through `manage.py
   load_dfe_destinations` changes nothing.
2. A careers leader of a secondary school in that local authority, whose Year 11 left in July with
   no destinations recorded, goes to Destinations from the provider menu, downloads the template,
   imports a file with one bad row (reported with its line and reason, nothing to confirm), then
   the corrected file: preview, confirm; the hub shows the cohort recorded. The cohort is the most
   recent whose destinations can be known to be sustained (six months from October: from 31 March
   after they left), the one before last whatever day the test runs.
3. The leader opens the analysis: the school's sustained share beside England's and the local
   authority's from the loaded file, the groups with their gaps, the DfE's suppressed cells as
   "not published", small groups as counts only, and no learner named.
4. The accreditation round: the destinations evidence is "held here", and criterion 3.4 shows the
   three cohorts by itself.

Nobody takes a shortcut through the pages: both sign in with their password and authenticator
code and follow links and buttons. Every page passes axe (no serious or critical findings), has
one h1 and does not scroll sideways on a 390 px phone."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from django.core.management import call_command

from qic.destinations.models import Destination, DfeFigure, DfeRelease
from qic.domain import destinations as rules
from qic.domain.academic import year_label
from tests.browser.test_data_safety import check_page
from tests.browser.test_roles import sign_in
from tests.conftest import Cast
from tests.destinations.entry_factories import known_cohort, leaver, upn
from tests.factories import make_round

# --- The DfE file: KS4 measures, State-funded mainstream schools, percentages -----------------------

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,institution_group,breakdown_topic,breakdown,data_type,version,"
    "cohort,overall,education,fe,ssf,sfc,other_edu,appren,all_work,all_notsust,all_unknown"
)
# (topic, breakdown, cohort, overall, education, appren, all_work, all_notsust, all_unknown)
NATIONAL = [
    ("Total", "Total", "571840", "93.7", "86.2", "4.3", "3.2", "5.4", "0.9"),
    ("Disadvantage", "Disadvantaged", "146530", "89.4", "82.0", "3.6", "3.8", "9.1", "1.5"),
    ("Disadvantage", "Disadvantaged all other", "425310", "95.1", "87.6", "4.5", "3.0", "4.2", "0.7"),
    ("SEN", "SEN support", "70000", "88.0", "80.1", "3.9", "4.0", "10.2", "1.8"),
    ("SEN", "EHC plan", "12000", "86.5", "81.0", "2.5", "3.0", "11.9", "1.6"),
    ("SEN", "No identified SEN", "489840", "94.9", "87.4", "4.4", "3.1", "4.4", "0.7"),
    ("Sex", "Female", "280000", "94.2", "88.0", "3.1", "3.1", "5.0", "0.8"),
    ("Sex", "Male", "291840", "93.2", "84.5", "5.5", "3.2", "5.8", "1.0"),
]
# The school's local authority: its apprenticeships and its EHC-plan pupils are suppressed.
WALSALL = [
    ("Total", "Total", "3150", "92.4", "85.0", "c", "3.1", "6.4", "1.2"),
    ("Disadvantage", "Disadvantaged", "1010", "87.0", "80.2", "c", "3.5", "11.0", "2.0"),
    ("Disadvantage", "Disadvantaged all other", "2140", "94.3", "87.1", "c", "2.9", "4.6", "1.1"),
    ("SEN", "SEN support", "390", "86.2", "79.0", "c", "4.1", "12.0", "1.8"),
    ("SEN", "EHC plan", "c", "c", "c", "c", "c", "c", "c"),
    ("SEN", "No identified SEN", "2700", "93.4", "86.0", "c", "3.0", "5.5", "1.1"),
    ("Sex", "Female", "1540", "93.0", "86.4", "c", "2.6", "5.9", "1.1"),
    ("Sex", "Male", "1610", "91.8", "83.6", "c", "3.6", "6.9", "1.3"),
]
# Another local authority, whose figures the school must never be shown.
BIRMINGHAM = [("Total", "Total", "13781", "81.1", "75.0", "3.0", "3.1", "17.0", "1.9")]


def dfe_file(time_period: str) -> bytes:
    """The file as explore-education-statistics serves it: UTF-8 with a byte-order mark."""
    where = {
        "National": "National,E92000001,England,,,,,,",
        "Walsall": "Local authority,E92000001,England,E12000005,West Midlands,335,E08000030,Walsall,",
        "Birmingham": "Local authority,E92000001,England,E12000005,West Midlands,330,E08000025,Birmingham,",
    }
    lines = [HEADER]
    for area, rows in (("National", NATIONAL), ("Walsall", WALSALL), ("Birmingham", BIRMINGHAM)):
        for topic, breakdown, cohort, overall, education, appren, work, notsust, unknown in rows:
            # fe, ssf, sfc and other_edu: made up, and not compared on the school's page
            detail = "c,c,c,c" if education == "c" else "30.0,40.0,10.0,5.0"
            lines.append(
                f"{time_period},Academic year,{where[area]}State-funded mainstream schools,{topic},{breakdown},"
                f"Percentage,Final,{cohort},{overall},{education},{detail},{appren},{work},{notsust},{unknown}"
            )
    # A regional row: skipped and counted, not an error.
    lines.append(
        f"{time_period},Academic year,Regional,E92000001,England,E12000005,West Midlands,,,,"
        "State-funded mainstream schools,Total,Total,Percentage,Final,"
        "68420,93.1,85.9,34.0,36.3,11.9,3.7,4.0,3.2,6.0,0.9"
    )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


FIGURES = len(NATIONAL) + len(WALSALL) + len(BIRMINGHAM)

# --- The school's last Year 11 --------------------------------------------------------------------

# n: (forename, pupil premium, SEN support, EHC plan); odd n are girls, even n boys (`leaver`).
PUPILS = {
    1: ("Amara", True, False, False),
    2: ("Bilal", True, True, False),
    3: ("Chloe", True, False, False),
    4: ("Dominik", True, False, True),
    5: ("Esme", True, False, False),
    6: ("Farid", True, False, False),
    7: ("Grace", False, False, False),
    8: ("Harvey", False, False, False),
    9: ("Isla", False, True, False),
    10: ("Jonah", False, False, False),
    11: ("Keira", False, False, False),
    12: ("Luca", False, False, False),
}
SURNAME = "Pemberton-Quayle"  # everyone's: the analysis must not show it


def destinations_csv(year: int, *, bad: bool) -> bytes:
    """The local authority's tracking export for the cohort that finished in `year` (left in July
    of year+1): where each went in September, with whether it was sustained where known, and two
    intentions recorded in the spring. Farid (6) has nothing recorded; Luca's (12) is not yet known.

    Sustained: Amara, Bilal, Chloe (disadvantaged), Grace, Harvey, Isla, Jonah, Keira: 8 of 12.
    Dominik's FE place was not sustained, Esme is NEET."""
    september, spring = f"01/09/{year + 1}", f"{year + 1}-03-02"
    rows = [
        ("UPN", "ULN", "kind", "destination", "date", "sustained", "where"),
        (upn(1), "", "intended", "FE college", spring, "", "Walsall College"),
        (upn(10), "", "intended", "Sixth form college", spring, "", ""),
        (upn(1), "", "actual", "Further education", september, "yes", "Walsall College"),
        (upn(2), "", "actual", "Apprenticeship", september, "yes", "Bloxwich Motors"),
        (upn(3), "", "actual", "6th form college", september, "yes", "Sandwell Sixth Form College"),
        (upn(4), "", "actual", "FE", september, "no", "Walsall College"),
        (upn(5), "", "actual", "Gap year" if bad else "NEET", september, "", ""),
        (upn(7), "", "actual", "Sixth-form college", september, "yes", ""),
        (upn(8), "", "actual", "College", september, "yes", "Walsall College"),
        (upn(9), "", "actual", "Employment with training", september, "yes", "Darlaston Bakery"),
        (upn(10), "", "actual", "Advanced apprenticeship", september, "Y", "Walsall Council"),
        (upn(11), "", "actual", "FE college", september, "yes", "Walsall College"),
        (upn(12), "", "actual", "FE college", september, "", "Walsall College"),
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


# --- Helpers --------------------------------------------------------------------------------------


def checked(page: Any) -> str:
    """The page passes axe, has one h1 and fits a 390 px phone; its main text."""
    check_page(page)
    return str(page.locator("main").inner_text())


def follow(page: Any, target: Any) -> None:
    """Click a link or a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


def row_of(table: Any, first: str) -> list[str]:
    """The cells' text of the table's row whose first cell reads `first` (that cell included)."""
    cells = table.evaluate(
        """(table, first) => {
            for (const row of table.rows) {
                const cells = [...row.cells].map((cell) => cell.innerText.split(/\\s+/).join(' ').trim());
                if (cells[0] === first) return cells;
            }
            return null;
        }""",
        first,
    )
    assert cells is not None, f"no row {first!r} in {table}"
    return list(cells)


def value_of(summary: Any, key: str) -> str:
    """The value of a GOV.UK summary list's row whose key is `key`."""
    row = summary.locator(".govuk-summary-list__row").filter(has=summary.page.get_by_text(key, exact=True))
    return " ".join(str(row.locator("dd").inner_text()).split())


def choose_file(page: Any, label: str, name: str, content: bytes) -> None:
    page.get_by_label(label).set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})


def figures_held() -> list[tuple[Any, ...]]:
    return list(
        DfeFigure.objects.order_by("pk").values_list(
            "pk", "time_period", "geographic_level", "area_code", "breakdown", "cohort", "values", "suppressed"
        )
    )


# --- The walk -------------------------------------------------------------------------------------


def test_destinations_done(cast: Cast, edition: Any, live_server: Any, browser: Any, tmp_path: Path) -> None:
    base = live_server.url
    school = cast.p1
    assert (school.la_code, school.la_name) == ("335", "Walsall")
    year = known_cohort()
    label = year_label(year)
    time_period = rules.dfe_time_period(year)
    for n, (forename, premium, sen, ehc) in PUPILS.items():
        leaver(
            school,
            n,
            year=year,
            forename=forename,
            surname=SURNAME,
            pupil_premium=premium,
            sen_support=sen,
            ehc_plan=ehc,
        )
    accreditation = make_round(cast, "committed")

    # 1. The Consortium loads the DfE file through its page.
    consortium_context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    consortium_context.set_default_timeout(10_000)
    page = consortium_context.new_page()
    sign_in(page, base, cast.consortium.email)
    checked(page)
    follow(page, page.get_by_role("link", name="DfE destinations"))
    text = checked(page)
    assert "Key stage 4: no figures loaded yet." in text
    file_name = f"ks4_dm_{time_period}.csv"
    dfe_path = tmp_path / file_name
    dfe_path.write_bytes(dfe_file(time_period))
    page.get_by_label("Destination measures file (CSV)").set_input_files(str(dfe_path))
    page.get_by_label("Key stage 4").check()
    follow(page, page.get_by_role("button", name="Load the file"))
    page.wait_for_url(f"{base}/consortium/destinations/*/")
    report = checked(page)
    assert f"{FIGURES} figures created, 0 changed, 0 unchanged." in report
    assert f"{time_period}: destinations in {year_label(year + 1)} (the cohort that finished in {label})" in report
    assert f"1 row skipped: Geographic level: Regional (first lines: {FIGURES + 2})" in report
    summary = page.locator(".govuk-summary-list")
    assert value_of(summary, "Rows read") == str(FIGURES + 1)
    assert value_of(summary, "Figures created") == str(FIGURES)
    assert value_of(summary, "Rows skipped") == "1"
    # Suppressed cells are held as the DfE's symbols, never as zero.
    walsall_total = DfeFigure.objects.get(area_code="335", breakdown="Total")
    assert walsall_total.suppressed == {"appren": "c"}
    assert "appren" not in walsall_total.values
    ehc = DfeFigure.objects.get(area_code="335", breakdown="EHC plan")
    assert ehc.cohort is None
    assert ehc.suppressed["overall"] == "c"

    # ... and the same file through the management command changes nothing.
    before = figures_held()
    out = io.StringIO()
    call_command("load_dfe_destinations", "--stage", "KS4", str(dfe_path), stdout=out)
    assert f"Nothing changed: all {FIGURES} figures in the file were already held" in out.getvalue()
    assert figures_held() == before
    follow(page, page.get_by_role("link", name="Back to the DfE destination measures"))
    text = checked(page)
    held = page.get_by_role("table", name="Key stage 4")
    assert row_of(held, f"{time_period[:4]}/{time_period[4:]}")[1:] == [
        str(len(NATIONAL)),
        str(len(WALSALL) + len(BIRMINGHAM)),
        "2",
    ]
    releases = page.get_by_role("table", name=re.compile("^2 files"))
    assert f"0 created, 0 changed, {FIGURES} unchanged" in releases.inner_text()
    assert "by the command line" in releases.inner_text()
    assert DfeRelease.objects.count() == 2
    consortium_context.close()

    # 2. The careers leader goes to Destinations: the Year 11 who left in July have nothing recorded.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, base, cast.p1_leader.email)
    provider_base = f"{base}/providers/{school.urn}"
    checked(page)
    page.goto(f"{provider_base}/")
    checked(page)
    follow(page, page.get_by_role("navigation", name=school.name).get_by_role("link", name="Destinations"))
    assert page.url == f"{provider_base}/destinations/"
    checked(page)
    cohort_title = f"Year 11 in {label}"
    ks4 = page.get_by_role("table", name="Key stage 4 leavers")
    assert row_of(ks4, cohort_title)[1:] == ["12", "0", "0", "12 to do in " + cohort_title, "0"]

    follow(page, page.get_by_role("button", name="Import destinations from a CSV file"))
    checked(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download an empty file with these columns (CSV)").click()
    template = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert template.splitlines() == ["UPN,ULN,kind,destination,date,sustained,where"]

    # The first file has one bad row: it is reported with its line and reason, and nothing can be saved.
    choose_file(page, "Destinations (CSV)", "walsall-tracking.csv", destinations_csv(year, bad=True))
    follow(page, page.get_by_role("button", name="Check the file"))
    text = checked(page)
    assert "1 row of walsall-tracking.csv cannot be imported" in text
    problems = page.get_by_role("table", name="Rows with problems")
    assert problems.locator("tbody tr").count() == 1
    _line, column, reason = row_of(problems, "8")
    assert column == "destination"
    assert reason.startswith("“Gap year” is not a destination we know: use one of the words listed")
    assert page.get_by_role("button", name=re.compile("^Record")).count() == 0
    assert not Destination.objects.exists()

    # The corrected file: the preview lists each row with the learner's name, then it is confirmed.
    follow(page, page.get_by_role("link", name="Choose another file"))
    choose_file(page, "Destinations (CSV)", "walsall-tracking.csv", destinations_csv(year, bad=False))
    follow(page, page.get_by_role("button", name="Check the file"))
    text = checked(page)
    counts = page.locator("#counts")
    assert value_of(counts, "To be added") == "13"
    assert value_of(counts, "Rows with problems") == "0"
    per_category = page.get_by_role("table", name="Destinations to be added")
    assert row_of(per_category, "Further education college") == ["Further education college", "1", "5"]
    assert row_of(per_category, "Apprenticeship") == ["Apprenticeship", "0", "2"]
    assert f"{SURNAME}, Esme" in text
    assert "Actual: Not in education, employment or training (NEET)" in text
    follow(page, page.get_by_role("button", name="Record 13 destinations"))
    assert page.url == f"{provider_base}/destinations/"
    text = checked(page)
    assert "13 destinations recorded from walsall-tracking.csv." in text
    ks4 = page.get_by_role("table", name="Key stage 4 leavers")
    assert row_of(ks4, cohort_title)[1:] == ["12", "11", "0", "1 to do in " + cohort_title, "2"]
    assert Destination.objects.filter(provider=school, source=Destination.Source.IMPORT).count() == 13

    # 3. The analysis, beside England's and Walsall's figures for the same cohort.
    follow(page, page.get_by_role("link", name="See the analysis beside the national and local figures"))
    checked(page)
    everything = str(page.locator("main").text_content())  # every cohort's panel, shown or not
    assert SURNAME not in everything
    assert "Esme" not in everything
    assert "Birmingham" not in everything
    assert "81%" not in everything
    trend = page.get_by_role("table", name="Trend over three cohorts")
    assert row_of(trend, label) == [label, "8 of 12", "67%", "", "94%", "92%"]

    # The newest cohort (left this summer, none of them on the records) is the first tab; theirs is next.
    page.get_by_role("tab", name=f"{label} leavers").click()
    assert page.get_by_role("tabpanel").get_attribute("id") == f"cohort-{year}"
    text = str(page.locator("main").inner_text())
    headline = page.get_by_role("table", name=f"{label} leavers: destinations in the year after leaving")
    assert row_of(headline, "Sustained education, apprenticeship or employment")[1:] == ["8", "67%", "94%", "92%"]
    assert row_of(headline, "Sustained education")[1:] == ["5", "42%", "86%", "85%"]
    assert row_of(headline, "Sustained apprenticeship")[1:] == ["2", "17%", "4%", "not published (c)"]
    assert row_of(headline, "Not sustained, or NEET")[1:] == ["2", "17%", "5%", "6%"]
    assert row_of(headline, "Destination recorded, sustained not yet known")[1:3] == ["1", "8%"]
    assert row_of(headline, "No destination recorded (counted as not captured)")[1:3] == ["1", "8%"]
    assert "Not published (c): small number suppressed to protect confidentiality." in text
    assert (
        f"Compared with the DfE's destination measures {year_label(year + 1)} for England: "
        "State-funded mainstream schools; Walsall: State-funded mainstream schools." in text
    )

    groups = page.get_by_role("table", name=f"{label} leavers: sustained destinations by group")
    disadvantaged = "Disadvantaged (pupil premium or free school meals)"
    assert row_of(groups, disadvantaged)[1:] == [
        "3 of 6 (50%)",
        "Not disadvantaged: 5 of 6 (83%)",
        "\u221233",
        "\u22126",
        "\u22127",
    ]
    assert row_of(groups, "Female")[1:] == ["5 of 6 (83%)", "Male: 3 of 6 (50%)", "+33", "+1", "+1"]
    # Three SEND pupils and one with an EHC plan: counts only, too few to compare; the DfE's
    # SEND figure is worked out from SEN support and EHC plans, Walsall's EHC plans are suppressed.
    assert row_of(groups, "SEND (SEN support or EHC plan)")[1:] == [
        "2 of 3 (count only)",
        "No identified SEN: 6 of 9 (67%)",
        "too few to compare",
        "\u22127 (worked out)",
        "not published",
    ]
    assert row_of(groups, "EHC plan")[1:4] == [
        "0 of 1 (count only)",
        "No EHC plan: 8 of 11 (73%)",
        "too few to compare",
    ]
    assert row_of(groups, "EHC plan")[5] == "not published"
    assert row_of(groups, "Looked after")[4:] == ["not in the DfE file", "not in the DfE file"]
    assert f"Fewer than {rules.SMALL_GROUP} learners: shown as a count only, with no percentage." in text

    intended = page.get_by_role("table", name=f"{label} leavers: intended and actual destinations")
    assert row_of(intended, "Further education college") == [
        "Further education college",
        "Further education college",
        "1",
    ]
    assert row_of(intended, "Sixth-form college") == ["Sixth-form college", "Apprenticeship", "1"]

    # 4. The accreditation round: the destinations evidence is held here, and criterion 3.4 shows
    # the three cohorts by itself (figures only, nobody named).
    round_url = f"{provider_base}/accreditation/{accreditation.pk}/"
    page.goto(round_url)
    checked(page)
    checklist = page.locator("dl.govuk-summary-list").filter(has_text="Destinations data for the last three years")
    assert "Held here: 1 cohort recorded." in checklist.inner_text()
    follow(page, page.get_by_role("link", name="3.4", exact=True))
    assert page.url == f"{round_url}criteria/3.4/"
    text = checked(page)
    assert "Destinations of the last three leaving cohorts" in text
    assert SURNAME not in str(page.locator("main").text_content())
    portfolio = page.get_by_role("table", name="Key stage 4 leavers")
    assert row_of(portfolio, label)[1:] == ["12", "67% (8)", "17% (2)", "8% (1)", "8% (1)", "\u221233 points"]
    for other in (year + 1, year - 1):  # the cohorts before and after: none of them on the records
        assert row_of(portfolio, year_label(other))[1:3] == ["0", "–"]
    assert page.get_by_role("table", name="16–18 leavers").count() == 0  # a school with no sixth form on the records
    assert page.get_by_role("link", name="Destinations analysis beside the national figures").count() == 1
    context.close()
