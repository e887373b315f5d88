"""Loading an edition of the national criteria: the real data file, idempotence, revisions,
validation and the `load_framework` command."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.frameworks import loading
from qic.frameworks.loading import EditionFileError, content_hash, edition_in_use, load_edition, read_edition_file
from qic.frameworks.models import Criterion, Edition, KeyPrinciple, Note, Section
from tests.conftest import FRAMEWORK_FILE

EXPECTED_CODES = [
    *(f"1.{i}" for i in range(1, 10)),
    "2.1",
    "2.2",
    *(f"3.{i}" for i in range(1, 8)),
    "4.1",
    "4.2",
    "4.3",
    "5.1",
    "5.2",
    "5.3",
    "6.1",
    "6.2",
    "7.1",
    "7.2",
    *(f"8.{i}" for i in range(1, 5)),
]

# Note number -> the section it belongs to, as qic-2024.yaml has them.
EXPECTED_NOTE_SECTIONS = {1: 2, 2: 3, 3: 3, 4: 3, 5: 5, 6: 7, 7: 8, 8: 8, 9: 8}


def fresh_data() -> dict[str, Any]:
    """A new copy of the real file's data, safe to edit."""
    return read_edition_file(FRAMEWORK_FILE)


def criterion_data(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for s in data["sections"] for c in s["criteria"] if c["code"] == code)


# --- The real file ---------------------------------------------------------------------------


