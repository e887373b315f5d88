"""The JSON API (`/api/v1/`), documented by its OpenAPI schema at /api/v1/docs.

Every endpoint gets its objects through `qic.organisations.access`, exactly as the pages do.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Schema, Status
from ninja.files import UploadedFile
from ninja.params import P, PathEx, QueryEx
from ninja.security import django_auth

from qic.api_security import ProviderToken, QicNinjaAPI
from qic.core.jobs import read_progress
from qic.domain.academic import academic_year_of
from qic.domain.activities import ALL_ELEMENTS
from qic.domain.in_force import Status as EditionStatus
from qic.domain.provider_types import NO_SECONDARY_BENCHMARKS_FOR_PRIMARY
from qic.frameworks.editions import edition_for_year, editions_on
from qic.frameworks.models import Edition
from qic.learners.actions import start_learner_import
from qic.learners.imports import (
    check_learner_file,
    file_kind,
    file_limit_problem,
    progress_key,
    size_limit_problem,
)
from qic.learners.models import Learner, LearnerImport
from qic.learners.parsing import LearnerFileError
from qic.learners.uploads import register_size_problem, too_large
from qic.organisations.access import (
    AuthenticatedRequest,
    Capability,
    get_provider,
    get_provider_for,
    membership_of,
    visible_providers,
)
from qic.organisations.models import Provider
from qic.programme import queries, register_uploads
from qic.programme.models import Activity, ApiToken, RegisterImport

TOKEN_OR_SESSION = [ProviderToken(), django_auth]


def provider_for_api(request: HttpRequest, urn: int, need: Capability) -> Provider:
    """The access layer, plus: a token reaches only the provider it was made for (else 404)."""
    provider = get_provider_for(request.user, urn, need)
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken) and token.provider_id != provider.pk:
        raise Http404("No such provider")
    return provider


# Bounds on query parameters, so that no number or string reaches the database that it cannot
# hold (a 20-digit offset, a NUL byte in PostgreSQL text): such input answers 422 instead.
MAX_PAGE = 500
MAX_OFFSET = 1_000_000  # far more providers than England has
NO_NUL = r"^[^\x00]*$"


api = QicNinjaAPI(
    title="QiC Platform API",
    version="1.0.0",
    description=(
        "Read and write QiC Platform data from an MIS or another tool. Endpoints that carry "
        "organisation data need a signed-in session or a provider's token (401 without); another "
        "organisation's objects answer 404 and a role without access 403. A read-only token may "
        "only read. Calls are limited per token (or session) and per IP address: 429 says how many "
        "seconds to wait in `Retry-After`."
    ),
    urls_namespace="api-1.0.0",
)


class MeOut(Schema):
    email: str
    name: str
    role: str | None
    organisation: str | None


class EditionSummaryOut(Schema):
    code: str
    title: str
    effective_from: dt.date
    source: str


class DatedEditionOut(EditionSummaryOut):
    in_force: bool = Field(description="True for the one edition in force today")
    status: str = Field(description="in_force, past (superseded) or future (not yet in force) today")


class CriterionOut(Schema):
    code: str
    text: str
    school_text: str
    college_text: str
    footnote: str
    see_also: list[str]
    notes: list[int]


class SectionOut(Schema):
    number: int
    title: str
    benchmark: str
    school_statement: str
    school_indicators: list[str]
    college_statement: str
    college_indicators: list[str]
    criteria: list[CriterionOut]


class NoteOut(Schema):
    number: int
    section: int
    text: str


class EditionOut(EditionSummaryOut):
    sections: list[SectionOut]
    notes: list[NoteOut]


class ProviderOut(Schema):
    urn: int
    name: str
    provider_type: str
    la_name: str
    region: str
    postcode: str
    ukprn: str
    age_range: str
    has_sixth_form: bool
    awarding_body: str | None


class ErrorOut(Schema):
    detail: str


@api.get("/me", response=MeOut, auth=django_auth, tags=["people"])
def me(request: HttpRequest) -> MeOut:
    membership = membership_of(request.user)
    user = request.user
    return MeOut(
        email=user.email,  # type: ignore[union-attr]
        name=user.get_full_name(),  # type: ignore[union-attr]
        role=membership.role if membership else None,
        organisation=membership.organisation_name if membership else None,
    )


@api.get("/frameworks", response=list[DatedEditionOut], tags=["national criteria"])
def list_editions(request: HttpRequest) -> list[DatedEditionOut]:
    """Every edition, newest first. An academic year is measured against the edition in force on
    its 1 September; a new accreditation takes the edition in force on the day it starts."""
    return [
        DatedEditionOut(
            code=d.edition.code,
            title=d.edition.title,
            effective_from=d.edition.effective_from,
            source=d.edition.source,
            in_force=d.status == EditionStatus.IN_FORCE,
            status=d.status.value,
        )
        for d in editions_on(timezone.localdate())
    ]


@api.get("/frameworks/{code}", response={200: EditionOut, 404: ErrorOut}, tags=["national criteria"])
def edition_detail(request: HttpRequest, code: PathEx[str, P(max_length=100, pattern=NO_NUL)]) -> EditionOut:
    edition = get_object_or_404(Edition, code=code)
    sections = edition.sections.prefetch_related("criteria__see_also", "criteria__notes").order_by("number")
    return EditionOut(
        code=edition.code,
        title=edition.title,
        effective_from=edition.effective_from,
        source=edition.source,
        sections=[
            SectionOut(
                number=s.number,
                title=s.title,
                benchmark=s.benchmark,
                school_statement=s.school_statement,
                school_indicators=s.school_indicators,
                college_statement=s.college_statement,
                college_indicators=s.college_indicators,
                criteria=[
                    CriterionOut(
                        code=c.code,
                        text=c.text,
                        school_text=c.school_text,
                        college_text=c.college_text,
                        footnote=c.footnote,
                        see_also=[r.code for r in c.see_also.all()],
                        notes=[n.number for n in c.notes.all()],
                    )
                    for c in sorted(s.criteria.all(), key=lambda c: c.position)
                ],
            )
            for s in sections
        ],
        notes=[
            NoteOut(number=n.number, section=n.section.number, text=n.text)
            for n in edition.notes.select_related("section")
        ],
    )


def _provider_out(provider: object) -> ProviderOut:
    return ProviderOut(
        urn=provider.urn,  # type: ignore[attr-defined]
        name=provider.name,  # type: ignore[attr-defined]
        provider_type=provider.provider_type,  # type: ignore[attr-defined]
        la_name=provider.la_name,  # type: ignore[attr-defined]
        region=provider.region,  # type: ignore[attr-defined]
        postcode=provider.postcode,  # type: ignore[attr-defined]
        ukprn=provider.ukprn,  # type: ignore[attr-defined]
        age_range=provider.age_range,  # type: ignore[attr-defined]
        has_sixth_form=provider.has_sixth_form,  # type: ignore[attr-defined]
        awarding_body=provider.awarding_body.name if provider.awarding_body else None,  # type: ignore[attr-defined]
    )


@api.get("/providers", response=list[ProviderOut], auth=django_auth, tags=["providers"])
def list_providers(
    request: HttpRequest,
    q: QueryEx[str, P(max_length=200, pattern=NO_NUL, description="Part of the provider's name")] = "",
    limit: QueryEx[int, P(ge=1, le=MAX_PAGE)] = 100,
    offset: QueryEx[int, P(ge=0, le=MAX_OFFSET)] = 0,
) -> list[ProviderOut]:
    providers = visible_providers(request.user).select_related("awarding_body").order_by("name")
    if q:
        providers = providers.filter(name__icontains=q)
    return [_provider_out(p) for p in providers[offset : offset + limit]]


@api.get("/providers/{urn}", response={200: ProviderOut, 404: ErrorOut}, auth=django_auth, tags=["providers"])
def provider_detail(request: HttpRequest, urn: int) -> ProviderOut:
    try:
        provider = get_provider(request.user, urn)
    except Http404:
        raise
    return _provider_out(provider)


# --- Benchmarks, learners and registers (issue: careers leader workspace) -----------------------


class YearGroupOut(Schema):
    year_group: int
    eligible: int
    met: int
    percent: float | None


class MeasureOut(Schema):
    code: str
    title: str
    required: bool
    definition: str = Field(
        description="What the measure asks, as a stable key: a year's figure is comparable with another "
        "year's only when both have the same code and the same definition"
    )
    criterion: str = Field(
        description="The Quality in Careers criterion the measure reports on (e.g. 8.2), or empty; a "
        "criterion measure that is not required is reported beside its benchmark, not in its percentage"
    )
    eligible: int
    met: int
    percent: float | None
    by_year_group: list[YearGroupOut]


class BenchmarkOut(Schema):
    number: int
    percent: float | None
    fully_achieved: bool
    measures: list[MeasureOut]


class RuleSetOut(Schema):
    code: str = Field(description="gatsby-2018 (up to 2024/25) or gatsby-2025 (the refreshed benchmarks)")
    title: str
    first_year: int = Field(description="The first academic year it applies to (2025 = 2025/26)")


class BenchmarkFiguresOut(Schema):
    urn: int
    year: int
    measure_date: dt.date
    phase: str
    rule_set: RuleSetOut = Field(description="The benchmark definitions the figures were measured on")
    fully_achieved: int
    benchmarks: list[BenchmarkOut]


@api.get(
    "/providers/{urn}/benchmarks",
    response={200: BenchmarkFiguresOut, 404: ErrorOut},
    auth=TOKEN_OR_SESSION,
    tags=["benchmarks"],
    summary="A provider's Gatsby Benchmark figures for an academic year",
)
def provider_benchmarks(
    request: HttpRequest, urn: int, year: int | None = None
) -> BenchmarkFiguresOut | Status[ErrorOut]:
    """`year` is the calendar year in which the academic year starts (2025 = 2025/26); default: now.

    The figures are measured on the rule set of that year, named in `rule_set`: the 2018
    definitions up to 2024/25, the refreshed Gatsby Benchmarks from 2025/26. Each measure gives its
    `definition` key, so figures of two years are comparable only where code and definition match.
    A year in progress is measured as it stands today (activities dated later do not count yet).
    A primary school has no such figures (it works towards a primary award): 404, saying why.
    """
    provider = provider_for_api(request, urn, Capability.VIEW_FIGURES)
    if not provider.works_towards_the_standard:
        return Status(404, ErrorOut(detail=NO_SECONDARY_BENCHMARKS_FOR_PRIMARY))
    today = timezone.localdate()
    year = year if year is not None else academic_year_of(today)
    if not 2000 <= year <= academic_year_of(today) + 1:
        raise Http404("No figures for that year")
    figures = queries.figures_for(provider, year, today=today, edition=edition_for_year(year))
    return BenchmarkFiguresOut(
        urn=provider.urn,
        year=year,
        measure_date=figures.measure_date,
        phase=figures.phase.value,
        rule_set=RuleSetOut(
            code=figures.rule_set.code, title=figures.rule_set.title, first_year=figures.rule_set.first_year
        ),
        fully_achieved=figures.fully_achieved_count,
        benchmarks=[
            BenchmarkOut(
                number=b.benchmark,
                percent=b.percent,
                fully_achieved=b.fully_achieved,
                measures=[
                    MeasureOut(
                        code=m.measure.code,
                        title=m.measure.title,
                        required=m.measure.required,
                        definition=m.measure.definition,
                        criterion=m.measure.criterion,
                        eligible=m.total.eligible,
                        met=m.total.met,
                        percent=m.total.percent,
                        by_year_group=[
                            YearGroupOut(year_group=y, eligible=c.eligible, met=c.met, percent=c.percent)
                            for y, c in m.by_year_group.items()
                        ],
                    )
                    for m in b.measures
                ],
            )
            for b in figures.benchmarks
        ],
    )


class RowErrorOut(Schema):
    line: int
    reason: str


class LeavingLearnerOut(Schema):
    upn: str
    uln: str
    forename: str
    surname: str
    year_group: int | None


class LearnerImportOut(Schema):
    status: str
    full_import: bool
    created: int
    updated: int
    unchanged: int
    left: int
    roll: int
    leaving: list[LeavingLearnerOut]
    error_count: int
    errors: list[RowErrorOut]


def _import_out(
    status: str, *, full_import: bool, errors: list[dict[str, Any]] | None = None, **figures: Any
) -> LearnerImportOut:
    errors = errors or []
    year = academic_year_of(timezone.localdate())
    leaving = [
        LeavingLearnerOut(
            upn=learner.upn,
            uln=learner.uln,
            forename=learner.forename,
            surname=learner.surname,
            year_group=learner.year_group_in(year),
        )
        for learner in figures.pop("leaving", [])
    ]
    return LearnerImportOut(
        status=status,
        full_import=full_import,
        created=figures.get("created", 0),
        updated=figures.get("updated", 0),
        unchanged=figures.get("unchanged", 0),
        left=figures.get("left", len(leaving)),
        roll=figures.get("roll", 0),
        leaving=leaving,
        error_count=figures.get("error_count", len(errors)),
        errors=[RowErrorOut(**e) for e in errors[: settings.QIC_LEARNER_IMPORT_MAX_ERRORS]],
    )


class ImportProgressOut(Schema):
    phase: str = Field(description="checking or saving")
    checked: int = Field(description="Rows checked so far (while checking)")
    saved: int = Field(description="Learners written so far (while saving; nothing is kept until all are)")
    total: int = Field(description="Rows to check, or learners to write")


class LearnerImportJobOut(Schema):
    id: int | None = Field(description="The import job; None when the upload was refused before a job was made")
    status: str = Field(
        description="pending, checking, ready (checked, waiting for confirmation), saving, done, failed, "
        "cancelled, stale (the roll changed after the check: nothing was written), or refused (413)"
    )
    status_url: str | None = Field(description="Where to follow the job: GET it until its status is final")
    full_import: bool
    total_rows: int
    progress: ImportProgressOut | None = Field(description="How far a running job has got, while it runs")
    created: int
    updated: int
    unchanged: int
    left: int
    roll: int
    leaving: list[LeavingLearnerOut] = Field(description="Only while ready: who a full import would mark as left")
    error_count: int
    errors: list[RowErrorOut]


def _job_out(request: HttpRequest, provider: Provider, job: LearnerImport) -> LearnerImportJobOut:
    leaving: list[Learner] = []
    if job.status == LearnerImport.Status.READY and job.leaving_ids:
        leaving = list(
            Learner.objects.filter(provider=provider, pk__in=job.leaving_ids).order_by("surname", "forename", "pk")
        )
    figures = _import_out(job.status, full_import=job.full_import, leaving=leaving)
    progress = None
    if not job.finished:
        values = read_progress(progress_key(job.pk))
        if values.get("phase") in ("checking", "saving"):
            progress = ImportProgressOut(
                phase=values["phase"],
                checked=int(values.get("checked") or 0),
                saved=int(values.get("saved") or 0),
                total=int(values.get("total") or 0),
            )
    return LearnerImportJobOut(
        id=job.pk,
        status=job.status,
        status_url=request.build_absolute_uri(f"/api/v1/providers/{provider.urn}/learner-imports/{job.pk}"),
        full_import=job.full_import,
        total_rows=job.total_rows,
        progress=progress,
        created=job.created_count,
        updated=job.updated_count,
        unchanged=job.unchanged_count,
        left=job.left_count,
        roll=job.roll_count,
        leaving=figures.leaving,
        error_count=job.problem_count,
        errors=[RowErrorOut(**e) for e in job.errors[: settings.QIC_LEARNER_IMPORT_MAX_ERRORS]],
    )


@api.post(
    "/providers/{urn}/learners/import",
    response={
        200: LearnerImportOut,
        202: LearnerImportJobOut,
        404: ErrorOut,
        413: LearnerImportJobOut,
        422: LearnerImportOut,
    },
    auth=TOKEN_OR_SESSION,
    tags=["learners"],
    summary="Import learners from a CSV or CTF file (all or nothing), in the background; or preview it",
)
def import_learners(
    request: AuthenticatedRequest,
    urn: int,
    file: File[UploadedFile],
    full_import: bool = False,
    dry_run: bool = False,
    expect_left: int | None = None,
) -> Status[Any]:
    """Upload the file as multipart form data (`file`).

    - By default the import is a job: the answer is 202 with its `id` and `status_url`, and the
      file is checked and then, if the check passes, saved, both in the background. GET the
      `status_url` until `status` is final: `done` (written), `failed` (the problems, each with
      its line: the first 100, and `error_count` for all; nothing written), `cancelled` (a full
      import whose `expect_left` was wrong: nothing written) or `stale` (the roll changed
      during the check: nothing written, send the file again). While it runs, `progress` says
      how many rows are checked and learners saved. Sending a file replaces a job of the same
      provider that has not started saving.
    - `dry_run=true`: check the file now and answer the preview (200, `status` "preview": the
      counts, and every learner a full import would mark as left, with names); nothing is
      stored.
    - `full_import=true` (never the default): learners on roll who are missing from the file
      are marked as left. A real full import must also give `expect_left`, the number of
      learners it should mark as left (from a dry run); if the file would mark a different
      number, the job ends `cancelled`, with the reason, and nothing is saved.
    - 413: the file is over the size limit (refused before the body is read) or the row limit
      (checked before parsing). 422: no file, a full import without `expect_left`, or (dry
      run) the file's problems.
    """
    provider = provider_for_api(request, urn, Capability.MANAGE_LEARNERS)
    problem = size_limit_problem(file.size or 0)
    data = file.read() if problem is None else b""
    problem = problem or file_limit_problem(data)
    if problem is not None:
        return Status(413, too_large_out(problem))
    if full_import and expect_left is None and not dry_run:
        reason = (
            "A full import must say how many learners it expects to mark as left (expect_left): "
            "run it with dry_run=true first to see who they are"
        )
        return Status(422, _import_out("failed", full_import=True, errors=[{"line": 0, "reason": reason}]))
    kind = file_kind(data)
    if dry_run:
        check = check_learner_file(
            provider=provider, kind=kind, data=data, full_import=full_import, today=timezone.localdate()
        )
        if check.plan is None:
            return Status(422, _import_out("failed", full_import=full_import, errors=check.errors))
        plan = check.plan
        preview = _import_out(
            "preview",
            full_import=full_import,
            created=len(plan.new_learners),
            updated=len(plan.updates),
            unchanged=plan.unchanged,
            roll=plan.roll_count,
            leaving=plan.leaving,
        )
        return Status(200, preview)
    job = start_learner_import(
        provider=provider,
        kind=kind,
        file_name=file.name or "upload",
        data=data,
        full_import=full_import,
        actor=request.user,
        confirm_when_checked=True,
        expect_left=expect_left,
    )
    job = LearnerImport.objects.defer("data").get(pk=job.pk)
    return Status(202, _job_out(request, provider, job))


def too_large_out(problem: str) -> LearnerImportJobOut:
    return LearnerImportJobOut(**{**json.loads(too_large(problem).content)})


@api.get(
    "/providers/{urn}/learner-imports/{job_id}",
    response={200: LearnerImportJobOut, 404: ErrorOut},
    auth=TOKEN_OR_SESSION,
    tags=["learners"],
    summary="A learner import job: its status, progress, counts and problems",
)
def learner_import_job(request: HttpRequest, urn: int, job_id: int) -> Status[Any]:
    """Poll this (every few seconds) after sending a file, until `status` is final. Another
    provider's job, or one that does not exist, answers 404."""
    provider = provider_for_api(request, urn, Capability.MANAGE_LEARNERS)
    if not 0 < job_id < 2**63:
        raise Http404("No such import")
    job = get_object_or_404(LearnerImport.objects.defer("data"), provider=provider, pk=job_id)
    return Status(200, _job_out(request, provider, job))


