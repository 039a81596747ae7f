"""The resident survey and the facilitator's admin in a real browser (headless Chromium).

Each test checks what users meet: a phone-sized survey in Spanish or Chinese, an error state a
screen reader can follow, the admin under the strict CSP, a page that fits a 320 px screen.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from organizations.models import Area
from surveys import demo_content
from surveys.models import CollectionLink, Instrument, Question, Response

from .browser import assert_no_axe_violations, browser, new_page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

ADMIN_PASSWORD = "browser-test-password-2026"


@pytest.fixture
def demo(areas):
    call_command("load_demo", quiet_logins=True, force=True)
    return Instrument.objects.get(code=demo_content.SURVEY["code"])


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


def survey_url(live_server, link, language):
    with translation.override(language):
        return live_server.url + link.get_absolute_url()


def translated(language, message):
    with translation.override(language):
        return gettext(message)


def demo_question(code):
    """The demo survey's question (or matrix row) data by code."""
    for section in demo_content.SURVEY["sections"]:
        for question in section["questions"]:
            if question["code"] == code:
                return question
            for row in question.get("rows", []):
                if row["code"] == code:
                    return row
    raise KeyError(code)


def text(code, key):
    return demo_question(code)["text"][key]


def label(code, choice, key):
    return next(c["label"][key] for c in demo_question(code)["choices"] if c["code"] == choice)


def stored_answers(response):
    """{question code: value}: choice codes (sorted lists for multiple choice), area names,
    numbers and texts."""
    result = {}
    for answer in response.answers.select_related("question", "choice", "area"):
        code = answer.question.code
        if answer.choice_id:
            if answer.question.type == Question.Type.MULTIPLE:
                result[code] = sorted([*result.get(code, []), answer.choice.code])
                continue
            result[code] = answer.choice.code
        elif answer.area_id:
            result[code] = answer.area.name
        elif answer.number is not None:
            result[code] = answer.number
        else:
            result[code] = answer.text
    return result


