"""A learner's own pages: their careers record, in plain words for ages 11 to 18.

Every view here is behind `require_learner` and reads the learner from `own_learner(request.user)`:
no URL names a learner, so no learner can ask for another's record.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qic.learners.access import own_learner, require_learner
from qic.programme.learner_record import learner_record


@require_learner
def home(request: HttpRequest) -> HttpResponse:
    """My careers record: interviews, what they took part in and where they stand this year."""
    learner = own_learner(request.user)
    record = learner_record(learner, timezone.localdate())
    return render(request, "portal/home.html", {"learner": learner, "record": record})
