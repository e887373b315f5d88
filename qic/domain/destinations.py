"""Learners' destinations after they leave (criterion 3.4, §5.1.1, the refreshed Benchmark 3), and
their analysis beside the DfE destination measures.

The rules, in pure Python:
- **Categories** map onto the DfE measures' columns (`DFE_COLUMN`): school sixth form (`ssf`),
  sixth-form college (`sfc`), FE college (`fe`), other education and training (`other_edu`),
  higher education (`he`), apprenticeship (`appren`), employment (`all_work`); not in education,
  employment or training and "unknown" are not destinations.
- **Leaving cohorts.** A learner is in the KS4 cohort of the academic year in which they were in
  Year 11, and in the 16–18 cohort of the year they were in Year 13, if they were on roll on that
  year's census day (the third Thursday of January, as in the DfE's school census). A learner with
  no year group (a college's) is in the 16–18 cohort of the year their programme ended if they were
  16 to 18 at the start of that year. The DfE publishes the destinations of the cohort that
  finished in year Y as the measures of year Y+1 (`time_period` "Y+1Y+2", e.g. 2022 -> "202324").
- **Which destination counts.** Destinations are dated. Year *n* after leaving is the academic year
  Y+n; an actual destination dated within the leaving year itself (the summer after the exams)
  belongs to year 1. For each year the latest actual destination dated in it counts (ties: the one
  recorded last). A KS4 leaver still on the school's roll in Year 12 on 1 October of year 1, with
  no actual destination recorded for it, is counted in the school's sixth form ("stayed on"),
  sustained if still on roll on 31 March.
- **Sustained** is six months in the destination, October to March of the year it counts in, as
  the DfE counts it: a destination cannot be recorded as sustained before 31 March of that year
  (`sustained_known_on`), though one that already ended may be recorded as not sustained at once.
- **Measures** follow the DfE's: `overall` is a sustained destination in education, an
  apprenticeship or employment; `all_notsust` a destination recorded but not sustained, or NEET;
  `all_unknown` nothing recorded, or "unknown". A destination whose sustained status is not yet
  known counts in none of the three (shown as "not yet known").
- **Small groups.** A share of fewer than `SMALL_GROUP` learners is shown as a count only (no
  percentage), and a gap needs both sides at `SMALL_GROUP` or more: with so few, a percentage says
  more about one pupil than about the programme (the DfE suppresses institution cohorts under 6).
- **Small groups, for those who see figures and not learners** (governors, the Awarding Body, the
  assessor): a count of 1 to 5 learners in a group can tell them where a learner they know went
  ("looked after: 0 of 1"). For them, a cohort of 1 to 5 learners shows no figures
  (`figures_withheld`, as the DfE withholds an institution's cohort under 6), and a breakdown is
  not shown when the group, its others or the learners in neither number 1 to 5
  (`disclosive_breakdowns`): the others and "neither" too, since the cohort's figures minus theirs
  are the small group's.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qic.domain.academic import KeyStage, academic_year_of, age_at_year_start

SMALL_GROUP = 6
YEARS_KEPT = 3  # destinations are analysed for three years after leaving, and three cohorts are compared
STAGES = (KeyStage.KS4, KeyStage.KS5)


class Category(str, enum.Enum):  # noqa: UP042 - stored value
    SCHOOL_SIXTH_FORM = "ssf"
    SIXTH_FORM_COLLEGE = "sfc"
    FE_COLLEGE = "fe"
    OTHER_EDUCATION = "other_edu"
    HIGHER_EDUCATION = "he"
    APPRENTICESHIP = "appren"
    EMPLOYMENT = "work"
    TRAINING = "training"
    NEET = "neet"
    UNKNOWN = "unknown"


CATEGORY_LABELS: dict[Category, str] = {
    Category.SCHOOL_SIXTH_FORM: "School sixth form",
    Category.SIXTH_FORM_COLLEGE: "Sixth-form college",
    Category.FE_COLLEGE: "Further education college",
    Category.OTHER_EDUCATION: "Other education",
    Category.HIGHER_EDUCATION: "Higher education",
    Category.APPRENTICESHIP: "Apprenticeship",
    Category.EMPLOYMENT: "Employment",
    Category.TRAINING: "Training",
    Category.NEET: "Not in education, employment or training (NEET)",
    Category.UNKNOWN: "Unknown",
}

EDUCATION = frozenset(
    {
        Category.SCHOOL_SIXTH_FORM,
        Category.SIXTH_FORM_COLLEGE,
        Category.FE_COLLEGE,
        Category.OTHER_EDUCATION,
        Category.HIGHER_EDUCATION,
        Category.TRAINING,  # the DfE counts training (traineeships, study programmes) as education
    }
)
IN_EET = EDUCATION | {Category.APPRENTICESHIP, Category.EMPLOYMENT}

# The DfE destination measures' column each category is counted in.
DFE_COLUMN: dict[Category, str] = {
    Category.SCHOOL_SIXTH_FORM: "ssf",
    Category.SIXTH_FORM_COLLEGE: "sfc",
    Category.FE_COLLEGE: "fe",
    Category.OTHER_EDUCATION: "other_edu",
    Category.TRAINING: "other_edu",
    Category.HIGHER_EDUCATION: "he",
    Category.APPRENTICESHIP: "appren",
    Category.EMPLOYMENT: "all_work",
}
# The headline measures compared with the DfE's, in the order shown.
HEADLINE = ("overall", "education", "appren", "all_work", "all_notsust", "all_unknown")
HEADLINE_LABELS = {
    "overall": "Sustained education, apprenticeship or employment",
    "education": "Sustained education",
    "appren": "Sustained apprenticeship",
    "all_work": "Sustained employment",
    "all_notsust": "Not sustained, or NEET",
    "all_unknown": "Activity not captured (unknown)",
}


class Kind(str, enum.Enum):  # noqa: UP042 - stored value
    INTENDED = "intended"  # what the learner plans before leaving
    ACTUAL = "actual"  # where they went, after leaving


KIND_LABELS = {Kind.INTENDED: "Intended", Kind.ACTUAL: "Actual"}


class DestinationRefused(ValueError):
    """A destination that cannot be recorded as given; the message says why, for the user."""


class SustainedTooSoon(DestinationRefused):
    """A destination said to be sustained before its six months are over (the fault is in the
    "sustained" answer, not the date)."""


def sustained_known_on(*, recorded_on: dt.date, left_on: dt.date | None) -> dt.date:
    """The first day an actual destination can be known to have been sustained: 31 March of the
    academic year it counts in (six months from October, as the DfE counts; the year after leaving
    for one dated in the summer the learner left)."""
    year = academic_year_of(recorded_on)
    if left_on is not None:
        year = max(year, academic_year_of(left_on) + 1)
    return dt.date(year + 1, 3, 31)


def check_destination(
    *,
    kind: Kind,
    category: Category,
    recorded_on: dt.date,
    today: dt.date,
    left_on: dt.date | None,
    sustained: bool | None = None,
) -> None:
    """Raise DestinationRefused unless the destination makes sense: not dated in the future, an
    actual destination not dated before the learner left (an intended one may be), not more than
    `YEARS_KEPT` years after the end of the leaving year, and not said to be sustained before its
    six months are over (`sustained_known_on`; one that ended early may be "not sustained" at once)."""
    if recorded_on > today:
        raise DestinationRefused("The date recorded must be today or in the past.")
    if kind is Kind.ACTUAL and left_on is not None and recorded_on < left_on - dt.timedelta(days=62):
        # The summer offers (the September Guarantee) are often known before the last day on roll.
        raise DestinationRefused(
            "An actual destination must be dated after the learner left (or within two months before)."
        )
    if left_on is not None and academic_year_of(recorded_on) - academic_year_of(left_on) > YEARS_KEPT:
        raise DestinationRefused(f"Destinations are kept for {YEARS_KEPT} years after the learner left.")
    if kind is Kind.INTENDED and category is Category.UNKNOWN:
        raise DestinationRefused("An intended destination cannot be “unknown”: leave it unrecorded instead.")
    if kind is Kind.ACTUAL and sustained is True:
        known_on = sustained_known_on(recorded_on=recorded_on, left_on=left_on)
        if today < known_on:
            raise SustainedTooSoon(
                f"Whether it was sustained is known only from {known_on.day} {known_on:%B %Y}, after the six "
                "months from October: leave it as not known yet (or “no” if it has already ended)."
            )


# --- Cohorts ------------------------------------------------------------------------------------


def census_day(year: int) -> dt.date:
    """The spring census day of academic year `year`: the third Thursday of January."""
    first = dt.date(year + 1, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=14)


def on_roll(day: dt.date, *, joined_on: dt.date | None, left_on: dt.date | None) -> bool:
    return (joined_on is None or joined_on <= day) and (left_on is None or left_on >= day)


@dataclass(frozen=True)
class LearnerFacts:
    """What the cohort rules read about a learner (no names)."""

    year_group: int | None
    recorded_in: int | None
    date_of_birth: dt.date
    joined_on: dt.date | None
    left_on: dt.date | None
    programme_end: dt.date | None = None


def cohorts_of(facts: LearnerFacts) -> list[tuple[KeyStage, int]]:
    """The leaving cohorts (stage, academic year) the learner belongs to, oldest first."""
    found: list[tuple[KeyStage, int]] = []
    if facts.year_group is not None and facts.recorded_in is not None:
        for stage, final_year in ((KeyStage.KS4, 11), (KeyStage.KS5, 13)):
            year = facts.recorded_in + (final_year - facts.year_group)
            if on_roll(census_day(year), joined_on=facts.joined_on, left_on=facts.left_on):
                found.append((stage, year))
        return found
    if facts.programme_end is not None:
        year = academic_year_of(facts.programme_end)
        if 16 <= age_at_year_start(facts.date_of_birth, year) <= 18:
            found.append((KeyStage.KS5, year))
    return found


def dfe_time_period(cohort_year: int) -> str:
    """The DfE measures' `time_period` that reports the cohort that finished in `cohort_year`:
    2022 (finished in 2022/23) -> "202324", the year of their destinations."""
    year = cohort_year + 1
    return f"{year}{(year + 1) % 100:02d}"


def cohort_of_time_period(time_period: str) -> int:
    """The inverse of `dfe_time_period`: "202324" -> 2022. Raises ValueError for anything else."""
    text = time_period.strip()
    if len(text) != 6 or not text.isdigit() or (int(text[:4]) + 1) % 100 != int(text[4:]):
        raise ValueError(f"“{time_period}” is not an academic year like 202324")
    return int(text[:4]) - 1


def cohort_years(today: dt.date) -> list[int]:
    """The three most recent cohorts that have left, newest first (on 3 December 2026: the cohorts
    that finished in 2025/26, 2024/25 and 2023/24)."""
    current = academic_year_of(today)
    return [current - n for n in range(1, YEARS_KEPT + 1)]


def stayed_on_sustained(
    *, cohort_year: int, left_on: dt.date | None, year_group_next: int | None, today: dt.date
) -> tuple[bool, bool | None]:
    """(stayed, sustained) for a KS4 leaver: stayed if in Year 12 and on roll on 1 October of the
    year after; sustained True if still on roll on 31 March after it, False if they left before,
    None if that day has not come yet."""
    october = dt.date(cohort_year + 1, 10, 1)
    march = dt.date(cohort_year + 2, 3, 31)
    if year_group_next != 12 or not on_roll(october, joined_on=None, left_on=left_on) or today < october:
        return False, None
    if left_on is not None and left_on < march:
        return True, False
    return True, (True if today >= march else None)


# --- One learner's destination for a year ------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """One recorded destination (no names, no detail)."""

    kind: Kind
    category: Category
    recorded_on: dt.date
    sustained: bool | None
    order: int = 0  # ties on the same date: the one recorded last (highest) counts


def year_after(cohort_year: int, day: dt.date) -> int:
    """Which year after leaving a date falls in (1 for anything up to the end of year 1)."""
    return max(1, academic_year_of(day) - cohort_year)


def destination_in_year(cohort_year: int, recorded: Iterable[Recorded], n: int) -> Recorded | None:
    """The actual destination that counts for year `n` after leaving: the latest dated in it."""
    found = [r for r in recorded if r.kind is Kind.ACTUAL and year_after(cohort_year, r.recorded_on) == n]
    return max(found, key=lambda r: (r.recorded_on, r.order)) if found else None


def latest_intended(recorded: Iterable[Recorded]) -> Recorded | None:
    found = [r for r in recorded if r.kind is Kind.INTENDED]
    return max(found, key=lambda r: (r.recorded_on, r.order)) if found else None


# --- Analysis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortMember:
    """A learner in a leaving cohort, as the analysis sees them: flags and destinations only."""

    learner_id: int
    disadvantaged: bool
    sen_support: bool
    ehc_plan: bool
    looked_after: bool
    sex: str  # "F", "M" or "U"
    recorded: tuple[Recorded, ...] = ()
    stayed: bool = False  # KS4 only: in the school's sixth form on 1 October of year 1
    stayed_sustained: bool | None = None


@dataclass(frozen=True)
class Share:
    count: int
    of: int

    @property
    def percent(self) -> float | None:
        """The share as a percentage; None when the group is too small to show one (counts only)."""
        if self.of < SMALL_GROUP:
            return None
        return 100.0 * self.count / self.of

    @property
    def counts_only(self) -> bool:
        return self.of < SMALL_GROUP


@dataclass(frozen=True)
class Measures:
    """A group of leavers' destinations in one year after leaving."""

    cohort: int
    by_category: dict[Category, Share]
    headline: dict[str, Share]  # keyed as `HEADLINE`, comparable with the DfE's columns
    not_yet_known: Share  # a destination whose sustained status is not known yet
    not_recorded: Share  # nobody has recorded a destination (counted in all_unknown)
    stayed_on: Share  # KS4: counted in the school sixth form because still on roll

    @property
    def counts_only(self) -> bool:
        return self.cohort < SMALL_GROUP


