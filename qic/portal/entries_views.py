"""A learner's own experiences and achievements (criterion 3.3): list, add, change, remove.

Every view reads the learner from the signed-in user (`own_learner`); an entry id in the URL is
looked up among that learner's own entries only, so another learner's entry is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from qic.learners.access import own_learner, require_learner
from qic.organisations.models import User
from qic.portal import actions, queries
from qic.portal.forms import LearnerEntryForm
from qic.portal.models import LearnerEntry


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_learner
def experiences(request: HttpRequest) -> HttpResponse:
    learner = own_learner(request.user)
    return render(request, "portal/experiences.html", {"entries": list(queries.own_entries(learner))})


@require_learner
@require_http_methods(["GET", "POST"])
def experience_add(request: HttpRequest) -> HttpResponse:
    return _edit(request, LearnerEntry())


@require_learner
@require_http_methods(["GET", "POST"])
def experience_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = own_learner(request.user)
    return _edit(request, get_object_or_404(queries.own_entries(learner), pk=pk))


def _edit(request: HttpRequest, entry: LearnerEntry) -> HttpResponse:
    learner = own_learner(request.user)
    adding = entry.pk is None
    form = LearnerEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        actions.save_entry(learner=learner, entry=form.instance, actor=_user(request))
        messages.success(request, "Your experience is saved." if adding else "Your changes are saved.")
        return redirect("portal:experiences")
    return render(request, "portal/experience_form.html", {"form": form, "entry": entry, "adding": adding})


@require_learner
@require_http_methods(["GET", "POST"])
def experience_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first; remove only when the learner presses the remove button."""
    learner = own_learner(request.user)
    entry = get_object_or_404(queries.own_entries(learner), pk=pk)
    if request.method == "POST":
        if "remove" in request.POST:
            actions.remove_entry(entry=entry, actor=_user(request))
            messages.success(request, f"“{entry.title}” is removed.")
        return redirect("portal:experiences")
    return render(request, "portal/experience_remove.html", {"entry": entry})
