"""The rules for reading the DfE destination measures files (qic.domain.dfe_files), from the DfE's
data guidance and DOMAIN.md §7: `time_period` like 202223; National and Local authority rows kept,
the other published levels skipped and counted; the symbols c, z, x, low never read as zero;
both spellings of the breakdown columns; unknown columns reported; bad cells by line and column."""

from __future__ import annotations

import pytest

from qic.domain.academic import KeyStage
from qic.domain.destinations import cohort_of_time_period, dfe_time_period
from qic.domain.dfe_files import (
    KEPT_LEVELS,
    NOT_PUBLISHED,
    OTHER_SKIPPED,
    SKIPPED_KINDS,
    SKIPPED_LINES_SHOWN,
    CellRefused,
    DfeFileRefused,
    Reading,
    implied_stage,
    read_cell,
    read_header,
    read_table,
)

KS4 = KeyStage.KS4
KS5 = KeyStage.KS5

KS4_HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "institution_group",
    "breakdown_topic",
    "breakdown",
    "data_type",
    "cohort",
    "overall",
    "education",
    "ssf",
    "sfc",
    "fe",
    "appren",
    "all_work",
    "all_notsust",
    "all_unknown",
]


def ks4_row(**cells: str) -> list[str]:
    base = {
        "time_period": "202324",
        "time_identifier": "Academic year",
        "geographic_level": "National",
        "country_code": "E92000001",
        "country_name": "England",
        "old_la_code": "",
        "new_la_code": "",
        "la_name": "",
        "institution_group": "State-funded mainstream schools",
        "breakdown_topic": "Total",
        "breakdown": "Total",
        "data_type": "Percentage",
        "cohort": "512000",
        "overall": "94",
        "education": "87",
        "ssf": "38",
        "sfc": "13",
        "fe": "33",
        "appren": "4",
        "all_work": "3",
        "all_notsust": "5",
        "all_unknown": "1",
    }
    base.update(cells)
    return [base[name] for name in KS4_HEADER]


def read_ks4(*rows: list[str], header: list[str] | None = None, stage: KeyStage = KS4) -> Reading:
    return read_table(header or KS4_HEADER, [(line, row) for line, row in enumerate(rows, start=2)], stage)


# --- Time periods ---------------------------------------------------------------------------------


def test_time_period_is_the_year_of_the_destinations_of_the_cohort_that_left_the_year_before() -> None:
    # DOMAIN.md: `time_period` like 202223; the measures of 2023/24 report the cohort of 2022/23.
    assert cohort_of_time_period("202324") == 2022
    assert dfe_time_period(2022) == "202324"
    reading = read_ks4(ks4_row(time_period="202223"), ks4_row(time_period="202324"))
    assert reading.ok
    assert reading.time_periods == ["202223", "202324"]


@pytest.mark.parametrize("bad", ["2023/24", "2023-24", "202325", "2023", "", "abcdef"])
def test_a_time_period_that_is_not_an_academic_year_is_an_error_on_its_line(bad: str) -> None:
    reading = read_ks4(ks4_row(), ks4_row(time_period=bad))
    assert not reading.ok
    [problem] = reading.problems
    assert (problem.line, problem.column) == (3, "time_period")
    assert "202324" in problem.reason


def test_a_time_identifier_other_than_academic_year_is_an_error() -> None:
    reading = read_ks4(ks4_row(time_identifier="Financial year"))
    assert [(p.line, p.column) for p in reading.problems] == [(2, "time_identifier")]


# --- Geographic levels ----------------------------------------------------------------------------


def test_national_and_local_authority_rows_are_kept() -> None:
    reading = read_ks4(
        ks4_row(),
        ks4_row(
            geographic_level="Local authority", old_la_code="201", new_la_code="E09000001", la_name="City of London"
        ),
    )
    assert reading.ok
    assert [f.geographic_level for f in reading.figures] == list(KEPT_LEVELS)
    la = reading.figures[1]
    assert (la.area_code, la.new_area_code, la.area_name) == ("201", "E09000001", "City of London")
    national = reading.figures[0]
    assert (national.area_code, national.new_area_code, national.area_name) == ("", "E92000001", "England")


