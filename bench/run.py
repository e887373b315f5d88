"""`make bench`: prints performance figures (a benchmark, not a timed test).

Runs each figure on a fresh SQLite database and, when PostgreSQL answers at
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/qic_bench, created if missing),
on PostgreSQL too. Figures:
- GIAS import of a synthetic national extract (51,000 establishments): first import and a
  second, unchanged import;
- server time of the providers list and a criteria section page (median and p95 of repeated
  requests) and their query counts;
- the public register search and the national analytics and consistency pages with 5,000
  synthetic providers (five years of aggregates each);
- a synthetic school of ~1,500 learners (Y7–Y13) with five academic years and ~150,000
  participations: the time to compute all benchmark figures for a year, the dashboard's server
  time and query count, and our BM5 figure against one hand-written SQL aggregate;
- the learner's own page (/my/) for a small and a large record: its query count does not grow.
- employers and parents (issue 15): the placements, employer, parents' figures, links and feedback
  pages, and the parent's and employer's link pages, for a small school and a large one (1,500
  learners with parents' links, 2,000 employers, 400 placements): the query counts do not grow.
- a self sign-in burst: 200 learners signing in to one activity within 60 s (p95, failures).
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
from typing import Any

from qic.core.actors import SystemActor

ROOT = Path(__file__).resolve().parent.parent
# The bench writes as the service; the audit trail labels its changes "bench".
BENCH = SystemActor("bench")
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


def signed_in_client(user: object) -> Any:
    """A test client fully signed in as `user`: password and second factor, as after a right code.

    Without the second factor every page with data would answer a redirect to the log-in page,
    and the figures would time that redirect instead of the page.
    """
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    device = TOTPDevice.objects.create(user=user, name="Bench authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def get_ok(client: object, path: str) -> None:
    """GET the page and insist on 200: a benchmark of an error or a redirect measures nothing."""
    status = client.get(path).status_code  # type: ignore[attr-defined]
    if status != 200:
        raise SystemExit(f"bench: GET {path} answered {status}, not 200")


def page_figures(client: object, path: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get_ok(client, path)
    times = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as queries:
            times.append(timed(lambda: client.get(path)))  # type: ignore[attr-defined]
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def run(label: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from qic.organisations.actions import import_gias
    from qic.organisations.models import Membership, Provider, Role, User

    call_command("migrate", verbosity=0)
    data = synthetic_gias(GIAS_ROWS)
    first_report = []
    first = timed(
        lambda: first_report.append(import_gias(data=data, file_name="bench.csv", include_closed=False, actor=BENCH))
    )
    second = timed(lambda: import_gias(data=data, file_name="bench.csv", include_closed=False, actor=BENCH))
    report = first_report[0]
    print(
        f"[{label}] GIAS import, {GIAS_ROWS:,} rows ({len(data) / 1e6:.1f} MB): first {first / 1000:.2f} s "
        f"({report.created:,} created, {report.skipped_closed:,} closed skipped); "
        f"re-import unchanged {second / 1000:.2f} s"
    )
    call_command("load_framework", str(ROOT / "qic/frameworks/data"), stdout=io.StringIO())
    user = User.objects.create_user("bench@example.org", "bench-password-123")
    Membership.objects.create(user=user, role=Role.CONSORTIUM_ADMIN)
    client = signed_in_client(user)
    for path in ["/providers/", "/providers/?q=Authority+7", "/framework/qic-2024/sections/8/", "/home/"]:
        median, p95, queries = page_figures(client, path)
        print(
            f"[{label}] GET {path:<36} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} queries "
            f"({Provider.objects.count():,} providers)"
        )
    careers_figures(label)
    national_figures(label, client)
    # Imported here: each of them imports this module's helpers.
    from bench import destinations, gias, imports, learner_record, load, partners, sign_in

    imports.figures(label)
    learner_record.figures(label)
    partners.figures(label)  # employers' and parents' pages, small and large school
    destinations.figures(label)  # destinations pages small and large, a DfE file's load, an import
    gias.figures(label)
    load.figures(label)  # register save and load run
    sign_in.figures(label)  # a self sign-in burst


BM5_SQL = """
SELECT COUNT(*),
       COALESCE(SUM(CASE WHEN EXISTS (
           SELECT 1 FROM programme_participation p
           JOIN programme_activity a ON a.id = p.activity_id
           JOIN programme_activitycategory c ON c.activity_id = a.id
           WHERE p.learner_id = l.id AND p.attended AND a.provider_id = %(provider)s
             AND a.academic_year = %(year)s AND c.category = 'employer'
       ) THEN 1 ELSE 0 END), 0)
FROM learners_learner l
WHERE l.provider_id = %(provider)s
  AND l.date_of_birth <= %(born_by)s
  AND (l.joined_on IS NULL OR l.joined_on <= %(measured)s)
  AND (l.left_on IS NULL OR l.left_on >= %(measured)s)