def test_real_file_has_eight_sections_in_order(edition: Edition) -> None:
    assert list(edition.sections.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert edition.sections.get(number=1).title == "A stable careers programme"
    assert edition.sections.get(number=8).title == "Personal guidance"


def test_real_file_has_32_criteria_in_order(edition: Edition) -> None:
    assert len(EXPECTED_CODES) == 32
    assert list(edition.criteria.order_by("position").values_list("code", flat=True)) == EXPECTED_CODES
    assert list(edition.criteria.order_by("position").values_list("position", flat=True)) == list(range(1, 33))


def test_each_criterion_belongs_to_the_section_its_code_names(edition: Edition) -> None:
    for criterion in edition.criteria.select_related("section"):
        assert criterion.code.split(".")[0] == str(criterion.section.number)


def test_edition_metadata(edition: Edition) -> None:
    assert edition.code == "qic-2024"
    assert edition.title == "Quality in Careers Standard national criteria (January 2024 edition)"
    assert edition.effective_from.isoformat() == "2024-01-01"
    assert edition.content_hash == content_hash(fresh_data())


def test_real_file_has_nine_notes_with_their_sections(edition: Edition) -> None:
    notes = {n.number: n.section.number for n in edition.notes.select_related("section")}
    assert notes == EXPECTED_NOTE_SECTIONS


@pytest.mark.parametrize(
    ("code", "see_also"),
    [("1.3", ["8.1"]), ("1.4", ["4.3"]), ("8.1", ["1.3"]), ("1.1", []), ("8.2", [])],
)
def test_see_also_links(edition: Edition, code: str, see_also: list[str]) -> None:
    criterion = edition.criteria.get(code=code)
    assert sorted(criterion.see_also.values_list("code", flat=True)) == see_also


def test_see_also_links_are_the_only_ones(edition: Edition) -> None:
    links = sorted(
        (c.code, ref.code) for c in edition.criteria.prefetch_related("see_also") for ref in c.see_also.all()
    )
    assert links == [("1.3", "8.1"), ("1.4", "4.3"), ("8.1", "1.3")]


def test_note_7_is_attached_to_criterion_8_2(edition: Edition) -> None:
    criterion = edition.criteria.get(code="8.2")
    assert list(criterion.notes.values_list("number", flat=True)) == [7]
    note_7 = edition.notes.get(number=7)
    assert list(note_7.criteria.values_list("code", flat=True)) == ["8.2"]
    assert note_7.section.number == 8


def test_criterion_text_is_stored(edition: Edition) -> None:
    expected = criterion_data(fresh_data(), "8.2")
    criterion = edition.criteria.get(code="8.2")
    assert criterion.text == expected["text"].strip()
    assert criterion.school_text == expected["schools"].strip()
    assert criterion.college_text == expected["colleges"].strip()
    assert criterion.footnote == ""


def test_key_principles_and_crosswalk(edition: Edition) -> None:
    assert edition.key_principles.count() == 10
    assert list(edition.key_principles.values_list("position", flat=True)) == list(range(1, 11))
    data = fresh_data()
    assert edition.crosswalks == data["crosswalks"]
    assert sorted(edition.crosswalks) == ["careers_impact_system", "cdi_learning_areas"]
    assert edition.crosswalks["careers_impact_system"]
    assert edition.crosswalks["cdi_learning_areas"]


def test_first_load_is_created_and_audited(db: None) -> None:
    result = load_edition(fresh_data(), actor=SystemActor("tests"))
    assert result.outcome == "created"
    event = AuditEvent.objects.get()
    assert event.action == "framework.edition_loaded"
    assert event.object_type == "frameworks.Edition"
    assert event.object_id == str(result.edition.pk)
    assert event.actor is None
    assert event.actor_label == "tests"
    assert event.before is None
    assert event.after == {
        "code": "qic-2024",
        "content_hash": result.edition.content_hash,
        "criteria": 32,
        "sections": 8,
    }


# --- Loading again ---------------------------------------------------------------------------


def test_loading_the_same_data_again_changes_nothing(edition: Edition) -> None:
    events_before = AuditEvent.objects.count()
    assert events_before == 1

    result = load_edition(fresh_data(), actor=SystemActor("tests"))

    assert result.outcome == "unchanged"
    assert result.edition.pk == edition.pk
    assert result.edition.content_hash == edition.content_hash
    assert AuditEvent.objects.count() == events_before
    assert Edition.objects.count() == 1
    assert Criterion.objects.count() == 32
    # The rows are the very same rows, not replacements.
    assert Edition.objects.get().loaded_at == edition.loaded_at


def test_changed_content_for_an_unused_edition_is_updated_and_audited(edition: Edition) -> None:
    old_hash = edition.content_hash
    data = copy.deepcopy(fresh_data())
    criterion_data(data, "2.1")["text"] = "A revised wording of criterion 2.1."

    result = load_edition(data, actor=SystemActor("tests"))

    assert result.outcome == "updated"
    assert Edition.objects.count() == 1
    updated = Edition.objects.get(code="qic-2024")
    assert updated.content_hash == content_hash(data)
    assert updated.content_hash != old_hash
    assert updated.criteria.get(code="2.1").text == "A revised wording of criterion 2.1."
    # The rest is reloaded intact.
    assert updated.criteria.count() == 32
    assert updated.notes.count() == 9
    assert sorted(updated.criteria.get(code="1.3").see_also.values_list("code", flat=True)) == ["8.1"]
    # Nothing of the old edition's rows is left behind.
    assert Section.objects.count() == 8
    assert Note.objects.count() == 9
    assert KeyPrinciple.objects.count() == 10

    event = AuditEvent.objects.filter(action="framework.edition_loaded").first()
    assert event is not None
    assert AuditEvent.objects.count() == 2
    assert event.object_id == str(updated.pk)
    assert event.before == {"content_hash": old_hash}
    assert event.after == {"code": "qic-2024", "content_hash": updated.content_hash, "criteria": 32, "sections": 8}


def test_a_new_edition_is_loaded_beside_the_old_one(edition: Edition) -> None:
    data = copy.deepcopy(fresh_data())
    data["edition"]["id"] = "qic-2026"
    data["edition"]["title"] = "Quality in Careers Standard national criteria (2026 edition)"
    data["edition"]["effective_from"] = "2026-01-01"
    criterion_data(data, "2.1")["text"] = "The 2026 wording of criterion 2.1."

    result = load_edition(data, actor=SystemActor("tests"))

    assert result.outcome == "created"
    assert sorted(Edition.objects.values_list("code", flat=True)) == ["qic-2024", "qic-2026"]
    old = Edition.objects.get(code="qic-2024")
    assert old.pk == edition.pk
    assert old.content_hash == edition.content_hash
    assert old.criteria.count() == 32
    assert old.criteria.get(code="2.1").text == criterion_data(fresh_data(), "2.1")["text"].strip()
    new = Edition.objects.get(code="qic-2026")
    assert new.criteria.get(code="2.1").text == "The 2026 wording of criterion 2.1."
    assert Criterion.objects.count() == 64
    # The newest edition in force comes first.
    assert Edition.objects.first() == new
    # Links stay inside their own edition.
    assert list(new.criteria.get(code="1.3").see_also.values_list("edition__code", flat=True)) == ["qic-2026"]


def test_a_fresh_edition_is_not_in_use(edition: Edition) -> None:
    assert edition_in_use(edition) is False


def test_an_edition_in_use_refuses_changed_content(edition: Edition, monkeypatch: pytest.MonkeyPatch) -> None:
    # The one patch in these tests: nothing refers to an edition yet. The real relation
    # (assessments pointing at the edition they use) arrives with assessments in a later
    # issue; until then "in use" can only be simulated.
    monkeypatch.setattr(loading, "edition_in_use", lambda _edition: True)
    data = copy.deepcopy(fresh_data())
    criterion_data(data, "2.1")["text"] = "A revised wording of criterion 2.1."

    with pytest.raises(EditionFileError) as excinfo:
        load_edition(data, actor=SystemActor("tests"))

    assert excinfo.value.problems == [
        "edition qic-2024 is already used by assessments and cannot change; "
        "load the revision as a new edition with its own id"
    ]
    unchanged = Edition.objects.get()
    assert unchanged.pk == edition.pk
    assert unchanged.content_hash == edition.content_hash
    assert unchanged.criteria.get(code="2.1").text == criterion_data(fresh_data(), "2.1")["text"].strip()
    assert AuditEvent.objects.count() == 1


def test_an_edition_in_use_still_accepts_identical_content(edition: Edition, monkeypatch: pytest.MonkeyPatch) -> None:
    # See the comment above: "in use" is simulated until assessments exist.
    monkeypatch.setattr(loading, "edition_in_use", lambda _edition: True)
    result = load_edition(fresh_data(), actor=SystemActor("tests"))
    assert result.outcome == "unchanged"
    assert result.edition.pk == edition.pk


# --- Validation ------------------------------------------------------------------------------


def _drop_edition_id(data: dict[str, Any]) -> Any:
    del data["edition"]["id"]
    return data


def _bad_date(data: dict[str, Any]) -> Any:
    data["edition"]["effective_from"] = "2024-13-01"
    return data


def _duplicate_code(data: dict[str, Any]) -> Any:
    data["sections"][0]["criteria"][1]["code"] = "1.1"
    return data


def _code_in_wrong_section(data: dict[str, Any]) -> Any:
    data["sections"][0]["criteria"][8]["code"] = "2.9"
    return data


def _see_also_missing(data: dict[str, Any]) -> Any:
    data["sections"][0]["criteria"][2]["see_also"] = ["9.9"]
    return data


def _note_in_missing_section(data: dict[str, Any]) -> Any:
    data["notes"][0]["section"] = 99
    return data


def _note_reference_missing(data: dict[str, Any]) -> Any:
    data["sections"][7]["criteria"][1]["notes"] = [42]
    return data


def _not_a_mapping(data: dict[str, Any]) -> Any:
    return [data]


def _no_sections(data: dict[str, Any]) -> Any:
    data["sections"] = []
    data["notes"] = []
    return data


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (_drop_edition_id, "edition.id: missing"),
        (_bad_date, "edition.effective_from: '2024-13-01' is not a date (YYYY-MM-DD)"),
        (_duplicate_code, "sections[0].criteria[1].code: 1.1 appears twice"),
        (_code_in_wrong_section, "sections[0].criteria[8].code: 2.9 does not belong to section 1"),
        (_see_also_missing, "sections[0].criteria[2].see_also: 9.9 is not a criterion of this edition"),
        (_note_in_missing_section, "notes[0].section: 99 is not a section of this edition"),
        (_note_reference_missing, "sections[7].criteria[1].notes: Note 42 is not in this edition"),
        (_not_a_mapping, "file: must hold a mapping with edition, sections and notes"),
        (_no_sections, "sections: missing or empty"),
    ],
    ids=[
        "missing-edition-id",
        "bad-date",
        "duplicate-code",
        "code-in-wrong-section",
        "see-also-missing",
        "note-section-missing",
        "note-reference-missing",
        "not-a-mapping",
        "no-sections",
    ],
)
def test_invalid_data_names_the_location_and_writes_nothing(db: None, spoil: Any, problem: str) -> None:
    data = spoil(copy.deepcopy(fresh_data()))

    with pytest.raises(EditionFileError) as excinfo:
        load_edition(data, actor=SystemActor("tests"))

    assert excinfo.value.problems == [problem]
    assert str(excinfo.value) == problem
    assert Edition.objects.count() == 0
    assert Section.objects.count() == 0
    assert Criterion.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_every_problem_is_reported_at_once(db: None) -> None:
    data = _see_also_missing(_bad_date(_drop_edition_id(copy.deepcopy(fresh_data()))))
    with pytest.raises(EditionFileError) as excinfo:
        load_edition(data, actor=SystemActor("tests"))
    assert excinfo.value.problems == [
        "edition.id: missing",
        "edition.effective_from: '2024-13-01' is not a date (YYYY-MM-DD)",
        "sections[0].criteria[2].see_also: 9.9 is not a criterion of this edition",
    ]


