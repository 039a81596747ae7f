"""Polish and Arabic in a real browser (headless Chromium), with the site offering them as
OFFERED_LANGUAGES=en,es,zh-hans,pl,ar would: the whole demo survey in Arabic on a phone, right to
left and axe-clean on every page; the same walk in Polish; the Arabic paper questionnaire and
flyer, on screen and as printed."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from organizations.models import Membership, User
from surveys import demo_content
from surveys.models import Instrument, Response

from .browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    format_violations,
    html_lang,
    submit,
    translated,
)
from .resident import response_ids, stored_answers
from .test_browser_resident import (
    MINIMAL,
    assert_thank_you_page,
    complete,
    demo_link,
    flow_url,
    new_responses,
    start_and_consent,
)
from .test_browser_staff import sign_in, visit, workspace_data  # noqa: F401 (a fixture)
from .test_languages import MORE, offer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

ANSWERS = {
    **MINIMAL,
    "area_relationship": "live_and_work",
    "zip_code": "60608",
    "feel_safe_night": "unsafe",
    "less_safe_reasons": ["poor_lighting", "reckless_driving"],
    "trust_police": "agree",
    "police_contact_12m": "no",
    "respond_mental_health": "professional",
    "household_size": "3",
}
STORED = {
    **ANSWERS,
    "household_size": Decimal("3"),
    "less_safe_reasons": ["poor_lighting", "reckless_driving"],
}


@pytest.fixture
def demo(areas, settings):
    offer(settings, MORE)
    # The demo's staff accounts are not signed in with here: a fast hasher saves seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", quiet_logins=True, force=True)
    return Instrument.objects.get(code=demo_content.SURVEY["code"])


def direction(page):
    return page.locator("html").get_attribute("dir")


def computed_direction(page, selector="body"):
    return page.locator(selector).first.evaluate("(node) => getComputedStyle(node).direction")


def fits_the_screen(page):
    """Nothing sticks out sideways (a left/right rule meant for left to right would)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


class PageChecks:
    """Per page: the language, its direction, the width, and axe-core's verdict."""

    def __init__(self, language, expected_direction):
        self.language, self.direction = language, expected_direction
        self.checked, self.found = [], []

    def __call__(self, page):
        self.checked.append(page.url)
        assert html_lang(page) == self.language, page.url
        assert direction(page) == self.direction, page.url
        assert computed_direction(page) == self.direction, page.url
        assert fits_the_screen(page), page.url
        violations = axe_violations(page)
        if violations:
            self.found.append(f"{page.url}:\n{format_violations(violations)}")

    def assert_clean(self, pages):
        assert len(self.checked) == pages, self.checked
        assert not self.found, "axe-core found WCAG A/AA violations:\n" + "\n".join(self.found)


def walk_demo_survey(page, live_server, link, language, each_page, typed):
    page.goto(flow_url(live_server, link, language))
    start_and_consent(page, language, each_page=each_page)
    complete(page, language, {**ANSWERS, "safer_one_thing": typed}, each_page=each_page)
    assert_thank_you_page(page, live_server, link, language)
    each_page(page)


