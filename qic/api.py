"""The JSON API (`/api/v1/`), documented by its OpenAPI schema at /api/v1/docs.

Every endpoint gets its objects through `qic.organisations.access`, exactly as the pages do.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from qic.frameworks.models import Edition
from qic.organisations.access import get_provider, membership_of, visible_providers

api = NinjaAPI(
    title="QiC Platform API",
    version="1.0.0",
    description=(
        "Read and write QiC Platform data from an MIS or another tool. Endpoints that carry "
        "organisation data need a signed-in session; another organisation's objects answer 404."
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


@api.get("/frameworks", response=list[EditionSummaryOut], tags=["national criteria"])
def list_editions(request: HttpRequest) -> list[Edition]:
    return list(Edition.objects.all())


@api.get("/frameworks/{code}", response={200: EditionOut, 404: ErrorOut}, tags=["national criteria"])
def edition_detail(request: HttpRequest, code: str) -> EditionOut:
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
def list_providers(request: HttpRequest, q: str = "", limit: int = 100, offset: int = 0) -> list[ProviderOut]:
    providers = visible_providers(request.user).select_related("awarding_body").order_by("name")
    if q:
        providers = providers.filter(name__icontains=q)
    limit = max(1, min(limit, 500))
    return [_provider_out(p) for p in providers[max(offset, 0) : max(offset, 0) + limit]]


@api.get("/providers/{urn}", response={200: ProviderOut, 404: ErrorOut}, auth=django_auth, tags=["providers"])
def provider_detail(request: HttpRequest, urn: int) -> ProviderOut:
    try:
        provider = get_provider(request.user, urn)
    except Http404:
        raise
    return _provider_out(provider)
