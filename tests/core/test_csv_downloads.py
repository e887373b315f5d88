"""Every CSV the product serves is safe to open in a spreadsheet.

The test does not keep its own list of CSV URLs: it walks every GET URL in the access table as a
role allowed to use it, keeps each response that is a CSV, and follows every CSV link and CSV
download button on every page. The data holds a provider and learners whose names a spreadsheet
would run as formulas; every file must start with a byte-order mark and show them as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from typing import Any
from urllib.parse import urljoin

from django.test import Client
from django.urls import resolve
from django.utils import timezone

from qic.core.csv_export import FORMULA_STARTS, PLAIN_NUMBER
from tests.conftest import Cast
from tests.factories import make_learner, make_round
from tests.test_url_access import ACCESS, OK
from tests.url_walk import walk_get_urls

HYPERLINK = '=HYPERLINK("http://x")'
POISON = [HYPERLINK, "+SUM(1)", "@cmd", "-2+3"]
# Who to try first: the roles that see the most.
PREFERRED = ["p1_leader", "consortium", "ab1_admin", "assessor_assigned", "p1_staff", "p1_governor", "anon"]
LINK = re.compile(r'href="([^"]*(?:\.csv|format=csv)[^"]*)"')
CSV_BUTTON = re.compile(r'<form method="get"[^>]*>(?:(?!</form>).)*name="format" value="csv"', re.S)


def poison(cast: Cast) -> None:
    """A provider on the register and in last year's CEC return, and learners, all named like formulas."""
    cast.p1.name = HYPERLINK
    cast.p1.save()
    # Issued a year ago: in force now (the register) and during last academic year (the CEC return).
    make_round(cast, "issued", today=timezone.localdate() - dt.timedelta(days=365))
    make_learner(cast.p1, upn="A100000000001", forename="+SUM(1)", surname="@cmd", registration_group="-2+3")
    make_learner(cast.p1, upn="A100000000002", forename=HYPERLINK, surname="-2+3")


def who_may_get(url_name: str) -> str | None:
    expected = ACCESS[url_name].expected
    return next((who for who in PREFERRED if expected.get(who) == OK), None)


def csv_links(url: str, page: str) -> list[str]:
    # A link may be relative to the page ("?format=csv…"), as a browser reads it.
    links = [urljoin(url, unescape(href)) for href in LINK.findall(page)]
    if CSV_BUTTON.search(page):
        links.append(url.split("?")[0] + "?format=csv")
    return links


def assert_safe_csv(url: str, content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), f"{url} has no byte-order mark"
    text = content.decode("utf-8-sig")
    assert "\n" not in text.replace("\r\n", ""), f"{url} has line ends other than CRLF"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            if cell.lstrip(" ")[:1] in FORMULA_STARTS:
                assert PLAIN_NUMBER.fullmatch(cell), f"{url} has a formula cell {cell!r}"
    return rows


def test_every_csv_download_has_a_bom_and_no_formula_cells(cast: Cast, edition: Any, client: Client) -> None:
    poison(cast)
    downloads: dict[str, list[list[str]]] = {}

    def visit(name: str, url: str, response: Any) -> None:
        if response["Content-Type"].startswith("text/csv"):
            downloads[url] = assert_safe_csv(url, response.content)
        elif response["Content-Type"].startswith("text/html"):
            for link in csv_links(url, response.content.decode()):
                linked = client.get(link)
                assert linked.status_code == 200, f"{link} (linked from {url})"
                assert linked["Content-Type"] == "text/csv; charset=utf-8", link
                downloads[link] = assert_safe_csv(link, linked.content)

    walk_get_urls(cast, client, visit, who=who_may_get)

    # Every CSV the product serves today was found, through its URL or a link to it.
    found = {resolve(url.split("?")[0]).view_name for url in downloads}
    assert found >= {"national:register_csv", "national:cec_return", "programme:benchmark_export"}
    by_view: dict[str, list[str]] = {}
    for url, rows in downloads.items():
        by_view.setdefault(resolve(url.split("?")[0]).view_name, []).extend(cell for row in rows for cell in row)
    # The formula-like names reach the files, as text.
    assert "'" + HYPERLINK in by_view["national:register_csv"]
    assert "'" + HYPERLINK in by_view["national:cec_return"]
    for value in POISON:
        assert "'" + value in by_view["programme:benchmark_export"], value
        assert value not in by_view["programme:benchmark_export"]
