"""Changes made by the Consortium, Awarding Bodies and primary schools in the national app.

Each is keyword-only with `actor=`, runs in one transaction and writes an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from qic.core import audit, stale
from qic.domain import destinations as destination_rules
from qic.domain import national as rules
from qic.domain.academic import academic_year_of, year_end
from qic.domain.provider_types import ProviderType
from qic.national.models import (
    ActionPlanItem,
    EndorsementAnswer,
    EndorsementCriterion,
    PrimaryAward,
    PrimaryTask,
    PrimaryWorkbook,
    ProviderDestinationFigures,
    ProviderYearFigures,
    TaskMapping,
)
from qic.organisations.models import Provider, User

if TYPE_CHECKING:
    from qic.accreditation.models import Award


class StepRefused(ValueError):
    pass


# --- Per-provider aggregates ----------------------------------------------------------------------


def _award_at_year_end(provider: Provider, year: int, today: dt.date) -> Award | None:
    """The provider's award on the register at the end of academic year `year` (today, for the
    year in progress), if any."""
    from qic.accreditation.queries import current_award

    return current_award(provider.pk, min(year_end(year), today))


def compute_provider_figures(*, provider: Provider, year: int, today: dt.date) -> ProviderYearFigures:
    """Store the provider's benchmark figures for the year as one aggregate row, with whether it
    held the Standard at the end of the year (or today, for the year in progress). Returns the row.

    This is the only place national figures touch a provider's own data, and it reads the same
    figures the provider's dashboard shows; analytics then read only these rows.
    """
    from qic.frameworks.editions import edition_for_year
    from qic.programme import queries as programme_queries

    edition = edition_for_year(year)
    figures = programme_queries.figures_for(provider, year, today=today, edition=edition)
    from qic.accreditation.models import Accreditation

    on = min(year_end(year), today)
    award = _award_at_year_end(provider, year, today)
    latest = (
        Accreditation.objects.filter(provider=provider, stage="issued", issued_at__date__lte=on)
        .order_by("-issued_at")
        .values_list("outcome", "awarding_body_id")
        .first()
    )
    values: dict[str, Any] = {f"bm{b.benchmark}": b.percent for b in figures.benchmarks}
    values.update(
        benchmarks_achieved=figures.fully_achieved_count,
        award_holder=award is not None,
        outcome=award.outcome if award else (latest[0] if latest else ""),
        awarding_body_id=award.awarding_body_id if award else (latest[1] if latest else None),
        rule_set=figures.rule_set.code,
        synthetic=False,
    )
    row, _ = ProviderYearFigures.objects.update_or_create(provider=provider, academic_year=year, defaults=values)
    return row


def held_the_standard(provider: Provider, year: int, today: dt.date) -> bool:
    """Whether the provider held the Standard at the end of academic year `year` (today, for the
    year in progress): the `award_holder` of both kinds of aggregate row."""
    return _award_at_year_end(provider, year, today) is not None


def compute_provider_destinations(*, provider: Provider, today: dt.date) -> int:
    """Store the provider's destinations of its last three leaving cohorts at each stage as one
    aggregate row per cohort (counts of learners in the first year after leaving, from the same
    analysis the provider's pages show), with whether it held the Standard at the end of the
    cohort's year; a cohort with no leavers has no row. Returns the rows stored.

    Like `compute_provider_figures`, the only place national destinations touch a provider's own
    data; the analytics read only these rows."""
    from qic.destinations.queries import analysis_for

    rows: list[ProviderDestinationFigures] = []
    years = destination_rules.cohort_years(today)
    held = {year: held_the_standard(provider, year, today) for year in years}
    for stage in destination_rules.STAGES:
        for cohort in analysis_for(provider, stage, today=today, years=years).cohorts:
            measured = cohort.overall
            if not measured.cohort:
                continue
            headline = {key: share.count for key, share in measured.headline.items()}
            rows.append(
                ProviderDestinationFigures(
                    provider=provider,
                    stage=stage.value,
                    cohort_year=cohort.year,
                    cohort=measured.cohort,
                    sustained=headline["overall"],
                    education=headline["education"],
                    apprenticeship=headline["appren"],
                    employment=headline["all_work"],
                    not_sustained=headline["all_notsust"],
                    unknown=headline["all_unknown"],
                    not_yet_known=measured.not_yet_known.count,
                    award_holder=held.get(cohort.year, False),
                    synthetic=False,
                )
            )
    # The cohorts analysed are replaced whole: one that has no leavers any more loses its row.
    ProviderDestinationFigures.objects.filter(provider=provider, cohort_year__in=years).delete()
    ProviderDestinationFigures.objects.bulk_create(rows)
    return len(rows)


def compute_national_destinations(*, today: dt.date) -> int:
    """Recompute the destination aggregates of every provider with learners (primary schools have
    no leaving cohorts here: their rows, if any, are removed). Returns the rows stored."""
    primary = ProviderType.PRIMARY.value
    ProviderDestinationFigures.objects.filter(provider__provider_type=primary).delete()
    count = 0
    for provider in Provider.objects.filter(learners__isnull=False).exclude(provider_type=primary).distinct():
        with transaction.atomic():
            count += compute_provider_destinations(provider=provider, today=today)
    return count


def compute_national_figures(*, years: list[int], today: dt.date) -> int:
    """Recompute the aggregate rows of every provider with learners, for the given years."""
    count = 0
    # A primary school is not measured on the secondary benchmarks (DOMAIN.md §1): it gets no
    # row, and a row left from before it was corrected to primary is removed.
    primary = ProviderType.PRIMARY.value
    ProviderYearFigures.objects.filter(provider__provider_type=primary, academic_year__in=years).delete()
    for provider in Provider.objects.filter(learners__isnull=False).exclude(provider_type=primary).distinct():
        for year in years:
            with transaction.atomic():
                compute_provider_figures(provider=provider, year=year, today=today)
            count += 1
    return count


def current_and_past_years(today: dt.date, back: int = 4) -> list[int]:
    current = academic_year_of(today)
    return list(range(current - back, current + 1))


# --- Primary awards and National Endorsement ------------------------------------------------------


def _audit_award(actor: User, action: str, award: PrimaryAward, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=award,
        before=changes.get("before"),
        after=changes.get("after"),
        awarding_body_id=award.awarding_body_id,
    )


# What the award's edit form shows: a change to one of these since the form was drawn refuses a save.
PRIMARY_AWARD_FIELDS = ("name", "description", "website")


@transaction.atomic
def save_primary_award(*, award: PrimaryAward, actor: User, seen: str | None = None) -> PrimaryAward:
    """Create or update a primary award (the form has already set its fields); audit it.

    `seen` is the edit form's snapshot (`qic.core.stale`): a change made by someone else since
    refuses the save with StaleEdit and nothing is written.
    """
    created = award.pk is None
    before = None
    if not created:
        current = PrimaryAward.objects.select_for_update().get(pk=award.pk)
        stale.check(current, PRIMARY_AWARD_FIELDS, seen)
        before = audit.snapshot(current)
        # Only the form's fields: the status is the Consortium's, and may have moved since `award` was read.
        award.save(update_fields=PRIMARY_AWARD_FIELDS)
        award.refresh_from_db()
    else:
        award.save()
    _audit_award(
        actor,
        "primary_award.created" if created else "primary_award.changed",
        award,
        before=before,
        after=audit.snapshot(award),
    )
    return award


def endorsement_snapshot(
    criteria: Iterable[EndorsementCriterion], answers: Mapping[int, EndorsementAnswer]
) -> dict[str, Any]:
    """The award's answers as its answers page shows them (`answers` by criterion id; blank for
    one not answered), keyed by each form's field name: one snapshot of the page for `qic.core.stale`."""
    blank = {"answer": "", "evidence_url": ""}
    return stale.page_snapshot(
        {
            c.code: {"answer": answers[c.pk].answer, "evidence_url": answers[c.pk].evidence_url}
            if c.pk in answers
            else blank
            for c in criteria
        }
    )


