import sys

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from engagement.outage import database_unavailable, service_unavailable


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def home(request):
    return render(request, "home.html")


# The site's error pages. Django's own error views check the CSRF token, which reads the
# request body again: a body that failed to parse the first time (an odd charset, a
# multipart body without a boundary) then fails inside the error page, and the server answers
# with its bare 500. These views never read request.POST or the body (the 503 page reads
# it only inside a try, to offer the same form again).


def bad_request(request, exception=None):
    # Django turns a session that could not be saved into a 400 ("the session was
    # deleted"), also when the database failed: that is an outage, not a bad request.
    if database_unavailable(exception):
        return service_unavailable(request, exception)
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database failure outside a view (loading the session in a middleware) reaches here.
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request, sys.exc_info()[1])
    # No request context: the session, the user or the database may be what failed.
    return HttpResponseServerError(render_to_string("500.html"))


def csrf_failure(request, reason=""):
    """A stale form (an expired cookie, a page left open): offer to go back, draft intact."""
    return render(request, "403_csrf.html", {"back_url": request.path}, status=403)
