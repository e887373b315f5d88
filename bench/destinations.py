"""Bench figures for destinations (issue 16): the careers leader's destinations pages and the
analysis beside the DfE measures, for a small school and a large one (the query count must not
grow), and the loading of a DfE file the size of a real local-authority release.

Small: three KS4 leaving cohorts of 20. Large: three of 600 (1,800 leavers, each with an intended
and one or two actual destinations), with 3 years × 153 areas × 9 breakdowns of DfE figures held.

Alone: `DATABASE_URL=sqlite:////tmp/d.sqlite3 QIC_ENV=test python -m bench.destinations` (an empty
database; it is migrated first). `make bench` calls `figures(label)` once per database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time
from typing import Any

from bench.run import page_figures, signed_in_client

SIZES = {"small": 20, "large": 600}
BREAKDOWNS = [
    ("Total", "Total"),
    ("Disadvantage", "Disadvantaged"),
    ("Disadvantage", "Disadvantaged all other"),
    ("SEN provision", "SEN support"),
    ("SEN provision", "EHC plan"),
    ("SEN provision", "No identified SEN"),
    ("Sex", "Female"),
    ("Sex", "Male"),
    ("Looked after", "Looked after"),
]
AREAS = [("", "", "England", "National")] + [
    (str(200 + n), f"E0{6000000 + n}", f"Bench Authority {n}", "Local authority") for n in range(152)
]
CATEGORIES = ["ssf", "sfc", "fe", "appren", "work", "ssf", "fe", "neet", "unknown", "he"]


def _upn(urn: int, year: int, n: int) -> str:
    """A well-formed UPN (check letter and all) for the n-th leaver of a cohort."""
    from qic.domain.upn import upn_check_letter

    body = f"{urn % 1000:03d}{year % 100:02d}{n:06d}" + str(n % 10)
    return upn_check_letter(body) + body


def _school(name: str, urn: int, per_cohort: int, today: dt.date) -> dict[str, Any]:
    from qic.destinations.models import Destination
    from qic.domain.destinations import cohort_years
    from qic.learners.models import Learner
    from qic.organisations.models import Membership, Provider, Role, User

    provider = Provider.objects.create(urn=urn, name=name, provider_type="secondary", la_code="201")
    leader = User.objects.create_user(f"leader.{urn}@example.org", "bench-password-123")
    Membership.objects.create(user=leader, role=Role.CAREERS_LEADER, provider=provider)
    destinations = []
    for year in cohort_years(today):
        leavers = Learner.objects.bulk_create(
            Learner(
                provider=provider,
                upn=_upn(urn, year, n),
                forename=f"Leaver{n}",
                surname=f"Bench{year}",
                date_of_birth=dt.date(year - 15, 1, 15),
                sex="F" if n % 2 else "M",
                year_group=11,
                year_group_recorded_in=year,
                pupil_premium=n % 4 == 0,
                sen_support=n % 7 == 0,
                left_on=dt.date(year + 1, 7, 20),
            )
            for n in range(per_cohort)
        )
        for n, leaver in enumerate(leavers):
            category = CATEGORIES[n % len(CATEGORIES)]
            common = {"provider": provider, "learner": leaver}
            destinations.append(
                Destination(
                    **common,
                    kind="intended",
                    category="fe" if category == "unknown" else category,
                    recorded_on=dt.date(year + 1, 3, 1),
                )
            )
            destinations.append(
                Destination(
                    **common,
                    kind="actual",
                    category=category,
                    recorded_on=dt.date(year + 1, 11, 1),
                    # Six months, October to March, before anyone can say it was sustained.
                    sustained=(n % 5 != 0) if dt.date(year + 2, 3, 31) <= today else None,
                )
            )
            if n % 3 == 0 and dt.date(year + 2, 11, 1) <= today:
                destinations.append(
                    Destination(
                        **common,
                        kind="actual",
                        category="work",
                        recorded_on=dt.date(year + 2, 11, 1),
                        sustained=True if dt.date(year + 3, 3, 31) <= today else None,
                    )
                )
    Destination.objects.bulk_create(destinations, batch_size=2_000)
    return {"provider": provider, "leader": leader, "destinations": len(destinations)}


def dfe_file(today: dt.date) -> bytes:
    """A KS4 destination measures file shaped like the DfE's (BOM, suppressed cells), made up."""
    from qic.domain.destinations import cohort_years, dfe_time_period

    out = io.StringIO()
    writer = csv.writer(out)
    columns = [
        "overall",
        "education",
        "fe",
        "ssf",
        "sfc",
        "other_edu",
        "appren",
        "all_work",
        "all_notsust",
        "all_unknown",
    ]
    writer.writerow(
        [
            "time_period",
            "time_identifier",
            "geographic_level",
            "country_code",
            "country_name",
            "old_la_code",
            "new_la_code",
            "la_name",
            "institution_group",
            "breakdown_topic",
            "breakdown",
            "data_type",
            "cohort",
            *columns,
        ]
    )
    for year in cohort_years(today):
        for old, new, area, level in AREAS:
            for topic, breakdown in BREAKDOWNS:
                seed = (year + int(old or 0) + len(breakdown)) % 7
                values = [str(94 - seed), str(88 - seed), "35", "40", "9", "4", str(4 + seed % 2), "2", "5", "c"]
                writer.writerow(
                    [
                        f"{dfe_time_period(year)}",
                        "Academic year",
                        level,
                        "E92000001",
                        "England",
                        old,
                        new,
                        area if level != "National" else "",
                        "State-funded mainstream schools",
                        topic,
                        breakdown,
                        "Percentage",
                        str(1000 + seed * 37),
                        *values,
                    ]
                )
    return ("\ufeff" + out.getvalue()).encode()


