"""Error pages in the service's own layout, and the public notices linked from the footer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors' database work here: the error may be the database itself.
    from django.template import loader

    return HttpResponse(loader.get_template("core/500.html").render({}), status=500)


# --- The notices linked from every page's footer -------------------------------------------------


def _duration(seconds: int) -> str:
    """'30 minutes', '10 hours', '1 day': how long a cookie lasts, in words."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def privacy_notice(request: HttpRequest) -> HttpResponse:
    # The retention periods follow the settings the retention command reads, when it is installed.
    return render(
        request,
        "core/privacy.html",
        {
            "leavers_years": getattr(settings, "QIC_RETAIN_LEAVERS_YEARS", 6),
            "import_days": getattr(settings, "QIC_RETAIN_IMPORT_FILES_DAYS", 30),
        },
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"contact_email": settings.QIC_CONTACT_EMAIL})


def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/cookies.html",
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "session_lasts": (
                f"{_duration(settings.SESSION_COOKIE_AGE)} without using the site, and at most "
                f"{_duration(settings.SESSION_MAX_SECONDS)} after you sign in"
            ),
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "csrf_lasts": _duration(settings.CSRF_COOKIE_AGE),
            "messages_cookie": getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
        },
    )
