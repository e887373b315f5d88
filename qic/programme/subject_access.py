"""Everything the platform holds about one learner, for a subject-access request.

`subject_access_record` gathers it into one JSON-ready dict; the HTML page, the PDF and the JSON
download all show that dict and nothing else, so the three always agree. The structure is
documented in docs/subject-access-export.md and versioned by `SCHEMA`; a change to the keys is
a new version.

Every model with a foreign key to `Learner` must be listed in `SECTIONS` (a test walks the
models and fails if one is missing), so a table added later cannot be left out of the export.
An app above programme, which programme may not import (the portal's own entries), adds its
model with `register_section` from its `AppConfig.ready()`: the export, the page and the PDF
then show that section too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from qic.core.audit import json_ready
from qic.core.models import AuditEvent
from qic.domain import benchmarks as bm
from qic.domain.academic import academic_year_of, year_label
from qic.domain.dates import long_date, long_datetime
from qic.learners.models import Learner, LearnerAccount, LearnerImport, LearnerSignInCode
from qic.organisations.models import LEARNER_SIGN_IN_DOMAIN
from qic.programme import queries
from qic.programme.models import (
    CATEGORY_LABELS,
    ClassList,
    Interview,
    LearnerSignIn,
    LearnerTally,
    Participation,
    Reflection,
    RemovedParticipation,
)

SCHEMA = "qic-subject-access/4"

# Model with a foreign key to Learner -> the export's key that lists its rows (or, for the
# one-to-one account, holds its one object). Apps above programme add theirs by `register_section`.
SECTIONS: dict[type[models.Model], str] = {
    LearnerAccount: "account",
    Participation: "activities",
    Interview: "interviews",
    LearnerTally: "tallies",
    ClassList: "class_lists",
    RemovedParticipation: "taken_off_registers",
    Reflection: "reflections",
    LearnerSignIn: "sign_ins",
}
# How each model names the learner, where it is not `learner` (for the completeness test).
LEARNER_LOOKUP: dict[type[models.Model], str] = {ClassList: "learners"}


@dataclass(frozen=True)
class RegisteredSection:
    """A section of the export that an app above programme holds the rows of.

    `rows` gives the learner's rows, JSON-ready (the JSON shows them as they are); `headers`,
    `cells` and `widths` say how the page and the PDF show them: one table row of text per row,
    and each column's share of the PDF's width."""

    model: type[models.Model]
    key: str
    title: str
    rows: Callable[[Learner], list[dict[str, Any]]]
    headers: tuple[str, ...]
    cells: Callable[[dict[str, Any]], Sequence[object]]
    widths: tuple[float, ...]


# Key -> section, in the order registered (apps register in INSTALLED_APPS order).
REGISTERED: dict[str, RegisteredSection] = {}


def register_section(
    model: type[models.Model],
    key: str,
    rows: Callable[[Learner], list[dict[str, Any]]],
    *,
    title: str,
    headers: Sequence[str],
    cells: Callable[[dict[str, Any]], Sequence[object]],
    widths: Sequence[float],
    lookup: str = "learner",
) -> None:
    """Add a model of an app above programme to the export, under `key` (after `sign_ins`).

    Call it from the app's `AppConfig.ready()`. Registering the same model and key again is
    allowed (it replaces the earlier one); a key the export already uses for something else, or
    headers that do not match the widths, is a configuration error."""
    if len(headers) != len(widths):
        raise ImproperlyConfigured(f"Subject-access section {key!r}: {len(headers)} headers but {len(widths)} widths")
    taken = {k for m, k in SECTIONS.items() if m is not model} | set(_BUILT_IN_KEYS)
    if key in taken:
        raise ImproperlyConfigured(f"Subject-access key {key!r} is already used")
    SECTIONS[model] = key
    if lookup != "learner":
        LEARNER_LOOKUP[model] = lookup
    REGISTERED[key] = RegisteredSection(model, key, title, rows, tuple(headers), cells, tuple(widths))


# The learner's own fields, in the order shown, with their labels. `provider` is shown as the
# provider's name and URN.
LEARNER_FIELDS = [field for field in Learner._meta.concrete_fields if field.name not in {"id", "provider"}]


def _label(field: models.Field[Any, Any]) -> str:
    text = str(field.verbose_name)
    return text[:1].upper() + text[1:]


def readable(value: Any) -> str:
    """A stored value in words: Yes/No, "3 December 2026", "Not recorded" for nothing."""
    if value is None or value == "" or value == []:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return long_date(dt.date.fromisoformat(value))
            return long_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item)}" for key, item in value.items()) or "Not recorded"
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    return str(value)


def learner_fields(learner: Learner) -> list[dict[str, Any]]:
    """Every stored field of the learner as {"field", "label", "value", "display"}: the value as
    stored (JSON-ready) and in words."""
    rows = [{"field": "id", "label": "Record number", "value": learner.pk, "display": str(learner.pk)}]
    for field in LEARNER_FIELDS:
        value = json_ready(getattr(learner, field.attname))
        display = getattr(learner, f"get_{field.name}_display")() if field.choices else readable(value)
        rows.append({"field": field.name, "label": _label(field), "value": value, "display": display})
    return rows


def _activities(learner: Learner) -> list[dict[str, Any]]:
    # Removed records are data still held (restorable until purged): a subject-access export gives them too.
    participations = (
        Participation.all_objects.filter(learner=learner)
        .select_related("activity__provider")
        .order_by("activity__date", "activity__title", "pk")
    )
    return [
        {
            "activity_id": p.activity_id,
            "name": p.activity.title,
            "date": p.activity.date.isoformat(),
            "type": p.activity.get_activity_type_display(),
            "type_code": p.activity.activity_type,
            "provider": p.activity.provider.name,
            "partner": p.activity.partner,
            "attended": p.attended,
            "counts_towards": p.activity.category_labels if p.attended else [],
            "recorded_at": json_ready(p.recorded_at),
        }
        for p in participations
    ]


def _interviews(learner: Learner) -> list[dict[str, Any]]:
    interviews = Interview.all_objects.filter(learner=learner).select_related("adviser").order_by("date", "pk")
    return [
        {
            "interview_id": i.pk,
            "date": i.date.isoformat(),
            "adviser": i.adviser.name,
            "adviser_organisation": i.adviser.organisation,
            "duration_minutes": i.duration_minutes,
            "notes": i.summary,
            "agreed_actions": i.agreed_actions,
            "recorded_at": json_ready(i.created_at),
        }
        for i in interviews
    ]


def _tallies(learner: Learner) -> list[dict[str, Any]]:
    rows = LearnerTally.objects.filter(learner=learner).order_by("academic_year", "category")
    return [
        {
            "academic_year": t.academic_year,
            "year_label": year_label(t.academic_year),
            "category": t.category,
            "category_label": CATEGORY_LABELS[bm.Category(t.category)],
            "count": t.count,
            "in_curriculum_area": t.in_curriculum_area,
        }
        for t in rows
    ]


def _class_lists(learner: Learner) -> list[dict[str, Any]]:
    return [
        {"class_list_id": c.pk, "name": c.name, "made_at": json_ready(c.created_at)}
        for c in ClassList.objects.filter(learners=learner).order_by("name", "pk")
    ]


def _taken_off_registers(learner: Learner) -> list[dict[str, Any]]:
    """Marks taken off a register, still held until purged (the careers leader may put them back)."""
    rows = RemovedParticipation.objects.filter(learner=learner).select_related("activity").order_by("removed_at", "pk")
    return [
        {
            "activity_id": r.activity_id,
            "name": r.activity.title,
            "date": r.activity.date.isoformat(),
            "attended": r.attended,
            "removed_at": json_ready(r.removed_at),
        }
        for r in rows
    ]


def _reflections(learner: Learner) -> list[dict[str, Any]]:
    """What the learner wrote after activities, hidden ones too (with why they were hidden)."""
    rows = Reflection.objects.filter(learner=learner).select_related("activity").order_by("written_at", "pk")
    return [
        {
            "activity_id": r.activity_id,
            "name": r.activity.title,
            "learnt": r.learnt,
            "next_step": r.next_step,
            "rating": r.rating,
            "written_at": json_ready(r.written_at),
            "updated_at": json_ready(r.updated_at),
            "hidden_at": json_ready(r.hidden_at),
            "hidden_reason": r.hidden_reason,
        }
        for r in rows
    ]


def _sign_ins(learner: Learner) -> list[dict[str, Any]]:
    """Times the learner signed themselves in to an activity."""
    rows = LearnerSignIn.objects.filter(learner=learner).select_related("activity").order_by("signed_in_at", "pk")
    return [
        {
            "activity_id": s.activity_id,
            "name": s.activity.title,
            "signed_in_at": json_ready(s.signed_in_at),
            "how": s.how,
            "marked_absent_at": json_ready(s.overridden_at),
        }
        for s in rows
    ]


def _code_rows(codes: Sequence[LearnerSignInCode]) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "issued_at": json_ready(c.created_at),
            "expires_at": json_ready(c.expires_at),
            "used_at": json_ready(c.used_at),
            "revoked_at": json_ready(c.revoked_at),
        }
        for c in codes
    ]


def _account(learner: Learner) -> dict[str, Any] | None:
    """The learner's own sign-in account, if they have one, and the one-time codes it was given
    (when each was issued, expired, used or stopped; never a code or its hash). The address
    made from a sign-in name is not an email the learner has, so it is not shown as one."""
    account = (
        LearnerAccount.objects.filter(learner=learner)
        .select_related("user")
        .prefetch_related(models.Prefetch("codes", LearnerSignInCode.objects.order_by("created_at", "pk")))
        .first()
    )
    if account is None:
        return None
    email = account.user.email
    return {
        "sign_in_name": account.sign_in_name,
        "school_email": None if email.lower().endswith(f"@{LEARNER_SIGN_IN_DOMAIN}") else email,
        "active": account.user.is_active,
        "made_at": json_ready(account.created_at),
        "password_set_at": json_ready(account.password_set_at),
        "last_sign_in": json_ready(account.user.last_login),
        "codes": _code_rows(list(account.codes.all())),
    }


def _benchmark_years(learner: Learner, activities: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """For each year with a record (and the current year while on roll): the measures that
    applied to the learner and whether each was met, read as the dashboard reads them."""
    years = {academic_year_of(dt.date.fromisoformat(a["date"])) for a in activities}
    years |= set(Interview.all_objects.filter(learner=learner).values_list("academic_year", flat=True))
    current = academic_year_of(today)
    if learner.left_on is None or learner.left_on >= today:
        years.add(current)
    phase = queries.phase_of(learner.provider)
    result = []
    for year in sorted(y for y in years if y <= current):
        domain = queries.as_domain(learner, year)
        # As the dashboard reads it: evidence as it stood on the year's measure date.
        evidence = queries.evidence_up_to(
            learner.provider, year, learner_id=learner.pk, as_of=bm.measure_date_for(year, today)
        ).get(learner.pk, {})
        measures = [
            {
                "code": measure.code,
                "benchmark": measure.benchmark,
                "title": measure.title,
                "met": measure.met(domain, evidence, year),
                "required": measure.required,
            }
            for measure in queries.rule_set_for_year(year).measures_for(phase)
            if measure.eligible(domain, year)
        ]
        result.append(
            {
                "academic_year": year,
                "year_label": year_label(year),
                "year_group": learner.year_group_in(year),
                "on_roll_at_measure_date": bm.on_roll(domain, bm.measure_date_for(year, today)),
                "measures": measures,
            }
        )
    return result


def _import_lines(learner: Learner) -> list[dict[str, Any]]:
    """Error lines of the provider's imports that quote the learner's UPN or ULN."""
    identifiers = [value for value in (learner.upn, learner.uln) if value]
    if not identifiers:
        return []
    lines = []
    jobs = LearnerImport.objects.filter(provider_id=learner.provider_id).exclude(errors=[]).defer("data")
    for job in jobs.order_by("created_at", "pk"):
        for error in job.errors:
            reason = str(error.get("reason", ""))
            if any(identifier in reason for identifier in identifiers):
                lines.append(
                    {
                        "import_id": job.pk,
                        "file_name": job.file_name,
                        "uploaded_at": json_ready(job.created_at),
                        "status": job.get_status_display(),
                        "line": error.get("line"),
                        "reason": reason,
                    }
                )
    return lines


def audit_events_about(learner: Learner) -> models.QuerySet[AuditEvent]:
    """The audit events about the learner: every event that names them as its learner (their
    record, interviews, registers, imports and reads of their record)."""
    return AuditEvent.objects.filter(learner_id_ref=learner.pk, provider_id_ref=learner.provider_id).order_by(
        "at", "id"
    )


def _audit_events(learner: Learner) -> list[dict[str, Any]]:
    return [
        {
            "at": json_ready(e.at),
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "before": e.before,
            "after": e.after,
        }
        for e in audit_events_about(learner)
    ]


def subject_access_record(learner: Learner, *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything held about the learner, as one JSON-ready dict (docs/subject-access-export.md)."""
    today = today or timezone.localdate()
    activities = _activities(learner)
    return {
        "schema": SCHEMA,
        "generated_at": json_ready(timezone.now()),
        "provider": {"urn": learner.provider.urn, "name": learner.provider.name},
        "learner": {
            "name": learner.name,
            "anonymised": learner.anonymised,
            "groups": [group.label for group in sorted(learner.groups(), key=lambda g: g.value)],
            "fields": learner_fields(learner),
        },
        "account": _account(learner),
        "activities": activities,
        "interviews": _interviews(learner),
        "tallies": _tallies(learner),
        "class_lists": _class_lists(learner),
        "taken_off_registers": _taken_off_registers(learner),
        "reflections": _reflections(learner),
        "sign_ins": _sign_ins(learner),
        **{key: section.rows(learner) for key, section in REGISTERED.items()},
        "benchmarks": _benchmark_years(learner, activities, today),
        "import_history": _import_lines(learner),
        "audit_events": _audit_events(learner),
    }


