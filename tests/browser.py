"""Browser test helpers: one headless Chromium per session, pages that record CSP violations
and script errors, and an axe-core accessibility check.

Debian's chromium is used (Playwright cannot download its own browsers here). Nothing in these
helpers weakens the site's Content-Security-Policy: axe-core is loaded from the site's own
static files, which 'self' allows, and Playwright's evaluate() runs outside the page's CSP.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = (390, 844)
DESKTOP = (1280, 800)
AXE_URL = "/static/vendor/axe-core/axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Reports every securitypolicyviolation event of the page to the test, through a binding
# (bindings and init scripts are not subject to the page's CSP).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    page: document.location.href,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


class PageProblems:
    """What went wrong in a page while a test drove it: CSP violations and script errors."""

    def __init__(self):
        self.csp_violations = []
        self.page_errors = []
        self.visited = []

    def watch(self, context, page):
        context.expose_function("__reportCspViolation", self.on_csp_violation)
        context.add_init_script(script=REPORT_CSP_VIOLATIONS)
        page.on("console", lambda message: self.on_console(page, message))
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on(
            "framenavigated",
            lambda frame: self.visited.append(frame.url) if frame == page.main_frame else None,
        )

    def on_csp_violation(self, violation):
        self.csp_violations.append(violation)

    def on_console(self, page, message):
        if "Content Security Policy" in message.text:
            location = message.location.get("url") or page.url
            self.csp_violations.append({"console": message.text, "page": location})

    def assert_no_csp_violations(self):
        assert not self.csp_violations, "CSP violations on {}:\n{}".format(
            ", ".join(self.visited), "\n".join(map(str, self.csp_violations))
        )

    def assert_no_page_errors(self):
        assert not self.page_errors, "Page errors:\n" + "\n".join(self.page_errors)

    def assert_clean(self):
        """Neither a CSP violation nor a script error on any page visited."""
        self.assert_no_csp_violations()
        self.assert_no_page_errors()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """new_page(viewport=(w, h)) -> (page, problems), each page in its own fresh context."""
    contexts = []

    def make(viewport=PHONE, **context_options):
        width, height = viewport
        context = browser.new_context(
            viewport={"width": width, "height": height}, **context_options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(context, page)
        return page, problems

    yield make
    for context in contexts:
        context.close()


def axe_violations(page, tags=WCAG_A_AA):
    """axe-core's violations of the given rule tags on the page as it is now."""
    base = page.evaluate("document.location.origin")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=base + AXE_URL)
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then((result) =>
            result.violations.map((violation) => ({
              id: violation.id,
              impact: violation.impact,
              help: violation.help,
              nodes: violation.nodes.map((node) => ({
                target: node.target.join(" "),
                summary: node.failureSummary,
              })),
            })))""",
        tags,
    )


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  -- {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page):
    """No WCAG 2.0/2.1 level A or AA violation that axe-core finds on the page."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{format_violations(violations)}"


# --- Walking the demo survey (surveys.demo_content) ------------------------------------

# The demo content's key for each site language.
CONTENT_KEY = {"en": "en", "es": "es", "zh-hans": "zh_hans", "pl": "pl", "ar": "ar"}


def translated(language, message):
    with translation.override(language):
        return gettext(message)


def demo_question(code):
    """A question of the demo survey by code (a matrix row comes with its matrix's choices)."""
    from surveys import demo_content

    for section in demo_content.SURVEY["sections"]:
        for question in section["questions"]:
            if question["code"] == code:
                return question
            for row in question.get("rows", []):
                if row["code"] == code:
                    return {**row, "choices": question["choices"]}
    raise KeyError(code)


def question_text(code, language):
    return demo_question(code)["text"][CONTENT_KEY[language]]


def choice_label(code, choice, language):
    choices = demo_question(code)["choices"]
    return next(c["label"][CONTENT_KEY[language]] for c in choices if c["code"] == choice)


def html_lang(page):
    return page.locator("html").get_attribute("lang")


def named(text, language):
    """A question's accessible name: its text, then "(required)" in words if required."""
    required = re.escape(f"({translated(language, 'required')})")
    # Playwright passes the pattern on as /.../: its slashes need escaping too.
    pattern = rf"^\s*{re.escape(text)}\s*\*?\s*({required})?\s*$".replace("/", r"\/")
    return re.compile(pattern)


def group(page, code, language):
    """A demo question's radio or checkbox group (a fieldset) by its legend."""
    return page.get_by_role("group", name=named(question_text(code, language), language))


def field(page, code, language):
    """A demo question's text field or select by its label."""
    return page.get_by_label(named(question_text(code, language), language))


def submit(page, locator):
    """Click a button or link that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def button(page, language, message):
    """A button by its (translated) name; the page's hidden default button is not one."""
    return page.get_by_role("button", name=translated(language, message), exact=True)


def shows_question(page, code):
    return page.locator(f'[name="q-{code}"]').count() > 0


def answer_here(page, language, pending, shown=shows_question):
    """Answer those of the pending demo questions ({code: value}) that this step shows
    (`shown(page, code)`); the ones answered leave `pending`."""
    for code in [code for code in pending if shown(page, code)]:
        value = pending.pop(code)
        kind = demo_question(code).get("type", "single")
        if kind == "area":
            field(page, code, language).select_option(label=value)
        elif kind in ("number", "zip", "short_text", "long_text"):
            field(page, code, language).fill(value)
        else:
            fieldset = group(page, code, language)
            for choice in value if isinstance(value, list) else [value]:
                fieldset.get_by_label(choice_label(code, choice, language), exact=True).check()
