"""Random input against the resident flow, paper entry, listening sessions and the staff URLs'
parameters: no answer is ever a server error, and nothing is stored half.

Bounded (a few dozen examples each) so the file runs in well under a minute.
"""

import re
import uuid

import pytest
from django.db.models import Count
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from surveys.models import ListeningSession, Response

from .resident import STEP_TWO, flow_url
from .test_workspace import entry_token, session_post

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a person, a broken phone or a script may send in one field.
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(max_size=10).map(lambda text: text + "\x00" + text),
    st.sampled_from(["", " ", "３", "-1", "1e9999", "NaN", "=1+1", "\r\n", "../", "%00"]),
    st.sampled_from(["9" * 40_000, "x" * 6_000, "é" * 400]),
)
VALUE = st.one_of(ODD_TEXT, st.lists(ODD_TEXT, min_size=0, max_size=3))

RESIDENT_FIELDS = [
    "q-home_area",
    "q-contact",
    "q-trust",
    "q-treated",
    "q-worries",
    "q-worries-other",
    "q-who_crisis",
    "q-who_noise",
    "q-household",
    "q-zip",
    "q-idea",
    "q-unknown",
    "rid",
    "action",
    "switch_language",
    "decision",
]
CHOICES = ["agree", "neutral", "yes", "no", "fair", "traffic", "theft", "other", "police"]
FIELD_NAME = st.one_of(
    st.sampled_from(RESIDENT_FIELDS), st.sampled_from(RESIDENT_FIELDS), st.text(max_size=12)
)
RESIDENT_VALUE = st.one_of(
    VALUE,
    st.sampled_from(CHOICES),
    # Checkboxes, with repeats.
    st.lists(st.sampled_from(["traffic", "theft", "other"]), min_size=1, max_size=4),
)
# A few answers changed, added, or left out of an otherwise valid page.
CHANGES = st.dictionaries(FIELD_NAME, RESIDENT_VALUE, max_size=3)
DROPPED = st.lists(st.sampled_from(RESIDENT_FIELDS), max_size=3)


def never_a_server_error(response):
    assert response.status_code < 500, response


def rid_in(page):
    found = re.search(r'name="rid" value="([^"]+)"', page.content.decode())
    return found.group(1) if found else ""


def fuzzed(valid, changes, dropped):
    data = {**valid, **changes}
    for name in dropped:
        data.pop(name, None)
    return data


def nothing_oversized_kept(client, response):
    """An overlong value is neither echoed in the page nor kept in the session's draft."""
    assert len(response.content) < 200_000
    for key, draft in client.session.items():
        if key.startswith("draft:"):
            for values in draft.get("answers", {}).values():
                assert all(len(value) <= 6_000 for value in values)


def no_half_stored_response():
    # Every web response answers the two required questions; paper ones may be blank.
    thin = (
        Response.objects.exclude(channel=Response.Channel.PAPER)
        .annotate(answer_count=Count("answers"))
        .filter(answer_count__lt=2)
    )
    assert list(thin) == []


@pytest.fixture
def home_area(areas):
    return areas.get(number=31)


@settings(FUZZ, max_examples=40)
@given(consent=CHANGES, one=CHANGES, two=CHANGES, dropped=DROPPED, again=st.booleans())
# What the probe found, always tried: a repeated checkbox, megabytes of digits.
@example(consent={}, one={}, two={"q-worries": ["traffic", "traffic"]}, dropped=[], again=True)
@example(consent={}, one={}, two={"q-household": "9" * 40_000}, dropped=[], again=False)
def test_resident_flow_never_fails_on_odd_input(link, home_area, consent, one, two, dropped, again):
    client = Client(raise_request_exception=False)
    before = Response.objects.count()
    never_a_server_error(client.get(flow_url(link)))
    never_a_server_error(
        client.post(flow_url(link, "consent"), fuzzed({"decision": "agree"}, consent, dropped))
    )
    for number, valid, changes in [
        (1, {"q-home_area": str(home_area.pk), "q-contact": "yes"}, one),
        (2, STEP_TWO, two),
    ]:
        url = flow_url(link, "step", number=number)
        page = client.get(url)
        never_a_server_error(page)
        data = fuzzed({"rid": rid_in(page), "action": "next", **valid}, changes, dropped)
        posted = client.post(url, data)
        never_a_server_error(posted)
        nothing_oversized_kept(client, posted)
        if again:
            never_a_server_error(client.post(url, data))
    assert Response.objects.count() - before in {0, 1}
    no_half_stored_response()


