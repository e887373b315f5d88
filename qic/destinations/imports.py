"""Reading a CSV of destinations (a local authority's tracking export, or the school's own) into a
plan to preview: what will be added, what changes, what is already recorded, and every bad row
with its line, column and reason. `entry_actions.import_destinations` checks the file again and
writes the plan, all of it or nothing.

Synchronous, like the employer import: a destinations file is a few cohorts of a school, so it is
refused above MAX_ROWS rows or MAX_BYTES bytes, which a request checks in well under a second.

Which learner a row is about: its UPN, else its ULN, among **this provider's** learners only. A
UPN of another school's learner is "none of your learners has UPN …", exactly as a made-up one,
so the page says nothing about anyone else's pupils. An anonymised learner has neither number and
is never matched.

A destination is the same as another when it is the same learner's, of the same kind and category,
dated the same day. Such a row is left out as already recorded (so importing a file twice adds
nothing); when it says more than the record does (whether it was sustained, where a blank "where"
is recorded) the record is brought up to date instead. The same destination twice in a file is
left out the second time, or refused when the two rows disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qic.core.tabular import Advice, Column, RowError, TableFileError, missing_columns_message, open_table
from qic.destinations.models import Destination
from qic.domain import dates
from qic.domain import destinations as rules
from qic.domain import destinations_import as words
from qic.domain.upn import validate_upn
from qic.learners.models import Learner
from qic.learners.parsing import uln_problem
from qic.organisations.models import Provider

MAX_ROWS = 10_000
MAX_BYTES = 2 * 1024 * 1024
DETAIL_LIMIT = 200


class DestinationFileError(TableFileError):
    """The file as a whole cannot be read; the message says why."""


COLUMNS = (
    Column("upn", ("UPN", "unique pupil number")),
    Column("uln", ("ULN", "unique learner number")),
    Column("kind", ("kind", "intended or actual")),
    Column(
        "destination",
        ("destination", "category", "destination category", "destination type", "activity", "current activity"),
    ),
    Column("date", ("date", "date recorded", "recorded on", "date of destination", "activity date", "start date")),
    Column("sustained", ("sustained",)),
    Column("where", ("where", "detail", "destination name", "provider name", "institution", "employer")),
)
TEMPLATE_HEADER = ("UPN", "ULN", "kind", "destination", "date", "sustained", "where")
_ADVICE = Advice(workbook="save the sheet as CSV (CSV UTF-8)", encoding="save it as CSV UTF-8")


@dataclass(frozen=True)
class Problem:
    """Why (part of) a row cannot be imported: its line, the column at fault ("" for the whole
    row) and the reason."""

    line: int
    column: str
    reason: str


@dataclass(frozen=True)
class Planned:
    """A destination a row adds or changes."""

    line: int
    learner: Learner
    kind: rules.Kind
    category: rules.Category
    recorded_on: dt.date
    sustained: bool | None
    detail: str

    @property
    def category_label(self) -> str:
        return rules.CATEGORY_LABELS[self.category]

    @property
    def kind_label(self) -> str:
        return rules.KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Update:
    planned: Planned
    destination_id: int
    changes: dict[str, Any]  # field -> new value (sustained, detail)


@dataclass(frozen=True)
class Skipped:
    line: int
    learner: Learner
    reason: str


@dataclass
class ImportPlan:
    new: list[Planned] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def can_confirm(self) -> bool:
        """All or nothing: any bad row stops the whole file."""
        return not self.problems and bool(self.new or self.updates)

    @property
    def per_category(self) -> list[tuple[str, int, int]]:
        """(category label, intended, actual) of the destinations to be added, in the categories' order."""
        counts = Counter((planned.category, planned.kind) for planned in self.new)
        return [
            (label, counts[(category, rules.Kind.INTENDED)], counts[(category, rules.Kind.ACTUAL)])
            for category, label in rules.CATEGORY_LABELS.items()
            if counts[(category, rules.Kind.INTENDED)] or counts[(category, rules.Kind.ACTUAL)]
        ]

    @property
    def learner_ids(self) -> list[int]:
        found = {p.learner.pk for p in self.new} | {u.planned.learner.pk for u in self.updates}
        return sorted(found | {s.learner.pk for s in self.skipped})

    def digest(self) -> str:
        """What confirming would write, as one hash: the confirm step compares it with the
        preview's, so a file whose plan changed in between (someone recorded one of its
        destinations) is shown again rather than saved."""
        writes = [
            [p.line, p.learner.pk, p.kind.value, p.category.value, p.recorded_on.isoformat(), p.sustained, p.detail]
            for p in self.new
        ] + [[u.planned.line, u.destination_id, sorted(u.changes.items())] for u in self.updates]
        return hashlib.sha256(json.dumps(writes, default=str).encode("utf-8")).hexdigest()

    def summary(self) -> dict[str, Any]:
        """The counts the audit event keeps (no learner's name)."""
        return {
            "rows": self.rows,
            "added": len(self.new),
            "updated": len(self.updates),
            "already_recorded": len(self.skipped),
            "added_by_category": {
                f"{kind.value}:{category.value}": count
                for (category, kind), count in sorted(
                    Counter((p.category, p.kind) for p in self.new).items(), key=lambda item: str(item[0])
                )
            },
        }


