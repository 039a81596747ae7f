"""The resident survey and the facilitator's admin in a real browser (headless Chromium).

Each test checks what people meet: the demo survey on a phone in Spanish or Chinese (start
page, consent, one step per section, thank-you page), an error state a screen reader can
follow, the admin under the strict CSP, and pages that fit a 320 px screen.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from organizations.models import Area
from surveys import demo_content
from surveys.models import CollectionLink, Instrument, Question, Response

from .browser import (
    answer_here,
    assert_no_axe_violations,
    button,
    choice_label,
    field,
    group,
    html_lang,
    question_text,
    submit,
    translated,
)
from .resident import response_ids, stored_answers

# The fixtures: one browser for the session, new_page(viewport=...) -> (page, problems).

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PHONE = (390, 844)
ADMIN_PASSWORD = "browser-test-password-2026"
CONTENT_KEY = {"en": "en", "es": "es", "zh-hans": "zh_hans"}
# The demo survey's first step asks who may take part.
ELIGIBLE = {"age_18_plus": "yes", "live_work_chicago": "live"}


@pytest.fixture
def demo(areas):
    call_command("load_demo", quiet_logins=True, force=True)
    return Instrument.objects.get(code=demo_content.SURVEY["code"])


@pytest.fixture
def no_minimum_time(settings):
    """A test fills a survey in seconds; the "that was quick" check is not under test here."""
    settings.MIN_SECONDS_TO_COMPLETE = 0


def web_link(organization_slug):
    return CollectionLink.objects.get(
        kind=CollectionLink.Kind.WEB,
        organization__slug=organization_slug,
        instrument__code=demo_content.SURVEY["code"],
    )


def first_cbo_link():
    return web_link(demo_content.ORGANIZATIONS[0]["slug"])


def chinatown_link():
    return web_link("demo-chinatown-safety-circle")


def link_url(live_server, link, language):
    with translation.override(language):
        return live_server.url + link.get_absolute_url()


# The demo survey's own texts, by question code and content language.


def section_title(code, language):
    for section in demo_content.SURVEY["sections"]:
        if any(q["code"] == code for q in section["questions"]):
            return section["title"][CONTENT_KEY[language]]
    raise KeyError(code)


def start_and_consent(page, language, each_page=lambda page: None):
    """From the start page through consent to the first step."""
    submit(page, page.get_by_role("link", name=translated(language, "Start"), exact=True))
    assert html_lang(page) == language
    each_page(page)
    submit(page, button(page, language, "I agree, start the survey"))
    assert re.search(r"/step/\d+/$", page.url), page.url


def complete_survey(page, language, answers, each_page=lambda page: None):
    """Answer every step with `answers` ({code: value}) and submit on the last one."""
    pending = dict(answers)
    for _step in range(len(demo_content.SURVEY["sections"])):
        each_page(page)
        assert html_lang(page) == language
        answer_here(page, language, pending)
        is_last = button(page, language, "Submit my answers").count() == 1
        submit(page, button(page, language, "Submit my answers" if is_last else "Next"))
        if "/thanks/" in page.url:
            break
    assert not pending, f"Not shown on any step: {sorted(pending)}"
    assert "/thanks/" in page.url, page.url


def assert_thank_you_page(page, live_server, link, language):
    with translation.override(language):
        prefix = live_server.url + link.get_absolute_url() + "thanks/"
    assert page.url.startswith(prefix)
    assert html_lang(page) == language
    assert page.get_by_role("heading", level=1).inner_text() == translated(language, "Thank you")
    thank_you = demo_content.SURVEY["thank_you_text"][CONTENT_KEY[language]]
    assert thank_you in page.locator("main").inner_text()


def assert_one_new_response(before, language, expected):
    """Exactly one response besides `before` (ids), in `language`, with these answers only."""
    assert Response.objects.count() == len(before) + 1
    response = Response.objects.exclude(pk__in=before).get()
    assert response.language == language
    assert response.languages_used == [language]
    assert response.channel == Response.Channel.WEB
    assert stored_answers(response) == expected
    return response


def open_in_english_and_switch(live_server, page, link, language, switcher_name):
    """Open the link in English, switch language in the header, start and consent."""
    page.goto(link_url(live_server, link, "en"))
    assert html_lang(page) == "en"
    switcher = page.get_by_role("navigation", name=translated("en", "Language"))
    submit(page, switcher.get_by_role("link", name=switcher_name, exact=True))
    assert page.url == link_url(live_server, link, language)
    assert html_lang(page) == language
    assert_no_axe_violations(page)
    start_and_consent(page, language, each_page=assert_no_axe_violations)


def test_resident_completes_demo_survey_in_spanish_on_phone(
    live_server, new_page, demo, no_minimum_time
):
    link = first_cbo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    open_in_english_and_switch(live_server, page, link, "es", "español")
    complete_survey(
        page,
        "es",
        {
            **ELIGIBLE,
            "community_area": "Lower West Side",
            "zip_code": "60608",
            "less_safe_reasons": ["poor_lighting", "reckless_driving"],
            "trust_police": "agree",
            "respond_mental_health": "professional",
            "safer_one_thing": "Más luz en las calles y más programas para jóvenes.",
            "household_size": "３",
        },
        each_page=assert_no_axe_violations,
    )
    assert_thank_you_page(page, live_server, link, "es")
    assert_no_axe_violations(page)

    response = assert_one_new_response(
        before,
        "es",
        {
            **ELIGIBLE,
            "community_area": "Lower West Side",
            "zip_code": "60608",
            "less_safe_reasons": ["poor_lighting", "reckless_driving"],
            "trust_police": "agree",
            "respond_mental_health": "professional",
            "safer_one_thing": "Más luz en las calles y más programas para jóvenes.",
            "household_size": Decimal("3"),
        },
    )
    assert response.area == Area.objects.get(name="Lower West Side")
    assert response.link == link
    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_resident_completes_demo_survey_in_chinese_on_phone(
    live_server, new_page, demo, no_minimum_time
):
    link = chinatown_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    open_in_english_and_switch(live_server, page, link, "zh-hans", "简体中文")
    complete_survey(
        page,
        "zh-hans",
        {
            **ELIGIBLE,
            # Chinatown's community area, by its Chinese name.
            "community_area": "阿默广场（华埠）",
            "zip_code": "60616",
            "feel_safe_night": "unsafe",
            "less_safe_reasons": ["poor_lighting"],
            "trust_police": "agree",
            "respond_noise": "community_org",
            "safer_one_thing": "晚上多一些路灯。",
            "household_size": "２",
        },
        each_page=assert_no_axe_violations,
    )
    assert_thank_you_page(page, live_server, link, "zh-hans")
    assert_no_axe_violations(page)

    assert_one_new_response(
        before,
        "zh-hans",
        {
            **ELIGIBLE,
            "community_area": "Armour Square",
            "zip_code": "60616",
            "feel_safe_night": "unsafe",
            "less_safe_reasons": ["poor_lighting"],
            "trust_police": "agree",
            "respond_noise": "community_org",
            "safer_one_thing": "晚上多一些路灯。",
            "household_size": Decimal("2"),
        },
    )
    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_validation_error_is_announced_and_keeps_answers(live_server, new_page, demo):
    link = first_cbo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    page.goto(link_url(live_server, link, "es"))
    start_and_consent(page, "es")
    eligible = dict(ELIGIBLE)
    answer_here(page, "es", eligible)
    assert not eligible
    submit(page, button(page, "es", "Next"))
    step_url = page.url
    # Answers typed, but not the required community area.
    group(page, "area_relationship", "es").get_by_label(
        choice_label("area_relationship", "work", "es"), exact=True
    ).check()
    field(page, "zip_code", "es").fill("60608")
    submit(page, button(page, "es", "Next"))

    assert page.url == step_url
    with translation.override("es"):
        error_title = gettext("Error: %(title)s") % {"title": section_title("community_area", "es")}
    assert error_title.startswith(translated("es", "Error:").rstrip(":"))
    assert page.title().startswith(error_title), page.title()
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    # The summary takes the focus on arrival, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary_links = summary.get_by_role("link")
    assert summary_links.count() == 1
    first = summary_links.first
    assert first.inner_text() == question_text("community_area", "es")
    target = first.get_attribute("href").removeprefix("#")
    assert target == "id_q-community_area"
    first.click()
    assert page.evaluate("document.activeElement.id") == target

    assert (
        group(page, "area_relationship", "es")
        .get_by_label(choice_label("area_relationship", "work", "es"), exact=True)
        .is_checked()
    )
    assert field(page, "zip_code", "es").input_value() == "60608"
    assert_no_axe_violations(page)
    assert response_ids() == before
    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_admin_pages_have_no_csp_violations(live_server, new_page, demo, facilitator):
    facilitator.set_password(ADMIN_PASSWORD)
    facilitator.save(update_fields=["password"])
    matrix = demo.questions.get(type=Question.Type.MATRIX)
    response = Response.objects.filter(instrument=demo, language="es").order_by("pk").first()
    page, problems = new_page(viewport=(1280, 900))

    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill(facilitator.email)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    submit(page, page.locator("input[type=submit]"))
    assert page.url == live_server.url + "/admin/"
    assert page.locator("#user-tools").count() == 1

    def visit(path):
        answer = page.goto(live_server.url + path)
        assert answer.status == 200, path
        assert "/login/" not in page.url, path

    visit(f"/admin/surveys/instrument/{demo.pk}/change/")
    # modeltranslation's tabs, made by jQuery UI from the site's own static files.
    page.locator(".ui-tabs").first.wait_for()
    assert page.locator(".ui-tabs-nav li").count() >= 3
    visit(f"/admin/surveys/question/{matrix.pk}/change/")
    page.locator(".ui-tabs").first.wait_for()
    visit("/admin/surveys/response/?language__exact=es")
    languages = page.locator("#result_list tbody td.field-language").all_inner_texts()
    assert languages and set(languages) == {"es"}
    visit(f"/admin/surveys/response/{response.pk}/change/")
    assert page.locator(".inline-group").count() >= 1
    # The instrument's preview (linked from the admin's list): residents' pages, stores nothing.
    with translation.override("es"):
        visit(reverse("surveys:preview_start", kwargs={"pk": demo.pk}))
    assert html_lang(page) == "es"
    start_and_consent(page, "es")
    assert page.get_by_role("group").count() > 0

    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_survey_page_fits_320px_without_horizontal_scroll(live_server, new_page, demo):
    link = first_cbo_link()
    widths = {}
    for language in ("en", "es", "zh-hans"):
        page, problems = new_page(viewport=(320, 640))

        def measure(page, language=language):
            path = page.url.removeprefix(live_server.url)
            widths[f"{language} {path}"] = page.evaluate("document.documentElement.scrollWidth")

        page.goto(link_url(live_server, link, language))
        measure(page)
        submit(page, page.get_by_role("link", name=translated(language, "Start"), exact=True))
        measure(page)
        submit(page, button(page, language, "I agree, start the survey"))
        for _step in range(len(demo_content.SURVEY["sections"])):
            measure(page)
            answer_here(page, language, {**ELIGIBLE, "community_area": "Lower West Side"})
            if button(page, language, "Submit my answers").count():
                break
            submit(page, button(page, language, "Next"))
        problems.assert_no_csp_violations()
    assert len(widths) >= 3 * 8
    too_wide = {page: width for page, width in widths.items() if width > 320}
    assert not too_wide