@transaction.atomic
def save_endorsement_answers(
    *, award: PrimaryAward, answers: list[tuple[EndorsementCriterion, str, str]], seen: str | None, actor: User
) -> int:
    """Save the answers page: (criterion, answer, evidence URL) for every criterion it showed.

    All or nothing: the award's row is locked, and if anyone changed any answer since the page
    was drawn (`seen`, from `endorsement_snapshot`) the whole save is refused with StaleEdit and
    nothing is written. A criterion never answered and still blank is not written. Writes one
    `endorsement.answer` audit event per criterion saved; returns how many were saved.
    """
    locked = PrimaryAward.objects.select_for_update().get(pk=award.pk)
    if locked.status_enum not in (rules.EndorsementStatus.DRAFT, rules.EndorsementStatus.RETURNED):
        raise StepRefused("Answers cannot change while the Consortium is considering the application.")
    existing = {a.criterion_id: a for a in EndorsementAnswer.objects.filter(award=locked)}
    stale.compare(endorsement_snapshot([c for c, _, _ in answers], existing), seen)
    saved = 0
    for criterion, answer, evidence_url in answers:
        if answer or criterion.pk in existing:
            saved += 1
            answer_criterion(award=locked, criterion=criterion, answer=answer, evidence_url=evidence_url, actor=actor)
    return saved


