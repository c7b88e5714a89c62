"""The perspective form: drafts, final saves, bad input, autosave and conflicts."""
from sqlalchemy import func, select

from tests.helpers import csrf_token, full_perspective_form, make_casus, make_gemeente, post_form
from zet.models import Citaat, Perspectief, Score


def new_url(casus, soort="inwoner"):
    return f"/casussen/{casus.id}/perspectieven/{soort}/nieuw"


def consent(**extra):
    return {"geinterviewde": "ouder", "toestemming": "y", "toestemming_datum": "20-02-2026",
            "toestemming_vorm": "schriftelijk", **extra}


def test_form_asks_each_element_in_the_words_of_the_perspective(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    inwoner = client.get(new_url(casus, "inwoner")).get_data(as_text=True)
    dossier = client.get(new_url(casus, "dossier")).get_data(as_text=True)
    for element in instrument.elements:
        assert element.name in inwoner
        assert element.questions["inwoner"][0] in inwoner
        assert element.questions["dossier"][0] in dossier
    assert inwoner.count('type="radio"') == 15 * 7
    assert "Toestemming" in inwoner and "Toestemming" not in dossier


def test_draft_saves_with_most_fields_empty(client, session):
    casus = make_casus(session, make_gemeente(session))
    response = post_form(client, new_url(casus), {"score-CON": "2", "actie": "concept"})
    assert response.status_code == 302
    perspectief = session.scalar(select(Perspectief))
    assert (perspectief.status, perspectief.soort) == ("concept", "inwoner")
    assert [(s.element_code, s.score) for s in perspectief.scores] == [("CON", 2)]


def test_final_save_of_a_complete_perspective(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    data = full_perspective_form(instrument, **consent())
    data.update({"score-IPL": "nvt", "score-CON": "onbekend", "citaten-0-tekst": "Weer iemand nieuw.",
                 "citaten-0-bron": "moeder", "citaten-0-element": "CON"})
    response = post_form(client, new_url(casus), data)
    assert response.status_code == 302 and response.location == f"/casussen/{casus.id}"
    perspectief = session.scalar(select(Perspectief))
    assert perspectief.status == "definitief" and perspectief.toestemming
    answers = {s.element_code: s.antwoord for s in perspectief.scores}
    assert answers["IPL"] == "nvt" and answers["CON"] == "onbekend" and answers["MAA"] == "4"
    assert all(s.instrument_version == instrument.version for s in perspectief.scores)
    assert [(c.tekst, c.bron, c.element_code) for c in perspectief.citaten] == [
        ("Weer iemand nieuw.", "moeder", "CON")]
    page = client.get(f"/casussen/{casus.id}").get_data(as_text=True)
    assert "definitief" in page and "15 van 15" in page


def test_final_save_without_consent_is_refused(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    data = full_perspective_form(instrument, geinterviewde="inwoner")
    response = post_form(client, new_url(casus), data)
    assert response.status_code == 422
    assert "Leg de toestemming van de inwoner vast" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Perspectief.id))) == 0


