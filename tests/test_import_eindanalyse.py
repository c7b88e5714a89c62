"""The eindanalyse through the import: an edited conclusion comes in, the form's rules refuse bad
rows with sheet and row named (a differing oordeel without its reason, also when the reason
depends on scores in the same file; unknown onderzoek, casus or quote; identifying data), and
nothing is stored then."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.import_helpers import write_bundle
from tests.test_export_lossless import make_full_dataset
from tests.test_import_facts import edited, exported, report
from zet.importing import ImportRefused, import_file
from zet.models import Eindanalyse, Onderzoek

SESSIE = {"gemeente": "Gemeente Duinwijk", "onderzoek": "Ronde 2026", "datum": "01-10-2026"}


def first_session(session) -> Eindanalyse:
    session.expire_all()
    return session.scalar(select(Eindanalyse).join(Onderzoek).where(
        Onderzoek.titel == "Ronde 2026", Eindanalyse.datum == date(2026, 10, 1)))


def into_an_empty_database(session, instrument) -> bytes:
    """Export everything, empty the database and import that export (which must be taken);
    returns the export."""
    from tests.test_export_lossless import empty_the_database
    from zet.access import ALL
    from zet.export.service import export_bytes
    data = export_bytes(session, ALL, instrument, today=date(2026, 12, 1))[1]
    empty_the_database(session)
    plan = import_file(session, instrument, "export.xlsx", data)
    assert plan.applied, report(plan)
    session.commit()
    return data


def element_sheet_row(data: bytes, code: str) -> int:
    from io import BytesIO

    from openpyxl import load_workbook
    ws = load_workbook(BytesIO(data))["Eindanalyse per element"]
    return next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
                if row[1] == "Ronde 2026" and row[3] == code)


def test_an_edited_conclusion_comes_in_and_only_that_session_changes(session, instrument):
    data = exported(session, instrument)
    code = instrument.codes[0]
    row = element_sheet_row(data, code)
    changed = edited(data, "Eindanalyse per element", {(row, "conclusie"): "Nieuwe conclusie."})
    plan = import_file(session, instrument, "bewerkt.xlsx", changed)
    assert plan.applied, report(plan)
    assert plan.fact_changes["eindanalyses"] == 1
    assert "1 eindanalyse" in report(plan)
    session.commit()
    item = first_session(session).element(code)
    assert item.conclusie == "Nieuwe conclusie."
    assert (item.prioriteit, item.oordeel) == (1, "knelpunt")   # the rest as it was
    assert len(item.citaten) == 1 and len(item.casussen) == 1


def test_a_differing_oordeel_without_reason_is_refused_in_the_preview(session, instrument):
    data = exported(session, instrument)
    row = element_sheet_row(data, instrument.codes[4])
    changed = edited(data, "Eindanalyse per element", {(row, "reden"): ""})
    plan = import_file(session, instrument, "bewerkt.xlsx", changed)
    assert not plan.applied
    text = report(plan)
    assert f"Tabblad 'Eindanalyse per element', rij {row}: Bij de eindanalyse van 01-10-2026" in text
    assert "ZET berekent" in text and "schrijf op waarom" in text
    session.rollback()
    item = first_session(session).element(instrument.codes[4])
    assert item.reden == 'De groep zag "meer" dan de scores.'   # nothing stored


def test_a_reason_that_needs_the_files_own_scores_is_checked_when_they_are_written(
        session, instrument, tmp_path):
    """A new session whose computed oordeel comes from scores in the same file: the preview
    cannot know it, the write checks it and names the row."""
    from tests.import_helpers import rows_for
    rows = rows_for(instrument, gemeente="Gemeente Nieuwveld", casus="NV-01", score="1",
                    onderzoek="Ronde N")
    path = write_bundle(tmp_path / "nieuw.zip", rows, {
        "eindanalyses.csv": [{"gemeente": "Gemeente Nieuwveld", "onderzoek": "Ronde N",
                              "datum": "01-06-2026", "deelnemers_beleid": "2"}],
        "eindanalyse_elementen.csv": [{"gemeente": "Gemeente Nieuwveld", "onderzoek": "Ronde N",
                                       "datum": "01-06-2026", "element": "CON",
                                       "oordeel": "succesfactor"}]})
    with pytest.raises(ImportRefused) as refused:
        import_file(session, instrument, path.name, path.read_bytes(), allow_new_gemeenten=True)
    text = "\n".join(refused.value.plan.summary_lines())
    assert "Bestand eindanalyse_elementen.csv, rij 2" in text and "ZET berekent 'knelpunt'" in text


def test_the_computed_oordeel_of_the_session_survives_later_scores_and_the_round_trip(
        session, instrument):
    """The oordeel ZET computed when the group agreed stays beside it, also after more casussen
    changed today's figure, and an export still goes into an empty database unchanged."""
    from tests.test_export_lossless import sheets
    from zet.access import ALL
    from zet.export.service import export_bytes
    make_full_dataset(session, instrument)
    code = instrument.codes[4]   # agreed gemengd with a reason; ZET computes succesfactor now
    item = first_session(session).element(code)
    item.berekend = "knelpunt"   # as if the scores were lower when the group met
    session.commit()
    first = into_an_empty_database(session, instrument)
    assert first_session(session).element(code).berekend == "knelpunt"
    second = export_bytes(session, ALL, instrument, today=date(2026, 12, 1))[1]
    assert sheets(second)["Eindanalyse per element"] == sheets(first)["Eindanalyse per element"]


