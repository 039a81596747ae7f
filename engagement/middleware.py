"""Site-wide middleware that is not about people or organizations."""

import re
from urllib.parse import unquote

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

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
