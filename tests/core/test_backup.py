"""`manage.py backup` and `manage.py restore`. The restore drill (scripts/restore-drill, run by
CI on SQLite and PostgreSQL) proves the same end to end on a whole demo database."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qic.core import backup
from qic.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


def make_db(path: Path, names: list[str]) -> None:
    """A small database shaped like ours: WAL, a django_migrations table and one table of rows."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied text)")
    conn.execute("CREATE TABLE learners (id integer PRIMARY KEY, name text)")
    conn.executemany("INSERT INTO learners (name) VALUES (?)", [(n,) for n in names])
    conn.commit()
    conn.close()


def names_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM learners ORDER BY id")]
    finally:
        conn.close()


def manage(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIC_", "DATABASE_URL", "SENTRY_"))}
    env.update(QIC_ENV="development", DATABASE_URL=f"sqlite:///{db}", QIC_VAR_DIR=str(db.parent / "var"))
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        check=False,
    )


def test_sqlite_backup_is_a_snapshot_taken_while_another_process_writes(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    make_db(live, ["Ada", "Ben"])
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is half-way through a write
    writer.execute("INSERT INTO learners (name) VALUES ('Uncommitted')")
    try:
        backup.backup_sqlite(live, tmp_path / "b.sqlite3", timeout=5)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert names_in(tmp_path / "b.sqlite3") == ["Ada", "Ben"]
    # One self-contained file: no WAL beside it, nothing half-written left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.")) == ["b.sqlite3"]
    conn = sqlite3.connect(tmp_path / "b.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_backup_and_restore_commands_bring_the_data_back(tmp_path: Path) -> None:
    live = tmp_path / "qic.sqlite3"
    make_db(live, ["Ada", "Ben"])
    saved = tmp_path / "qic-backup.sqlite3"
    result = manage(live, "backup", str(saved))
    assert result.returncode == 0, result.stderr
    assert "Backup written to" in result.stdout

    # Work goes on after the backup: a row added, one removed.
    conn = sqlite3.connect(live)
    conn.execute("INSERT INTO learners (name) VALUES ('Cal')")
    conn.execute("DELETE FROM learners WHERE name = 'Ada'")
    conn.commit()
    conn.close()

    result = manage(live, "restore", "--yes", str(saved))
    assert result.returncode == 0, result.stderr
    assert names_in(live) == ["Ada", "Ben"]


def test_restore_refuses_without_yes_and_changes_nothing(tmp_path: Path) -> None:
    live = tmp_path / "qic.sqlite3"
    make_db(live, ["Ada"])
    saved = tmp_path / "old.sqlite3"
    make_db(saved, ["Someone else"])
    result = manage(live, "restore", str(saved), stdin="yes\n")  # not a terminal: typing is not enough
    assert result.returncode != 0
    assert "--yes" in result.stderr
    assert names_in(live) == ["Ada"]


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, content: bytes) -> None:
    live = tmp_path / "qic.sqlite3"
    make_db(live, ["Ada"])
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    with pytest.raises(backup.BackupError):
        backup.restore_sqlite(bad, live, timeout=5)
    assert names_in(live) == ["Ada"]


def test_restore_refuses_an_sqlite_file_of_another_application(tmp_path: Path) -> None:
    live = tmp_path / "qic.sqlite3"
    make_db(live, ["Ada"])
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(backup.BackupError, match="not a QiC Platform database"):
        backup.restore_sqlite(other, live, timeout=5)
    assert names_in(live) == ["Ada"]


def test_backup_will_not_overwrite_a_file_or_write_into_a_missing_folder(tmp_path: Path, db: None) -> None:
    existing = tmp_path / "b.dump"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"yesterday's backup"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "no-such-folder" / "b.dump"))


def test_without_pg_dump_the_backup_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match=r"pg_dump was not found .*postgresql-client"):
        backup.pg_tool("pg_dump")


def test_backup_then_restore_of_the_test_database(tmp_path: Path, transactional_db: None) -> None:
    # On whichever database the suite runs (SQLite's backup API, or pg_dump/pg_restore).
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    WorkerHeartbeat.objects.create(worker_id="before-backup", started_at=at, seen_at=at)
    saved = tmp_path / "test.dump"
    call_command("backup", str(saved))
    assert saved.stat().st_size > 0
    assert not (tmp_path / "test.dump.partial").exists()
    WorkerHeartbeat.objects.create(worker_id="after-backup", started_at=at, seen_at=at)
    WorkerHeartbeat.objects.filter(worker_id="before-backup").delete()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(saved))
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"after-backup"}

    call_command("restore", str(saved), yes=True)
    connection.close()
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"before-backup"}
