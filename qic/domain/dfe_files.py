"""Reading the DfE destination measures files (explore-education-statistics CSVs): which rows and
columns are kept, what a cell means, and what refuses a file.

The rules, from the DfE's data guidance for the KS4 and 16–18 destination measures and the files
as published:

- **Encoding.** UTF-8, with or without a byte-order mark (the bytes are decoded by the caller's
  table reader; a mark left on the first header name is ignored here too).
- **Header names** are compared without case, spaces, underscores or hyphens, as every import of
  the service compares them. Three columns are required: `time_period`, `geographic_level` and
  `overall` (the headline measure); a file without one of them is refused whole. A column nobody
  reads is listed as unknown and ignored; a name repeated is read from its first column.
- **Breakdowns** come in two spellings: `breakdown_topic` + `breakdown` (the newer files) or
  `characteristic_group` + `characteristic` (the older 16–18 files; `characteristic` alone gives
  the breakdown with no topic). The institution is `institution_group`, or `institution_type` in a
  file without a group; the 16–18 qualification level is `cohort_level_group`.
- **A figure is one cell of the measures**: its year, area, institution group, breakdown, data type
  and qualification level. The finer dimensions some files add below those (an `institution_type`
  within a group, a `cohort_level` within a level group, and the 16–18 files' `level_methodology`
  counted by where students live rather than where they studied) are kept only at their "Total"
  (or blank); the other rows are skipped and counted, so each kept figure is one figure. A school is
  compared with the institutions of its local authority, so the provider-location rows are kept.
- **Geographic levels.** `National` and `Local authority` rows are kept. Rows at the other levels
  the DfE publishes (regions, constituencies, districts, opportunity areas, institutions…) are
  skipped by design, counted by level with their first lines. A level that is not one of them is
  an error on its line.
- **Time.** `time_period` is the academic year of the destinations, like `202324`; it reports the
  cohort that finished in 2022/23 (`qic.domain.destinations.cohort_of_time_period`). A
  `time_identifier` other than "Academic year" is an error on its line.
- **Cells of the measures** hold numbers (whole or decimal, with or without a % sign) or the DfE's
  symbols for a figure not published: `c` (suppressed), `z` (not applicable), `x` (not available),
  `low` (a positive percentage under 0.5), `:` (not available), a blank cell, and the Government
  Statistical Service's `k` (rounds to zero but is not zero), `u` (low reliability) and `~`. A
  symbol is kept as the symbol and **never read as zero**; a `0` is a zero. Anything else (a
  negative number, text, over 100 in a row of percentages (a row whose `data_type` says so, or is
  blank, as the comparison reads it), more than the row's cohort in a row of numbers, a cohort
  that is not a whole number or is more than a year group of England) is an error reported with
  its line and column.
- **All or nothing.** A figure twice in one file (same year, area, group, breakdown, data type and
  level) is an error on the second line. The caller writes nothing from a file with any error.
- **Stage.** The person loading the file says which stage it is (KS4 or 16–18). Where the file
  itself says, it must agree: a `cohort_level_group` or `cohort_level` column is only in the 16–18
  measures; a school sixth form (`ssf`) or sixth-form college (`sfc`) column only in KS4's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qic.domain.academic import KeyStage
from qic.domain.destinations import cohort_of_time_period

# --- Columns ------------------------------------------------------------------------------------

# The measures, in the order the DfE publishes them: counts or percentages by destination.
MEASURES: tuple[str, ...] = (
    "cohort",
    "overall",
    "education",
    "fe",
    "fel1",
    "fel2",
    "fel3",
    "ssf",
    "sfc",
    "other_edu",
    "he",
    "appren",
    "appl2",
    "appl3",
    "appl4",
    "all_work",
    "all_notsust",
    "all_unknown",
)
MEASURE_LABELS: dict[str, str] = {
    "cohort": "Cohort (number of pupils or students)",
    "overall": "Sustained education, apprenticeship or employment",
    "education": "Sustained education",
    "fe": "Further education",
    "fel1": "FE entry level and no identified level",
    "fel2": "FE level 2",
    "fel3": "FE level 3",
    "ssf": "School sixth form",
    "sfc": "Sixth-form college",
    "other_edu": "Other education",
    "he": "UK higher education institution",
    "appren": "Sustained apprenticeship",
    "appl2": "Intermediate apprenticeship (level 2)",
    "appl3": "Advanced apprenticeship (level 3)",
    "appl4": "Higher and degree apprenticeship (level 4 and above)",
    "all_work": "Sustained employment",
    "all_notsust": "Not recorded as a sustained destination",
    "all_unknown": "Activity not captured",
}
REQUIRED: tuple[str, ...] = ("time_period", "geographic_level", "overall")
# What a figure is: the dimensions read from the file (in each of their spellings).
DIMENSIONS: tuple[str, ...] = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "breakdown_topic",
    "breakdown",
    "characteristic_group",
    "characteristic",
    "institution_group",
    "institution_type",
    "data_type",
    "cohort_level_group",
    "cohort_level",
    "level_methodology",
)
GEOGRAPHY: tuple[str, ...] = (
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
# Columns the DfE's files have that are recognised and not read: the codes and names of the other
# geographic levels and of institutions (whose rows are skipped), and the release's version.
RECOGNISED: tuple[str, ...] = (
    "version",
    "local_authority_selection_status",
    "pcon_code",
    "pcon_name",
    "lad_code",
    "lad_name",
    "opportunity_area_code",
    "opportunity_area_name",
    "english_devolved_area_code",
    "english_devolved_area_name",
    "local_enterprise_partnership_code",
    "local_enterprise_partnership_name",
    "lsip_code",
    "lsip_name",
    "school_laestab",
    "school_urn",
    "school_name",
    "admission_policy",
    "entry_gender",
    "provider_ukprn",
    "provider_name",
)

_NOISE = re.compile(r"[\s_\-]+")


def column_key(name: str) -> str:
    """How header names are compared: 'Old_LA-code ' -> 'oldlacode' (a byte-order mark dropped)."""
    return _NOISE.sub("", name.replace("\ufeff", "")).casefold()


_KNOWN = {column_key(name): name for name in (*MEASURES, *DIMENSIONS, *GEOGRAPHY, *RECOGNISED)}

# --- Geographic levels --------------------------------------------------------------------------

NATIONAL = "National"
LOCAL_AUTHORITY = "Local authority"
KEPT_LEVELS = (NATIONAL, LOCAL_AUTHORITY)
# The other levels explore-education-statistics publishes: their rows are skipped, not errors.
OTHER_LEVELS = (
    "Regional",
    "Local authority district",
    "Parliamentary constituency",
    "Ward",
    "Opportunity area",
    "Local enterprise partnership",
    "Local skills improvement plan area",
    "Mayoral combined authority",
    "English devolved area",
    "RSC region",
    "Police force area",
    "Planning area",
    "Institution",
    "School",
    "Provider",
    "MAT",
    "Sponsor",
)


def _level_key(text: str) -> str:
    return " ".join(text.split()).casefold()


_LEVELS = {_level_key(level): level for level in (*KEPT_LEVELS, *OTHER_LEVELS)}
# How many line numbers of each kind of skipped row are kept for the report.
SKIPPED_LINES_SHOWN = 5
# How many kinds of skipped rows are told apart; rows of any further kind are counted together (a
# file whose level_methodology column holds something else on every row would otherwise make a
# report of one kind per row).
SKIPPED_KINDS = 20
OTHER_SKIPPED = f"Rows of other kinds skipped by design (more than {SKIPPED_KINDS} kinds in the file)"
# How much of a file's text a skipped kind quotes.
QUOTED = 60

# --- Cells --------------------------------------------------------------------------------------

NOT_PUBLISHED: dict[str, str] = {
    "c": "suppressed (a small number, or for accountability reasons)",
    "z": "not applicable",
    "x": "not available",
    "low": "a positive percentage under 0.5",
    ":": "not available",
    "": "blank (not published)",
    "k": "rounds to zero but is not zero",
    "u": "low reliability",
    "~": "rounds to zero but is not zero",
}
# England's largest year group is under a million; a cohort above this is a mistake in the file.
MAX_COHORT = 2_000_000
_NUMBER = re.compile(r"^(?:\d{1,12}(?:\.\d{1,6})?|\.\d{1,6})$")

Number = int | float


class CellRefused(ValueError):
    """A cell that is neither a number nor one of the DfE's symbols; the message says why."""


