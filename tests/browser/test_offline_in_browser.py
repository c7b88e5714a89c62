"""The wifi drops during an interview: the researcher goes on typing and saving, and what was
saved reaches the server once the connection is back, still through the conflict check."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_capture_in_browser import (SAVE_TIMEOUT, checked_value, new_casus,
                                                   open_perspective, pick_with_mouse, press,
                                                   toelichting)

pytestmark = pytest.mark.browser

QUEUED = "wordt verzonden zodra er verbinding is"


def queued_saves(page: Page) -> int:
    return page.evaluate("""() => Object.keys(localStorage)
        .filter(key => key.endsWith('-wachtrij'))
        .reduce((n, key) => n + JSON.parse(localStorage.getItem(key)).length, 0)""")


def test_a_save_without_network_is_sent_when_the_connection_returns(new_context, live_server):
    context = new_context()
    page = context.new_page()
    new_casus(page, live_server, "Gemeente Wifiloos", "WL-01")
    codes = open_perspective(page, "Dossier", "Invullen")   # a new perspective, never saved

    context.set_offline(True)
    pick_with_mouse(page, codes[0], "2")
    toelichting(page, codes[0]).fill("Getypt toen de wifi weg was.")
    press(page, "Concept opslaan")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text(QUEUED)
    assert page.url.endswith("/nieuw")  # no error page: the form is still there, as typed
    expect(toelichting(page, codes[0])).to_have_value("Getypt toen de wifi weg was.")
    assert queued_saves(page) == 1
    pick_with_mouse(page, codes[1], "4")   # more typing, saved again: one save waits, the last
    press(page, "Concept opslaan")
    assert queued_saves(page) == 1

    context.set_offline(False)
    expect(status).to_contain_text("verzonden toen de verbinding terug was",
                                   timeout=SAVE_TIMEOUT)
    assert queued_saves(page) == 0
    expect(page).to_have_url(re.compile(r"/perspectieven/\d+$"))   # stored: its own address
    page.reload()
    assert checked_value(page, codes[0]) == "2" and checked_value(page, codes[1]) == "4"
    expect(toelichting(page, codes[0])).to_have_value("Getypt toen de wifi weg was.")


def test_a_queued_save_never_overwrites_a_newer_save_of_someone_else(new_context, live_server):
    first_context, second_context = new_context(), new_context()
    first = first_context.new_page()
    new_casus(first, live_server, "Gemeente Tweeweg", "TW-01")
    codes = open_perspective(first, "Dossier", "Invullen")
    pick_with_mouse(first, codes[0], "3")
    press(first, "Concept opslaan")
    expect(first.locator(".flash-success")).to_be_visible()

    first_context.set_offline(True)
    toelichting(first, codes[0]).fill("Offline getypt door de eerste.")
    press(first, "Concept opslaan")
    expect(first.locator("#autosave-status")).to_contain_text(QUEUED)

    second = second_context.new_page()   # meanwhile a colleague saves the same perspective
    second.goto(first.url)
    toelichting(second, codes[0]).fill("Opgeslagen door de tweede.")
    press(second, "Concept opslaan")
    expect(second.locator(".flash-success")).to_be_visible()

    first_context.set_offline(False)
    expect(first.locator("#autosave-status")).to_contain_text("niet opgeslagen",
                                                              timeout=SAVE_TIMEOUT)
    expect(first.locator("#autosave-status")).to_contain_text("iemand anders")
    assert queued_saves(first) == 0
    expect(toelichting(first, codes[0])).to_have_value("Offline getypt door de eerste.")
    second.reload()
    expect(toelichting(second, codes[0])).to_have_value("Opgeslagen door de tweede.")


def test_a_queued_save_waits_while_the_session_has_ended(new_context, live_server):
    """Back online but logged out (the session timed out during a long offline interview): the
    save stays in the queue, and the researcher is asked to log in again; nothing is lost."""
    context = new_context()
    page = context.new_page()
    new_casus(page, live_server, "Gemeente Sessieloos", "SL-01")
    codes = open_perspective(page, "Dossier", "Invullen")
    context.set_offline(True)
    toelichting(page, codes[0]).fill("Getypt, daarna verliep de sessie.")
    press(page, "Concept opslaan")
    expect(page.locator("#autosave-status")).to_contain_text(QUEUED)
    context.clear_cookies()
    context.set_offline(False)
    expect(page.locator("#autosave-status")).to_contain_text("Log opnieuw in",
                                                             timeout=SAVE_TIMEOUT)
    assert queued_saves(page) == 1
