"""The offline outbox's server side: the offline page, the submit endpoint (exactly once,
invalid answers, forged ids, rate limits, the time since consent), the kiosk's staff screen,
and the upload of an exported outbox, scoped to the uploader's organization."""

import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from surveys import outbox
from surveys.models import CollectionLink, Response
from surveys.response_ids import RESPONSE_ID_SALT, sign_response_id

from .factories import CollectionLinkFactory, MembershipFactory, OrganizationFactory
from .resident import STEP_TWO, first_step, flow_url, stored_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def private_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(autouse=True)
def outbox_key(settings, private_pem):
    settings.OUTBOX_PRIVATE_KEY = private_pem
    return private_pem


@pytest.fixture
def area(areas):
    return areas.get(number=31)


def answers(area):
    """A complete, valid submission's answers (both steps of the small survey)."""
    data = {**first_step(area), **STEP_TWO}
    return {name: value if isinstance(value, list) else [value] for name, value in data.items()}


NEW = object()


def submission(link, area, rid=NEW, **extra):
    return {
        "rid": sign_response_id(uuid.uuid4(), link) if rid is NEW else rid,
        "answers": answers(area),
        "language": "es",
        "languages": ["en", "es"],
        **extra,
    }


def post(client, link, payload, content_type="application/json", language="es"):
    body = json.dumps(payload) if content_type == "application/json" else str(payload)
    return client.post(flow_url(link, "submit", language), body, content_type=content_type)


def rid_id(rid, link):
    from surveys.response_ids import unsign_response_id

    return unsign_response_id(rid, link)


# --- The offline page ------------------------------------------------------------------


