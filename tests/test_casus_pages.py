"""Creating, changing, viewing and deleting a casus through the pages."""
import re

from sqlalchemy import func, select

from tests.helpers import (full_perspective_form, make_casus, make_gemeente, make_onderzoek,
                           post_form)
from zet.models import Casus, Citaat, Perspectief, Score

CASUS_FORM = {
    "code": "HS-J02", "doelgroep": "jeugd", "wet": "Jeugdwet", "levensfase": "tiener",
    "beperkingen": ["LVB", "autisme/ASS"], "hulpvraag": "Noor (14) loopt vast op school.",
    "leefgebied_onderwijs": "Welke school past bij Noor?", "leefgebied_gezin": "Rust thuis.",
    "datum_aanmelding": "10-03-2025", "datum_eerste_contact": "22-04-2025",
    "datum_start_hulp": "01-07-2025", "indicatie_maanden": "12",
    "wisselingen_contactpersoon": "4", "status": "afgerond",
}


def test_create_casus_stores_every_fact(client, session):
    gemeente = make_gemeente(session)
    onderzoek = make_onderzoek(session, gemeente)
    response = post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw",
                         {**CASUS_FORM, "onderzoek_id": str(onderzoek.id)})
    assert response.status_code == 302
    casus = session.scalar(select(Casus))
    assert casus.code == "HS-J02" and casus.onderzoek_id == onderzoek.id
    assert casus.beperkingen == ["LVB", "autisme/ASS"]
    assert casus.leefgebieden == [{"gebied": "onderwijs", "vraag": "Welke school past bij Noor?"},
                                  {"gebied": "gezin", "vraag": "Rust thuis."}]
    assert (casus.indicatie_maanden, casus.wisselingen_contactpersoon) == (12, 4)
    assert casus.wachttijd_dagen == 43
    page = client.get(response.location).get_data(as_text=True)
    assert "10-03-2025" in page and "wachttijd 43 dagen" in page
    assert "Inwoner" in page and "niet begonnen" in page


def test_casus_code_reused_within_gemeente_is_refused_and_input_kept(client, session):
    gemeente = make_gemeente(session)
    make_casus(session, gemeente, code="HS-J02")
    response = post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw",
                         {**CASUS_FORM, "code": "hs-j02"})
    page = response.get_data(as_text=True)
    assert "Casuscode &#39;HS-J02&#39; is in Gemeente Testdorp al in gebruik" in page
    assert "Noor (14) loopt vast op school." in page and "Welke school past bij Noor?" in page
    assert session.scalar(select(func.count(Casus.id))) == 1


def test_same_casus_code_in_another_gemeente_is_fine(client, session):
    make_casus(session, make_gemeente(session, "Gemeente Een"), code="HS-J02")
    other = make_gemeente(session, "Gemeente Twee")
    response = post_form(client, f"/gemeenten/{other.id}/casussen/nieuw", CASUS_FORM)
    assert response.status_code == 302
    assert session.scalar(select(func.count(Casus.id))) == 2


def test_validation_failure_keeps_every_typed_value(client, session):
    gemeente = make_gemeente(session)
    response = post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw",
                         {**CASUS_FORM, "doelgroep": "", "indicatie_maanden": "twaalf",
                          "leefgebied_onderwijs": "x" * 501})
    page = response.get_data(as_text=True)
    assert "Doelgroep ontbreekt: kies jeugd of volwassenen." in page
    assert "Vraag bij onderwijs is te lang: 501 tekens, maximaal 500." in page
    assert "HS-J02" in page and "Noor (14) loopt vast op school." in page
    assert 'value="twaalf"' in page and "22-04-2025" in page
    assert 'checked id="beperkingen-1" name="beperkingen" type="checkbox" value="autisme/ASS"' in page
    assert 'id="beperkingen-2" name="beperkingen" type="checkbox" value="NAH"' in page  # not checked
    assert session.scalar(select(func.count(Casus.id))) == 0


def test_dates_out_of_order_are_refused(client, session):
    gemeente = make_gemeente(session)
    response = post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw",
                         {**CASUS_FORM, "datum_eerste_contact": "01-01-2025"})
    assert "De datum eerste contact ligt vóór de datum aanmelding" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Casus.id))) == 0


