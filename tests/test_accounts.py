"""Signing in and out, passwords, the lockout, the idle timeout and the staff language."""

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from organizations.models import Membership

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Staff pages activate the user's language in this thread; later tests expect English."""
    yield
    translation.activate("en")


PASSWORD = "a-long-test-password"
LOGIN = "/accounts/login/"
OFFICE = "10.1.1.1"
ELSEWHERE = "10.2.2.2"


def sign_in(client, email, password=PASSWORD, address=OFFICE):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client, email, address=OFFICE):
    return [sign_in(client, email, "wrong-password", address).status_code for _ in range(5)]


def link_in(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


# --- Sign in and out -------------------------------------------------------------------


def test_sign_in_by_email_ignores_case(client, staff_a):
    response = sign_in(client, staff_a.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.session["_auth_user_id"] == str(staff_a.pk)


def test_sign_in_with_wrong_password_shows_error_summary(client, staff_a):
    response = sign_in(client, staff_a.email, "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Please enter a correct email address and password." in html
    assert "<title>Error: Sign in – Workspace</title>" in html
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, staff_a):
    client.force_login(staff_a)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get("/staff/")["Location"] == f"{LOGIN}?next=/staff/"


def test_login_page_is_staff_layout_with_labelled_fields(client):
    html = client.get(LOGIN).content.decode()
    assert re.findall(r'for="(id_\w+)"', html) == ["id_username", "id_password"]
    assert '<input type="email" name="username"' in html
    assert '<h1 tabindex="-1" class="page-heading">Sign in</h1>' in html


# --- Lockout ---------------------------------------------------------------------------


def test_five_wrong_passwords_lock_out_that_email_from_that_address(client, staff_a):
    assert fail_five_times(client, staff_a.email) == [200, 200, 200, 200, 429]
    # Even the right password is refused while the pause lasts.
    response = sign_in(client, staff_a.email)
    assert response.status_code == 429
    html = response.content.decode()
    assert '<h1 tabindex="-1" class="page-heading">Sign-in paused</h1>' in html
    assert "signing in with it from here is paused for 15 minutes." in html
    assert 'href="/accounts/password/reset/"' in html
    assert "_auth_user_id" not in client.session


def test_lockout_page_speaks_the_browser_language(client, staff_a):
    fail_five_times(client, staff_a.email)
    response = client.post(
        LOGIN,
        {"username": staff_a.email, "password": PASSWORD},
        REMOTE_ADDR=OFFICE,
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert "Ir al contenido principal" in html


def test_lockout_spares_other_addresses_and_other_people(staff_a, manager_a):
    fail_five_times(Client(), staff_a.email, OFFICE)
    # The same person from home, and a colleague in the same office, still sign in.
    assert sign_in(Client(), staff_a.email, address=ELSEWHERE).status_code == 302
    assert sign_in(Client(), manager_a.email, address=OFFICE).status_code == 302


def test_lockout_counts_spellings_of_one_address_together(client, staff_a):
    variants = [staff_a.email, staff_a.email.upper(), staff_a.email.title()]
    codes = [sign_in(client, variants[i % 3], "wrong-password").status_code for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert sign_in(client, staff_a.email).status_code == 429


def test_password_reset_through_the_mailed_link_lifts_the_lockout(client, staff_a):
    fail_five_times(client, staff_a.email)
    client.post("/accounts/password/reset/", {"email": staff_a.email}, REMOTE_ADDR=OFFICE)
    assert len(mail.outbox) == 1
    confirm = client.get(link_in(mail.outbox[0]))
    assert confirm.status_code == 302
    saved = client.post(
        confirm["Location"],
        {"new_password1": "another-long-password-9", "new_password2": "another-long-password-9"},
    )
    assert saved["Location"] == "/accounts/password/reset/done/"
    response = sign_in(client, staff_a.email, "another-long-password-9")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


# --- Passwords ---------------------------------------------------------------------------


def test_password_reset_sends_one_mail_with_a_link_and_no_password(client, staff_a):
    response = client.post("/accounts/password/reset/", {"email": staff_a.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff_a.email]
    assert message.subject == "Choose a new password"
    assert link_in(message).startswith("/accounts/password/reset/")
    assert PASSWORD not in message.body


def test_password_reset_mail_speaks_the_users_language(client, staff_a):
    staff_a.preferred_language = "es"
    staff_a.save(update_fields=["preferred_language"])
    client.post("/accounts/password/reset/", {"email": staff_a.email})
    # The subject follows the user's language (whatever the catalog holds for it yet).
    with translation.override("es"):
        expected = translation.gettext("Choose a new password")
    assert mail.outbox[0].subject == expected


def test_password_reset_is_throttled_per_address_with_the_same_answer(client, staff_a, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    answers = [
        client.post("/accounts/password/reset/", {"email": staff_a.email}, REMOTE_ADDR=OFFICE)[
            "Location"
        ]
        for _ in range(3)
    ]
    assert answers == ["/accounts/password/reset/sent/"] * 3
    assert len(mail.outbox) == 2
    # Another connection is not held back.
    client.post("/accounts/password/reset/", {"email": staff_a.email}, REMOTE_ADDR=ELSEWHERE)
    assert len(mail.outbox) == 3


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_change_keeps_the_session_and_the_new_password_works(client, staff_a):
    client.force_login(staff_a)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-9",
            "new_password2": "another-long-password-9",
        },
    )
    assert response["Location"] == "/accounts/password/changed/"
    assert client.get("/staff/").status_code == 200
    staff_a.refresh_from_db()
    assert staff_a.check_password("another-long-password-9")


def test_password_change_errors_are_summarised_with_links(client, staff_a):
    client.force_login(staff_a)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))
    ]
    assert re.findall(r'href="(#[^"]+)"', summary) == ["#id_old_password", "#id_new_password2"]


# --- Idle timeout and keep-alive -------------------------------------------------------


def test_idle_staff_are_signed_out_and_sent_to_sign_in(client, staff_a, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(staff_a)
    session = client.session
    session["staff_last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/staff/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()


def test_activity_within_the_limit_keeps_the_session(client, staff_a, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(staff_a)
    session = client.session
    session["staff_last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get("/staff/").status_code == 200


def test_keepalive_answers_204_and_refreshes_last_seen(client, staff_a):
    client.force_login(staff_a)
    session = client.session
    session["staff_last_seen"] = time.time() - 20 * 60
    session.save()
    response = client.post("/accounts/keepalive/")
    assert response.status_code == 204
    assert time.time() - client.session["staff_last_seen"] < 5


def test_keepalive_accepts_the_forms_csrf_token_in_a_header(staff_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    page = client.get("/accounts/password/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/accounts/keepalive/").status_code == 403
    assert client.post("/accounts/keepalive/", HTTP_X_CSRFTOKEN=token).status_code == 204


def test_keepalive_refuses_get_and_anonymous(client, staff_a):
    assert client.post("/accounts/keepalive/")["Location"] == f"{LOGIN}?next=/accounts/keepalive/"
    client.force_login(staff_a)
    assert client.get("/accounts/keepalive/").status_code == 405


def test_staff_script_documents_its_autosave_contract():
    from pathlib import Path

    script = (Path(__file__).resolve().parent.parent / "static/site/staff.js").read_text()
    for part in (
        "data-autosave",
        "data-keepalive-url",
        'data-bound="false"',
        "data-restored-message",
        "data-autosave-saved",
        '"autosave:"',
        "csrfmiddlewaretoken",
    ):
        assert part in script


# --- Language ----------------------------------------------------------------------------


def test_staff_pages_follow_the_users_preferred_language(client, org_a):
    user = MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user
    user.preferred_language = "es"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    html = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert '<a class="skip-link" href="#main">Ir al contenido principal</a>' in html


def test_staff_language_choice_is_kept_on_the_account(client, staff_a):
    client.force_login(staff_a)
    response = client.post("/accounts/language/", {"language": "zh-hans", "next": "/staff/team/"})
    assert response["Location"] == "/staff/team/"
    staff_a.refresh_from_db()
    assert staff_a.preferred_language == "zh-hans"


@pytest.mark.parametrize(
    "following, expected",
    [
        ("V", "/"),
        ("12:00", "/"),
        ("workspace:home", "/"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("/staff/sessions/?page=2", "/staff/sessions/?page=2"),
    ],
)
def test_staff_language_choice_goes_back_only_to_a_path_of_this_site(
    client, staff_a, following, expected
):
    client.force_login(staff_a)
    response = client.post("/accounts/language/", {"language": "es", "next": following})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_sign_in_with_an_overlong_email_is_a_form_error(client, staff_a):
    # django-axes keeps the attempted username in a 255-character column.
    response = sign_in(client, "a" * 290 + "@example.org")
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters (it has 302)." in response.content.decode()
    assert "_auth_user_id" not in client.session