def group(page, legend):
    """A radio or checkbox group (a fieldset) by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def switch_language(page, name):
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def complete_demo_survey(page, live_server, link, language, key, switcher_name, answers):
    """Open the link in English, switch language, answer, submit; the thank-you page."""
    page.goto(survey_url(live_server, link, "en"))
    assert page.locator("html").get_attribute("lang") == "en"
    switch_language(page, switcher_name)
    assert page.locator("html").get_attribute("lang") == language
    assert page.url == survey_url(live_server, link, language)
    assert_no_axe_violations(page)

    page.locator("#id_consent").check()
    page.get_by_label(text("community_area", key)).select_option(label=answers["area"])
    group(page, text("trust_police", key)).get_by_label(
        label("trust_police", answers["trust_police"], key), exact=True
    ).check()
    reasons = group(page, text("less_safe_reasons", key))
    for code in answers["less_safe_reasons"]:
        reasons.get_by_label(label("less_safe_reasons", code, key), exact=True).check()
    row, choice = answers["matrix"]
    group(page, text(row, key)).get_by_label(
        label("who_should_respond", choice, key), exact=True
    ).check()
    page.get_by_label(text("household_size", key)).press_sequentially(answers["household_size"])
    page.get_by_label(text("zip_code", key)).fill(answers["zip_code"])
    page.get_by_label(text("safer_one_thing", key)).fill(answers["safer_one_thing"])
    page.get_by_role("button", name=translated(language, "Submit my answers")).click()
    page.wait_for_url(re.compile(r"/thanks/"))
    return page


def assert_thank_you_page(page, live_server, link, language, key):
    with translation.override(language):
        prefix = live_server.url + link.get_absolute_url() + "thanks/"
    assert page.url.startswith(prefix)
    assert page.locator("html").get_attribute("lang") == language
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == translated(language, "Thank you")
    thank_you = demo_content.SURVEY["thank_you_text"][key].split("\n")[0].strip()
    assert thank_you in page.locator("main").inner_text()
    assert_no_axe_violations(page)


def assert_stored(before, language, expected):
    assert Response.objects.count() == before + 1
    response = Response.objects.order_by("-submitted_at").first()
    assert response.language == language
    assert response.channel == Response.Channel.WEB
    assert stored_answers(response) == expected
    return response


def test_resident_completes_demo_survey_in_spanish_on_phone(live_server, new_page, demo):
    link = first_cbo_link()
    before = Response.objects.count()
    page, problems = new_page(viewport=(390, 844))
    complete_demo_survey(
        page,
        live_server,
        link,
        "es",
        "es",
        "español",
        {
            "area": "Lower West Side",
            "trust_police": "agree",
            "less_safe_reasons": ["poor_lighting", "reckless_driving"],
            "matrix": ("respond_mental_health", "professional"),
            "household_size": "３",
            "zip_code": "60608",
            "safer_one_thing": "Más luz en las calles y más programas para jóvenes.",
        },
    )
    assert_thank_you_page(page, live_server, link, "es", "es")

    response = assert_stored(
        before,
        "es",
        {
            "community_area": "Lower West Side",
            "trust_police": "agree",
            "less_safe_reasons": ["poor_lighting", "reckless_driving"],
            "respond_mental_health": "professional",
            "household_size": Decimal("3"),
            "zip_code": "60608",
            "safer_one_thing": "Más luz en las calles y más programas para jóvenes.",
        },
    )
    assert response.area == Area.objects.get(name="Lower West Side")
    assert response.link == link
    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_resident_completes_demo_survey_in_chinese_on_phone(live_server, new_page, demo):
    link = chinatown_link()
    before = Response.objects.count()
    page, problems = new_page(viewport=(390, 844))
    complete_demo_survey(
        page,
        live_server,
        link,
        "zh-hans",
        "zh_hans",
        "简体中文",
        {
            "area": "Armour Square",
            "trust_police": "agree",
            "less_safe_reasons": ["poor_lighting"],
            "matrix": ("respond_noise", "community_org"),
            "household_size": "２",
            "zip_code": "60616",
            "safer_one_thing": "晚上多一些路灯。",
        },
    )
    assert_thank_you_page(page, live_server, link, "zh-hans", "zh_hans")

    assert_stored(
        before,
        "zh-hans",
        {
            "community_area": "Armour Square",
            "trust_police": "agree",
            "less_safe_reasons": ["poor_lighting"],
            "respond_noise": "community_org",
            "household_size": Decimal("2"),
            "zip_code": "60616",
            "safer_one_thing": "晚上多一些路灯。",
        },
    )
    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_validation_error_is_announced_and_keeps_answers(live_server, new_page, demo):
    link = first_cbo_link()
    page, problems = new_page(viewport=(390, 844))
    before = Response.objects.count()
    page.goto(survey_url(live_server, link, "es"))
    title = page.title()
    # Answers typed, but neither consent nor the required community area.
    group(page, text("trust_police", "es")).get_by_label(
        label("trust_police", "disagree", "es"), exact=True
    ).check()
    page.get_by_label(text("zip_code", "es")).fill("60608")
    page.get_by_label(text("safer_one_thing", "es")).fill("Más parques.")
    page.get_by_role("button", name=translated("es", "Submit my answers")).click()
    page.wait_for_load_state()

    assert page.title() == f"{translated('es', 'Error:')} {title}"
    assert Response.objects.count() == before
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    summary_links = summary.get_by_role("link")
    assert summary_links.count() == 2
    first = summary_links.first
    target = first.get_attribute("href").removeprefix("#")
    assert target == "id_consent"
    first.click()
    assert page.evaluate("document.activeElement.id") == target
    second = summary_links.nth(1)
    second.click()
    assert page.evaluate("document.activeElement.id") == "id_q-community_area"

    assert group(page, text("trust_police", "es")).get_by_label(
        label("trust_police", "disagree", "es"), exact=True
    ).is_checked()
    assert page.get_by_label(text("zip_code", "es")).input_value() == "60608"
    assert page.get_by_label(text("safer_one_thing", "es")).input_value() == "Más parques."
    assert_no_axe_violations(page)
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
    page.locator("input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#site-name").count() == 1
    assert page.locator("#user-tools").count() == 1

    def visit(path):
        answer = page.goto(live_server.url + path)
        assert answer.status == 200, path
        assert "/admin/login/" not in page.url
        page.wait_for_load_state("load")

    visit(f"/admin/surveys/instrument/{demo.pk}/change/")
    # modeltranslation's tabs need jQuery UI from the site's own static files.
    page.locator(".ui-tabs").first.wait_for()
    assert page.locator(".ui-tabs-nav li").count() >= 3
    visit(f"/admin/surveys/question/{matrix.pk}/change/")
    page.locator(".ui-tabs").first.wait_for()
    visit("/admin/surveys/response/?language__exact=es")
    assert page.locator("#result_list tbody tr").count() > 0
    visit(f"/admin/surveys/response/{response.pk}/change/")
    assert page.locator(".inline-group").count() >= 1
    visit(f"/admin/surveys/instrument/{demo.pk}/preview/es/")
    assert page.locator("html").get_attribute("lang") == "es"

    problems.assert_no_csp_violations()
    problems.assert_no_page_errors()


def test_survey_page_fits_320px_without_horizontal_scroll(live_server, new_page, demo):
    link = first_cbo_link()
    page, problems = new_page(viewport=(320, 640))
    widths = {}
    for language in ("en", "es", "zh-hans"):
        page.goto(survey_url(live_server, link, language))
        widths[language] = page.evaluate("document.documentElement.scrollWidth")
    assert all(width <= 320 for width in widths.values()), widths
    problems.assert_no_csp_violations()
