"""The 503 page in a real browser: a resident whose step could not be saved (the session row
locked past the statement timeout, a real PostgreSQL fault) sees it in their language, axe
finds nothing, and its "Try again" button sends the same answers and goes on."""

from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from .browser import assert_no_axe_violations, html_lang, submit, translated

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


@contextmanager
def held(sql, params=()):
    db = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None
    )
    with psycopg.connect(conninfo) as other:
        other.execute(sql, params)
        yield
        other.rollback()


@pytest.fixture
def short_statement_timeout(monkeypatch):
    """The live server's new connections time out after 1 s (DB_STATEMENT_TIMEOUT's job)."""
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(
        options,
        "options",
        options["options"].replace("statement_timeout=10s", "statement_timeout=1s"),
    )


def test_step_that_cannot_be_saved_offers_to_send_it_again(
    live_server, new_page, link, areas, short_statement_timeout
):
    page, problems = new_page()
    with translation.override("es"):
        consent = reverse("surveys:consent", kwargs={"token": link.token})
    page.goto(live_server.url + consent)
    submit(page, page.locator('button[name="decision"][value="agree"]'))
    step1 = page.url
    page.select_option('[name="q-home_area"]', index=1)
    page.check('[name="q-contact"][value="yes"]')
    key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    with held("SELECT 1 FROM django_session WHERE session_key = %s FOR UPDATE", [key]):
        with page.expect_navigation():
            page.locator('button.btn-primary[name="action"][value="next"]').click()
        assert page.locator("h1").inner_text() == translated("es", "A short problem on our side")
        assert html_lang(page) == "es"
        assert_no_axe_violations(page)
    submit(page, page.get_by_role("button", name=translated("es", "Try again")))
    assert "/step/2/" in page.url, page.url
    assert page.url != step1
    problems.assert_clean()
