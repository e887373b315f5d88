"""A learner's own pages: their careers record, in plain words for ages 11 to 18.

Every view here is behind `require_learner` and reads the learner from `own_learner(request.user)`:
no URL names a learner, so no learner can ask for another's record.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qic.learners.access import own_learner, require_learner


@require_learner
def home(request: HttpRequest) -> HttpResponse:
    """My careers record."""
    learner = own_learner(request.user)
    return render(request, "portal/home.html", {"learner": learner})