def bundle(tmp_path, files):
    path = write_bundle(tmp_path / "bundel.zip", [], files)
    return path.name, path.read_bytes()


@pytest.mark.parametrize("files, message", [
    ({"eindanalyse_elementen.csv": [{**SESSIE, "element": "CON", "oordeel": "succesfactor"}]},
     "schrijf op waarom"),
    ({"eindanalyses.csv": [{**SESSIE, "onderzoek": "Ronde 1999", "deelnemers_beleid": "2"}]},
     "Onderzoek 'Ronde 1999' (Gemeente Duinwijk) bestaat niet"),
    ({"eindanalyse_onderbouwing.csv": [{**SESSIE, "element": "CON", "casus": "DW-X99"}]},
     "Casus DW-X99 (Gemeente Duinwijk) bestaat niet"),
    ({"eindanalyse_onderbouwing.csv": [{**SESSIE, "element": "CON", "casus": "DW-J01",
                                        "citaat": "Dit zei niemand."}]},
     "Een gekozen citaat staat niet (meer) bij de casussen"),
    ({"eindanalyse_elementen.csv": [{**SESSIE, "element": "CON",
                                     "conclusie": "Bel 06-12345678."}]}, "telefoonnummer"),
    ({"eindanalyses.csv": [{**SESSIE, "datum": "", "deelnemers_beleid": "2"}]},
     "Vul de datum van de eindanalyse in"),
    ({"eindanalyses.csv": [{**SESSIE, "deelnemers_beleid": "veel"}]}, "geen heel getal"),
    ({"eindanalyse_elementen.csv": [{**SESSIE, "element": "XYZ", "oordeel": "knelpunt"}]},
     "XYZ"),
])
def test_bad_rows_are_refused_with_the_forms_messages(session, instrument, tmp_path, files,
                                                       message):
    make_full_dataset(session, instrument)
    before = first_session(session).element(instrument.codes[0]).conclusie
    plan = import_file(session, instrument, *bundle(tmp_path, files))
    assert not plan.applied
    assert message in report(plan), report(plan)
    session.rollback()
    assert first_session(session).element(instrument.codes[0]).conclusie == before


def test_a_new_session_comes_in_through_the_bundle(session, instrument, tmp_path):
    make_full_dataset(session, instrument)
    new = {**SESSIE, "datum": "03-12-2026"}
    plan = import_file(session, instrument, *bundle(tmp_path, {
        "eindanalyses.csv": [{**new, "deelnemers_uitvoering": "5", "samenvatting": "Kort."}],
        "eindanalyse_elementen.csv": [{**new, "element": "CON", "prioriteit": "1",
                                       "oordeel": "knelpunt", "conclusie": "Blijft lastig."}],
        "eindanalyse_onderbouwing.csv": [
            {**new, "element": "CON", "casus": "DW-J01",
             "citaat": "Ik moest alles drie keer vertellen."}]}))
    assert plan.applied, report(plan)
    session.commit()
    sessie = session.scalar(select(Eindanalyse).where(Eindanalyse.datum == date(2026, 12, 3)))
    assert sessie.deelnemers == {"uitvoering": 5} and sessie.samenvatting == "Kort."
    item = sessie.element("CON")
    assert (item.berekend, item.oordeel, item.prioriteit) == ("knelpunt", "knelpunt", 1)
    assert [q["tekst"] for q in item.citaten] == ["Ik moest alles drie keer vertellen."]
    assert item.casussen == []


def test_a_link_to_a_quote_whose_text_changed_is_left_out_of_the_export(session, instrument):
    """The detail page says the quote is gone; the export leaves the link out, so it still goes
    into an empty database."""
    from zet.models import Citaat
    make_full_dataset(session, instrument)
    quote = session.scalar(select(Citaat).where(
        Citaat.tekst == "Ik moest alles drie keer vertellen."))
    quote.tekst = "Ik moest alles drie keer vertellen!"
    session.commit()
    into_an_empty_database(session, instrument)
    item = first_session(session).element(instrument.codes[0])
    assert item.citaten == [] and len(item.casussen) == 1
