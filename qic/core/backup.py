"""Backing up and restoring the whole database (`manage.py backup` and `manage.py restore`).

SQLite: SQLite's online backup API copies a consistent snapshot while the web server, workers
and scheduler go on (in WAL mode a reader never blocks a writer); the copy is checked
(`PRAGMA integrity_check`) and written as one self-contained file (no -wal file beside it).
Restoring copies a backup back over the live file through the same API, in one write
transaction, so a process that has the database open sees the old data or the new, never a mix.

PostgreSQL: `pg_dump --format=custom` (compressed, restorable table by table) and
`pg_restore --clean --if-exists --single-transaction`: the restore replaces every object in
the backup, in one transaction, or changes nothing. Both need the PostgreSQL client tools of
the server's major version or newer on the PATH; without them the command stops, says what
to install, and writes nothing.

A backup is written to PATH.partial first and renamed when complete, so a file named PATH is
always a whole backup.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE = "django.db.backends.sqlite3"


class BackupError(Exception):
    """Something the operator must fix; the message says what. Nothing was changed."""


def _settings(alias: str) -> dict[str, Any]:
    return dict(connections[alias].settings_dict)


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


# --- SQLite ------------------------------------------------------------------------------


def _check_sqlite_file(conn: sqlite3.Connection, what: str) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{what} failed SQLite's integrity check: {result}")
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'").fetchone()
    if not found:
        raise BackupError(f"{what} is not a QiC Platform database (it has no django_migrations table)")


def backup_sqlite(db_path: Path, dest: Path, *, timeout: float) -> None:
    partial = _partial(dest)
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(db_path, timeout=timeout)
    target = sqlite3.connect(partial)
    try:
        # All pages in one step: one read transaction, so the copy is one moment's snapshot.
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _check_sqlite_file(target, "The backup")
    except BaseException:
        target.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    target.close()
    os.replace(partial, dest)


def restore_sqlite(backup: Path, db_path: Path, *, timeout: float) -> None:
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{backup} cannot be opened as an SQLite database: {exc}") from None
    try:
        try:
            _check_sqlite_file(source, str(backup))
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup} is not an SQLite database: {exc}") from None
        connections.close_all()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(db_path, timeout=timeout)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        source.close()


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on the PATH, so nothing was written. Install the PostgreSQL client "
            f"tools of the server's major version (Debian/Ubuntu: apt-get install postgresql-client, or "
            f"postgresql-client-NN from apt.postgresql.org for a newer server)."
        )
    return found


def _tool_major(tool: str) -> int:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def _check_tool_version(tool: str, alias: str) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    server_major = int(getattr(connection, "pg_version", 0)) // 10000
    tool_major = _tool_major(tool)
    if tool_major and server_major and tool_major < server_major:
        raise BackupError(
            f"{Path(tool).name} is version {tool_major} but the server is PostgreSQL {server_major}: install "
            f"postgresql-client-{server_major} (an older client cannot read a newer server). Nothing was written."
        )


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def backup_postgres(alias: str, dest: Path) -> None:
    db = _settings(alias)
    tool = pg_tool("pg_dump")
    _check_tool_version(tool, alias)
    partial = _partial(dest)
    partial.unlink(missing_ok=True)
    cmd = [tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", f"--dbname={db['NAME']}"]
    try:
        _run(cmd, _pg_env(db), "pg_dump")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, dest)


def restore_postgres(alias: str, backup: Path) -> None:
    db = _settings(alias)
    tool = pg_tool("pg_restore")
    env = _pg_env(db)
    listing = subprocess.run([tool, "--list", str(backup)], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if listing.returncode != 0 or "TABLE DATA public django_migrations" not in listing.stdout:
        raise BackupError(f"{backup} is not a pg_dump backup of a QiC Platform database (custom format)")
    _check_tool_version(tool, alias)
    connections.close_all()
    cmd = [
        tool,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={db['NAME']}",
        str(backup),
    ]
    _run(cmd, env, "pg_restore")


# --- Either ------------------------------------------------------------------------------


def backup(dest: Path, alias: str = "default") -> None:
    db = _settings(alias)
    if db["ENGINE"] == SQLITE:
        timeout = float((db.get("OPTIONS") or {}).get("timeout", 30))
        backup_sqlite(Path(db["NAME"]), dest, timeout=timeout)
    elif vendor(alias) == "postgresql":
        backup_postgres(alias, dest)
    else:
        raise BackupError(f"No backup for the {vendor(alias)} database: use its own tools")


def restore(source: Path, alias: str = "default") -> None:
    db = _settings(alias)
    if db["ENGINE"] == SQLITE:
        timeout = float((db.get("OPTIONS") or {}).get("timeout", 30))
        restore_sqlite(source, Path(db["NAME"]), timeout=timeout)
    elif vendor(alias) == "postgresql":
        restore_postgres(alias, source)
    else:
        raise BackupError(f"No restore for the {vendor(alias)} database: use its own tools")
