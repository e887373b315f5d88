"""Which DfE destination-measures row a provider's leavers are compared with (issue 16, item 3),
written from the issue and the DfE's data guidance: same stage and year (the cohort that finished
in 2022/23 is published as "202324"), the provider's institution group, the total level, the
percentage rows, the DfE's breakdown labels, and suppressed cells shown as not published, never 0.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qic.domain.academic import KeyStage
from qic.domain.destinations import HEADLINE, Category, CohortMember, Kind, Recorded, analyse_cohort
from qic.domain.dfe_comparison import (
    LOCAL_AUTHORITY,
    NATIONAL,
    SYMBOLS,
    Availability,
    DfeRow,
    DfeSide,
    DfeValue,
    breakdown_side,
    compare_cohort,
    dfe_side,
    institution_groups_for,
    value_of,
    words,
)
from qic.domain.provider_types import ProviderType

COHORT = 2022
PERIOD = "202324"
KS4, KS5 = KeyStage.KS4, KeyStage.KS5


def row(
    breakdown: str = "Total",
    overall: object = 90,
    *,
    topic: str = "Total",
    group: str = "State-funded mainstream schools",
    stage: str = "KS4",
    period: str = PERIOD,
    level: str = NATIONAL,
    data_type: str = "Percentage",
    cohort_level: str = "",
    cohort: int | None = 1000,
    suppressed: dict[str, str] | None = None,
    **values: object,
) -> DfeRow:
    return DfeRow(
        stage=stage,
        time_period=period,
        geographic_level=level,
        institution_group=group,
        breakdown_topic=topic,
        breakdown=breakdown,
        data_type=data_type,
        cohort_level_group=cohort_level,
        cohort=cohort,
        values={"overall": overall, **values},
        suppressed=suppressed or {},
    )


def side(rows: list[DfeRow], provider_type: ProviderType = ProviderType.SECONDARY, **kwargs: object) -> DfeSide:
    options: dict[str, object] = {
        "stage": KS4,
        "cohort_year": COHORT,
        "provider_type": provider_type,
        "level": NATIONAL,
    }
    options.update(kwargs)
    return dfe_side(rows, **options)  # type: ignore[arg-type]


# --- Which row ---------------------------------------------------------------------------------


def test_the_cohort_is_compared_with_the_dfe_year_after_it_left() -> None:
    rows = [row(overall=91, period="202324"), row(overall=80, period="202223"), row(overall=70, period="202425")]
    assert side(rows).measure("overall").percent == 91
    assert side(rows, cohort_year=2021).measure("overall").percent == 80


def test_the_stage_and_the_area_level_must_match() -> None:
    rows = [row(overall=91, stage="16-18"), row(overall=85, level=LOCAL_AUTHORITY)]
    assert side(rows).availability is Availability.NOT_LOADED
    assert side(rows, stage=KS5).measure("overall").percent == 91
    assert side(rows, level=LOCAL_AUTHORITY).measure("overall").percent == 85


def test_a_year_not_loaded_says_so() -> None:
    result = side([row(period="202223")])
    assert result.availability is Availability.NOT_LOADED
    assert result.why_not == "not loaded yet"
    assert not result.shown
    assert result.measure("overall") == DfeValue()


def test_a_year_loaded_without_this_area_says_it_is_not_in_the_file() -> None:
    result = side([], level=LOCAL_AUTHORITY, anything_loaded=True)
    assert result.availability is Availability.NOT_IN_FILE


@pytest.mark.parametrize(
    ("provider_type", "expected"),
    [
        (ProviderType.SECONDARY, 1),
        (ProviderType.FE_COLLEGE, 2),
        (ProviderType.SIXTH_FORM_COLLEGE, 2),
        (ProviderType.SPECIAL, 3),
        (ProviderType.INDEPENDENT, 4),
        (ProviderType.INDEPENDENT_TRAINING_PROVIDER, 5),  # the DfE has no group for them: the total
        (ProviderType.OTHER, 5),
    ],
)
def test_each_provider_is_compared_with_its_institution_group(provider_type: ProviderType, expected: int) -> None:
    rows = [
        row(overall=5, group="Total state-funded mainstream schools and colleges"),
        row(overall=1, group="State-funded mainstream schools"),
        row(overall=2, group="State-funded mainstream colleges"),
        row(overall=3, group="State-funded special schools"),
        row(overall=4, group="Independent schools"),
    ]
    result = side(rows, provider_type, stage=KS4)
    assert result.measure("overall").percent == expected


def test_a_group_the_file_lacks_falls_back_to_the_mainstream_total() -> None:
    rows = [
        row(overall=88, group="State-funded mainstream schools & colleges"),
        row(overall=1, group="Ethnic minority"),
    ]
    result = side(rows, ProviderType.SPECIAL)
    assert result.measure("overall").percent == 88
    assert result.institution_group == "State-funded mainstream schools & colleges"  # the page says which


@pytest.mark.parametrize(
    "spelling",
    [
        "State-funded mainstream schools",
        "state funded mainstream schools",
        "STATE-FUNDED MAINSTREAM SCHOOL",
        "State-funded  mainstream schools ",
    ],
)
def test_the_dfes_wording_of_a_group_may_vary(spelling: str) -> None:
    rows = [row(overall=1, group="Total state-funded mainstream schools and colleges"), row(overall=77, group=spelling)]
    assert side(rows).measure("overall").percent == 77


def test_the_group_order_is_own_group_first_then_totals() -> None:
    groups = institution_groups_for(ProviderType.FE_COLLEGE)
    assert groups[0] == "state funded mainstream college"
    assert groups.index("state funded mainstream school and college") < groups.index("")
    assert institution_groups_for("not-a-type") == institution_groups_for(ProviderType.OTHER)


@pytest.mark.parametrize("level", ["Total", "All", "", "total", "All levels"])
def test_the_total_qualification_level_is_used(level: str) -> None:
    rows = [row(overall=60, cohort_level="Level 3", stage="16-18"), row(overall=70, cohort_level=level, stage="16-18")]
    assert side(rows, stage=KS5).measure("overall").percent == 70


def test_only_other_levels_is_no_comparison() -> None:
    rows = [row(overall=60, cohort_level="Level 3", stage="16-18")]
    assert side(rows, stage=KS5).availability is Availability.NOT_IN_FILE


# --- Percentages ---------------------------------------------------------------------------------


def test_a_percentage_row_is_used_before_a_number_row() -> None:
    rows = [row(overall=450, data_type="Number of pupils", cohort=500), row(overall=91)]
    assert side(rows).measure("overall").percent == 91
    rows = [row(overall=91), row(overall=450, data_type="Number of pupils", cohort=500)]
    assert side(rows).measure("overall").percent == 91


def test_a_blank_data_type_holds_percentages() -> None:
    assert side([row(overall="93", data_type="")]).measure("overall").percent == 93


def test_number_rows_alone_are_turned_into_percentages_of_their_cohort() -> None:
    rows = [row(overall=450, data_type="Number of students", cohort=500, education=300)]
    result = side(rows)
    assert result.measure("overall").percent == 90
    assert result.measure("education").percent == 60
    assert value_of(row(overall=5, data_type="Number of pupils", cohort=None), "overall") == DfeValue()


def test_every_headline_measure_is_read() -> None:
    values = {key: n for n, key in enumerate(HEADLINE, start=10) if key != "overall"}
    result = side([row(overall=93, **values)])
    assert [result.measure(key).percent for key in HEADLINE] == [93, 11, 12, 13, 14, 15]


# --- Not published -----------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["c", "z", "x", "low"])
def test_a_suppressed_figure_is_not_published_never_zero(symbol: str) -> None:
    found = side([row(overall=0, suppressed={"appren": symbol}, appren=0)]).measure("appren")
    assert found.percent is None
    assert found.not_published
    assert found.text == f"not published ({symbol})"
    assert found.explained == f"not published ({symbol}: {SYMBOLS[symbol]})"
    # A symbol left in the values (not moved to `suppressed`) is read the same way.
    assert value_of(row(appren=symbol.upper()), "appren").symbol == symbol


def test_an_empty_or_unreadable_cell_is_nothing_not_zero() -> None:
    for raw in ("", None, "n/a", True):
        value = value_of(row(overall=raw), "overall")
        assert value == DfeValue()
        assert value.text == "–"
    assert value_of(row(overall="0"), "overall").text == "0%"  # a published 0 is a 0
    assert value_of(row(overall="94.4%"), "overall").percent == pytest.approx(94.4)


# --- Breakdowns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "label", "expected"),
    [
        ("Total", "Total", ("total", None)),
        ("All", "All pupils", ("total", None)),
        ("Total", "All students", ("total", None)),
        ("Disadvantage", "Disadvantaged", ("disadvantaged", True)),
        ("Disadvantage", "Disadvantaged all other", ("disadvantaged", False)),
        ("Disadvantage", "Disadvantaged - all other", ("disadvantaged", False)),
        ("Disadvantage", "Not disadvantaged", ("disadvantaged", False)),
        ("Disadvantage status", "All other pupils", ("disadvantaged", False)),
        ("SEN", "SEN support", ("sen_support", True)),
        ("SEN", "EHC plan", ("ehc_plan", True)),
        ("SEN", "Statement or EHC plan", ("ehc_plan", True)),
        ("SEN", "SEN with statement or EHC plan", ("ehc_plan", True)),
        ("SEN", "No identified SEN", ("send", False)),
        ("SEN", "All SEN", ("send", True)),
        ("Sex", "Female", ("sex", True)),
        ("Gender", "Male", ("sex", False)),
        ("Looked after", "Looked after", ("looked_after", True)),
        ("CLA", "Children looked after", ("looked_after", True)),
        ("CLA", "Not looked after", ("looked_after", False)),
        ("Looked after status", "All other pupils", ("looked_after", False)),
        ("Ethnicity", "White", None),
        ("SEN", "SEN unclassified", None),
        ("Ethnicity", "All other pupils", None),  # the others of a group we do not analyse
    ],
)
def test_the_dfes_breakdown_labels_map_onto_ours(topic: str, label: str, expected: object) -> None:
    assert breakdown_side(topic, label) == expected
    assert breakdown_side(topic.upper(), f"  {label.lower()} ") == expected


def _groups_file() -> list[DfeRow]:
    return [
        row("Total", 90, cohort=1000),
        row("Disadvantaged", 80, topic="Disadvantage", cohort=250),
        row("Disadvantaged all other", 94, topic="Disadvantage", cohort=750),
        row("SEN support", 82, topic="SEN", cohort=100),
        row("EHC plan", 88, topic="SEN", cohort=50),
        row("No identified SEN", 92, topic="SEN", cohort=850),
        row("Female", 91, topic="Sex", cohort=500),
        row("Male", 89, topic="Sex", cohort=500),
        row("Looked after", 0, topic="Looked after", cohort=3, suppressed={"overall": "c"}),
        row("White", 90, topic="Ethnicity", cohort=800),
    ]


def test_the_gaps_of_the_published_breakdowns() -> None:
    groups = side(_groups_file()).groups
    assert groups["disadvantaged"].gap == pytest.approx(-14)
    assert groups["sex"].gap == pytest.approx(2)
    assert not groups["disadvantaged"].derived


def test_send_is_worked_out_from_sen_support_and_ehc_plans() -> None:
    send = side(_groups_file()).groups["send"]
    assert send.inside.percent == pytest.approx((82 * 100 + 88 * 50) / 150)
    assert send.inside.derived
    assert send.derived
    assert send.others.percent == 92
    assert not send.others.derived
    assert send.gap == pytest.approx(84 - 92)


def test_the_others_are_worked_out_from_the_total_when_not_published() -> None:
    ehc = side(_groups_file()).groups["ehc_plan"]
    assert ehc.inside.percent == 88
    assert ehc.others.percent == pytest.approx((90 * 1000 - 88 * 50) / 950)
    assert ehc.others.derived


def test_a_suppressed_group_has_no_gap_and_the_others_are_not_guessed() -> None:
    looked_after = side(_groups_file()).groups["looked_after"]
    assert looked_after.inside.not_published
    assert looked_after.inside.symbol == "c"
    assert looked_after.others == DfeValue()  # not "not published": the DfE withheld only the group
    assert looked_after.gap is None


def test_a_suppressed_part_of_send_makes_send_not_published() -> None:
    rows = [
        row("Total", 90),
        row("SEN support", 82, topic="SEN", cohort=100),
        row("EHC plan", 0, topic="SEN", suppressed={"overall": "c"}),
    ]
    send = side(rows).groups["send"]
    assert send.inside.not_published
    assert send.gap is None


def test_breakdowns_the_file_lacks_are_absent() -> None:
    assert side([row("Total", 90)]).groups == {}
    assert side([row("Total", 90)]).group("sex") is None


# --- One cohort's comparison ---------------------------------------------------------------------


def test_a_cohort_is_shown_beside_the_nation_and_its_local_authority() -> None:
    went = Recorded(Kind.ACTUAL, Category.FE_COLLEGE, dt.date(2023, 10, 1), True)
    members = [CohortMember(pk, pk < 4, False, False, False, "F", (went,) if pk < 8 else ()) for pk in range(10)]
    cohort = analyse_cohort(KS4, COHORT, members)
    national = side([*_groups_file(), row("Total", 0, level=LOCAL_AUTHORITY)])
    local = side(
        [row("Total", 87, level=LOCAL_AUTHORITY, group="State-funded mainstream schools")], level=LOCAL_AUTHORITY
    )
    result = compare_cohort(cohort, national, local)
    assert result.year == COHORT
    assert result.time_period == PERIOD
    first = result.lines[0]
    assert (first.measure, first.school.count, first.school.of) == ("overall", 8, 10)
    assert (first.national.percent, first.local.percent) == (90, 87)
    assert [line.measure for line in result.lines] == list(HEADLINE)
    disadvantaged = next(g for g in result.groups if g.row.breakdown.code == "disadvantaged")
    assert disadvantaged.national is not None
    assert disadvantaged.national.gap == pytest.approx(-14)
    assert disadvantaged.local is None  # the LA's file had no breakdowns
    assert disadvantaged.row.gap is None  # 4 disadvantaged learners: too few for a gap


def test_words_compare_labels_loosely() -> None:
    assert words("  State-funded  Mainstream Schools & Colleges ") == "state funded mainstream schools and colleges"
