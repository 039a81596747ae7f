"""Ten identical final POSTs at the same moment store exactly one response (live server)."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from surveys.models import Response

from .resident import STEP_TWO, first_step, flow_url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base, jar=None):
        self.base = base
        self.jar = jar or http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def form(self, path):
        status, _headers, html = self.request(path)
        assert status == 200, (path, status)
        fields = dict(re.findall(r'name="(csrfmiddlewaretoken|rid)" value="([^"]*)"', html))
        return fields


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_final_posts_store_one_response(live_server, link, areas):
    browser = Browser(live_server.url)
    consent = flow_url(link, "consent")
    status, headers, _ = browser.request(consent, {**browser.form(consent), "decision": "agree"})
    step1 = headers["Location"]
    status, headers, _ = browser.request(
        step1, {**browser.form(step1), **first_step(areas.first()), "action": "next"}
    )
    step2 = headers["Location"]
    final = {**browser.form(step2), **STEP_TWO, "action": "next"}

    barrier = threading.Barrier(10)
    results = []

    def submit():
        twin = Browser(live_server.url, browser.jar)
        barrier.wait()
        results.append(twin.request(step2, final))

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert Response.objects.count() == 1
    assert [status for status, _, _ in results] == [302] * 10
    locations = {headers["Location"] for _, headers, _ in results}
    assert len(locations) == 1
    assert locations.pop().startswith(f"/en/s/{link.token}/thanks/")
    assert Response.objects.get().answers.count() == 11
