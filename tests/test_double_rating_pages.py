"""The blind second rating on screen, over HTTP: who may give it, what each rater sees before
both ratings are definitief (nothing of the other one, also not as JSON), and both side by side
afterwards."""
from __future__ import annotations

from sqlalchemy import select

from tests.helpers import full_perspective_form, login_as, make_casus, make_gemeente, post_form
from zet.models import Perspectief

FIRST_TEXT = "Eerste las: drie wisselingen zonder overdracht"
SECOND_TEXT = "Tweede las: overdracht wel vastgelegd"


def _world(app, session, instrument):
    """Gemeente Testdorp with casus T-01 whose dossier onderzoeker A rated (definitief, on
    screen, so the audit log knows A) and named B1; B and C are onderzoekers there too."""
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente, hulpvraag="Hulp bij school voor Sem (fictief).")
    clients = {}
    for name in "ABC":
        clients[name] = app.test_client()
        login_as(clients[name], "onderzoeker", [gemeente], username=f"onderzoeker-{name}")
    data = full_perspective_form(instrument, score="2")
    data[f"toelichting-{instrument.codes[0]}"] = FIRST_TEXT
    response = post_form(clients["A"], f"/casussen/{casus.id}/perspectieven/dossier/nieuw", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    session.expire_all()
    dossier = session.scalar(select(Perspectief).where(Perspectief.soort == "dossier"))
    dossier.beoordelaar = "B1"
    session.commit()
    return casus, dossier, clients


def _second_form(instrument, actie="concept", score="3", code="B2"):
    data = {"beoordelaar": code, "actie": actie}
    for element in instrument.elements:
        data[f"score-{element.code}"] = score
    data[f"toelichting-{instrument.codes[0]}"] = SECOND_TEXT
    return data


def test_the_blind_rule_holds_until_both_ratings_are_definitief(app, session, instrument):
    casus, dossier, c = _world(app, session, instrument)
    url = f"/perspectieven/{dossier.id}/tweede"
    # B starts the second rating: the casus facts and the questions, not A's answers.
    page = c["B"].get(url).get_data(as_text=True)
    assert "Hulp bij school voor Sem" in page and instrument.elements[0].questions["dossier"][0] in page
    assert FIRST_TEXT not in page and "checked" not in page
    response = post_form(c["B"], url, _second_form(instrument))
    assert response.status_code == 302
    session.expire_all()
    assert dossier.tweede.beoordelaar == "B2" and dossier.tweede.status == "concept"

    # B, blind: the first rating's page, its autosave JSON, the analyseschema, the bevindingen.
    for path in (f"/perspectieven/{dossier.id}", f"/casussen/{casus.id}/analyseschema",
                 f"/casussen/{casus.id}/bevindingen"):
        response = c["B"].get(path)
        assert response.status_code == 403, path
        assert FIRST_TEXT not in response.get_data(as_text=True)
    autosave = post_form(c["B"], f"/perspectieven/{dossier.id}", {"actie": "autosave"},
                         form_url=url)
    assert autosave.status_code == 403 and FIRST_TEXT not in autosave.get_data(as_text=True)
    assert autosave.get_json()["ok"] is False
    casus_page = c["B"].get(f"/casussen/{casus.id}").get_data(as_text=True)
    assert 'id="bevindingen-blind"' in casus_page
    # A (the first rater) and C see that a second rating runs, not what it says.
    for name in "AC":
        response = c[name].get(url)
        assert response.status_code == 200 and 'id="geweigerd"' in response.get_data(
            as_text=True), name
        assert SECOND_TEXT not in response.get_data(as_text=True)
    assert "beoordeeld door B2 (concept)" in c["C"].get(url).get_data(as_text=True)
    side = c["A"].get(f"/perspectieven/{dossier.id}/naast-elkaar").get_data(as_text=True)
    assert 'id="nog-niet"' in side and SECOND_TEXT not in side and FIRST_TEXT not in side

    # B makes it definitief: now both stand side by side, for everyone in scope.
    response = post_form(c["B"], url, _second_form(instrument, actie="definitief"))
    assert response.status_code == 302 and response.location.endswith("/naast-elkaar")
    for name in "ABC":
        side = c[name].get(f"/perspectieven/{dossier.id}/naast-elkaar").get_data(as_text=True)
        assert FIRST_TEXT in side and SECOND_TEXT in side, name
        assert "1 punt" in side
    assert c["B"].get(f"/perspectieven/{dossier.id}").status_code == 200


def test_the_first_rater_may_not_rate_again_and_nothing_is_stored(app, session, instrument):
    _, dossier, c = _world(app, session, instrument)
    page = c["A"].get(f"/perspectieven/{dossier.id}/tweede")
    assert page.status_code == 200 and 'name="beoordelaar"' not in page.get_data(as_text=True)
    assert "eerste beoordeling van dit perspectief ingevoerd" in page.get_data(as_text=True)
    response = post_form(c["A"], f"/perspectieven/{dossier.id}/tweede",
                         _second_form(instrument), form_url=f"/perspectieven/{dossier.id}")
    assert response.status_code == 409
    session.expire_all()
    assert dossier.tweede is None


def test_the_same_code_as_the_first_rater_is_refused_and_the_answers_stay(app, session,
                                                                          instrument):
    _, dossier, c = _world(app, session, instrument)
    response = post_form(c["B"], f"/perspectieven/{dossier.id}/tweede",
                         _second_form(instrument, code="b1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "andere beoordelaar" in page and SECOND_TEXT in page   # nothing typed is lost
    session.expire_all()
    assert dossier.tweede is None


def test_a_name_as_rater_code_is_refused_without_repeating_it(app, session, instrument):
    _, dossier, c = _world(app, session, instrument)
    response = post_form(c["B"], f"/perspectieven/{dossier.id}/tweede",
                         _second_form(instrument, code="Karel Appel"))
    assert response.status_code == 422
    assert "gebruik een code" in response.get_data(as_text=True)
    session.expire_all()
    assert dossier.tweede is None


def test_the_conflict_page_does_not_show_the_first_rating_to_the_blind_rater(app, session,
                                                                             instrument):
    casus, dossier, c = _world(app, session, instrument)
    post_form(c["B"], f"/perspectieven/{dossier.id}/tweede", _second_form(instrument))
    # B tries to create "another" dossier: the answer would put the stored one beside it.
    data = full_perspective_form(instrument, actie="concept")
    response = post_form(c["B"], f"/casussen/{casus.id}/perspectieven/dossier/nieuw", data,
                         form_url=f"/perspectieven/{dossier.id}/tweede")
    assert response.status_code == 403
    assert FIRST_TEXT not in response.get_data(as_text=True)


def test_whoever_saw_the_first_rating_may_not_give_the_second(app, session, instrument):
    _, dossier, c = _world(app, session, instrument)
    assert c["C"].get(f"/perspectieven/{dossier.id}").status_code == 200   # C looked at it
    page = c["C"].get(f"/perspectieven/{dossier.id}/tweede")
    assert 'id="geweigerd"' in page.get_data(as_text=True) and "bekeken" in page.get_data(
        as_text=True)


def test_an_imported_second_rating_is_not_opened_on_screen_before_both_are_final(
        app, session, instrument):
    from zet.rules import parse_answer
    from zet.services.dubbel import save_second_rating
    _, dossier, c = _world(app, session, instrument)
    save_second_rating(session, instrument, dossier, beoordelaar="B7",
                       answers={instrument.codes[0]: parse_answer("1")},
                       toelichtingen={instrument.codes[0]: SECOND_TEXT})
    session.commit()
    page = c["B"].get(f"/perspectieven/{dossier.id}/tweede")
    assert 'id="geweigerd"' in page.get_data(as_text=True)
    assert SECOND_TEXT not in page.get_data(as_text=True)


def test_a_refused_post_gives_back_what_was_typed(app, session, instrument):
    _, dossier, c = _world(app, session, instrument)
    url = f"/perspectieven/{dossier.id}/tweede"
    form_of_c = {**_second_form(instrument, code="C3"), "toelichting-" + instrument.codes[1]:
                 "Wat C net typte"}
    page_for_c = c["C"].get(url)       # C opens the form first ...
    assert page_for_c.status_code == 200
    post_form(c["B"], url, _second_form(instrument))   # ... B saves first
    response = c["C"].post(url, data={**form_of_c, "csrf_token": _token(page_for_c)})
    assert response.status_code == 409
    assert "Wat C net typte" in response.get_data(as_text=True)


def _token(page):
    import re
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     page.get_data(as_text=True)).group(1)


def test_gemeente_pages_and_exports_wait_until_both_ratings_are_final(app, session, instrument):
    casus, dossier, c = _world(app, session, instrument)
    post_form(c["B"], f"/perspectieven/{dossier.id}/tweede", _second_form(instrument))
    g = casus.gemeente_id
    code = instrument.codes[0]
    for path in (f"/gemeenten/{g}/totaalbeeld/{code}", f"/gemeenten/{g}/consolidatie",
                 f"/gemeenten/{g}/totaalbeeld?afdruk=1", f"/gemeenten/{g}/rapport.pdf",
                 "/export/data.csv", "/export/werkboek.xlsx"):
        response = c["B"].get(path)
        assert response.status_code == 403, path
        assert FIRST_TEXT not in response.get_data(as_text=True), path
    assert c["B"].get(f"/gemeenten/{g}/totaalbeeld").status_code == 200   # scores only
    # The first rater's export holds no trace of the concept second rating.
    data = c["A"].get("/export/data.csv").get_data(as_text=True)
    assert FIRST_TEXT in data and SECOND_TEXT not in data and "B2" not in data


def test_a_code_that_is_the_first_raters_in_another_spelling_is_refused(app, session,
                                                                        instrument):
    _, dossier, c = _world(app, session, instrument)
    response = post_form(c["B"], f"/perspectieven/{dossier.id}/tweede",
                         _second_form(instrument, code="b-01"))
    assert response.status_code == 422 and "andere beoordelaar" in response.get_data(
        as_text=True)


def test_a_status_change_of_the_second_rating_ends_the_folding_of_its_texts(app, session,
                                                                            instrument):
    from zet.models import Wijziging
    _, dossier, c = _world(app, session, instrument)
    url = f"/perspectieven/{dossier.id}/tweede"
    field = f"toelichting-{instrument.codes[0]}"
    for text in ("Tekst X", "Tekst Y"):
        post_form(c["B"], url, {**_second_form(instrument), field: text})
    post_form(c["B"], url, {**_second_form(instrument, actie="definitief"), field: "Tekst Y"})
    # A sets the first rating back to concept: the second is blind again and B may go on.
    post_form(c["A"], f"/perspectieven/{dossier.id}",
              {**full_perspective_form(instrument, score="2"), "actie": "concept"})
    post_form(c["B"], url, {**_second_form(instrument), field: "Tekst Z"})
    session.expire_all()
    kept = [(w.oud, w.nieuw) for w in session.scalars(
        select(Wijziging).where(Wijziging.veld == f"tweede_toelichting:{instrument.codes[0]}")
        .order_by(Wijziging.id))]
    assert kept == [("Tekst X", "Tekst Y"), ("Tekst Y", "Tekst Z")]   # not X -> Z
