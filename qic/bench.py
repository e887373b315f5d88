"""`make bench`: prints performance figures (a benchmark, not a timed test).

Runs each figure on a fresh SQLite database and, when PostgreSQL answers at
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/qic_bench, created if missing),
on PostgreSQL too. Figures:
- GIAS import of a synthetic national extract (51,000 establishments): first import and a
  second, unchanged import;
- server time of the providers list and a criteria section page (median and p95 of repeated
  requests) and their query counts.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIAS_ROWS = 51_000
REQUESTS = 40


def synthetic_gias(rows: int) -> bytes:
    header = [
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "EstablishmentTypeGroup (name)",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (name)",
        "StatutoryLowAge",
        "StatutoryHighAge",
        "OfficialSixthForm (name)",
        "UKPRN",
        "Postcode",
        "GOR (name)",
        "NumberOfPupils",
        "PercentageFSM",
        "Extra column",
    ]
    kinds = [
        ("Academy converter", "Academies", "Secondary", 11, 18),
        ("Community school", "Local authority maintained schools", "Primary", 4, 11),
        ("Community special school", "Special schools", "Not applicable", 3, 19),
        ("Pupil referral unit", "Local authority maintained schools", "Not applicable", 11, 16),
        ("Further education", "Colleges", "16 plus", 16, 99),
        ("Other independent school", "Independent schools", "All-through", 3, 18),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        kind, group, phase, low, high = kinds[i % len(kinds)]
        status = "Closed" if i % 9 == 0 else "Open"
        writer.writerow(
            [
                100000 + i,
                300 + i % 150,
                f"Authority {i % 150}",
                f"Établissement {i} School",
                kind,
                group,
                status,
                phase,
                low,
                high,
                "Has a sixth form" if high >= 18 else "Does not have a sixth form",
                10000000 + i,
                f"AB{i % 99} {i % 9}CD",
                f"Region {i % 9}",
                100 + i % 1500,
                "..",
                "x",
            ]
        )
    return out.getvalue().encode("cp1252")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def page_figures(client: object, path: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            times.append(timed(lambda: client.get(path)))  # type: ignore[attr-defined]
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def run(label: str) -> None:
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    from qic.frameworks.loading import load_edition, read_edition_file
    from qic.organisations.actions import import_gias
    from qic.organisations.models import Membership, Provider, Role, User

    call_command("migrate", verbosity=0)
    data = synthetic_gias(GIAS_ROWS)
    first_report = []
    first = timed(
        lambda: first_report.append(import_gias(data=data, file_name="bench.csv", include_closed=False, actor="bench"))
    )
    second = timed(lambda: import_gias(data=data, file_name="bench.csv", include_closed=False, actor="bench"))
    report = first_report[0]
    print(
        f"[{label}] GIAS import, {GIAS_ROWS:,} rows ({len(data) / 1e6:.1f} MB): first {first / 1000:.2f} s "
        f"({report.created:,} created, {report.skipped_closed:,} closed skipped); "
        f"re-import unchanged {second / 1000:.2f} s"
    )
    load_edition(read_edition_file(ROOT / "qic/frameworks/data/qic-2024.yaml"), actor="bench")
    user = User.objects.create_user("bench@example.org", "bench-password-123")
    Membership.objects.create(user=user, role=Role.CONSORTIUM_ADMIN)
    client = Client()
    client.force_login(user)
    for path in ["/providers/", "/providers/?q=Authority+7", "/framework/qic-2024/sections/8/", "/home/"]:
        median, p95, queries = page_figures(client, path)
        print(
            f"[{label}] GET {path:<36} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} queries "
            f"({Provider.objects.count():,} providers)"
        )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    os.environ["QIC_ENV"] = "test"
    target = sys.argv[1] if len(sys.argv) > 1 else "all"
    if target in ("all", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            child(f"sqlite:///{tmp}/bench.sqlite3", "SQLite")
    if target in ("all", "postgres"):
        url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/qic_bench")
        if ensure_postgres(url):
            child(url, "PostgreSQL")


def ensure_postgres(url: str) -> bool:
    try:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:
        print(f"[PostgreSQL] skipped: {exc}")
        return False


def child(url: str, label: str) -> None:
    # Each database runs in its own process so that Django is configured once per database.
    import subprocess

    subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "qic.bench", "--child", label],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        cwd=ROOT,
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run(sys.argv[2])
    else:
        main()
