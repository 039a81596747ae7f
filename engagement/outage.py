"""A database that does not answer for a moment is an outage, not a bug and not a bad request.

The resident gets a 503 page with Retry-After in their language that says so, that their
answers so far are kept, and that pressing the button again in a moment works; load
balancers and scripts read the status and the header.
"""

import logging

import psycopg
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Errors that say the database did not answer or cannot write just now (refused, ended,
# stalled past a timeout, disk full, a read-only server during a failover), as opposed to a
# bug in a query.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg.errors.ReadOnlySqlTransaction,
)
# Seconds after which trying again is worth it: most outages are a restart or a failover.
RETRY_AFTER = 5


def database_unavailable(exception):
    """The outage behind an exception (itself, or one it was raised from or during), or
    None when it is none (a bug, a bad request)."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, UNAVAILABLE):
            return exception
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return None


def service_unavailable(request, exception=None):
    """503 with Retry-After: a short problem, what was saved is kept, press the button again.

    The page offers the same request again: a form with what was posted (the fields of a
    resident's step, and its CSRF token), or a link for a page that was being opened. It
    never touches the database or the session, which may be what failed.
    """
    cause = database_unavailable(exception)
    logger.warning("Database unavailable: %s", str(cause or exception or "no answer").strip())
    language = translation.get_language_from_path(request.path_info) or translation.get_language()
    fields = None
    if request.method == "POST":
        try:
            if not request.FILES:
                fields = [(n, v) for n, values in request.POST.lists() for v in values]
        except Exception:  # a body that cannot be read again: no form, only the advice
            fields = None
    with translation.override(language):
        html = render_to_string(
            "503.html",
            {"post": request.method == "POST", "fields": fields, "again": request.get_full_path()},
        )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response
