"""A researcher captures casussen in a real browser, against the server ZET ships.

Each test is a story of what a user does with mouse and keyboard, and checks what they see.
"""
from __future__ import annotations

import itertools
import re
import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EXPECTED_ELEMENTS = 15  # the werkzame elementen of instrument 2026.1
OPTIONS = ["1", "2", "3", "4", "5", "nvt", "onbekend"]  # the radios, in page order
SAVE_TIMEOUT = 15_000  # ms: autosave runs every 2 s on the test server


# --- what a user does, in small steps -------------------------------------------------------

def create_gemeente(page: Page, base_url: str, naam: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name="Nieuwe gemeente").click()
    page.locator("#naam").fill(naam)
    page.locator("#grootteklasse").select_option("20.000 - 50.000")
    page.locator("#toegang").fill("Wijkteams met een centraal loket.")
    press(page, "Opslaan")
    expect(page.get_by_role("heading", level=1)).to_have_text(naam)


def create_casus(page: Page, code: str) -> str:
    """From a gemeente page: a casus with just a code and a doelgroep. Returns its URL."""
    page.get_by_role("link", name="Nieuwe casus").click()
    page.locator("#code").fill(code)
    doelgroep_label(page, "volwassenen").click()
    press(page, "Casus opslaan")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Casus {code}")
    return page.url


def new_casus(page: Page, base_url: str, gemeente: str, code: str) -> str:
    create_gemeente(page, base_url, gemeente)
    return create_casus(page, code)


def doelgroep_label(page: Page, value: str):
    return page.locator("label.inline").filter(
        has=page.locator(f"input[name='doelgroep'][value='{value}']"))


def perspective_row(page: Page, label: str):
    return page.locator("#perspectieven tbody tr").filter(
        has=page.locator("td").first.filter(has_text=label))


def open_perspective(page: Page, label: str, link: str) -> list[str]:
    """From the casus page: open a perspective form; returns the element codes on it."""
    perspective_row(page, label).get_by_role("link", name=link).click()
    expect(page.locator("#perspectief-form")).to_be_visible()
    return element_codes(page)


def element_codes(page: Page) -> list[str]:
    ids = page.locator("section.element").evaluate_all("els => els.map(e => e.id)")
    return [i.removeprefix("element-") for i in ids]


def radio(page: Page, code: str, value: str):
    return page.locator(f"#element-{code} input[type=radio][value='{value}']")


def pick_with_mouse(page: Page, code: str, value: str) -> None:
    page.locator(f"#element-{code} label.smiley-{value}").click()
    expect(radio(page, code, value)).to_be_checked()


def pick_with_keyboard(page: Page, code: str, value: str) -> None:
    """Focus the first smiley, select it with Space, then walk with ArrowRight."""
    radio(page, code, OPTIONS[0]).focus()
    page.keyboard.press("Space")
    for _ in range(OPTIONS.index(value)):
        page.keyboard.press("ArrowRight")
    expect(radio(page, code, value)).to_be_checked()
    expect(radio(page, code, value)).to_be_focused()


def toelichting(page: Page, code: str):
    return page.locator(f"#toelichting-{code}")


def checked_value(page: Page, code: str) -> str | None:
    values = page.locator(f"#element-{code} input[type=radio]:checked").evaluate_all(
        "els => els.map(e => e.value)")
    assert len(values) <= 1, values
    return values[0] if values else None


def type_date(locator, text: str) -> None:
    locator.click()
    locator.press_sequentially(text)


