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


# A survey on one page with its consent on the start page is answered on the start page.


@pytest.fixture
def start_page_link(one_page_link):
    Instrument.objects.filter(pk=one_page_link.instrument_id).update(consent_on_start=True)
    return one_page_link


def start_form(page):
    """The hidden fields of the start page's form."""
    html = page.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
        for name in ("rid", "started")
    }


ANSWERS = {"q-contact": "no", "q-idea": "Lights"}


def test_one_page_survey_is_answered_and_stored_on_the_start_page(client, start_page_link, area):
    start = client.get(flow_url(start_page_link))
    html = start.content.decode()
    assert (
        f'<form id="step-form" method="post" action="{flow_url(start_page_link, "consent")}"'
        in html
    )
    assert 'name="q-contact"' in html
    assert 'name="decision" value="agree"' in html
    assert 'name="decision" value="decline"' in html
    # Showing the questions writes nothing: no session yet.
    assert "sessionid" not in client.cookies
    answers = {**ANSWERS, "q-home_area": str(area.pk)}
    with CaptureQueriesContext(connection) as queries:
        done = client.post(
            flow_url(start_page_link, "consent"),
            {**start_form(start), **answers, "decision": "agree"},
        )
    assert done.status_code == 302
    assert done["Location"] == flow_url(start_page_link, "thanks", rid=start_form(start)["rid"])
    assert len(queries) <= 10
    response = Response.objects.get()
    assert (response.language, response.languages_used, response.consented) == (
        "en",
        ["en"],
        True,
    )
    assert response.area == area
    assert stored_answers(response) == {
        "contact": "no",
        "home_area": "Lower West Side",
        "idea": "Lights",
    }
    start_page_link.refresh_from_db()
    assert (start_page_link.started, start_page_link.consented) == (1, 1)
    assert client.get(done["Location"]).status_code == 200
    # Back to the survey after it is done: a new start.
    assert start_form(client.get(flow_url(start_page_link)))["rid"] != start_form(start)["rid"]


def test_start_page_answers_sent_twice_store_and_count_once(client, start_page_link):
    start = client.get(flow_url(start_page_link))
    data = {**start_form(start), **ANSWERS, "decision": "agree"}
    first = client.post(flow_url(start_page_link, "consent"), data)
    again = client.post(flow_url(start_page_link, "consent"), data)
    assert again["Location"] == first["Location"]
    assert Response.objects.count() == 1
    start_page_link.refresh_from_db()
    assert (start_page_link.started, start_page_link.consented) == (1, 1)


def test_declining_on_the_start_page_stores_nothing(client, start_page_link):
    start = client.get(flow_url(start_page_link))
    declined = client.post(
        flow_url(start_page_link, "consent"),
        {**start_form(start), **ANSWERS, "decision": "decline"},
    )
    assert declined["Location"] == flow_url(start_page_link, "declined")
    assert Response.objects.count() == 0
    start_page_link.refresh_from_db()
    assert (start_page_link.started, start_page_link.consented) == (1, 0)


def test_start_page_answers_with_a_missing_required_one_continue_on_the_step_page(
    client, start_page_link
):
    start = client.get(flow_url(start_page_link))
    again = client.post(
        flow_url(start_page_link, "consent"),
        {**start_form(start), "q-idea": "Lights", "decision": "agree"},
    )
    assert again.status_code == 200
    html = again.content.decode()
    assert 'href="#id_q-contact_0"' in html
    assert "Lights" in html
    assert Response.objects.count() == 0
    start_page_link.refresh_from_db()
    assert (start_page_link.started, start_page_link.consented) == (1, 1)
    step1 = flow_url(start_page_link, "step", number=1)
    done = client.post(step1, step_data(again, {"q-contact": "yes", "q-idea": "Lights"}))
    assert done["Location"] == flow_url(start_page_link, "thanks", rid=start_form(start)["rid"])
    assert stored_answers(Response.objects.get()) == {"contact": "yes", "idea": "Lights"}
    start_page_link.refresh_from_db()
    assert (start_page_link.started, start_page_link.consented) == (1, 1)


def test_start_page_answers_sent_too_fast_are_asked_to_check(client, start_page_link, settings):
    settings.MIN_SECONDS_TO_COMPLETE = 600
    start = client.get(flow_url(start_page_link))
    quick = client.post(
        flow_url(start_page_link, "consent"),
        {**start_form(start), **ANSWERS, "decision": "agree"},
    )
    assert quick.status_code == 200
    assert "That was quick!" in quick.content.decode()
    assert "Lights" in quick.content.decode()
    assert Response.objects.count() == 0
    settings.MIN_SECONDS_TO_COMPLETE = 0
    step1 = flow_url(start_page_link, "step", number=1)
    done = client.post(step1, step_data(quick, ANSWERS))
    assert "/thanks/" in done["Location"]
    assert Response.objects.count() == 1


def test_start_page_honeypot_gets_thanks_and_stores_nothing(client, start_page_link):
    start = client.get(flow_url(start_page_link))
    robot = client.post(
        flow_url(start_page_link, "consent"),
        {**start_form(start), **ANSWERS, "website": "http://spam", "decision": "agree"},
    )
    assert robot["Location"] == flow_url(start_page_link, "thanks", rid=start_form(start)["rid"])
    assert Response.objects.count() == 0


def test_start_page_with_a_forged_response_id_is_refused(client, start_page_link):
    start = client.get(flow_url(start_page_link))
    forged = client.post(
        flow_url(start_page_link, "consent"),
        {**start_form(start), "rid": "forged", **ANSWERS, "decision": "agree"},
    )
    assert forged.status_code == 400
    assert Response.objects.count() == 0


def test_language_switch_on_the_start_page_keeps_the_answers(client, start_page_link):
    start = client.get(flow_url(start_page_link))
    switched = client.post(
        flow_url(start_page_link, "consent"),
        {**start_form(start), **ANSWERS, "switch_language": "es"},
    )
    assert switched["Location"] == flow_url(start_page_link, "start", "es")
    start_page_link.refresh_from_db()
    assert (start_page_link.started, start_page_link.consented) == (0, 0)
    page = client.get(switched["Location"])
    html = page.content.decode()
    assert "Lights</textarea>" in html
    assert start_form(page)["rid"] == start_form(start)["rid"]
    done = client.post(
        flow_url(start_page_link, "consent", "es"),
        {**start_form(page), **ANSWERS, "decision": "agree"},
    )
    assert "/thanks/" in done["Location"]
    response = Response.objects.get()
    assert (response.language, response.languages_used) == ("es", ["en", "es"])
