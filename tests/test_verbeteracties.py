"""Verbeteracties through the pages: create, change, progress notes, the overview with its
filters and overdue actions marked; bad input keeps what was typed and stores nothing; other
gemeenten and the analist get 404."""
import html
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import login_as, make_gemeente, page_text, post_form
from zet.models import Verbeteractie, Voortgang

PHONE = "06-12345678"  # fictional


@pytest.fixture
def gemeente(session):
    return make_gemeente(session, "Gemeente Kustdorp")


def create(client, gemeente, **values):
    data = {"titel": "Eén vast gezicht per gezin", "status": "gepland", **values}
    return post_form(client, f"/gemeenten/{gemeente.id}/verbeteracties/nieuw", data)


def test_an_action_is_created_shown_and_filtered(client, session, gemeente, instrument):
    response = create(client, gemeente, omschrijving="Elk gezin houdt één coach.",
                      elementen=["CON", "VCP"], niveau="tactisch", eigenaar="Teamleider wijkteam",
                      nodig="Afspraken over vervanging bij ziekte.", start="01-01-2026",
                      deadline="01-06-2026", evaluatie="01-09-2026", status="bezig")
    assert response.status_code == 302
    actie = session.scalar(select(Verbeteractie))
    assert (actie.elementen, actie.niveau, actie.status) == (["CON", "VCP"], "tactisch", "bezig")
    assert (actie.start, actie.deadline, actie.evaluatie) == (
        date(2026, 1, 1), date(2026, 6, 1), date(2026, 9, 1))
    detail = page_text(client, f"/verbeteracties/{actie.id}")
    assert "Elk gezin houdt één coach." in detail and "01-06-2026" in detail
    assert instrument.element("VCP").name in detail
    create(client, gemeente, titel="Brieven in eenvoudige taal", elementen=["TOE"],
           status="gereed", deadline="01-02-2026")
    overview = page_text(client, f"/gemeenten/{gemeente.id}/verbeteracties")
    table = overview.split('id="acties"')[1]
    assert table.index("Brieven in eenvoudige taal") < table.index("Eén vast gezicht")  # deadline
    only_open = page_text(client, f"/gemeenten/{gemeente.id}/verbeteracties?status=bezig")
    assert "Eén vast gezicht" in only_open and "Brieven in eenvoudige taal" not in only_open
    by_element = page_text(client, f"/gemeenten/{gemeente.id}/verbeteracties?element=TOE")
    assert "Brieven in eenvoudige taal" in by_element and "Eén vast gezicht" not in by_element


def test_an_open_action_past_its_deadline_stands_out(client, session, gemeente):
    past = (date.today() - timedelta(days=10)).strftime("%d-%m-%Y")
    create(client, gemeente, titel="Te laat", status="bezig", deadline=past)
    create(client, gemeente, titel="Op tijd klaar", status="gereed", deadline=past)
    table = page_text(client, f"/gemeenten/{gemeente.id}/verbeteracties").split('id="acties"')[1]
    late = table.split("Te laat</a>")[0].rsplit("<tr", 1)[1]
    assert 'class="te-laat"' in late
    assert "te laat" in table.split("Te laat</a>")[1].split("</tr>")[0]
    done = table.split("Op tijd klaar</a>")[0].rsplit("<tr", 1)[1]
    assert 'class="te-laat"' not in done
    actie = session.scalar(select(Verbeteractie).where(Verbeteractie.titel == "Te laat"))
    assert "te laat: de deadline was" in page_text(client, f"/verbeteracties/{actie.id}")
    today = date.today()
    assert not actie.te_laat(actie.deadline) and actie.te_laat(actie.deadline + timedelta(1))
    for status, late in (("gepland", True), ("bezig", True), ("gereed", False),
                         ("gestopt", False)):
        actie.status = status
        assert actie.te_laat(today) == late, status


@pytest.mark.parametrize("values, field_message", [
    ({"titel": ""}, "Vul een titel in voor de verbeteractie."),
    ({"start": "01-06-2026", "deadline": "01-05-2026"},
     "De datum deadline ligt vóór de datum start."),
    ({"start": "01-06-2026", "evaluatie": "01-01-2026"},
     "De datum evaluatie ligt vóór de datum start."),
    ({"omschrijving": f"Bel de coördinator op {PHONE}."}, "telefoonnummer"),
    ({"elementen": ["XYZ"]}, "Onbekend werkzaam element 'XYZ'"),
])
def test_bad_input_is_refused_with_a_dutch_message_and_keeps_what_was_typed(
        client, session, gemeente, values, field_message):
    response = create(client, gemeente, nodig="Typwerk dat blijft staan.", **values)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert field_message in text and "Typwerk dat blijft staan." in text
    assert session.scalar(select(func.count(Verbeteractie.id))) == 0


def test_a_title_is_used_once_per_gemeente(client, session, gemeente):
    create(client, gemeente)
    response = create(client, gemeente, titel="eén  vast gezicht per GEZIN")
    assert "heeft al een verbeteractie 'Eén vast gezicht per gezin'" in html.unescape(
        response.get_data(as_text=True))
    other = make_gemeente(session, "Gemeente Elders")
    assert create(client, other).status_code == 302  # another gemeente may use it