def test_offline_page_holds_every_step_and_the_rules_but_no_answers(client, link):
    page = client.get(flow_url(link, "offline", "es"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="es" dir="ltr">' in html
    assert html.count('class="offline-step"') == 2
    for code in ("home_area", "contact", "trust", "treated", "worries", "who_crisis", "idea"):
        assert f'name="q-{code}"' in html, code
    rules = json.loads(html.split('id="offline-rules" type="application/json">')[1].split("<")[0])
    treated = next(rule for rule in rules if rule["code"] == "treated")
    assert (treated["if"], treated["choices"], treated["section"]) == ("contact", ["yes"], 2)
    assert [r["code"] for r in rules if r["parent"] == "who"] == ["who_crisis", "who_noise"]
    # The same page for everyone: no response id, no form token, no cookie.
    assert 'name="rid"' not in html
    assert "csrfmiddlewaretoken" not in html
    assert list(page.cookies) == []
    assert "no-store" in page["Cache-Control"]


def test_offline_page_of_a_paused_link_is_not_found(client, link):
    link.status = CollectionLink.Status.PAUSED
    link.save()
    assert client.get(flow_url(link, "offline")).status_code == 404


def test_service_worker_is_served_from_the_root(client):
    response = client.get(reverse("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.content


def test_every_resident_page_of_a_link_carries_the_outbox(client, link):
    html = client.get(flow_url(link, "start", "es")).content.decode()
    assert 'id="outbox"' in html and 'role="status"' in html
    assert f'data-offline="{flow_url(link, "offline", "es")}"' in html
    assert "site/outbox.js" in html
    assert "Guardado en este teléfono" in html or "data-saved=" in html


# --- The submit endpoint ---------------------------------------------------------------


def test_submit_stores_exactly_once_without_session_or_csrf(link, area):
    client = Client(enforce_csrf_checks=True)
    payload = submission(link, area)
    first = post(client, link, payload)
    assert (first.status_code, first.json()) == (200, {"status": "stored"})
    again = post(Client(enforce_csrf_checks=True), link, payload)
    assert (again.status_code, again.json()) == (200, {"status": "already_stored"})

    [response] = Response.objects.all()
    assert response.pk == rid_id(payload["rid"], link)
    assert (response.channel, response.language, response.languages_used) == (
        Response.Channel.WEB,
        "es",
        ["en", "es"],
    )
    assert (response.link, response.organization, response.consented) == (
        link,
        link.organization,
        True,
    )
    assert response.consent_version == link.instrument.consent_version
    assert response.area == area
    assert stored_answers(response)["worries"] == ["other", "traffic"]
    assert stored_answers(response)["idea"] == "More street lights"


def test_submit_from_a_kiosk_is_stored_as_kiosk(client, survey, org_a, area):
    kiosk = CollectionLinkFactory(
        instrument=survey, organization=org_a, kind=CollectionLink.Kind.KIOSK
    )
    assert post(client, kiosk, submission(kiosk, area)).json() == {"status": "stored"}
    assert Response.objects.get().channel == Response.Channel.KIOSK


def test_submit_applies_skip_logic_like_the_last_step(client, link, area):
    payload = submission(link, area)
    payload["answers"]["q-contact"] = ["no"]
    payload["answers"]["q-treated"] = ["fair"]  # hidden by "no": not stored
    assert post(client, link, payload).json() == {"status": "stored"}
    assert "treated" not in stored_answers(Response.objects.get())


def test_invalid_answers_are_refused_with_their_errors_and_nothing_stored(client, link, area):
    payload = submission(link, area)
    del payload["answers"]["q-trust"]  # required
    payload["answers"]["q-zip"] = ["123"]
    response = post(client, link, payload, language="en")
    assert response.status_code == 422
    assert response.json()["status"] == "invalid"
    assert sorted(response.json()["errors"]) == ["q-trust", "q-zip"]
    # In the resident's language, not the address's.
    assert response.json()["errors"]["q-trust"] == ["Este campo es obligatorio."]
    assert Response.objects.count() == 0


def test_malformed_answers_are_invalid(client, link, area):
    for answers in ([1, 2], {"q-trust": [3]}, {"csrf": ["x"]}, "text"):
        response = post(client, link, submission(link, area, answers=answers))
        assert (response.status_code, response.json()["status"]) == (422, "invalid"), answers
    assert Response.objects.count() == 0


def test_ineligible_answers_store_nothing(client, link, area):
    question = link.instrument.questions.get(code="contact")
    question.eligible_choices = ["no"]  # the submission answers "yes"
    question.save()
    link.instrument.save()  # a new updated_at: the cached questions are read again
    payload = submission(link, area)
    assert post(client, link, payload).json() == {"status": "ineligible"}
    assert Response.objects.count() == 0


def test_forged_or_other_links_response_id_is_refused(client, links, area):
    mine, theirs = links["a"], links["b"]
    forged = sign_response_id(uuid.uuid4(), mine)[:-4] + "AAAA"
    others = sign_response_id(uuid.uuid4(), theirs)
    wrong_salt = signing.dumps([uuid.uuid4().hex, mine.pk], salt="another")
    for rid in (forged, others, wrong_salt, "", None, 12):
        response = post(client, mine, submission(mine, area, rid=rid))
        assert (response.status_code, response.json()) == (400, {"status": "bad_id"}), rid
    assert post(client, mine, "not json").status_code == 400
    assert Response.objects.count() == 0


def test_an_expired_response_id_is_refused(client, link, area, settings):
    settings.RESPONSE_ID_MAX_AGE = 60
    old = signing.TimestampSigner(salt=RESPONSE_ID_SALT)
    rid = old.sign_object([uuid.uuid4().hex, link.pk])
    fresh = post(client, link, submission(link, area, rid=rid))
    assert fresh.json() == {"status": "stored"}
    settings.RESPONSE_ID_MAX_AGE = -1
    late = post(client, link, submission(link, area, rid=sign_response_id(uuid.uuid4(), link)))
    assert late.status_code == 400


def test_submit_needs_json(client, link, area):
    response = post(client, link, "rid=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert client.get(flow_url(link, "submit")).status_code == 405


def test_submit_of_an_unknown_link_is_not_found(client, link, area):
    url = flow_url(link, "submit").replace(link.token, "no-such-token")
    response = client.post(url, json.dumps(submission(link, area)), "application/json")
    assert response.status_code == 404


def test_submit_waits_until_the_least_time_since_consent(client, link, area, settings):
    settings.MIN_SECONDS_TO_COMPLETE = 60
    payload = submission(link, area)
    response = post(client, link, payload)
    assert response.status_code == 429
    assert response.json()["status"] == "wait"
    assert 59 <= int(response["Retry-After"]) <= 61
    assert Response.objects.count() == 0
    # Minted long enough ago (its signing time is the consent's): stored.
    minted = signing.TimestampSigner(salt=RESPONSE_ID_SALT)
    minted.timestamp = lambda: signing.b62_encode(int(time.time()) - 120)
    payload["rid"] = minted.sign_object([uuid.uuid4().hex, link.pk])
    assert post(client, link, payload).json() == {"status": "stored"}


def test_submit_is_rate_limited_per_address_and_the_device_keeps_it(client, link, area, settings):
    settings.RATE_LIMIT_SUBMISSIONS = 3
    statuses = [post(client, link, submission(link, area)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    late = post(client, link, submission(link, area))
    assert int(late["Retry-After"]) > 0
    assert late.json()["status"] == "wait"
    assert Response.objects.count() == 3


def test_submit_answers_a_paused_link_that_the_resident_started_while_open(client, link, area):
    payload = submission(link, area)
    link.status = CollectionLink.Status.CLOSED
    link.save()
    assert post(client, link, payload).json() == {"status": "stored"}


def test_the_live_walk_and_a_resend_of_its_id_store_once(client, link, area):
    """A resident who finished online and whose phone also queued the same id."""
    from .resident import rid_of, walk

    page = walk(client, link, area)
    assert page.status_code == 302
    rid = page["Location"].split("/thanks/")[1].rstrip("/")
    assert post(Client(), link, submission(link, area, rid=rid)).json() == {
        "status": "already_stored"
    }
    assert Response.objects.count() == 1
    assert rid_of  # the helper the walk uses


# --- The kiosk's staff screen and the upload --------------------------------------------


def test_kiosk_screen_shows_the_public_key_only(client, staff_a, outbox_key):
    client.force_login(staff_a)
    page = client.get(reverse("workspace:kiosk_outbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-public-key="{outbox.public_key_spki()}"' in html
    private_body = "".join(outbox_key.strip().splitlines()[1:-1])
    assert private_body[:40] not in html
    assert "site/kiosk.js" in html


def test_kiosk_screen_says_when_no_key_is_set(client, staff_a, settings):
    settings.OUTBOX_PRIVATE_KEY = ""
    settings.DEBUG = False
    client.force_login(staff_a)
    html = client.get(reverse("workspace:kiosk_outbox")).content.decode()
    assert "OUTBOX_PRIVATE_KEY" in html
    assert 'id="kiosk-export"' not in html


@pytest.mark.parametrize(
    "persona, status",
    [("anonymous", 302), ("partner", 404), ("staff_a", 200), ("facilitator", 200)],
)
def test_kiosk_pages_are_for_staff(client, persona, status, staff_a, facilitator):
    from organizations.models import Membership, Organization

    users = {
        "anonymous": None,
        "staff_a": staff_a,
        "facilitator": facilitator,
        "partner": MembershipFactory(
            organization=OrganizationFactory(kind=Organization.Kind.PARTNER),
            role=Membership.Role.PARTNER,
        ).user,
    }
    if users[persona]:
        client.force_login(users[persona])
    for name in ("workspace:kiosk_outbox", "workspace:outbox_upload"):
        assert client.get(reverse(name)).status_code == status, name


def exported(link, area, count):
    items = [{"token": link.token, **submission(link, area)} for _ in range(count)]
    return items, outbox.encrypt_export(items)


def upload(client, content):
    return client.post(
        reverse("workspace:outbox_upload"),
        {"file": SimpleUploadedFile("kiosk.outbox", content)},
        follow=True,
    )


def message_of(page):
    return [str(m) for m in page.context["messages"]]


def test_upload_decrypts_and_stores_each_once(client, link, area, staff_a):
    items, content = exported(link, area, 3)
    client.force_login(staff_a)
    page = upload(client, content)
    assert page.status_code == 200
    assert message_of(page) == [
        "Stored: 3. Already stored: 0. Not valid: 0. Not for your organization: 0."
    ]
    assert set(Response.objects.values_list("pk", flat=True)) == {
        rid_id(item["rid"], link) for item in items
    }
    # The same file again (or after the device came back online): nothing twice.
    assert message_of(upload(client, content)) == [
        "Stored: 0. Already stored: 3. Not valid: 0. Not for your organization: 0."
    ]
    assert Response.objects.count() == 3
    assert set(Response.objects.values_list("channel", flat=True)) == {"web"}


def test_upload_counts_invalid_submissions_and_keeps_going(client, link, area, staff_a):
    good = {"token": link.token, **submission(link, area)}
    bad = {"token": link.token, **submission(link, area)}
    del bad["answers"]["q-home_area"]
    forged = {"token": link.token, **submission(link, area, rid="forged")}
    client.force_login(staff_a)
    page = upload(client, outbox.encrypt_export([good, bad, forged, "nonsense"]))
    assert message_of(page) == [
        "Stored: 1. Already stored: 0. Not valid: 2. Not for your organization: 1."
    ]
    assert Response.objects.count() == 1


def test_an_organization_cannot_upload_into_another_organizations_link(
    client, links, area, staff_b, staff_a, facilitator
):
    items, content = exported(links["a"], area, 2)
    client.force_login(staff_b)
    assert message_of(upload(client, content)) == [
        "Stored: 0. Already stored: 0. Not valid: 0. Not for your organization: 2."
    ]
    assert Response.objects.count() == 0
    # Its own organization's staff, or the facilitator, may.
    client.force_login(facilitator)
    assert message_of(upload(client, content))[0].startswith("Stored: 2.")
    # And once stored, another organization learns nothing of it either.
    client.force_login(staff_b)
    assert message_of(upload(client, content)) == [
        "Stored: 0. Already stored: 0. Not valid: 0. Not for your organization: 2."
    ]


def test_a_file_for_another_key_or_not_a_file_is_refused(client, link, area, staff_a):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    items = [{"token": link.token, **submission(link, area)}]
    client.force_login(staff_a)
    for content in (outbox.encrypt_export(items, other), b"hello", b'{"format": 1}'):
        page = upload(client, content)
        assert page.status_code == 200
        assert page.context["form"].errors["file"] == [
            "This file cannot be opened. Upload a file exported from a kiosk's outbox."
        ]
    assert Response.objects.count() == 0


def test_submit_closes_the_draft_of_the_walk_it_ends(client, link, area):
    """Steps answered online, the rest offline: once the survey arrives, the phone's start
    page no longer offers to continue it, and a new walk gets a new response id."""
    from .resident import agree, rid_of, step_data

    step1 = agree(client, link)
    page = client.get(step1)
    rid = rid_of(page)
    client.post(step1, step_data(page, first_step(area)))
    assert "Continue where you left off" in client.get(flow_url(link)).content.decode()
    assert post(client, link, submission(link, area, rid=rid)).json() == {"status": "stored"}
    assert client.session[f"draft:{link.token}"] == {"rid": rid, "finished": True}
    assert "Continue where you left off" not in client.get(flow_url(link)).content.decode()
    assert rid_of(client.get(agree(client, link))) != rid


def test_submit_from_a_kiosk_forgets_the_person_before(client, survey, org_a, area):
    kiosk = CollectionLinkFactory(
        instrument=survey, organization=org_a, kind=CollectionLink.Kind.KIOSK
    )
    from .resident import agree, rid_of, step_data

    step1 = agree(client, kiosk)
    page = client.get(step1)
    rid = rid_of(page)
    client.post(step1, step_data(page, first_step(area)))
    # The kiosk went offline; the next person's survey is not this one: nothing closes.
    other = submission(kiosk, area)
    assert post(client, kiosk, other).json() == {"status": "stored"}
    assert client.session[f"draft:{kiosk.token}"]["rid"] == rid
    # This person's survey arrives: the session is emptied, as after an online finish.
    assert post(client, kiosk, submission(kiosk, area, rid=rid)).json() == {"status": "stored"}
    assert f"draft:{kiosk.token}" not in client.session
    html = client.get(client.get(agree(client, kiosk)).wsgi_request.path).content.decode()
    assert f'value="{area.pk}" selected' not in html


def test_kiosk_ids_are_for_kiosk_links_only(client, link, survey, org_a):
    kiosk = CollectionLinkFactory(
        instrument=survey, organization=org_a, kind=CollectionLink.Kind.KIOSK
    )
    ids = client.get(flow_url(kiosk, "kiosk_ids")).json()["ids"]
    assert len(set(ids)) == 10
    assert all(rid_id(rid, kiosk) for rid in ids)
    assert client.get(flow_url(link, "kiosk_ids")).status_code == 404
    kiosk.status = CollectionLink.Status.PAUSED
    kiosk.save()
    assert client.get(flow_url(kiosk, "kiosk_ids")).status_code == 404


def test_an_offline_consent_is_counted_when_its_survey_arrives(client, survey, org_a, area):
    kiosk = CollectionLinkFactory(
        instrument=survey, organization=org_a, kind=CollectionLink.Kind.KIOSK
    )
    payload = submission(kiosk, area, offline_consent=True)
    assert post(client, kiosk, payload).json() == {"status": "stored"}
    assert post(client, kiosk, payload).json() == {"status": "already_stored"}
    kiosk.refresh_from_db()
    assert (kiosk.started, kiosk.consented) == (1, 1)