def test_levels_are_read_whatever_their_capitals_and_spaces() -> None:
    # The DfE's own guidance writes "Local Authority" and "Regional".
    reading = read_ks4(
        ks4_row(geographic_level="Local  Authority", old_la_code="330"), ks4_row(geographic_level="NATIONAL")
    )
    assert reading.ok
    assert [f.geographic_level for f in reading.figures] == ["Local authority", "National"]


def test_other_published_levels_are_skipped_and_counted_by_level_with_their_first_lines() -> None:
    rows = [ks4_row()]
    rows += [ks4_row(geographic_level="Regional", region_code="E12000001") for _ in range(7)]
    rows += [ks4_row(geographic_level="Parliamentary constituency") for _ in range(2)]
    rows += [ks4_row(geographic_level="Local authority district"), ks4_row(geographic_level="Opportunity area")]
    rows += [ks4_row(geographic_level="School"), ks4_row(geographic_level="Institution")]
    reading = read_ks4(*rows)
    assert reading.ok
    assert len(reading.figures) == 1
    skipped = {group.reason: group for group in reading.skipped}
    regional = skipped["Geographic level: Regional"]
    assert regional.count == 7
    assert regional.lines == [3, 4, 5, 6, 7][:SKIPPED_LINES_SHOWN]
    assert skipped["Geographic level: Parliamentary constituency"].count == 2
    assert skipped["Geographic level: Parliamentary constituency"].lines == [10, 11]
    assert {"Geographic level: Local authority district", "Geographic level: Opportunity area"} <= skipped.keys()
    assert {"Geographic level: School", "Geographic level: Institution"} <= skipped.keys()
    assert reading.rows_skipped == 13
    assert reading.rows_read == 14


def test_a_skipped_row_is_not_checked_any_further() -> None:
    # A regional row with a bad cell is not an error: it is not read at all.
    reading = read_ks4(ks4_row(geographic_level="Regional", overall="n/a", time_period="x"))
    assert reading.ok
    assert reading.rows_skipped == 1


@pytest.mark.parametrize("level", ["County", "Local authorities", "", "Nation"])
def test_an_unrecognised_level_is_an_error_on_its_line(level: str) -> None:
    reading = read_ks4(ks4_row(), ks4_row(geographic_level=level))
    [problem] = reading.problems
    assert (problem.line, problem.column) == (3, "geographic_level")
    assert "not one the DfE publishes" in problem.reason


def test_a_local_authority_row_needs_its_three_digit_code() -> None:
    reading = read_ks4(
        ks4_row(geographic_level="Local authority", old_la_code=""),
        ks4_row(geographic_level="Local authority", old_la_code="E09000001"),
    )
    assert [(p.line, p.column) for p in reading.problems] == [(2, "old_la_code"), (3, "old_la_code")]


def test_local_authority_rows_in_a_file_without_the_la_code_column_refuse_the_file() -> None:
    header = [name for name in KS4_HEADER if name != "old_la_code"]
    row = dict(zip(KS4_HEADER, ks4_row(geographic_level="Local authority"), strict=True))
    with pytest.raises(DfeFileRefused, match=r"line 2.*old_la_code"):
        read_table(header, [(2, [row[name] for name in header])], KS4)


# --- Cells: numbers and the symbols of figures not published ---------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("12", 12), ("94.5", 94.5), ("94.5%", 94.5), ("7 %", 7), (" 3 ", 3), (".5", 0.5), ("100", 100)],
)
def test_numbers_whole_or_decimal_with_or_without_a_percent_sign(text: str, value: float) -> None:
    cell = read_cell(text)
    assert cell == value
    assert not isinstance(cell, str)


@pytest.mark.parametrize("symbol", ["c", "z", "x", "low", ":", "", "C", "LOW", " x "])
def test_the_dfes_symbols_are_not_published_never_zero(symbol: str) -> None:
    cell = read_cell(symbol)
    assert isinstance(cell, str)
    assert cell == symbol.strip().lower()
    assert cell != 0