"""


def careers_figures(label: str) -> None:
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qic.demo.careers import build_careers_programme
    from qic.domain import benchmarks as bm
    from qic.domain.academic import academic_year_of
    from qic.frameworks.editions import edition_for_year
    from qic.learners.models import Learner
    from qic.organisations.models import Membership, Provider, Role, User
    from qic.programme import queries
    from qic.programme.models import Participation

    today = timezone.localdate()
    current = academic_year_of(today)
    year = current - 1  # the last complete year
    provider = Provider.objects.create(urn=999999, name="Bench Academy", provider_type="secondary")
    start = time.perf_counter()
    built = build_careers_programme(
        provider,
        years=list(range(current - 4, current + 1)),
        cohort_size=245,
        today=today,
        seed=7,
        extra_encounters_per_year=23,
    )
    print(
        f"[{label}] synthetic school: {Learner.objects.filter(provider=provider, left_on=None).count():,} "
        f"on roll, {built.learners:,} learners in all, {built.activities:,} activities, "
        f"{Participation.objects.filter(activity__provider=provider).count():,} participations, "
        f"{built.interviews:,} interviews (built in {time.perf_counter() - start:.1f} s)"
    )
    edition = edition_for_year(year)
    runs = []
    for _ in range(15):
        runs.append(timed(lambda: queries.figures_for(provider, year, today=today, edition=edition)))
    runs.sort()
    figures = queries.figures_for(provider, year, today=today, edition=edition)
    print(
        f"[{label}] all figures for {year}/{(year + 1) % 100:02d} ({figures.rule_set.code}): median "
        f"{statistics.median(runs):.0f} ms, max {runs[-1]:.0f} ms ({figures.fully_achieved_count} of 8 fully achieved)"
    )
    # The year in progress: read as of today, and compared with last year at the same date.
    runs = sorted(
        timed(lambda: queries.figures_for(provider, current, today=today, edition=edition)) for _ in range(15)
    )
    print(
        f"[{label}] all figures for {current}/{(current + 1) % 100:02d} so far "
        f"({queries.rule_set_for_year(current).code}): median {statistics.median(runs):.0f} ms, max {runs[-1]:.0f} ms"
    )

    def our_bm5() -> tuple[int, int]:
        measured = bm.measure_date_for(year, today)
        learners = queries.domain_learners_on_roll(provider, year, measured)
        evidence = queries.evidence_up_to(
            provider, year, categories={bm.Category.EMPLOYER}, from_year=year, as_of=measured
        )
        measure = queries.rule_set_for_year(year).measure(bm.Phase.SCHOOL, "BM5")
        assert measure is not None
        result = bm.evaluate_measure(measure, learners, evidence, year)
        return result.total.eligible, result.total.met

    def sql_bm5() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                BM5_SQL,
                {
                    "provider": provider.pk,
                    "year": year,
                    "born_by": dt.date(year - 11, 8, 31),
                    "measured": bm.measure_date_for(year, today),
                },
            )
            eligible, met = cursor.fetchone()
        return int(eligible), int(met)

    assert our_bm5() == sql_bm5() == (figures.measure("BM5").total.eligible, figures.measure("BM5").total.met), (
        our_bm5(),
        sql_bm5(),
    )
    ours, theirs = [], []
    for _ in range(15):
        ours.append(timed(our_bm5))
        theirs.append(timed(sql_bm5))
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(
        f"[{label}] BM5 ({our_bm5()[1]:,} of {our_bm5()[0]:,}): ours median {statistics.median(ours):.1f} ms, "
        f"hand-written SQL median {statistics.median(theirs):.1f} ms, ratio {ratio:.2f}"
    )

    leader = User.objects.create_user("bench.leader@example.org", "bench-password-123")
    Membership.objects.create(user=leader, role=Role.CAREERS_LEADER, provider=provider)
    client = signed_in_client(leader)
    path = f"/providers/{provider.urn}/benchmarks/?year={year}"
    get_ok(client, path)
    times = []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            times.append(timed(lambda: client.get(path)))
    times.sort()
    print(
        f"[{label}] dashboard GET {path}: median {statistics.median(times):.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms, {len(captured)} queries"
    )
    # The work-experience guarantee: every pupil's hours in one grouped query (issue 10).
    path = f"/providers/{provider.urn}/work-experience/"
    median, p95, count = page_figures(client, path)
    print(f"[{label}] guarantee GET {path}: median {median:.0f} ms, p95 {p95:.0f} ms, {count} queries")
    # Provider Access: every cohort's encounters and the pupils short of two, in a fixed few queries.
    path = f"/providers/{provider.urn}/provider-access/"
    median, p95, count = page_figures(client, path)
    print(f"[{label}] provider access GET {path}: median {median:.0f} ms, p95 {p95:.0f} ms, {count} queries")


NATIONAL_PROVIDERS = 5_000


def national_figures(label: str, client: object) -> None:
    """The public register search and the national analytics with 5,000 synthetic providers."""
    from django.test import Client
    from django.utils import timezone

    from qic.demo.national import build_national
    from qic.domain.academic import academic_year_of
    from qic.national.models import ProviderYearFigures

    start = time.perf_counter()
    added = build_national(count=NATIONAL_PROVIDERS)
    from qic.accreditation.models import Award

    print(
        f"[{label}] national: {added:,} synthetic providers, {ProviderYearFigures.objects.count():,} aggregate rows, "
        f"{Award.objects.count():,} awards (built in {time.perf_counter() - start:.1f} s)"
    )
    year = academic_year_of(timezone.localdate()) - 1
    anonymous = Client()
    for who, path in [
        (anonymous, "/register/"),
        (anonymous, "/register/?q=Oak+Willow"),
        (anonymous, "/register/?region=London&outcome=2b"),
        (anonymous, "/register.json?q=Hazel"),
        (anonymous, "/register.csv"),
        (client, f"/consortium/analytics/?year={year}"),
        (client, f"/consortium/consistency/?year={year}"),
    ]:
        median, p95, queries = page_figures(who, path)
        print(f"[{label}] GET {path:<36} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries} queries")


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
        [sys.executable, "-m", "bench.run", "--child", label],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        cwd=ROOT,
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run(sys.argv[2])
    else:
        main()
