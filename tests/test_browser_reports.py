"""A findings report in a real browser (headless Chromium, strict CSP): the facilitator writes
a two-section report with a results, a themes and a quotes block, translates it, is refused
publishing while a translation is missing, completes it and publishes; a city partner reads
it in Chinese and downloads its PDF. axe-core on the editor and on the published report in
three languages at phone and laptop widths; the report also works without JavaScript."""

import uuid

import pytest
from django.utils import translation

from findings.models import Coding, Report, ReportVersion, StarredQuote, Theme
from organizations.models import Membership, Organization
from surveys.models import Answer, Choice, Response, store_response

from .browser import DESKTOP, PHONE, assert_no_axe_violations, html_lang, submit
from .factories import CollectionLinkFactory, MembershipFactory, OrganizationFactory
from .test_browser_staff import sign_in, url, visit, with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture
def report_data(survey, org_a, org_b, facilitator):
    """Thirty responses with a rating and a text, a theme coded on them and one reviewed,
    translated quote."""
    links = {
        org: CollectionLinkFactory(instrument=survey, organization=org) for org in (org_a, org_b)
    }
    trust = survey.questions.get(code="trust")
    idea = survey.questions.get(code="idea")
    agree = Choice.objects.get(question=trust, code="agree")
    for index in range(30):
        org = org_a if index % 2 else org_b
        store_response(
            response=Response(
                id=uuid.uuid4(),
                instrument=survey,
                organization=org,
                link=links[org],
                channel="web",
                language="en",
                languages_used=["en"],
                consented=True,
            ),
            answers=[
                Answer(question=trust, choice=agree),
                Answer(question=idea, text=f"Officers who know us by name ({index})."),
            ],
        )
    theme = Theme.objects.create(
        code="trust", name_en="Trust", name_es="Confianza", name_zh_hans="信任"
    )
    codings = [
        Coding.objects.create(theme=theme, answer=answer, coder=facilitator)
        for answer in Answer.objects.filter(question=idea)
    ]
    StarredQuote.objects.create(
        theme=theme,
        coding=codings[0],
        original="Officers who know us by name.",
        original_language="en",
        translation_es="Policías que nos conozcan por el nombre.",
        translation_zh_hans="认识我们名字的警察。",
        organization=org_a,
        starred_by=facilitator,
        reviewed=True,
    )
    return survey


def fill_section(page, fields):
    for label, text in fields.items():
        page.get_by_label(label, exact=True).fill(text)
    submit(page, page.get_by_role("button", name="Save the section"))


def add_block(page, kind, **choices):
    form = page.locator("form.block-form")
    form.get_by_label("Kind of block").select_option(label=kind)
    for label, value in choices.items():
        form.get_by_label(label, exact=True).select_option(value=value)
    form.get_by_label("After paragraph").fill("1")
    submit(page, form.get_by_role("button", name="Add the block"))
    assert page.get_by_text("The block is added.").is_visible()


