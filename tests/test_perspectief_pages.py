"""The perspective form: drafts, final saves, bad input, autosave and conflicts."""
import re

from sqlalchemy import func, select

from tests.helpers import csrf_token, full_perspective_form, make_casus, make_gemeente, post_form
from zet.models import Citaat, Perspectief, Score


def checked_scores(page: str) -> list[str]:
    """The ids of the score radios the page shows as chosen."""
    return [re.search(r'id="([^"]+)"', tag).group(1)
            for tag in re.findall(r"<input [^>]*>", page)
            if ' checked' in tag and 'type="radio"' in tag and 'id="score-' in tag]


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


def test_each_perspective_shows_the_scale_in_its_own_words(client, session, instrument):
    """The inwoner gets the B1 smileys, the professional and the dossier their own wording
    (from the instrument file); "niet terug te vinden" only on the dossier form. The values
    sent are the same numbers and codes on every form."""
    casus = make_casus(session, make_gemeente(session))
    pages = {soort: client.get(new_url(casus, soort)).get_data(as_text=True)
             for soort in ("inwoner", "professional", "dossier")}
    assert "😞" in pages["inwoner"] and "Gaat heel slecht" in pages["inwoner"]
    assert "Weet ik niet" in pages["inwoner"]
    for soort in ("professional", "dossier"):
        assert "😞" not in pages[soort] and "Gaat heel slecht" not in pages[soort]
    assert "Zeer onvoldoende" in pages["professional"]
    assert "Ernstig tekort zichtbaar" in pages["dossier"]
    assert "terug te vinden" in pages["dossier"]
    assert "terug te vinden" not in pages["inwoner"] + pages["professional"]
    for page in pages.values():
        for value, key in [("1", "1"), ("5", "5"), ("nvt", "n"), ("onbekend", "o")]:
            assert f'value="{value}"' in page and f'data-key="{key}"' in page


def test_the_form_tells_which_keys_score(client, session):
    """The legend of the keyboard shortcuts; the explanation of an element is no tab stop."""
    casus = make_casus(session, make_gemeente(session))
    page = client.get(new_url(casus, "professional")).get_data(as_text=True)
    assert "<kbd>1</kbd>–<kbd>5</kbd> score" in page
    assert "<kbd>n</kbd> niet van toepassing" in page and "<kbd>o</kbd> onbekend" in page
    assert page.count('<summary tabindex="-1">Over dit element</summary>') == 15
    assert 'aria-describedby="uitleg-CON"' in page and 'id="uitleg-CON"' in page
    assert 'href="#element-CON" data-focus-score>Naar het eerste element' in page


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
    assert len(checked_scores(page)) == 13  # the 13 chosen smileys are still chosen
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
    checked = checked_scores(page)
    assert len(checked) == 15 and checked.count("score-CON-2") == 1


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


def test_a_save_sent_from_the_offline_queue_keeps_its_actie_and_gets_json(client, session,
                                                                          instrument):
    """wachtrij.js sends a save made offline later, marked X-ZET-Wachtrij: it is stored as the
    definitief (or concept) it was, answered in JSON (the page stays), audited as such, and
    goes through the same conflict check as any save."""
    from zet.models import AuditEvent
    casus = make_casus(session, make_gemeente(session))
    token = csrf_token(client, new_url(casus, "dossier"))
    queued = {"X-CSRFToken": token, "Accept": "application/json", "X-ZET-Wachtrij": "1"}
    data = full_perspective_form(instrument)
    response = client.post(new_url(casus, "dossier"), data=data, headers=queued)
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and body["final"] is True
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", body["saved_at"])
    perspectief = session.scalar(select(Perspectief))
    assert perspectief.status == "definitief"
    audit = session.scalars(select(AuditEvent.detail).where(
        AuditEvent.object_type == "perspectief")).all()
    assert any("offline opgeslagen, later verzonden" in d for d in audit), audit
    # Sent again from the version it was opened with: someone saved in between, so a conflict.
    client.post(body["url"], data={**data, "actie": "concept", "version": "1"},
                headers=queued)
    stale = client.post(body["url"], data={**data, "actie": "concept", "version": "1"},
                        headers=queued)
    assert stale.status_code == 409 and stale.get_json()["conflict"] is True


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