class RegisterProgressOut(Schema):
    phase: str = Field(description="checking or saving")
    checked: int = Field(description="Rows checked so far")
    total: int = Field(description="Rows in the file")


class RegisterImportJobOut(Schema):
    id: int | None = Field(description="The import job; None when the file was refused before a job was made")
    status: str = Field(
        description="queued, checking, saving, done (the register is saved), failed (nothing saved: see "
        "`errors` and `message`), or refused (413 or 422: no job was made)"
    )
    status_url: str | None = Field(description="Where to follow the job: GET it until its status is done or failed")
    total_rows: int
    progress: RegisterProgressOut | None = Field(description="How far a running job has got, while it runs")
    present: int
    absent: int
    added: int = Field(description="Learners added to the register")
    changed: int = Field(description="Learners already on it whose attendance changed")
    error_count: int
    errors: list[RowErrorOut] = Field(description="Every row that could not be matched, with its line")
    message: str = Field(description="A problem with the file as a whole, or why the job stopped")


def _register_refused(message: str) -> RegisterImportJobOut:
    return RegisterImportJobOut(
        id=None,
        status="refused",
        status_url=None,
        total_rows=0,
        progress=None,
        present=0,
        absent=0,
        added=0,
        changed=0,
        error_count=0,
        errors=[],
        message=message,
    )


