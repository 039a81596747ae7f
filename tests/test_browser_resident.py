"""What a resident meets in a real browser (headless Chromium): the demo survey from the start
page to the thank-you page, on a phone and on a tablet, in English, Spanish and Chinese, with
the keyboard alone, without JavaScript, and at a kiosk shared by several people.

Every test also checks that no page it visited broke the Content-Security-Policy or threw a
script error.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from surveys import demo_content
from surveys.models import CollectionLink, Instrument, Response

from . import browser as browser_helpers
from .browser import (
    DESKTOP,
    PHONE,
    answer_here,
    assert_no_axe_violations,
    axe_violations,
    button,
    choice_label,
    field,
    format_violations,
    group,
    html_lang,
    question_text,
    shows_question,
    submit,
    translated,
)
from .factories import (
    CollectionLinkFactory,
    InstrumentFactory,
    QuestionFactory,
    SectionFactory,
    choices,
)
from .resident import response_ids, stored_answers

# The fixtures: one browser for the session, new_page(viewport=...) -> (page, problems).

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

LANGUAGES = ("en", "es", "zh-hans")
STEPS = len(demo_content.SURVEY["sections"])
# The demo survey's first step asks who may take part; these answers may.
ELIGIBLE = {"age_18_plus": "yes", "live_work_chicago": "live"}
# The least a resident must answer: eligibility, then the community area on step 2.
MINIMAL = {**ELIGIBLE, "community_area": "Lower West Side"}


@pytest.fixture
def demo(areas, settings):
    # The demo's staff accounts are not used here: a fast hasher saves seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", quiet_logins=True, force=True)
    return Instrument.objects.get(code=demo_content.SURVEY["code"])


def demo_link(kind=CollectionLink.Kind.WEB):
    return (
        CollectionLink.objects.filter(kind=kind, instrument__code=demo_content.SURVEY["code"])
        .select_related("organization")
        .order_by("pk")
        .first()
    )


def flow_url(live_server, link, language, name="", **kwargs):
    """A page of the link's flow: its start page, or e.g. name="step", number=2."""
    from django.urls import reverse

    with translation.override(language):
        if not name:
            return live_server.url + link.get_absolute_url()
        return live_server.url + reverse(f"surveys:{name}", kwargs={"token": link.token, **kwargs})


def step_number(page):
    match = re.search(r"/step/(\d+)/$", page.url)
    assert match, page.url
    return int(match.group(1))


def progress(page):
    """The step's "Step n of m" as (n, m), read from the page's heading."""
    text = page.locator("h1 .step-progress").inner_text()
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    assert len(numbers) == 2, text
    return tuple(numbers)


def start_and_consent(page, language, each_page=lambda page: None):
    """From the start page (already open) through consent to the first step."""
    assert html_lang(page) == language
    each_page(page)
    submit(page, page.get_by_role("link", name=translated(language, "Start"), exact=True))
    assert html_lang(page) == language
    assert page.get_by_role("heading", level=1).inner_text() == translated(
        language, "Before you start"
    )
    each_page(page)
    submit(page, button(page, language, "I agree, start the survey"))
    assert step_number(page) == 1


def next_step(page, language):
    """Next, or "Submit my answers" on the last step; True if that was the last step."""
    is_last = button(page, language, "Submit my answers").count() == 1
    submit(page, button(page, language, "Submit my answers" if is_last else "Next"))
    return is_last


def walk_until(page, language, pending, code, each_page=lambda page: None):
    """Answer step after step until the step that shows question `code`."""
    for _step in range(STEPS):
        if shows_question(page, code):
            return
        each_page(page)
        answer_here(page, language, pending)
        assert not next_step(page, language), f"No step shows {code}"
        assert "/step/" in page.url, page.url
    assert shows_question(page, code), f"No step shows {code}"


def complete(page, language, answers, each_page=lambda page: None):
    """From the current step, answer every step with `answers` and submit on the last one."""
    pending = dict(answers)
    for _step in range(STEPS):
        assert html_lang(page) == language
        assert "/step/" in page.url, page.url
        each_page(page)
        answer_here(page, language, pending)
        if next_step(page, language):
            break
    assert not pending, f"Not shown on any step: {sorted(pending)}"
    assert "/thanks/" in page.url, page.url


