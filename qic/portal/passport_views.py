"""A learner's careers passport: choose what goes in, see it as a page, download it as a PDF.

Everything comes from the learner's own record (`own_learner`): their name and school only (no
flags such as SEN or free school meals), their entries that staff have not hidden, the agreed
actions of their guidance interviews and the activities they attended.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qic.learners.access import own_learner, require_learner
from qic.organisations.models import User
from qic.portal import actions, queries
from qic.portal.forms import PassportForm
from qic.portal.passport_pdf import TooLong, render_passport_pdf

TOO_LONG = "Your passport will not fit on one page. Choose fewer things, or write a shorter About me."


@require_learner
@never_cache
@require_http_methods(["GET", "POST"])
def passport(request: HttpRequest) -> HttpResponse:
    """GET: the choices (everything ticked but the interviews' actions). POST: "preview" shows the
    passport as a page under the choices; "download" sends the PDF."""
    learner = own_learner(request.user)
    entries = queries.passport_entries(learner)
    initial = {"include_details": True, "entries": [str(e.pk) for e in entries]}
    form = PassportForm(request.POST or None, entries=entries, initial=initial)
    chosen = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = queries.passport(
            learner,
            include_details=data["include_details"],
            entry_ids=data.get("entries", []),
            include_actions=data["include_actions"],
            include_activities=data["include_activities"],
            statement=data["statement"],
        )
        user = request.user
        assert isinstance(user, User)
        try:
            pdf = render_passport_pdf(chosen)
        except TooLong:
            form.add_error(None, TOO_LONG)
            chosen = None
        else:
            if "download" in request.POST:
                actions.record_passport(learner=learner, actor=user, parts=chosen.parts(), export_format="pdf")
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = 'attachment; filename="careers-passport.pdf"'
                return response
            actions.record_passport(learner=learner, actor=user, parts=chosen.parts(), export_format="html")
    return render(request, "portal/passport.html", {"form": form, "passport": chosen, "has_entries": bool(entries)})
