"""Pages a link opens (placeholder until built)."""

from django.http import HttpRequest, HttpResponse

from qic.domain.partner_links import LinkPurpose
from qic.partners.links import link_view
from qic.partners.models import PartnerLink


@link_view(LinkPurpose.EMPLOYER_CONFIRMATION)
def employer_confirm(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    return HttpResponse(f"{link.get_purpose_display()} link #{link.pk}")


@link_view(LinkPurpose.FEEDBACK)
def feedback_form(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    return HttpResponse(f"{link.get_purpose_display()} link #{link.pk}")
