"""Destinations as accreditation evidence: which criterion shows them, what the portfolio says of
them, and when the platform's own records stand in for the "destinations data for the last three
years" the Guide asks to be sent before the assessment (§5.1.1).

- **Which criterion.** Each edition of the national criteria names its own: in the January 2024
  edition it is 3.4 ("Analysing student destinations data for Key Stage 4 & Key Stage 5 and using
  the results ... to make improvements"). An edition not listed in `DESTINATIONS_CRITERION` shows
  the analysis on no criterion, rather than on whichever happens to share a code: a new edition is
  added here when it is loaded.
- **What the portfolio shows** of each stage (KS4, 16–18): the last three leaving cohorts, newest
  first, with the cohort's size and, for the first year after leaving, the shares sustained in
  education, an apprenticeship or employment, not sustained or NEET, unknown and not yet known, and
  the gap in sustained destinations between disadvantaged learners and the others. A share of fewer
  than `SMALL_GROUP` learners is a count only ("4 of 5"), and a gap needs both groups that big.
  Figures only: no learner is named, so the Awarding Body and its assessor read the same summary.
- **Held here.** The required evidence "destinations" counts as provided when the platform holds
  actual destinations for at least `HELD_MIN_COHORTS` of the last three leaving cohorts (KS4 or
  16–18): a cohort counts when at least one of its leavers has an actual destination in a known
  category recorded for one of the three years after leaving. Learners counted in the sixth form
  only because they are still on roll, intended destinations and "unknown" do not make a cohort
  recorded: those say nothing the school found out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, year_label

# Edition code -> the code of its criterion about analysing destinations.
DESTINATIONS_CRITERION: dict[str, str] = {"qic-2024": "3.4"}
HELD_MIN_COHORTS = 1


def destinations_criterion(edition_code: str) -> str | None:
    """The code of the edition's criterion that shows the destinations analysis (None: none)."""
    return DESTINATIONS_CRITERION.get(edition_code)


# --- Held here ------------------------------------------------------------------------------------


def cohort_recorded(cohort_year: int, members: Sequence[rules.CohortMember]) -> bool:
    """Whether any leaver of the cohort has an actual destination in a known category recorded
    for one of the years after leaving that are analysed."""
    for member in members:
        for n in range(1, rules.YEARS_KEPT + 1):
            found = rules.destination_in_year(cohort_year, member.recorded, n)
            if found is not None and found.category is not rules.Category.UNKNOWN:
                return True
    return False


def recorded_cohorts(cohorts: Mapping[int, Sequence[rules.CohortMember]]) -> list[int]:
    """The cohort years (newest first) with destinations recorded (`cohort_recorded`)."""
    return sorted((year for year, members in cohorts.items() if cohort_recorded(year, members)), reverse=True)


def destinations_held(recorded: int) -> bool:
    """Whether `recorded` cohorts with destinations stand in for the uploaded destinations data."""
    return recorded >= HELD_MIN_COHORTS


def held_words(recorded: int) -> str:
    return f"Held here: {recorded} cohort{'s' if recorded != 1 else ''} recorded"


# --- What the portfolio shows ---------------------------------------------------------------------


def share_words(share: rules.Share) -> str:
    """'84% (126)', or a count only for a small group ('4 of 5'); '–' for a cohort of nobody."""
    if share.of == 0:
        return "–"
    percent = share.percent
    if percent is None:
        return f"{share.count} of {share.of}"
    return f"{percent:.0f}% ({share.count})"


def gap_words(row: rules.GroupRow, group: str = "in the group") -> str:
    """The gap in sustained destinations between the group and the others, in percentage points
    ('−12 points'), or, when either is too small for a percentage, both sides' counts."""
    gap = row.gap
    inside, others = row.inside.headline["overall"], row.others.headline["overall"]
    if gap is None:
        if inside.of == 0 or others.of == 0:
            return "–"
        return f"Counts only: {inside.count} of {inside.of} {group}, {others.count} of {others.of} others"
    points = round(gap)
    sign = "+" if points > 0 else "\u2212" if points < 0 else ""
    return f"{sign}{abs(points)} point{'s' if abs(points) != 1 else ''}"


@dataclass(frozen=True)
class CohortLine:
    year: int
    label: str  # "2025/26": the year the cohort finished
    cohort: int
    sustained: str
    not_sustained: str
    unknown: str
    not_yet_known: str
    disadvantaged_gap: str


@dataclass(frozen=True)
class StageSummary:
    stage: KeyStage
    lines: tuple[CohortLine, ...]  # newest first

    @property
    def label(self) -> str:
        return self.stage.label


SUMMARY_NOTE = (
    "Destinations in the first year after leaving. Sustained means six months in education, an "
    "apprenticeship or employment (October to March), as in the DfE's destination measures; a learner "
    "still on roll in the sixth form counts there. No learner is named. The portfolio is read by the "
    f"Awarding Body and the assessor, so a cohort of fewer than {rules.SMALL_GROUP} leavers shows no "
    f"figures, and the gap is withheld when either side, or the learners in neither, number fewer than "
    f"{rules.SMALL_GROUP}."
)
WITHHELD = f"Withheld (fewer than {rules.SMALL_GROUP})"


def sustained_known_from(cohort_year: int) -> dt.date:
    """The first day anyone's first-year destination can be known to be sustained: 31 March after
    leaving (six months from October, as the DfE counts)."""
    return dt.date(cohort_year + 2, 3, 31)


def _gap(cohort: rules.CohortAnalysis, today: dt.date) -> str:
    if not cohort.overall.cohort:
        return "–"
    if rules.figures_withheld(cohort) or "disadvantaged" in rules.disclosive_breakdowns(cohort):
        return WITHHELD
    if today < sustained_known_from(cohort.year):
        return "Not yet known"
    return gap_words(next(g for g in cohort.groups if g.breakdown.code == "disadvantaged"), "disadvantaged")


def summarise(analysis: rules.Analysis, *, today: dt.date) -> StageSummary | None:
    """A stage's lines for the portfolio, or None when the provider has no leavers at that stage
    in the cohorts analysed (a school without a sixth form has no 16–18 cohort). Before a cohort's
    six months are over, nobody is sustained yet, so its gap is "not yet known", not 0 points."""
    if not any(c.overall.cohort for c in analysis.cohorts):
        return None
    lines = []
    for cohort in analysis.cohorts:
        m = cohort.overall
        # Read by the Awarding Body and the assessor, who do not see the learners' records: a
        # cohort of 1 to 5 shows no figures, as the DfE withholds small institutions' cohorts.
        withheld = rules.figures_withheld(cohort)
        lines.append(
            CohortLine(
                year=cohort.year,
                label=year_label(cohort.year),
                cohort=m.cohort,
                sustained=WITHHELD if withheld else share_words(m.headline["overall"]),
                not_sustained=WITHHELD if withheld else share_words(m.headline["all_notsust"]),
                unknown=WITHHELD if withheld else share_words(m.headline["all_unknown"]),
                not_yet_known=WITHHELD if withheld else share_words(m.not_yet_known),
                disadvantaged_gap=_gap(cohort, today),
            )
        )
    return StageSummary(analysis.stage, tuple(lines))
