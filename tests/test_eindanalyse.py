"""The eindanalyse through the pages: a session with participants per discipline, priorities,
an agreed oordeel beside the computed one (a reason required when they differ), conclusions
linked to casussen and quotes; several sessions per onderzoek, one per date; bad input keeps
what was typed and stores nothing; other gemeenten and the analist get 404."""
import html
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import (hidden_fields, login_as, make_casus, make_gemeente, make_onderzoek,
                           page_text, post_form)
from tests.test_completeness_pages import _perspective
from zet.models import AuditEvent, Eindanalyse, EindanalyseElement
from zet.services.eindanalyse import citaat_key

PHONE = "06-12345678"  # fictional
QUOTE = "Ik moest mijn verhaal steeds opnieuw vertellen."


@pytest.fixture
def onderzoek(session, instrument):
    """Gemeente Heidemeer: two complete casussen scored 2 (so every element computes as
    knelpunt), one with a quote on Continuïteit."""
    gemeente = make_gemeente(session, "Gemeente Heidemeer")
    onderzoek = make_onderzoek(session, gemeente, "Evaluatie toegang 2026")
    for code in ("H-01", "H-02"):
        casus = make_casus(session, gemeente, code=code, onderzoek_id=onderzoek.id)
        for soort in ("inwoner", "professional", "dossier"):
            quotes = [{"element_code": "CON", "tekst": QUOTE, "spreker": "inwoner",
                       "soort": "knelpunt", "citeerbaar": True}] \
                if code == "H-01" and soort == "inwoner" else []
            _perspective(session, instrument, casus, soort, "2", True,
                         rol="consulent" if soort == "professional" else "", citaten=quotes)
    session.commit()
    return onderzoek


def casus_id(onderzoek, code):
    return next(c.id for c in onderzoek.gemeente.casussen if c.code == code)


def create(client, onderzoek, **values):
    data = {"datum": "12-06-2026", "deelnemers-uitvoering": "3", "deelnemers-beleid": "1",
            **values}
    return post_form(client, f"/onderzoeken/{onderzoek.id}/eindanalyses/nieuw", data)


def test_a_session_is_recorded_and_shows_agreed_beside_computed(client, session, onderzoek,
                                                                 instrument):
    h01 = casus_id(onderzoek, "H-01")
    response = create(
        client, onderzoek, samenvatting="De groep kiest voor vaste gezichten.",
        **{"CON-prioriteit": "1", "CON-oordeel": "knelpunt",
           "CON-conclusie": "Wisselende consulenten kosten inwoners veel energie.",
           "CON-casussen": [str(h01)], "CON-citaten": [citaat_key(h01, QUOTE)],
           "TOE-prioriteit": "2", "TOE-oordeel": "gemengd",
           "TOE-reden": "Het loket is sinds kort beter bereikbaar.",
           "TOE-conclusie": "Bereikbaarheid verbeterd, wachttijd nog lang."})
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[:3000]
    sessie = session.scalar(select(Eindanalyse))
    assert sessie.datum == date(2026, 6, 12)
    assert sessie.deelnemers == {"uitvoering": 3, "beleid": 1}
    con, toe = sessie.element("CON"), sessie.element("TOE")
    assert (con.prioriteit, con.berekend, con.oordeel, con.afwijkend) == (1, "knelpunt",
                                                                          "knelpunt", False)
    assert con.casussen == [h01] and con.citaten == [{"casus": h01, "tekst": QUOTE}]
    assert (toe.berekend, toe.oordeel, toe.afwijkend) == ("knelpunt", "gemengd", True)
    assert len(sessie.elementen) == 2   # untouched elements are not stored
    text = page_text(client, f"/eindanalyses/{sessie.id}")
    main = text.split('id="inhoud"')[1]
    assert "Uitvoering (consulenten, wijkteam): 3" in main and "Beleid: 1" in main
    priorities = main.split('id="prioriteiten"')[1].split("</ol>")[0]
    assert priorities.index(instrument.element("CON").name) < priorities.index(
        instrument.element("TOE").name)
    row = main.split('id="oordelen"')[1].split(instrument.element("TOE").name)[1].split("</tr>")[0]
    assert "knelpunt" in row and "gemengd" in row and "anders dan berekend" in row
    assert "Het loket is sinds kort beter bereikbaar." in row
    con_row = main.split(instrument.element("CON").name)[-1].split("</tr>")[0]
    assert "H-01" in con_row and QUOTE in con_row and "anders dan berekend" not in con_row
    assert session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "eindanalyse", AuditEvent.action == "aangemaakt")) == 1
    overview = page_text(client, f"/gemeenten/{onderzoek.gemeente_id}/eindanalyses")
    assert "12-06-2026" in overview and "waarvan 1 anders dan berekend" in overview


