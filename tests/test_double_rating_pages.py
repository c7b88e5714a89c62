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
        assert response.status_code == 403, name
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
    assert page.status_code == 403
    assert "eerste beoordeling van dit perspectief ingevoerd" in page.get_data(as_text=True)
    response = post_form(c["A"], f"/perspectieven/{dossier.id}/tweede",
                         _second_form(instrument), form_url=f"/perspectieven/{dossier.id}")
    assert response.status_code == 403
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