def test_write_translate_publish_and_read_a_report(live_server, new_page, report_data, facilitator):
    with_password(facilitator)
    page, problems = new_page(DESKTOP)
    sign_in(page, live_server, facilitator.email)
    visit(page, live_server, "/staff/reports/")
    page.get_by_label("Kind").select_option(value="executive")
    page.get_by_label("Title (English)").fill("What residents told us")
    page.get_by_label("Survey").select_option(label=str(report_data))
    submit(page, page.get_by_role("button", name="Create the report"))
    report = Report.objects.get()
    assert_no_axe_violations(page)

    sections = [
        {
            "Heading (English)": "Trust",
            "Text (Markdown) (English)": "Residents want **trust**.\n\nThey said so.",
            "Heading (Spanish)": "Confianza",
            "Text (Markdown) (Spanish)": "Los residentes quieren **confianza**.\n\nLo dijeron.",
        },
        {
            "Heading (English)": "Next steps",
            "Text (Markdown) (English)": "Meet every month.",
            "Heading (Spanish)": "Próximos pasos",
            "Text (Markdown) (Spanish)": "Reunirse cada mes.",
        },
    ]
    for index, fields in enumerate(sections):
        submit(page, page.get_by_role("button", name="Add a section"))
        fill_section(page, fields)
        if index == 0:
            add_block(
                page, "Results of a question or a cross-tab", **{"Question (results)": "trust"}
            )
            add_block(page, "Top themes")
            add_block(
                page, "Quotes of a theme", **{"Theme (themes: its sub-themes; quotes)": "trust"}
            )
            assert_no_axe_violations(page)
        submit(page, page.get_by_role("link", name="Back to “What residents told us”"))

    page.get_by_label("Title (Spanish)").fill("Lo que nos dijeron los residentes")
    page.get_by_label("Title (Simplified Chinese)").fill("居民告诉我们的话")
    page.get_by_label("Who may read it").select_option(value="partners")
    submit(page, page.get_by_role("button", name="Save the settings"))

    page.get_by_label("What changed in this version").fill("First edition")
    submit(page, page.get_by_role("button", name="Publish a new version"))
    refused = page.locator("#publish-refused")
    assert "Section 1: the heading in Simplified Chinese is missing." in refused.inner_text()
    assert "Section 2: the text in Simplified Chinese is missing." in refused.inner_text()
    assert not ReportVersion.objects.exists()
    assert_no_axe_violations(page)

    chinese = [
        {
            "Heading (Simplified Chinese)": "信任",
            "Text (Markdown) (Simplified Chinese)": "居民希望**信任**。\n\n他们这样说。",
        },
        {
            "Heading (Simplified Chinese)": "下一步",
            "Text (Markdown) (Simplified Chinese)": "每月见面一次。",
        },
    ]
    for section, fields in zip(report.sections.order_by("order"), chinese, strict=True):
        visit(page, live_server, f"/staff/reports/{report.token}/sections/{section.pk}/")
        page.get_by_label("Left").select_option(value="zh-hans")
        page.get_by_label("Right").select_option(value="en")
        submit(page, page.get_by_role("button", name="Show these languages"))
        fill_section(page, fields)
    visit(page, live_server, f"/staff/reports/{report.token}/")
    page.get_by_label("What changed in this version").fill("First edition")
    submit(page, page.get_by_role("button", name="Publish a new version"))
    assert page.get_by_text("Version 1 is published.").is_visible()
    assert ReportVersion.objects.get().snapshot["zh-hans"]["title"] == "居民告诉我们的话"
    problems.assert_clean()

    office = OrganizationFactory(name="Mayor's Office", kind=Organization.Kind.PARTNER)
    partner = with_password(
        MembershipFactory(organization=office, role=Membership.Role.PARTNER).user
    )
    reader, reader_problems = new_page(DESKTOP)
    with translation.override("zh-hans"):
        from django.urls import reverse

        address = reverse("report", args=[report.token])
    sign_in(reader, live_server, partner.email, start=address)
    assert reader.url == url(live_server, address)
    assert html_lang(reader) == "zh-hans"
    assert reader.get_by_role("heading", level=1).inner_text() == "居民告诉我们的话"
    assert reader.get_by_text("认识我们名字的警察。").is_visible()
    with reader.expect_download() as download:
        reader.get_by_role("link", name="下载 PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == "report-executive-v1-zh-hans.pdf"
    reader_problems.assert_clean()


def test_the_published_report_is_accessible_in_three_languages_without_javascript(
    live_server, new_page, report_data, facilitator
):
    from findings.reports import publish

    from .test_reports import make_report, make_section

    report = make_report(report_data, facilitator)
    section = make_section(report)
    for kind, params in (
        ("figures", {}),
        ("results", {"question": "trust"}),
        ("results", {"question": "who"}),
        ("results", {"rows": "organization", "cols": "q:trust", "pct": "row"}),
        ("themes", {"parent": "", "by": "organization"}),
        ("quotes", {"theme": "trust"}),
    ):
        section.blocks.create(kind=kind, params=params, after_paragraph=1)
    publish(report, facilitator, "First edition")
    for viewport in (PHONE, DESKTOP):
        page, problems = new_page(viewport, java_script_enabled=False)
        for language in ("en", "es", "zh-hans"):
            visit(page, live_server, f"/{language}/reports/{report.token}/")
            assert html_lang(page) == language
            assert page.locator(".report-figures").is_visible()
            # axe runs through Playwright, outside the page's disabled scripts.
            with_scripts, _ = new_page(viewport)
            visit(with_scripts, live_server, f"/{language}/reports/{report.token}/")
            assert_no_axe_violations(with_scripts)
        problems.assert_clean()
