"""The analysis and list pages fit a laptop (1366 px) and a tablet (820 px) without the page
scrolling sideways; a wide table scrolls in its own box, and the analyseschema gives the
toelichtingen room while its score columns stay narrow (issue 13)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 820, "height": 1180}}

FITS = """() => {
  const page = document.documentElement;
  const boxes = [...document.querySelectorAll('.table-scroll')].map(box => ({
    scrolls: box.scrollWidth > box.clientWidth + 1,
    focusable: box.tabIndex === 0 && box.getAttribute('role') === 'region'
               && !!box.getAttribute('aria-label')}));
  return {overflow: page.scrollWidth - page.clientWidth, boxes,
          topbar: document.querySelector('.topbar').getBoundingClientRect().height};
}"""


def _pages(page: Page, base_url: str) -> list[str]:
    page.goto(base_url + "/")
    page.get_by_role("link", name="Gemeente Duinwijk", exact=True).click()
    gemeente = page.url.removeprefix(base_url)
    casus = page.locator("main a[href^='/casussen/']").first.get_attribute("href")
    return [casus + "/analyseschema", gemeente + "/totaalbeeld", "/vergelijking",
            gemeente + "/verbeteracties", "/beheer/audit", gemeente, gemeente + "/consolidatie",
            gemeente + "/rondes", gemeente + "/eindanalyses", "/beheer/gebruikers", "/",
            "/overeenstemming"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_fit_the_screen_and_wide_tables_scroll_in_their_own_box(new_context, demo_data,
                                                                       viewport):
    page = new_context().new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    problems, scrolling_boxes = [], 0
    for path in _pages(page, demo_data):
        page.goto(demo_data + path)
        found = page.evaluate(FITS)
        if found["overflow"] > 0:
            problems.append(f"{path}: the page scrolls {found['overflow']} px sideways")
        if found["topbar"] > 60:
            problems.append(f"{path}: the top bar wraps ({found['topbar']:.0f} px high)")
        for box in found["boxes"]:
            scrolling_boxes += box["scrolls"]
            if box["scrolls"] and not box["focusable"]:
                problems.append(f"{path}: a scrolling table cannot be reached by keyboard")
    assert not problems, "\n".join(problems)
    if viewport == "tablet":
        assert scrolling_boxes >= 1  # the totaalbeeld's element table is wider than a tablet


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_analyseschema_gives_the_toelichting_room(new_context, demo_data, viewport):
    page = new_context().new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(demo_data + _pages(page, demo_data)[0])
    widths = page.evaluate("""() => ({
      scores: [...document.querySelectorAll('#analyseschema tbody td.score')].map(
        td => td.getBoundingClientRect().width),
      texts: [...document.querySelectorAll('#analyseschema td.evidence')].map(
        td => td.getBoundingClientRect().width),
      rows: [...document.querySelectorAll('#analyseschema tbody')].map(
        tb => tb.getBoundingClientRect().height),
      overflow: document.querySelector('#analyseschema').parentElement.scrollWidth
                - document.querySelector('#analyseschema').parentElement.clientWidth})""")
    assert widths["scores"] and max(widths["scores"]) <= 115
    assert widths["texts"] and min(widths["texts"]) >= 2.5 * max(widths["scores"])
    assert max(widths["rows"]) < 450   # an element with three toelichtingen and a quote
    assert widths["overflow"] <= 0     # the schema itself fits: no sideways scrolling to read
