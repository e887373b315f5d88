"""`make bench` load run: many people at once against real servers, on the bench database.

Builds a demo-sized school (five years of a 150-a-year secondary, as `load_demo` does), starts
gunicorn (3 workers) and one `manage.py worker` on the same database, and runs locust headless for
LOAD_SECONDS with LOAD_USERS simulated people (see `bench.locustfile`): readers of the
dashboard and lists, register keepers saving registers, and one data manager importing the
whole roll through the web, which the worker checks and saves while the others work.

Everyone is signed in with a real session (password and second factor, as `signed_in_client`
does), handed to locust as a cookie. Prints requests, requests per second, p50/p95/p99, failures,
and the number of server errors and "database is locked" lines in the servers' logs. The servers
are always stopped, whatever happens.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.run import BENCH

ROOT = Path(__file__).resolve().parent.parent
LOAD_USERS = int(os.environ.get("LOAD_USERS", "50"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "75"))
GUNICORN_WORKERS = 3
PEOPLE = 10  # distinct careers leaders; each simulated user takes one of their sessions


def figures(label: str) -> None:
    register_figures(label)
    load_figures(label)


REGISTER_SIZE = 1_500


def register_figures(label: str) -> None:
    """Server time of saving one register with 1,500 learners ticked: added, unchanged, all flipped."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.run import signed_in_client, timed
    from qic.demo.careers import build_careers_programme
    from qic.domain.academic import academic_year_of
    from qic.learners.models import Learner
    from qic.organisations.models import Membership, Provider, Role, User
    from qic.programme import actions
    from qic.programme.models import Activity, Participation

    today = timezone.localdate()
    current = academic_year_of(today)
    provider = Provider.objects.create(urn=999802, name="Register Academy", provider_type="secondary")
    build_careers_programme(provider, years=[current], cohort_size=300, today=today, seed=12)
    learners = list(Learner.objects.filter(provider=provider, left_on=None).values_list("pk", flat=True))
    learners = learners[:REGISTER_SIZE]
    template = Activity.objects.filter(provider=provider, date__lt=today).exclude(categories=[]).first()
    assert template is not None
    template.pk, template.id, template.title = None, None, "Whole-school careers fair"
    template.date = max(today - dt.timedelta(days=1), dt.date(current, 9, 1))
    activity = actions.save_activity(activity=template, criteria=None, actor=BENCH)
    leader = User.objects.create_user("register.bench@example.org", "bench-password-123")
    Membership.objects.create(user=leader, role=Role.CAREERS_LEADER, provider=provider)
    client = signed_in_client(leader)
    path = f"/providers/{provider.urn}/activities/{activity.pk}/"

    def save(attended: list[int], absent: list[int]) -> tuple[float, int]:
        # As a browser sends it: the register form has no file, so it is posted url-encoded.
        data = urlencode({"attended": attended, "absent": absent, "opened_at": f"{time.time():.6f}"}, doseq=True)
        with CaptureQueriesContext(connection) as queries:
            took = timed(lambda: check(client.post(path, data, content_type="application/x-www-form-urlencoded")))
        return took, len(queries)

    def check(response: Any) -> None:
        if response.status_code != 302:
            raise SystemExit(f"bench: register save answered {response.status_code}, not a redirect")

    client.get(path)  # the first request of a process loads the URLs: not part of the save
    first = save(learners, [])
    again = save(learners, [])
    flipped = save([], learners)
    assert Participation.objects.filter(activity=activity, attended=False).count() == len(learners)
    print(
        f"[{label}] register save POST {path} with {len(learners):,} learners: all added "
        f"{first[0]:.0f} ms ({first[1]} queries); saved again unchanged {again[0]:.0f} ms ({again[1]} queries); "
        f"all changed to absent {flipped[0]:.0f} ms ({flipped[1]} queries)"
    )


