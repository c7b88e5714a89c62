"""WCAG 2.1 A and AA, checked by axe-core in Chromium on every page each role can open, at a
laptop's and a tablet's width, on the demo data (issue 13; Dutch law asks it of gemeenten).

axe-core comes from npm (package.json; scripts/test.sh installs it). Any violation fails the
build, listed with the page, the rule and the elements.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import _context, log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 820, "height": 1180}}
PASSWORD = "toegankelijk-wachtwoord-2026"
DOWNLOADS = (".xlsx", ".csv", ".zip", ".pdf", ".docx", ".png")
# The role and the gemeenten of each account checked (the demo has Duinwijk and Heuvelstede).
ROLES = {"beheerder": [], "onderzoeker": ["Gemeente Duinwijk"],
         "gemeente": ["Gemeente Duinwijk"], "analist": ["Gemeente Duinwijk", "Gemeente Heuvelstede"]}
MAX_PAGES = 45  # distinct kinds of page per role; the crawl stops there

RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: %s},
                                          resultTypes: ['violations']});
  return result.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' | '
    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' ; '));
}""" % WCAG_21_AA


def _kind(path: str) -> str:
    """Pages that differ only in an id are one kind: checked once."""
    return re.sub(r"/\d+", "/N", path)


def _links(page) -> list[str]:
    hrefs = page.locator("a[href^='/']").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    pages = [href.split("#")[0] for href in hrefs]   # a link within the page is that page
    return [href for href in pages if not urlsplit(href).path.endswith(DOWNLOADS)
            and not urlsplit(href).path.endswith(("/download", "/voortgang"))]


def _check(page, base_url: str, path: str, violations: list[str]) -> None:
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        response = page.goto(base_url + path)
        assert response is not None and response.status < 500, path
        for details in page.locator("details").all():   # folded content counts too
            details.evaluate("d => { d.open = true; d.dispatchEvent(new Event('toggle')); }")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        violations += [f"{path} [{name}] {v}" for v in page.evaluate(RUN_AXE)]


def _account(zet_cli, role: str) -> str | None:
    if role == "beheerder":
        return None  # the e2e beheerder of the shared login
    username = f"axe-{role}"
    gemeenten = [arg for naam in ROLES[role] for arg in ("--gemeente", naam)]
    result = zet_cli("create-user", username, "--role", role, *gemeenten, "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    return username


@pytest.fixture(scope="module")
def axe_available():
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: run `npm ci` (scripts/test.sh does).")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_meets_wcag_21_aa(axe_available, chromium, login_state,
                                                  demo_data, zet_cli, role):
    username = _account(zet_cli, role)
    # bypass_csp: axe is injected as a script of the test; the pages keep their own CSP checks
    # (test_security_in_browser.py).
    context = _context(chromium, bypass_csp=True,
                       storage_state=login_state if username is None else None)
    page = context.new_page()
    if username is not None:
        log_in(page, demo_data, username, PASSWORD)
    seen, todo, violations = set(), ["/"], []
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop(0)
        if _kind(path) in seen:
            continue
        seen.add(_kind(path))
        _check(page, demo_data, path, violations)
        todo += [href for href in _links(page) if _kind(href) not in seen]
    assert len(seen) >= (3 if role == "analist" else 15), seen
    context.close()
    assert not violations, "\n".join(violations)


def test_the_pages_before_login_meet_wcag_21_aa(axe_available, chromium, live_server):
    context = _context(chromium, bypass_csp=True)
    violations: list[str] = []
    page = context.new_page()
    for path in ("/login", "/toegankelijkheid"):
        _check(page, live_server, path, violations)
    context.close()
    assert not violations, "\n".join(violations)
