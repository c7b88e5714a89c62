"""The closing session in a real browser, on the fictional demo: from the gemeente's totaalbeeld
to an eindanalyse (an oordeel other than computed is refused until its reason is written, and
what was typed stays), an agreed verbeteractie, the gemeenterapport downloaded with both in it,
and clean print-outs of the totaalbeeld, the eindanalyse and the actions (no navigation, every
section open, tables whole)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_capture_in_browser import press, type_date

pytestmark = pytest.mark.browser
GEMEENTE = "Gemeente Heuvelstede"
ONDERZOEK = "Casusevaluatie toegang en uitvoering 2026"
REPORT_TIMEOUT = 90_000  # ms: the PDF is rendered while the download waits


def open_gemeente(page, base_url, naam=GEMEENTE):
    page.goto(base_url + "/")
    page.get_by_role("link", name=naam, exact=True).click()


def pdf_pages(page, tmp_path, name) -> list[str]:
    """The page printed by Chromium (print stylesheet), as the text of each PDF page in reading
    order, white space made single."""
    path = tmp_path / f"{name}.pdf"
    page.pdf(path=str(path), format="A4")
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(path).pages]


def test_an_eindanalyse_an_action_and_the_report_from_the_totaalbeeld(browser_page, demo_data, tmp_path):
    page = browser_page
    open_gemeente(page, demo_data)
    page.get_by_role("link", name="Totaalbeeld en heatmap").click()
    page.locator("select[name=onderzoek]").select_option(label=ONDERZOEK)
    page.get_by_role("button", name="Toon").click()   # choosing alone submits nothing
    page.get_by_role("link", name="Eindanalyse van dit onderzoek vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nieuwe eindanalyse")

    type_date(page.locator("#datum"), "20-11-2026")
    page.get_by_label("Uitvoering (consulenten, wijkteam)").fill("5")
    page.get_by_label("Beleid", exact=True).fill("1")
    section = page.locator("#element-SAM")
    summary = section.locator(":scope > summary")
    expect(summary).to_contain_text("knelpunt")   # what ZET computes
    summary.click()
    section.get_by_label("Prioriteit").fill("1")
    section.get_by_label("Afgesproken oordeel").select_option("gemengd")
    section.get_by_label("Conclusie").fill("Rolverdeling is op papier helder, in de praktijk niet.")
    section.get_by_label("HS-J01", exact=True).check()
    section.get_by_text("Citaten bij andere elementen").click()
    section.locator(".checks-list input[type=checkbox]").first.check()
    press(page, "Eindanalyse opslaan")

    section = page.locator("#element-SAM")
    expect(section).to_have_attribute("open", "")
    expect(section.locator(".field-error")).to_contain_text("schrijf op waarom")
    expect(section.get_by_label("Conclusie")).to_have_value(
        "Rolverdeling is op papier helder, in de praktijk niet.")
    expect(section.get_by_label("HS-J01", exact=True)).to_be_checked()
    section.get_by_label("Waarom wijkt het af van het berekende oordeel?").fill(
        "De groep ziet dat de nieuwe regiebijeenkomsten al helpen.")
    press(page, "Eindanalyse opslaan")

    expect(page.locator(".flash-success")).to_contain_text("Eindanalyse opgeslagen")
    row = page.locator("#oordelen tr").filter(has_text="Samenwerking en duidelijke rolverdeling")
    expect(row).to_contain_text("knelpunt")
    expect(row).to_contain_text("gemengd")
    expect(row).to_contain_text("anders dan berekend")
    expect(row).to_contain_text("De groep ziet dat de nieuwe regiebijeenkomsten al helpen.")
    expect(row.get_by_role("link", name="HS-J01")).to_be_visible()
    expect(row.locator(".quotes li")).to_have_count(1)
    expect(page.locator("#deelnemers")).to_contain_text("Uitvoering (consulenten, wijkteam): 5")

    printed = pdf_pages(page, tmp_path, "eindanalyse")
    assert "Importeren" not in printed[0] and "Bewerken" not in printed[0]
    assert "anders dan berekend" in "".join(printed)

    page.get_by_role("link", name="Verbeteracties").first.click()
    page.get_by_role("link", name="Nieuwe verbeteractie").click()
    page.locator("#titel").fill("Regie afspreken bij elke tweede aanbieder")
    page.get_by_label("Samenwerking en duidelijke rolverdeling").check()
    page.locator("#niveau").select_option("operationeel")
    type_date(page.locator("#start"), "01-01-2027")
    type_date(page.locator("#deadline"), "01-04-2027")
    press(page, "Verbeteractie opslaan")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Regie afspreken bij elke tweede aanbieder")
    page.get_by_role("link", name="Verbeteracties").click()
    printed = "".join(pdf_pages(page, tmp_path, "acties"))
    assert "afspreken bij elke tweede aanbieder" in printed and "01-04-2027" in printed
    assert "Nieuwe verbeteractie" not in printed and "Uitloggen" not in printed

    page.get_by_role("link", name=GEMEENTE).first.click()
    page.get_by_role("link", name="Totaalbeeld en heatmap").click()
    page.locator("select[name=onderzoek]").select_option(label=ONDERZOEK)
    page.get_by_role("button", name="Toon").click()   # choosing alone submits nothing
    # The report is rendered while the link waits (WeasyPrint: seconds on a slow machine).
    with page.expect_download(timeout=REPORT_TIMEOUT) as download:
        page.get_by_role("link", name="Gemeenterapport (PDF)").click(timeout=REPORT_TIMEOUT)
    assert download.value.suggested_filename.startswith("gemeenterapport-gemeente-heuvelstede-")
    report = re.sub(r"\s+", " ", " ".join(
        p.extract_text() for p in PdfReader(download.value.path()).pages))
    assert "Rolverdeling is op papier helder" in report     # the eindanalyse just recorded
    assert "Regie afspreken bij elke tweede aanbieder" in report   # and the action
    assert "De groep ziet dat de nieuwe regiebijeenkomsten al helpen." in report


def test_the_totaalbeeld_and_analyseschema_print_whole(browser_page, demo_data, tmp_path):
    page = browser_page
    open_gemeente(page, demo_data, "Gemeente Duinwijk")
    page.get_by_role("link", name="Totaalbeeld en heatmap").click()
    page.get_by_role("link", name="Afdrukversie (met alle onderbouwing)").click()
    page.wait_for_url("**afdruk=1**")   # print the print version, not the page before it
    page.wait_for_load_state()
    pages = pdf_pages(page, tmp_path, "totaalbeeld")
    text = "".join(pages)
    assert "Totaalbeeld · Gemeente Duinwijk" in text
    for hidden in ("Importeren", "Download Excel-werkboek", "Afdrukversie", "Vervolg:"):
        assert hidden not in text, hidden
    # every element's evidence is printed, opened: scores with toelichting and the quotes
    assert text.count("casus(sen), waarvan") >= 15
    assert "Elke keer als ik iemand eindelijk kende" in text

    page.goto(demo_data + "/")
    page.get_by_role("link", name="Gemeente Duinwijk", exact=True).click()
    page.get_by_role("link", name="DW-J01", exact=True).click()
    page.get_by_role("link", name="Analyseschema").first.click()
    pages = [p for p in pdf_pages(page, tmp_path, "schema") if p.strip()]
    assert len(pages) > 1 and "Importeren" not in pages[0]
    header = page.locator("#analyseschema thead th").last.inner_text().strip()
    assert all(header in p for p in pages), "the table header repeats on every page"
