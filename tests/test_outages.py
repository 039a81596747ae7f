"""A database that does not answer for a moment (a lock held past the statement timeout, a
refused connection, a stalled server) gives the resident the 503 page with Retry-After, never
the 400 "start over" page nor the 500 page for bugs, and pressing the button again stores
the response exactly once. Real PostgreSQL faults, no mocks of the database."""

import html
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from surveys.models import CollectionLink, Response

from .factories import CollectionLinkFactory
from .resident import STEP_TWO, agree, first_step, flow_url, step_data

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)

START_OVER = "start over"


def conninfo():
    """The test database's address, for a second connection of our own (not Django's)."""
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )


@contextmanager
def held(sql, params=()):
    """Another session holding a lock (`sql`) in an open transaction until the block ends."""
    with psycopg.connect(conninfo()) as other:
        other.execute(sql, params)
        yield
        other.rollback()


@contextmanager
def statement_timeout(seconds):
    """The app's connection with a short statement_timeout, as DB_STATEMENT_TIMEOUT sets it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{seconds}s'")
    try:
        yield
    finally:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def to_last_step(client, link, area, language):
    """Consent and step 1; returns (the last step's URL, the fields of its final POST)."""
    step1 = agree(client, link, language)
    page = client.get(step1)
    step2 = client.post(step1, step_data(page, first_step(area)))["Location"]
    page = client.get(step2)
    return step2, step_data(page, STEP_TWO)


def form_fields(page):
    """The hidden fields of the 503 page's "Try again" form."""
    fields = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.content.decode()
    ):
        fields.setdefault(html.unescape(name), []).append(html.unescape(value))
    return fields


def assert_outage_page(page, language):
    text = page.content.decode()
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert f'<html lang="{language}"' in text
    assert "A short problem on our side" in text or language != "en"
    assert START_OVER not in text.lower()
    assert "no-store" in page["Cache-Control"]


def test_statement_timeout_on_the_final_post_gives_the_503_page(client, link, areas):
    step2, final = to_last_step(client, link, areas.first(), "es")
    with statement_timeout(1), held("LOCK TABLE surveys_response IN ACCESS EXCLUSIVE MODE"):
        page = client.post(step2, final)
    assert_outage_page(page, "es")
    assert Response.objects.count() == 0
    # Its "Try again" button sends the same answers once more: the response is stored.
    again = form_fields(page)
    assert again["rid"] == [final["rid"]]
    assert again["q-worries"] == ["traffic", "other"]
    retried = client.post(step2, again)
    assert retried.status_code == 302
    assert retried["Location"] == flow_url(link, "thanks", "es", rid=final["rid"])
    assert Response.objects.get().answers.count() == 11


@pytest.mark.parametrize("kind", [CollectionLink.Kind.WEB, CollectionLink.Kind.KIOSK])
def test_session_save_failing_after_the_commit_never_says_start_over(
    client, survey, org_a, areas, kind
):
    """The final POST commits the response, then the session cannot be written (its row is
    locked past the timeout): 503, and pressing the button again lands on the thank-you
    page with the response stored once."""
    link = CollectionLinkFactory(instrument=survey, organization=org_a, kind=kind)
    step2, final = to_last_step(client, link, areas.first(), "en")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with (
        statement_timeout(1),
        held("SELECT 1 FROM django_session WHERE session_key = %s FOR UPDATE", [key]),
    ):
        page = client.post(step2, final)
    assert_outage_page(page, "en")
    assert "Your answers so far are kept." in page.content.decode()
    assert Response.objects.count() == 1  # committed before the session failed
    retried = client.post(step2, form_fields(page))
    assert retried.status_code == 302
    assert retried["Location"] == flow_url(link, "thanks", rid=final["rid"])
    assert client.get(retried["Location"]).status_code == 200
    assert Response.objects.count() == 1
    assert Response.objects.get().answers.count() == 11


def test_session_that_cannot_be_read_gives_the_503_page(client, link, areas):
    step1 = agree(client, link, "zh-hans")
    with statement_timeout(1), held("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE"):
        page = client.get(step1)
    assert_outage_page(page, "zh-hans")
    # A page that was being opened: the button opens it again.
    assert f'href="{step1}"' in page.content.decode()
    assert client.get(step1).status_code == 200


def test_stalled_server_gives_the_503_page_within_the_client_deadline(client, link, areas):
    """A server that stops answering (SIGSTOP of the session's backend: its kernel still
    acknowledges the query, so only the client can give up)."""
    step1 = agree(client, link, "en")
    data = step_data(client.get(step1), first_step(areas.first()))
    pid = connection.connection.info.backend_pid
    try:
        os.kill(pid, 0)
    except (PermissionError, ProcessLookupError):
        pytest.skip("PostgreSQL runs on another host or as a user this test cannot signal")
    connection.connection.deadline = 1
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        posted = client.post(step1, data)
        elapsed = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
        connection.close()
    assert_outage_page(posted, "en")
    assert elapsed < 5
    # The next request opens a new connection and goes on.
    assert client.post(step1, form_fields(posted)).status_code == 302


def test_refused_connection_gives_the_503_page():
    # A real unreachable server (nothing listens on port 9), not a mock.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from django.test import Client;"
            "r = Client(raise_request_exception=False).get('/es/s/' + 'x' * 40 + '/');"
            "print(r.status_code, r['Retry-After'], '<html lang=\"es\"' in r.content.decode())",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "engagement.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:9/engagement",
            "DB_CONNECT_TIMEOUT": "2",
            "ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["503", "5", "True"], result.stderr


def test_database_settings_reach_the_server():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'),"
            " current_setting('idle_in_transaction_session_timeout'), current_setting('jit')"
        )
        assert cursor.fetchone() == ("10s", "20s", "off")
    params = connection.connection.info.get_parameters()
    assert {k: params[k] for k in ("keepalives", "keepalives_idle", "tcp_user_timeout")} == {
        "keepalives": "1",
        "keepalives_idle": "5",
        "tcp_user_timeout": "10000",
    }
    assert connection.connection.deadline == 15


# --- /healthz ------------------------------------------------------------------------


def test_healthz_writes_the_heartbeat(client):
    from engagement.models import Heartbeat

    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    first = Heartbeat.objects.get().beat
    assert client.get("/healthz").status_code == 200
    assert Heartbeat.objects.get().beat > first


def test_healthz_answers_503_within_two_seconds_when_the_write_waits_on_a_lock(client):
    assert client.get("/healthz").status_code == 200
    with held("LOCK TABLE engagement_heartbeat IN ACCESS EXCLUSIVE MODE"):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.content.startswith(b"database unavailable")
    assert elapsed < 2
    # Back as soon as the lock is gone (the probe that waited on it ends within its timeout).
    deadline = time.monotonic() + 2
    while client.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_healthz_answers_503_within_two_seconds_when_the_database_refuses():
    # A real unreachable server (nothing listens on port 9), not a mock.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time, django; django.setup();"
            "from django.test import Client;"
            "Client().get('/healthz');"  # the first request imports the URLconf and views
            "started = time.monotonic(); r = Client().get('/healthz');"
            "print(r.status_code, time.monotonic() - started < 2)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "engagement.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:9/engagement",
            "ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["503", "True"], result.stderr


@pytest.mark.urls("tests.crash_urls")
def test_a_bug_still_gets_the_500_page_that_speaks_of_a_fault():
    from django.test import Client

    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "fault in our software" in response.content.decode()
    assert "few minutes" not in response.content.decode()
