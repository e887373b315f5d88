"""What an issued document says, frozen at the moment of issue.

`snapshot_for` gathers everything a report or certificate prints into plain JSON; the HTML page
and the PDF are both drawn from that snapshot alone, so an issued document reads the same for
ever, whatever changes afterwards.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qic.accreditation.models import Accreditation, DocumentKind
from qic.accreditation.queries import compass_up_to_date, decision_for
from qic.domain import accreditation as rules
from qic.domain.academic import academic_year_of, year_label
from qic.domain.accreditation import Outcome
from qic.frameworks.models import Section


def _benchmark_summaries(accreditation: Accreditation) -> dict[int, dict[str, Any]]:
    """The provider's own benchmark figures for the last complete academic year, by section."""
    from qic.programme import queries

    today = timezone.localdate()
    year = academic_year_of(today) - 1
    figures = queries.figures_for(accreditation.provider, year, today=today, edition=accreditation.edition)
    return {
        result.benchmark: {
            "year": year_label(year),
            "percent": None if result.percent is None else round(result.percent, 1),
            "fully_achieved": result.fully_achieved,
        }
        for result in figures.benchmarks
    }


def _dates(accreditation: Accreditation) -> dict[str, Any]:
    award = accreditation.awards.filter(superseded=False).order_by("-pk").first()
    if award is None:
        return {}
    return {"awarded_on": award.awarded_on.isoformat(), "expires_on": award.expires_on.isoformat()}


def snapshot_for(accreditation: Accreditation, kind: DocumentKind) -> dict[str, Any]:
    provider = accreditation.provider
    body = accreditation.awarding_body
    common: dict[str, Any] = {
        "provider": {
            "name": provider.name,
            "urn": provider.urn,
            # "UKPRN" for an independent training provider, whose key is its UKPRN; older
            # snapshots have no label and mean "URN".
            "identifier_label": provider.identifier_label,
            "la_name": provider.la_name,
            "region": provider.region,
            "postcode": provider.postcode,
            "type": provider.get_provider_type_display(),
        },
        "awarding_body": {"name": body.name, "validity_months": body.award_validity_months},
        "edition": {"code": accreditation.edition.code, "title": accreditation.edition.title},
    }
    if kind == DocumentKind.COMMITMENT_CERTIFICATE:
        return common | {
            "committed_on": accreditation.committed_on.isoformat() if accreditation.committed_on else None,
            "wording": rules.COMMITMENT_WORDING,
        }
    outcome = Outcome(accreditation.outcome)
    if kind == DocumentKind.CERTIFICATE:
        return common | {
            "outcome": outcome.value,
            "words": rules.CERTIFICATE_WORDS,
            "wording": rules.AUTHORISED_WORDING[outcome],
            **_dates(accreditation),
        }
    # The assessment report.
    records = list(accreditation.criterion_records.select_related("criterion__section"))
    compass_current = compass_up_to_date(accreditation)
    decision = decision_for(accreditation, records, compass_current=compass_current)
    if decision is None:
        raise ValueError("A report needs every criterion judged")
    summaries = _benchmark_summaries(accreditation)
    sections = []
    for section in Section.objects.filter(edition=accreditation.edition).order_by("number"):
        sections.append(
            {
                "number": section.number,
                "title": section.title,
                "benchmark": section.benchmark,
                "judgment": decision.sections[section.number].label,
                "figures": summaries.get(section.number),
                "criteria": [
                    {
                        "code": r.criterion.code,
                        "text": r.criterion.text,
                        "judgment": r.judgment_enum.label if r.judgment_enum else "",
                        "comment": r.comment,
                    }
                    for r in records
                    if r.criterion.section_id == section.pk
                ],
            }
        )
    conversations = [
        {"kind": c.get_kind_display(), "held_on": c.held_on.isoformat(), "participants": c.participants}
        for c in accreditation.conversations.all()
    ]
    return common | {
        "outcome": outcome.value,
        "outcome_label": accreditation.outcome_label,
        "citation": rules.CITATIONS.get(outcome, ""),
        "wording": rules.AUTHORISED_WORDING.get(outcome, ""),
        "reasons": list(decision.reasons),
        "assessor": accreditation.assessor.get_full_name() or accreditation.assessor.email
        if accreditation.assessor
        else "",
        "visit_on": accreditation.visit_on.isoformat() if accreditation.visit_on else None,
        "key_principles_met": bool(accreditation.key_principles_met),
        "compass_up_to_date": compass_current,
        "reaccreditation": accreditation.is_reaccreditation,
        "sections": sections,
        "conversations": conversations,
        "strengths": accreditation.strengths,
        "areas_for_development": accreditation.areas_for_development,
        "recommendations": accreditation.recommendations,
        **_dates(accreditation),
    }
