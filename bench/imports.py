"""Bench figures for learner imports: a trust's 10,000 learners checked (the preview) and saved.

Run alone: `DATABASE_URL=… QIC_ENV=test python -m bench.imports` (it migrates that
database); `make bench` calls `figures(label)` once per database.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time

from bench.run import BENCH

LEARNERS = 10_000
TRUST_URN = 999_111


def _csv(size: int, *, surname: str, today: dt.date) -> bytes:
    from qic.domain.academic import academic_year_of
    from qic.domain.upn import upn_check_letter

    year = academic_year_of(today)
    lines = ["UPN,Forename,Surname,Date of birth,Sex,Year group\r\n"]
    for n in range(size):
        body = f"888{n // 1000:04d}26{n % 1000:03d}"
        group = 7 + n % 5
        born = dt.date(year - group - 4, 1 + n % 8, 1 + n % 28)
        lines.append(f"{upn_check_letter(body)}{body},Pupil{n},{surname}{n},{born:%d/%m/%Y},{'FM'[n % 2]},{group}\r\n")
    return "".join(lines).encode()


def _import(provider: object, data: bytes, label: str, what: str) -> None:
    from qic.learners import actions
    from qic.learners.models import LearnerImport

    start = time.perf_counter()
    job = actions.start_learner_import(
        provider=provider,  # type: ignore[arg-type]
        kind="csv",
        file_name="trust.csv",
        data=data,
        full_import=False,
        actor=BENCH,
        wait=True,
    )
    checked = time.perf_counter() - start
    if job.status != LearnerImport.Status.READY:
        print(f"[{label}] learner import ({what}): check ended {job.status}: {job.errors[:3]}")
        return
    start = time.perf_counter()
    actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=BENCH, wait=True)
    saved = time.perf_counter() - start
    job.refresh_from_db()
    print(
        f"[{label}] learner import, {LEARNERS:,} learners ({what}): preview (check) {checked:.2f} s, "
        f"save {saved:.2f} s ({job.status}: {job.created_count:,} new, {job.updated_count:,} updated, "
        f"{job.unchanged_count:,} unchanged)"
    )


def figures(label: str) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from qic.organisations.models import Provider

    today = timezone.localdate()
    trust = Provider.objects.create(urn=TRUST_URN, name="Bench Trust", provider_type="secondary")
    _import(trust, _csv(LEARNERS, surname="Surname", today=today), label, "all new")
    _import(trust, _csv(LEARNERS, surname="Renamed", today=today), label, "every learner changed")
    _import(trust, _csv(LEARNERS, surname="Renamed", today=today), label, "nothing changed")
    out = io.StringIO()
    start = time.perf_counter()
    call_command("verify_audit", stdout=out)
    print(f"[{label}] verify_audit after the imports ({time.perf_counter() - start:.2f} s): {out.getvalue().strip()}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    os.environ.setdefault("QIC_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures(os.environ.get("BENCH_LABEL", "imports"))
