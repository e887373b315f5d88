"""Bench figures for employers and parents taking part (issue 15): the staff pages that list a
school's placements, employers, parents' figures and links, and the pages an employer and a
parent open by link, for a small school and a large one: the query count must not grow.

Small: 50 learners, 20 employers, 10 placements. Large: 1,500 learners, each with a parent
contact and a careers link, 2,000 employers, 400 placements in every state.

Alone: `DATABASE_URL=sqlite:////tmp/p.sqlite3 QIC_ENV=test python -m bench.partners` (an empty
database; it is migrated first). `make bench` calls `figures(label)` once per database.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from bench.run import page_figures, signed_in_client

SIZES = {"small": (50, 20, 10), "large": (1_500, 2_000, 400)}


def _school(name: str, urn: int, learners: int, employers: int, placements: int, today: dt.date) -> dict[str, Any]:
    from qic.domain import partner_links as link_rules
    from qic.domain.academic import academic_year_of
    from qic.domain.partner_links import LinkPurpose
    from qic.domain.placements import Status
    from qic.learners.models import Learner
    from qic.organisations.models import Membership, Provider, Role, User
    from qic.partners import links
    from qic.partners.models import Employer, EmployerContact, ParentContact, PartnerLink, Placement

    year = academic_year_of(today)
    provider = Provider.objects.create(urn=urn, name=name, provider_type="secondary")
    leader = User.objects.create_user(f"leader.{urn}@example.org", "bench-password-123")
    Membership.objects.create(user=leader, role=Role.CAREERS_LEADER, provider=provider)
    pupils = Learner.objects.bulk_create(
        Learner(
            provider=provider,
            upn="",
            uln=f"{8_000_000_000 + (urn % 100) * 100_000 + n}",  # 10 digits, as the column holds
            forename=f"Pupil{n}",
            surname="Bench",
            date_of_birth=dt.date(year - 15, 1, 15),
            sex="F" if n % 2 else "M",
            year_group=10 + n % 2,
            year_group_recorded_in=year,
        )
        for n in range(learners)
    )
    sectors = ["construction", "health", "digital", "retail", "engineering", "creative"]
    bands = ["micro", "small", "medium", "large"]
    firms = Employer.objects.bulk_create(
        Employer(
            provider=provider,
            name=f"Bench Employer {n}",
            sector=sectors[n % len(sectors)],
            size_band=bands[n % len(bands)],
            town="Leeds",
        )
        for n in range(employers)
    )
    contacts = EmployerContact.objects.bulk_create(
        EmployerContact(employer=firm, name=f"Contact {firm.pk}", email=f"c{firm.pk}@example.com") for firm in firms
    )
    ParentContact.objects.bulk_create(
        ParentContact(learner=pupil, name=f"Parent of {pupil.forename}", email=f"p{pupil.pk}@example.com")
        for pupil in pupils
    )
    now = dt.datetime.now(dt.UTC)
    PartnerLink.objects.bulk_create(
        PartnerLink(
            provider=provider,
            purpose=LinkPurpose.PARENT.value,
            token_hash=link_rules.hash_token(f"bench-{urn}-{pupil.pk}"),
            recipient_name=f"Parent of {pupil.forename}",
            recipient_email=f"p{pupil.pk}@example.com",
            learner=pupil,
            expires_at=now + dt.timedelta(days=90),
            delivery=PartnerLink.Delivery.SENT,
        )
        for pupil in pupils
    )
    states = [s.value for s in Status]
    made = Placement.objects.bulk_create(
        Placement(
            provider=provider,
            learner=pupils[n % learners],
            employer=firms[n % employers],
            contact=contacts[n % employers],
            start_date=today + dt.timedelta(days=n % 60 - 30),
            end_date=today + dt.timedelta(days=n % 60 - 26),
            hours=30,
            status=states[n % len(states)],
        )
        for n in range(placements)
    )
    _, parent_token = links.issue(
        provider=provider,
        purpose=LinkPurpose.PARENT,
        recipient_name="Bench parent",
        learner=pupils[0],
        by_email=False,
        actor=leader,
    )
    _, employer_token = links.issue(
        provider=provider,
        purpose=LinkPurpose.PLACEMENT_EMPLOYER,
        recipient_name="Bench employer",
        placement=made[0],
        by_email=False,
        actor=leader,
    )
    assert parent_token
    assert employer_token
    return {"provider": provider, "leader": leader, "parent": parent_token, "employer": employer_token}


def figures(label: str) -> None:
    import logging

    from django.test import Client
    from django.utils import timezone

    logging.getLogger("axes").setLevel(logging.WARNING)
    today = timezone.localdate()
    for n, (size, (learners, employers, placements)) in enumerate(SIZES.items()):
        school = _school(f"Partners {size} School", 999_870 + n, learners, employers, placements, today)
        urn = school["provider"].urn
        staff = signed_in_client(school["leader"])
        guest = Client()
        pages = [
            (staff, f"/providers/{urn}/placements/", "placements dashboard"),
            (staff, f"/providers/{urn}/employers/", "employer directory"),
            (staff, f"/providers/{urn}/parents/", "parents' figures"),
            (staff, f"/providers/{urn}/links/", "links sent"),
            (staff, f"/providers/{urn}/feedback/", "feedback summary"),
            (guest, f"/link/family/{school['parent']}/", "parent's page (by link)"),
            (guest, f"/link/placement/{school['employer']}/", "placement employer (by link)"),
        ]
        for client, path, name in pages:
            median, p95, count = page_figures(client, path)
            print(
                f"[{label}] {name:<30} {size:<5} ({learners:,} learners, {employers:,} employers, "
                f"{placements:,} placements): median {median:6.1f} ms  p95 {p95:6.1f} ms  {count} queries"
            )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    os.environ.setdefault("QIC_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    figures(os.environ.get("BENCH_LABEL", "partners"))