def test_final_save_with_missing_scores_names_them_and_keeps_input(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    data = full_perspective_form(instrument)
    del data["score-VRA"], data["score-BAS"]
    data["toelichting-VRA"] = "Breed uitgevraagd, alle leefgebieden langs."
    data["rol"] = "wijkteammedewerker"
    response = post_form(client, new_url(casus, "professional"), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kies een score bij &#39;Vraagverheldering&#39;" in page
    assert "Kies een score bij &#39;Basishouding&#39;" in page
    assert "Breed uitgevraagd, alle leefgebieden langs." in page
    assert 'value="wijkteammedewerker"' in page
    assert page.count('checked id="score-') == 13  # the 13 chosen smileys are still chosen
    assert session.scalar(select(func.count(Perspectief.id))) == 0


def test_score_out_of_range_or_not_a_number(client, session):
    casus = make_casus(session, make_gemeente(session))
    for bad in ("7", "goed", "0"):
        response = post_form(client, new_url(casus), {"score-CON": bad, "actie": "concept",
                                                      "toelichting-CON": "Bewaard blijven"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f"Score &#39;{bad}&#39; is ongeldig" in page
        assert "Bewaard blijven" in page
    assert session.scalar(select(func.count(Perspectief.id))) == 0


def test_unknown_element_code_is_refused(client, session):
    casus = make_casus(session, make_gemeente(session))
    response = post_form(client, new_url(casus), {"score-XYZ": "3", "score-CON": "2",
                                                  "actie": "concept"})
    assert response.status_code == 422
    assert "Onbekend element &#39;XYZ&#39;" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Perspectief.id))) == 0


def test_text_over_the_limit_is_refused_and_kept(client, session):
    casus = make_casus(session, make_gemeente(session))
    long_text = "lang " * 900
    response = post_form(client, new_url(casus), {"toelichting-CON": long_text,
                                                  "citaten-0-tekst": "c" * 1001,
                                                  "actie": "concept"})
    page = response.get_data(as_text=True)
    assert "Toelichting is te lang: 4499 tekens, maximaal 4000." in page
    assert "Citaat is te lang: 1001 tekens, maximaal 1000." in page
    assert long_text.strip() in page
    assert session.scalar(select(func.count(Perspectief.id))) == 0


def test_reopening_shows_everything_as_stored(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    data = full_perspective_form(instrument, score="3", rol="jeugd- en gezinscoach")
    data["toelichting-TOE"] = "Folder was onbegrijpelijk; <script>alert(1)</script>"
    post_form(client, new_url(casus, "professional"), data)
    perspectief = session.scalar(select(Perspectief))
    page = client.get(f"/perspectieven/{perspectief.id}").get_data(as_text=True)
    assert "Folder was onbegrijpelijk; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert 'value="jeugd- en gezinscoach"' in page
    assert page.count('checked id="score-') == 15 and page.count('checked id="score-CON-2"') == 1


def test_second_professional_with_another_role(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    for rol in ("wijkteammedewerker", "(ambulant) begeleider"):
        post_form(client, new_url(casus, "professional"),
                  full_perspective_form(instrument, rol=rol))
    assert session.scalar(select(func.count(Perspectief.id))) == 2
    page = client.get(f"/casussen/{casus.id}").get_data(as_text=True)
    assert "Professional (wijkteammedewerker)" in page
    assert "Professional ((ambulant) begeleider)" in page


def test_autosave_returns_json_and_stores_a_draft(client, session):
    casus = make_casus(session, make_gemeente(session))
    token = csrf_token(client, new_url(casus))
    response = client.post(new_url(casus), data={"score-CON": "1", "actie": "autosave"},
                           headers={"X-CSRFToken": token, "Accept": "application/json"})
    body = response.get_json()
    perspectief = session.scalar(select(Perspectief))
    assert body["ok"] and body["version"] == perspectief.version == 1
    assert body["url"] == f"/perspectieven/{perspectief.id}"
    response = client.post(body["url"], data={"score-CON": "2", "actie": "autosave",
                                              "version": "1"},
                           headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.get_json()["version"] == 2
    session.expire_all()
    assert session.scalar(select(Score.score)) == 2


def test_second_save_from_an_old_version_is_a_conflict_showing_both(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    post_form(client, new_url(casus, "dossier"), {"score-CON": "2", "actie": "concept",
                                                   "toelichting-CON": "Eerste versie"})
    perspectief = session.scalar(select(Perspectief))
    url = f"/perspectieven/{perspectief.id}"
    post_form(client, url, {"version": "1", "score-CON": "3", "actie": "concept",
                            "toelichting-CON": "Collega A"})
    response = post_form(client, url, {"version": "1", "score-CON": "5", "actie": "concept",
                                       "toelichting-CON": "Collega B"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Iemand anders heeft dit perspectief opgeslagen" in page
    assert "Collega A" in page and "Collega B" in page
    assert 'name="version" type="hidden" value="2"' in page
    session.expire_all()
    assert session.scalar(select(Score.toelichting)) == "Collega A"


def test_two_new_inwoner_forms_for_one_casus_conflict(client, session):
    casus = make_casus(session, make_gemeente(session))
    token = csrf_token(client, new_url(casus))
    client.post(new_url(casus), data={"csrf_token": token, "score-CON": "4", "actie": "concept"})
    response = client.post(new_url(casus), data={"csrf_token": token, "score-CON": "1",
                                                  "actie": "concept", "toelichting-CON": "Ik"})
    assert response.status_code == 409
    assert "Ik" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Perspectief.id))) == 1


def test_form_posted_for_a_deleted_casus_gives_back_what_was_typed(client, session):
    casus = make_casus(session, make_gemeente(session))
    token = csrf_token(client, new_url(casus))
    session.delete(casus)
    session.commit()
    response = client.post(new_url(casus), data={"csrf_token": token, "score-CON": "4",
                                                  "toelichting-CON": "Mijn lange aantekening"})
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "de casus bestaat niet meer" in page and "Mijn lange aantekening" in page


def test_perspective_post_without_csrf_is_refused(client, session):
    casus = make_casus(session, make_gemeente(session))
    response = client.post(new_url(casus), data={"score-CON": "4", "actie": "concept"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(Perspectief.id))) == 0


def test_autosave_without_csrf_gets_json_error(client, session):
    casus = make_casus(session, make_gemeente(session))
    response = client.post(new_url(casus), data={"score-CON": "4", "actie": "autosave"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["ok"] is False
    assert session.scalar(select(func.count(Citaat.id))) == 0
