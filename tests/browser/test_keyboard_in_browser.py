"""A researcher scores a whole perspective with the keyboard during an interview, and no focused
field ever disappears under the sticky save bar (WCAG 2.2 "Focus not obscured").

Issue 13: at most 3 key presses from page load to the first score, at most 45 to score all
15 elements; every form tabbed through at 1366x768 (laptop) and 820x1180 (tablet).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_capture_in_browser import (EXPECTED_ELEMENTS, checked_value,
                                                   element_codes, new_casus, open_perspective,
                                                   press, toelichting, type_date)

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 820, "height": 1180}}
MAX_TAB_STOPS = 160  # more than the longest form has; the walk stops when focus comes round


class Keys:
    """The keyboard, counting every key the user presses."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1


def test_a_whole_perspective_is_scored_by_keyboard_in_few_keys(new_context, live_server):
    page = new_context().new_page()
    page.set_viewport_size(VIEWPORTS["laptop"])
    new_casus(page, live_server, "Gemeente Toetsenburg", "TB-01")
    codes = open_perspective(page, "Professional", "Invullen")
    assert len(codes) == EXPECTED_ELEMENTS
    page.reload()  # start as a user does: a page just loaded, nothing focused

    keys = Keys(page)
    keys.press("Tab")    # the skip link "Naar het eerste element"
    expect(page.locator("a.skip").first).to_be_focused()
    expect(page.locator("a.skip").first).to_have_text("Naar het eerste element")
    keys.press("Enter")
    first_score = page.locator(f"#element-{codes[0]} .smileys input").first
    expect(first_score).to_be_focused()
    assert keys.count <= 3, keys.count

    # Every answer once, with the keys in the legend: digits, n (n.v.t.) and o (onbekend).
    wanted = ["1", "2", "3", "4", "5", "nvt", "onbekend"] * 3
    keys = Keys(page)
    for i, code in enumerate(codes):
        value = wanted[i]
        keys.press({"nvt": "n", "onbekend": "o"}.get(value, value))
        expect(page.locator(f"#element-{code} input[value='{value}']")).to_be_focused()
        if i + 1 < len(codes):
            keys.press("Tab")  # to the toelichting (nothing typed: an answer is enough)
            expect(toelichting(page, code)).to_be_focused()
            keys.press("Tab")  # to the next element's score: the explanation is no tab stop
            expect(page.locator(f"#element-{codes[i + 1]} .smileys input").first).to_be_focused()
    assert keys.count <= 45, keys.count
    assert [checked_value(page, code) for code in codes] == wanted[:len(codes)]
    # The choice was announced for a screen reader, in the professional's own wording.
    expect(page.locator("#score-melding")).to_contain_text(
        page.locator(f"#element-{codes[-1]} h2").inner_text().strip())

    # Enter goes from a score to its toelichting; "?" opens the explanation; a digit typed in
    # the toelichting is text, not a score.
    page.evaluate("window.zetNotReloaded = true")  # gone if the form is sent (a new page)
    page.locator(f"#element-{codes[0]} input[value='1']").focus()
    page.keyboard.press("?")
    expect(page.locator(f"#element-{codes[0]} details.about")).to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(toelichting(page, codes[0])).to_be_focused()
    page.keyboard.type("Score 4 gegeven? Nee: 1.")
    assert checked_value(page, codes[0]) == "1"
    # Enter on a score did not send the form. (The address itself may change: the autosave,
    # every 2 s in the tests, gives a new perspective its own address without a new page.)
    assert page.evaluate("window.zetNotReloaded === true")

    type_date(page.locator("#datum"), "05-03-2026")
    page.locator("#afnemer").fill("Onderzoeker T. Bos")
    page.locator("#rol").fill("wijkteammedewerker")
    press(page, "Definitief opslaan")
    expect(page.locator(".flash-success")).to_be_visible()
    open_perspective(page, "Professional", "Openen")  # from the casus page the save led to
    assert [checked_value(page, code) for code in element_codes(page)] == wanted[:len(codes)]
    expect(toelichting(page, codes[0])).to_have_value("Score 4 gegeven? Nee: 1.")