def test_edit_casus(client, session):
    casus = make_casus(session, make_gemeente(session))
    response = post_form(client, f"/casussen/{casus.id}/bewerken",
                         {**CASUS_FORM, "code": "T-01", "status": "lopend"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Casus, casus.id).hulpvraag == "Noor (14) loopt vast op school."


def test_edit_form_shows_stored_leefgebied_questions(client, session):
    casus = make_casus(session, make_gemeente(session),
                       leefgebieden=[{"gebied": "financiën", "vraag": "Schulden ordenen."}])
    assert "Schulden ordenen." in client.get(f"/casussen/{casus.id}/bewerken").get_data(as_text=True)


def test_delete_casus_removes_perspectives_scores_and_quotes(client, session, instrument):
    from tests.helpers import full_perspective_form
    casus = make_casus(session, make_gemeente(session))
    url = f"/casussen/{casus.id}/perspectieven/dossier/nieuw"
    data = full_perspective_form(instrument)
    data.update({"citaten-0-tekst": "Plan ontbreekt.", "citaten-0-bron": "dossier"})
    assert post_form(client, url, data).status_code == 302
    assert session.scalar(select(func.count(Score.id))) == 15
    response = post_form(client, f"/casussen/{casus.id}/verwijderen", {},
                         form_url=f"/casussen/{casus.id}")
    assert response.status_code == 302
    for model in (Casus, Perspectief, Score, Citaat):
        assert session.scalar(select(func.count(model.id))) == 0


def test_delete_without_csrf_is_refused(client, session):
    casus = make_casus(session, make_gemeente(session))
    assert client.post(f"/casussen/{casus.id}/verwijderen").status_code == 400
    assert session.scalar(select(func.count(Casus.id))) == 1


def test_unknown_casus_is_404(client):
    assert client.get("/casussen/424242").status_code == 404


def test_a_new_casus_starts_in_the_most_recent_onderzoek(client, session):
    """The round that started last is chosen already (a casus is rarely for an old round);
    editing a casus without one does not add one unasked."""
    gemeente = make_gemeente(session)
    older = make_onderzoek(session, gemeente, titel="Ronde 2025")
    older.periode_start = older.periode_start.replace(year=2025)
    newer = make_onderzoek(session, gemeente, titel="Ronde 2026")
    session.commit()
    page = client.get(f"/gemeenten/{gemeente.id}/casussen/nieuw").get_data(as_text=True)
    assert re.search(rf'<option selected value="{newer.id}">Ronde 2026', page), page
    assert f'<option value="{older.id}">Ronde 2025' in page
    casus = make_casus(session, gemeente, code="ZO-01")
    page = client.get(f"/casussen/{casus.id}/bewerken").get_data(as_text=True)
    assert '<option selected value="">– geen –' in page


def _final(client, instrument, casus, soort, **extra):
    response = post_form(client, f"/casussen/{casus.id}/perspectieven/{soort}/nieuw",
                         full_perspective_form(instrument, **extra))
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_casus_with_every_perspective_definitief_offers_to_finish(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    _final(client, instrument, casus, "inwoner", geinterviewde="ouder", toestemming="y",
           toestemming_datum="20-02-2026", toestemming_vorm="schriftelijk")
    _final(client, instrument, casus, "professional", rol="wijkteammedewerker")
    assert "Casus afronden" not in client.get(f"/casussen/{casus.id}").get_data(as_text=True)
    _final(client, instrument, casus, "dossier")
    page = client.get(f"/casussen/{casus.id}").get_data(as_text=True)
    assert "Alle perspectieven zijn definitief" in page and "Casus afronden" in page

    response = post_form(client, f"/casussen/{casus.id}/afronden", {},
                         form_url=f"/casussen/{casus.id}")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Casus, casus.id).status == "afgerond"
    page = client.get(f"/casussen/{casus.id}").get_data(as_text=True)
    assert "is afgerond" in page and "Casus afronden" not in page


def test_finishing_a_casus_with_a_concept_perspective_is_refused(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw",
              {"score-CON": "2", "actie": "concept"})
    response = post_form(client, f"/casussen/{casus.id}/afronden", {},
                         form_url=f"/casussen/{casus.id}")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "niet elk perspectief is definitief" in page
    session.expire_all()
    assert session.get(Casus, casus.id).status == "lopend"