def _register_job_out(request: HttpRequest, provider: Provider, job: RegisterImport) -> RegisterImportJobOut:
    progress = None
    if not job.finished:
        values = read_progress(job.progress_key)
        if values.get("phase") in ("checking", "saving"):
            total = int(values.get("total") or 0)
            checked = total if values["phase"] == "saving" else int(values.get("checked") or 0)
            progress = RegisterProgressOut(phase=values["phase"], checked=checked, total=total)
    path = f"/api/v1/providers/{provider.urn}/activities/{job.activity_id}/attendance-imports/{job.pk}"
    return RegisterImportJobOut(
        id=job.pk,
        status=job.status,
        status_url=request.build_absolute_uri(path),
        total_rows=job.total_rows,
        progress=progress,
        present=job.present_count,
        absent=job.absent_count,
        added=job.added_count,
        changed=job.changed_count,
        error_count=len(job.errors),
        errors=[RowErrorOut(**e) for e in job.errors],
        message=job.message,
    )


@api.post(
    "/providers/{urn}/activities/{activity_id}/attendance",
    response={202: RegisterImportJobOut, 404: ErrorOut, 413: RegisterImportJobOut, 422: RegisterImportJobOut},
    auth=TOKEN_OR_SESSION,
    tags=["activities"],
    summary="Import an activity's attendance register from CSV (all or nothing), in the background",
)
def import_attendance(
    request: AuthenticatedRequest, urn: int, activity_id: int, file: File[UploadedFile]
) -> Status[Any]:
    """Upload the register as multipart form data (`file`): a UPN (or ULN) column and an
    Attended column (Y/N).

    The answer is 202 with the job's `id` and `status_url`; every row is checked against the
    roll and the register saved in the background. GET the `status_url` until `status` is
    `done` (saved: the counts) or `failed` (nothing saved: every row that does not match a
    learner on roll, with its line, in `errors`, or a problem with the file in `message`).
    Sending the same file again changes nothing.

    - 422 (no job made): the activity has not happened yet, or the file is not a register
      (empty, not CSV, no UPN or ULN column); `message` says which.
    - 413: the file is over the size limit (refused before the body is read).
    """
    provider = provider_for_api(request, urn, Capability.RECORD_PROGRAMME)
    if not 0 < activity_id < 2**63:
        raise Http404("No such activity")
    activity = get_object_or_404(Activity, provider=provider, pk=activity_id)
    if (file.size or 0) > settings.QIC_REGISTER_IMPORT_MAX_BYTES:
        return Status(413, _register_refused(register_size_problem()))
    try:
        job = register_uploads.start_register_import(
            activity=activity, file_name=file.name or "register.csv", data=file.read(), actor=request.user
        )
    except LearnerFileError as exc:
        return Status(422, _register_refused(f"{exc} Nothing was saved."))
    job = RegisterImport.objects.defer("data").get(pk=job.pk)
    return Status(202, _register_job_out(request, provider, job))


