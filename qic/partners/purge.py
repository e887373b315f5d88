"""The nightly purge of what the school removed from its employer directory and its parents'
contacts, once QIC_RESTORE_REMOVED_DAYS have passed (the programme's own `purge_removed` does
activities, interviews and advisers; it sits below partners, so this is its own scheduled job,
`qic.partners.tasks.purge_removed_partners`).

A removed employer that placements or activities still refer to stays: they are evidence, and
the database protects it. Each record deleted writes a `*.purged` event with counts, no names
(contacts are people; a self-employed employer is one too). Safe to run again: it finds what is
left.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, RestrictedError

from qic.core import audit
from qic.core.actors import SystemActor
from qic.partners.models import ActivityEmployer, Employer, EmployerContact, ParentContact, Placement

logger = logging.getLogger(__name__)


def purge_removed_partners(*, now: dt.datetime, actor: SystemActor) -> dict[str, int]:
    """Delete for good employer contacts, parents' contacts and employers removed more than
    QIC_RESTORE_REMOVED_DAYS before `now`; an employer still referred to is kept (counted as
    `employers_kept`). Returns counts, never names."""
    cutoff = now - dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)
    counts = {"employer_contacts": 0, "parent_contacts": 0, "employers": 0, "employers_kept": 0}
    for contact in EmployerContact.all_objects.filter(removed_at__lt=cutoff).select_related("employer").order_by("pk"):
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="employer.contact_purged",
                obj=contact,
                after={"employer_id": contact.employer_id},
                provider_id=contact.employer.provider_id,
            )
            contact.delete()
            counts["employer_contacts"] += 1
    for parent in ParentContact.all_objects.filter(removed_at__lt=cutoff).select_related("learner").order_by("pk"):
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="parent_contact.purged",
                obj=parent,
                provider_id=parent.learner.provider_id,
                learner_id=parent.learner_id,
            )
            parent.delete()
            counts["parent_contacts"] += 1
    removed = Employer.all_objects.filter(removed_at__lt=cutoff)
    referred = Exists(Placement.objects.filter(employer=OuterRef("pk"))) | Exists(
        ActivityEmployer.objects.filter(employer=OuterRef("pk"))
    )
    counts["employers_kept"] = removed.filter(referred).count()
    for employer in removed.exclude(referred).order_by("pk"):
        try:
            with transaction.atomic():
                contacts = EmployerContact.all_objects.filter(employer=employer).count()
                audit.record(
                    actor=actor,
                    action="employer.purged",
                    obj=employer,
                    after={"contacts_deleted": contacts},
                    provider_id=employer.provider_id,
                )
                employer.delete()  # its remaining contacts with it
        except (ProtectedError, RestrictedError):
            # Referred to since it was read (a placement proposed a moment ago): kept, event and all.
            logger.info("Removed employer %s is still referred to: kept", employer.pk)
            counts["employers_kept"] += 1
        else:
            counts["employers"] += 1
    return counts
