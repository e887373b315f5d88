"""Changes about learners' parents and carers: their contacts, the careers link sent to them,
their attendance at parents' careers events and the page the link opens. Each is one transaction
with an audit event naming the learner (so only the careers leader reads it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain.activities import ActivityType
from qic.domain.partner_links import LinkPurpose
from qic.learners.models import Learner
from qic.organisations.models import Provider, User
from qic.partners import links
from qic.partners.models import ParentAttendance, ParentContact, ParentPageSetting, PartnerLink
from qic.programme.models import Activity

CONTACT_FIELDS = ("name", "relationship", "email", "phone")


class NotParentsEvent(Exception):
    """Parents' attendance is recorded only on a parents' careers event."""


def _snapshot(contact: ParentContact) -> dict[str, str]:
    return {name: str(getattr(contact, name)) for name in CONTACT_FIELDS}


def save_contact(*, contact: ParentContact, actor: User) -> ParentContact:
    """Add or change a learner's parent or carer contact."""
    with transaction.atomic():
        before = None
        if contact.pk:
            old = ParentContact.objects.select_for_update().get(pk=contact.pk)
            before = _snapshot(old)
        else:
            contact.created_by = actor
        contact.save()
        audit.record(
            actor=actor,
            action="parent_contact.changed" if before else "parent_contact.added",
            obj=contact,
            before=before,
            after=_snapshot(contact),
            provider_id=contact.learner.provider_id,
            learner_id=contact.learner_id,
        )
    return contact


def remove_contact(*, contact: ParentContact, actor: User) -> int:
    """Take a contact off the learner's record and withdraw the links sent to that address for
    this learner (the school no longer writes to them). Returns the links withdrawn."""
    with transaction.atomic():
        ParentContact.objects.filter(pk=contact.pk).update(removed_at=timezone.now(), removed_by=actor)
        # Theirs: those mailed to their address, and those made in their name (a link the school
        # copied has no address; an address corrected since leaves the old one on earlier links),
        # unless mailed to another of the learner's contacts.
        others = [
            email.casefold()
            for email in ParentContact.objects.filter(learner_id=contact.learner_id)
            .exclude(pk=contact.pk)
            .exclude(email="")
            .values_list("email", flat=True)
        ]
        theirs = Q(recipient_name=contact.name) | (Q(recipient_email__iexact=contact.email) if contact.email else Q())
        candidates = PartnerLink.objects.filter(
            theirs, purpose=LinkPurpose.PARENT.value, learner_id=contact.learner_id, revoked_at=None
        ).values_list("pk", "recipient_email")
        ids = [
            pk
            for pk, email in candidates
            if email.casefold() not in others or email.casefold() == contact.email.casefold()
        ]
        withdrawn = PartnerLink.objects.filter(pk__in=ids).update(revoked_at=timezone.now(), revoked_by=actor)
        audit.record(
            actor=actor,
            action="parent_contact.removed",
            obj=contact,
            before=_snapshot(contact),
            after={"links_withdrawn": withdrawn},
            provider_id=contact.learner.provider_id,
            learner_id=contact.learner_id,
        )
    return withdrawn


def send_link(*, contact: ParentContact, by_email: bool, actor: User) -> tuple[PartnerLink, str | None]:
    """Make the careers link for a contact's learner: mailed by the task queue, or (not
    `by_email`) returned with its token to show once. Raises links.LinkError."""
    learner = contact.learner
    return links.issue(
        provider=learner.provider,
        purpose=LinkPurpose.PARENT,
        recipient_name=contact.name,
        recipient_email=contact.email if by_email else "",
        learner=learner,
        respondent="parent",
        by_email=by_email,
        actor=actor,
    )


@dataclass(frozen=True)
class BulkResult:
    links_sent: int  # mails queued, one per contact with an email address
    learners_reached: int  # learners with at least one of them
    learners_without_email: int  # learners in the group with no contact email at all