@api.get(
    "/providers/{urn}/activities/{activity_id}/attendance-imports/{job_id}",
    response={200: RegisterImportJobOut, 404: ErrorOut},
    auth=TOKEN_OR_SESSION,
    tags=["activities"],
    summary="A register import job: its status, progress, counts and problems",
)
def attendance_import_job(request: HttpRequest, urn: int, activity_id: int, job_id: int) -> Status[Any]:
    """Poll this (every few seconds) after sending a register, until `status` is done or
    failed. Another provider's job, or one that does not exist, answers 404."""
    provider = provider_for_api(request, urn, Capability.RECORD_PROGRAMME)
    if not (0 < activity_id < 2**63 and 0 < job_id < 2**63):
        raise Http404("No such import")
    job = get_object_or_404(
        RegisterImport.objects.defer("data"),
        provider=provider,
        activity_id=activity_id,
        activity__removed_at=None,  # as the page: a removed activity's imports are not shown
        pk=job_id,
    )
    return Status(200, _register_job_out(request, provider, job))


class MeaningOut(Schema):
    """Which elements of a meaningful encounter or experience were recorded."""

    shared_purpose: bool
    preparation: bool
    two_way: bool
    extensive_interaction: bool
    range_of_people: bool
    employer_task: bool
    employer_feedback: bool
    reflection: bool


