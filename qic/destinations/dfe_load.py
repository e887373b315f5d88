"""Loading a DfE destination measures file (explore-education-statistics CSV) into `DfeFigure`:
read it whole first (`qic.core.tabular.open_table` for the bytes, `qic.domain.dfe_files` for the
rules), then write all of it or nothing.

- A file with any bad row, or a whole-file problem, writes nothing: the result says every problem
  with its line (and column).
- Otherwise each kept row is upserted on the figure's unique key (stage, year, level, area,
  institution group, breakdown, data type, level group): created if new, changed if any of its
  values, symbols, cohort or area names differ, else unchanged (and left pointing at the release
  that last wrote it). Loading never deletes a figure. Loading the same file twice changes nothing:
  the second release says 0 created, 0 changed and N unchanged.
- A `DfeRelease` records the file (name, SHA-256), its years, the counts and what was left out
  (skipped levels, unknown columns, notes); one `destinations.dfe_loaded` audit event per load.

Synchronous (the page and `manage.py load_dfe_destinations`): the whole file is checked in memory
before any write, and figures are written in batches of `WRITE_BATCH` with one read, one insert
and one update per batch whatever the file's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from qic.core import audit, bulk
from qic.core.actors import SystemActor
from qic.core.tabular import Advice, RowError, TableFileError, open_table
from qic.destinations.models import DfeFigure, DfeRelease
from qic.domain import dfe_files as rules
from qic.domain.academic import KeyStage, year_label
from qic.domain.destinations import cohort_of_time_period
from qic.organisations.models import User

WRITE_BATCH = 1_000
# Every loader of DfE figures takes this transaction-level lock on PostgreSQL, so two loads of
# overlapping files cannot both insert the same figure (SQLite lets one writer in at a time).
DFE_LOAD_LOCK = 716_161
# A figure's fields a new load may change (the key fields are what it is).
CHANGEABLE = ("new_area_code", "area_name", "cohort", "values", "suppressed", "release")
_KEY_FIELDS = (
    "time_period",
    "geographic_level",
    "area_code",
    "institution_group",
    "breakdown_topic",
    "breakdown",
    "data_type",
    "cohort_level_group",
)
_ADVICE = Advice(
    workbook="download the CSV file from explore-education-statistics (or save the sheet as CSV UTF-8)",
    encoding="download the CSV file again from explore-education-statistics, or save it as CSV UTF-8",
)


class DfeFileError(TableFileError):
    """The file as a whole cannot be loaded; the message says why."""


@dataclass
class LoadResult:
    """What a load did: the release written, or why nothing was (a whole-file problem, or every
    bad row in `reading.problems`)."""

    stage: KeyStage
    file_name: str
    reading: rules.Reading | None = None
    refused: str = ""
    release: DfeRelease | None = None
    loaded_before: DfeRelease | None = None

    @property
    def loaded(self) -> bool:
        return self.release is not None

    @property
    def problems(self) -> list[rules.Problem]:
        return self.reading.problems if self.reading is not None and self.release is None else []


def read_dfe_file(data: bytes, stage: KeyStage) -> rules.Reading:
    """Read the whole file against the rules. Raises DfeFileError for a whole-file problem;
    bad rows are in the reading's `problems`, in line order."""
    table = open_table(data, [], error=DfeFileError, advice=_ADVICE)
    ragged: list[RowError] = []
    try:
        layout = rules.read_header(table.header.names, stage)
        reading = rules.read_rows(layout, ((row.line, row.cells) for row in table.rows(ragged)))
    except rules.DfeFileRefused as exc:
        raise DfeFileError(str(exc)) from exc
    if ragged:
        reading.problems = sorted(
            [*reading.problems, *(rules.Problem(error.line, error.reason) for error in ragged)],
            key=lambda problem: problem.line,
        )
    return reading


def load_dfe_file(*, data: bytes, file_name: str, stage: KeyStage, actor: User | SystemActor) -> LoadResult:
    """Load the file all or nothing, in one transaction; see the module's docstring."""
    result = LoadResult(stage=stage, file_name=file_name)
    try:
        reading = read_dfe_file(data, stage)
    except DfeFileError as exc:
        result.refused = str(exc)
        return result
    result.reading = reading
    if not reading.ok:
        return result
    if not reading.figures:
        result.refused = (
            "The file has no National or Local authority rows, so there is nothing to load."
            if reading.rows_read
            else "The file has a header but no rows."
        )
        return result
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [DFE_LOAD_LOCK])
        result.loaded_before = DfeRelease.objects.filter(sha256=sha256, stage=stage.value).order_by("loaded_at").first()
        release = DfeRelease.objects.create(
            stage=stage.value,
            file_name=file_name[-255:],
            sha256=sha256,
            time_periods=reading.time_periods,
            rows_read=reading.rows_read,
            rows_skipped=reading.rows_skipped,
            notes=_notes(reading, result.loaded_before),
            loaded_by=actor if isinstance(actor, User) else None,
        )
        created = changed = unchanged = 0
        for batch in _batches(reading.figures):
            counts = _write_batch(stage, batch, release)
            created, changed, unchanged = created + counts[0], changed + counts[1], unchanged + counts[2]
        release.figures_created, release.figures_changed, release.figures_unchanged = created, changed, unchanged
        release.save(update_fields=["figures_created", "figures_changed", "figures_unchanged"])
        audit.record(
            actor=actor,
            action="destinations.dfe_loaded",
            obj=release,
            after={
                "file_name": release.file_name,
                "sha256": sha256,
                "stage": stage.value,
                "time_periods": ", ".join(release.time_periods),
                "figures_created": created,
                "figures_changed": changed,
                "figures_unchanged": unchanged,
                "rows_skipped": release.rows_skipped,
            },
        )
    result.release = release
    return result