def read_cell(text: str) -> Number | str:
    """A measure's cell: the number it holds, or the symbol of a figure not published (lower
    case; "" for a blank cell). Raises CellRefused for anything else."""
    value = text.strip()
    symbol = value.casefold()
    if symbol in NOT_PUBLISHED:
        return symbol
    number = value[:-1].rstrip() if value.endswith("%") else value
    if number.startswith("-") and _NUMBER.match(number[1:]):
        raise CellRefused(f"“{value}” is negative: a measure is a count or a percentage")
    if not _NUMBER.match(number):
        raise CellRefused(
            f"“{value}” is not a number, nor one of the DfE's symbols for a figure not published (c, z, x, low)"
        )
    return float(number) if "." in number else int(number)


# --- Stage --------------------------------------------------------------------------------------

_16_18_MARKERS = ("cohort_level_group", "cohort_level")
_KS4_MARKERS = ("ssf", "sfc")


def implied_stage(columns: Iterable[str]) -> tuple[KeyStage | None, str]:
    """The stage the file's own columns say (and the column that says it), or (None, "")."""
    present = set(columns)
    for name in _16_18_MARKERS:
        if name in present:
            return KeyStage.KS5, name
    for name in _KS4_MARKERS:
        if name in present:
            return KeyStage.KS4, name
    return None, ""


