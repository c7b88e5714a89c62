"""No identifying data: each kind is refused through the pages, with a Dutch message, unstored."""
import html

import pytest
from sqlalchemy import func, select

from tests.helpers import full_perspective_form, make_casus, make_gemeente, post_form
from zet.models import Casus, Citaat, Perspectief, Score

IDENTIFYING = {
    "bsn": ("Dossier van 111222333 bekeken.", "lijkt een BSN te bevatten"),
    "bsn met punten": ("BSN 1112.22.333 staat erin.", "lijkt een BSN te bevatten"),
    "e-mail": ("Contact via moeder.jansen@example.nl.", "bevat een e-mailadres"),
    "telefoon": ("Bel de vader op 06-12345678.", "lijkt een telefoonnummer te bevatten"),
    "postcode en huisnummer": ("Woont op Dorpsstraat 12, 1234 AB Ergens.",
                               "lijkt een adres (postcode met huisnummer"),
    "geboortedatum": ("Sem, geboren 12-03-2010, zit op school.", "lijkt een geboortedatum"),
}
ADVICE = "ZET bewaart alleen gepseudonimiseerde gegevens"


@pytest.mark.parametrize("kind", IDENTIFYING)
def test_casus_with_identifying_data_is_refused(client, session, kind):
    text, message = IDENTIFYING[kind]
    gemeente = make_gemeente(session)
    response = post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw", {
        "code": "DW-J01", "doelgroep": "jeugd", "status": "lopend", "hulpvraag": text})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and message in page and ADVICE in page
    assert text in page  # what was typed is kept, so it can be corrected
    assert session.scalar(select(func.count(Casus.id))) == 0


PERSPECTIVE_FIELDS = ("toelichting-CON", "citaten-0-tekst", "citaten-1-bron", "afnemer")


@pytest.mark.parametrize("kind", IDENTIFYING)
def test_perspective_with_identifying_data_is_refused(client, session, instrument, kind):
    text, message = IDENTIFYING[kind]
    casus = make_casus(session, make_gemeente(session))
    data = full_perspective_form(instrument, actie="concept", **{"citaten-1-tekst": "Gewoon."})
    data.update({field: text for field in PERSPECTIVE_FIELDS})
    response = post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw", data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and ADVICE in page
    assert page.count(message) >= len(PERSPECTIVE_FIELDS)  # next to each field
    session.expire_all()
    assert [session.scalar(select(func.count(m.id))) for m in (Perspectief, Score, Citaat)] == [
        0, 0, 0]


def test_identifying_casus_code_is_refused(client, session):
    gemeente = make_gemeente(session)
    page = html.unescape(post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw", {
        "code": "111222333", "doelgroep": "jeugd", "status": "lopend"}).get_data(as_text=True))
    assert "De casuscode moet een pseudoniem zijn" in page
    assert session.scalar(select(func.count(Casus.id))) == 0


def test_inwoner_perspective_is_not_final_without_consent(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    response = post_form(client, f"/casussen/{casus.id}/perspectieven/inwoner/nieuw",
                         full_perspective_form(instrument, geinterviewde="inwoner"))
    assert response.status_code == 422
    assert "toestemming" in response.get_data(as_text=True).lower()
    assert session.scalar(select(func.count(Perspectief.id))) == 0