def _identifier(text: str) -> str:
    return "".join(text.split()).upper()


class _Learners:
    """The provider's learners by UPN and by ULN (one query)."""

    def __init__(self, provider: Provider) -> None:
        self.by_upn: dict[str, Learner] = {}
        self.by_uln: dict[str, Learner] = {}
        for learner in Learner.objects.filter(provider=provider, anonymised_at__isnull=True).only(
            "pk", "provider_id", "upn", "uln", "forename", "surname", "left_on", "anonymised_at"
        ):
            if learner.upn:
                self.by_upn[learner.upn.upper()] = learner
            if learner.uln:
                self.by_uln[learner.uln] = learner

    def find(self, upn: str, uln: str, labels: tuple[str, str], problems: list[tuple[str, str]]) -> Learner | None:
        upn_label, uln_label = labels
        if not upn and not uln:
            problems.append((upn_label, "no UPN or ULN: give one to say which learner this is"))
            return None
        by_upn = by_uln = None
        if upn:
            if reason := validate_upn(upn):
                problems.append((upn_label, f"“{upn}” is not a UPN: {reason}"))
                return None
            by_upn = self.by_upn.get(upn)
        if uln:
            if reason := uln_problem(uln):
                problems.append((uln_label, f"“{uln}” is not a ULN: it {reason}"))
                return None
            by_uln = self.by_uln.get(uln)
        if by_upn is not None and by_uln is not None and by_upn.pk != by_uln.pk:
            problems.append((upn_label, f"UPN {upn} and ULN {uln} are two different learners"))
            return None
        found = by_upn or by_uln
        if found is None:
            number = f"UPN {upn}" if upn else f"ULN {uln}"
            problems.append((upn_label if upn else uln_label, f"none of your learners has {number}"))
        return found


