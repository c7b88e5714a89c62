"""Casus findings: knelpunten, wat gaat goed and a synthesis per element written on the
bevindingen page (beside the scores, toelichtingen and quotes), the consolidation matrix, and
quotes that say who said them, what they illustrate and whether a report may quote them. Every
new field travels through the form, the import and the export with the same rules."""
import html
import re
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.helpers import (csrf_token, hidden_fields, login_as, make_casus, make_gemeente,
                           page_text, post_form)
from tests.test_export_lossless import TODAY, make_full_dataset
from tests.test_import_facts import edited
from zet.access import ALL
from zet.errors import ValidationFailed
from zet.export.service import export_bytes
from zet.importing import import_file
from zet.models import Casus, Citaat, Perspectief
from zet.rules import parse_answer
from zet.services.bevindingen import save_bevindingen
from zet.services.perspectieven import PerspectiefInput, save_perspectief

PHONE = "06-12345678"  # fictional


@pytest.fixture
def casus(session, instrument):
    gemeente = make_gemeente(session, "Gemeente Kustdorp")
    casus = make_casus(session, gemeente, code="K-01", hulpvraag="Hulp bij school.")
    codes = instrument.codes
    save_perspectief(session, instrument, casus, PerspectiefInput(
        soort="inwoner", answers={codes[0]: parse_answer("2")},
        toelichtingen={codes[0]: "Moest lang wachten."},
        citaten=[{"element_code": codes[0], "tekst": "Het duurde maanden.", "spreker": "ouder",
                  "soort": "knelpunt", "citeerbaar": True}]))
    save_perspectief(session, instrument, casus, PerspectiefInput(
        soort="professional", rol="consulent", answers={codes[0]: parse_answer("4")}))
    session.commit()
    return casus


def test_bevindingen_page_shows_the_evidence_and_stores_the_findings(client, session, casus,
                                                                     instrument):
    code, name = instrument.codes[0], instrument.elements[0].name
    url = f"/casussen/{casus.id}/bevindingen"
    text = page_text(client, url)
    section = text.split(f'id="element-{code}"')[1].split("</section>")[0]
    assert "Moest lang wachten." in section and "Het duurde maanden." in section
    assert "ouder" in section and "knelpunt" in section and "citeerbaar" in section
    assert "afwijkend" in section  # inwoner 2, professional 4
    response = post_form(client, url, {
        "knelpunten": "Lange wachttijd.",
        "wat_gaat_goed": "Een vaste consulent.", f"synthese-{code}": "Inwoner en consulent "
        "verschillen: de wachttijd woog voor de ouder zwaar."})
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Casus, casus.id)
    assert (stored.knelpunten, stored.wat_gaat_goed) == ("Lange wachttijd.", "Een vaste consulent.")
    assert stored.synthese == {code: "Inwoner en consulent verschillen: de wachttijd woog voor "
                                     "de ouder zwaar."}
    detail = page_text(client, f"/casussen/{casus.id}")
    assert "Lange wachttijd." in detail.split('id="knelpunten"')[1].split("</dd>")[0]
    matrix = page_text(client, f"/gemeenten/{casus.gemeente_id}/consolidatie")
    table = matrix.split('id="consolidatie"')[1]
    row = table.split(name)[1].split("</tr>")[0]
    assert "3,0" in row and "de wachttijd woog" in row and "1 citaat" in row and "!" in row
    assert "K-01" in table and "niet compleet" in table


def test_identifying_data_in_a_finding_is_refused_and_what_was_typed_stays(client, session,
                                                                          casus, instrument):
    code = instrument.codes[1]
    url = f"/casussen/{casus.id}/bevindingen"
    response = post_form(client, url, {
        "knelpunten": "Lange wachttijd.", f"synthese-{code}": f"Bel de moeder op {PHONE}."})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "telefoonnummer" in text.split(f'id="element-{code}"')[1].split("</section>")[0]
    assert "Lange wachttijd." in text and f"Bel de moeder op {PHONE}." in text
    session.expire_all()
    assert session.get(Casus, casus.id).knelpunten is None  # nothing half-written