@FUZZ
@given(
    changes=CHANGES,
    dropped=DROPPED,
    details=st.dictionaries(
        st.sampled_from(["paper_serial", "paper_batch", "paper_language", "store_duplicate"]),
        VALUE,
        max_size=3,
    ),
)
@example(changes={"q-worries": ["theft", "theft"]}, dropped=[], details={})
def test_paper_entry_never_fails_on_odd_input(client, staff_a, survey, changes, dropped, details):
    client.force_login(staff_a)
    client.raise_request_exception = False
    url = f"/staff/paper/{survey.code}/enter/"
    before = Response.objects.count()
    valid = {
        "entry": entry_token(client.get(url)),
        "paper_serial": "1",
        "paper_batch": "B",
        "paper_language": "en",
        **{name: value for name, value in STEP_TWO.items() if name != "q-treated"},
    }
    data = {**fuzzed(valid, changes, dropped), **details}
    never_a_server_error(client.post(url, data))
    never_a_server_error(client.post(url, data))
    assert Response.objects.count() - before in {0, 1}
    assert not Response.objects.filter(channel="paper", entered_by=None).exists()
    no_half_stored_response()


SESSION_FIELDS = [
    "form_key",
    "guide",
    "held_on",
    "starts_at",
    "ends_at",
    "place",
    "area",
    "languages",
    "attendees",
    "facilitators",
    "action",
    "notes-safety-summary",
    "quotes-safety-TOTAL_FORMS",
    "quotes-safety-0-text",
    "quotes-safety-0-descriptor",
]


@FUZZ
@given(
    changes=st.dictionaries(
        st.one_of(st.sampled_from(SESSION_FIELDS), st.text(min_size=1, max_size=12)),
        st.one_of(VALUE, st.just(str(uuid.uuid4()))),
        max_size=5,
    ),
    dropped=st.lists(st.sampled_from(SESSION_FIELDS), max_size=3),
)
def test_session_form_never_fails_on_odd_input(client, staff_a, guide, changes, dropped):
    client.force_login(staff_a)
    client.raise_request_exception = False
    before = ListeningSession.objects.count()
    data = fuzzed(session_post(guide, staff_a), changes, dropped)
    never_a_server_error(client.post("/staff/sessions/new/", data))
    assert ListeningSession.objects.count() - before in {0, 1}
    assert set(ListeningSession.objects.values_list("organization", flat=True)) <= {
        staff_a.membership.organization.pk
    }


STAFF_URLS = [
    "/staff/",
    "/staff/responses/",
    "/staff/sessions/",
    "/staff/sessions/new/",
    "/staff/downloads/responses.csv",
    "/staff/downloads/responses.xlsx",
    "/staff/downloads/responses.sav",
    "/staff/downloads/codebook.csv",
    "/staff/downloads/sessions.csv",
    "/staff/team/",
    "/staff/paper/",
]
PARAMETERS = [
    "org",
    "instrument",
    "labels",
    "scope",
    "multiple",
    "free_text",
    "guide",
    "page",
    "channel",
    "language",
    "status",
    "start",
    "end",
    "area",
    "q",
]
URL_VALUE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["org-a", "org-b", "0", "-1", "99999999999999999999", "2026-13-45"]),
    st.just("9" * 5_000),
)


@settings(FUZZ, max_examples=80)
@given(
    url=st.sampled_from(STAFF_URLS),
    params=st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.one_of(URL_VALUE, st.lists(URL_VALUE, max_size=3)),
        max_size=4,
    ),
    as_facilitator=st.booleans(),
)
@example(url="/staff/sessions/new/", params={"guide": "abc"}, as_facilitator=False)
def test_staff_url_parameters_never_fail(
    client, staff_a, facilitator, survey, guide, url, params, as_facilitator
):
    client.force_login(facilitator if as_facilitator else staff_a)
    client.raise_request_exception = False
    never_a_server_error(client.get(url, params))


@FUZZ
@given(token=st.text(max_size=30), code=st.text(max_size=12), rid=st.text(max_size=30))
def test_public_url_parts_never_fail(link, token, code, rid):
    from urllib.parse import quote

    client = Client(raise_request_exception=False)
    for url in [
        f"/en/s/{quote(token, safe='')}/",
        f"/en/s/{link.token}/thanks/{quote(rid, safe='')}/",
        f"/l/{quote(code, safe='')}",
        f"/en/s/{link.token}/qr.svg?lang={quote(code, safe='')}",
    ]:
        never_a_server_error(client.get(url))
