"""What keeps a resident's survey cheap: the link's content kept per process while it has not
changed, and the rest of issue 14's savings, without changing what residents see."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from surveys.forms import ResponseForm
from surveys.models import CONSENT_ON_START_MAX_LENGTH, Instrument, Response

from .factories import CollectionLinkFactory, QuestionFactory, SectionFactory, choices
from .resident import STEP_TWO, agree, first_step, flow_url, step_data, stored_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(areas):
    return areas.get(number=31)


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


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def redis_answers():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("", "django.contrib.sessions.backends.db"),
        (REDIS_URL, "django.contrib.sessions.backends.cache"),
    ],
)
def test_sessions_live_in_redis_when_redis_url_is_set(redis_url, engine):
    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_ENGINE, settings.CACHES.get(settings.SESSION_CACHE_ALIAS, {}).get('LOCATION'))"
    )
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "engagement.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    location = redis_url if redis_url else "None"
    assert result.stdout.split() == [engine, location]


@pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS_URL}")
def test_draft_in_redis_needs_no_database_write_and_outlives_the_app_process(client, link, area):
    redis_sessions = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test-session",
    }
    with override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        SESSION_CACHE_ALIAS="sessions",
        CACHES={**settings.CACHES, "sessions": redis_sessions},
    ):
        step1 = agree(client, link)
        with CaptureQueriesContext(connection) as queries:
            step2 = client.post(step1, step_data(client.get(step1), first_step(area)))
        assert step2.status_code == 302
        writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
        assert writes == []
        # Another process (an app server started again) reads the same draft.
        caches["sessions"].close()
        store = SessionStore(session_key=client.cookies["sessionid"].value)
        assert store[f"draft:{link.token}"]["answers"]["q-contact"] == ["yes"]
        store.delete()
    assert Session.objects.count() == 0


@pytest.fixture
def one_page_link(areas, org_a):
    section = SectionFactory(number=1)
    contact = QuestionFactory(section=section, code="contact", type="single", required=True)
    choices(contact, ("yes", "Yes", "Sí", "有"), ("no", "No", "No", "没有"))
    QuestionFactory(section=section, code="home_area", type="area")
    QuestionFactory(section=section, code="idea", type="long_text")
    return CollectionLinkFactory(instrument=section.instrument, organization=org_a)


def test_storing_request_of_a_one_page_survey_builds_one_form(
    client, one_page_link, area, monkeypatch
):
    step1 = agree(client, one_page_link)
    page = client.get(step1)
    built = []
    original = ResponseForm.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ResponseForm, "__init__", counting_init)
    answers = {"q-contact": "no", "q-home_area": str(area.pk), "q-idea": "Lights"}
    done = client.post(step1, step_data(page, answers))
    assert done.status_code == 302
    assert "/thanks/" in done["Location"]
    assert len(built) == 1
    response = Response.objects.get()
    assert response.area == area
    assert stored_answers(response) == {
        "contact": "no",
        "home_area": "Lower West Side",
        "idea": "Lights",
    }


def test_one_page_survey_with_a_missing_required_answer_stores_nothing(client, one_page_link, area):
    step1 = agree(client, one_page_link)
    page = client.get(step1)
    again = client.post(step1, step_data(page, {"q-home_area": str(area.pk)}))
    assert again.status_code == 200
    assert 'href="#id_q-contact_0"' in again.content.decode()
    assert Response.objects.count() == 0


def test_start_page_asks_for_consent_when_the_instrument_says_so(client, link):
    Instrument.objects.filter(pk=link.instrument_id).update(consent_on_start=True)
    html = client.get(flow_url(link, "start", "es")).content.decode()
    assert "Participar es voluntario." in html
    assert "36 meses" in html
    assert f'<form method="post" action="{flow_url(link, "consent", "es")}"' in html
    assert 'name="decision" value="agree"' in html
    assert 'name="decision" value="decline"' in html
    assert f'href="{flow_url(link, "consent", "es")}"' not in html


def test_start_page_links_to_the_consent_page_by_default(client, link):
    html = client.get(flow_url(link)).content.decode()
    assert f'href="{flow_url(link, "consent")}"' in html
    assert "Taking part is voluntary." not in html
    assert 'name="decision"' not in html


def test_consent_on_the_start_page_stores_a_survey_in_five_requests(client, link, area):
    Instrument.objects.filter(pk=link.instrument_id).update(consent_on_start=True)
    start = client.get(flow_url(link, "start", "es"))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', start.content.decode())
    step1 = client.post(
        flow_url(link, "consent", "es"), {"csrfmiddlewaretoken": csrf.group(1), "decision": "agree"}
    )["Location"]
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    done = client.post(step2, step_data(client.get(step2), STEP_TWO))
    assert done.status_code == 302
    response = Response.objects.get()
    assert (response.language, response.consented, response.consent_version) == ("es", True, 1)


def test_back_from_the_first_step_returns_to_the_start_page_with_consent_there(client, link):
    Instrument.objects.filter(pk=link.instrument_id).update(consent_on_start=True)
    step1 = agree(client, link)
    back = client.post(step1, step_data(client.get(step1), {}, action="back"))
    assert back["Location"] == flow_url(link)


def test_back_from_the_first_step_returns_to_the_consent_page_by_default(client, link):
    step1 = agree(client, link)
    back = client.post(step1, step_data(client.get(step1), {}, action="back"))
    assert back["Location"] == flow_url(link, "consent")


@pytest.mark.parametrize(
    ("length", "valid"),
    [(CONSENT_ON_START_MAX_LENGTH, True), (CONSENT_ON_START_MAX_LENGTH + 1, False)],
)
def test_consent_on_the_start_page_only_for_a_short_consent_text(survey, length, valid):
    survey.consent_on_start = True
    survey.consent_text_es = "x" * length
    if valid:
        survey.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            survey.full_clean()
        assert error.value.message_dict == {
            "consent_on_start": [
                "The consent text is too long to read on the start page: "
                f"{length} characters in es, at most {CONSENT_ON_START_MAX_LENGTH}."
            ]
        }


def test_a_long_consent_text_keeps_its_own_page(survey):
    survey.consent_text_en = "x" * (CONSENT_ON_START_MAX_LENGTH + 1)
    survey.full_clean()
