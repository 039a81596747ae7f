"""Two-step sign-in: who must set it up, the code step, recovery codes, and the lockout."""

import importlib
import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations import mfa

from . import test_workspace_scoping as scoping
from .test_accounts import OFFICE, sign_in

pytestmark = pytest.mark.django_db

# The URL x persona table's data: both organizations' objects present.
world = scoping.world

SET_UP = "/accounts/two-step/set-up/"
CODE = "/accounts/two-step/code/"
ACCOUNT = "/accounts/two-step/"


@pytest.fixture(autouse=True)
def _two_step_required(settings):
    settings.MFA_REQUIRED = True


def code_for(key, offset=0):
    """The code an authenticator app shows `offset` seconds from now (key: bytes)."""
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def shown_key(html):
    return b32decode(
        re.search(r'id="mfa-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    )


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = mfa.new_recovery_codes(user)
    return device, codes


def test_two_step_is_required_by_default_in_the_settings():
    assert importlib.import_module("engagement.settings").MFA_REQUIRED is True


def test_facilitator_without_an_app_must_set_one_up_before_any_staff_page(client, facilitator):
    assert sign_in(client, facilitator.email).status_code == 302
    for url in ["/staff/", "/staff/responses/", "/admin/", "/accounts/password/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SET_UP}?next="), url
    # Resident pages are not staff pages.
    assert client.get("/en/").status_code == 200


def test_unverified_facilitator_is_sent_to_set_up_from_every_staff_url(client, world):
    client.force_login(world["users"]["facilitator"])
    urls = scoping.list_urls(world["survey"]) + [
        url for _name, method, url in scoping.object_urls(world["objects"]["b"]) if method == "get"
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SET_UP), url


def test_set_up_with_the_right_code_turns_it_on_and_shows_recovery_codes_once(client, facilitator):
    client.force_login(facilitator)
    page = client.get(f"{SET_UP}?next=/staff/links/").content.decode()
    key = shown_key(page)
    assert 'role="img" aria-label="QR code for your authenticator app"' in page
    assert "<svg" in page
    # A reload keeps the same key: the app may already hold it.
    assert shown_key(client.get(SET_UP).content.decode()) == key

    response = client.post(SET_UP, {"code": code_for(key), "next": "/staff/links/"})
    assert response["Location"] == "/accounts/two-step/recovery-codes/"
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert 'href="/staff/links/"' in shown
    assert client.get("/accounts/two-step/recovery-codes/")["Location"] == ACCOUNT
    assert client.get("/staff/").status_code == 200
    assert TOTPDevice.objects.get(user=facilitator).confirmed is True


def test_set_up_with_a_wrong_code_shows_the_error_and_keeps_the_key(client, facilitator):
    client.force_login(facilitator)
    key = shown_key(client.get(SET_UP).content.decode())
    response = client.post(SET_UP, {"code": "12345"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_code">Code</a>' in html
    assert "That code is not right." in html
    assert shown_key(html) == key
    assert not TOTPDevice.objects.filter(user=facilitator, confirmed=True).exists()


def test_sign_in_with_an_app_asks_for_a_code_then_opens_the_page(client, facilitator):
    device, _codes = enrolled(facilitator)
    sign_in(client, facilitator.email)
    asked = client.get("/staff/links/")
    assert asked["Location"] == f"{CODE}?next=/staff/links/"
    page = client.get(asked["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page
    response = client.post(CODE, {"code": code_for(device.bin_key), "next": "/staff/links/"})
    assert response["Location"] == "/staff/links/"
    assert client.get("/staff/links/").status_code == 200


def test_code_step_never_sends_people_off_the_site(client, staff_a):
    device, _codes = enrolled(staff_a)
    sign_in(client, staff_a.email)
    response = client.post(CODE, {"code": code_for(device.bin_key), "next": "https://x.example/"})
    assert response["Location"] == "/staff/"


def test_recovery_code_signs_in_once(client, staff_a):
    _device, codes = enrolled(staff_a)
    sign_in(client, staff_a.email)
    response = client.post(CODE, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"
    assert "9 recovery codes are left" in response.content.decode()
    client.post("/accounts/logout/")
    sign_in(client, staff_a.email)
    again = client.post(CODE, {"code": codes[0]})
    assert again.status_code == 200
    assert "That code is not right." in again.content.decode()


def test_wrong_codes_count_toward_the_password_lockout(client, staff_a):
    device, _codes = enrolled(staff_a)
    assert [sign_in(client, staff_a.email, "wrong").status_code for _ in range(2)] == [200, 200]
    # The right password does not start the count afresh while the code is still missing.
    assert sign_in(client, staff_a.email).status_code == 302
    codes = [
        client.post(CODE, {"code": "000000"}, REMOTE_ADDR=OFFICE).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert "_auth_user_id" not in client.session
    # Locked out: the password is refused too, and so would be a right code.
    assert sign_in(client, staff_a.email).status_code == 429


def test_right_code_clears_the_count(client, staff_a):
    device, _codes = enrolled(staff_a)
    sign_in(client, staff_a.email)
    for _ in range(4):
        client.post(CODE, {"code": "000000"}, REMOTE_ADDR=OFFICE)
    client.post(CODE, {"code": code_for(device.bin_key)}, REMOTE_ADDR=OFFICE)
    client.post("/accounts/logout/")
    assert [sign_in(client, staff_a.email, "wrong").status_code for _ in range(4)] == [200] * 4


def test_password_alone_cannot_replace_the_app(client, staff_a):
    enrolled(staff_a)
    sign_in(client, staff_a.email)
    assert client.get(SET_UP)["Location"] == f"{CODE}?next={SET_UP}"
    assert client.post("/accounts/two-step/turn-off/")["Location"].startswith(CODE)
    assert TOTPDevice.objects.filter(user=staff_a).count() == 1


def test_cbo_staff_sign_in_with_the_password_alone_until_they_turn_it_on(client, staff_a):
    sign_in(client, staff_a.email)
    assert client.get("/staff/").status_code == 200
    account = client.get(ACCOUNT).content.decode()
    assert "Two-step sign-in is off." in account
    assert f'href="{SET_UP}"' in account


def test_cbo_staff_turn_it_on_and_off_from_the_account_page(client, staff_a):
    client.force_login(staff_a)
    key = shown_key(client.get(SET_UP).content.decode())
    client.post(SET_UP, {"code": code_for(key)})
    account = client.get(ACCOUNT).content.decode()
    assert "Two-step sign-in is on" in account
    assert "You have 10 unused recovery codes." in account
    response = client.post("/accounts/two-step/turn-off/")
    assert response["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    assert not StaticToken.objects.filter(device__user=staff_a).exists()


def test_facilitator_may_not_turn_it_off(client, facilitator):
    client.force_login(facilitator)
    key = shown_key(client.get(SET_UP).content.decode())
    client.post(SET_UP, {"code": code_for(key)})
    assert "Your role needs two-step sign-in" in client.get(ACCOUNT).content.decode()
    assert client.post("/accounts/two-step/turn-off/").status_code == 403
    assert TOTPDevice.objects.filter(user=facilitator, confirmed=True).count() == 1


def test_new_recovery_codes_replace_the_old_ones(client, staff_a):
    client.force_login(staff_a)
    key = shown_key(client.get(SET_UP).content.decode())
    client.post(SET_UP, {"code": code_for(key)})
    old = set(StaticToken.objects.values_list("token", flat=True))
    response = client.post(reverse("mfa_new_recovery_codes"))
    shown = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", client.get(response["Location"]).content.decode()
    )
    assert set(shown) == set(StaticToken.objects.values_list("token", flat=True))
    assert old.isdisjoint(shown)


@pytest.mark.parametrize("persona", scoping.PERSONAS)
def test_two_step_pages_for_every_persona_show_only_their_own_key(client, world, persona):
    """The URL x persona table's personas on the account's two-step pages; another person's
    key waiting to be confirmed is always present and never shown."""
    others_device = mfa.pending_authenticator(world["users"]["manager_b"])
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    pages = {url: client.get(url) for url in [ACCOUNT, SET_UP, CODE]}
    statuses = {url: response.status_code for url, response in pages.items()}
    if persona in {"anonymous", "deactivated"}:
        assert statuses == {ACCOUNT: 302, SET_UP: 302, CODE: 302}
        assert all(r["Location"].startswith("/accounts/login/") for r in pages.values())
        return
    # The code page has nothing to ask before an app is set up: on to the workspace. The
    # facilitator and city partners must set one up before any other account page.
    account = 302 if persona in {"facilitator", "partner"} else 200
    assert statuses == {ACCOUNT: account, SET_UP: 200, CODE: 302}
    shown = pages[SET_UP].content.decode()
    if persona == "manager_b":
        assert shown_key(shown) == others_device.bin_key
    else:
        assert shown_key(shown) != others_device.bin_key
        assert mfa.secret(others_device) not in shown


def test_code_page_lets_in_someone_whose_app_was_removed_meanwhile(client, staff_a):
    enrolled(staff_a)
    sign_in(client, staff_a.email)
    assert client.get("/staff/")["Location"] == f"{CODE}?next=/staff/"
    # The facilitator deletes the devices in the admin (a lost phone).
    mfa.turn_off(staff_a)
    assert client.get(f"{CODE}?next=/staff/")["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
