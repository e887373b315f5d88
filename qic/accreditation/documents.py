"""What an issued document says, frozen at the moment of issue.

`snapshot_for` gathers everything a report or certificate prints into a snapshot
(`qic.accreditation.snapshot`, whose `stored()` JSON the `IssuedDocument` keeps); the HTML page and
the PDF are both drawn from that snapshot alone, so an issued document reads the same for ever,
whatever changes afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qic.accreditation.models import Accreditation, DocumentKind
from qic.accreditation.queries import compass_up_to_date, decision_for
from qic.accreditation.snapshot import (
    AwardingBodyFacts,
    BenchmarkFigures,
    CertificateSnapshot,
    CommitmentSnapshot,
    Conversation,
    CriterionRecord,
    EditionFacts,
    IssuedSnapshot,
    ProviderFacts,
    ReportSnapshot,
    SectionRecord,
)
from qic.domain import accreditation as rules
from qic.domain.academic import academic_year_of, year_label
from qic.domain.accreditation import Outcome
from qic.frameworks.models import Section


def _benchmark_summaries(accreditation: Accreditation) -> dict[int, BenchmarkFigures]:
    """The provider's own benchmark figures for the last complete academic year, by section."""
    from qic.programme import queries

    today = timezone.localdate()
    year = academic_year_of(today) - 1
    figures = queries.figures_for(accreditation.provider, year, today=today, edition=accreditation.edition)
    return {
        result.benchmark: BenchmarkFigures(
            year=year_label(year),
            percent=None if result.percent is None else round(result.percent, 1),
            fully_achieved=result.fully_achieved,
        )
        for result in figures.benchmarks
    }


def _award_dates(accreditation: Accreditation) -> tuple[dt.date | None, dt.date | None]:
    """The current award's first and last valid days; none for a round without an award."""
    award = accreditation.awards.filter(superseded=False).order_by("-pk").first()
    if award is None:
        return None, None
    return award.awarded_on, award.expires_on


def snapshot_for(accreditation: Accreditation, kind: DocumentKind) -> IssuedSnapshot:
    """The snapshot of the document of `kind` that `accreditation` issues now. Reads only."""
    provider = accreditation.provider
    body = accreditation.awarding_body
    # What every document says: who issued it, to whom, against which criteria.
    provider_facts = ProviderFacts(
        name=provider.name,
        urn=provider.urn,
        identifier_label=provider.identifier_label,
        la_name=provider.la_name,
        region=provider.region,
        postcode=provider.postcode,
        type=provider.get_provider_type_display(),
    )
    body_facts = AwardingBodyFacts(name=body.name, validity_months=body.award_validity_months)
    edition_facts = EditionFacts(code=accreditation.edition.code, title=accreditation.edition.title)
    if kind == DocumentKind.COMMITMENT_CERTIFICATE:
        return CommitmentSnapshot(
            provider=provider_facts,
            awarding_body=body_facts,
            edition=edition_facts,
            committed_on=accreditation.committed_on,
            wording=rules.COMMITMENT_WORDING,
        )
    outcome = Outcome(accreditation.outcome)
    awarded_on, expires_on = _award_dates(accreditation)
    if kind == DocumentKind.CERTIFICATE:
        return CertificateSnapshot(
            provider=provider_facts,
            awarding_body=body_facts,
            edition=edition_facts,
            outcome=outcome,
            words=rules.CERTIFICATE_WORDS,
            wording=rules.AUTHORISED_WORDING[outcome],
            awarded_on=awarded_on,
            expires_on=expires_on,
        )
    if kind != DocumentKind.REPORT:
        raise ValueError(f"No snapshot is issued for documents of kind {kind!r}")
    records = list(accreditation.criterion_records.select_related("criterion__section"))
    compass_current = compass_up_to_date(accreditation)
    decision = decision_for(accreditation, records, compass_current=compass_current)
    if decision is None:
        raise ValueError("A report needs every criterion judged")
    summaries = _benchmark_summaries(accreditation)
    sections = [
        SectionRecord(
            number=section.number,
            title=section.title,
            benchmark=section.benchmark,
            judgment=decision.sections[section.number].label,
            figures=summaries.get(section.number),
            criteria=tuple(
                CriterionRecord(
                    code=r.criterion.code,
                    text=r.criterion.text,
                    judgment=r.judgment_enum.label if r.judgment_enum else "",
                    comment=r.comment,
                )
                for r in records
                if r.criterion.section_id == section.pk
            ),
        )
        for section in Section.objects.filter(edition=accreditation.edition).order_by("number")
    ]
    assessor = accreditation.assessor
    return ReportSnapshot(
        provider=provider_facts,
        awarding_body=body_facts,
        edition=edition_facts,
        outcome=outcome,
        outcome_label=accreditation.outcome_label,
        citation=rules.CITATIONS.get(outcome, ""),
        wording=rules.AUTHORISED_WORDING.get(outcome, ""),
        reasons=tuple(decision.reasons),
        assessor=(assessor.get_full_name() or assessor.email) if assessor else "",
        visit_on=accreditation.visit_on,
        key_principles_met=bool(accreditation.key_principles_met),
        compass_up_to_date=compass_current,
        reaccreditation=accreditation.is_reaccreditation,
        sections=tuple(sections),
        conversations=tuple(
            Conversation(kind=c.get_kind_display(), held_on=c.held_on, participants=c.participants)
            for c in accreditation.conversations.all()
        ),
        strengths=accreditation.strengths,
        areas_for_development=accreditation.areas_for_development,
        recommendations=accreditation.recommendations,
        awarded_on=awarded_on,
        expires_on=expires_on,
    )
