"""`make bench` only: the site's URLs plus a ceiling endpoint to compare the resident walks with.

bin/bench.py serves the app with ROOT_URLCONF=bench_urls (and this folder on PYTHONPATH), so
the endpoint exists only in the bench's gunicorn, never in the product's URLconf.
"""

import json

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from engagement.urls import (  # noqa: F401 (the site's error views apply here too)
    handler400,
    handler403,
    handler404,
    handler500,
)
from engagement.urls import urlpatterns as site_urlpatterns


@csrf_exempt
@require_POST
def bench_ceiling(request):
    """A POST of answers stored as one row, behind the same middleware as the site."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_ceiling (payload) VALUES (%s)", [json.dumps(request.POST.dict())]
        )
    return HttpResponse(status=204)


urlpatterns = [*site_urlpatterns, path("bench/ceiling", bench_ceiling)]