def measures(members: Sequence[CohortMember], cohort_year: int, n: int = 1) -> Measures:
    """The destinations of `members` in year `n` after leaving `cohort_year`."""
    total = len(members)
    categories: Counter[Category] = Counter()
    headline: Counter[str] = Counter()
    not_yet = not_recorded = stayed = 0
    for member in members:
        chosen = destination_in_year(cohort_year, member.recorded, n)
        if chosen is None and n == 1 and member.stayed:
            chosen = Recorded(
                Kind.ACTUAL, Category.SCHOOL_SIXTH_FORM, dt.date(cohort_year + 1, 10, 1), member.stayed_sustained
            )
            stayed += 1
        if chosen is None or chosen.category is Category.UNKNOWN:
            not_recorded += chosen is None
            headline["all_unknown"] += 1
            if chosen is not None:
                categories[Category.UNKNOWN] += 1
            continue
        categories[chosen.category] += 1
        if chosen.category is Category.NEET or chosen.sustained is False:
            headline["all_notsust"] += 1
        elif chosen.sustained is None:
            not_yet += 1
        else:
            headline["overall"] += 1
            if chosen.category in EDUCATION:
                headline["education"] += 1
            elif chosen.category is Category.APPRENTICESHIP:
                headline["appren"] += 1
            else:
                headline["all_work"] += 1
    return Measures(
        cohort=total,
        by_category={c: Share(categories[c], total) for c in Category},
        headline={key: Share(headline[key], total) for key in HEADLINE},
        not_yet_known=Share(not_yet, total),
        not_recorded=Share(not_recorded, total),
        stayed_on=Share(stayed, total),
    )