def fill_elements(page: Page, codes: list[str], perspective: str, *, skip=()) -> tuple[dict, dict]:
    """Score every element (mouse and keyboard alternating) and explain some of them.

    Returns the chosen scores and typed toelichtingen by element code.
    """
    scores, texts = {}, {}
    values = itertools.cycle(["4", "3", "5", "2", "nvt", "1", "onbekend"])
    for i, code in enumerate(codes):
        if code not in skip:
            value = next(values)
            (pick_with_keyboard if i % 3 == 1 else pick_with_mouse)(page, code, value)
            scores[code] = value
        if i % 3 == 0 or i == len(codes) - 1:
            text = (f"{perspective}: bij {code} ging het 'goed' & \"snel\" <zonder wachten>.\n"
                    "Tweede regel: één vaste contactpersoon.")
            if i == 0:  # typed key by key like a user; the others are pasted
                toelichting(page, code).click()
                page.keyboard.type(text)
            else:
                toelichting(page, code).fill(text)
            texts[code] = text
    return scores, texts


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def form_post(page: Page):
    """Waits for the answer to a form sent by the page (not an autosave, not a replaceState)."""
    return page.expect_response(lambda r: r.request.method == "POST"
                                and r.request.resource_type == "document")


def assert_form_shows(page: Page, codes: list[str], scores: dict, texts: dict) -> None:
    for code in codes:
        assert checked_value(page, code) == scores.get(code), code
        expect(toelichting(page, code)).to_have_value(texts.get(code, ""))


# --- the stories ----------------------------------------------------------------------------

