"""Made-up leavers, destinations and DfE rows for the analysis's tests (issue 16, the analysis)."""

from __future__ import annotations

import datetime as dt
import itertools
from html.parser import HTMLParser
from typing import Any

from django.utils import timezone

from qic.destinations.models import Destination, DfeFigure, DfeRelease
from qic.domain import destinations as rules
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.organisations.models import Provider

_numbers = itertools.count(1)
TODAY = timezone.localdate


def cohort_years() -> list[int]:
    """The three cohorts the page shows today, newest first."""
    return rules.cohort_years(TODAY())


def leavers(
    provider: Provider, year: int, count: int, *, final_year: int = 11, surname: str = "Leaver", **fields: Any
) -> list[Learner]:
    """`count` learners in the provider's Year 11 (or 13) of `year` who left in the summer after."""
    made = []
    for _ in range(count):
        n = next(_numbers)
        body = f"9{provider.urn % 1000:03d}{n:08d}"
        values: dict[str, Any] = {
            "upn": upn_check_letter(body) + body,
            "forename": f"Pupil{n}",
            "surname": surname,
            "date_of_birth": dt.date(year - 16 + (final_year - 11), 1, 15),
            "sex": "F",
            "year_group": final_year,
            "year_group_recorded_in": year,
            "left_on": dt.date(year + 1, 7, 20),
        }
        values.update(fields)
        made.append(Learner(provider=provider, **values))
    return Learner.objects.bulk_create(made)


def record(
    learner: Learner,
    category: rules.Category | str,
    *,
    kind: rules.Kind = rules.Kind.ACTUAL,
    on: dt.date | None = None,
    sustained: bool | None = True,
) -> Destination:
    """A destination of the learner; actual ones dated in the summer after they left (year 1)."""
    day = on or (learner.left_on + dt.timedelta(days=20) if learner.left_on else TODAY())
    return Destination.objects.create(
        provider=learner.provider,
        learner=learner,
        kind=kind.value,
        category=rules.Category(category).value,
        recorded_on=day,
        sustained=sustained if kind is rules.Kind.ACTUAL else None,
    )


def release(stage: str = "KS4") -> DfeRelease:
    return DfeRelease.objects.create(stage=stage, file_name=f"made-up-{stage}.csv", sha256="0" * 64)


def figure(
    the_release: DfeRelease,
    cohort_year: int,
    *,
    level: str = DfeFigure.Level.NATIONAL,
    area_code: str = "",
    area_name: str = "",
    group: str = "State-funded mainstream schools",
    topic: str = "Total",
    breakdown: str = "Total",
    data_type: str = "Percentage",
    cohort: int | None = 1000,
    suppressed: dict[str, str] | None = None,
    **values: Any,
) -> DfeFigure:
    return DfeFigure.objects.create(
        stage=the_release.stage,
        time_period=rules.dfe_time_period(cohort_year),
        geographic_level=level,
        area_code=area_code,
        area_name=area_name or ("England" if level == DfeFigure.Level.NATIONAL else ""),
        institution_group=group,
        breakdown_topic=topic,
        breakdown=breakdown,
        data_type=data_type,
        cohort=cohort,
        values=values,
        suppressed=suppressed or {},
        release=the_release,
    )


class _Tables(HTMLParser):
    """The tables of a page: caption (or the heading before the table) -> rows of cell texts, header row included."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._caption: list[str] | None = None
        self._cell: list[str] | None = None
        self._name = ""
        self._hidden = 0
        self._heading = ""
        self._heading_parts: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self._hidden or "govuk-visually-hidden" in classes:
            self._hidden += 1
        if tag == "table":
            self._rows, self._name = [], self._heading
        elif tag in ("h2", "h3", "h4"):
            self._heading_parts = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1
        if tag in ("h2", "h3", "h4") and self._heading_parts is not None:
            self._heading = " ".join("".join(self._heading_parts).split())
            self._heading_parts = None
        elif tag == "caption" and self._caption is not None:
            self._name = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._heading_parts is not None:
            self._heading_parts.append(data)
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None and not self._hidden:
            self._cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row_of(table: list[list[str]], heading: str) -> list[str]:
    """The row of a table whose first cell is `heading`."""
    return next(row for row in table if row and row[0] == heading)
