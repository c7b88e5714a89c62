"""Security in a real browser: the Content-Security-Policy breaks nothing, and a perspective's
local copy belongs to the user who typed it and is gone after logout."""
from __future__ import annotations

import re

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "browser-wachtwoord-2026"
DOWNLOADS = (".xlsx", ".csv", ".zip", ".pdf", ".docx", ".png")
REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " "
                              + location.pathname);
});
"""


def make_account(zet_cli, username: str) -> None:
    """An onderzoeker of Duinwijk of its own, so logging out (which ends every session of that
    account) does not end the session the other browser tests share."""
    result = zet_cli("create-user", username, "--role", "onderzoeker", "--gemeente",
                     "Gemeente Duinwijk", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stdout + result.stderr


def log_in_as(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()


def test_no_page_breaks_the_content_security_policy(new_context, demo_data):
    """Walk every page reachable from the start page (two clicks deep, downloads left out),
    open every folded section (which loads its content with a script), and find no violation."""
    page = new_context().new_page()
    page.add_init_script(REPORT_VIOLATIONS)
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    seen, todo, violations = set(), [("/", 0)], []
    while todo and len(seen) < 60:
        path, depth = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(demo_data + path)
        assert response.status < 500, path
        for details in page.locator("details").all():
            if details.is_visible():
                details.evaluate("d => { d.open = true; d.dispatchEvent(new Event('toggle')); }")
        page.wait_for_load_state("networkidle")
        violations += page.evaluate("window.__cspViolations")
        if depth < 2:
            for href in page.locator("main a[href^='/']").evaluate_all(
                    "links => links.map(a => a.getAttribute('href'))"):
                target = urlsplit(href).path
                if not target.endswith(DOWNLOADS) and target not in seen:
                    todo.append((href, depth + 1))
    assert len(seen) >= 20, seen
    assert not violations and not errors, violations + errors


def open_first_perspective(page, base_url: str) -> str:
    page.goto(base_url + "/")
    page.get_by_role("link", name="Gemeente Duinwijk").first.click()
    page.locator("main a[href^='/casussen/']").first.click()
    page.locator("main a[href^='/perspectieven/']").first.click()
    expect(page.locator("#perspectief-form")).to_be_visible()
    return page.url


def local_copies(page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('zet-'))")


def test_the_local_copy_is_bound_to_the_user_and_removed_at_logout(logged_out_context, zet_cli,
                                                                     demo_data):
    make_account(zet_cli, "lokaal-a")
    make_account(zet_cli, "lokaal-b")
    context = logged_out_context   # one shared computer
    # Saves fail (as with a dropped connection), so only the local copy holds the typing.
    context.route("**/perspectieven/**", lambda route: route.abort()
                  if route.request.method == "POST" else route.continue_())
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in_as(page, demo_data, "lokaal-a")
    url = open_first_perspective(page, demo_data)
    page.locator("textarea[name^='toelichting-']").first.fill("Aantekening van A")
    copies = local_copies(page)
    assert len(copies) == 1 and "perspectief" in copies[0]

    # A walks away without logging out (the session times out); B logs in here.
    context.clear_cookies()
    log_in_as(page, demo_data, "lokaal-b")
    page.goto(url)
    expect(page.locator("#perspectief-form")).to_be_visible()
    expect(page.locator("#herstel")).to_have_count(0)   # A's typing is not offered to B
    context.clear_cookies()

    log_in_as(page, demo_data, "lokaal-a")
    page.goto(url)
    expect(page.locator("#herstel")).to_be_visible()    # but A gets it back
    expect(page.locator("#herstel")).to_contain_text(  # dated as ZET dates: dd-mm-jjjj
        re.compile(r"invoer van \d{2}-\d{2}-\d{4} om \d{2}:\d{2} in deze browser"))
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()
    assert local_copies(page) == []

    log_in_as(page, demo_data, "lokaal-a")
    page.goto(url)
    expect(page.locator("#perspectief-form")).to_be_visible()
    expect(page.locator("#herstel")).to_have_count(0)