# --- The file -----------------------------------------------------------------------------------


class DfeFileRefused(ValueError):
    """The file as a whole cannot be loaded (a required column missing, the wrong stage…)."""


@dataclass(frozen=True)
class Problem:
    """A bad row: its line in the file (the header is line 1), the column and why."""

    line: int
    reason: str
    column: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Skipped:
    """Rows left out by design, of one kind: how many, and the first few lines."""

    reason: str
    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < SKIPPED_LINES_SHOWN:
            self.lines.append(line)


# The text fields of a figure and their longest allowed value (the database's columns).
TEXT_LIMITS = {
    "area_code": 10,
    "new_area_code": 10,
    "area_name": 120,
    "institution_group": 120,
    "breakdown_topic": 80,
    "breakdown": 120,
    "data_type": 40,
    "cohort_level_group": 60,
}


@dataclass(frozen=True)
class Figure:
    """One kept row: a cell of the measures, with its published values and its symbols."""

    line: int
    time_period: str
    geographic_level: str
    area_code: str
    new_area_code: str
    area_name: str
    institution_group: str
    breakdown_topic: str
    breakdown: str
    data_type: str
    cohort_level_group: str
    values: dict[str, Number]
    suppressed: dict[str, str]

    @property
    def key(self) -> tuple[str, ...]:
        """What makes it one figure (with the stage, which is the file's)."""
        return (
            self.time_period,
            self.geographic_level,
            self.area_code,
            self.institution_group,
            self.breakdown_topic,
            self.breakdown,
            self.data_type,
            self.cohort_level_group,
        )

    @property
    def cohort(self) -> int | None:
        value = self.values.get("cohort")
        return value if isinstance(value, int) else None


@dataclass
class Layout:
    """Where each column the rules read is in the header, and what the header said."""

    stage: KeyStage
    width: int
    positions: dict[str, int]
    unknown: list[str]
    notes: list[str]

    @property
    def measures(self) -> list[str]:
        return [name for name in MEASURES if name in self.positions]