def test_researcher_enters_a_complete_casus_through_the_pages(browser_page, live_server):
    page = browser_page
    create_gemeente(page, live_server, "Gemeente Zeewaarts")

    page.get_by_role("link", name="Nieuw onderzoek").click()
    page.locator("#titel").fill("Ronde voorjaar 2026")
    type_date(page.locator("#periode_start"), "01-01-2026")
    type_date(page.locator("#periode_eind"), "30-06-2026")
    page.locator("#focus").fill("Toegang voor jeugd")
    press(page, "Opslaan")
    expect(page.locator("main")).to_contain_text("Ronde voorjaar 2026 (01-01-2026 t/m 30-06-2026)")

    page.get_by_role("link", name="Nieuwe casus").click()
    page.locator("#code").fill("ZW-J01")
    page.locator("#onderzoek_id").select_option(label="Ronde voorjaar 2026")
    doelgroep_label(page, "jeugd").click()
    expect(page.locator("input[name='doelgroep'][value='jeugd']")).to_be_checked()
    page.locator("#wet").select_option("Jeugdwet")
    page.locator("#levensfase").select_option("tiener")
    page.get_by_label("autisme/ASS").check()
    page.locator("#hulpvraag").fill("Sem, 15 jaar, gaat niet meer naar school.")
    page.get_by_label("onderwijs", exact=True).fill("Thuiszitter sinds de herfstvakantie.")
    type_date(page.locator("#datum_aanmelding"), "03-02-2026")
    type_date(page.locator("#datum_eerste_contact"), "17-02-2026")
    type_date(page.locator("#datum_start_hulp"), "02-03-2026")
    page.locator("#indicatie_maanden").fill("6")
    page.locator("#wisselingen_contactpersoon").fill("1")
    press(page, "Casus opslaan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casus ZW-J01")
    casus_url = page.url
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("autisme/ASS")
    expect(facts).to_contain_text("onderwijs: Thuiszitter sinds de herfstvakantie.")
    expect(facts).to_contain_text("03-02-2026")
    expect(facts).to_contain_text("17-02-2026 (wachttijd 14 dagen)")
    expect(page.locator("p.meta")).to_contain_text(
        "jeugd · Jeugdwet · tiener · Ronde voorjaar 2026")
    # Reopened for editing, the casus shows its dates as typed (saving again must not lose them).
    page.get_by_role("link", name="Gegevens bewerken").click()
    expect(page.locator("#datum_aanmelding")).to_have_value("03-02-2026")
    expect(page.locator("#datum_eerste_contact")).to_have_value("17-02-2026")
    expect(page.locator("#datum_start_hulp")).to_have_value("02-03-2026")
    page.goto(casus_url)

    stored = {}  # per perspective: (datum, scores, toelichtingen)

    # Inwoner: interview with consent, a quote added with the button.
    codes = open_perspective(page, "Inwoner", "Invullen")
    assert len(codes) == EXPECTED_ELEMENTS, codes
    type_date(page.locator("#datum"), "05-03-2026")
    page.locator("#afnemer").fill("Onderzoeker K. Vos")
    page.locator("#geinterviewde").select_option("ouder")
    page.get_by_label("Toestemming van de inwoner vastgelegd").check()
    type_date(page.locator("#toestemming_datum"), "05-03-2026")
    page.locator("#toestemming_vorm").select_option("mondeling")
    scores, texts = fill_elements(page, codes, "Inwoner")
    rows = page.locator("#citaten .citaat")
    before = rows.count()
    press(page, "Citaat toevoegen")
    expect(rows).to_have_count(before + 1)
    new_quote = page.locator(f"#citaten-{before}-tekst")
    expect(new_quote).to_be_focused()
    quote = "Ze luisterden eindelijk naar óns; we hoefden ons verhaal niet steeds opnieuw te doen."
    page.keyboard.type(quote)
    page.locator(f"#citaten-{before}-bron").fill("moeder")
    page.locator(f"#citaten-{before}-element").select_option(codes[0])
    press(page, "Definitief opslaan")
    expect(page).to_have_url(casus_url)
    expect(page.locator(".flash-success")).to_have_text("Perspectief definitief opgeslagen.")
    stored["Inwoner"] = ("05-03-2026", scores, texts)

    # Professional: a role from the list, mouse and keyboard again.
    codes = open_perspective(page, "Professional", "Invullen")
    type_date(page.locator("#datum"), "06-03-2026")
    page.locator("#afnemer").fill("Onderzoeker K. Vos")
    page.locator("#rol").fill("wijkteammedewerker")
    scores, texts = fill_elements(page, codes, "Professional")
    press(page, "Definitief opslaan")
    expect(page).to_have_url(casus_url)
    expect(page.locator(".flash-success")).to_have_text("Perspectief definitief opgeslagen.")
    stored["Professional"] = ("06-03-2026", scores, texts)

    # Dossier.
    codes = open_perspective(page, "Dossier", "Invullen")
    type_date(page.locator("#datum"), "09-03-2026")
    page.locator("#afnemer").fill("Onderzoeker M. Bakker")
    scores, texts = fill_elements(page, codes, "Dossier")
    press(page, "Definitief opslaan")
    expect(page).to_have_url(casus_url)
    stored["Dossier"] = ("09-03-2026", scores, texts)

    # The casus page: three final perspectives, every element answered, nothing missing.
    table_rows = page.locator("#perspectieven tbody tr")
    expect(table_rows).to_have_count(3)
    for label in ("Inwoner", "Professional (wijkteammedewerker)", "Dossier"):
        row = perspective_row(page, label)
        expect(row.locator(".badge")).to_have_text("definitief")
        expect(row.locator("td").nth(2)).to_have_text(
            f"{EXPECTED_ELEMENTS} van {EXPECTED_ELEMENTS}")
    expect(page.locator(".ok")).to_have_text("Alles is ingevuld: de casus is compleet.")

    # Reopen each perspective: exactly what was chosen and typed.
    for label, (datum, scores, texts) in stored.items():
        page.goto(casus_url)
        codes = open_perspective(page, label, "Openen")
        expect(page.locator("p.meta")).to_contain_text("definitief")
        expect(page.locator("#datum")).to_have_value(datum)
        assert_form_shows(page, codes, scores, texts)
        if label == "Inwoner":
            expect(page.locator("#toestemming")).to_be_checked()
            expect(page.locator("#toestemming_datum")).to_have_value("05-03-2026")
            expect(page.locator("#geinterviewde")).to_have_value("ouder")
            expect(page.locator("#citaten-0-tekst")).to_have_value(quote)
            expect(page.locator("#citaten-0-bron")).to_have_value("moeder")
            expect(page.locator("#citaten-0-element")).to_have_value(codes[0])
            expect(page.locator("#citaten-1-tekst")).to_have_value("")
        if label == "Professional":
            expect(page.locator("#rol")).to_have_value("wijkteammedewerker")


