"""What a primary school sees instead of the secondary Standard's pages.

Primary schools are not in the Quality in Careers Standard (DOMAIN.md §1): they work towards
an Awarding Body's primary careers award, through its workbook. The secondary benchmark pages
and the request for commitment would only mislead them, so those views are wrapped in
`not_for_primary_schools`, which answers a primary school with an explanation and a link to
the workbook (or, for a download, 404). See docs/decisions.md §33. It lives here, below the
programme and accreditation views it wraps, because it needs only the provider's type and the
access layer; the page it shows is national's (the workbook is a national page).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from qic.domain.provider_types import NO_COMMITMENT_FOR_PRIMARY, NO_SECONDARY_BENCHMARKS_FOR_PRIMARY
from qic.organisations.access import Capability, get_provider_for
from qic.organisations.models import Provider

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


class Instead(enum.Enum):
    """How a wrapped view answers a primary school."""

    EXPLAIN = "explain"  # a page of the secondary benchmarks: 200, saying why not and where to go
    REFUSE = "refuse"  # a step of the Standard: 403, saying why not and where to go
    NOT_FOUND = "not_found"  # a download: there is nothing to download


def not_for_primary_schools(need: Capability, instead: Instead = Instead.EXPLAIN) -> Callable[[ViewFunc], ViewFunc]:
    """Wrap a provider view (with a `urn` argument) of the secondary Standard.

    Access comes first, exactly as in the view: another tenant's provider is a 404 and a role
    without `need` a 403, so the explanation never tells anyone more than the view would.
    Then a primary school gets the answer `instead` says, and every other provider the view.
    Reads the provider once more than the view alone; changes nothing.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            provider = get_provider_for(request.user, kwargs["urn"], need)
            if provider.works_towards_the_standard:
                return view(request, *args, **kwargs)
            if instead is Instead.NOT_FOUND:
                raise Http404("Primary schools have no benchmark figures")
            return _explain(request, provider, refused=instead is Instead.REFUSE)

        return wrapped  # type: ignore[return-value]

    return decorator


def _explain(request: HttpRequest, provider: Provider, *, refused: bool) -> HttpResponse:
    return render(
        request,
        "national/not_for_primary.html",
        {
            "provider": provider,
            "heading": "Commitment to the Standard is not for primary schools"
            if refused
            else "These benchmarks do not apply",
            "explanation": NO_COMMITMENT_FOR_PRIMARY if refused else NO_SECONDARY_BENCHMARKS_FOR_PRIMARY,
        },
        status=403 if refused else 200,
    )
