"""The facilitator's report editor: write, translate side by side, add blocks, preview and
publish; nobody else reaches it."""

import pytest
from django.urls import reverse

from findings.models import Report, ReportBlock, ReportSection, ReportVersion

from .test_reports import make_report, make_section

pytestmark = pytest.mark.django_db


def test_the_facilitator_creates_writes_and_publishes_a_report(client, facilitator, survey):
    client.force_login(facilitator)
    created = client.post(
        reverse("findings:reports"),
        {"kind": "executive", "title_en": "Summary", "instrument": survey.pk},
    )
    report = Report.objects.get()
    assert created["Location"] == reverse("findings:report_edit", args=[report.token])
    edit = reverse("findings:report_edit", args=[report.token])
    added = client.post(edit, {"action": "add_section"})
    section = ReportSection.objects.get()
    section_url = reverse("findings:report_section", args=[report.token, section.pk])
    assert added["Location"] == section_url
    saved = client.post(
        section_url + "?left=en&right=es",
        {
            "action": "text",
            "order": 1,
            "heading_en": "What residents want",
            "body_en": "Residents want **trust**.",
            "heading_es": "Lo que quieren",
            "body_es": "Quieren **confianza**.",
        },
    )
    assert saved.status_code == 302
    section.refresh_from_db()
    assert (section.heading_es, section.body_en) == ("Lo que quieren", "Residents want **trust**.")
    assert set(section.edited_at) == {"en", "es"}
    block = client.post(
        section_url,
        {
            "action": "add_block",
            "kind": "results",
            "question": "trust",
            "after_paragraph": 1,
            "top": 5,
        },
    )
    assert block.status_code == 302
    assert ReportBlock.objects.get().params == {"question": "trust"}
    preview = client.get(reverse("findings:report_preview", args=[report.token, "es"]))
    assert preview.status_code == 200
    assert "Quieren <strong>confianza</strong>." in preview.content.decode()
    refused = client.post(edit, {"action": "publish", "note": "First"})
    body = refused.content.decode()
    assert "The report cannot be published yet" in body
    assert "Section 1: the heading in Simplified Chinese is missing." in body
    assert "The title in Spanish is missing." in body
    assert not ReportVersion.objects.exists()
    client.post(
        edit,
        {
            "action": "settings",
            "kind": "executive",
            "instrument": survey.pk,
            "audience": "partners",
            "noindex": "on",
            "languages": ["en", "es", "zh-hans"],
            "title_en": "Summary",
            "title_es": "Resumen",
            "title_zh_hans": "摘要",
        },
    )
    client.post(
        section_url + "?left=zh-hans&right=en",
        {
            "action": "text",
            "order": 1,
            "heading_zh_hans": "居民的期望",
            "body_zh_hans": "居民希望**信任**。",
            "heading_en": "What residents want",
            "body_en": "Residents want **trust**.",
        },
    )
    published = client.post(edit, {"action": "publish", "note": "First"})
    assert published.status_code == 302
    version = ReportVersion.objects.get()
    assert version.number == 1 and version.note == "First"
    assert "居民希望<strong>信任</strong>。" in version.snapshot["zh-hans"]["body"]


def test_an_edited_source_marks_the_translation_outdated(client, facilitator, survey):
    report = make_report(survey)
    section = make_section(report)
    section.edited_at = {"en": "2026-01-02T00:00:00+00:00", "es": "2026-01-01T00:00:00+00:00"}
    section.save()
    client.force_login(facilitator)
    page = client.get(
        reverse("findings:report_section", args=[report.token, section.pk]) + "?left=en&right=es"
    )
    assert page.content.decode().count("Outdated: the English text changed") == 1
    overview = client.get(reverse("findings:report_edit", args=[report.token])).content
    assert "Spanish: <strong>outdated</strong>" in overview.decode()
    assert "English: complete" in overview.decode()


def test_sections_move_up_and_down(client, facilitator, survey):
    report = make_report(survey)
    first, second = make_section(report, order=1), make_section(report, order=2)
    client.force_login(facilitator)
    client.post(
        reverse("findings:report_move_section", args=[report.token, second.pk]), {"direction": "up"}
    )
    assert list(report.sections.values_list("pk", flat=True)) == [second.pk, first.pk]


EDITOR_PERSONAS = ["anonymous", "staff_a", "manager_a", "staff_b", "partner", "facilitator"]


@pytest.fixture
def partner(db):
    from organizations.models import Membership, Organization

    from .factories import MembershipFactory, OrganizationFactory

    office = OrganizationFactory(name="Police Department", kind=Organization.Kind.PARTNER)
    return MembershipFactory(organization=office, role=Membership.Role.PARTNER).user


def test_blocks_move_up_and_down_across_paragraphs(client, facilitator, survey):
    report = make_report(survey)
    section = make_section(report)
    figures = ReportBlock.objects.create(section=section, kind="figures", after_paragraph=0)
    first = ReportBlock.objects.create(section=section, kind="themes", after_paragraph=1)
    second = ReportBlock.objects.create(section=section, kind="themes", after_paragraph=1)
    address = reverse("findings:report_section", args=[report.token, section.pk])
    client.force_login(facilitator)

    def move(block, direction):
        client.post(address, {"action": "move_block", "block": block.pk, "direction": direction})
        return list(section.blocks.values_list("pk", "after_paragraph"))

    assert move(second, "up") == [(figures.pk, 0), (second.pk, 1), (first.pk, 1)]
    assert move(second, "up") == [(second.pk, 0), (figures.pk, 1), (first.pk, 1)]
    assert move(second, "up") == [(second.pk, 0), (figures.pk, 1), (first.pk, 1)]
    assert move(figures, "down") == [(second.pk, 0), (first.pk, 1), (figures.pk, 1)]


@pytest.mark.parametrize("persona", EDITOR_PERSONAS)
def test_the_editor_answers_only_the_facilitator(client, survey, persona, request):
    """The URL x persona table for the editor's pages: the facilitator opens them, signed-out
    people are sent to sign in, everyone else gets 404 (a partner's report list is theirs)."""
    report = make_report(survey)
    section = make_section(report)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    urls = {
        "list": reverse("findings:reports"),
        "edit": reverse("findings:report_edit", args=[report.token]),
        "section": reverse("findings:report_section", args=[report.token, section.pk]),
        "preview": reverse("findings:report_preview", args=[report.token, "en"]),
        "move": reverse("findings:report_move_section", args=[report.token, section.pk]),
    }
    statuses = {
        name: (client.post(url) if name == "move" else client.get(url)).status_code
        for name, url in urls.items()
    }
    expected = {
        "anonymous": dict.fromkeys(urls, 302),
        "facilitator": {**dict.fromkeys(urls, 200), "move": 302},
        "partner": {**dict.fromkeys(urls, 404), "list": 200},
    }.get(persona, dict.fromkeys(urls, 404))
    assert statuses == expected
    assert ReportSection.objects.filter(report=report).count() == 1