def test_the_guidance_symbols_are_all_known() -> None:
    # The 16–18 data guidance: ( 0 ) zero; ( c ) suppressed; ( z ) not applicable; ( x ) not
    # available; ( low ) positive % less than 0.5.
    assert {"c", "z", "x", "low"} <= NOT_PUBLISHED.keys()
    assert "0" not in NOT_PUBLISHED


def test_low_is_a_positive_percentage_kept_as_a_symbol() -> None:
    reading = read_ks4(ks4_row(appren="low", all_work="0"))
    [figure] = reading.figures
    assert figure.suppressed == {"appren": "low"}
    assert "appren" not in figure.values
    assert figure.values["all_work"] == 0  # a real zero stays a zero


def test_suppressed_cells_are_stored_as_their_symbols_and_not_among_the_values() -> None:
    reading = read_ks4(ks4_row(cohort="c", overall="c", ssf="z", sfc="x", fe=":", all_unknown=""))
    [figure] = reading.figures
    assert figure.suppressed == {"cohort": "c", "overall": "c", "ssf": "z", "sfc": "x", "fe": ":", "all_unknown": ""}
    assert set(figure.values) == {"education", "appren", "all_work", "all_notsust"}
    assert figure.cohort is None


@pytest.mark.parametrize("text", ["n/a", "-", "-3", "1,234", "twelve", "5e3", "NaN", "12.5.1", "..", "*"])
def test_any_other_value_is_refused(text: str) -> None:
    with pytest.raises(CellRefused):
        read_cell(text)


def test_unreadable_values_are_reported_by_line_and_column() -> None:
    reading = read_ks4(
        ks4_row(), ks4_row(overall="ninety", appren="-2"), ks4_row(time_period="202223"), ks4_row(all_work="1,200")
    )
    assert [(p.line, p.column) for p in reading.problems] == [(3, "overall"), (3, "appren"), (5, "all_work")]
    assert "“ninety” is not a number" in reading.problems[0].reason
    assert "negative" in reading.problems[1].reason
    assert str(reading.problems[0]).startswith("line 3, column overall: ")
    assert len(reading.figures) == 2  # the good rows are read; the caller loads nothing (all or nothing)


def test_a_percentage_over_100_and_a_cohort_that_is_not_whole_are_errors() -> None:
    reading = read_ks4(ks4_row(overall="101"), ks4_row(data_type="Number of pupils", overall="4000", cohort="12.5"))
    assert [(p.line, p.column) for p in reading.problems] == [(2, "overall"), (3, "cohort")]


def test_a_blank_data_type_is_a_row_of_percentages_as_the_comparison_reads_it() -> None:
    reading = read_ks4(ks4_row(data_type="", overall="150"))
    assert [(p.line, p.column) for p in reading.problems] == [(2, "overall")]
    assert "over 100 in a row of percentages" in reading.problems[0].reason


def test_a_count_above_its_cohort_in_a_row_of_numbers_is_an_error() -> None:
    numbers = {"data_type": "Number of pupils", "cohort": "1000"}
    reading = read_ks4(ks4_row(**numbers, overall="1001"), ks4_row(**numbers, overall="1000", time_period="202223"))
    assert [(p.line, p.column, p.reason) for p in reading.problems] == [
        (2, "overall", "“1001” is more than the cohort (1000) in a row of numbers")
    ]
    # A suppressed cohort leaves nothing to compare with: the counts are read as they are.
    assert read_ks4(ks4_row(data_type="Number of pupils", cohort="c", overall="5000")).ok


def test_a_cohort_larger_than_a_year_group_of_england_is_an_error() -> None:
    reading = read_ks4(ks4_row(cohort="2000001"), ks4_row(cohort="999999999999", time_period="202223"))
    assert [(p.line, p.column) for p in reading.problems] == [(2, "cohort"), (3, "cohort")]
    assert read_ks4(ks4_row(cohort="2000000")).ok


def test_the_cohort_is_kept_as_a_whole_number() -> None:
    [figure] = read_ks4(ks4_row(cohort="1234")).figures
    assert figure.cohort == 1234
    assert figure.values["cohort"] == 1234