def test_invalid_data_does_not_touch_an_existing_edition(edition: Edition) -> None:
    with pytest.raises(EditionFileError):
        load_edition(_duplicate_code(copy.deepcopy(fresh_data())), actor=SystemActor("tests"))
    assert Edition.objects.get().content_hash == edition.content_hash
    assert AuditEvent.objects.count() == 1


# --- The load_framework command --------------------------------------------------------------


def run_command(path: Path | str) -> str:
    out = io.StringIO()
    call_command("load_framework", str(path), stdout=out)
    return out.getvalue()


def test_command_loads_the_real_file_and_prints_counts(db: None) -> None:
    output = run_command(FRAMEWORK_FILE)
    assert output == (
        "Edition qic-2024 (Quality in Careers Standard national criteria (January 2024 edition), "
        "effective from 1 January 2024): created; 8 sections, 32 criteria, 9 notes.\n"
    )
    assert Edition.objects.get().criteria.count() == 32
    assert AuditEvent.objects.get().actor_label == "load_framework command"


def test_command_twice_reports_unchanged(db: None) -> None:
    run_command(FRAMEWORK_FILE)
    output = run_command(FRAMEWORK_FILE)
    assert "): unchanged; 8 sections, 32 criteria, 9 notes." in output
    assert AuditEvent.objects.count() == 1


