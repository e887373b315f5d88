"""Pages a link opens (placeholder until built)."""

from django.http import HttpRequest, HttpResponse

from qic.domain.partner_links import LinkPurpose
from qic.partners.links import link_view
from qic.partners.models import PartnerLink


@link_view(LinkPurpose.PLACEMENT_EMPLOYER)
def placement_employer(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    return HttpResponse(f"{link.get_purpose_display()} link #{link.pk}")