def test_a_figure_twice_in_the_file_is_an_error_on_the_second_line() -> None:
    reading = read_ks4(ks4_row(), ks4_row(data_type="Number of pupils"), ks4_row())
    [problem] = reading.problems
    assert problem.line == 4
    assert "line 2" in problem.reason


def test_a_text_longer_than_the_database_holds_is_an_error() -> None:
    reading = read_ks4(ks4_row(breakdown="x" * 121))
    assert [(p.line, p.column) for p in reading.problems] == [(2, "breakdown")]


# --- Columns --------------------------------------------------------------------------------------


def test_a_byte_order_mark_on_the_first_header_name_is_ignored() -> None:
    header = ["\ufefftime_period", *KS4_HEADER[1:]]
    reading = read_ks4(ks4_row(), header=header)
    assert reading.ok
    assert reading.unknown_columns == []
    assert reading.figures[0].time_period == "202324"


def test_header_names_are_compared_without_case_spaces_underscores_or_hyphens() -> None:
    header = [
        "Time Period",
        "time-identifier",
        "Geographic_Level",
        *KS4_HEADER[3:12],
        "COHORT",
        "Overall",
        *KS4_HEADER[14:],
    ]
    reading = read_ks4(ks4_row(), header=header)
    assert reading.ok
    assert reading.figures[0].values["overall"] == 94


@pytest.mark.parametrize("missing", ["time_period", "geographic_level", "overall"])
def test_a_missing_required_column_refuses_the_file(missing: str) -> None:
    header = [name for name in KS4_HEADER if name != missing]
    with pytest.raises(DfeFileRefused, match=missing):
        read_header(header, KS4)


def test_unknown_columns_are_reported_and_ignored() -> None:
    header = [*KS4_HEADER, "school_rating", ""]
    row = [*ks4_row(), "outstanding", "whatever"]
    reading = read_table(header, [(2, row)], KS4)
    assert reading.ok
    assert reading.unknown_columns == ["school_rating", f"column {len(header)} (no name)"]
    assert "school_rating" not in reading.figures[0].values


def test_known_columns_the_rules_do_not_read_are_not_unknown() -> None:
    header = [*KS4_HEADER, "version", "region_code", "region_name", "pcon_code", "school_urn"]
    reading = read_table(header, [(2, [*ks4_row(), "Final", "", "", "", ""])], KS4)
    assert reading.ok
    assert reading.unknown_columns == []


def test_a_column_named_twice_is_read_from_its_first_and_noted() -> None:
    header = [*KS4_HEADER, "overall"]
    reading = read_table(header, [(2, [*ks4_row(overall="90"), "12"])], KS4)
    assert reading.figures[0].values["overall"] == 90
    assert any("appears twice" in note for note in reading.notes)


def test_a_row_with_more_or_fewer_fields_than_the_header_is_an_error() -> None:
    reading = read_table(KS4_HEADER, [(2, ks4_row()[:-1])], KS4)
    assert [p.line for p in reading.problems] == [2]


# --- Both spellings of the breakdown (and the 16–18 shape) ----------------------------------------

KS5_HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "level_methodology",
    "institution_group",
    "cohort_level_group",
    "characteristic",
    "data_type",
    "cohort",
    "overall",
    "education",
    "fe",
    "fel3",
    "he",
    "other_edu",
    "appren",
    "appl2",
    "appl3",
    "appl4",
    "all_work",
    "all_notsust",
    "all_unknown",
]


def ks5_row(**cells: str) -> list[str]:
    base = dict.fromkeys(KS5_HEADER, "5")
    base.update(
        {
            "time_period": "202223",
            "time_identifier": "Academic year",
            "geographic_level": "National",
            "country_code": "E92000001",
            "country_name": "England",
            "old_la_code": "",
            "new_la_code": "",
            "la_name": "",
            "level_methodology": "16-18 Provider location",
            "institution_group": "State-funded mainstream schools & colleges",
            "cohort_level_group": "Total",
            "characteristic": "Disadvantaged",
            "data_type": "Percentage",
            "cohort": "410000",
            "overall": "80",
        }
    )
    base.update(cells)
    return [base[name] for name in KS5_HEADER]


