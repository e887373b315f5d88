"""Signs a learner out as soon as they lose access (they left more than the grace period ago, or
their school turned off their year group), with the reason, on their next request."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from qic.learners.access import learner_account_of, refusal_for


class LearnerAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            account = learner_account_of(user)
            if account is not None:
                refusal = refusal_for(account.learner)
                if refusal:
                    logout(request)
                    messages.info(request, f"You have been signed out. {refusal}")
        return self.get_response(request)