def _batches(figures: Sequence[rules.Figure]) -> Iterator[Sequence[rules.Figure]]:
    for start in range(0, len(figures), WRITE_BATCH):
        yield figures[start : start + WRITE_BATCH]


def _write_batch(stage: KeyStage, batch: Sequence[rules.Figure], release: DfeRelease) -> tuple[int, int, int]:
    """Upsert one batch: one read of what is held for its years and areas, one insert, one update."""
    held: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    rows = DfeFigure.objects.filter(
        stage=stage.value,
        time_period__in={figure.time_period for figure in batch},
        geographic_level__in={figure.geographic_level for figure in batch},
        area_code__in={figure.area_code for figure in batch},
    ).values_list("pk", *_KEY_FIELDS, "new_area_code", "area_name", "cohort", "values", "suppressed")
    for pk, *fields in rows:
        held[tuple(fields[: len(_KEY_FIELDS)])] = (pk, *fields[len(_KEY_FIELDS) :])
    new: list[DfeFigure] = []
    changed: list[DfeFigure] = []
    unchanged = 0
    for figure in batch:
        found = held.get(figure.key)
        now = (figure.new_area_code, figure.area_name, figure.cohort, figure.values, figure.suppressed)
        if found is not None and tuple(found[1:]) == now:
            unchanged += 1
            continue
        row = _model(stage, figure, release)
        if found is None:
            new.append(row)
        else:
            row.pk = found[0]
            changed.append(row)
    bulk.insert_rows(new)
    bulk.update_rows(changed, CHANGEABLE)
    return len(new), len(changed), unchanged


def _model(stage: KeyStage, figure: rules.Figure, release: DfeRelease) -> DfeFigure:
    return DfeFigure(
        stage=stage.value,
        time_period=figure.time_period,
        geographic_level=figure.geographic_level,
        area_code=figure.area_code,
        new_area_code=figure.new_area_code,
        area_name=figure.area_name,
        institution_group=figure.institution_group,
        breakdown_topic=figure.breakdown_topic,
        breakdown=figure.breakdown,
        data_type=figure.data_type,
        cohort_level_group=figure.cohort_level_group,
        cohort=figure.cohort,
        values=figure.values,
        suppressed=figure.suppressed,
        release=release,
    )


def _notes(reading: rules.Reading, before: DfeRelease | None) -> list[dict[str, Any]]:
    """What the release says besides its counts: rows skipped by kind (with their first lines),
    columns not read, the reading's notes, and a file loaded before."""
    notes: list[dict[str, Any]] = []
    for group in reading.skipped:
        notes.append(
            {
                "kind": "skipped",
                "text": f"{group.count} row{'s' if group.count != 1 else ''} skipped: {group.reason}",
                "count": group.count,
                "lines": group.lines,
            }
        )
    if reading.unknown_columns:
        notes.append(
            {
                "kind": "unknown_columns",
                "text": f"Columns not read (not in the DfE's guidance): {', '.join(reading.unknown_columns)}",
                "columns": reading.unknown_columns,
            }
        )
    notes += [{"kind": "note", "text": text} for text in reading.notes]
    if before is not None:
        notes.append(
            {
                "kind": "same_file",
                "text": f"The same file (the same SHA-256) was loaded before, as release {before.pk}.",
                "release": before.pk,
            }
        )
    return notes


# --- In words, for the page and the command -----------------------------------------------------------


def period_label(time_period: str) -> str:
    """'202324' -> 'destinations in 2023/24 (the cohort that finished in 2022/23)'."""
    try:
        cohort = cohort_of_time_period(time_period)
    except ValueError:
        return time_period
    return f"destinations in {year_label(cohort + 1)} (the cohort that finished in {year_label(cohort)})"


def outcome_sentence(release: DfeRelease) -> str:
    """The load's result in one sentence; a load that changed nothing says so plainly."""
    created, changed, unchanged = release.figures_created, release.figures_changed, release.figures_unchanged
    if created == 0 and changed == 0:
        return (
            f"Nothing changed: all {unchanged} figure{'s' if unchanged != 1 else ''} in the file "
            "were already held, exactly as they are in it."
        )
    return f"{created} figure{'s' if created != 1 else ''} created, {changed} changed, {unchanged} unchanged."


PROBLEMS_SHOWN = 200


def report_lines(result: LoadResult) -> list[str]:
    """The load's report as lines of text (the command prints them)."""
    if result.refused:
        return [f"Nothing was loaded from {result.file_name}: {result.refused}"]
    if result.release is None:
        problems = result.problems
        lines = [
            f"Nothing was loaded: {len(problems)} problem{'s' if len(problems) != 1 else ''} in {result.file_name}:"
        ]
        lines += [f"  {problem}" for problem in problems[:PROBLEMS_SHOWN]]
        if len(problems) > PROBLEMS_SHOWN:
            lines.append(f"  … and {len(problems) - PROBLEMS_SHOWN} more")
        return lines
    release = result.release
    lines = [
        f"Loaded {release.file_name} as {result.stage.label} (release {release.pk}).",
        f"Years: {'; '.join(f'{tp}, {period_label(tp)}' for tp in release.time_periods)}.",
        f"{release.rows_read} rows read: {outcome_sentence(release)} {release.rows_skipped} rows skipped.",
    ]
    for note in release.notes:
        where = note.get("lines")
        suffix = f" (first lines: {', '.join(map(str, where))})" if where else ""
        lines.append(f"  {note['text']}{suffix}")
    return lines
