"""What keeps a resident's survey cheap: the link's content kept per process while it has not
changed, and the rest of issue 14's savings, without changing what residents see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Instrument

from .resident import flow_url

pytestmark = pytest.mark.django_db


def test_start_page_reads_only_the_links_narrow_row_once_content_is_kept(client, link):
    client.get(flow_url(link))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(flow_url(link, "start", "es"))
    assert page.status_code == 200
    assert "<title>Encuesta del vecindario</title>" in page.content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "title_zh_hant" not in sql
    assert "contact_line_ko" not in sql


def test_start_page_shows_a_changed_instrument_title_at_once(client, link):
    client.get(flow_url(link))
    instrument = Instrument.objects.get(pk=link.instrument_id)
    instrument.title_en = "Renamed survey"
    instrument.save()
    assert "<title>Renamed survey</title>" in client.get(flow_url(link)).content.decode()


def test_start_page_shows_a_changed_contact_line_at_once(client, link):
    client.get(flow_url(link))
    organization = link.organization
    organization.contact_line_en = "Call 312-555-0199."
    organization.save()
    assert "Call 312-555-0199." in client.get(flow_url(link)).content.decode()


def test_link_of_an_instrument_closed_by_a_bare_update_is_closed_at_once(client, link):
    assert client.get(flow_url(link)).status_code == 200
    Instrument.objects.filter(pk=link.instrument_id).update(status=Instrument.Status.CLOSED)
    assert client.get(flow_url(link)).status_code == 410