@transaction.atomic
def answer_criterion(
    *, award: PrimaryAward, criterion: EndorsementCriterion, answer: str, evidence_url: str, actor: User
) -> None:
    if award.status_enum not in (rules.EndorsementStatus.DRAFT, rules.EndorsementStatus.RETURNED):
        raise StepRefused("Answers cannot change while the Consortium is considering the application.")
    found = EndorsementAnswer.objects.filter(award=award, criterion=criterion).first()
    before = {"answer": found.answer, "evidence_url": found.evidence_url} if found else None
    EndorsementAnswer.objects.update_or_create(
        award=award, criterion=criterion, defaults={"answer": answer, "evidence_url": evidence_url}
    )
    _audit_award(
        actor,
        "endorsement.answer",
        award,
        before=before,
        after={"criterion": criterion.code, "answer": answer, "evidence_url": evidence_url},
    )


@transaction.atomic
def apply_for_endorsement(*, award: PrimaryAward, actor: User) -> None:
    codes = list(EndorsementCriterion.objects.values_list("code", flat=True))
    answered = (
        EndorsementAnswer.objects.filter(award=award).exclude(answer="").values_list("criterion__code", flat=True)
    )
    missing = rules.unanswered(codes, answered)
    if missing:
        raise StepRefused("Answer every criterion first: " + ", ".join(missing) + ".")
    try:
        award.status = rules.endorsement_move(award.status_enum, "apply").value
    except rules.EndorsementRefused as exc:
        raise StepRefused(str(exc)) from None
    award.applied_at = timezone.now()
    award.save()
    _audit_award(actor, "endorsement.applied", award, after={"status": award.status})


@transaction.atomic
def decide_endorsement(*, award: PrimaryAward, endorse: bool, reasons: str, today: dt.date, actor: User) -> None:
    """The Consortium endorses the award, or returns it with reasons."""
    if not endorse and not reasons.strip():
        raise StepRefused("Give the reasons for returning the application.")
    before = {"status": award.status}
    try:
        award.status = rules.endorsement_move(award.status_enum, "endorse" if endorse else "return").value
    except rules.EndorsementRefused as exc:
        raise StepRefused(str(exc)) from None
    award.endorsed_on = today if endorse else None
    award.returned_reasons = "" if endorse else reasons
    award.save()
    _audit_award(
        actor,
        "endorsement.endorsed" if endorse else "endorsement.returned",
        award,
        before=before,
        after={"status": award.status, "reasons": reasons},
    )