def test_the_service_refuses_an_unknown_element_and_leaves_empty_texts_out(session, casus,
                                                                          instrument):
    with pytest.raises(ValidationFailed) as refused:
        save_bevindingen(session, instrument, casus, {"synthese": {"XYZ": "tekst"}})
    assert "Onbekend element 'XYZ'" in str(refused.value)
    save_bevindingen(session, instrument, casus, {"synthese": {instrument.codes[2]: "  ",
                                                               instrument.codes[1]: " Kort. "}})
    assert casus.synthese == {instrument.codes[1]: "Kort."}


def test_a_gemeente_user_of_another_gemeente_gets_404(app, session, casus):
    other = make_gemeente(session, "Gemeente Elders")
    client = app.test_client()
    login_as(client, "gemeente", [other])
    assert client.get(f"/casussen/{casus.id}/bevindingen").status_code == 404
    assert client.get(f"/gemeenten/{casus.gemeente_id}/consolidatie").status_code == 404
    analist = app.test_client()
    login_as(analist, "analist", [other])
    assert analist.get(f"/gemeenten/{other.id}/consolidatie").status_code == 404


def test_the_perspective_form_stores_who_said_a_quote_and_refuses_a_speaker_that_does_not_fit(
        client, session, casus, instrument):
    perspectief = session.scalar(select(Perspectief).where(Perspectief.soort == "professional"))
    url = f"/perspectieven/{perspectief.id}"
    form = page_text(client, url)
    assert 'name="citaten-0-spreker"' in form and "Mag in een rapport worden geciteerd" in form
    data = {"csrf_token": csrf_token(client, url), "version": str(perspectief.version),
            "rol": "consulent", "actie": "concept", f"score-{instrument.codes[0]}": "4",
            "citaten-0-tekst": "We kregen het niet rond.", "citaten-0-spreker": "ouder",
            "citaten-0-soort": "knelpunt"}
    response = client.post(url, data=data)
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422  # the form again, as every refused perspective save
    assert "Een citaat bij het perspectief professional komt van professional, niet van ouder" \
        in text
    assert "We kregen het niet rond." in text
    data.update({"citaten-0-spreker": "professional", "citaten-0-citeerbaar": "y"})
    assert client.post(url, data=data).status_code == 302
    session.expire_all()
    quote = session.scalar(select(Citaat).where(Citaat.perspectief_id == perspectief.id))
    assert (quote.spreker, quote.soort, quote.citeerbaar) == ("professional", "knelpunt", True)


def _import_messages(session, instrument, data) -> list[str]:
    plan = import_file(session, instrument, "bewerkt.xlsx", data, dry_run=True)
    session.rollback()
    return [problem.message for problem in plan.problems]


def test_import_and_form_refuse_a_bad_quote_and_a_bad_synthesis_with_the_same_message(
        session, instrument):
    make_full_dataset(session, instrument)
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    bad_quote = edited(data, "Citaten", {(2, "spreker"): "professional"})   # an inwoner quote
    bad_synthese = edited(data, "Synthese", {(2, "tekst"): f"Bel {PHONE}."})
    j01 = session.scalar(select(Casus).where(Casus.code == "DW-J01"))
    inwoner = next(p for p in j01.perspectieven if p.soort == "inwoner")
    from zet.services.perspectieven import citaat_problems
    form_quote = citaat_problems(instrument, "inwoner", {"tekst": "x", "spreker": "professional"})
    assert form_quote["spreker"].split(": ", 1)[1] in " ".join(
        _import_messages(session, instrument, bad_quote))
    with pytest.raises(ValidationFailed) as refused:
        save_bevindingen(session, instrument, j01, {"synthese": {instrument.codes[0]: f"Bel {PHONE}."}})
    session.rollback()
    assert list(refused.value.errors.values())[0] in _import_messages(session, instrument,
                                                                      bad_synthese)
    assert inwoner.citaten  # nothing changed


