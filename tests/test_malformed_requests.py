"""Requests no browser of ours sends: odd bodies and control characters get a styled 4xx,
never a bare 500, and never reach the database."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CSRF_SECRET = "a" * 32

MALFORMED_BODIES = [
    ("application/x-www-form-urlencoded; charset=latin-1", b"username=\xe9&password=x"),
    ("multipart/form-data; boundary=", b"--\r\n\r\n--"),
    ("multipart/form-data", b"username=a"),
]
UNKNOWN_CHARSET = "application/x-www-form-urlencoded; charset=x-no-such-charset"
STAFF_AND_RESIDENT_URLS = ["/accounts/login/", "/en/s/unknown-token/consent/", "/staff/"]


def browser_like_client():
    """A client that checks CSRF like a browser's request is checked: it reads the body."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


@pytest.mark.parametrize("content_type, body", MALFORMED_BODIES)
@pytest.mark.parametrize("url", STAFF_AND_RESIDENT_URLS)
def test_malformed_post_body_gets_the_styled_400_page(url, content_type, body):
    response = browser_like_client().generic(
        "POST", url, body, content_type=content_type, HTTP_X_CSRFTOKEN=CSRF_SECRET
    )
    assert response.status_code == 400
    assert "Something went wrong with this page" in response.content.decode()


@pytest.mark.parametrize("url", STAFF_AND_RESIDENT_URLS)
def test_unknown_charset_is_read_as_utf8(url):
    response = browser_like_client().generic(
        "POST", url, b"username=a", content_type=UNKNOWN_CHARSET, HTTP_X_CSRFTOKEN=CSRF_SECRET
    )
    assert response.status_code in {200, 302, 404}


@pytest.mark.urls("tests.crash_urls")
@pytest.mark.parametrize("content_type, body", [*MALFORMED_BODIES, (UNKNOWN_CHARSET, b"a=b")])
def test_server_error_page_never_reads_the_body_again(content_type, body):
    response = browser_like_client().generic("POST", "/crash/", body, content_type=content_type)
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


@pytest.mark.urls("tests.crash_urls")
def test_server_error_page_is_styled_and_translated():
    response = Client(raise_request_exception=False).get("/crash/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 500
    assert 'href="/static/site/site.css"' in response.content.decode()


def test_unknown_page_gets_the_styled_404_page(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- Control characters ----------------------------------------------------------------


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/en/s/abc%00def/",
        "/en/s/abc%00def/consent/",
        "/l/abc%00def",
        "/staff/?org=%00",
        "/staff/downloads/responses.csv?instrument=a%00",
        "/staff/sessions/new/?org=org-a&guide=%00",
        "/staff/responses/?language=%00",
        "/admin/surveys/response/?channel__exact=%00",
        "/admin/surveys/collectionlink/?q=%00",
        "/staff/?org=%01",
        "/en/%07/",
    ],
)
def test_control_character_in_url_gets_400_before_any_query(
    facilitator_client, org_a, url, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = facilitator_client.get(url)
    assert response.status_code == 400
    assert "Something went wrong with this page" in response.content.decode()


def test_control_character_in_session_cookie_gets_400_before_any_query(
    client, django_assert_num_queries
):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "abc\x00def"
    with django_assert_num_queries(0):
        response = client.get("/staff/")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/en/s/abc.def/", "/en/s/abc%C3%A9/consent/", "/l/ABC-1", "/l/abc%20def", "/l/0oil1"]
)
def test_link_token_or_short_code_with_impossible_characters_is_404_without_a_query(
    client, url, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 404