@transaction.atomic
def add_task(*, award: PrimaryAward, code: str, stage: str, title: str, description: str, actor: User) -> PrimaryTask:
    if PrimaryTask.objects.filter(award=award, code=code).exists():
        raise StepRefused(f"The award already has a task {code}.")
    position = (
        PrimaryTask.objects.filter(award=award).order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    task = PrimaryTask.objects.create(
        award=award, code=code, stage=stage, title=title, description=description, position=position
    )
    _audit_award(actor, "primary_award.task_added", award, after={"code": code, "stage": stage, "title": title})
    return task


# --- Primary workbooks --------------------------------------------------------------------------


def _audit_workbook(actor: User, action: str, workbook: PrimaryWorkbook, obj: Any, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        before=changes.get("before"),
        after=changes.get("after"),
        provider_id=workbook.provider_id,
        awarding_body_id=workbook.award.awarding_body_id,
    )


@transaction.atomic
def start_workbook(*, provider: Provider, award: PrimaryAward, today: dt.date, actor: User) -> PrimaryWorkbook:
    if provider.provider_type != "primary":
        raise StepRefused("The primary award workbook is for primary schools.")
    if provider.awarding_body_id != award.awarding_body_id:
        raise StepRefused("Choose an award offered by your own Awarding Body.")
    workbook, created = PrimaryWorkbook.objects.get_or_create(
        provider=provider, award=award, defaults={"started_on": today}
    )
    if created:
        _audit_workbook(actor, "workbook.started", workbook, workbook, after={"award": award.name})
    return workbook


@transaction.atomic
def map_activity(
    *, workbook: PrimaryWorkbook, task: PrimaryTask, activity: str, evidence_url: str, actor: User
) -> TaskMapping:
    if task.award_id != workbook.award_id:
        raise StepRefused("That task belongs to another award.")
    mapping = TaskMapping.objects.create(
        workbook=workbook,
        task=task,
        activity=activity,
        evidence_url=evidence_url,
        created_by=actor,
    )
    _audit_workbook(actor, "workbook.mapped", workbook, mapping, after={"task": task.code, "activity": activity})
    return mapping


@transaction.atomic
def remove_mapping(*, mapping: TaskMapping, actor: User) -> None:
    _audit_workbook(
        actor,
        "workbook.unmapped",
        mapping.workbook,
        mapping,
        before={"task": mapping.task.code, "activity": mapping.activity},
    )
    mapping.delete()


@transaction.atomic
def add_action(
    *, workbook: PrimaryWorkbook, task: PrimaryTask | None, action: str, owner: str, due_on: dt.date, actor: User
) -> ActionPlanItem:
    item = ActionPlanItem.objects.create(workbook=workbook, task=task, action=action, owner=owner, due_on=due_on)
    _audit_workbook(
        actor,
        "workbook.action_added",
        workbook,
        item,
        after={"task": task.code if task else None, "action": action, "owner": owner, "due_on": due_on},
    )
    return item


@transaction.atomic
def set_action_done(*, item: ActionPlanItem, done: bool, actor: User) -> bool:
    """Mark the action done (or reopen it); returns False, writing nothing, if it already was.

    The button says which way (not "flip it"), and the row is re-read locked: two people who both
    press "Mark as done" leave it done, instead of the second press silently reopening it.
    """
    item = ActionPlanItem.objects.select_for_update().select_related("workbook__award").get(pk=item.pk)
    if item.done == done:
        return False
    before = {"done": item.done}
    item.done = done
    item.save(update_fields=["done"])
    _audit_workbook(
        actor,
        "workbook.action_done" if done else "workbook.action_reopened",
        item.workbook,
        item,
        before=before,
        after={"done": done},
    )
    return True
