"""Response headers that every page needs.

`NoStoreMiddleware`: browsers and proxies must not keep a copy of a page with personal data, so
that the next person at a shared school computer cannot read a learner list from the back
button or the disk cache. Every response to a signed-in user, and every response to anyone
else except the public pages named below, gets `Cache-Control: no-store`. The default is
"no-store"; a page may be cached only by being listed here, and only for visitors who are not
signed in. Static files never reach this middleware (WhiteNoise or the development server
answers them first), so they keep their long cache lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Pages that hold no personal data and no form token: the public register and criteria, the
# API's schema, and the notices in the footer.
PUBLIC_PAGES = frozenset(
    {
        "organisations:landing",
        "national:register",
        "national:register_csv",
        "national:register_json",
        "national:primary_awards_public",
        "framework:index",
        "framework:edition",
        "framework:section",
        "core:privacy_notice",
        "core:accessibility_statement",
        "core:cookies",
        "api-1.0.0:openapi-json",
        "api-1.0.0:openapi-view",
        "api-1.0.0:list_editions",
        "api-1.0.0:edition_detail",
    }
)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        public = match is not None and match.view_name in PUBLIC_PAGES
        if request.user.is_authenticated or not public:
            # Replaces any lifetime a view set: nothing personal is kept anywhere.
            response["Cache-Control"] = "no-store"
        return response
