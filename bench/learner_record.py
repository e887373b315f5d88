"""Bench figure for the learner's own page (/my/): server time and query count for a small record
(one activity, one interview) and a large one (200 of each over five years): the query count must
not grow with the record.

Run alone: `DATABASE_URL=… QIC_ENV=test python -m bench.learner_record` (it migrates that
database); `make bench` calls `figures(label)` once per database.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

from bench.run import page_figures

if TYPE_CHECKING:
    from qic.learners.models import Learner
    from qic.organisations.models import Provider

URN = 999_222
SIZES = (1, 200)


def _learner_with_record(provider: Provider, size: int, today: dt.date) -> Learner:
    from qic.domain.academic import academic_year_of
    from qic.learners.models import Learner
    from qic.programme import tallies
    from qic.programme.models import Activity, ActivityCategory, Adviser, Interview, Participation

    year = academic_year_of(today)
    learner = Learner.objects.create(
        provider=provider,
        upn="",
        uln=f"{9_000_000_000 + size}",
        forename="Bench",
        surname=f"Learner{size}",
        date_of_birth=dt.date(year - 15, 1, 15),
        sex="F",
        year_group=11,
        year_group_recorded_in=year,
    )
    adviser = Adviser.objects.create(provider=provider, name=f"Bench adviser {size}")
    activities = Activity.objects.bulk_create(
        Activity(
            provider=provider,
            title=f"Employer talk {n}",
            activity_type="employer_encounter",
            subtype="talk",
            date=dt.date(year - n % 5, 10, 1 + n % 28),
            academic_year=year - n % 5,
            partner="Bench Employer Ltd",
            categories=["employer"],  # as save_activity would work it out for a meaningful encounter
        )
        for n in range(size)
    )
    ActivityCategory.objects.bulk_create(ActivityCategory(activity=a, category="employer") for a in activities)
    Participation.objects.bulk_create(Participation(activity=a, learner=learner) for a in activities)
    Interview.objects.bulk_create(
        Interview(
            provider=provider,
            learner=learner,
            adviser=adviser,
            date=dt.date(year - n % 5, 11, 1 + n % 28),
            academic_year=year - n % 5,
            duration_minutes=45,
            summary=f"Interview {n}: talked about next steps.",
            agreed_actions="Look at two apprenticeships.",
        )
        for n in range(size)
    )
    tallies.refresh([learner.pk])
    return learner


def figures(label: str) -> None:
    from django.test import Client
    from django.utils import timezone

    from qic.learners.models import LearnerAccessPolicy, LearnerAccount
    from qic.organisations.models import Membership, Provider, Role, User, sign_in_address

    today = timezone.localdate()
    provider = Provider.objects.create(urn=URN, name="Bench Learner School", provider_type="secondary")
    LearnerAccessPolicy.objects.update_or_create(provider=provider, defaults={"year_groups": [11]})
    for size in SIZES:
        learner = _learner_with_record(provider, size, today)
        user = User.objects.create_user(sign_in_address(f"bench.{size}"), "bench-password-123")
        Membership.objects.create(user=user, role=Role.LEARNER, provider=provider)
        LearnerAccount.objects.create(user=user, learner=learner, sign_in_name=f"bench.{size}")
        client = Client()
        client.force_login(user)
        median, p95, count = page_figures(client, "/my/")
        print(
            f"[{label}] learner's own page GET /my/ ({size} activit{'y' if size == 1 else 'ies'}, {size} "
            f"interview{'' if size == 1 else 's'}): median {median:.0f} ms, p95 {p95:.0f} ms, {count} queries"
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    os.environ.setdefault("QIC_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures(os.environ.get("BENCH_LABEL", "learner record"))
