"""A large export in a real browser against `zet serve` and the worker it starts: the download
link leads to a start button, the job's page shows a progress bar that moves on its own (and
survives a reload), then offers the workbook, which opens."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
DOWNLOAD_TIMEOUT = 60_000  # ms: a finished job's file, read from disk


def test_a_comparison_workbook_is_made_in_the_background_and_downloaded(browser_page,
                                                                        demo_data):
    page = browser_page
    page.goto(demo_data + "/vergelijking")
    page.get_by_role("link", name="Download Excel-werkboek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export op de achtergrond")
    page.get_by_role("button", name="Export starten").click()
    page.wait_for_url("**/taken/*")
    expect(page.locator("#taak")).to_be_visible()
    page.reload()   # the job lives on the server, not in this page
    download_link = page.get_by_role("link", name="Downloaden")
    expect(download_link).to_be_visible(timeout=120_000)   # the page polls, then reloads
    expect(page.get_by_text("is klaar om te downloaden")).to_be_visible()
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT) as download:
        download_link.click(timeout=DOWNLOAD_TIMEOUT)
    assert download.value.suggested_filename.startswith("zet-export-")
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    assert "Data" in book.sheetnames and book["Data"].max_row > 1
    book.close()
    page.get_by_role("link", name="Mijn taken").click()
    expect(page.locator("table")).to_contain_text("Excel-werkboek (alle gemeenten)")
    expect(page.locator("table")).to_contain_text("Klaar")
