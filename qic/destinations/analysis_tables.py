"""The destinations analysis as tables of text, for its page and its CSV alike: aggregates only
(shares of leavers, never a learner), figures on fewer than `SMALL_GROUP` learners as counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, year_label
from qic.domain.dfe_comparison import SYMBOLS, CohortComparison, DfeGroup, DfeSide, DfeValue

COUNT_ONLY = "count only"
SMALL_NOTE = f"Fewer than {rules.SMALL_GROUP} learners: shown as a count only, with no percentage."
# For those who see figures and not learners (rules.disclosive_breakdowns, rules.figures_withheld).
NOT_SHOWN = "not shown"
HIDDEN_NOTE = (
    "Not shown: the figures of a group when it, the others or the learners in neither number fewer than "
    f"{rules.SMALL_GROUP} learners, since with so few they could tell where one learner went. Staff who see the "
    "learners' records see them."
)
WITHHELD_NOTE = (
    f"Fewer than {rules.SMALL_GROUP} learners in this cohort: its figures are shown only to staff who see the "
    f"learners' records, as the DfE withholds every figure of a school's cohort under {rules.SMALL_GROUP}."
)
STAGE_LABELS = {KeyStage.KS4: "Key stage 4 leavers (Year 11)", KeyStage.KS5: "16–18 leavers (Year 13 and colleges)"}


def percent_text(share: rules.Share) -> str:
    if not share.of:
        return "no learners"
    return COUNT_ONLY if share.percent is None else f"{share.percent:.0f}%"


def share_text(share: rules.Share) -> str:
    """'8 of 12 (67%)', '3 of 4 (count only)', or 'no learners'."""
    return f"{share.count} of {share.of} ({percent_text(share)})" if share.of else "no learners"


def gap_text(gap: float | None) -> str:
    """+5, −3 or 0 percentage points, with a real minus sign; '–' when there is nothing to compare."""
    if gap is None:
        return "–"
    rounded = round(gap)
    return f"+{rounded}" if rounded > 0 else (f"\u2212{abs(rounded)}" if rounded < 0 else "0")


def dfe_text(side: DfeSide, value: DfeValue) -> str:
    if not side.shown:
        return side.why_not
    return value.text + (" (worked out)" if value.derived and value.published else "")


def dfe_gap_text(side: DfeSide, group: DfeGroup | None) -> str:
    if not side.shown:
        return side.why_not
    if group is None:
        return "not in the DfE file"
    if group.gap is None:
        return "not published" if group.inside.not_published or group.others.not_published else "–"
    return gap_text(group.gap) + (" (worked out)" if group.derived else "")


def symbol_notes(sides: list[tuple[DfeSide, DfeValue]]) -> list[str]:
    """What each DfE symbol shown in a table means, once each."""
    symbols = sorted({value.symbol for side, value in sides if side.shown and value.not_published})
    return [f"Not published ({symbol}): {SYMBOLS.get(symbol, 'not published by the DfE')}." for symbol in symbols]


@dataclass(frozen=True)
class Table:
    """A table of text: the first cell of each row heads it; cells from `numeric_from` are numbers."""

    key: str
    caption: str
    head: list[str]
    rows: list[list[str]]
    numeric_from: int = 1
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CohortTables:
    comparison: CohortComparison
    label: str  # "2024/25"
    size: int
    any_recorded: bool
    small: bool  # some figure is a count only
    headline: Table
    categories: Table
    groups: Table
    intended: Table
    later: Table | None
    withheld: bool = False  # too few learners for the reader to see any figure (rules.figures_withheld)

    @property
    def year(self) -> int:
        return self.comparison.year

    @property
    def dfe_label(self) -> str:
        return year_label(int(self.comparison.time_period[:4]))


def _local_name(side: DfeSide, fallback: str) -> str:
    return side.area_name or fallback


def cohort_tables(comparison: CohortComparison, *, la_name: str, figures_only: bool = False) -> CohortTables:
    """The cohort's tables. `figures_only`: for a reader who does not see the learners' records
    (a governor, the Awarding Body, the assessor), without the groups that could single out a
    learner, and without any figure of a cohort of fewer than `SMALL_GROUP`."""
    cohort = comparison.cohort
    hidden = rules.disclosive_breakdowns(cohort) if figures_only else frozenset()
    year = comparison.year
    m = cohort.overall
    national, local = comparison.national, comparison.local
    la = _local_name(local, la_name) or "Local authority"
    key = f"c{year}"

    headline_rows = [
        [
            line.label,
            str(line.school.count),
            percent_text(line.school),
            dfe_text(national, line.national),
            dfe_text(local, line.local),
        ]
        for line in comparison.lines
    ]
    extras = [("Destination recorded, sustained not yet known", m.not_yet_known)]
    extras.append(("No destination recorded (counted as not captured)", m.not_recorded))
    if cohort.stage is KeyStage.KS4:
        extras.append(("Stayed in the school's sixth form (from the learner records)", m.stayed_on))
    headline_rows += [[label, str(share.count), percent_text(share), "", ""] for label, share in extras]
    groups_note = []
    compared = [side for side in (national, local) if side.shown]
    if compared:
        groups_note.append(
            "Compared with the DfE's destination measures "
            f"{year_label(int(comparison.time_period[:4]))} for "
            + "; ".join(
                f"{'England' if side is national else la}: {side.institution_group or 'all institutions'}"
                for side in compared
            )
            + "."
        )
    shown = [
        (side, value) for line in comparison.lines for side, value in ((national, line.national), (local, line.local))
    ]
    headline = Table(
        f"{key}-headline",
        f"{year_label(year)} leavers: destinations in the year after leaving",
        ["Measure", "Learners", "%", "England", la],
        headline_rows,
        notes=groups_note + symbol_notes(shown),
    )
    category_rows = [
        [rules.CATEGORY_LABELS[category], str(share.count), percent_text(share)]
        for category, share in m.by_category.items()
    ]
    category_rows.append(["No destination recorded", str(m.not_recorded.count), percent_text(m.not_recorded)])
    categories = Table(
        f"{key}-categories",
        f"{year_label(year)} leavers by destination",
        ["Destination", "Learners", "%"],
        category_rows,
    )

    group_rows = []
    for line in comparison.groups:
        row, breakdown = line.row, line.row.breakdown
        if breakdown.code in hidden:
            group_rows.append(
                [
                    breakdown.inside_label,
                    NOT_SHOWN,
                    f"{breakdown.others_label}: {NOT_SHOWN}",
                    NOT_SHOWN,
                    dfe_gap_text(national, line.national),
                    dfe_gap_text(local, line.local),
                ]
            )
            continue
        group_rows.append(
            [
                breakdown.inside_label,
                share_text(row.inside.headline["overall"]),
                f"{breakdown.others_label}: {share_text(row.others.headline['overall'])}",
                gap_text(row.gap)
                if row.gap is not None
                else ("too few to compare" if row.inside.cohort or row.others.cohort else "–"),
                dfe_gap_text(national, line.national),
                dfe_gap_text(local, line.local),
            ]
        )
    groups = Table(
        f"{key}-groups",
        f"{year_label(year)} leavers: sustained destinations by group",
        ["Group", "Sustained: the group", "Sustained: the others", "Gap (points)", "England's gap", f"{la}'s gap"],
        group_rows,
        notes=[
            "The gap is the group's share in a sustained destination minus the others', in percentage points; "
            "a minus sign means the group is behind.",
            *([HIDDEN_NOTE] if hidden else []),
            *(
                [
                    "Worked out: the DfE publishes SEN support and EHC plans separately, and some groups without "
                    "their others; these gaps are worked out from the published figures and their cohorts."
                ]
                if any(g.derived for line in comparison.groups for g in (line.national, line.local) if g)
                else []
            ),
            *symbol_notes(
                [
                    (side, value)
                    for line in comparison.groups
                    for side, group in ((national, line.national), (local, line.local))
                    if group
                    for value in (group.inside, group.others)
                ]
            ),
        ],
    )
    intended = cohort.intended
    pairs = sorted(
        intended.pairs.items(),
        key=lambda item: (-item[1], rules.CATEGORY_LABELS[item[0][0]], item[0][1] is None, item[0][1] or ""),
    )
    intended_table = Table(
        f"{key}-intended",
        f"{year_label(year)} leavers: intended and actual destinations",
        ["Intended", "Actual (year after leaving)", "Learners"],
        [
            [
                rules.CATEGORY_LABELS[want],
                rules.CATEGORY_LABELS[got] if got is not None else "Not recorded yet",
                str(count),
            ]
            for (want, got), count in pairs
        ],
        numeric_from=2,
        notes=intended_notes(intended),
    )
    later = None
    if cohort.later:
        years = sorted(cohort.later)
        later = Table(
            f"{key}-later",
            f"{year_label(year)} leavers: the years after",
            ["Measure", "Year 1", *(f"Year {n}" for n in years)],
            [
                [
                    rules.HEADLINE_LABELS[k],
                    share_text(m.headline[k]),
                    *(share_text(cohort.later[n].headline[k]) for n in years),
                ]
                for k in rules.HEADLINE
            ]
            + [
                [
                    "No destination recorded",
                    share_text(m.not_recorded),
                    *(share_text(cohort.later[n].not_recorded) for n in years),
                ]
            ],
        )
    small = m.counts_only or any(r.inside.counts_only or r.others.counts_only for r in cohort.groups)
    small = small or (intended.matched_share.counts_only and intended.with_both > 0)
    return CohortTables(
        comparison=comparison,
        label=year_label(year),
        size=m.cohort,
        any_recorded=m.not_recorded.count < m.cohort,
        small=small,
        headline=headline,
        categories=categories,
        groups=groups,
        intended=intended_table,
        later=later,
        withheld=figures_only and rules.figures_withheld(cohort),
    )


def intended_notes(intended: rules.IntendedActual) -> list[str]:
    notes = []
    share = intended.matched_share
    if share.of:
        notes.append(
            f"{share.count} of {share.of} learners whose intended and actual destinations are both recorded "
            f"went where they intended ({percent_text(share)})."
        )
    if intended.no_intention:
        some = "learner has" if intended.no_intention == 1 else "learners have"
        notes.append(f"{intended.no_intention} {some} an actual destination but no intended one recorded.")
    return notes


@dataclass(frozen=True)
class TrendRow:
    label: str
    share: rules.Share
    national: str
    local: str
    withheld: bool = False

    @property
    def count_text(self) -> str:
        return f"fewer than {rules.SMALL_GROUP}" if self.withheld else f"{self.share.count} of {self.share.of}"

    @property
    def percent_text(self) -> str:
        return NOT_SHOWN if self.withheld else percent_text(self.share)

    @property
    def meter(self) -> int | None:
        return None if self.withheld or self.share.percent is None else round(self.share.percent)


def trend(cohorts: list[CohortTables]) -> list[TrendRow]:
    """Sustained destinations of each cohort, oldest first, beside the nation's and the LA's."""
    rows = []
    for tables in reversed(cohorts):
        c = tables.comparison
        line = c.lines[0]  # "overall", sustained education, apprenticeship or employment
        rows.append(
            TrendRow(
                tables.label,
                line.school,
                dfe_text(c.national, line.national),
                dfe_text(c.local, line.local),
                withheld=tables.withheld,
            )
        )
    return rows


CSV_HEADER = ["Stage", "Leaving cohort", "DfE time period", "Table", "Row", "Column", "Value"]


def csv_rows(stage: KeyStage, cohorts: list[CohortTables]) -> list[list[str]]:
    """Every table of every cohort, one cell a line (tidy): aggregates only."""
    out: list[list[str]] = []
    for tables in cohorts:
        if tables.withheld:
            out.append([stage.value, tables.label, tables.comparison.time_period, "", "Note", "", WITHHELD_NOTE])
            continue
        for table in (tables.headline, tables.categories, tables.groups, tables.intended, tables.later):
            if table is None:
                continue
            where = [stage.value, tables.label, tables.comparison.time_period, table.caption]
            first = table.numeric_from
            for row in table.rows:
                label = " → ".join(row[:first])
                for column, cell in zip(table.head[first:], row[first:], strict=True):
                    if cell != "":
                        out.append([*where, label, column, cell])
            out += [[*where, "Note", "", note] for note in table.notes]
    return out