def plan_import(provider: Provider, data: bytes, *, today: dt.date) -> ImportPlan:
    """Check a file against the provider's learners and destinations. Raises DestinationFileError
    for a file that cannot be read as a whole. Three queries."""
    if len(data) > MAX_BYTES:
        raise DestinationFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files"
        )
    table = open_table(data, COLUMNS, error=DestinationFileError, advice=_ADVICE)
    missing = [name for key, name in (("destination", "destination"), ("date", "date")) if not table.header.has(key)]
    if not (table.header.has("upn") or table.header.has("uln")):
        missing.insert(0, "UPN or ULN")
    if missing:
        raise DestinationFileError(missing_columns_message(missing) + ". The first row must name the columns.")
    learners = _Learners(provider)
    labels = (table.header.label("upn"), table.header.label("uln"))
    existing: dict[tuple[int, str, str, dt.date], Destination] = {}
    plan = ImportPlan()
    seen: dict[tuple[int, str, str, dt.date], Planned] = {}
    ragged: list[RowError] = []
    read: list[tuple[int, dict[str, str], dict[str, str]]] = []
    for row in table.rows(ragged):
        if len(read) + len(ragged) >= MAX_ROWS:
            raise DestinationFileError(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files")
        cells = {column.key: row[column.key] for column in COLUMNS}
        names = {column.key: row.label(column.key) for column in COLUMNS}
        read.append((row.line, cells, names))
    plan.problems.extend(Problem(error.line, "", error.reason) for error in ragged)
    plan.rows = len(read) + len(ragged)
    # Every destination of the learners the file names, in one query.
    checked: list[tuple[int, Learner | None, dict[str, str], dict[str, str], list[tuple[str, str]]]] = []
    for line, cells, names in read:
        reasons: list[tuple[str, str]] = []
        learner = learners.find(_identifier(cells["upn"]), _identifier(cells["uln"]), labels, reasons)
        checked.append((line, learner, cells, names, reasons))
    ids = {learner.pk for _, learner, _, _, _ in checked if learner is not None}
    if ids:
        for destination in Destination.objects.filter(provider=provider, learner_id__in=ids).order_by("pk"):
            key = (destination.learner_id, destination.kind, destination.category, destination.recorded_on)
            existing.setdefault(key, destination)
    for line, learner, cells, names, reasons in checked:
        planned = _read_row(line, learner, cells, names, reasons, today)
        if reasons or planned is None or learner is None:
            plan.problems.extend(Problem(line, column, reason) for column, reason in reasons)
            continue
        key = (learner.pk, planned.kind.value, planned.category.value, planned.recorded_on)
        twin = seen.get(key)
        if twin is not None:
            if (twin.sustained, twin.detail) == (planned.sustained, planned.detail):
                plan.skipped.append(Skipped(line, learner, f"the same as line {twin.line}"))
            else:
                plan.problems.append(
                    Problem(
                        line,
                        names["sustained"] if twin.sustained != planned.sustained else names["where"],
                        f"the same destination as line {twin.line}, but the two rows disagree: keep one of them",
                    )
                )
            continue
        seen[key] = planned
        recorded = existing.get(key)
        if recorded is None:
            plan.new.append(planned)
            continue
        changes: dict[str, Any] = {}
        if planned.sustained is not None and planned.sustained != recorded.sustained:
            changes["sustained"] = planned.sustained
        if planned.detail and not recorded.detail:
            changes["detail"] = planned.detail
        if changes:
            plan.updates.append(Update(planned, recorded.pk, changes))
        else:
            plan.skipped.append(Skipped(line, learner, "already recorded"))
    plan.problems.sort(key=lambda problem: problem.line)
    return plan


def _read_row(
    line: int,
    learner: Learner | None,
    cells: dict[str, str],
    names: dict[str, str],
    reasons: list[tuple[str, str]],
    today: dt.date,
) -> Planned | None:
    """The destination a row records, or None with the reasons in `reasons`."""
    kind = category = recorded_on = None
    sustained: bool | None = None
    try:
        kind = words.kind_from_text(cells["kind"])
    except ValueError as exc:
        reasons.append((names["kind"], str(exc)))
    try:
        category = words.category_from_text(cells["destination"])
    except ValueError as exc:
        reasons.append((names["destination"], str(exc)))
    try:
        recorded_on = words.date_from_text(cells["date"])
    except ValueError as exc:
        reasons.append((names["date"], str(exc)))
    try:
        sustained = words.sustained_from_text(cells["sustained"])
    except ValueError as exc:
        reasons.append((names["sustained"], str(exc)))
    detail = " ".join(cells["where"].split())
    if len(detail) > DETAIL_LIMIT:
        reasons.append((names["where"], f"is longer than {DETAIL_LIMIT} characters"))
    if recorded_on is not None and (problem := dates.in_the_past(recorded_on, today=today, field="The date")):
        reasons.append((names["date"], problem))
        recorded_on = None
    if kind is rules.Kind.INTENDED and sustained is not None:
        reasons.append((names["sustained"], "only an actual destination can be sustained: leave it blank"))
    if learner is None or kind is None or category is None or recorded_on is None or reasons:
        return None
    try:
        rules.check_destination(
            kind=kind,
            category=category,
            recorded_on=recorded_on,
            today=today,
            left_on=learner.left_on,
            sustained=sustained,
        )
    except rules.DestinationRefused as exc:
        if isinstance(exc, rules.SustainedTooSoon):
            column = names["sustained"]
        elif kind is rules.Kind.INTENDED and category is rules.Category.UNKNOWN:
            column = names["destination"]
        else:
            column = names["date"]
        reasons.append((column, str(exc)))
        return None
    return Planned(line, learner, kind, category, recorded_on, sustained, detail)
