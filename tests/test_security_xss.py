"""XSS: script in any text field is shown as text, escaped, on every page that shows it."""
from sqlalchemy import select

from tests.helpers import make_gemeente, make_user, post_form
from tests.route_matrix import World, every_route
from zet.models import (Casus, Citaat, Eindanalyse, Gemeente, Job, Onderzoek, Perspectief,
                        Score, User, Verbeteractie)
from zet.services.eindanalyse import citaat_key

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(1)", "<img src=x")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


def enter_payloads_through_the_pages(client, session) -> World:
    """Every free-text field of gemeente, onderzoek, casus, perspective and quote gets a payload."""
    assert post_form(client, "/gemeenten/nieuw", {"naam": SCRIPT, "toegang": IMG}).status_code == 302
    gemeente = session.scalar(select(Gemeente))
    assert post_form(client, f"/gemeenten/{gemeente.id}/onderzoeken/nieuw",
                     {"titel": IMG, "focus": SCRIPT}).status_code == 302
    onderzoek = session.scalar(select(Onderzoek))
    assert post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw", {
        "code": IMG, "onderzoek_id": str(onderzoek.id), "doelgroep": "jeugd",
        "hulpvraag": SCRIPT, "leefgebied_onderwijs": IMG, "status": "lopend"}).status_code == 302
    casus = session.scalar(select(Casus))
    assert post_form(client, f"/casussen/{casus.id}/perspectieven/professional/nieuw", {
        "rol": SCRIPT, "afnemer": IMG, "score-CON": "2", "toelichting-CON": SCRIPT,
        "toelichting-IPL": IMG, "citaten-0-tekst": SCRIPT, "citaten-0-bron": IMG,
        "citaten-0-element": "CON", "actie": "concept"}).status_code == 302
    perspectief = session.scalar(select(Perspectief))
    assert post_form(client, f"/casussen/{casus.id}/bevindingen", {
        "knelpunten": SCRIPT, "wat_gaat_goed": IMG, "synthese-CON": SCRIPT}).status_code == 302
    assert post_form(client, f"/gemeenten/{gemeente.id}/verbeteracties/nieuw", {
        "titel": SCRIPT, "omschrijving": IMG, "eigenaar": IMG, "nodig": SCRIPT,
        "elementen": "CON", "status": "bezig"}).status_code == 302
    actie = session.scalar(select(Verbeteractie))
    assert post_form(client, f"/verbeteracties/{actie.id}/voortgang",
                     {"datum": "01-12-2026", "tekst": IMG},
                     form_url=f"/verbeteracties/{actie.id}").status_code == 302
    assert post_form(client, f"/onderzoeken/{onderzoek.id}/eindanalyses/nieuw", {
        "datum": "15-12-2026", "deelnemers-uitvoering": "2", "samenvatting": SCRIPT,
        "CON-oordeel": "succesfactor", "CON-reden": IMG, "CON-conclusie": SCRIPT,
        "CON-casussen": str(casus.id), "CON-citaten": citaat_key(casus.id, SCRIPT),
    }).status_code == 302
    eindanalyse = session.scalar(select(Eindanalyse))
    other = make_gemeente(session, "Gemeente Elders")
    # A background import of a file whose name is a payload, failed with its summary shown.
    me = session.scalar(select(User).where(User.username == "test-beheerder"))
    job = Job(user_id=me.id, kind="import", request_key="1" * 64, status="mislukt",
              params={"token": "0" * 32 + ".csv", "naam": SCRIPT, "options": {}},
              message="Niet geïmporteerd.", result={"summary": [SCRIPT, IMG]})
    session.add(job)
    session.commit()
    return World(gemeente, other, onderzoek, casus, perspectief,
                 make_user(session, "onderzoeker", [gemeente], username="reserve"), actie,
                 eindanalyse, job)


def test_payloads_are_stored_verbatim(client, session):
    enter_payloads_through_the_pages(client, session)
    session.expire_all()
    assert session.scalar(select(Gemeente.naam).where(Gemeente.toegang == IMG)) == SCRIPT
    assert session.scalar(select(Casus.code)) == IMG
    assert session.scalar(select(Casus.hulpvraag)) == SCRIPT
    assert session.scalar(select(Casus.leefgebieden))[0]["vraag"] == IMG
    perspectief = session.scalar(select(Perspectief))
    assert (perspectief.rol, perspectief.afnemer) == (SCRIPT, IMG)
    assert session.scalar(select(Score.toelichting).where(Score.element_code == "CON")) == SCRIPT
    assert session.scalar(select(Citaat.tekst)) == SCRIPT
    assert session.scalar(select(Citaat.bron)) == IMG


def test_every_page_shows_the_payloads_escaped(app, client, session):
    world = enter_payloads_through_the_pages(client, session)
    pages = {}
    for route in every_route(app, world):
        if route.method != "GET" or route.url.endswith((".css", ".png", ".xlsx", ".csv")):
            continue  # only HTML pages render text into markup
        response = client.get(route.url)
        if response.mimetype == "text/html":
            pages[route.endpoint] = response.get_data(as_text=True)
        response.close()
    pages["beheer.audit_log"] = client.get("/beheer/audit").get_data(as_text=True)  # now filled
    for endpoint, page in pages.items():
        for raw in RAW:
            assert raw not in page, f"{endpoint} shows {raw!r} unescaped"
    showing = {endpoint for endpoint, page in pages.items()
               if any(escaped in page for escaped in ESCAPED)}
    assert {"gemeenten.index", "gemeenten.detail", "casussen.detail", "casussen.edit",
            "perspectieven.edit", "analyse.analyseschema", "analyse.totaalbeeld",
            "analyse.vergelijking", "beheer.users", "beheer.audit_log", "bevindingen.casus",
            "bevindingen.matrix", "verbeteracties.overzicht", "verbeteracties.detail",
            "verbeteracties.edit", "eindanalyse.overzicht", "eindanalyse.detail",
            "eindanalyse.edit", "eindanalyse.create"} <= showing
    for escaped in ESCAPED:  # each field's payload appears on the pages that show that field
        assert escaped in pages["perspectieven.edit"] and escaped in pages["casussen.edit"]