def test_progress_notes_are_dated_and_kept_in_order(client, session, gemeente):
    create(client, gemeente)
    actie = session.scalar(select(Verbeteractie))
    url, form_url = f"/verbeteracties/{actie.id}/voortgang", f"/verbeteracties/{actie.id}"
    assert post_form(client, url, {"datum": "15-03-2026", "tekst": "Eerste overleg gevoerd."},
                     form_url=form_url).status_code == 302
    assert post_form(client, url, {"datum": "01-02-2026", "tekst": "Idee besproken."},
                     form_url=form_url).status_code == 302
    refused = post_form(client, url, {"datum": "", "tekst": ""}, form_url=form_url)
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "Vul de datum van de voortgang in" in text and "Schrijf op wat er is gebeurd" in text
    assert session.scalar(select(func.count(Voortgang.id))) == 2
    notes = page_text(client, form_url).split('id="voortgang"')[1].split("</ol>")[0]
    assert notes.index("Idee besproken.") < notes.index("Eerste overleg gevoerd.")
    overview = page_text(client, f"/gemeenten/{gemeente.id}/verbeteracties")
    assert "15-03-2026: Eerste overleg gevoerd." in overview


def test_an_action_can_be_changed(client, session, gemeente):
    create(client, gemeente, status="gepland")
    actie = session.scalar(select(Verbeteractie))
    response = post_form(client, f"/verbeteracties/{actie.id}/bewerken",
                         {"titel": actie.titel, "status": "gereed", "elementen": ["CON"]})
    assert response.status_code == 302
    session.expire_all()
    assert (actie.status, actie.elementen) == ("gereed", ["CON"])


def test_other_gemeenten_and_the_analist_get_404(app, client, session, gemeente):
    create(client, gemeente)
    actie = session.scalar(select(Verbeteractie))
    other = make_gemeente(session, "Gemeente Elders")
    outsider = app.test_client()
    login_as(outsider, "gemeente", [other])
    for url in (f"/gemeenten/{gemeente.id}/verbeteracties", f"/verbeteracties/{actie.id}",
                f"/verbeteracties/{actie.id}/bewerken"):
        assert outsider.get(url).status_code == 404, url
    analist = app.test_client()
    login_as(analist, "analist", [gemeente])
    assert analist.get(f"/gemeenten/{gemeente.id}/verbeteracties").status_code == 404
    own = app.test_client()
    login_as(own, "gemeente", [gemeente])
    assert own.get(f"/verbeteracties/{actie.id}").status_code == 200


def test_the_import_refuses_a_bad_action_with_the_form_message_and_stores_nothing(
        session, instrument):
    from tests.test_export_lossless import TODAY, make_full_dataset
    from tests.test_import_facts import edited
    from zet.access import ALL
    from zet.export.service import export_bytes
    from zet.importing import import_file
    make_full_dataset(session, instrument)
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    bad = edited(data, "Verbeteracties", {(3, "deadline"): "01-01-2026", (3, "status"): "gereed"})
    plan = import_file(session, instrument, "bewerkt.xlsx", bad)
    assert not plan.applied
    messages = " ".join(p.message for p in plan.problems)
    assert "De datum deadline ligt vóór de datum start." in messages
    session.rollback()
    actie = session.scalar(select(Verbeteractie).where(Verbeteractie.titel.like("Eén vast%")))
    assert (actie.status, actie.deadline) == ("bezig", date(2026, 12, 31))
    orphan = edited(data, "Voortgang", {(2, "titel"): "Bestaat niet"})
    plan = import_file(session, instrument, "wees.xlsx", orphan)
    assert not plan.applied
    assert "De verbeteractie 'Bestaat niet' (Gemeente Duinwijk) bestaat niet in ZET" in " ".join(
        p.message for p in plan.problems)
    changed = edited(edited(data, "Verbeteracties", {(3, "status"): "gereed",
                                                     (2, "status"): "",
                                                     (3, "elementen"): "CON, VRA, CON"}),
                     "Voortgang", {(3, "datum"): "01-07-2026", (3, "tekst"): "Eerder besproken."})
    plan = import_file(session, instrument, "klaar.xlsx", changed)
    assert plan.applied and plan.fact_changes["verbeteracties"] == 1  # an empty status: as is
    assert plan.fact_changes["voortgang"] == 1
    session.commit()
    session.expire_all()
    actie = session.scalar(select(Verbeteractie).where(Verbeteractie.titel.like("Eén vast%")))
    assert actie.status == "gereed" and actie.elementen == [c for c in instrument.codes
                                                            if c in ("CON", "VRA")]
    assert [(v.datum, v.tekst) for v in actie.voortgang] == [  # replaced, in date order
        (date(2026, 7, 1), "Eerder besproken."), (date(2026, 7, 15), 'Eerste overleg; "draagvlak".')]
    again = import_file(session, instrument, "klaar.xlsx", changed)
    assert again.applied and not again.changes_anything, again.summary_lines()


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_text(client, session, gemeente):
    from tests.helpers import hidden_fields
    create(client, gemeente)
    actie = session.scalar(select(Verbeteractie))
    url = f"/verbeteracties/{actie.id}/bewerken"
    opened = hidden_fields(client, url)                  # one user opens the form
    assert post_form(client, url, {"titel": actie.titel, "status": "bezig",
                                   "omschrijving": "Van de ander."}).status_code == 302
    late = client.post(url, data={**opened, "titel": actie.titel, "status": "gereed",
                                  "omschrijving": "Mijn late tekst."})
    text = html.unescape(late.get_data(as_text=True))
    assert "Iemand anders heeft deze verbeteractie opgeslagen" in text
    assert "Mijn late tekst." in text
    session.expire_all()
    assert (actie.status, actie.omschrijving) == ("bezig", "Van de ander.")
