"""The facilitator's downloads in a real browser (headless Chromium), under the strict CSP:
options picked on the page, each format downloaded and read back, axe-core on the page."""

import csv
import io

import openpyxl
import pyreadstat
import pytest

from surveys.models import Response

from .browser import DESKTOP, assert_no_axe_violations, submit
from .test_browser_results import results_data  # noqa: F401 (a fixture)
from .test_browser_staff import sign_in, visit, with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def saved(download_info, tmp_path, name):
    path = tmp_path / name
    download_info.value.save_as(path)
    return path


def test_facilitator_picks_options_and_downloads_every_format(
    live_server,
    new_page,
    facilitator,
    results_data,  # noqa: F811
    tmp_path,
):
    with_password(facilitator)
    page, problems = new_page(viewport=DESKTOP, accept_downloads=True)
    sign_in(page, live_server, facilitator.email)
    visit(page, live_server, "/staff/")
    submit(page, page.get_by_role("main").get_by_role("link", name="Downloads", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Downloads"
    assert "every organization's data" in page.locator("#whose-data").inner_text()
    assert_no_axe_violations(page)

    # Org A only, labels in Spanish, multiple choice as 0/1 columns, free text left out.
    page.get_by_role("group", name="Organizations").get_by_label("Org A").check()
    page.get_by_label("Answers as").select_option(label="Labels in español")
    page.get_by_role("group", name="Multiple-choice questions").get_by_label(
        "One 0/1 column per option", exact=False
    ).check()
    free_text = page.get_by_label("Include free-text answers", exact=False)
    assert not free_text.is_checked()
    assert "identify them" in page.locator("#id_free_text_helptext").inner_text()
    expected = Response.objects.filter(organization__slug="org-a").count()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    path = saved(info, tmp_path, "responses.csv")
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == expected
    assert {row[header.index("organization")] for row in rows} == {"Org A"}
    assert {row[header.index("trust")] for row in rows} <= {"De acuerdo", "Neutral"}
    assert "idea" not in header and "worries" not in header

    with page.expect_download() as info:
        page.get_by_role("button", name="Download Excel (XLSX)").click()
    workbook = openpyxl.load_workbook(saved(info, tmp_path, "responses.xlsx"))
    assert workbook.sheetnames == ["Data", "Codebook", "About this file"]
    assert workbook["Data"].max_row == expected + 1

    with page.expect_download() as info:
        page.get_by_role("button", name="Download SPSS (.sav)").click()
    frame, meta = pyreadstat.read_sav(str(saved(info, tmp_path, "responses.sav")))
    assert len(frame) == expected
    assert meta.variable_value_labels["trust"][3] == "De acuerdo"

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the codebook (XLSX)").click()
    codebook = openpyxl.load_workbook(saved(info, tmp_path, "codebook.xlsx")).active
    assert codebook["A1"].value == "variable"
    problems.assert_clean()


def test_downloads_page_shows_bad_dates_with_a_linked_error(
    live_server,
    new_page,
    facilitator,
    results_data,  # noqa: F811
):
    with_password(facilitator)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, facilitator.email)
    visit(page, live_server, "/staff/downloads/")
    page.get_by_label("From").fill("2026-10-02")
    page.get_by_label("To").fill("2026-10-01")
    submit(page, page.get_by_role("button", name="Download CSV"))
    summary = page.locator(".error-summary")
    assert "The end date must be on or after the start date." in summary.inner_text()
    assert page.get_by_label("From").input_value() == "2026-10-02"
    assert_no_axe_violations(page)
    problems.assert_clean()


def test_a_large_file_is_prepared_with_progress_then_offered(
    live_server,
    new_page,
    facilitator,
    results_data,  # noqa: F811
    settings,
    tmp_path,
):
    """Above DOWNLOAD_INLINE_ROWS the file is made by the task queue's worker: the page
    shows the progress, then (by itself, with the script) the link to the file."""
    from .test_downloads import run_worker

    settings.DOWNLOAD_INLINE_ROWS = 2
    settings.PREPARED_FILES_DIR = tmp_path / "prepared"
    with_password(facilitator)
    page, problems = new_page(viewport=DESKTOP, accept_downloads=True)
    sign_in(page, live_server, facilitator.email)
    visit(page, live_server, "/staff/downloads/")
    submit(page, page.get_by_role("button", name="Download Excel (XLSX)"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your download"
    assert "Waiting to start" in page.get_by_role("status").inner_text()
    assert page.locator("#prepared-progress").is_visible()
    assert_no_axe_violations(page)

    run_worker(settings.PREPARED_FILES_DIR)
    link = page.get_by_role("link", name="Download the file")
    link.wait_for(state="visible", timeout=15000)
    assert page.get_by_role("status").inner_text() == "Ready"
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith("-responses-en.xlsx")
    workbook = openpyxl.load_workbook(saved(info, tmp_path, "responses.xlsx"))
    assert workbook["Data"].max_row == Response.objects.count() + 1
    problems.assert_clean()