def test_autosave_stores_a_draft_without_pressing_save(browser_page, live_server, new_context):
    page = browser_page
    new_casus(page, live_server, "Gemeente Autosaveveen", "AS-01")
    codes = open_perspective(page, "Inwoner", "Invullen")
    pick_with_mouse(page, codes[0], "2")
    text = "Tijdens het gesprek ingevuld; de stroom viel daarna uit."
    toelichting(page, codes[0]).click()
    page.keyboard.type(text)

    expect(page.locator("#autosave-status")).to_contain_text("automatisch opgeslagen",
                                                             timeout=SAVE_TIMEOUT)
    # The save that the status reports included the last keystroke.
    page.wait_for_function(
        "document.getElementById('perspectief-form').dataset.dirty === 'false'",
        timeout=SAVE_TIMEOUT)
    expect(page).to_have_url(re.compile(r"/perspectieven/\d+$"))

    # Another browser (no local backup) opens the address: the server has the draft.
    fresh = new_context().new_page()
    fresh.goto(page.url)
    expect(fresh.locator("p.meta")).to_contain_text("concept")
    assert checked_value(fresh, codes[0]) == "2"
    expect(toelichting(fresh, codes[0])).to_have_value(text)
    assert all(checked_value(fresh, code) is None for code in codes[1:])
    expect(fresh.locator("#herstel")).to_have_count(0)


def test_validation_error_keeps_everything_typed_and_points_at_the_field(browser_page,
                                                                         live_server):
    page = browser_page
    new_casus(page, live_server, "Gemeente Controlestad", "VC-01")
    codes = open_perspective(page, "Dossier", "Invullen")
    missing = codes[1::2]
    type_date(page.locator("#datum"), "12-03-2026")
    page.locator("#afnemer").fill("Onderzoeker M. Bakker")
    scores, texts = fill_elements(page, codes, "Dossier", skip=missing)
    for code in missing[:2]:  # explained, but not scored
        texts[code] = f"Over {code} staat niets in het dossier, nog navragen."
        toelichting(page, code).fill(texts[code])

    with form_post(page) as answer:
        press(page, "Definitief opslaan")
    assert answer.value.status == 422
    expect(page.locator(".flash-error").first).to_contain_text("Niet opgeslagen")
    for code in missing:
        expect(page.locator(f"#element-{code} .field-error")).to_contain_text("Kies een score")
        expect(page.locator(f"#element-{code}")).to_have_class(re.compile(r"\bhas-error\b"))
    for code in set(codes) - set(missing):
        expect(page.locator(f"#element-{code} .field-error")).to_have_count(0)
    # The cursor waits in the first element that needs a score.
    expect(page.locator(f"#element-{missing[0]} input[type=radio]").first).to_be_focused()

    assert_form_shows(page, codes, scores, texts)
    expect(page.locator("#datum")).to_have_value("12-03-2026")
    expect(page.locator("#afnemer")).to_have_value("Onderzoeker M. Bakker")


