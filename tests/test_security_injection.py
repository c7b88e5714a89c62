"""SQL injection: SQL-looking input is stored and shown verbatim and never runs."""
import html

from sqlalchemy import func, inspect, select

from tests.helpers import make_casus, make_gemeente, post_form
from zet.models import Casus, Gemeente, Score

DROP = "'; DROP TABLE casus; --"
ALWAYS_TRUE = "1 OR 1=1"


def test_sql_in_text_fields_is_stored_and_shown_verbatim(app, client, session, instrument):
    assert post_form(client, "/gemeenten/nieuw", {"naam": DROP, "toegang": ALWAYS_TRUE}
                     ).status_code == 302
    gemeente = session.scalar(select(Gemeente))
    assert post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw", {
        "code": ALWAYS_TRUE, "doelgroep": "jeugd", "hulpvraag": DROP, "status": "lopend"}
    ).status_code == 302
    casus = session.scalar(select(Casus))
    assert post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw", {
        "score-CON": "3", "toelichting-CON": DROP, "actie": "concept"}).status_code == 302
    session.expire_all()
    assert (gemeente.naam, gemeente.toegang) == (DROP, ALWAYS_TRUE)
    assert (casus.code, casus.hulpvraag) == (ALWAYS_TRUE, DROP)
    assert session.scalar(select(Score.toelichting)) == DROP
    page = html.unescape(client.get(f"/casussen/{casus.id}").get_data(as_text=True))
    assert DROP in page and ALWAYS_TRUE in page
    with app.app_context():
        from zet.db import get_engine
        assert "casus" in inspect(get_engine()).get_table_names()


def test_sql_in_ids_and_filters_finds_nothing(client, session):
    make_casus(session, make_gemeente(session))
    for url in (f"/casussen/{ALWAYS_TRUE}", "/casussen/1%20OR%201=1", "/casussen/1;DROP"):
        assert client.get(url).status_code == 404
    response = client.get("/beheer/audit", query_string={"gebruiker": "' OR 1=1 --",
                                                         "object_id": ALWAYS_TRUE})
    assert response.status_code == 200 and "0 gebeurtenissen" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Casus.id))) == 1


def test_sql_as_username_logs_nobody_in(anonymous, session):
    from tests.helpers import login, make_user
    make_user(session, "beheerder", username="echte-beheerder")
    response = login(anonymous, "' OR '1'='1", password="' OR '1'='1")
    assert response.status_code == 200 and "klopt niet" in response.get_data(as_text=True)
    assert anonymous.get("/").status_code == 302
