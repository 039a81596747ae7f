"""The facilitator's results in a real browser (headless Chromium), under the strict CSP:
filters, the results with their charts, a cross-tab and its CSV download, and axe-core on
the results and cross-tab pages in three languages at laptop and tablet widths."""

import csv
import io
import random
import uuid

import pytest
from django.utils import translation

from organizations.models import User
from surveys.models import Answer, Choice, Response, store_response

from .browser import DESKTOP, assert_no_axe_violations, html_lang, submit, translated
from .factories import CollectionLinkFactory, small_survey
from .test_browser_staff import sign_in, visit, with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]
TABLET = (768, 1024)


@pytest.fixture
def results_data(org_a, org_b, areas):
    """Forty responses over two organizations, three languages and two channels."""
    survey = small_survey()
    links = {
        org: CollectionLinkFactory(instrument=survey, organization=org) for org in (org_a, org_b)
    }
    trust = survey.questions.get(code="trust")
    who_noise = survey.questions.get(code="who_noise")
    agree, neutral = (Choice.objects.get(question=trust, code=c) for c in ("agree", "neutral"))
    police = Choice.objects.get(question__code="who", code="police")
    rng = random.Random(4)
    area_list = list(areas.order_by("number")[:4])
    for index in range(40):
        org = org_a if index % 3 else org_b
        response = Response(
            id=uuid.uuid4(),
            instrument=survey,
            organization=org,
            link=links[org],
            channel="web" if index % 4 else "kiosk",
            language=["en", "es", "zh-hans"][index % 3],
            languages_used=["en"],
            consented=True,
            area=rng.choice(area_list),
        )
        store_response(
            response=response,
            answers=[
                Answer(question=trust, choice=agree if index % 2 else neutral),
                Answer(question=who_noise, choice=police),
            ],
        )
    return survey


def test_facilitator_filters_reads_results_crosstabs_and_downloads(
    live_server, new_page, facilitator, results_data
):
    with_password(facilitator)
    page, problems = new_page(viewport=DESKTOP, accept_downloads=True)
    sign_in(page, live_server, facilitator.email)
    visit(page, live_server, "/staff/")
    submit(
        page, page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Results")
    )
    assert page.get_by_role("heading", level=1).inner_text().startswith("Results")

    # Filters: Org A, web only.
    page.get_by_role("group", name="Organizations").get_by_label("Org A").check()
    page.get_by_role("group", name="Channels").get_by_label("Web").check()
    submit(page, page.get_by_role("button", name="Show results"))
    expected = Response.objects.filter(organization__slug="org-a", channel="web").count()
    base = page.locator("#base-line").inner_text()
    assert f"Based on {expected} included responses" in base and "Org A" in base
    assert "org=org-a" in page.url and "channel=web" in page.url

    # A question's chart, its one-line summary and its table.
    trust = page.locator("#q-trust")
    assert trust.get_by_role("img").count() == 1
    agree = Response.objects.filter(
        organization__slug="org-a", channel="web", answers__choice__code="agree"
    ).count()
    row = trust.get_by_role("row", name="Agree", exact=False).filter(
        has=page.get_by_role("rowheader", name="Agree", exact=True)
    )
    assert row.get_by_role("cell").first.inner_text() == str(agree)
    assert "Chosen most often" in trust.locator("figcaption").inner_text()
    # The matrix: one table and one stacked bar chart.
    matrix = page.locator("#q-who")
    assert matrix.get_by_role("img").count() == 1
    assert matrix.get_by_role("row", name="A noise complaint").count() == 1

    # Cross-tab: organization by language, row percent, then the CSV of that table.
    submit(page, page.get_by_role("link", name="Cross-tab these results"))
    page.get_by_label("Rows").select_option(label="Community area")
    page.get_by_label("Columns").select_option(label="Language finished in")
    page.get_by_role("group", name="Percentages").get_by_label("Row percent").check()
    submit(page, page.get_by_role("button", name="Show the table"))
    table = page.get_by_role("table")
    assert "Community area by Language finished in" in table.locator("caption").inner_text()
    shown = [
        [cell.inner_text().split()[0] for cell in row.get_by_role("cell").all()]
        for row in table.locator("tbody tr").all()
    ]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this table (CSV)").click()
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read())))
    assert rows[0][0] == "Community area"
    # The CSV has a count and a percent per column; the page shows the count first.
    assert [r[1::2] for r in rows[1:-1]] == shown
    problems.assert_clean()


def test_axe_finds_no_violation_on_results_and_crosstab(
    live_server, new_page, facilitator, results_data
):
    with_password(facilitator)
    checked = []
    for viewport in (DESKTOP, TABLET):
        page, problems = new_page(viewport=viewport)
        sign_in(page, live_server, facilitator.email)
        for language in ("en", "es", "zh-hans"):
            User.objects.filter(pk=facilitator.pk).update(preferred_language=language)
            for path in (
                "/staff/results/",
                "/staff/results/?view=public&org=org-a&org=org-b",
                "/staff/results/crosstab/?rows=q:trust&cols=organization&pct=col",
                "/staff/results/crosstab/?view=public",
            ):
                visit(page, live_server, path)
                assert html_lang(page) == language
                with translation.override(language):
                    heading = page.get_by_role("heading", level=1).inner_text()
                assert heading.startswith(
                    translated(language, "Cross-tab" if "crosstab" in path else "Results")
                )
                assert_no_axe_violations(page)
                checked.append((viewport, language, path))
        problems.assert_clean()
    assert len(checked) == 24