def test_resident_completes_demo_survey_in_arabic_right_to_left(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    checks = PageChecks("ar", "rtl")

    def each_page(page):
        checks(page)
        if "/step/1/" in page.url:
            # Right to left: each radio button sits at the right of its label.
            option = page.locator(".form-check").first
            radio = option.locator("input").bounding_box()
            label = option.locator("label").bounding_box()
            assert radio["x"] > label["x"] + label["width"] - 1, (radio, label)
            switcher = page.get_by_role("navigation", name=translated("ar", "Language"))
            assert switcher.locator('[aria-current="true"]').inner_text() == "العربيّة"
            assert switcher.locator('[lang="pl"]').inner_text() == "polski"
            assert switcher.locator('[lang="en"]').get_attribute("dir") == "ltr"

    typed = "إنارة أفضل في الشارع ومركز للشباب."
    walk_demo_survey(page, live_server, link, "ar", each_page, typed)

    # Start, consent, every step, thank-you.
    checks.assert_clean(len(demo_content.SURVEY["sections"]) + 3)
    [response] = new_responses(before)
    assert (response.language, response.languages_used) == ("ar", ["ar"])
    assert stored_answers(response) == {**STORED, "safer_one_thing": typed}
    assert Response.objects.filter(pk=response.pk).count() == 1
    problems.assert_clean()


def test_resident_completes_demo_survey_in_polish(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    checks = PageChecks("pl", "ltr")
    typed = "Lepsze oświetlenie ulicy i więcej zajęć dla młodzieży."
    walk_demo_survey(page, live_server, link, "pl", checks, typed)

    checks.assert_clean(len(demo_content.SURVEY["sections"]) + 3)
    [response] = new_responses(before)
    assert (response.language, response.languages_used) == ("pl", ["pl"])
    assert stored_answers(response) == {**STORED, "safer_one_thing": typed}
    problems.assert_clean()


def test_arabic_paper_questionnaire_and_flyer_print_right_to_left(
    live_server, new_page, demo, client
):
    link = demo_link()
    staff = Membership.objects.filter(
        organization=link.organization, role=Membership.Role.STAFF
    ).first()
    client.force_login(staff.user)
    # Printable pages, opened by staff on a laptop.
    page, problems = new_page(viewport=DESKTOP)
    page.context.add_cookies(
        [
            {"name": name, "value": cookie.value, "url": live_server.url}
            for name, cookie in client.cookies.items()
        ]
    )
    checks = PageChecks("ar", "rtl")

    page.goto(live_server.url + f"/staff/paper/{demo.code}/print/ar/")
    checks(page)
    page.emulate_media(media="print")
    assert computed_direction(page) == "rtl"
    # Each answer box sits at the right, where an Arabic line starts.
    choice = page.locator("ul.paper-choices li").first
    box = choice.locator(".box").bounding_box()
    line = choice.bounding_box()
    assert box["x"] + box["width"] > line["x"] + line["width"] - 2, (box, line)
    page.emulate_media(media="screen")

    page.goto(live_server.url + f"/ar/s/{link.token}/flyer/")
    checks(page)
    page.emulate_media(media="print")
    assert computed_direction(page) == "rtl"
    assert computed_direction(page, 'li[lang="ar"]') == "rtl"
    assert computed_direction(page, 'li[lang="en"]') == "ltr"
    assert computed_direction(page, ".short-link") == "ltr"

    checks.assert_clean(2)
    problems.assert_clean()


@pytest.mark.parametrize(
    "language, expected_direction, viewport",
    [("ar", "rtl", PHONE), ("ar", "rtl", DESKTOP), ("pl", "ltr", PHONE)],
)
def test_staff_workspace_in_arabic_and_polish(
    live_server,
    new_page,
    workspace_data,  # noqa: F811 (the fixture imported above)
    settings,
    language,
    expected_direction,
    viewport,
):
    """A CBO manager whose account speaks Arabic (or Polish) works right to left (or left to
    right) on every main workspace page: the page's language and direction, nothing sticking
    out sideways, and axe-core clean."""
    offer(settings, MORE)
    data = workspace_data
    manager, survey, session = data["manager"], data["survey"], data["session"]
    User.objects.filter(pk=manager.pk).update(preferred_language=language)
    member = Membership.objects.get(user=data["staff"].user)
    page, problems = new_page(viewport=viewport)
    sign_in(page, live_server, manager.email)
    checks = PageChecks(language, expected_direction)
    pages = [
        "/staff/",
        "/staff/links/",
        "/staff/links/new/",
        "/staff/sessions/",
        "/staff/sessions/new/",
        f"/staff/sessions/{session.pk}/",
        f"/staff/sessions/{session.pk}/history/",
        "/staff/responses/",
        f"/staff/responses/{data['response'].pk}/",
        "/staff/downloads/",
        "/staff/paper/",
        f"/staff/paper/{survey.code}/enter/",
        "/staff/paper/batches/",
        "/staff/team/",
        f"/staff/team/{member.public_id}/",
    ]
    for path in pages:
        visit(page, live_server, path)
        checks(page)
    # An error summary in the page's language, its links in place.
    visit(page, live_server, "/staff/sessions/new/")
    page.locator("#id_starts_at").fill("19:00")
    page.locator("#id_ends_at").fill("18:00")
    submit(page, page.get_by_role("button", name=translated(language, "Save as draft")))
    summary = page.locator("#error-summary")
    assert translated(language, "The end time must be after the start time.") in (
        summary.inner_text()
    )
    checks(page)
    checks.assert_clean(len(pages) + 1)
    problems.assert_clean()