# The record's keys that are not a model's section: no registered section may take one.
_BUILT_IN_KEYS = ("schema", "generated_at", "provider", "learner", "benchmarks", "import_history", "audit_events")


def changes_text(before: object, after: object) -> str:
    """An audit event's before and after values in words, one line each."""
    parts = []
    if before:
        parts.append(f"Before: {readable(before)}")
    if after:
        parts.append(f"After: {readable(after)}")
    return "\n".join(parts) or "–"


def for_display(record: dict[str, Any]) -> dict[str, Any]:
    """The record with dates and audit details also in words, for the page (the JSON stays as stored)."""
    shown = dict(record)
    shown["activities"] = [a | {"date_text": readable(a["date"])} for a in record["activities"]]
    shown["interviews"] = [i | {"date_text": readable(i["date"])} for i in record["interviews"]]
    shown["import_history"] = [
        line | {"uploaded_text": readable(line["uploaded_at"])} for line in record["import_history"]
    ]
    shown["audit_events"] = [
        e | {"at_text": readable(e["at"]), "details": changes_text(e["before"], e["after"])}
        for e in record["audit_events"]
    ]
    shown["generated_text"] = readable(record["generated_at"])
    shown["account_rows"] = account_rows(record["account"])
    if record["account"] is not None:
        shown["account"] = record["account"] | {
            "codes": [c | {"status": code_status(c)} for c in record["account"]["codes"]]
        }
    shown["registered"] = registered_tables(record)
    return shown