def send_to_group(*, provider: Provider, learners: Iterable[Learner], actor: User) -> BulkResult:
    """Queue the careers link to every contact with an email address of the given learners (the
    provider's own; others are refused by `links.issue`), in one transaction: all or nothing."""
    learner_list = list(learners)
    contacts = (
        ParentContact.objects.filter(learner__in=[learner.pk for learner in learner_list])
        .exclude(email="")
        .select_related("learner")
        .order_by("learner_id", "pk")
    )
    sent = 0
    reached: set[int] = set()
    with transaction.atomic():
        for contact in contacts:
            links.issue(
                provider=provider,
                purpose=LinkPurpose.PARENT,
                recipient_name=contact.name,
                recipient_email=contact.email,
                learner=contact.learner,
                respondent="parent",
                actor=actor,
            )
            sent += 1
            reached.add(contact.learner_id)
        audit.record(
            actor=actor,
            action="parent_link.sent_to_group",
            obj=provider,
            after={"links": sent, "learners": len(reached), "without_email": len(learner_list) - len(reached)},
            provider_id=provider.pk,
        )
    return BulkResult(sent, len(reached), len(learner_list) - len(reached))


def set_parent_attendance(*, activity: Activity, learner_ids: Iterable[int], actor: User) -> tuple[int, int]:
    """Record exactly these learners' parents or carers as having come to a parents' careers
    event (the learners must be the activity's provider's). Returns (added, taken off)."""
    if activity.activity_type != ActivityType.PARENT_ENGAGEMENT.value:
        raise NotParentsEvent("Parents' attendance is recorded on a parents' careers event only.")
    wanted = set(
        Learner.objects.filter(provider_id=activity.provider_id, pk__in=set(learner_ids)).values_list("pk", flat=True)
    )
    with transaction.atomic():
        current = set(
            ParentAttendance.objects.select_for_update().filter(activity=activity).values_list("learner_id", flat=True)
        )
        added, gone = sorted(wanted - current), sorted(current - wanted)
        ParentAttendance.objects.filter(activity=activity, learner_id__in=gone).delete()
        ParentAttendance.objects.bulk_create(
            [ParentAttendance(activity=activity, learner_id=pk, recorded_by=actor) for pk in added]
        )
        events = [
            audit.build(
                actor=actor,
                action=action,
                obj=activity,
                after={"activity": activity.title},
                provider_id=activity.provider_id,
                learner_id=pk,
            )
            for action, ids in (("parent_attendance.added", added), ("parent_attendance.removed", gone))
            for pk in ids
        ]
        audit.append(events)
    return len(added), len(gone)


def save_page_setting(*, setting: ParentPageSetting, actor: User) -> ParentPageSetting:
    """What the parents' page says about the careers programme and booking a guidance meeting."""
    fields = ("programme_summary", "programme_url", "booking_text", "booking_email", "booking_phone")
    with transaction.atomic():
        setting.updated_by = actor
        setting.save()
        audit.record(
            actor=actor,
            action="parent_page.saved",
            obj=setting,
            after={name: getattr(setting, name) for name in fields},
            provider_id=setting.provider_id,
        )
    return setting


# Written over a parent link's recipient when the learner is anonymised.
RECIPIENT_REMOVED = "Removed"


def erase_for_learner(*, learner_id: int) -> dict[str, int]:
    """As part of anonymising a learner: delete their parents' contacts (removed ones too), withdraw
    every parent link for them and blank its recipient. Attendance at parents' events stays (it
    names nobody once the learner is anonymous, and past figures need it). Its own audit event,
    with counts only: what the learner wrote (the anonymisation's `own_writing_removed`) is not this."""
    contacts, _ = ParentContact.all_objects.filter(learner_id=learner_id).delete()
    parent_links = PartnerLink.objects.filter(learner_id=learner_id, purpose=LinkPurpose.PARENT.value)
    withdrawn = parent_links.filter(revoked_at=None).update(revoked_at=timezone.now())
    blanked = parent_links.update(recipient_name=RECIPIENT_REMOVED, recipient_email="", delivery_detail="")
    counts = {"contacts_deleted": contacts, "links_withdrawn": withdrawn, "links_blanked": blanked}
    if any(counts.values()):
        learner = Learner.objects.get(pk=learner_id)
        audit.record(
            actor=SystemActor("Anonymisation of the learner's record"),
            action="parent_data.erased",
            obj=learner,
            after=counts,
            provider_id=learner.provider_id,
            learner_id=learner_id,
        )
    return counts