def assert_thank_you_page(page, live_server, link, language):
    assert page.url.startswith(flow_url(live_server, link, language) + "thanks/"), page.url
    assert html_lang(page) == language
    assert page.get_by_role("heading", level=1).inner_text() == translated(language, "Thank you")
    thank_you = demo_content.SURVEY["thank_you_text"][browser_helpers.CONTENT_KEY[language]]
    assert thank_you in page.locator("main").inner_text()


def new_responses(before):
    return list(Response.objects.exclude(pk__in=before))


def typed_controls(page):
    """The step form's text fields and text areas a resident types into (not the honeypot)."""
    return page.locator(
        "#step-form input[type=text]:not(#id_website), #step-form textarea, main input[type=search]"
    )


# 1 ------------------------------------------------------------------------------------


def test_resident_completes_survey_in_english_on_phone(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    page.goto(flow_url(live_server, link, "en"))
    assert page.title() == demo_content.SURVEY["title"]["en"]
    start_and_consent(page, "en")
    answers = {
        **MINIMAL,
        "area_relationship": "live_and_work",
        "zip_code": "60608",
        "feel_safe_night": "unsafe",
        "less_safe_reasons": ["poor_lighting", "reckless_driving"],
        "trust_police": "agree",
        "police_contact_12m": "no",
        "respond_mental_health": "professional",
        "safer_one_thing": "More street lights\nand a youth center.",
        "household_size": "3",
    }
    seen_steps = []
    complete(page, "en", answers, each_page=lambda page: seen_steps.append(progress(page)))
    assert seen_steps == [(n, STEPS) for n in range(1, STEPS + 1)]
    assert_thank_you_page(page, live_server, link, "en")

    [response] = new_responses(before)
    assert (response.language, response.languages_used) == ("en", ["en"])
    assert (response.channel, response.link, response.consented) == (
        Response.Channel.WEB,
        link,
        True,
    )
    assert response.area.name == "Lower West Side"
    assert stored_answers(response) == {
        **answers,
        "household_size": Decimal("3"),
        "less_safe_reasons": ["poor_lighting", "reckless_driving"],
    }
    problems.assert_clean()


# 2 ------------------------------------------------------------------------------------


def test_axe_finds_no_violation_on_any_resident_page(live_server, new_page, demo):
    link = demo_link()
    checked, found = [], []

    for language in LANGUAGES:
        for viewport in (PHONE, DESKTOP):
            page, problems = new_page(viewport=viewport)

            def check(page, language=language, viewport=viewport, state=""):
                violations = axe_violations(page)
                name = f"{language} {viewport[0]}x{viewport[1]} {page.url}{state}"
                checked.append(name)
                if violations:
                    found.append(f"{name}:\n{format_violations(violations)}")

            page.goto(flow_url(live_server, link, language))
            start_and_consent(page, language, each_page=check)
            # Error states: nothing answered on the first step (two radio groups), then no
            # community area on the second (a list).
            check(page)
            submit(page, button(page, language, "Next"))
            assert step_number(page) == 1
            assert page.locator("#error-summary a").count() == 2
            check(page, state=" (errors)")
            answer_here(page, language, dict(ELIGIBLE))
            submit(page, button(page, language, "Next"))
            check(page)
            submit(page, button(page, language, "Next"))
            assert step_number(page) == 2
            assert page.locator("#error-summary a").count() == 1
            assert page.locator("#id_q-community_area").get_attribute("aria-invalid") == "true"
            check(page, state=" (errors)")
            answer_here(page, language, {"community_area": "Lower West Side"})
            submit(page, button(page, language, "Next"))
            complete(page, language, {}, each_page=check)
            assert_thank_you_page(page, live_server, link, language)
            check(page)
            problems.assert_clean()

    # Per language and screen: start, consent, each step, two error states, thank-you.
    assert len(checked) == len(LANGUAGES) * 2 * (STEPS + 5), checked
    assert not found, "axe-core found WCAG A/AA violations:\n" + "\n".join(found)


# 3 ------------------------------------------------------------------------------------


def test_language_switch_keeps_typed_answers(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    typed = "More light on the corner of 18th and Blue Island, please."
    page, problems = new_page(viewport=PHONE)
    page.goto(flow_url(live_server, link, "en"))
    start_and_consent(page, "en")
    walk_until(page, "en", dict(MINIMAL), "safer_one_thing")
    number = step_number(page)
    assert number == STEPS
    field(page, "safer_one_thing", "en").fill(typed)

    switcher = page.get_by_role("navigation", name=translated("en", "Language"))
    submit(page, switcher.get_by_role("button", name="简体中文", exact=True))

    assert page.url == flow_url(live_server, link, "zh-hans", "step", number=number)
    assert html_lang(page) == "zh-hans"
    textarea = field(page, "safer_one_thing", "zh-hans")
    assert textarea.input_value() == typed
    assert (
        page.locator('label[for="id_q-safer_one_thing"]')
        .inner_text()
        .startswith(question_text("safer_one_thing", "zh-hans"))
    )
    assert question_text("safer_one_thing", "en") not in page.locator("main").inner_text()
    # The switcher now names Chinese as the current language, and offers the other two.
    switcher = page.get_by_role("navigation", name=translated("zh-hans", "Language"))
    assert switcher.locator('[aria-current="true"]').inner_text() == "简体中文"
    assert switcher.get_by_role("button").count() == 2

    submit(page, button(page, "zh-hans", "Back"))
    assert step_number(page) == number - 1
    assert html_lang(page) == "zh-hans"
    submit(page, button(page, "zh-hans", "Next"))
    assert step_number(page) == number
    assert field(page, "safer_one_thing", "zh-hans").input_value() == typed

    assert response_ids() == before
    problems.assert_clean()


# 4 ------------------------------------------------------------------------------------


def test_skip_logic_shows_follow_up_only_when_it_applies(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()

    # "Yes": the follow-up is on the next step; the resident answers it.
    page, problems = new_page(viewport=PHONE)
    page.goto(flow_url(live_server, link, "en"))
    start_and_consent(page, "en")
    walk_until(page, "en", dict(MINIMAL), "police_contact_12m")
    contact_step = step_number(page)
    answer_here(page, "en", {"police_contact_12m": "yes"})
    submit(page, button(page, "en", "Next"))
    follow_up_step = step_number(page)
    assert follow_up_step == contact_step + 1
    assert page.locator('input[name="q-contact_treatment"]').count() == 6
    answer_here(page, "en", {"contact_treatment": "well"})

    # Back, and "No" instead: the same next step no longer asks, nor keeps the answer.
    submit(page, button(page, "en", "Back"))
    assert step_number(page) == contact_step
    assert (
        group(page, "police_contact_12m", "en")
        .get_by_label(choice_label("police_contact_12m", "yes", "en"), exact=True)
        .is_checked()
    )
    answer_here(page, "en", {"police_contact_12m": "no"})
    submit(page, button(page, "en", "Next"))
    assert step_number(page) == follow_up_step
    assert page.locator('[name="q-contact_treatment"]').count() == 0
    assert shows_question(page, "patrol_visibility")
    complete(page, "en", {})
    [without] = new_responses(before)
    assert stored_answers(without)["police_contact_12m"] == "no"
    assert "contact_treatment" not in stored_answers(without)

    # "Yes" in a new session: asked, and stored.
    page, problems_yes = new_page(viewport=PHONE)
    page.goto(flow_url(live_server, link, "en"))
    start_and_consent(page, "en")
    pending = {**MINIMAL, "police_contact_12m": "yes"}
    walk_until(page, "en", pending, "contact_treatment")
    assert step_number(page) == follow_up_step
    complete(page, "en", {**pending, "contact_treatment": "poorly"})
    [with_follow_up] = new_responses(before | {without.pk})
    assert stored_answers(with_follow_up)["contact_treatment"] == "poorly"

    problems.assert_clean()
    problems_yes.assert_clean()


def test_skip_logic_skips_a_step_left_empty(live_server, new_page, org_a):
    """A step whose only question is hidden is not shown at all, and not counted."""
    instrument = InstrumentFactory()
    sections = [
        SectionFactory(instrument=instrument, number=n, title_en=f"Part {n}") for n in (1, 2, 3)
    ]
    contact = QuestionFactory(
        section=sections[0], code="contact", type="single", text_en="Any contact?", order=10
    )
    choices(contact, ("yes", "Yes", "Sí", "有"), ("no", "No", "No", "没有"))
    treated = QuestionFactory(
        section=sections[1],
        code="treated",
        type="single",
        text_en="Treated fairly?",
        order=20,
        show_if_question=contact,
        show_if_choices=["yes"],
    )
    choices(treated, ("fair", "Fairly", "Con justicia", "公平"), ("unfair", "No", "No", "No"))
    QuestionFactory(section=sections[2], code="idea", type="long_text", text_en="Idea?", order=30)
    link = CollectionLinkFactory(instrument=instrument, organization=org_a)
    page, problems = new_page(viewport=PHONE)

    def first_step_then_next(answer):
        page.goto(flow_url(live_server, link, "en"))
        start_and_consent(page, "en")
        page.get_by_role("group", name="Any contact?").get_by_label(answer, exact=True).check()
        submit(page, button(page, "en", "Next"))

    first_step_then_next("Yes")
    assert (step_number(page), progress(page)) == (2, (2, 3))
    assert page.locator('[name="q-treated"]').count() == 2
    submit(page, button(page, "en", "Back"))
    page.get_by_role("group", name="Any contact?").get_by_label("No", exact=True).check()
    submit(page, button(page, "en", "Next"))
    assert (step_number(page), progress(page)) == (3, (2, 2))
    assert page.locator('[name="q-treated"]').count() == 0
    # The empty step's own address leads back to the first step.
    page.goto(flow_url(live_server, link, "en", "step", number=2))
    assert step_number(page) == 1
    problems.assert_clean()


# 5 ------------------------------------------------------------------------------------


def test_eligibility_screening_ends_politely(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    walks = [
        ("es", {"age_18_plus": "no", "live_work_chicago": "live"}),
        ("en", {"age_18_plus": "yes", "live_work_chicago": "neither"}),
    ]
    for language, answers in walks:
        page, problems = new_page(viewport=PHONE)
        page.goto(flow_url(live_server, link, language))
        start_and_consent(page, language)
        answer_here(page, language, dict(answers))
        submit(page, button(page, language, "Next"))

        assert page.url == flow_url(live_server, link, language, "ineligible")
        assert html_lang(page) == language
        heading = translated(language, "Thank you for your interest")
        message = translated(
            language, "This survey is for other residents, so it ends here. Nothing was stored."
        )
        if language != "en":
            assert heading != "Thank you for your interest"
            assert not message.startswith("This survey")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert message in page.locator("main").inner_text()
        assert page.title() == heading
        assert_no_axe_violations(page)
        assert response_ids() == before
        # Nothing of the walk is left: the first step sends back to the start page.
        page.goto(flow_url(live_server, link, language, "step", number=1))
        assert page.url == flow_url(live_server, link, language)
        problems.assert_clean()


# 6 ------------------------------------------------------------------------------------


def focused(page):
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName, id: e.id, name: e.getAttribute("name"),
                           value: e.value === undefined ? null : e.value,
                           checked: !!e.checked}; }"""
    )


def test_keyboard_only_completes_a_step(live_server, new_page, demo):
    link = demo_link()
    page, problems = new_page(viewport=PHONE)
    keyboard = page.keyboard
    page.goto(flow_url(live_server, link, "en"))
    start_and_consent(page, "en")
    assert focused(page)["tag"] == "H1"

    # Age: Tab into the first group, Space picks its first choice ("Yes").
    keyboard.press("Tab")
    assert focused(page) == {
        "tag": "INPUT",
        "id": "id_q-age_18_plus_0",
        "name": "q-age_18_plus",
        "value": "yes",
        "checked": False,
    }
    keyboard.press("Space")
    assert focused(page)["checked"]
    # Past the second group, straight to Next: Enter submits with one answer missing.
    keyboard.press("Tab")
    assert focused(page)["name"] == "q-live_work_chicago"
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Next"
    with page.expect_navigation():
        keyboard.press("Enter")
    assert step_number(page) == 1
    assert focused(page)["id"] == "error-summary"

    # From the summary, its one link leads to the unanswered question.
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == (
        "#id_q-live_work_chicago_0"
    )
    keyboard.press("Enter")
    assert focused(page)["id"] == "id_q-live_work_chicago_0"
    keyboard.press("Space")
    keyboard.press("ArrowDown")
    assert focused(page) == {
        "tag": "INPUT",
        "id": "id_q-live_work_chicago_1",
        "name": "q-live_work_chicago",
        "value": "work",
        "checked": True,
    }
    # Shift+Tab back to the age group keeps its answer; Tab returns to the chosen "work".
    keyboard.press("Shift+Tab")
    assert focused(page) == {
        "tag": "INPUT",
        "id": "id_q-age_18_plus_0",
        "name": "q-age_18_plus",
        "value": "yes",
        "checked": True,
    }
    keyboard.press("Tab")
    assert focused(page)["id"] == "id_q-live_work_chicago_1"
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Next"
    with page.expect_navigation():
        keyboard.press("Enter")

    assert step_number(page) == 2
    assert progress(page) == (2, STEPS)
    assert focused(page)["tag"] == "H1"

    # Step 2 by keyboard too: the area list's filter box, the list, then the ZIP code.
    keyboard.press("Tab")
    assert focused(page)["id"] == "id_q-community_area-filter"
    keyboard.type("lower west")
    keyboard.press("Tab")
    assert focused(page)["id"] == "id_q-community_area"
    # Shortened to the blank entry, "I don't know", "Prefer not to say" and the one area.
    for _option in range(3):
        keyboard.press("ArrowDown")
    assert page.locator("#id_q-community_area option:checked").inner_text() == "Lower West Side"
    for _stop in range(4):
        keyboard.press("Tab")
        if focused(page)["id"] == "id_q-zip_code":
            break
    assert focused(page)["id"] == "id_q-zip_code"
    keyboard.type("60608")
    # Enter in a text field means Next, not the first language button of the page.
    with page.expect_navigation():
        keyboard.press("Enter")
    assert step_number(page) == 3
    assert html_lang(page) == "en"
    problems.assert_clean()


# 7 ------------------------------------------------------------------------------------


def test_whole_survey_without_javascript(live_server, new_page, demo):
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(flow_url(live_server, link, "es"))
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works ...
    start_and_consent(page, "es")
    # ... but the page's own scripts do not run: nothing moves the focus to the heading.
    assert focused(page)["tag"] == "BODY"
    pending = {**MINIMAL, "zip_code": "60608", "feel_safe_day": "safe"}
    walk_until(page, "es", pending, "trust_police")
    assert not pending
    # Halfway, in English, with the step half answered: nothing typed is lost.
    answer_here(page, "es", {"trust_police": "neutral"})
    number = step_number(page)
    switcher = page.get_by_role("navigation", name=translated("es", "Language"))
    submit(page, switcher.get_by_role("button", name="English", exact=True))
    assert page.url == flow_url(live_server, link, "en", "step", number=number)
    assert html_lang(page) == "en"
    assert (
        group(page, "trust_police", "en")
        .get_by_label(choice_label("trust_police", "neutral", "en"), exact=True)
        .is_checked()
    )
    answer_here(page, "en", {"police_contact_12m": "no"})
    submit(page, button(page, "en", "Next"))
    # And back to Spanish for the rest.
    switcher = page.get_by_role("navigation", name=translated("en", "Language"))
    submit(page, switcher.get_by_role("button", name="español", exact=True))
    assert html_lang(page) == "es"
    complete(page, "es", {"safer_one_thing": "Más luz.", "household_size": "2,5"})
    assert_thank_you_page(page, live_server, link, "es")

    [response] = new_responses(before)
    assert (response.language, response.languages_used) == ("es", ["es", "en"])
    assert stored_answers(response) == {
        **MINIMAL,
        "zip_code": "60608",
        "feel_safe_day": "safe",
        "trust_police": "neutral",
        "police_contact_12m": "no",
        "safer_one_thing": "Más luz.",
        "household_size": Decimal("2.5"),
    }
    problems.assert_clean()


# 8 ------------------------------------------------------------------------------------


def test_kiosk_resets_for_the_next_person(live_server, new_page, demo):
    link = demo_link(CollectionLink.Kind.KIOSK)
    before = response_ids()
    start_url = flow_url(live_server, link, "en")
    secrets = {
        "zip_code": "60616",
        "biggest_concern": "Cars racing on Wentworth",
        "safer_one_thing": "A crossing guard at the school on 24th",
        "household_size": "4",
    }
    page, problems = new_page(viewport=DESKTOP)
    # The page's timers run on a clock the test can move forward (15 s countdown).
    page.clock.install()

    def autocomplete_off(page):
        controls = typed_controls(page)
        for index in range(controls.count()):
            control = controls.nth(index)
            assert control.get_attribute("autocomplete") == "off", control.evaluate(
                "e => e.outerHTML"
            )
            assert control.input_value() == "", control.evaluate("e => e.outerHTML")

    page.goto(start_url)
    start_and_consent(page, "en")
    complete(page, "en", {**MINIMAL, **secrets}, each_page=autocomplete_off)
    assert_thank_you_page(page, live_server, link, "en")
    [response] = new_responses(before)
    assert response.channel == Response.Channel.KIOSK
    assert stored_answers(response)["biggest_concern"] == secrets["biggest_concern"]

    countdown = page.locator(".kiosk-countdown")
    assert countdown.is_visible()
    assert countdown.inner_text() == "Starting again for the next person in 15 seconds."
    assert page.get_by_role("link", name="Start for the next person", exact=True).is_visible()
    assert_no_axe_violations(page)
    # It counts down in real time ...
    expect(countdown).to_have_text("Starting again for the next person in 14 seconds.")
    # ... and when the time is up, the kiosk goes back to the start page by itself.
    page.clock.run_for(15_000)
    page.wait_for_url(start_url)
    assert page.get_by_role("link", name="Start", exact=True).is_visible()

    def assert_nothing_of(page, secrets):
        html = page.content()
        values = page.locator("input, textarea, select").evaluate_all(
            "elements => elements.map((e) => e.value)"
        )
        for secret in secrets.values():
            if len(secret) > 2:
                assert secret not in html, page.url
            assert secret not in values, page.url

    # The history holds the steps; every one of them now leads to the start page.
    for _back in range(2):
        page.go_back()
        assert page.url == start_url
        assert_nothing_of(page, secrets)
    page.goto(flow_url(live_server, link, "en", "step", number=STEPS))
    assert page.url == start_url

    # The next person starts from nothing.
    assert page.get_by_role("link", name="Start", exact=True).count() == 1
    start_and_consent(page, "en")
    for _step in range(STEPS):
        assert_nothing_of(page, secrets)
        autocomplete_off(page)
        answer_here(page, "en", dict(MINIMAL))
        if button(page, "en", "Submit my answers").count():
            break
        submit(page, button(page, "en", "Next"))
    assert step_number(page) == STEPS
    # biggest_concern, safer_one_thing, household_size and home_language's "other".
    assert typed_controls(page).count() == 4
    problems.assert_clean()


# 9 ------------------------------------------------------------------------------------


def test_no_request_leaves_the_site(live_server, new_page, demo):
    link = demo_link()
    page, problems = new_page(viewport=PHONE)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(flow_url(live_server, link, "es"))
    start_and_consent(page, "es")
    complete(page, "es", {**MINIMAL, "zip_code": "60608", "safer_one_thing": "Luz."})
    assert "/thanks/" in page.url

    site = live_server.url + "/"
    elsewhere = [url for url in requested if not (url.startswith(site) or url.startswith("data:"))]
    assert not elsewhere, elsewhere
    # The walk did load pages, styles and the script, all from the site.
    assert sum("/step/" in url for url in requested) >= STEPS
    assert any(re.search(r"/static/site/site(\.\w+)?\.css$", url) for url in requested)
    assert any(re.search(r"/static/site/resident(\.\w+)?\.js$", url) for url in requested)
    problems.assert_clean()


# Consent on the start page -----------------------------------------------------------


def test_consent_on_the_start_page_in_spanish_on_phone(live_server, new_page, demo):
    demo.consent_on_start = True
    demo.save()
    link = demo_link()
    before = response_ids()
    page, problems = new_page(viewport=PHONE)
    page.goto(flow_url(live_server, link, "es"))
    assert html_lang(page) == "es"
    consent = demo_content.SURVEY["consent_text"][browser_helpers.CONTENT_KEY["es"]]
    assert consent.split("\n")[0] in page.locator("main").inner_text()
    expect(page.get_by_role("heading", name=translated("es", "Before you start"))).to_be_visible()
    assert_no_axe_violations(page)
    submit(page, button(page, "es", "I agree, start the survey"))
    assert step_number(page) == 1
    complete(page, "es", MINIMAL)
    assert_thank_you_page(page, live_server, link, "es")
    (response,) = new_responses(before)
    assert (response.language, response.consented) == ("es", True)
    problems.assert_clean()