def test_leaving_with_unsaved_changes_warns(browser_page, live_server):
    page = browser_page
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    form_url = live_server + "/gemeenten/nieuw"

    # Only clicked, nothing changed: leaving is silent.
    page.goto(form_url)
    page.locator("#naam").click()
    page.get_by_role("navigation").get_by_role("link", name="Gemeenten", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeenten")
    assert dialogs == []

    # Typed something: leaving asks first; staying keeps the text.
    page.goto(form_url)
    page.locator("#naam").click()
    page.keyboard.type("Gemeente Vertrekdorp")
    with page.expect_event("dialog") as leaving:
        page.get_by_role("navigation").get_by_role("link", name="Gemeenten", exact=True).click()
    assert leaving.value.type == "beforeunload"
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(form_url)
    expect(page.locator("#naam")).to_have_value("Gemeente Vertrekdorp")

    # Saving is not leaving: no warning.
    press(page, "Opslaan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Vertrekdorp")
    assert dialogs == ["beforeunload"]


def test_second_save_of_same_perspective_shows_conflict(browser_page, live_server, new_context):
    first = browser_page
    casus_url = new_casus(first, live_server, "Gemeente Tweespraak", "TS-01")
    codes = open_perspective(first, "Dossier", "Invullen")
    press(first, "Concept opslaan")
    expect(first.locator(".flash-success")).to_contain_text("Concept opgeslagen")
    perspective_url = first.url
    assert re.search(r"/perspectieven/\d+$", perspective_url), perspective_url

    second = new_context().new_page()
    second.goto(perspective_url)
    first.goto(perspective_url)
    code = codes[0]

    first_text = "Versie van de eerste onderzoeker: plan besproken met het gezin."
    pick_with_mouse(first, code, "5")
    toelichting(first, code).fill(first_text)
    press(first, "Concept opslaan")
    expect(first.locator(".flash-success")).to_contain_text("Concept opgeslagen")

    second_text = "Versie van de tweede onderzoeker: geen plan gevonden."
    pick_with_keyboard(second, code, "1")
    toelichting(second, code).click()
    second.keyboard.type(second_text)
    with form_post(second) as answer:
        press(second, "Concept opslaan")
    assert answer.value.status == 409
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("iemand anders heeft dit perspectief ook opgeslagen")
    stored_version = second.locator(f"#element-{code} .stored-version")
    expect(stored_version).to_be_visible()
    expect(stored_version).to_contain_text(first_text)
    five = first.locator(f"#element-{code} label.smiley-5 .text").inner_text()
    expect(stored_version).to_contain_text(f"5 {five}")
    expect(toelichting(second, code)).to_be_visible()
    expect(toelichting(second, code)).to_have_value(second_text)
    assert checked_value(second, code) == "1"

    # The first researcher's version is what is stored.
    check = new_context().new_page()
    check.goto(perspective_url)
    assert checked_value(check, code) == "5"
    expect(toelichting(check, code)).to_have_value(first_text)
    check.goto(casus_url)
    expect(perspective_row(check, "Dossier").locator("td").nth(2)).to_have_text(
        f"1 van {len(codes)}")


def test_saving_while_an_autosave_is_under_way_is_not_a_conflict(browser_page, live_server):
    """Pressing save while the form's own autosave is still on its way must not report a
    conflict with oneself: the save waits for the autosave and carries its new version."""
    page = browser_page
    new_casus(page, live_server, "Gemeente Haastdorp", "HD-01")
    codes = open_perspective(page, "Dossier", "Invullen")

    held = []  # autosaves the server has answered, whose answers the browser has not had yet

    def hold_autosave_answer(route):
        body = route.request.post_data_buffer or b""
        if route.request.method == "POST" and b"autosave" in body:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(re.compile(r"/perspectieven/"), hold_autosave_answer)
    pick_with_mouse(page, codes[0], "4")
    text = "Ingevuld vlak voor het opslaan."
    toelichting(page, codes[0]).fill(text)
    deadline = time.monotonic() + SAVE_TIMEOUT / 1000
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # lets Playwright handle the route while we wait for it
    assert held, "no autosave was sent"

    with form_post(page) as saved:
        press(page, "Concept opslaan")
        route, autosave_answer = held.pop()
        route.fulfill(response=autosave_answer)
    assert saved.value.status == 302  # saved, on to the stored perspective
    expect(page.locator("#conflict")).to_have_count(0)
    expect(page.locator(".flash-success")).to_contain_text("Concept opgeslagen")
    assert checked_value(page, codes[0]) == "4"
    expect(toelichting(page, codes[0])).to_have_value(text)
