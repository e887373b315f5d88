"""Pages a link opens: the employer's confirmation (the feedback form is a placeholder until built).

The employer's page reads only the link's own activity, and of it only what the school shares
with an employer: the school, the title, date, type, year groups and how many learners were
present. No learner is named.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qic.domain import partner_links as link_rules
from qic.domain.partner_links import LinkPurpose, LinkState
from qic.partners import confirmation
from qic.partners.confirmation_forms import EmployerConfirmForm
from qic.partners.links import link_view
from qic.partners.models import PartnerLink
from qic.programme.models import Participation


@link_view(LinkPurpose.EMPLOYER_CONFIRMATION)
def employer_confirm(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """The employer confirms the activity took place (or says why not), its purpose, the task
    set and feedback to the group; then a thank-you page. The link then works no more."""
    activity = link.activity
    if activity is None or activity.removed_at is not None:
        # The school removed the activity after sending the link: there is nothing to confirm.
        return render(
            request,
            "partners/link_unusable.html",
            {"message": "The school no longer has this activity on its record. Nothing more is needed from you."},
            status=410,
        )
    form = EmployerConfirmForm(request.POST or None, initial={"name": link.recipient_name})
    if request.method == "POST" and form.is_valid():
        try:
            done = confirmation.confirm(link=link, answers=form.answers, name=form.cleaned_data["name"])
        except confirmation.AlreadyAnswered:
            return render(
                request,
                "partners/link_unusable.html",
                {"message": link_rules.STATE_MESSAGES[LinkState.USED]},
                status=410,
            )
        return render(
            request,
            "partners/employer_confirm_thanks.html",
            {"provider": link.provider, "activity": activity, "confirmation": done},
        )
    present = Participation.objects.filter(activity=activity, attended=True).count()
    return render(
        request,
        "partners/employer_confirm.html",
        {"provider": link.provider, "activity": activity, "present": present, "form": form, "link": link},
    )
