"""A learner's parents' data in their subject-access export (registered in `PartnersConfig.ready`):
the contacts the school holds, the careers links sent about them, and their parents' attendance
at parents' careers events. Removed contacts are still held until purged, so they are given too."""

from __future__ import annotations

from typing import Any

from qic.core.audit import json_ready
from qic.domain.partner_links import LinkPurpose
from qic.learners.models import Learner
from qic.partners.models import ParentAttendance, ParentContact, PartnerLink
from qic.programme.subject_access import readable


def contact_rows(learner: Learner) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "relationship": c.get_relationship_display(),
            "email": c.email,
            "phone": c.phone,
            "created_at": json_ready(c.created_at),
            "removed_at": json_ready(c.removed_at),
        }
        for c in ParentContact.all_objects.filter(learner=learner).order_by("created_at", "pk")
    ]


CONTACT_HEADERS = ("Name", "Relationship", "Email and phone", "Recorded")
CONTACT_WIDTHS = (0.25, 0.15, 0.35, 0.25)


def contact_cells(row: dict[str, Any]) -> list[str]:
    reach = ", ".join(value for value in (row["email"], row["phone"]) if value) or "–"
    recorded = f"Added {readable(row['created_at'])}"
    if row["removed_at"]:
        recorded += f"; removed {readable(row['removed_at'])}"
    return [row["name"], row["relationship"], reach, recorded]


def link_rows(learner: Learner) -> list[dict[str, Any]]:
    # A learner is named only by parent links (the link's scope); other purposes name an activity or placement.
    return [
        {
            "purpose": link.get_purpose_display(),
            "recipient": link.recipient_name,
            "email": link.recipient_email,
            "created_at": json_ready(link.created_at),
            "expires_at": json_ready(link.expires_at),
            "delivery": link.get_delivery_display(),
            "first_opened_at": json_ready(link.first_opened_at),
            "open_count": link.open_count,
            "revoked_at": json_ready(link.revoked_at),
        }
        for link in PartnerLink.objects.filter(learner=learner).order_by("created_at", "pk")
    ]


LINK_HEADERS = ("To", "Made", "Delivery", "Opened", "Withdrawn")
LINK_WIDTHS = (0.3, 0.18, 0.18, 0.18, 0.16)


def link_cells(row: dict[str, Any]) -> list[str]:
    to = row["recipient"] + (f" <{row['email']}>" if row["email"] else "")
    opened = f"{row['open_count']} times, first {readable(row['first_opened_at'])}" if row["open_count"] else "Never"
    return [to, readable(row["created_at"]), row["delivery"], opened, readable(row["revoked_at"])]


def attendance_rows(learner: Learner) -> list[dict[str, Any]]:
    return [
        {
            "activity_id": a.activity_id,
            "activity": a.activity.title,
            "date": a.activity.date.isoformat(),
            "recorded_at": json_ready(a.recorded_at),
        }
        for a in ParentAttendance.objects.filter(learner=learner)
        .select_related("activity")
        .order_by("activity__date", "pk")
    ]


ATTENDANCE_HEADERS = ("Parents' careers event", "Date", "Recorded")
ATTENDANCE_WIDTHS = (0.5, 0.25, 0.25)


def attendance_cells(row: dict[str, Any]) -> list[str]:
    return [row["activity"], readable(row["date"]), readable(row["recorded_at"])]


def register() -> None:
    from qic.programme.subject_access import register_section

    register_section(
        ParentContact,
        "parent_contacts",
        contact_rows,
        title="The learner's parents and carers the school holds",
        headers=CONTACT_HEADERS,
        cells=contact_cells,
        widths=CONTACT_WIDTHS,
    )
    register_section(
        PartnerLink,
        "parent_links",
        link_rows,
        title=f"{LinkPurpose.PARENT.label} careers links sent about the learner",
        headers=LINK_HEADERS,
        cells=link_cells,
        widths=LINK_WIDTHS,
    )
    register_section(
        ParentAttendance,
        "parent_attendance",
        attendance_rows,
        title="Parents' careers events a parent or carer came to",
        headers=ATTENDANCE_HEADERS,
        cells=attendance_cells,
        widths=ATTENDANCE_WIDTHS,
    )