OBSCURED = """el => {
  const box = (b => (b.width < 4 || b.height < 4) && el.closest('label')
                    ? el.closest('label').getBoundingClientRect() : b)(el.getBoundingClientRect());
  const problems = [];
  if (box.top < 0 || box.bottom > innerHeight || box.left < 0 || box.right > innerWidth)
    problems.push('outside the viewport');
  for (const other of document.querySelectorAll('body *')) {
    const position = getComputedStyle(other).position;
    if ((position !== 'sticky' && position !== 'fixed') || other.contains(el)) continue;
    const o = other.getBoundingClientRect();
    if (o.width && o.height && box.left < o.right && box.right > o.left
        && box.top < o.bottom && box.bottom > o.top)
      problems.push('under ' + other.className);
  }
  return problems.join(', ');
}"""

STEP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === window.__walkFirst) return null;  // round once
  window.__walkFirst = window.__walkFirst || el;
  return (el.id || el.name || el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30))
    + (el.type === 'radio' ? '=' + el.value : '');
}"""


def _form_pages(page: Page, base_url: str) -> list[str]:
    """One of every page with a form, found in the demo as a user finds them (by links)."""
    def links() -> list[str]:
        return page.locator("main a[href]").evaluate_all(
            "as => as.map(a => a.getAttribute('href'))")

    page.goto(base_url + "/")
    page.get_by_role("link", name="Gemeente Duinwijk", exact=True).click()  # the demo's
    gemeente = page.url.removeprefix(base_url)
    found_here = links()
    casus = next(link for link in found_here if re.fullmatch(r"/casussen/\d+", link))
    for more in (casus, gemeente + "/verbeteracties", gemeente + "/eindanalyses"):
        page.goto(base_url + more)
        found_here += links()
    patterns = [r"/perspectieven/\d+$", r"/casussen/\d+/perspectieven/\w+/nieuw$",
                r"/casussen/\d+/bewerken$", r"/casussen/\d+/bevindingen$",
                r"/gemeenten/\d+/casussen/nieuw$", r"/gemeenten/\d+/bewerken$",
                r"/onderzoeken/\d+/bewerken$", r"/gemeenten/\d+/verbeteracties/nieuw$",
                r"/onderzoeken/\d+/eindanalyses/nieuw$"]
    pages = ["/gemeenten/nieuw", "/importeren", "/beheer/gebruikers/nieuw"]
    for pattern in patterns:
        found = [link for link in found_here if re.search(pattern, link)]
        assert found, f"no link to {pattern} from {gemeente}"
        pages += found[:3 if "perspectieven" in pattern else 1]
    return pages


def _still_obscured(page: Page, patience_ms: int = 1000) -> list:
    """What hides the focused element once the scroll that follows the focus has had its time
    (polled, so a slow machine is not mistaken for a hidden field)."""
    waited = 0
    while True:
        problem = page.evaluate_handle("document.activeElement").evaluate(OBSCURED)
        if not problem or waited >= patience_ms:
            return problem
        page.wait_for_timeout(50)
        waited += 50


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_focused_field_is_hidden_on_any_form(new_context, demo_data, viewport):
    page = new_context().new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    hidden, walked = [], {}
    for path in _form_pages(page, demo_data):
        page.goto(demo_data + path)
        page.wait_for_load_state("networkidle")
        seen = []
        for _ in range(MAX_TAB_STOPS):
            page.keyboard.press("Tab")
            name = page.evaluate(STEP)
            if name is None:
                break
            seen.append(name)
            problem = _still_obscured(page)
            if problem:
                hidden.append(f"{path} {name}: {problem}")
        walked[path] = len(seen)
    assert all(count >= 3 for count in walked.values()), walked
    assert sum(walked.values()) > 200, walked
    assert not hidden, "\n".join(hidden)
