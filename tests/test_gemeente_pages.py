"""Creating gemeenten and onderzoeken through the pages."""
import html

from sqlalchemy import func, select

from tests.helpers import make_gemeente, post_form
from zet.models import Gemeente, Onderzoek


def test_create_gemeente(client, session):
    response = post_form(client, "/gemeenten/nieuw", {
        "naam": "Gemeente Zeewolde-Oost", "grootteklasse": "20.000 - 50.000",
        "toegang": "Wijkteams en één loket."})
    assert response.status_code == 302
    gemeente = session.scalar(select(Gemeente))
    assert (gemeente.naam, gemeente.grootteklasse) == ("Gemeente Zeewolde-Oost", "20.000 - 50.000")
    page = client.get(response.location).get_data(as_text=True)
    assert "Gemeente Zeewolde-Oost" in page and "Wijkteams en één loket." in page


def test_missing_name_keeps_typed_values_and_says_what_to_fix(client, session):
    response = post_form(client, "/gemeenten/nieuw", {
        "naam": "", "grootteklasse": "> 100.000", "toegang": "Brede triage bij de voordeur."})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Gemeente ontbreekt: vul de naam van de gemeente in." in page
    assert "Brede triage bij de voordeur." in page
    assert 'value="&gt; 100.000" selected' in page or "selected value=\"&gt; 100.000\"" in page
    assert session.scalar(select(func.count(Gemeente.id))) == 0


def test_same_name_twice_is_refused(client, session):
    make_gemeente(session, "Gemeente Dubbel")
    response = post_form(client, "/gemeenten/nieuw", {"naam": "gemeente dubbel"})
    assert "Er bestaat al een gemeente met de naam" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Gemeente.id))) == 1


def test_post_without_csrf_token_is_refused(client, session):
    response = client.post("/gemeenten/nieuw", data={"naam": "Zonder token"})
    assert response.status_code == 400
    assert "beveiligingstoken" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Gemeente.id))) == 0


def test_post_with_wrong_csrf_token_is_refused(client, session):
    client.get("/gemeenten/nieuw")
    response = client.post("/gemeenten/nieuw", data={"naam": "Fout token", "csrf_token": "nep"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(Gemeente.id))) == 0


def test_create_onderzoek_with_dutch_dates(client, session):
    gemeente = make_gemeente(session)
    url = f"/gemeenten/{gemeente.id}/onderzoeken/nieuw"
    response = post_form(client, url, {"titel": "Ronde voorjaar", "periode_start": "01-02-2026",
                                       "periode_eind": "30-06-2026", "focus": "Jeugd"})
    assert response.status_code == 302
    onderzoek = session.scalar(select(Onderzoek))
    assert onderzoek.periode_start.isoformat() == "2026-02-01"
    page = client.get(f"/gemeenten/{gemeente.id}").get_data(as_text=True)
    assert "01-02-2026 t/m 30-06-2026" in page


def test_onderzoek_with_bad_date_keeps_input(client, session):
    gemeente = make_gemeente(session)
    url = f"/gemeenten/{gemeente.id}/onderzoeken/nieuw"
    response = post_form(client, url, {"titel": "Ronde najaar", "periode_start": "31-02-2026",
                                       "focus": "Volwassenen met NAH"})
    page = html.unescape(response.get_data(as_text=True))
    assert "'31-02-2026' is geen geldige datum: schrijf dd-mm-jjjj" in page
    assert "Ronde najaar" in page and "Volwassenen met NAH" in page
    assert session.scalar(select(func.count(Onderzoek.id))) == 0


def test_onderzoek_end_before_start_is_refused(client, session):
    gemeente = make_gemeente(session)
    response = post_form(client, f"/gemeenten/{gemeente.id}/onderzoeken/nieuw", {
        "titel": "Omgekeerd", "periode_start": "01-06-2026", "periode_eind": "01-01-2026"})
    assert "Het einde van de periode ligt vóór het begin" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Onderzoek.id))) == 0


def test_unknown_gemeente_is_404(client):
    assert client.get("/gemeenten/999").status_code == 404