def read_header(names: Sequence[str], stage: KeyStage) -> Layout:
    """Find the columns in the header; raise DfeFileRefused when a required column is missing or
    the file's columns say it is the other stage."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    notes: list[str] = []
    for index, raw in enumerate(names):
        name = raw.replace("\ufeff", "").strip()
        canonical = _KNOWN.get(column_key(name))
        if not name:
            unknown.append(f"column {index + 1} (no name)")
        elif canonical is None:
            unknown.append(name)
        elif canonical in positions:
            notes.append(f"The column {name} appears twice: the first (column {positions[canonical] + 1}) is read.")
        else:
            positions[canonical] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise DfeFileRefused(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: "
            "it is not a DfE destination measures file as published on explore-education-statistics."
        )
    said, by = implied_stage(positions)
    if said is not None and said is not stage:
        raise DfeFileRefused(
            f"You chose {stage.label} but the file has a column “{by}”, which only the {said.label} "
            f"destination measures have. Load it as {said.label}, or choose the right file."
        )
    if "breakdown" in positions and "characteristic" in positions:
        notes.append("The file has both breakdown and characteristic columns: the breakdown columns are read.")
    return Layout(stage, len(names), positions, unknown, notes)


@dataclass
class Reading:
    """What a file holds: the figures kept, the rows skipped by design, and every problem."""

    stage: KeyStage
    figures: list[Figure]
    problems: list[Problem]
    skipped: list[Skipped]
    unknown_columns: list[str]
    notes: list[str]
    rows_read: int

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def time_periods(self) -> list[str]:
        return sorted({figure.time_period for figure in self.figures})

    @property
    def rows_skipped(self) -> int:
        return sum(group.count for group in self.skipped)


def _is_total(text: str) -> bool:
    return text == "" or text.casefold() == "total"


class _RowReader:
    """Reads the rows of one file against its layout; keeps what the whole file needs to know
    (figures seen, skipped counts)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.positions = layout.positions
        self.measures = layout.measures
        self.skipped: dict[str, Skipped] = {}
        self.seen: dict[tuple[str, ...], int] = {}
        p = self.positions
        # The two spellings of a breakdown; an institution's group, or its type when there is no group.
        # (A column the file lacks reads as blank: `characteristic` alone is a breakdown with no topic.)
        spelling = "breakdown" if "breakdown" in p or "breakdown_topic" in p else "characteristic"
        self.topic_column = "breakdown_topic" if spelling == "breakdown" else "characteristic_group"
        self.breakdown_column = spelling
        self.institution_column = "institution_group" if "institution_group" in p else "institution_type"
        self.level_group_column = "cohort_level_group" if "cohort_level_group" in p else "cohort_level"
        # Finer dimensions below a kept one: only their total rows are kept.
        self.finer = [
            (column, reason)
            for column, above, reason in (
                (
                    "institution_type",
                    "institution_group",
                    "an institution type within an institution group (the group's total is kept)",
                ),
                (
                    "cohort_level",
                    "cohort_level_group",
                    "a qualification within a level group (the level group's total is kept)",
                ),
            )
            if column in p and above in p
        ]

    def cell(self, cells: Sequence[str], column: str) -> str:
        index = self.positions.get(column)
        return "" if index is None else cells[index].strip()

    def skip(self, reason: str, line: int) -> None:
        if reason not in self.skipped and len(self.skipped) >= SKIPPED_KINDS:
            reason = OTHER_SKIPPED
        self.skipped.setdefault(reason, Skipped(reason)).add(line)

    def read(self, line: int, cells: Sequence[str], problems: list[Problem]) -> Figure | None:
        if len(cells) != self.layout.width:
            problems.append(Problem(line, f"{len(cells)} fields but the header has {self.layout.width}"))
            return None
        level_text = self.cell(cells, "geographic_level")
        level = _LEVELS.get(_level_key(level_text))
        if level is None:
            shown = f"“{level_text}”" if level_text else "blank"
            problems.append(
                Problem(
                    line,
                    f"the geographic level is {shown}, not one the DfE publishes "
                    "(National, Local authority, Regional…)",
                    "geographic_level",
                )
            )
            return None
        if level not in KEPT_LEVELS:
            self.skip(f"Geographic level: {level}", line)
            return None
        for column, reason in self.finer:
            if not _is_total(self.cell(cells, column)):
                self.skip(f"Rows for {reason}", line)
                return None
        methodology = self.cell(cells, "level_methodology")
        if not _is_total(methodology) and "provider" not in methodology.casefold():
            shown = methodology if len(methodology) <= QUOTED else methodology[:QUOTED] + "…"
            self.skip(f"Rows counted by {shown} (the provider-location rows are kept)", line)
            return None
        if level == LOCAL_AUTHORITY and "old_la_code" not in self.positions:
            raise DfeFileRefused(
                f"The file has local-authority rows (the first on line {line}) but no old_la_code column."
            )
        return self._figure(line, level, cells, problems)

    def _figure(self, line: int, level: str, cells: Sequence[str], problems: list[Problem]) -> Figure | None:
        before = len(problems)
        time_period = self.cell(cells, "time_period")
        try:
            cohort_of_time_period(time_period)
        except ValueError:
            problems.append(Problem(line, f"“{time_period}” is not an academic year like 202324", "time_period"))
        identifier = self.cell(cells, "time_identifier")
        if identifier and identifier.casefold() != "academic year":
            problems.append(
                Problem(line, f"the time identifier is “{identifier}”: only academic years are read", "time_identifier")
            )
        if level == LOCAL_AUTHORITY:
            area_code = self.cell(cells, "old_la_code")
            if not (len(area_code) == 3 and area_code.isdigit()):
                shown = f"“{area_code}”" if area_code else "blank"
                problems.append(Problem(line, f"the local authority code is {shown}, not three digits", "old_la_code"))
            new_code, area_name = self.cell(cells, "new_la_code"), self.cell(cells, "la_name")
        else:
            area_code, new_code, area_name = "", self.cell(cells, "country_code"), self.cell(cells, "country_name")
        texts = {
            "area_code": (area_code, "old_la_code"),
            "new_area_code": (new_code, "new_la_code" if level == LOCAL_AUTHORITY else "country_code"),
            "area_name": (area_name, "la_name" if level == LOCAL_AUTHORITY else "country_name"),
            "institution_group": (self.cell(cells, self.institution_column), self.institution_column),
            "breakdown_topic": (self.cell(cells, self.topic_column), self.topic_column),
            "breakdown": (self.cell(cells, self.breakdown_column), self.breakdown_column),
            "data_type": (self.cell(cells, "data_type"), "data_type"),
            "cohort_level_group": (self.cell(cells, self.level_group_column), self.level_group_column),
        }
        for name, (text, column) in texts.items():
            if len(text) > TEXT_LIMITS[name]:
                problems.append(Problem(line, f"longer than {TEXT_LIMITS[name]} characters", column))
        # As the comparison reads a row (qic.domain.dfe_comparison.is_percentage_row): percentages
        # when its data type says so or is blank, numbers when it says number or count.
        data_type = texts["data_type"][0].casefold()
        percentages = not data_type.strip() or "percent" in data_type
        numbers = not percentages and ("number" in data_type or "count" in data_type)
        values: dict[str, Number] = {}
        suppressed: dict[str, str] = {}
        for column in self.measures:
            text = cells[self.positions[column]]
            try:
                cell = read_cell(text)
            except CellRefused as exc:
                problems.append(Problem(line, str(exc), column))
                continue
            if isinstance(cell, str):
                suppressed[column] = cell
            elif column == "cohort" and not isinstance(cell, int):
                problems.append(
                    Problem(line, f"“{text.strip()}”: the cohort is a number of people, a whole number", column)
                )
            elif column == "cohort" and cell > MAX_COHORT:
                problems.append(Problem(line, f"“{text.strip()}” is more people than a year group of England", column))
            elif percentages and column != "cohort" and cell > 100:
                problems.append(Problem(line, f"“{text.strip()}” is over 100 in a row of percentages", column))
            elif numbers and column != "cohort" and isinstance(values.get("cohort"), int) and cell > values["cohort"]:
                problems.append(
                    Problem(
                        line,
                        f"“{text.strip()}” is more than the cohort ({values['cohort']}) in a row of numbers",
                        column,
                    )
                )
            else:
                values[column] = cell
        if len(problems) > before:
            return None
        figure = Figure(
            line=line,
            time_period=time_period,
            geographic_level=level,
            area_code=area_code,
            new_area_code=new_code,
            area_name=area_name,
            institution_group=texts["institution_group"][0],
            breakdown_topic=texts["breakdown_topic"][0],
            breakdown=texts["breakdown"][0],
            data_type=texts["data_type"][0],
            cohort_level_group=texts["cohort_level_group"][0],
            values=values,
            suppressed=suppressed,
        )
        first = self.seen.setdefault(figure.key, line)
        if first != line:
            problems.append(
                Problem(
                    line,
                    f"the same figure as line {first} (same year, area, institution group, breakdown, "
                    "data type and level): a figure is given once",
                )
            )
            return None
        return figure


def read_rows(layout: Layout, rows: Iterable[tuple[int, Sequence[str]]]) -> Reading:
    """Read each (line, cells) row against the header's layout: every problem, with its line."""
    reader = _RowReader(layout)
    figures: list[Figure] = []
    problems: list[Problem] = []
    read = 0
    for line, cells in rows:
        read += 1
        figure = reader.read(line, cells, problems)
        if figure is not None:
            figures.append(figure)
    return Reading(
        stage=layout.stage,
        figures=figures,
        problems=problems,
        skipped=list(reader.skipped.values()),
        unknown_columns=list(layout.unknown),
        notes=list(layout.notes),
        rows_read=read,
    )


def read_table(names: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]], stage: KeyStage) -> Reading:
    """A whole file, from its header names and its (line, cells) rows."""
    return read_rows(read_header(names, stage), rows)
