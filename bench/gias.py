"""Bench figures for a GIAS refresh in which every establishment changed (issue 11).

`figures(label)` runs in a process where Django is set up on a migrated database (bench.run's
child for each database). It makes sure the 51,000 synthetic establishments of bench.py exist,
writes an extract in which every open establishment changed (name, pupils and postcode), and
imports it in a fresh child process, the way a worker does: the upload is stored in a job row,
the child's memory is emptied of it, and the job runs as a task (`import_gias_task`, the
immediate backend in QIC_ENV=test: the task runs in that process). It prints the task's time and
the child's peak resident memory (ru_maxrss, which includes Python and Django themselves; the
figure before the task started is printed beside it). The worker's own CPU time is printed too:
on a shared machine it says more than the wall-clock time (on PostgreSQL the server's work is
in the wall-clock time only).

Run alone: `python -m bench.gias` (SQLite in a temporary folder, and PostgreSQL at
BENCH_POSTGRES_URL's server in a database qic_bench_gias when it answers).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import BENCH, GIAS_ROWS, ROOT, synthetic_gias


def changed_extract(data: bytes) -> bytes:
    """The same extract with every row changed: a new name, pupil count and postcode."""
    reader = csv.reader(io.StringIO(data.decode("cp1252"), newline=""))
    header = next(reader)
    name, pupils, postcode = (
        header.index("EstablishmentName"),
        header.index("NumberOfPupils"),
        header.index("Postcode"),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in reader:
        row[name] = f"{row[name]} (renamed)"
        row[pupils] = str(int(row[pupils]) + 7)
        row[postcode] = f"ZZ{row[postcode][2:]}"
        writer.writerow(row)
    return out.getvalue().encode("cp1252")


def figures(label: str) -> None:
    from qic.organisations.actions import import_gias
    from qic.organisations.models import Provider

    data = synthetic_gias(GIAS_ROWS)
    if Provider.objects.filter(urn__gte=100000, urn__lt=100000 + GIAS_ROWS).count() < GIAS_ROWS * 8 // 9:
        import_gias(data=data, file_name="bench.csv", include_closed=False, actor=BENCH)
    changed = changed_extract(data)
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
        handle.write(changed)
    try:
        result = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "bench.gias", "--refresh", handle.name],
            env=os.environ.copy(),
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        Path(handle.name).unlink()
    figures_of = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"[{label}] GIAS refresh, {GIAS_ROWS:,} rows all changed ({len(changed) / 1e6:.1f} MB) in a task: "
        f"{figures_of['seconds']:.2f} s ({figures_of['cpu']:.2f} s CPU in the worker), "
        f"{figures_of['updated']:,} updated ({figures_of['status']}); "
        f"peak RSS of the worker process {figures_of['peak_mb']:.0f} MB "
        f"({figures_of['before_mb']:.0f} MB before the task)"
    )


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def refresh(path: str) -> None:
    """The child: store the extract as a job (as an upload does), then run its task."""
    import gc
    import time

    import django

    django.setup()
    from qic.organisations.models import GiasImport
    from qic.organisations.tasks import import_gias_task

    data = Path(path).read_bytes()
    job = GiasImport.objects.create(file_name=Path(path).name, sha256="bench", data=data, actor_label="bench")
    del data, job.data
    gc.collect()
    before = _peak_rss_mb()
    start, cpu_start = time.perf_counter(), time.process_time()
    import_gias_task.enqueue(job_id=job.pk)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    job.refresh_from_db()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "peak_mb": _peak_rss_mb(),
                "before_mb": before,
                "updated": job.updated_count,
                "status": job.status,
            }
        )
    )


def _child(label: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures(label)


def main() -> None:
    from bench.run import ensure_postgres

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    os.environ["QIC_ENV"] = "test"
    target = sys.argv[1] if len(sys.argv) > 1 else "all"
    runs: list[tuple[str, str]] = []
    tmp = tempfile.TemporaryDirectory()
    if target in ("all", "sqlite"):
        runs.append((f"sqlite:///{tmp.name}/bench.sqlite3", "SQLite"))
    if target in ("all", "postgres"):
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/qic_bench").rsplit("/", 1)[0]
        url = f"{base}/qic_bench_gias"
        if ensure_postgres(url):
            runs.append((url, "PostgreSQL"))
    with tmp:
        for url, label in runs:
            subprocess.run(  # noqa: S603 - our own module
                [sys.executable, "-m", "bench.gias", "--child", label],
                env={**os.environ, "DATABASE_URL": url},
                check=True,
                cwd=ROOT,
            )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "--refresh":
        refresh(sys.argv[2])
    else:
        main()
