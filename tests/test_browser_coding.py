"""Coding in a real browser (headless Chromium), under the strict CSP: the facilitator codes
ten texts with the keyboard alone, one excerpt by selecting words, and axe-core checks the
coding and theme pages in three languages."""

import pytest

from findings.models import Coding, ItemMark, Theme
from organizations.models import User

from .browser import DESKTOP, assert_no_axe_violations, html_lang
from .factories import CollectionLinkFactory, make_response, small_survey
from .test_browser_staff import sign_in, visit, with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture
def coding_data(org_a, areas):
    survey = small_survey()
    link = CollectionLinkFactory(instrument=survey, organization=org_a)
    idea = survey.questions.get(code="idea")
    texts = []
    for index in range(12):
        response = make_response(link, language="es" if index % 2 else "en")
        texts.append(
            response.answers.create(question=idea, text=f"Text number {index}: more street lights")
        )
    trust = Theme.objects.create(code="trust", name_en="Trust", name_es="Confianza", order=1)
    Theme.objects.create(code="light", name_en="Lighting", name_es="Iluminación", order=2)
    Theme.objects.create(
        code="patrols", name_en="Foot patrols", name_es="Patrullas", parent=trust, order=3
    )
    return texts


def test_facilitator_codes_ten_texts_by_keyboard(live_server, new_page, facilitator, coding_data):
    with_password(facilitator)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, facilitator.email)
    visit(page, live_server, "/staff/coding/")
    themes = {t.code: t for t in Theme.objects.all()}
    # Tree order: Trust, its sub-theme Foot patrols, then Lighting: keys 1, 2, 3.
    for index in range(10):
        expected = coding_data[index]
        assert page.locator("#coding-text").inner_text() == expected.text
        if index == 3:
            page.keyboard.press("0")  # nothing to code
        elif index == 4:
            page.keyboard.press("/")
            page.keyboard.type("light")
            page.keyboard.press("Enter")  # ticks the one theme the finder shows
            page.keyboard.press("Enter")  # saves
        else:
            page.keyboard.press("1")
            if index % 2:
                page.keyboard.press("3")
            page.keyboard.press("Enter")
        page.wait_for_url(lambda url, i=index: "done=" in url and url.count("&") >= 0)
        page.wait_for_function(
            "(text) => document.querySelector('#coding-text') === null"
            " || document.querySelector('#coding-text').innerText !== text",
            arg=expected.text,
        )
    for index in range(10):
        codes = set(
            Coding.objects.filter(answer=coding_data[index]).values_list("theme__code", flat=True)
        )
        if index == 3:
            assert codes == set()
            assert ItemMark.objects.get(answer=coding_data[index]).kind == "nothing"
        elif index == 4:
            assert codes == {"light"}
        else:
            assert codes == ({"trust", "light"} if index % 2 else {"trust"})
    assert Coding.objects.filter(coder=facilitator).count() == 13
    assert page.locator("#coding-text").inner_text() == coding_data[10].text

    # An excerpt: select words, code the selection, save.
    start = coding_data[10].text.index("street lights")
    page.evaluate(
        """([start, end]) => { const node = document.querySelector('#coding-text').firstChild;
          const range = document.createRange(); range.setStart(node, start);
          range.setEnd(node, end);
          const s = window.getSelection(); s.removeAllRanges(); s.addRange(range); }""",
        [start, start + len("street lights")],
    )
    page.get_by_role("button", name="Code the selection as Lighting").click()
    # The chosen words are marked in the text at once, which reads the same.
    assert page.locator("#coding-text mark").inner_text() == "street lights"
    assert page.locator("#coding-text").inner_text() == coding_data[10].text
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_function(
        "(text) => document.querySelector('#coding-text').innerText !== text",
        arg=coding_data[10].text,
    )
    excerpt = Coding.objects.get(answer=coding_data[10], start__isnull=False)
    assert (excerpt.theme_id, excerpt.excerpt) == (themes["light"].pk, "street lights")

    # Back to that text: the excerpt is highlighted; unticking it removes the highlight,
    # and saving uncodes it.
    page.get_by_role("link", name="Change the text you just coded").click()
    assert page.locator("#coding-text mark").inner_text() == "street lights"
    page.get_by_role("checkbox", name="Remove").check()
    assert page.locator("#coding-text mark").count() == 0
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_load_state()
    assert not Coding.objects.filter(answer=coding_data[10], start__isnull=False).exists()
    problems.assert_clean()


def test_axe_finds_no_violation_on_coding_and_theme_pages(
    live_server, new_page, facilitator, coding_data
):
    with_password(facilitator)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, facilitator.email)
    for language in ("en", "es", "zh-hans"):
        User.objects.filter(pk=facilitator.pk).update(preferred_language=language)
        for path in (
            "/staff/coding/",
            "/staff/themes/",
            "/staff/themes/?view=public&by=language",
            "/staff/coding/agreement/",
            "/staff/themes/import/",
        ):
            visit(page, live_server, path)
            assert html_lang(page) == language
            assert_no_axe_violations(page)
    problems.assert_clean()