@dataclass(frozen=True)
class Breakdown:
    code: str
    inside_label: str
    others_label: str


BREAKDOWNS = (
    Breakdown("disadvantaged", "Disadvantaged (pupil premium or free school meals)", "Not disadvantaged"),
    Breakdown("send", "SEND (SEN support or EHC plan)", "No identified SEN"),
    Breakdown("ehc_plan", "EHC plan", "No EHC plan"),
    Breakdown("looked_after", "Looked after", "Not looked after"),
    Breakdown("sex", "Female", "Male"),
)


def in_group(member: CohortMember, code: str) -> bool | None:
    """Whether the member is inside (True) or among the others (False) of a breakdown; None if
    neither (sex not known, for the female/male breakdown)."""
    if code == "disadvantaged":
        return member.disadvantaged
    if code == "send":
        return member.sen_support or member.ehc_plan
    if code == "ehc_plan":
        return member.ehc_plan
    if code == "looked_after":
        return member.looked_after
    if code == "sex":
        return {"F": True, "M": False}.get(member.sex)
    raise KeyError(code)


@dataclass(frozen=True)
class GroupRow:
    breakdown: Breakdown
    inside: Measures
    others: Measures

    @property
    def gap(self) -> float | None:
        """Sustained EET of the group minus the others', in percentage points; None when either
        side is too small to show a percentage."""
        a, b = self.inside.headline["overall"].percent, self.others.headline["overall"].percent
        return None if a is None or b is None else a - b


