"""Site-wide middleware that is not about people or organizations."""

import re
from urllib.parse import unquote

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import get_supported_language_variant

from engagement.outage import database_unavailable, service_unavailable

# NUL and the other C0 control characters, and DEL: no link, form or browser of ours puts
# them in a URL or a cookie, and PostgreSQL refuses NUL in text, so a lookup with one fails
# with a database error instead of "not found".
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class RejectControlCharactersMiddleware:
    """400 for a control character in the path, the query string or a cookie, before any
    view, session or database lookup runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            CONTROL_CHARACTERS.search(request.path)
            or CONTROL_CHARACTERS.search(unquote(request.META.get("QUERY_STRING", "")))
            or any(
                CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value)
                for name, value in request.COOKIES.items()
            )
        ):
            # Rendered without the request: its session cookie may be the bad part.
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)


class NoStoreForStaffMiddleware:
    """Staff pages and downloads hold residents' answers and names of staff: no browser or
    proxy cache may keep a copy (a shared office computer, a CBO's proxy)."""

    PREFIXES = ("/staff/", "/accounts/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # request.user exists once the request has passed the authentication middleware.
        user = getattr(request, "user", None)
        if request.path.startswith(self.PREFIXES) or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response


# A first path segment that looks like a language tag: zh, zh-TW, ZH-HANS, es-MX, pt_BR.
LANGUAGE_SEGMENT = re.compile(r"^/([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,2})(/.*)$")


class LanguagePrefixRedirectMiddleware:
    """A page not found under a language prefix the site does not offer as written (/zh/…,
    /zh-tw/…, /ES/…) is sent to the offered language it stands for, as a browser's
    Accept-Language would be (DESIGN.md: Traditional Chinese when offered, else Simplified),
    instead of a 404. Only 404s are touched, so no real page can be shadowed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        match = LANGUAGE_SEGMENT.match(request.path)
        if not match:
            return response
        written, rest = match.groups()
        try:
            language = get_supported_language_variant(written.lower().replace("_", "-"))
        except LookupError:
            return response
        if language == written or language not in settings.OFFERED_LANGUAGES:
            return response
        target = f"/{language}{rest}"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return HttpResponseRedirect(target)


class DatabaseUnavailableMiddleware:
    """A request that fails because the database did not answer (refused, ended, timed out)
    gets the 503 page with Retry-After, not the 500 page for bugs: the resident's answers so
    far are in the session and pressing the button again in a moment works.

    It loads the session here, where a failure can be answered, rather than lazily inside
    the middleware after it (the staff language, the sign-in checks), where it could only
    reach the 500 handler as an error with a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            try:
                session.keys()
            except DatabaseError as error:
                if database_unavailable(error):
                    return service_unavailable(request, error)
                raise
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return service_unavailable(request, exception)
        return None