def test_command_loads_a_json_file(db: None, tmp_path: Path) -> None:
    path = tmp_path / "qic-2024.json"
    path.write_text(json.dumps(fresh_data()), encoding="utf-8")
    output = run_command(path)
    assert output.endswith("created; 8 sections, 32 criteria, 9 notes.\n")
    # The same content, from YAML this time, is recognised as the same edition.
    assert "unchanged" in run_command(FRAMEWORK_FILE)


def test_command_missing_file(db: None, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(CommandError) as excinfo:
        run_command(path)
    assert str(excinfo.value) == f"Nothing was loaded:\n{path}: no such file"
    assert Edition.objects.count() == 0


def test_command_invalid_yaml(db: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("edition: {id: qic-2024\nsections: [\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_command(path)
    message = str(excinfo.value)
    assert message.startswith(f"Nothing was loaded:\n{path}: cannot be parsed: ")
    assert Edition.objects.count() == 0


def test_command_bad_json(db: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"edition": {"id": "qic-2024",}}', encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_command(path)
    assert str(excinfo.value).startswith(f"Nothing was loaded:\n{path}: cannot be parsed: ")
    assert Edition.objects.count() == 0


def test_command_not_utf8(db: None, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("edition: {title: Caf\u00e9}\n".encode("latin-1"))
    with pytest.raises(CommandError) as excinfo:
        run_command(path)
    assert str(excinfo.value).startswith(f"Nothing was loaded:\n{path}: not UTF-8 text")


def test_command_lists_every_validation_problem(db: None, tmp_path: Path) -> None:
    data = _see_also_missing(_bad_date(copy.deepcopy(fresh_data())))
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_command(path)
    assert str(excinfo.value) == (
        "Nothing was loaded:\n"
        "edition.effective_from: '2024-13-01' is not a date (YYYY-MM-DD)\n"
        "sections[0].criteria[2].see_also: 9.9 is not a criterion of this edition"
    )
    assert Edition.objects.count() == 0


def test_command_a_yaml_list_is_not_an_edition(db: None, tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- one\n- two\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_command(path)
    assert str(excinfo.value) == "Nothing was loaded:\nfile: must hold a mapping with edition, sections and notes"


# Shapes that used to get past validation and then crash the load (KeyError or
# AttributeError, a traceback from the command) or store nonsense (an unknown group).
def _principle_without_text(data: dict[str, Any]) -> Any:
    del data["key_principles"][0]["text"]
    return data


def _principle_with_unknown_group(data: dict[str, Any]) -> Any:
    data["key_principles"][3]["group"] = "nobody"
    return data


def _criterion_wording_not_text(data: dict[str, Any]) -> Any:
    data["sections"][0]["criteria"][0]["schools"] = ["a", "list"]
    return data


def _see_also_not_a_list(data: dict[str, Any]) -> Any:
    data["sections"][0]["criteria"][2]["see_also"] = "8.1"
    return data


def _crosswalks_not_a_mapping(data: dict[str, Any]) -> Any:
    data["crosswalks"] = ["careers_impact_system"]
    return data


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (_principle_without_text, "key_principles[0].text: missing"),
        (
            _principle_with_unknown_group,
            "key_principles[3].group: must be one of learners, learning_providers, awarding_bodies",
        ),
        (_criterion_wording_not_text, "sections[0].criteria[0].schools: must be text"),
        (_see_also_not_a_list, "sections[0].criteria[2].see_also: must be a list"),
        (_crosswalks_not_a_mapping, "crosswalks: must be a mapping"),
    ],
    ids=["principle-without-text", "unknown-group", "wording-not-text", "see-also-not-a-list", "crosswalks-list"],
)
def test_badly_shaped_optional_parts_are_reported_not_crashed_on(db: None, spoil: Any, problem: str) -> None:
    with pytest.raises(EditionFileError) as excinfo:
        load_edition(spoil(copy.deepcopy(fresh_data())), actor=SystemActor("tests"))
    assert excinfo.value.problems == [problem]
    assert Edition.objects.count() == 0


# --- Several files or a folder ------------------------------------------------------------------


def _later_file(folder: Path, name: str = "qic-2027-test.yaml", **changes: Any) -> Path:
    from tests.fixtures.editions import later_edition_data

    path = folder / name
    path.write_text(yaml.safe_dump(later_edition_data(**changes), allow_unicode=True), encoding="utf-8")
    return path


def test_command_loads_every_data_file_in_a_folder_in_name_order(db: None, tmp_path: Path) -> None:
    (tmp_path / "qic-2024.yaml").write_bytes(FRAMEWORK_FILE.read_bytes())
    _later_file(tmp_path)
    (tmp_path / "README.txt").write_text("not an edition", encoding="utf-8")
    output = run_command(tmp_path)
    assert output.splitlines() == [
        "Edition qic-2024 (Quality in Careers Standard national criteria (January 2024 edition), "
        "effective from 1 January 2024): created; 8 sections, 32 criteria, 9 notes.",
        "Edition qic-2027-test (Quality in Careers Standard national criteria (test edition effective "
        "September 2027), effective from 1 September 2027): created; 8 sections, 32 criteria, 9 notes.",
    ]
    assert sorted(Edition.objects.values_list("code", flat=True)) == ["qic-2024", "qic-2027-test"]
    # Loading the folder again changes nothing.
    assert [line.split("): ")[1].split(";")[0] for line in run_command(tmp_path).splitlines()] == [
        "unchanged",
        "unchanged",
    ]
    assert AuditEvent.objects.count() == 2


def test_command_takes_several_files(db: None, tmp_path: Path) -> None:
    call_command("load_framework", str(FRAMEWORK_FILE), str(_later_file(tmp_path)), stdout=io.StringIO())
    assert Edition.objects.count() == 2


def test_command_one_bad_file_among_several_loads_nothing(db: None, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(FRAMEWORK_FILE.read_bytes())
    bad = _later_file(tmp_path, "b.yaml", effective_from=dt.date(2027, 9, 1))
    data = yaml.safe_load(bad.read_text(encoding="utf-8"))
    data["edition"]["effective_from"] = "2027-13-01"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run_command(tmp_path)
    assert str(excinfo.value) == (
        f"Nothing was loaded:\n{bad}: edition.effective_from: '2027-13-01' is not a date (YYYY-MM-DD)"
    )
    assert Edition.objects.count() == 0


def test_command_the_same_edition_in_two_files_loads_nothing(db: None, tmp_path: Path) -> None:
    _later_file(tmp_path, "a.yaml")
    _later_file(tmp_path, "b.yaml")
    with pytest.raises(CommandError) as excinfo:
        run_command(tmp_path)
    assert str(excinfo.value) == "Nothing was loaded:\nedition qic-2027-test is in more than one file"
    assert Edition.objects.count() == 0


def test_command_a_folder_without_data_files(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        run_command(tmp_path)
    assert str(excinfo.value) == f"Nothing was loaded:\n{tmp_path}: no .yaml, .yml or .json files in this folder"


def test_command_a_later_failure_rolls_back_the_earlier_files(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second file is valid but would change an edition already used by a round: refused
    # at load time, after the first file was written, and the first is rolled back with it.
    from tests.fixtures.editions import later_edition_data

    edition = load_edition(fresh_data(), actor=SystemActor("tests")).edition
    monkeypatch.setattr(loading, "edition_in_use", lambda e: e.pk == edition.pk)
    changed = fresh_data()
    changed["edition"]["title"] = "Changed title"
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(later_edition_data(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="already used by assessments"):
        run_command(tmp_path)
    assert list(Edition.objects.values_list("code", flat=True)) == ["qic-2024"]