def test_the_form_shows_what_zet_computes_per_element(client, onderzoek, instrument):
    text = page_text(client, f"/onderzoeken/{onderzoek.id}/eindanalyses/nieuw")
    summary = text.split('id="element-CON"')[1].split("</summary>")[0]
    assert "knelpunt" in summary and "2,0" in summary
    assert "2 casussen, waarvan 2 compleet; indicatief" in summary
    assert QUOTE in text.split('id="element-CON"')[1].split("</details>")[0]


@pytest.mark.parametrize("values, message", [
    ({"TOE-oordeel": "succesfactor"}, "ZET berekent 'knelpunt': schrijf op waarom"),
    ({"datum": ""}, "Vul de datum van de eindanalyse in"),
    ({"deelnemers-uitvoering": "", "deelnemers-beleid": ""}, "hoeveel deelnemers"),
    ({"deelnemers-beleid": "drie"}, "'drie' is geen heel getal"),
    ({"CON-prioriteit": "1", "TOE-prioriteit": "1"}, "Prioriteit 1 staat ook bij"),
    ({"CON-conclusie": f"Bel de consulent op {PHONE}."}, "telefoonnummer"),
    ({"CON-casussen": ["999999"]}, "Kies casussen van dit onderzoek"),
])
def test_bad_input_is_refused_in_dutch_and_keeps_what_was_typed(client, session, onderzoek,
                                                                values, message):
    typed = {"samenvatting": "Tekst die blijft staan.", **values}
    response = create(client, onderzoek, **typed)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in text and "Tekst die blijft staan." in text
    assert session.scalar(select(func.count(Eindanalyse.id))) == 0


def test_several_sessions_per_onderzoek_but_one_per_date(client, session, onderzoek):
    assert create(client, onderzoek).status_code == 302
    clash = create(client, onderzoek, samenvatting="Tweede keer.")
    assert "heeft al een eindanalyse op 12-06-2026" in html.unescape(
        clash.get_data(as_text=True))
    assert create(client, onderzoek, datum="26-06-2026").status_code == 302
    assert session.scalar(select(func.count(Eindanalyse.id))) == 2


def test_a_session_is_changed_and_an_emptied_element_removed(client, session, onderzoek):
    create(client, onderzoek, **{"CON-conclusie": "Eerste versie.", "VCP-prioriteit": "1"})
    sessie = session.scalar(select(Eindanalyse))
    url = f"/eindanalyses/{sessie.id}/bewerken"
    form = page_text(client, url)
    assert "Eerste versie." in form and 'value="3"' in form
    response = post_form(client, url, {"datum": "12-06-2026", "deelnemers-uitvoering": "4",
                                       "CON-conclusie": "Tweede versie.",
                                       "VCP-prioriteit": ""})
    assert response.status_code == 302
    session.expire_all()
    assert sessie.deelnemers == {"uitvoering": 4}
    assert [e.element_code for e in sessie.elementen] == ["CON"]
    assert sessie.element("CON").conclusie == "Tweede versie."
    assert session.scalar(select(func.count(EindanalyseElement.id))) == 1


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_text(client, session, onderzoek):
    create(client, onderzoek)
    sessie = session.scalar(select(Eindanalyse))
    url = f"/eindanalyses/{sessie.id}/bewerken"
    response = post_form(client, url, {"datum": "12-06-2026", "deelnemers-uitvoering": "2",
                                       "samenvatting": "Mijn late tekst.",
                                       "geladen": "2000-01-01T00:00:00.000000"})
    text = html.unescape(response.get_data(as_text=True))
    assert "Iemand anders heeft deze eindanalyse opgeslagen" in text
    assert "Mijn late tekst." in text
    session.expire_all()
    assert sessie.samenvatting is None