def test_characteristic_alone_is_the_breakdown_with_no_topic() -> None:
    reading = read_table(KS5_HEADER, [(2, ks5_row())], KS5)
    assert reading.ok
    [figure] = reading.figures
    assert (figure.breakdown_topic, figure.breakdown) == ("", "Disadvantaged")
    assert figure.cohort_level_group == "Total"
    assert figure.values["he"] == 5


def test_characteristic_group_and_characteristic_are_the_topic_and_the_breakdown() -> None:
    header = [*KS5_HEADER, "characteristic_group"]
    reading = read_table(header, [(2, [*ks5_row(characteristic="Female"), "Sex"])], KS5)
    [figure] = reading.figures
    assert (figure.breakdown_topic, figure.breakdown) == ("Sex", "Female")


def test_breakdown_topic_and_breakdown_are_the_topic_and_the_breakdown() -> None:
    [figure] = read_ks4(ks4_row(breakdown_topic="Disadvantage", breakdown="Disadvantaged")).figures
    assert (figure.breakdown_topic, figure.breakdown) == ("Disadvantage", "Disadvantaged")


def test_institution_type_is_the_group_in_a_file_without_institution_group() -> None:
    header = ["institution_type" if name == "institution_group" else name for name in KS4_HEADER]
    [figure] = read_table(header, [(2, ks4_row(institution_group="Total"))], KS4).figures
    assert figure.institution_group == "Total"


def test_finer_dimensions_keep_their_totals_only() -> None:
    header = [*KS5_HEADER, "cohort_level", "institution_type"]
    rows = [
        (2, [*ks5_row(), "Total", "Total"]),
        (3, [*ks5_row(cohort_level_group="Level 3"), "Total", ""]),
        (4, [*ks5_row(cohort_level_group="Level 3"), "A level", "Total"]),
        (5, [*ks5_row(), "Total", "Academies"]),
    ]
    reading = read_table(header, rows, KS5)
    assert reading.ok
    assert [f.line for f in reading.figures] == [2, 3]
    assert sorted(g.count for g in reading.skipped) == [1, 1]


def test_the_16_to_18_rows_counted_by_residence_are_skipped() -> None:
    rows = [(2, ks5_row()), (3, ks5_row(level_methodology="16-18 Student residency"))]
    reading = read_table(KS5_HEADER, rows, KS5)
    assert reading.ok
    assert [f.line for f in reading.figures] == [2]
    [skipped] = reading.skipped
    assert "Student residency" in skipped.reason
    assert skipped.lines == [3]


def test_skipped_rows_of_many_kinds_are_told_apart_up_to_a_limit_then_counted_together() -> None:
    """A careless file (something else in level_methodology on every row) makes a short report,
    not one note per row, and quotes no more than a little of each value."""
    rows = [(2, ks5_row())]
    rows += [(3 + n, ks5_row(level_methodology=f"Method {n} " + "x" * 500)) for n in range(500)]
    reading = read_table(KS5_HEADER, rows, KS5)
    assert reading.ok
    assert len(reading.skipped) == SKIPPED_KINDS + 1
    assert reading.rows_skipped == 500
    other = reading.skipped[-1]
    assert other.reason == OTHER_SKIPPED
    assert (other.count, other.lines) == (500 - SKIPPED_KINDS, [23, 24, 25, 26, 27])
    assert all(len(group.reason) < 200 for group in reading.skipped)


# --- Stage ----------------------------------------------------------------------------------------


def test_the_file_says_its_stage_where_it_can() -> None:
    assert implied_stage(["time_period", "cohort_level_group"])[0] is KS5
    assert implied_stage(["time_period", "ssf", "sfc"])[0] is KS4
    assert implied_stage(["time_period", "overall"])[0] is None


def test_a_16_to_18_file_loaded_as_ks4_is_refused_and_the_other_way_round() -> None:
    with pytest.raises(DfeFileRefused, match="cohort_level_group"):
        read_header(KS5_HEADER, KS4)
    with pytest.raises(DfeFileRefused, match="ssf"):
        read_header(KS4_HEADER, KS5)
    assert read_header(KS5_HEADER, KS5).stage is KS5
