import os
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ProbeTimeout

from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache

from engagement.models import Heartbeat
from engagement.outage import database_unavailable, service_unavailable


@never_cache
def healthz(request):
    """For load balancers: 200 when the database takes this server's heartbeat write within
    HEALTHZ_TIMEOUT seconds, else 503 at once (refused, stalled, locked, disk full).

    The write runs in a probe thread on a connection of its own, so that the answer comes in
    time even when connecting or the health check of a kept connection would hang; a probe
    still waiting is waited for again rather than started twice."""
    try:
        probe().result(timeout=settings.HEALTHZ_TIMEOUT)
    except ProbeTimeout:
        return unhealthy(f"no answer within {settings.HEALTHZ_TIMEOUT:g} s")
    except DatabaseError as error:
        return unhealthy(str(error).strip().splitlines()[0] if str(error).strip() else "error")
    return HttpResponse("ok\n", content_type="text/plain")


def unhealthy(reason):
    return HttpResponse(f"database unavailable: {reason}\n", status=503, content_type="text/plain")


_probes = {"pid": None, "executor": None, "future": None}
_probes_lock = threading.Lock()


def probe():
    """The heartbeat write in flight, or a new one (one probe thread per process)."""
    with _probes_lock:
        if _probes["pid"] != os.getpid():  # a forked worker: threads do not survive a fork
            _probes.update(pid=os.getpid(), executor=ThreadPoolExecutor(1), future=None)
        if _probes["future"] is None or _probes["future"].done():
            _probes["future"] = _probes["executor"].submit(write_heartbeat)
        return _probes["future"]


def write_heartbeat():
    """Upsert this server's heartbeat row on a new connection, then close it."""
    try:
        connection.ensure_connection()
        # The client-side deadline (engagement.postgresql) of this connection: the probe
        # thread is free again soon after a stall, ready for the next probe.
        connection.connection.deadline = settings.HEALTHZ_TIMEOUT
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)",
                    [f"{int(settings.HEALTHZ_TIMEOUT * 1000)}ms"],
                )
                # A full disk lets the heartbeat row below be rewritten in place, in its page and
                # WAL segment, for a long time while new rows (sessions, responses) fail.
                # A sort too large for the least memory writes a temporary file of about
                # 100 KB in the data directory: it fails at once when the disk is full.
                cursor.execute("SET LOCAL work_mem = '64kB'")
                cursor.execute(
                    "SELECT count(*) FROM"
                    " (SELECT g FROM generate_series(1, 10000) g ORDER BY g DESC OFFSET 0) s"
                )
            Heartbeat.objects.bulk_create(
                [Heartbeat(server=socket.gethostname()[:255], beat=timezone.now())],
                update_conflicts=True,
                unique_fields=["server"],
                update_fields=["beat"],
            )
    finally:
        connection.close()


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
