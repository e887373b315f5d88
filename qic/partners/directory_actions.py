"""Changes to the employer directory: each one transaction and one audit event (keyword-only,
`actor=`). Only a provider's own employers are changed here; the views get them through
`directory_queries.get_own_employer`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qic.core import audit
from qic.organisations.models import Provider, User
from qic.partners.models import ActivityEmployer, Employer, EmployerContact
from qic.programme.models import Activity

EMPLOYER_FIELDS = (
    "name",
    "sector",
    "size_band",
    "self_employed",
    "town",
    "postcode",
    "website",
    "notes",
    "shared_with_trust",
)
CONTACT_FIELDS = ("name", "job_title", "email", "phone")


class RestoreRefused(ValueError):
    """The employer can no longer be restored; the message says why."""


@transaction.atomic
def save_employer(*, employer: Employer, actor: User) -> Employer:
    """Create or update one of the provider's employers."""
    before = None
    if employer.pk:
        current = Employer.objects.select_for_update().get(pk=employer.pk)
        before = audit.snapshot(current, EMPLOYER_FIELDS)
    else:
        employer.created_by = actor
    employer.save()
    audit.record(
        actor=actor,
        action="employer.updated" if before else "employer.created",
        obj=employer,
        before=before,
        after=audit.snapshot(employer, EMPLOYER_FIELDS),
        provider_id=employer.provider_id,
    )
    return employer


@transaction.atomic
def remove_employer(*, employer: Employer, actor: User) -> Employer:
    """Hide an employer from the directory, the activity pages' choices and the other schools of the
    trust. Its past activities and placements keep it (they are evidence), and it still counts
    in the variety of employers learners met; the school may restore it for
    QIC_RESTORE_REMOVED_DAYS."""
    employer.removed_at = timezone.now()
    employer.removed_by = actor
    employer.save(update_fields=["removed_at", "removed_by"])
    audit.record(
        actor=actor,
        action="employer.removed",
        obj=employer,
        before=audit.snapshot(employer, EMPLOYER_FIELDS),
        provider_id=employer.provider_id,
    )
    return employer


def restore_deadline(removed_at: dt.datetime) -> dt.datetime:
    return removed_at + dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)


@transaction.atomic
def restore_employer(*, employer: Employer, actor: User) -> Employer:
    if employer.removed_at is None or restore_deadline(employer.removed_at) < timezone.now():
        raise RestoreRefused("This employer can no longer be restored")
    employer.removed_at = None
    employer.removed_by = None
    employer.save(update_fields=["removed_at", "removed_by"])
    audit.record(
        actor=actor,
        action="employer.restored",
        obj=employer,
        after=audit.snapshot(employer, EMPLOYER_FIELDS),
        provider_id=employer.provider_id,
    )
    return employer


@transaction.atomic
def save_contact(*, contact: EmployerContact, actor: User) -> EmployerContact:
    """Add or change a contact of one of the provider's employers."""
    before = None
    if contact.pk:
        before = audit.snapshot(EmployerContact.objects.select_for_update().get(pk=contact.pk), CONTACT_FIELDS)
    contact.save()
    audit.record(
        actor=actor,
        action="employer.contact_updated" if before else "employer.contact_added",
        obj=contact,
        before=before,
        after={**audit.snapshot(contact, CONTACT_FIELDS), "employer_id": contact.employer_id},
        provider_id=contact.employer.provider_id,
    )
    return contact


@transaction.atomic
def remove_contact(*, contact: EmployerContact, actor: User) -> EmployerContact:
    """Take a contact off an employer (kept, hidden, so links already sent still name them)."""
    contact.removed_at = timezone.now()
    contact.removed_by = actor
    contact.save(update_fields=["removed_at", "removed_by"])
    audit.record(
        actor=actor,
        action="employer.contact_removed",
        obj=contact,
        before={**audit.snapshot(contact, CONTACT_FIELDS), "employer_id": contact.employer_id},
        provider_id=contact.employer.provider_id,
    )
    return contact


@transaction.atomic
def set_activity_employers(
    *, activity: Activity, employers: Iterable[Employer], actor: User, keep: Iterable[int] = ()
) -> dict[str, list[int]]:
    """Make `employers` (plus the employer ids in `keep`: linked ones the page did not offer, such as
    an employer since removed) exactly the employers linked to the activity. Returns the ids
    added and taken off; writes one `activity.employers_changed` event when anything changed."""
    Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk", flat=True).first()
    wanted = {employer.pk for employer in employers} | set(keep)
    current = set(ActivityEmployer.objects.filter(activity=activity).values_list("employer_id", flat=True))
    added, dropped = sorted(wanted - current), sorted(current - wanted)
    if dropped:
        ActivityEmployer.objects.filter(activity=activity, employer_id__in=dropped).delete()
    ActivityEmployer.objects.bulk_create([ActivityEmployer(activity=activity, employer_id=pk) for pk in added])
    if added or dropped:
        audit.record(
            actor=actor,
            action="activity.employers_changed",
            obj=activity,
            before={"employer_ids": sorted(current)},
            after={"employer_ids": sorted(wanted), "added": added, "taken_off": dropped},
            provider_id=activity.provider_id,
        )
    return {"added": added, "taken_off": dropped}


@transaction.atomic
def import_employers(
    *,
    provider: Provider,
    employers: Sequence[Employer],
    contacts: Sequence[EmployerContact | None],
    actor: User,
    file_name: str,
) -> list[Employer]:
    """Add the employers of a checked file (and each one's contact, where the file gave one) to
    the provider's directory, all or nothing; one `employers.imported` event."""
    for employer in employers:
        employer.provider = provider
        employer.created_by = actor
    saved = Employer.objects.bulk_create(list(employers), batch_size=500)
    new_contacts = []
    for employer, contact in zip(saved, contacts, strict=True):
        if contact is not None:
            contact.employer = employer
            new_contacts.append(contact)
    EmployerContact.objects.bulk_create(new_contacts, batch_size=500)
    audit.record(
        actor=actor,
        action="employers.imported",
        obj=provider,
        after={"file_name": file_name[:255], "employers": len(saved), "contacts": len(new_contacts)},
        provider_id=provider.pk,
    )
    return saved