@dataclass(frozen=True)
class IntendedActual:
    with_both: int  # learners with an intended and an actual year-1 destination
    matched: int  # ... whose actual category is the one they intended
    no_intention: int  # learners with an actual destination but no intended one
    pairs: dict[tuple[Category, Category | None], int]  # (intended, actual or None) -> learners

    @property
    def matched_share(self) -> Share:
        return Share(self.matched, self.with_both)


def intended_vs_actual(members: Sequence[CohortMember], cohort_year: int) -> IntendedActual:
    pairs: Counter[tuple[Category, Category | None]] = Counter()
    with_both = matched = no_intention = 0
    for member in members:
        intended = latest_intended(member.recorded)
        actual = destination_in_year(cohort_year, member.recorded, 1)
        actual_category = actual.category if actual else (Category.SCHOOL_SIXTH_FORM if member.stayed else None)
        if intended is None:
            no_intention += actual_category is not None
            continue
        pairs[(intended.category, actual_category)] += 1
        if actual_category is not None and actual_category is not Category.UNKNOWN:
            with_both += 1
            matched += intended.category is actual_category
    return IntendedActual(with_both, matched, no_intention, dict(pairs))


@dataclass(frozen=True)
class CohortAnalysis:
    stage: KeyStage
    year: int  # the academic year the cohort finished in
    overall: Measures  # year 1 after leaving
    groups: tuple[GroupRow, ...]
    intended: IntendedActual
    later: dict[int, Measures] = field(default_factory=dict)  # years 2 and 3, where any is recorded

    @property
    def dfe_time_period(self) -> str:
        return dfe_time_period(self.year)


