"""The page a parent's or carer's careers link opens: about exactly the link's learner.

It reads only `link.learner` (and the school's own page setting): the child's forename, their
upcoming activities (title, date and type), how many guidance meetings they have had, how to book
one, and their placements waiting for the parent's agreement. No other learner's data, no notes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qic.domain.partner_links import LinkPurpose
from qic.partners import parent_queries
from qic.partners.links import link_view
from qic.partners.models import ParentPageSetting, PartnerLink

# The placement consent page (built with placements): linked to only where it exists.
CONSENT_URL_NAME = "partners:placement_consent"


def consent_url(token: str, placement_pk: int) -> str | None:
    """The consent page's address for this link's placement, or None where there is no such page."""
    try:
        return reverse(CONSENT_URL_NAME, kwargs={"token": token, "pk": placement_pk})
    except NoReverseMatch:
        return None


@link_view(LinkPurpose.PARENT)
def parent_home(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    learner = link.learner
    if learner is None or learner.anonymised:
        return render(
            request,
            "partners/link_unusable.html",
            {"message": "The school has withdrawn this link. Ask the school for a new one if you need it."},
            status=410,
        )
    today = timezone.localdate()
    token = request.partner_link_token  # type: ignore[attr-defined]
    waiting = [
        {"placement": placement, "url": consent_url(token, placement.pk)}
        for placement in parent_queries.awaiting_consent(learner)
    ]
    return render(
        request,
        "partners/parent_home.html",
        {
            "school": link.provider,
            "forename": learner.forename,
            "setting": ParentPageSetting.objects.filter(provider_id=link.provider_id).first(),
            "upcoming": parent_queries.upcoming_activities(learner, today),
            "guidance": parent_queries.guidance_summary(learner),
            "waiting": waiting,
            "expires_at": link.expires_at,
        },
    )
