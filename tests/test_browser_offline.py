"""The offline outbox in a real browser (headless Chromium at a phone's size): a resident who
loses the connection after step 2 finishes the survey on the phone, and it is stored exactly
once when the connection returns, also after the server restarted in between; a kiosk keeps
five people's surveys while offline and sends each once; the kiosk's staff screen counts and
exports them; the first visit stays within its 40 KB budget.

Playwright's `context.set_offline` cuts the page and its service worker off the network and
fires the page's `offline` and `online` events, as a phone losing its signal does.
"""

import gzip
import json
import re
import socket
import urllib.request
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from playwright.sync_api import expect

from surveys import demo_content
from surveys import models as survey_models
from surveys.models import CollectionLink, Instrument, Response
from surveys.response_ids import unsign_response_id

from .browser import (
    AXE_URL,
    PHONE,
    answer_here,
    assert_no_axe_violations,
    button,
    submit,
    translated,
)
from .factories import MembershipFactory
from .resident import response_ids, stored_answers
from .test_browser_resident import (
    ELIGIBLE,
    MINIMAL,
    STEPS,
    demo_link,
    flow_url,
    next_step,
    start_and_consent,
    step_number,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

CACHE = "engagement-offline-1"


@pytest.fixture
def demo(areas):
    """The demo survey (seven steps, skip logic), its links and organizations."""
    call_command("load_demo", quiet_logins=True, force=True)
    return Instrument.objects.get(code=demo_content.SURVEY["code"])


SAVED = "Saved on this phone. It will be sent when you are back online."
# Step 3, answered on the page the server sent, and sent while the phone is already offline.
STEP_THREE = {"feel_safe_day": "safe", "feel_safe_night": "unsafe"}
# What the resident answers once offline (steps 3 to 7), skip logic included: "yes" to
# police contact shows its follow-up on the next step.
OFFLINE_ANSWERS = {
    "trust_police": "agree",
    "police_contact_12m": "yes",
    "contact_treatment": "well",
    "respond_mental_health": "professional",
    "safer_one_thing": "More street lights.",
    "household_size": "3",
}


def path_of(live_server, link, language, name="", **kwargs):
    return flow_url(live_server, link, language, name, **kwargs)[len(live_server.url) :]


def controlled(page):
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def ready_for_offline(page, live_server, link, language):
    """Wait until the service worker controls the page and the link's offline page is kept
    (a phone from its consent page on, a kiosk from its start page)."""
    controlled(page)
    offline = path_of(live_server, link, language, "offline")
    for _attempt in range(100):
        kept = page.evaluate(
            "([name, url]) => caches.open(name).then((c) => c.match(url)).then((r) => !!r)",
            [CACHE, offline],
        )
        if kept:
            return
        page.wait_for_timeout(100)
    raise AssertionError("The offline page was never kept.")


def idb_count(page, store):
    return page.evaluate(
        "(store) => window.EngagementOutbox.all(store).then((items) => items.length)", store
    )


def visible(page, code):
    return page.locator(f'[name="q-{code}"]:visible').count() > 0


def answer_visible(page, language, pending):
    """answer_here for the offline page, which holds every step and shows one."""
    answer_here(page, language, pending, shown=visible)


def shown_heading(page):
    return page.locator(
        "#offline-form:not([hidden]) .offline-step:not([hidden]) h1, .offline-end:not([hidden]) h1"
    )


def finish_offline(page, language, answers, axe=False):
    """On the offline page: answer step after step and submit on the last one; with `axe`,
    check every step and the end for WCAG A/AA violations."""
    pending = dict(answers)
    expect(page.locator("#offline-form[data-ready]")).to_have_count(1)
    for _step in range(STEPS):
        expect(page.locator(".offline-step:not([hidden])")).to_have_count(1)
        heading = shown_heading(page).inner_text()
        if axe:
            assert_no_axe_violations(page)
        answer_visible(page, language, pending)
        last = button(page, language, "Submit my answers").count() == 1
        button(page, language, "Submit my answers" if last else "Next").click()
        expect(shown_heading(page)).not_to_have_text(heading)
        if last:
            break
    assert not pending, f"Not shown on any step: {sorted(pending)}"
    expect(shown_heading(page)).to_have_text(translated(language, "Thank you"))
    if axe:
        assert_no_axe_violations(page)


def online_then_offline_after_step_two(page, live_server, link, language="en"):
    """Open the link, consent, answer steps 1 and 2 online, then lose the connection on
    step 3 and go on: the next step comes from the phone. Returns the signed response id."""
    page.goto(flow_url(live_server, link, language))
    controlled(page)
    start_and_consent(page, language)
    ready_for_offline(page, live_server, link, language)
    rid = page.locator("#step-form input[name=rid]").input_value()
    pending = {**MINIMAL, "zip_code": "60608"}
    for _step in (1, 2):
        answer_here(page, language, pending)
        assert not next_step(page, language)
    assert step_number(page) == 3
    # The accessibility checker is a static file too: kept, so that it runs offline.
    page.evaluate(
        "([name, url]) => caches.open(name).then((cache) => cache.add(url))", [CACHE, AXE_URL]
    )
    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    answer_here(page, language, dict(STEP_THREE))
    submit(page, button(page, language, "Next"))
    assert page.url.startswith(flow_url(live_server, link, language, "offline")), page.url
    return rid


def status(page):
    return page.locator("#outbox")


EXPECTED = {
    **MINIMAL,
    "zip_code": "60608",
    **STEP_THREE,
    **OFFLINE_ANSWERS,
}


def assert_stored_once(rid, link, before):
    [response] = list(Response.objects.exclude(pk__in=before))
    assert response.pk == unsign_response_id(rid, link)
    assert stored_answers(response) == {**EXPECTED, "household_size": Decimal("3")}
    return response


# (a) ------------------------------------------------------------------------------------


def test_offline_after_step_two_is_saved_on_the_phone_and_sent_once(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    rid = online_then_offline_after_step_two(page, live_server, link)
    finish_offline(page, "en", OFFLINE_ANSWERS, axe=True)

    expect(status(page)).to_have_text(SAVED)
    assert response_ids() == before
    assert idb_count(page, "outbox") == 1
    # Nothing of the resident's answers is left in the page or in the draft.
    assert idb_count(page, "drafts") == 0
    values = page.locator("#offline-form input:checked, #offline-form textarea").evaluate_all(
        "elements => elements.filter((e) => e.checked || e.value).length"
    )
    assert values == 0

    page.context.set_offline(False)
    expect(status(page)).to_have_text("Sent.")
    response = assert_stored_once(rid, link, before)
    assert (response.channel, response.language, response.languages_used) == ("web", "en", ["en"])
    assert idb_count(page, "outbox") == 0
    # Another load sends nothing again.
    page.reload()
    page.wait_for_timeout(500)
    assert Response.objects.exclude(pk__in=before).count() == 1
    problems.assert_clean()


# (b) ------------------------------------------------------------------------------------


class TrackingServer(ThreadedWSGIServer):
    """Django's live server, which on closing also closes the connections it accepted (a
    browser keeps them open), so that a new server can bind the same port at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_connections = set()

    def process_request(self, request, client_address):
        self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.open_connections.discard(request)
        super().shutdown_request(request)

    def server_close(self):
        super().server_close()
        for connection in list(self.open_connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class RestartableServerThread(LiveServerThread):
    server_class = TrackingServer

    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            QuietWSGIRequestHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )


class RestartableServer:
    """A live server of the test's own that can be stopped (its port then refuses
    connections) and started again on the same port, as after a deployment or a crash."""

    def __init__(self, host):
        self.thread = self.start_thread(host, 0)
        self.url = f"http://{host}:{self.thread.port}"

    @staticmethod
    def start_thread(host, port):
        thread = RestartableServerThread(
            host, static_handler=StaticFilesHandler, connections_override={}, port=port
        )
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        return thread

    def stop(self):
        self.thread.terminate()

    def start(self):
        """Started again with nothing of before: no session, no cache, nothing kept in the
        process (the instruments and questions surveys.models keeps)."""
        Session.objects.all().delete()
        cache.clear()
        survey_models._instance_cache.clear()
        survey_models._question_cache.clear()
        self.thread = self.start_thread(self.thread.host, self.thread.port)


@pytest.fixture
def server(live_server):
    """The test's own restartable server (live_server's settings, e.g. ALLOWED_HOSTS)."""
    server = RestartableServer(live_server.thread.host)
    yield server
    server.stop()


def test_offline_survey_is_sent_once_after_the_server_restarted(server, new_page, demo):
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    rid = online_then_offline_after_step_two(page, server, link)
    finish_offline(page, "en", OFFLINE_ANSWERS)
    expect(status(page)).to_have_text(SAVED)

    server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((server.thread.host, server.thread.port), timeout=2)
    server.start()
    assert Session.objects.count() == 0

    page.context.set_offline(False)
    expect(status(page)).to_have_text("Sent.")
    assert_stored_once(rid, link, before)
    problems.assert_clean()


def test_a_step_that_fails_at_the_server_goes_on_from_the_phone(server, new_page, demo):
    """The phone thinks it is online but the server does not answer: the service worker
    catches the step's POST and the survey goes on from the phone's copy."""
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    page.goto(flow_url(server, link, "en"))
    controlled(page)
    start_and_consent(page, "en")
    ready_for_offline(page, server, link, "en")
    rid = page.locator("#step-form input[name=rid]").input_value()
    pending = {**MINIMAL, "zip_code": "60608"}
    for _step in (1, 2):
        answer_here(page, "en", pending)
        next_step(page, "en")
    answer_here(page, "en", dict(STEP_THREE))
    server.stop()
    submit(page, button(page, "en", "Next"))
    assert "/offline/" in page.url, page.url
    finish_offline(page, "en", OFFLINE_ANSWERS)
    expect(status(page)).to_have_text(SAVED)
    server.start()
    # Back: the timer, the next page load or the online event sends it; here, a page load.
    page.goto(flow_url(server, link, "en"))
    expect(status(page)).to_have_text("Sent.")
    assert_stored_once(rid, link, before)
    problems.assert_clean()


# (c) ------------------------------------------------------------------------------------


def next_person_offline(page, live_server, link, concern):
    """On an offline kiosk: the next person starts, agrees and answers everything."""
    submit(page, page.get_by_role("link", name="Start for the next person", exact=True))
    assert page.url == flow_url(live_server, link, "en")
    submit(page, page.get_by_role("link", name="Start", exact=True))
    assert page.url == flow_url(live_server, link, "en", "consent")
    submit(page, button(page, "en", "I agree, start the survey"))
    assert "/offline/" in page.url, page.url
    # Nothing of the person before.
    values = page.locator("#offline-form input:checked, #offline-form textarea").evaluate_all(
        "elements => elements.filter((e) => e.checked || e.value).length"
    )
    assert values == 0
    finish_offline(page, "en", {**MINIMAL, "biggest_concern": concern, "zip_code": "60608"})


def test_kiosk_keeps_five_surveys_offline_and_sends_each_once(live_server, new_page, demo):
    link = demo_link(CollectionLink.Kind.KIOSK)
    consented = link.consented
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    first_rid = online_then_offline_after_step_two(page, live_server, link)
    finish_offline(page, "en", {**OFFLINE_ANSWERS, "biggest_concern": "Concern 1"})
    concerns = ["Concern 1"]
    for person in range(2, 6):
        next_person_offline(page, live_server, link, f"Concern {person}")
        concerns.append(f"Concern {person}")
    expect(status(page)).to_have_text(f"{SAVED} Surveys waiting to be sent from this device: 5")
    assert response_ids() == before
    assert idb_count(page, "outbox") == 5

    page.context.set_offline(False)
    expect(status(page)).to_have_text("Sent.")
    stored = list(Response.objects.exclude(pk__in=before))
    assert len(stored) == 5
    assert sorted(stored_answers(r)["biggest_concern"] for r in stored) == concerns
    assert {r.channel for r in stored} == {"kiosk"}
    assert unsign_response_id(first_rid, link) in {r.pk for r in stored}
    assert idb_count(page, "outbox") == 0
    # Each person's consent is counted once: the first online, the four others on arrival.
    link.refresh_from_db()
    assert link.consented == consented + 5
    # A resend (the timer, another page) finds nothing more to store.
    page.goto(flow_url(live_server, link, "en"))
    page.wait_for_timeout(500)
    assert Response.objects.exclude(pk__in=before).count() == 5
    # Online again, the next person starts from nothing: not the steps the first person
    # answered online before the connection dropped (the server closed that draft).
    start_and_consent(page, "en")
    assert page.locator("#step-form input:checked").count() == 0
    answer_here(page, "en", dict(ELIGIBLE))
    next_step(page, "en")
    assert step_number(page) == 2
    assert page.locator("#id_q-community_area").input_value() == ""
    assert page.locator("#id_q-zip_code").input_value() == ""
    problems.assert_clean()


# The kiosk's staff screen ------------------------------------------------------------------


PASSWORD = "a-long-test-password"  # tests/factories.py


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email address")).fill(user.email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Sign in", exact=True))


def test_kiosk_staff_screen_counts_and_exports_for_the_workspace(
    live_server, new_page, demo, settings, tmp_path
):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    settings.OUTBOX_PRIVATE_KEY = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    link = demo_link(CollectionLink.Kind.KIOSK)
    before = response_ids()
    page, problems = new_page(viewport=PHONE, accept_downloads=True)
    rid = online_then_offline_after_step_two(page, live_server, link)
    finish_offline(page, "en", OFFLINE_ANSWERS)
    expect(status(page)).to_have_text(f"{SAVED} Surveys waiting to be sent from this device: 1")
    # The kiosk's staff come by, and close the resident's tab before it is online again.
    context = page.context
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.page_errors.append(f"{page.url}: {error}"))
    page.wait_for_timeout(500)
    assert response_ids() == before
    staff = MembershipFactory(organization=link.organization).user
    sign_in(page, live_server, staff)
    page.goto(live_server.url + "/staff/kiosk/")
    expect(page.locator("#kiosk-count")).to_have_text(
        "Waiting to be sent: 1. Could not be sent: 0."
    )
    assert_no_axe_violations(page)
    assert "Concern" not in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export to an encrypted file").click()
    path = tmp_path / "kiosk.outbox"
    download.value.save_as(path)
    envelope = json.loads(path.read_text())
    assert sorted(envelope) == ["data", "format", "iv", "key"]
    assert "More street lights" not in path.read_text()
    expect(page.locator("#kiosk-export-status")).to_contain_text("Surveys exported to a file: 1.")

    page.get_by_role("link", name="Upload an exported file").click()
    page.wait_for_url("**/staff/kiosk/upload/")
    assert_no_axe_violations(page)
    page.get_by_label(re.compile(r"^\s*Exported outbox file")).set_input_files(str(path))
    submit(page, page.get_by_role("button", name="Upload and store"))
    expect(page.locator(".messages")).to_have_text(
        "Stored: 1. Already stored: 0. Not valid: 0. Not for your organization: 0."
    )
    assert_stored_once(rid, link, before)
    # The kiosk still holds it until the server confirms: its next resident page does.
    page.goto(flow_url(live_server, link, "en"))
    expect(status(page)).to_have_text("Sent.")
    assert idb_count(page, "outbox") == 0
    assert Response.objects.exclude(pk__in=before).count() == 1
    problems.assert_clean()


# The budget ----------------------------------------------------------------------------------


def gzip_sizes(urls, base):
    """Each URL's body as gzip sends it: static files as whitenoise precompresses them
    (level 9), pages and the worker as a proxy would (level 6). Read again from the server:
    the browser may have served some from its caches."""
    sizes = {}
    for url in sorted(urls):
        with urllib.request.urlopen(url) as answer:
            level = 9 if "/static/" in url else 6
            sizes[url[len(base) :]] = len(gzip.compress(answer.read(), level))
    return sizes


@pytest.mark.parametrize("language", ["en", "es", "zh-hans"])
def test_first_visit_is_within_40_kb_and_the_walk_keeps_the_survey_for_offline(
    live_server, new_page, demo, language
):
    """The start page's first visit: its HTML, CSS and JS, the service worker and anything
    fetched ahead, within 40 KB. A phone fetches the offline page ahead once the walk
    begins (the consent page): it is measured too, and stays within 10 KB."""
    link = demo_link()
    page, problems = new_page(viewport=PHONE)
    asked = set()

    def keep(request):
        if request.url.startswith(live_server.url) and request.method == "GET":
            asked.add(request.url.split("#")[0])

    page.context.on("request", keep)
    page.goto(flow_url(live_server, link, language))
    controlled(page)
    page.wait_for_timeout(500)
    # Fetched by the browser itself when the page registers it.
    asked.add(live_server.url + "/sw.js")
    assert any(url.endswith("bootstrap.min.css") for url in asked), sorted(asked)
    assert any(url.endswith("outbox.js") for url in asked), sorted(asked)
    first_visit = gzip_sizes(asked, live_server.url)
    total = sum(first_visit.values())
    assert total <= 40 * 1024, json.dumps({"total": total, **first_visit}, indent=1)

    start_and_consent(page, language)
    ready_for_offline(page, live_server, link, language)
    offline = flow_url(live_server, link, language, "offline")
    assert offline in asked, sorted(asked)
    [ahead] = gzip_sizes([offline], live_server.url).values()
    assert ahead <= 10 * 1024, ahead
    problems.assert_clean()


# A survey on one page, answered on its start page ----------------------------------------


@pytest.fixture
def one_page_link(areas, org_a):
    """One section, consent on the start page: the start page holds the questions."""
    from .factories import CollectionLinkFactory, QuestionFactory, SectionFactory, choices

    section = SectionFactory(number=1)
    contact = QuestionFactory(
        section=section, code="contact", type="single", required=True, text_en="Any contact?"
    )
    choices(contact, ("yes", "Yes", "Sí", "有"), ("no", "No", "No", "没有"))
    QuestionFactory(section=section, code="idea", type="long_text", text_en="One idea")
    Instrument.objects.filter(pk=section.instrument_id).update(consent_on_start=True)
    return CollectionLinkFactory(instrument=section.instrument, organization=org_a)


def test_one_page_survey_answered_offline_on_its_start_page_is_sent_once(
    live_server, new_page, one_page_link
):
    link = one_page_link
    page, problems = new_page(viewport=PHONE)
    page.goto(flow_url(live_server, link, "en"))
    controlled(page)
    rid = page.locator("#step-form input[name=rid]").input_value()
    page.context.set_offline(True)
    agree = button(page, "en", "I agree, send my answers")
    # A required answer missing: said on the page, nothing kept.
    page.get_by_label("One idea").fill("More benches")
    agree.click()
    expect(status(page)).to_have_text("Please answer the questions marked required.")
    assert page.locator('[name="q-contact"][aria-invalid="true"]').count() == 2
    assert idb_count(page, "outbox") == 0
    page.get_by_role("group", name=re.compile("Any contact")).get_by_label("Yes").check()
    agree.click()
    expect(status(page)).to_have_text(SAVED)
    assert page.locator("#step-form").is_hidden()
    assert idb_count(page, "outbox") == 1
    assert Response.objects.count() == 0

    page.context.set_offline(False)
    expect(status(page)).to_have_text("Sent.")
    [response] = Response.objects.all()
    assert response.pk == unsign_response_id(rid, link)
    assert stored_answers(response) == {"contact": "yes", "idea": "More benches"}
    link.refresh_from_db()
    assert (link.started, link.consented) == (1, 1)
    page.reload()
    page.wait_for_timeout(500)
    assert Response.objects.count() == 1
    problems.assert_clean()


def test_kiosk_one_page_survey_gives_each_offline_person_an_id_of_their_own(
    live_server, new_page, one_page_link
):
    """A kiosk keeps its start page, with the one id it was sent: two people who answer on
    it offline each take an id of the reserve, so both surveys are stored."""
    link = one_page_link
    CollectionLink.objects.filter(pk=link.pk).update(kind=CollectionLink.Kind.KIOSK)
    page, problems = new_page(viewport=PHONE)
    start = flow_url(live_server, link, "en")
    page.goto(start)
    controlled(page)
    for _attempt in range(100):
        kept = page.evaluate(
            "([name, url]) => caches.open(name).then((c) => c.match(url)).then((r) => !!r)",
            [CACHE, path_of(live_server, link, "en")],
        )
        if kept and idb_count(page, "ids") >= 2:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("The kiosk kept no start page or no reserve of ids.")
    page.context.set_offline(True)
    for waiting, idea in enumerate(("Benches", "Trees"), start=1):
        page.goto(start)
        page.get_by_role("group", name=re.compile("Any contact")).get_by_label("No").check()
        page.get_by_label("One idea").fill(idea)
        button(page, "en", "I agree, send my answers").click()
        # The count, not only "saved": the page says "saved" at once while one waits.
        expect(status(page)).to_have_text(
            f"{SAVED} Surveys waiting to be sent from this device: {waiting}"
        )
    assert idb_count(page, "outbox") == 2

    page.context.set_offline(False)
    expect(status(page)).to_have_text("Sent.", timeout=15000)
    stored = Response.objects.all()
    assert sorted(stored_answers(r)["idea"] for r in stored) == ["Benches", "Trees"]
    assert {r.channel for r in stored} == {"kiosk"}
    problems.assert_clean()
