"""Public pages for browsing the national criteria, edition by edition."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from qic.domain.academic import academic_year_of, year_label
from qic.domain.in_force import Status
from qic.domain.rulesets import rule_set_for_year
from qic.frameworks.editions import edition_to_show, editions_on
from qic.frameworks.models import Criterion, Edition, Section


def index(request: HttpRequest) -> HttpResponse:
    """The edition in force today; the others (superseded or not yet in force) are listed on its
    page. Before any edition has taken effect, the first one to do so, labelled as future."""
    edition = edition_to_show(timezone.localdate())
    if edition is None:
        return render(request, "frameworks/no_edition.html", status=404)
    return redirect("framework:edition", code=edition.code)


def _dating(edition: Edition) -> dict[str, object]:
    """Every edition with its status today, this one's status, and the one in force (one query);
    and the benchmark rule set in force today when it is newer than the edition's wording."""
    today = timezone.localdate()
    editions = editions_on(today)
    rules_now = rule_set_for_year(academic_year_of(today))
    newer = rules_now.first_year > academic_year_of(edition.effective_from)
    return {
        "editions": editions,
        "status": next(d.status for d in editions if d.edition.pk == edition.pk),
        "in_force": next((d.edition for d in editions if d.status == Status.IN_FORCE), None),
        "newer_rule_set": rules_now if newer else None,
        "newer_rule_set_first_label": year_label(rules_now.first_year) if newer else "",
    }


def edition_detail(request: HttpRequest, code: str) -> HttpResponse:
    edition = get_object_or_404(Edition, code=code)
    sections = edition.sections.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position").only("code", "section_id", "text"))
    )
    return render(
        request,
        "frameworks/edition_detail.html",
        {
            "edition": edition,
            "sections": sections,
            "principles": edition.key_principles.all(),
            **_dating(edition),
            "themes": (edition.crosswalks or {}).get("careers_impact_system", []),
            "cdi_areas": (edition.crosswalks or {}).get("cdi_learning_areas", []),
        },
    )


def section_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    edition = get_object_or_404(Edition, code=code)
    section = get_object_or_404(Section, edition=edition, number=number)
    criteria = section.criteria.prefetch_related(
        Prefetch("see_also", queryset=Criterion.objects.select_related("section").only("code", "section__number")),
        "notes",
    ).order_by("position")
    sections = list(edition.sections.all())
    previous = next((s for s in sections if s.number == number - 1), None)
    following = next((s for s in sections if s.number == number + 1), None)
    return render(
        request,
        "frameworks/section_detail.html",
        {
            "edition": edition,
            "section": section,
            "criteria": criteria,
            "notes": section.notes.all(),
            "previous": previous,
            "following": following,
            **_dating(edition),
        },
    )
