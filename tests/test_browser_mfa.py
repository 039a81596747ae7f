"""Two-step sign-in in a real browser: the facilitator sets up an authenticator app with a
code computed here from the key the page shows, signs out, and signs in again with the next
code; axe-core finds nothing on any of its pages."""

from base64 import b32decode

import pytest

from .browser import DESKTOP, assert_no_axe_violations, submit
from .test_browser_staff import label, sign_in, url, with_password
from .test_mfa import code_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_facilitator_sets_up_an_app_then_signs_in_with_a_fresh_code(
    live_server, new_page, facilitator, settings
):
    settings.MFA_REQUIRED = True
    with_password(facilitator)
    page, problems = new_page(DESKTOP)

    sign_in(page, live_server, facilitator.email)
    assert page.url == url(live_server, "/accounts/two-step/set-up/?next=/staff/")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_no_axe_violations(page)

    # A mistyped code: the error summary links to the field, the key stays the same.
    key_text = page.locator("#mfa-secret").inner_text()
    page.get_by_label(label("Code")).fill("12345")
    submit(page, page.get_by_role("button", name="Turn on two-step sign-in"))
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link", name="Code").get_attribute("href") == "#id_code"
    assert page.locator("#mfa-secret").inner_text() == key_text
    assert_no_axe_violations(page)

    key = b32decode(key_text.replace(" ", ""))
    page.get_by_label(label("Code")).fill(code_for(key))
    submit(page, page.get_by_role("button", name="Turn on two-step sign-in"))
    assert page.url == url(live_server, "/accounts/two-step/recovery-codes/")
    assert page.get_by_role("list", name="Recovery codes").get_by_role("listitem").count() == 10
    assert_no_axe_violations(page)
    submit(page, page.get_by_role("link", name="I have saved them – continue"))
    assert page.url == url(live_server, "/staff/")

    submit(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, live_server, facilitator.email, start=None)
    assert page.url == url(live_server, "/accounts/two-step/code/?next=/staff/")
    assert_no_axe_violations(page)
    # The code of the next 30-second step: the one used to set up is spent.
    page.get_by_label(label("Code")).fill(code_for(key, offset=30))
    submit(page, page.get_by_role("button", name="Continue"))
    assert page.url == url(live_server, "/staff/")
    assert page.get_by_role("navigation", name="Workspace").is_visible()

    # The Account page's two-step section.
    submit(page, page.get_by_role("link", name="Account"))
    submit(page, page.get_by_role("link", name="Set up or manage two-step sign-in"))
    assert page.get_by_text("You have 10 unused recovery codes.").is_visible()
    assert page.get_by_role("button", name="Turn off two-step sign-in").count() == 0
    assert_no_axe_violations(page)
    problems.assert_clean()