def test_other_gemeenten_and_the_analist_get_404(app, client, session, onderzoek):
    create(client, onderzoek)
    sessie = session.scalar(select(Eindanalyse))
    other = make_gemeente(session, "Gemeente Elders")
    urls = (f"/gemeenten/{onderzoek.gemeente_id}/eindanalyses", f"/eindanalyses/{sessie.id}",
            f"/eindanalyses/{sessie.id}/bewerken",
            f"/onderzoeken/{onderzoek.id}/eindanalyses/nieuw")
    outsider = app.test_client()
    login_as(outsider, "gemeente", [other])
    analist = app.test_client()
    login_as(analist, "analist", [onderzoek.gemeente])
    for url in urls:
        assert outsider.get(url).status_code == 404, url
        assert analist.get(url).status_code == 404, url
    own = app.test_client()
    login_as(own, "gemeente", [onderzoek.gemeente])
    assert own.get(f"/eindanalyses/{sessie.id}").status_code == 200


def test_a_post_without_csrf_token_is_refused(client, session, onderzoek):
    response = client.post(f"/onderzoeken/{onderzoek.id}/eindanalyses/nieuw",
                           data={"datum": "12-06-2026", "deelnemers-uitvoering": "3"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(Eindanalyse.id))) == 0


def test_an_element_only_change_is_a_new_version_for_a_form_opened_before(client, session,
                                                                           onderzoek):
    create(client, onderzoek, **{"CON-conclusie": "Eerste."})
    sessie = session.scalar(select(Eindanalyse))
    url = f"/eindanalyses/{sessie.id}/bewerken"
    opened = hidden_fields(client, url)                    # user A opens the form
    assert post_form(client, url, {"datum": "12-06-2026", "deelnemers-uitvoering": "3",
                                   "deelnemers-beleid": "1",
                                   "CON-conclusie": "Van B."}).status_code == 302
    late = client.post(url, data={**opened, "datum": "12-06-2026",
                                  "deelnemers-uitvoering": "3", "deelnemers-beleid": "1",
                                  "CON-conclusie": "Van A."})
    assert "Iemand anders heeft deze eindanalyse opgeslagen" in html.unescape(
        late.get_data(as_text=True))
    session.expire_all()
    assert sessie.element("CON").conclusie == "Van B."


def test_the_computed_oordeel_agreed_against_is_kept_when_scores_change_later(
        client, session, onderzoek, instrument):
    create(client, onderzoek, **{"CON-oordeel": "knelpunt"})
    sessie = session.scalar(select(Eindanalyse))
    for code in ("H-03", "H-04", "H-05", "H-06"):   # later casussen lift CON above 3,5
        casus = make_casus(session, onderzoek.gemeente, code=code, onderzoek_id=onderzoek.id)
        _perspective(session, instrument, casus, "inwoner", "5", True)
    session.commit()
    response = post_form(client, f"/eindanalyses/{sessie.id}/bewerken", {
        "datum": "12-06-2026", "deelnemers-uitvoering": "3", "samenvatting": "Alleen dit.",
        "CON-oordeel": "knelpunt"})
    assert response.status_code == 302   # no reason asked for an oordeel nobody changed
    session.expire_all()
    assert (sessie.element("CON").berekend, sessie.samenvatting) == ("knelpunt", "Alleen dit.")
    detail = page_text(client, f"/eindanalyses/{sessie.id}")
    assert "nu:" in detail and "succesfactor" in detail   # today's figure shown beside it


def test_a_posted_casus_that_is_not_a_number_is_ignored(client, session, onderzoek):
    response = create(client, onderzoek, **{"CON-casussen": ["abc"], "CON-conclusie": "Tekst."})
    assert response.status_code == 302
    assert session.scalar(select(Eindanalyse)).element("CON").casussen == []


def test_a_deleted_casus_leaves_the_eindanalyse(client, session, onderzoek):
    from zet.services.casussen import delete_casus
    h02 = casus_id(onderzoek, "H-02")
    create(client, onderzoek, **{"CON-casussen": [str(h02)], "CON-conclusie": "Tekst."})
    casus = session.get(type(onderzoek.gemeente.casussen[0]), h02)
    delete_casus(session, casus)
    session.commit()
    session.expire_all()
    assert session.scalar(select(Eindanalyse)).element("CON").casussen == []