def load_figures(label: str) -> None:
    import logging

    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    from bench.run import signed_in_client
    from qic.demo.careers import build_careers_programme
    from qic.domain.academic import academic_year_of
    from qic.learners.models import Learner
    from qic.organisations.models import Membership, Provider, Role, User
    from qic.programme.models import Activity

    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per session made
    today = timezone.localdate()
    current = academic_year_of(today)
    provider = Provider.objects.create(urn=999801, name="Load Academy", provider_type="secondary")
    build_careers_programme(
        provider, years=list(range(current - 4, current + 1)), cohort_size=150, today=today, seed=11
    )
    sessions = []
    for n in range(PEOPLE):
        user = User.objects.create_user(f"load.{n}@example.org", "bench-password-123")
        Membership.objects.create(user=user, role=Role.CAREERS_LEADER, provider=provider)
        for _ in range(-(-LOAD_USERS // PEOPLE) + 1):
            sessions.append(signed_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value)
    on_roll = list(Learner.objects.filter(provider=provider, left_on=None).order_by("pk"))
    by_year: dict[str, list[int]] = {}
    for learner in on_roll:
        by_year.setdefault(str(learner.year_group_in(current)), []).append(learner.pk)
    activities = list(
        Activity.objects.filter(provider=provider, academic_year=current, date__lte=today).values_list("pk", flat=True)
    )
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for round_ in (0, 1):
            path = Path(tmp) / f"roll-{round_}.csv"
            path.write_bytes(roll_csv(on_roll, current, suffix="" if round_ else "e"))
            files.append(str(path))
        config = Path(tmp) / "load.json"
        config.write_text(
            json.dumps(
                {
                    "session_cookie": settings.SESSION_COOKIE_NAME,
                    "sessions": sessions,
                    "urn": provider.urn,
                    "activities": activities,
                    "learners_by_year_group": {k: v for k, v in by_year.items() if len(v) >= 10},
                    "import_files": files,
                    "outside_path": str(Path(tmp) / "outside.json"),
                }
            )
        )
        connections.close_all()
        result = run_load(Path(tmp), config)
    from qic.learners.models import LearnerImport

    imports = LearnerImport.objects.filter(provider=provider)
    done = imports.filter(status=LearnerImport.Status.DONE).count()
    print(
        f"[{label}] load run: {LOAD_USERS} users for {LOAD_SECONDS} s against gunicorn ({GUNICORN_WORKERS} workers) "
        f"and one task worker; school of {len(on_roll):,} on roll, {len(activities)} activities this year"
    )
    total = result["rows"].pop("Aggregated")
    for name, row in sorted(result["rows"].items()):
        print(f"[{label}]   {name:<28} {row_text(row)}")
    print(f"[{label}]   {'all requests':<28} {row_text(total)}")
    outside = result["outside"]
    took = sorted(outside.get("imports_ms", []))
    if took:
        print(
            f"[{label}]   whole imports (upload to saved, not requests): {len(took)} complete, median "
            f"{took[len(took) // 2]:.0f} ms, slowest {took[-1]:.0f} ms; {outside['imports_failed']} not complete"
        )
    print(
        f"[{label}]   register saves refused as stale (someone saved it after the form was drawn): "
        f"{outside.get('stale_refusals', 0)}"
    )
    print(
        f"[{label}]   learner imports run by the worker during the run: {done} saved of {imports.count()} "
        f"started; server log: {result['server_errors']} server errors, {result['locked']} 'database is locked'"
    )


def row_text(row: dict[str, str]) -> str:
    return (
        f"{int(row['Request Count']):>6} requests {float(row['Requests/s']):6.1f}/s  "
        f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  p99 {row['99%']:>5} ms  "
        f"failures {row['Failure Count']}"
    )


def roll_csv(learners: list[Any], year: int, suffix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["UPN", "Forename", "Surname", "Date of birth", "Sex", "Year group", "Pupil premium"])
    for learner in learners:
        forename = learner.forename.rstrip("e") + suffix
        writer.writerow(
            [
                learner.upn,
                forename,
                learner.surname,
                learner.date_of_birth.strftime("%d/%m/%Y"),
                learner.sex,
                learner.year_group_in(year),
                "Y" if learner.pupil_premium else "N",
            ]
        )
    return out.getvalue().encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_load(
    tmp: Path,
    config: Path,
    *,
    locustfile: str = "locustfile.py",
    users: int | None = None,
    spawn_rate: float = 10,
    seconds: int | None = None,
) -> dict[str, Any]:
    """Start gunicorn and a task worker on the bench database, run `bench/<locustfile>` headless
    against them (LOAD_USERS for LOAD_SECONDS unless told), stop them, and return locust's rows."""
    port = free_port()
    env = {
        **os.environ,
        "TASKS_BACKEND": "database",
        "PROGRESS_CACHE_URL": f"file://{tmp / 'progress'}",
        "QIC_LOAD_CONFIG": str(config),
        "PYTHONUNBUFFERED": "1",
    }
    bin_dir = Path(sys.executable).parent
    web_log, worker_log = tmp / "web.log", tmp / "worker.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with web_log.open("wb") as web_out, worker_log.open("wb") as worker_out:
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own servers
                    [
                        str(bin_dir / "gunicorn"),
                        "qic.wsgi",
                        "--workers",
                        str(GUNICORN_WORKERS),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "120",
                        "--preload",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=web_out,
                    stderr=subprocess.STDOUT,
                )
            )
            processes.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "worker", "--interval", "0.2"],
                    env=env,
                    cwd=ROOT,
                    stdout=worker_out,
                    stderr=subprocess.STDOUT,
                )
            )
            wait_for(f"http://127.0.0.1:{port}/")
            subprocess.run(  # noqa: S603
                [
                    str(bin_dir / "locust"),
                    "-f",
                    str(ROOT / "bench" / locustfile),
                    "--headless",
                    "--users",
                    str(users or LOAD_USERS),
                    "--spawn-rate",
                    str(spawn_rate),
                    "--run-time",
                    f"{seconds or LOAD_SECONDS}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(tmp / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                cwd=ROOT,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=(tmp / "locust.log").open("wb"),
            )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    with (tmp / "load_stats.csv").open() as handle:
        rows = {
            f"{r['Type']} {r['Name']}" if r["Name"] != "Aggregated" else "Aggregated": r for r in csv.DictReader(handle)
        }
    logs = web_log.read_text(errors="replace") + worker_log.read_text(errors="replace")
    if os.environ.get("LOAD_KEEP_LOGS"):
        Path(os.environ["LOAD_KEEP_LOGS"]).write_text(logs + (tmp / "locust.log").read_text(errors="replace"))
    outside_file = tmp / "outside.json"
    outside = json.loads(outside_file.read_text()) if outside_file.exists() else {}
    return {
        "rows": rows,
        "outside": outside,
        "server_errors": logs.count("Internal Server Error"),
        "locked": logs.count("database is locked"),
    }


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench: the server at {url} did not answer")


if __name__ == "__main__":
    # Alone: `DATABASE_URL=… QIC_ENV=test python -m bench.load` on an empty database.
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_framework", str(ROOT / "qic/frameworks/data"), stdout=io.StringIO())
    label = sys.argv[1] if len(sys.argv) > 1 else "load"
    if os.environ.get("LOAD_ONLY") == "register":
        register_figures(label)
    else:
        figures(label)
