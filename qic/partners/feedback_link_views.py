"""The page a feedback link opens: a short form after an activity (criterion 1.6).

It shows the school, the activity's title and date, and nothing about any learner. The link is
one-time: once the form is sent, the link stops working and opening it again shows why.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from qic.domain import feedback as rules
from qic.domain.partner_links import STATE_MESSAGES, LinkPurpose, LinkState
from qic.partners import feedback_actions
from qic.partners.feedback_forms import FeedbackForm
from qic.partners.links import link_view
from qic.partners.models import PartnerLink
from qic.programme.models import Activity


@require_http_methods(["GET", "POST"])
@link_view(LinkPurpose.FEEDBACK)
def feedback_form(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    """The respondent rates the activity and may say what went well and what could be better."""
    activity = Activity.objects.filter(pk=link.activity_id).first()  # the link's own activity, if not removed
    respondent = rules.respondent_of(link.respondent)
    if activity is None or respondent is None:
        raise Http404("No such activity")
    form = FeedbackForm(request.POST if request.method == "POST" else None, respondent=respondent)
    context = {
        "school": link.provider.name,
        "activity": activity,
        "respondent": respondent,
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        try:
            feedback_actions.submit_feedback(
                link=link,
                rating=form.cleaned_data["rating"],
                went_well=form.cleaned_data["went_well"],
                could_be_better=form.cleaned_data["could_be_better"],
                take_part_again=form.cleaned_data.get("take_part_again"),
            )
        except feedback_actions.AlreadyAnswered:
            return render(
                request, "partners/link_unusable.html", {"message": STATE_MESSAGES[LinkState.USED]}, status=410
            )
        # No redirect: the link no longer opens, so the thanks are the answer to the form itself.
        return render(request, "partners/feedback_thanks.html", {"school": link.provider.name})
    return render(request, "partners/feedback_form.html", {**context, "question": rules.RATING_QUESTION})