def _import_file(provider: Any, year: int) -> bytes:
    """A local authority's tracking export for one cohort: an actual destination for each leaver."""
    from qic.learners.models import Learner

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["UPN", "kind", "destination", "date", "sustained", "where"])
    upns = Learner.objects.filter(provider=provider, year_group_recorded_in=year).values_list("upn", flat=True)
    for n, upn in enumerate(upns.order_by("pk")):
        writer.writerow(
            [
                upn,
                "actual",
                ["FE", "Sixth form", "Apprenticeship", "Employed", "NEET"][n % 5],
                f"15/11/{year + 1}",
                "yes" if n % 4 else "no",
                "Bench College",
            ]
        )
    return out.getvalue().encode()


def figures(label: str) -> None:
    import logging

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from qic.destinations import dfe_load, entry_actions, imports
    from qic.domain.academic import KeyStage
    from qic.domain.destinations import cohort_years
    from qic.organisations.models import Role

    logging.getLogger("axes").setLevel(logging.WARNING)
    today = timezone.localdate()
    consortium = get_user_model().objects.create_user("consortium.dest@example.org", "bench-password-123")
    from qic.organisations.models import Membership

    Membership.objects.create(user=consortium, role=Role.CONSORTIUM_ADMIN)
    data = dfe_file(today)
    rows = data.count(b"\n") - 1
    for attempt in ("first", "again, unchanged"):
        started = time.perf_counter()
        result = dfe_load.load_dfe_file(data=data, file_name="bench_ks4_dm.csv", stage=KeyStage.KS4, actor=consortium)
        took = time.perf_counter() - started
        release = result.release
        assert release is not None, result.refused or result.reading
        print(
            f"[{label}] DfE KS4 file, {rows:,} rows ({len(data) / 2**20:.1f} MB), load {attempt}: {took:.2f} s "
            f"({release.figures_created:,} created, {release.figures_changed:,} changed, "
            f"{release.figures_unchanged:,} unchanged)"
        )
    newest = cohort_years(today)[0]
    known = cohort_years(today)[1]  # the newest cohort whose destinations can be known sustained
    for n, (size, per_cohort) in enumerate(SIZES.items()):
        school = _school(f"Destinations {size} School", 999_860 + n, per_cohort, today)
        provider = school["provider"]
        urn = provider.urn
        staff = signed_in_client(school["leader"])
        leaver = provider.learners.order_by("pk").first()
        what = f"{size:<5} (3 cohorts of {per_cohort:,}, {school['destinations']:,} destinations)"
        pages = [
            (staff, f"/providers/{urn}/destinations/", "destinations hub"),
            (staff, f"/providers/{urn}/destinations/cohort/?stage=ks4&year={newest}", "a cohort's learners"),
            (staff, f"/providers/{urn}/destinations/analysis/", "analysis beside DfE figures"),
            (staff, f"/providers/{urn}/destinations/analysis/export/?stage=KS4", "analysis CSV"),
            (staff, f"/providers/{urn}/learners/{leaver.pk}/destinations/", "a learner's destinations"),
        ]
        for client, path, name in pages:
            median, p95, count = page_figures(client, path)
            print(f"[{label}] {name:<28} {what}: median {median:6.1f} ms  p95 {p95:6.1f} ms  {count} queries")
        if size == "large":
            upload = _import_file(provider, known)
            started = time.perf_counter()
            plan = imports.plan_import(provider, upload, today=today)
            checked = time.perf_counter() - started
            assert plan.can_confirm, [(p.line, p.reason) for p in plan.problems[:5]]
            started = time.perf_counter()
            entry_actions.import_destinations(
                provider=provider,
                data=upload,
                file_name="la-export.csv",
                expected=plan.digest(),
                today=today,
                actor=school["leader"],
            )
            saved = time.perf_counter() - started
            again = imports.plan_import(provider, upload, today=today)
            print(
                f"[{label}] destinations import, {per_cohort:,} rows: preview (check) {checked:.2f} s, save "
                f"{saved:.2f} s ({len(plan.new):,} new, {len(plan.problems)} "
                f"bad); the same file again would add {len(again.new)}"
            )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    os.environ.setdefault("QIC_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures(os.environ.get("BENCH_LABEL", "destinations"))
