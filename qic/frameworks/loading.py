"""Loading an edition of the national criteria from a YAML or JSON data file.

`read_edition_file` checks the file's shape and reports every problem with its location;
`load_edition` writes it in one transaction. Loading the same content again changes nothing;
changed content for an existing edition is accepted only while no other part of the system
refers to that edition — after that, a revision must be loaded as a new edition beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from qic.core import audit
from qic.core.actors import SystemActor
from qic.frameworks.models import Criterion, Edition, KeyPrinciple, Note, Section


class EditionFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadResult:
    edition: Edition
    outcome: str  # "created" | "unchanged" | "updated"


def read_edition_file(path: Path) -> dict[str, Any]:
    """Parse and validate a data file; raise EditionFileError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EditionFileError([f"{path}: no such file"]) from None
    except UnicodeDecodeError as exc:
        raise EditionFileError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise EditionFileError([f"{path}: cannot be parsed: {exc}"]) from None
    validate_edition_data(data)
    return data  # type: ignore[no-any-return]


def _text(obj: Any, key: str, where: str, problems: list[str], *, required: bool = True) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}.{key}: missing")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}.{key}: must be text")
        return ""
    return value.strip()


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def validate_edition_data(data: Any) -> None:
    """Raise EditionFileError with every structural problem found (location: reason)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise EditionFileError(["file: must hold a mapping with edition, sections and notes"])
    edition = data.get("edition")
    if not isinstance(edition, dict):
        problems.append("edition: missing")
    else:
        code = _text(edition, "id", "edition", problems)
        if code and not all(c.isalnum() or c in "-_" for c in code):
            problems.append("edition.id: only letters, digits, - and _")
        _text(edition, "title", "edition", problems)
        when = edition.get("effective_from")
        if isinstance(when, dt.date):
            pass
        elif isinstance(when, str):
            try:
                dt.date.fromisoformat(when)
            except ValueError:
                problems.append(f"edition.effective_from: {when!r} is not a date (YYYY-MM-DD)")
        else:
            problems.append("edition.effective_from: missing")
    principles = data.get("key_principles") or []
    if not isinstance(principles, list):
        problems.append("key_principles: must be a list")
        principles = []
    for p, principle in enumerate(principles):
        pwhere = f"key_principles[{p}]"
        if not isinstance(principle, dict):
            problems.append(f"{pwhere}: must be a mapping")
            continue
        if principle.get("group") not in KeyPrinciple.Group.values:
            problems.append(f"{pwhere}.group: must be one of {', '.join(KeyPrinciple.Group.values)}")
        _text(principle, "text", pwhere, problems)
    sections = data.get("sections")
    codes: set[str] = set()
    numbers: set[int] = set()
    referenced: list[tuple[str, str]] = []
    note_refs: list[tuple[str, int]] = []
    if not isinstance(sections, list) or not sections:
        problems.append("sections: missing or empty")
        sections = []
    for i, section in enumerate(sections):
        where = f"sections[{i}]"
        if not isinstance(section, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        number = section.get("number")
        if not isinstance(number, int) or number < 1:
            problems.append(f"{where}.number: must be a positive whole number")
        elif number in numbers:
            problems.append(f"{where}.number: {number} appears twice")
        else:
            numbers.add(number)
        _text(section, "title", where, problems)
        _text(section, "benchmark", where, problems)
        _text(section, "section_footnote", where, problems, required=False)
        for audience in ("schools", "colleges"):
            part = section.get(audience)
            if not isinstance(part, dict):
                problems.append(f"{where}.{audience}: missing")
                continue
            _text(part, "statement", f"{where}.{audience}", problems)
            if not isinstance(part.get("indicators", []), list):
                problems.append(f"{where}.{audience}.indicators: must be a list")
        criteria = section.get("criteria")
        if not isinstance(criteria, list) or not criteria:
            problems.append(f"{where}.criteria: missing or empty")
            continue
        for j, criterion in enumerate(criteria):
            cwhere = f"{where}.criteria[{j}]"
            if not isinstance(criterion, dict):
                problems.append(f"{cwhere}: must be a mapping")
                continue
            code = _text(criterion, "code", cwhere, problems)
            if code in codes:
                problems.append(f"{cwhere}.code: {code} appears twice")
            elif code:
                codes.add(code)
                if isinstance(number, int) and not code.startswith(f"{number}."):
                    problems.append(f"{cwhere}.code: {code} does not belong to section {number}")
            _text(criterion, "text", cwhere, problems)
            for optional in ("schools", "colleges", "footnote"):
                _text(criterion, optional, cwhere, problems, required=False)
            for key in ("see_also", "notes"):
                if not isinstance(criterion.get(key) or [], list):
                    problems.append(f"{cwhere}.{key}: must be a list")
            for ref in _list(criterion.get("see_also")):
                referenced.append((cwhere, str(ref)))
            for ref in _list(criterion.get("notes")):
                note_refs.append((cwhere, ref))
    note_numbers: set[int] = set()
    notes = data.get("notes") or []
    if not isinstance(notes, list):
        problems.append("notes: must be a list")
        notes = []
    for k, note in enumerate(notes):
        nwhere = f"notes[{k}]"
        if not isinstance(note, dict) or not isinstance(note.get("number"), int):
            problems.append(f"{nwhere}.number: must be a whole number")
            continue
        if note["number"] in note_numbers:
            problems.append(f"{nwhere}.number: {note['number']} appears twice")
        note_numbers.add(note["number"])
        if note.get("section") not in numbers:
            problems.append(f"{nwhere}.section: {note.get('section')!r} is not a section of this edition")
        _text(note, "text", nwhere, problems)
    if not isinstance(data.get("crosswalks") or {}, dict):
        problems.append("crosswalks: must be a mapping")
    for cwhere, ref in referenced:
        if ref not in codes:
            problems.append(f"{cwhere}.see_also: {ref} is not a criterion of this edition")
    for cwhere, ref_number in note_refs:
        if ref_number not in note_numbers:
            problems.append(f"{cwhere}.notes: Note {ref_number} is not in this edition")
    if problems:
        raise EditionFileError(problems)


def content_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def edition_in_use(edition: Edition) -> bool:
    """True when anything outside the framework itself refers to this edition.

    Assessments (and anything else added later) point at an edition with a foreign key; the
    check looks at every such relation, so a new one is covered without changing this code.
    """
    for relation in Edition._meta.related_objects:
        if relation.related_model._meta.app_label == "frameworks":
            continue
        accessor = relation.get_accessor_name()
        if accessor and getattr(edition, accessor).exists():
            return True
    return False


@transaction.atomic
def load_edition(data: dict[str, Any], *, actor: SystemActor) -> LoadResult:
    """Create or (while unused) replace an edition from validated data; audit the change.

    Returns the edition and whether it was created, unchanged or updated. Raises
    EditionFileError if the content differs from an edition that is already in use.
    """
    validate_edition_data(data)
    meta = data["edition"]
    digest = content_hash(data)
    code = str(meta["id"]).strip()
    existing = Edition.objects.select_for_update().filter(code=code).first()
    if existing is not None:
        if existing.content_hash == digest:
            return LoadResult(existing, "unchanged")
        if edition_in_use(existing):
            raise EditionFileError(
                [
                    f"edition {code} is already used by assessments and cannot change; "
                    "load the revision as a new edition with its own id"
                ]
            )
        before = {"content_hash": existing.content_hash}
        existing.delete()
    else:
        before = None
    when = meta["effective_from"]
    edition = Edition.objects.create(
        code=code,
        title=meta["title"].strip(),
        effective_from=when if isinstance(when, dt.date) else dt.date.fromisoformat(when),
        source=str(meta.get("source") or "").strip(),
        content_hash=digest,
        crosswalks=data.get("crosswalks") or {},
    )
    KeyPrinciple.objects.bulk_create(
        KeyPrinciple(edition=edition, group=p["group"], position=i, text=p["text"].strip())
        for i, p in enumerate(data.get("key_principles") or [], start=1)
    )
    sections: dict[int, Section] = {}
    for s in data["sections"]:
        sections[s["number"]] = Section.objects.create(
            edition=edition,
            number=s["number"],
            title=s["title"].strip(),
            benchmark=s["benchmark"].strip(),
            school_statement=s["schools"]["statement"].strip(),
            school_indicators=[str(x).strip() for x in s["schools"].get("indicators") or []],
            college_statement=s["colleges"]["statement"].strip(),
            college_indicators=[str(x).strip() for x in s["colleges"].get("indicators") or []],
            footnote=(s.get("section_footnote") or "").strip(),
        )
    notes = {
        n["number"]: Note.objects.create(
            edition=edition, number=n["number"], section=sections[n["section"]], text=n["text"].strip()
        )
        for n in data.get("notes") or []
    }
    criteria: dict[str, Criterion] = {}
    position = 0
    for s in data["sections"]:
        for c in s["criteria"]:
            position += 1
            criteria[c["code"]] = Criterion.objects.create(
                edition=edition,
                section=sections[s["number"]],
                code=c["code"],
                position=position,
                text=c["text"].strip(),
                school_text=(c.get("schools") or "").strip(),
                college_text=(c.get("colleges") or "").strip(),
                footnote=(c.get("footnote") or "").strip(),
            )
    for s in data["sections"]:
        for c in s["criteria"]:
            criterion = criteria[c["code"]]
            criterion.see_also.set([criteria[str(ref)] for ref in c.get("see_also") or []])
            criterion.notes.set([notes[n] for n in c.get("notes") or []])
    audit.record(
        actor=actor,
        action="framework.edition_loaded",
        obj=edition,
        before=before,
        after={"code": code, "content_hash": digest, "criteria": len(criteria), "sections": len(sections)},
    )
    return LoadResult(edition, "updated" if before else "created")