class ActivityOut(Schema):
    id: int
    title: str
    date: dt.date
    activity_type: str
    subtype: str
    categories: list[str]
    meaning: MeaningOut
    missing: list[str] = Field(
        description="The elements its type needs that are not recorded (field names of `meaning`): "
        "until there are none it counts towards nothing"
    )
    hours: float | None = Field(None, description="Workplace experiences: hours each learner spent there")


@api.get(
    "/providers/{urn}/activities",
    response={200: list[ActivityOut], 404: ErrorOut},
    auth=TOKEN_OR_SESSION,
    tags=["activities"],
)
def list_activities(
    request: HttpRequest,
    urn: int,
    year: QueryEx[int | None, P(ge=1900, le=9999, description="2025 for 2025/26; default: the current year")] = None,
) -> list[ActivityOut]:
    provider = provider_for_api(request, urn, Capability.VIEW_LEARNERS)
    year = year if year is not None else academic_year_of(timezone.localdate())
    return [
        ActivityOut(
            id=a.pk,
            title=a.title,
            date=a.date,
            activity_type=a.activity_type,
            subtype=a.subtype,
            categories=a.categories,
            meaning=MeaningOut(**{element.field: getattr(a, element.field) for element in ALL_ELEMENTS}),
            missing=[element.field for element in a.missing_meaning],
            hours=None if a.hours is None else float(a.hours),
        )
        for a in Activity.objects.filter(provider=provider, academic_year=year).order_by("date", "pk")
    ]
