"""After the interviews, in a real browser: a researcher adds a quote with its speaker (also in
a row added with the button), writes the findings of a casus, agrees a verbeteractie with the
gemeente and records its progress."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_capture_in_browser import (new_casus, open_perspective, press,
                                                    type_date)

pytestmark = pytest.mark.browser


def test_quote_findings_and_an_action_through_the_pages(browser_page, live_server):
    page = browser_page
    casus_url = new_casus(page, live_server, "Gemeente Rondom", "RD-01")
    codes = open_perspective(page, "Inwoner", "Invullen")
    page.locator("#geinterviewde").select_option("ouder")
    page.get_by_role("button", name="Citaat toevoegen").click()
    rows = page.locator("#citaten .citaat")
    last = rows.last
    last.locator("textarea").fill("We moesten alles steeds opnieuw vertellen.")
    last.locator("select[name$='-element']").select_option(codes[0])
    last.locator("select[name$='-soort']").select_option("knelpunt")
    last.locator("input[type=checkbox]").check()
    press(page, "Concept opslaan")
    page.goto(casus_url)

    page.get_by_role("link", name="Bevindingen schrijven").click()
    section = page.locator(f"#element-{codes[0]}")
    expect(section).to_contain_text("We moesten alles steeds opnieuw vertellen.")
    expect(section).to_contain_text("ouder")  # the default speaker: who was interviewed
    expect(section).to_contain_text("citeerbaar")
    page.locator("#knelpunten").fill("Steeds een nieuw gezicht.")
    section.locator("textarea").fill("Het gezin merkt de wisselingen het sterkst.")
    press(page, "Bevindingen opslaan")
    expect(page.locator(".flash-success")).to_contain_text("Bevindingen van casus RD-01")
    expect(page.locator("#knelpunten")).to_have_value("Steeds een nieuw gezicht.")

    page.get_by_role("link", name="Gemeente Rondom").first.click()
    page.get_by_role("link", name="Verbeteracties").click()
    page.get_by_role("link", name="Nieuwe verbeteractie").click()
    page.locator("#titel").fill("Eén vast gezicht per gezin")
    page.get_by_label("Continuïteit").check()
    page.locator("#niveau").select_option("tactisch")
    type_date(page.locator("#start"), "01-06-2026")
    type_date(page.locator("#deadline"), "01-05-2026")
    press(page, "Verbeteractie opslaan")
    expect(page.locator(".field-error")).to_contain_text("De datum deadline ligt vóór de datum start")
    expect(page.locator("#titel")).to_have_value("Eén vast gezicht per gezin")
    page.locator("#deadline").fill("01-12-2026")
    press(page, "Verbeteractie opslaan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Eén vast gezicht per gezin")
    page.locator("#datum").fill("15-06-2026")  # today is filled in; this note is older
    page.locator("#tekst").fill("Werkwijze besproken met het wijkteam.")
    press(page, "Voortgang opslaan")
    expect(page.locator("#voortgang")).to_contain_text("15-06-2026")
    page.get_by_role("link", name="Verbeteracties").click()
    expect(page.locator("#acties")).to_contain_text("Werkwijze besproken met het wijkteam.")