def analyse_cohort(stage: KeyStage, year: int, members: Sequence[CohortMember]) -> CohortAnalysis:
    groups = []
    for breakdown in BREAKDOWNS:
        sides = [(member, in_group(member, breakdown.code)) for member in members]
        groups.append(
            GroupRow(
                breakdown,
                measures([m for m, side in sides if side is True], year),
                measures([m for m, side in sides if side is False], year),
            )
        )
    later = {}
    for n in range(2, YEARS_KEPT + 1):
        if any(destination_in_year(year, m.recorded, n) for m in members):
            later[n] = measures(members, year, n)
    return CohortAnalysis(stage, year, measures(members, year), tuple(groups), intended_vs_actual(members, year), later)


def figures_withheld(cohort: CohortAnalysis) -> bool:
    """Whether the cohort is too small (1 to `SMALL_GROUP` - 1 learners) for any of its figures to
    be shown to someone who does not see the learners' records."""
    return 0 < cohort.overall.cohort < SMALL_GROUP


def disclosive_breakdowns(cohort: CohortAnalysis) -> frozenset[str]:
    """The codes of the breakdowns whose rows would single out 1 to `SMALL_GROUP` - 1 learners to
    someone who does not see the learners' records:

    - the group, its others, or the learners in neither (sex not recorded, for female/male) are
      that few: the cohort's figures minus the rest of the row are theirs;
    - the EHC plan row when the learners on SEN support alone are that few, since every EHC plan
      is also in SEND: SEND's row minus the EHC plan row is theirs.
    """
    total = cohort.overall.cohort
    found: set[str] = set()
    rows = {row.breakdown.code: row for row in cohort.groups}
    for code, row in rows.items():
        inside, others = row.inside.cohort, row.others.cohort
        if any(0 < n < SMALL_GROUP for n in (inside, others, total - inside - others)):
            found.add(code)
    send, ehc = rows.get("send"), rows.get("ehc_plan")
    if send is not None and ehc is not None and 0 < send.inside.cohort - ehc.inside.cohort < SMALL_GROUP:
        found.add("ehc_plan")
    return frozenset(found)


@dataclass(frozen=True)
class Analysis:
    stage: KeyStage
    cohorts: tuple[CohortAnalysis, ...]  # newest first

    @property
    def trend(self) -> list[tuple[int, Share]]:
        """Sustained EET of each cohort, oldest first."""
        return [(c.year, c.overall.headline["overall"]) for c in reversed(self.cohorts)]


def analyse(stage: KeyStage, cohorts: Mapping[int, Sequence[CohortMember]]) -> Analysis:
    """The analysis of a stage's leaving cohorts (academic year -> its members), newest first."""
    return Analysis(stage, tuple(analyse_cohort(stage, year, cohorts[year]) for year in sorted(cohorts, reverse=True)))