def when(value: object) -> str:
    """A moment in words, or "–" for none (a code not used, a sign-in that never happened)."""
    return "–" if value in (None, "") else readable(value)


def account_rows(account: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The account's details as (label, words), for the page and the PDF; none without an account."""
    if account is None:
        return []
    return [
        (
            "Sign-in name",
            account["sign_in_name"] or ("None (signs in with their school email)" if account["active"] else "None"),
        ),
        ("School email", account["school_email"] or "None"),
        ("Can sign in", "Yes" if account["active"] else "No: the account is closed"),
        ("Account made", when(account["made_at"])),
        ("Password set", when(account["password_set_at"]) if account["password_set_at"] else "Not yet"),
        ("Last signed in", when(account["last_sign_in"]) if account["last_sign_in"] else "Never"),
    ]


def code_status(code: dict[str, Any]) -> str:
    if code["used_at"]:
        return f"Used {readable(code['used_at'])}"
    if code["revoked_at"]:
        return f"Stopped {readable(code['revoked_at'])}"
    return "Not used"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: list[list[str]]


def registered_tables(record: dict[str, Any]) -> list[Table]:
    """The registered sections of the record as tables of text, for the page and the PDF."""
    return [
        Table(
            key,
            section.title,
            section.headers,
            section.widths,
            [[str(cell) for cell in section.cells(row)] for row in record.get(key, [])],
        )
        for key, section in REGISTERED.items()
    ]