def test_an_older_citaten_sheet_without_the_new_columns_keeps_what_zet_has(session, instrument):
    make_full_dataset(session, instrument)
    j01 = session.scalar(select(Casus).where(Casus.code == "DW-J01"))
    inwoner = next(p for p in j01.perspectieven if p.soort == "inwoner")
    inwoner.citaten.append(Citaat(element_code=instrument.codes[0], spreker="jongere",
                                  tekst="Ik moest alles drie keer vertellen.", bron="",
                                  soort="succesfactor", citeerbaar=False))  # said twice
    session.commit()
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook["Citaten"]
    ws.delete_cols(8, 3)  # spreker, soort, citeerbaar: as a workbook of the previous version
    assert [c.value for c in ws[1]][-1] == "bron"
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = import_file(session, instrument, "oud.xlsx", buffer.getvalue())
    assert plan.applied and not plan.problems
    assert plan.fact_changes["citaten"] == 0  # nothing lost, so nothing to change
    quotes = session.scalars(select(Citaat).where(Citaat.tekst.like("Ik moest%"))
                             .order_by(Citaat.id)).all()
    assert [(q.spreker, q.soort, q.citeerbaar) for q in quotes] == [
        ("ouder", "knelpunt", True), ("jongere", "succesfactor", False)]


def test_a_synthesis_row_is_imported_and_an_emptied_casus_row_clears_it(session, instrument):
    make_full_dataset(session, instrument)
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    changed = edited(data, "Synthese", {(2, "tekst"): "Nieuw inzicht na de eindanalyse."})
    plan = import_file(session, instrument, "bewerkt.xlsx", changed)
    assert plan.applied and plan.fact_changes["synthese"] == 1, plan.summary_lines()
    session.commit()
    j01 = session.scalar(select(Casus).where(Casus.code == "DW-J01"))
    assert j01.synthese[instrument.codes[0]] == "Nieuw inzicht na de eindanalyse."
    workbook = load_workbook(io.BytesIO(changed))
    workbook["Synthese"].delete_rows(2, 2)  # the casus stays in Casussen: its synthesis empties
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = import_file(session, instrument, "leeg.xlsx", buffer.getvalue())
    assert plan.applied and plan.fact_changes["synthese"] == 1
    session.commit()
    session.expire_all()
    assert not session.scalar(select(Casus).where(Casus.code == "DW-J01")).synthese


def test_a_save_after_someone_else_saved_the_casus_is_refused_and_keeps_the_text(
        client, session, casus, instrument):
    url = f"/casussen/{casus.id}/bevindingen"
    opened = hidden_fields(client, url)
    save_bevindingen(session, instrument, session.get(Casus, casus.id),
                     {"knelpunten": "Door een collega geschreven."})
    session.commit()
    response = client.post(url, data={**opened, "knelpunten": "Mijn versie."})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Iemand anders heeft deze casus opgeslagen" in text
    assert "Mijn versie." in text
    session.expire_all()
    assert session.get(Casus, casus.id).knelpunten == "Door een collega geschreven."
    again = dict(opened, geladen=re.search(r'name="geladen" type="hidden" value="([^"]*)"',
                                           response.get_data(as_text=True)).group(1))
    assert client.post(url, data={**again, "knelpunten": "Mijn versie."}).status_code == 302
    session.expire_all()
    assert session.get(Casus, casus.id).knelpunten == "Mijn versie."


def test_a_synthesis_of_another_instrument_version_survives_a_save(session, casus, instrument):
    casus.synthese = {"OUD": "Uit een eerdere versie."}
    session.commit()
    save_bevindingen(session, instrument, casus, {"synthese": {instrument.codes[0]: "Nieuw."}})
    assert casus.synthese == {instrument.codes[0]: "Nieuw.", "OUD": "Uit een eerdere versie."}


def test_opening_the_perspective_form_and_saving_it_unchanged_keeps_the_quote_details(
        app, session, casus, instrument):
    from forms.perspectief import fill_form, form_to_input, perspectief_form_class
    perspectief = session.scalar(select(Perspectief).where(Perspectief.soort == "inwoner"))
    with app.test_request_context():
        form = perspectief_form_class(instrument, "inwoner")(formdata=None)
        fill_form(form, instrument, perspectief)
        quote = form_to_input(form, instrument, "inwoner").citaten[0]
    assert (quote["spreker"], quote["soort"], quote["citeerbaar"]) == ("ouder", "knelpunt", True)


def test_the_workbook_names_who_said_a_quote_once(session, casus, instrument):
    from tests.export_helpers import open_workbook, rows
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    cells = [c for row in rows(open_workbook(data)["Analyseschema"]) for c in row
             if isinstance(c, str) and "Het duurde maanden." in c]
    assert cells == ["“Het duurde maanden.” (ouder)"]
