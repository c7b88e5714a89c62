"""A second, blind rating in a real browser: a second researcher opens a demo dossier from the
casus page, sees the casus and the questions but none of the first rater's answers, scores
every element by clicking, saves definitief and then sees both ratings side by side; the
agreement page counts the new pair."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _context, log_in

pytestmark = pytest.mark.browser

PASSWORD = "tweede-beoordelaar-2026"
FIRST_TOELICHTING = "Zes professionals in het dossier"   # the demo's first rating of HS-J01


def test_a_blind_second_rating_and_then_both_side_by_side(chromium, demo_data, zet_cli):
    result = zet_cli("create-user", "tweede-b", "--role", "onderzoeker", "--gemeente",
                     "Gemeente Heuvelstede", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    context = _context(chromium)
    page = context.new_page()
    log_in(page, demo_data, "tweede-b", PASSWORD)
    page.get_by_role("link", name="Gemeente Heuvelstede", exact=True).click()
    page.get_by_role("link", name="HS-J01", exact=True).click()
    page.locator("#perspectieven tr", has_text="Dossier").get_by_role(
        "link", name="Blind beoordelen").click()

    expect(page.locator("h1")).to_contain_text("Tweede beoordeling (blind)")
    expect(page.locator("#casusgegevens")).to_be_visible()
    assert FIRST_TOELICHTING not in page.content()
    assert page.locator("input[type=radio]:checked").count() == 0
    page.get_by_label("Uw beoordelaarscode").fill("R-09")
    sections = page.locator("section.element")
    codes = [s.get_attribute("id").removeprefix("element-") for s in sections.all()]
    assert len(codes) == 15
    for i, code in enumerate(codes):
        value = "nvt" if i == 14 else str(2 + i % 3)
        page.locator(f"#element-{code} label.smiley-{value}").click()
    page.locator(f"#element-{codes[0]} textarea").fill("Overdrachten deels terug te vinden.")
    page.get_by_role("button", name="Definitief opslaan", exact=True).click()

    expect(page.locator("h1")).to_contain_text("Twee beoordelingen naast elkaar")
    table = page.locator("#naast-elkaar")
    expect(table).to_contain_text(FIRST_TOELICHTING)          # now, not before
    expect(table).to_contain_text("Overdrachten deels terug te vinden.")
    expect(page.locator("thead")).to_contain_text("Tweede (R-09)")

    page.get_by_role("link", name="Overeenstemming over alle dubbel beoordeelde").click()
    expect(page.locator("#per-beoordelaars")).to_contain_text("R-09")
    context.close()
