"""The demo's findings reports: both published in three languages from the demo data and
codebook, with the Chicago report's structure; the executive summary's PDF in each language."""

import io
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from findings.models import Report
from findings.reports import snapshot

from .test_report_pages import assert_every_character_has_a_glyph

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_reports(areas):
    call_command("load_demo", quiet_logins=True, force=True, stdout=StringIO())
    call_command("load_demo_codebook", force=True, stdout=StringIO())
    out = StringIO()
    call_command("load_demo_reports", force=True, stdout=out)
    return out.getvalue()


def test_both_demo_reports_are_published_in_three_languages(demo_reports):
    assert "2 city partners, 7 starred quotes" in demo_reports
    executive = Report.objects.get(slug="executive-summary")
    detailed = Report.objects.get(slug="detailed-report")
    assert (executive.audience, detailed.audience) == ("public", "partners")
    for report in (executive, detailed):
        version = report.versions.get()
        assert sorted(version.snapshot) == ["en", "es", "zh-hans"]
        english = version.snapshot["en"]["body"]
        for heading in (
            "What residents want from policing",
            "Actions for the Police Department",
            "Mixed views on who should respond to calls for help",
        ):
            assert heading in english
        assert "对警察局的行动建议" in version.snapshot["zh-hans"]["body"]
        assert "report-unreviewed" not in english
    # Loading again changes nothing published.
    call_command("load_demo_reports", force=True, stdout=StringIO())
    assert executive.versions.count() == 1


def test_the_detailed_report_is_made_in_under_ten_seconds(demo_reports):
    report = Report.objects.get(slug="detailed-report")
    started = time.monotonic()
    snapshot(report)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", "Executive Summary of Findings"),
        ("es", "Resumen ejecutivo de los resultados"),
        ("zh-hans", "调查结果摘要"),
    ],
)
def test_the_executive_summary_pdf_in_each_language(client, demo_reports, language, words):
    from pypdf import PdfReader

    report = Report.objects.get(slug="executive-summary")
    with translation.override(language):
        address = reverse("report_pdf", args=[report.token])
    started = time.monotonic()
    response = client.get(address)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert words in "".join(text.split("\n"))
    assert "\ufffd" not in text
    if language == "zh-hans":
        assert_every_character_has_a_glyph(reader, text)
