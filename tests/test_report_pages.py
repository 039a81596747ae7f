"""Published report pages: one address per language, noindex, public or partners only, a
handful of queries whatever the number of blocks, and a PDF with its Chinese set in CJK."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from findings.models import Report, ReportBlock
from findings.reports import publish
from organizations.models import Membership, Organization

from .factories import MembershipFactory, OrganizationFactory, make_response
from .test_reports import make_report, make_section

pytestmark = pytest.mark.django_db


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def partner(db):
    office = OrganizationFactory(
        name="Mayor's Office", slug="mayor", kind=Organization.Kind.PARTNER
    )
    return MembershipFactory(organization=office, role=Membership.Role.PARTNER).user


def published_report(survey, links, facilitator, blocks=1, **fields):
    trust = survey.questions.get(code="trust")
    for _ in range(12):
        make_response(links["a"]).answers.create(question=trust, choice=trust.choices.first())
    report = make_report(survey, facilitator, **fields)
    section = make_section(report)
    for index in range(blocks):
        kind = ["results", "figures", "themes"][index % 3]
        params = {"question": "trust"} if kind == "results" else {}
        ReportBlock.objects.create(section=section, kind=kind, params=params)
    publish(report, facilitator, "First edition")
    return report


@pytest.mark.parametrize("blocks", [1, 12])
def test_a_report_page_takes_few_queries_whatever_its_blocks(
    client, survey, links, facilitator, blocks, django_assert_max_num_queries
):
    report = published_report(survey, links, facilitator, blocks=blocks)
    with django_assert_max_num_queries(10):
        page = client.get(url("report", "es", report.token))
    assert page.status_code == 200
    assert "Lo que quieren los residentes" in page.content.decode()


def test_a_public_report_in_each_language_with_its_switcher_and_noindex(
    client, survey, links, facilitator
):
    report = published_report(survey, links, facilitator)
    for language, title in (
        ("en", "What residents want"),
        ("es", "Lo que quieren los residentes"),
        ("zh-hans", "居民的期望"),
    ):
        page = client.get(url("report", language, report.token))
        body = page.content.decode()
        assert page.status_code == 200
        assert f'<html lang="{language}"' in body
        assert f'<h1 tabindex="-1">{title}</h1>' in body
        assert '<meta name="robots" content="noindex, nofollow">' in body
        assert page["X-Robots-Tag"] == "noindex, nofollow"
        for other in ("en", "es", "zh-hans"):
            if other != language:
                assert f'href="{url("report", other, report.token)}"' in body
        # Nothing from another site: every src and href is on this one.
        assert not re.search(r'(src|href)="(https?:)?//', body)
    Report.objects.filter(pk=report.pk).update(noindex=False)
    page = client.get(url("report", "en", report.token))
    assert "noindex" not in page.content.decode() and "X-Robots-Tag" not in page


def test_unknown_token_unpublished_report_and_missing_language_answer_404(
    client, survey, links, facilitator
):
    report = published_report(survey, links, facilitator)
    assert client.get(url("report", "en", "not-a-token")).status_code == 404
    draft = make_report(survey)
    assert client.get(url("report", "en", draft.token)).status_code == 404
    Report.objects.filter(pk=report.pk).update(languages=["en"])  # versions keep theirs
    assert client.get(url("report", "es", report.token)).status_code == 200


def test_a_readable_slug_leads_to_the_report(client, survey, links, facilitator):
    report = published_report(survey, links, facilitator, slug="executive-summary")
    page = client.get(url("report_slug", "es", "executive-summary"))
    assert page.status_code == 302
    assert page["Location"] == url("report", "es", report.token)


def test_older_versions_stay_readable(client, survey, links, facilitator):
    report = published_report(survey, links, facilitator)
    section = report.sections.get()
    section.heading_en = "Second findings"
    section.save()
    publish(report, facilitator, "Second edition")
    latest = client.get(url("report", "en", report.token)).content.decode()
    first = client.get(url("report_version", "en", report.token, 1)).content.decode()
    assert "Second findings" in latest and "Second findings" not in first
    assert "Findings" in first


def test_a_partners_report_is_for_partners_and_the_facilitator_only(
    client, survey, links, facilitator, staff_a, partner, django_assert_max_num_queries
):
    report = published_report(survey, links, facilitator, audience=Report.Audience.PARTNERS)
    address = url("report", "zh-hans", report.token)
    anonymous = client.get(address)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(staff_a)
    assert client.get(address).status_code == 404
    client.force_login(partner)
    with django_assert_max_num_queries(10):
        assert client.get(address).status_code == 200
    client.force_login(facilitator)
    assert client.get(address).status_code == 200


def test_the_pdf_has_its_chinese_text_in_a_font_that_has_it(client, survey, links, facilitator):
    from pypdf import PdfReader

    report = published_report(survey, links, facilitator)
    response = client.get(url("report_pdf", "zh-hans", report.token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "居民的期望" in text and "调查结果" in text
    assert "\ufffd" not in text
    assert_every_character_has_a_glyph(reader, text)


def assert_every_character_has_a_glyph(reader, text):
    """Each embedded font's own character map: every character of the text is in one of
    them (a missing glyph would be set as the font's empty .notdef box instead), and the
    Chinese ones come from Noto CJK."""
    from fontTools.ttLib import TTFont

    covered = set()
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            names.append(str(descriptor["/FontName"]))
            for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                if key in descriptor:
                    data = descriptor[key].get_object().get_data()
                    try:
                        parsed = TTFont(io.BytesIO(data))
                        covered |= {chr(c) for c in parsed.getBestCmap() or {}}
                    except Exception:  # a bare CFF program has no cmap of its own
                        pass
    assert any("CJK" in name for name in names), names
    cjk = {c for c in text if "\u4e00" <= c <= "\u9fff"}
    assert cjk
    every = {c for c in text if not c.isspace()}
    assert every <= covered, sorted(every - covered)
