"""Loading the DfE destination measures (qic.destinations.dfe_load) and the command
`load_dfe_destinations`, against the made-up files in tests/fixtures/dfe: all or nothing, every
problem by line, suppressed cells stored as symbols and never as zero, and a second load of the
same file changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.destinations import dfe_load
from qic.destinations.dfe_load import load_dfe_file, read_dfe_file
from qic.destinations.models import DfeFigure, DfeRelease
from qic.domain.academic import KeyStage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dfe"
KS4_FILE = FIXTURES / "ks4_dm_national_la.csv"
KS5_FILE = FIXTURES / "1618_dm_national_la.csv"
BAD_FILE = FIXTURES / "ks4_dm_bad_values.csv"
ACTOR = SystemActor("tests")

# The KS4 fixture: 2 years x (National + 2 LAs) x 3 breakdowns x 2 data types, and 2 Regional rows.
KS4_FIGURES = 36
# The 16-18 fixture: (National + 1 LA) x 2 level groups x 2 characteristics x 2 data types; then two
# LA rows by students' residence, a Regional and a Parliamentary constituency row.
KS5_FIGURES = 16

pytestmark = pytest.mark.django_db


def load(path: Path, stage: KeyStage = KeyStage.KS4, data: bytes | None = None) -> dfe_load.LoadResult:
    return load_dfe_file(data=data or path.read_bytes(), file_name=path.name, stage=stage, actor=ACTOR)


def figure(**key: str) -> DfeFigure:
    return DfeFigure.objects.get(**key)


def test_the_fixtures_start_with_a_byte_order_mark() -> None:
    assert KS4_FILE.read_bytes().startswith(b"\xef\xbb\xbf")
    assert KS5_FILE.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_ks4_file_loads_its_national_and_local_authority_rows() -> None:
    result = load(KS4_FILE)
    assert result.loaded, result.refused or result.problems
    release = result.release
    assert release is not None
    assert (release.figures_created, release.figures_changed, release.figures_unchanged) == (KS4_FIGURES, 0, 0)
    assert release.rows_read == KS4_FIGURES + 2
    assert release.rows_skipped == 2
    assert release.time_periods == ["202223", "202324"]
    assert release.stage == "KS4"
    assert len(release.sha256) == 64
    assert DfeFigure.objects.count() == KS4_FIGURES
    assert set(DfeFigure.objects.values_list("geographic_level", flat=True)) == {"National", "Local authority"}
    national = figure(
        time_period="202324", geographic_level="National", breakdown="Total", data_type="Percentage", area_code=""
    )
    assert national.values["overall"] == 93.7
    assert national.cohort == 571840
    assert national.area_name == "England"
    assert national.institution_group == "State-funded mainstream schools"
    birmingham = figure(time_period="202324", area_code="330", breakdown="Disadvantaged", data_type="Number of pupils")
    assert (birmingham.new_area_code, birmingham.area_name, birmingham.breakdown_topic) == (
        "E08000025",
        "Birmingham",
        "Disadvantage",
    )
    assert birmingham.release_id == release.pk


def test_suppressed_cells_are_stored_as_symbols_never_as_zero() -> None:
    load(KS4_FILE)
    city = figure(time_period="202324", area_code="201", breakdown="Total", data_type="Percentage")
    assert city.suppressed == {"ssf": "z", "appren": "low", "all_work": "c", "all_notsust": "c", "all_unknown": "x"}
    for column in city.suppressed:
        assert column not in city.values
    assert city.values["overall"] > 0
    counts = figure(time_period="202324", area_code="201", breakdown="Disadvantaged", data_type="Number of pupils")
    assert counts.cohort is None
    assert counts.values == {}
    assert set(counts.suppressed.values()) == {"c", "z"}
    assert not DfeFigure.objects.filter(values__overall=0).exists()


def test_the_release_notes_say_what_was_skipped_and_which_columns_were_not_read() -> None:
    release = load(KS4_FILE).release
    assert release is not None
    skipped = [note for note in release.notes if note["kind"] == "skipped"]
    assert skipped == [
        {"kind": "skipped", "text": "2 rows skipped: Geographic level: Regional", "count": 2, "lines": [20, 39]}
    ]
    [unknown] = [note for note in release.notes if note["kind"] == "unknown_columns"]
    assert unknown["columns"] == ["source_note"]


def test_a_16_to_18_file_in_the_characteristic_shape_loads() -> None:
    result = load(KS5_FILE, KeyStage.KS5)
    assert result.loaded, result.refused or result.problems
    release = result.release
    assert release is not None
    assert release.figures_created == KS5_FIGURES
    assert release.rows_skipped == 4
    reasons = {note["text"] for note in release.notes if note["kind"] == "skipped"}
    assert reasons == {
        "2 rows skipped: Rows counted by 16-18 Student residency (the provider-location rows are kept)",
        "1 row skipped: Geographic level: Regional",
        "1 row skipped: Geographic level: Parliamentary constituency",
    }
    level3 = figure(
        stage="16-18", area_code="330", cohort_level_group="Level 3", breakdown="Disadvantaged", data_type="Percentage"
    )
    assert level3.breakdown_topic == ""
    assert level3.suppressed == {"appl4": "low", "fel1": "c"}
    assert level3.values["he"] == 45.0
    assert release.time_periods == ["202223"]


def test_the_stage_chosen_must_agree_with_the_file() -> None:
    result = load(KS5_FILE, KeyStage.KS4)
    assert not result.loaded
    assert "cohort_level_group" in result.refused
    result = load(KS4_FILE, KeyStage.KS5)
    assert "ssf" in result.refused
    assert DfeRelease.objects.count() == 0


def test_loading_the_same_file_twice_changes_nothing_and_says_so() -> None:
    first = load(KS4_FILE).release
    assert first is not None
    before = list(DfeFigure.objects.order_by("pk").values())
    again = load(KS4_FILE)
    second = again.release
    assert second is not None
    assert (second.figures_created, second.figures_changed, second.figures_unchanged) == (0, 0, KS4_FIGURES)
    assert list(DfeFigure.objects.order_by("pk").values()) == before  # still pointing at the first release
    assert again.loaded_before == first
    assert dfe_load.outcome_sentence(second).startswith("Nothing changed: all 36 figures")
    assert any(note["kind"] == "same_file" and note["release"] == first.pk for note in second.notes)


def test_a_revised_file_changes_only_the_figures_that_differ() -> None:
    load(KS4_FILE)
    data = KS4_FILE.read_bytes()
    # Birmingham's 2023/24 headline revised.
    row = b"Birmingham,State-funded mainstream schools,Total,Total,Percentage,Final,13781,"
    revised = data.replace(row + b"93.7,", row + b"92.9,")
    assert revised.count(row + b"92.9,") == 1
    result = load(KS4_FILE, data=revised)
    release = result.release
    assert release is not None
    assert (release.figures_created, release.figures_changed, release.figures_unchanged) == (0, 1, KS4_FIGURES - 1)
    changed = figure(time_period="202324", area_code="330", breakdown="Total", data_type="Percentage")
    assert changed.values["overall"] == 92.9
    assert changed.release_id == release.pk


def test_a_file_with_any_bad_row_loads_nothing_and_says_each_problem_by_line() -> None:
    result = load(BAD_FILE)
    assert not result.loaded
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "overall"),
        (4, "all_work"),
        (5, "geographic_level"),
        (6, "time_period"),
        (7, ""),
        (8, "fe"),
    ]
    assert "“ninety” is not a number" in result.problems[0].reason
    assert "11 fields but the header has 23" in result.problems[4].reason
    assert DfeFigure.objects.count() == 0
    assert DfeRelease.objects.count() == 0
    assert not AuditEvent.objects.filter(action="destinations.dfe_loaded").exists()


def test_a_bad_file_after_a_good_one_changes_nothing_held() -> None:
    load(KS4_FILE)
    before = list(DfeFigure.objects.order_by("pk").values())
    assert not load(BAD_FILE).loaded
    assert list(DfeFigure.objects.order_by("pk").values()) == before
    assert DfeRelease.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"PK\x03\x04rest of a workbook", "Excel workbook"),
        (b"time_period,geographic_level,cohort\r\n202324,National,5\r\n", "no overall column"),
        (b"time_period,geographic_level,overall\r\n", "no rows"),
        (b"time_period,geographic_level,overall\r\n202324,Regional,90\r\n", "no National or Local authority rows"),
        (b'time_period,geographic_level,overall\r\n202324,"National,90\r\n', "not valid CSV"),
    ],
)
def test_a_file_that_cannot_be_read_whole_is_refused(data: bytes, words: str) -> None:
    result = load_dfe_file(data=data, file_name="x.csv", stage=KeyStage.KS4, actor=ACTOR)
    assert not result.loaded
    assert words in result.refused
    assert DfeRelease.objects.count() == 0


def test_a_file_without_a_byte_order_mark_reads_the_same() -> None:
    data = KS4_FILE.read_bytes()
    with_mark = read_dfe_file(data, KeyStage.KS4)
    without = read_dfe_file(data.removeprefix(b"\xef\xbb\xbf"), KeyStage.KS4)
    assert [f.key for f in without.figures] == [f.key for f in with_mark.figures]
    assert [f.values for f in without.figures] == [f.values for f in with_mark.figures]
    assert without.unknown_columns == ["source_note"]


def test_one_audit_event_per_load() -> None:
    release = load(KS4_FILE).release
    assert release is not None
    [event] = AuditEvent.objects.filter(action="destinations.dfe_loaded")
    assert event.object_id == str(release.pk)
    assert event.actor_label == "tests"
    assert event.after["figures_created"] == KS4_FIGURES
    assert event.after["time_periods"] == "202223, 202324"
    assert event.learner_id_ref is None
    assert not event.learner_data


def _many_rows(count: int) -> bytes:
    lines = ["time_period,geographic_level,old_la_code,la_name,breakdown_topic,breakdown,data_type,cohort,overall"]
    lines += [
        f"202324,Local authority,{300 + n % 600:03d},LA {n},Topic,Breakdown {n},Percentage,{100 + n},90"
        for n in range(count)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_the_number_of_queries_grows_with_batches_not_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    def queries(data: bytes) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert load_dfe_file(data=data, file_name="many.csv", stage=KeyStage.KS4, actor=ACTOR).loaded
        return len(captured)

    small, large = queries(_many_rows(5)), queries(_many_rows(400))
    assert small == large
    # Reloading (every figure unchanged, then every figure changed) costs the same.
    assert queries(_many_rows(400)) <= large
    monkeypatch.setattr(dfe_load, "WRITE_BATCH", 100)
    DfeFigure.objects.all().delete()
    # Three more batches of new figures: each costs one query or two (its read and its insert, as
    # the database's bulk insert counts), never one per row.
    extra = queries(_many_rows(400)) - large
    assert 3 <= extra <= 3 * 2


def test_the_command_prints_the_report() -> None:
    out = io.StringIO()
    call_command("load_dfe_destinations", "--stage", "KS4", str(KS4_FILE), stdout=out)
    text = out.getvalue()
    assert f"Loaded {KS4_FILE.name} as Key stage 4" in text
    assert (
        f"{KS4_FIGURES + 2} rows read: {KS4_FIGURES} figures created, 0 changed, 0 unchanged. 2 rows skipped." in text
    )
    assert "2 rows skipped: Geographic level: Regional (first lines: 20, 39)" in text
    assert "source_note" in text
    assert "202324, destinations in 2023/24 (the cohort that finished in 2022/23)" in text
    out = io.StringIO()
    call_command("load_dfe_destinations", "--stage", "KS4", str(KS4_FILE), stdout=out)
    assert f"Nothing changed: all {KS4_FIGURES} figures in the file were already held" in out.getvalue()
    assert DfeRelease.objects.filter(loaded_by=None).count() == 2


def test_the_command_fails_with_every_problem_and_loads_nothing() -> None:
    with pytest.raises(CommandError) as raised:
        call_command("load_dfe_destinations", "--stage", "KS4", str(BAD_FILE), stdout=io.StringIO())
    message = str(raised.value)
    assert message.startswith(f"Nothing was loaded: 6 problems in {BAD_FILE.name}:")
    assert "line 3, column overall: “ninety” is not a number" in message
    assert "line 5, column geographic_level:" in message
    assert DfeFigure.objects.count() == 0


def test_the_command_refuses_the_wrong_stage_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cohort_level_group"):
        call_command("load_dfe_destinations", "--stage", "KS4", str(KS5_FILE))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_dfe_destinations", "--stage", "16-18", str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError):
        call_command("load_dfe_destinations", "--stage", "KS5", str(KS5_FILE))
    assert DfeRelease.objects.count() == 0
