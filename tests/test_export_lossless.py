"""Export -> import into an empty database -> export: every sheet the same, cell by cell.

The dataset touches every fact ZET stores: gemeente facts, onderzoeken (one without casussen), a
gemeente without casussen, casus facts with lists and dates, a casus without scores, definitief
and concept perspectives with their metadata, a perspective without scores, citaten with and
without element (with speaker, kind and whether a report may quote them), the casus findings
(knelpunten, wat gaat goed, a synthesis per element), verbeteracties with every field and
progress notes entered out of date order, eindanalyses (several per onderzoek, one on an onderzoek
without scores, an element with links only), and texts that look like formulas (or already start with the CSV's guard apostrophe) or hold
semicolons, quotes and line breaks.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from zet.access import ALL
from zet.export.service import export_bytes
from zet.importing import import_file
from zet.models import Casus, Gemeente, Perspectief
from zet.rules import parse_answer
from zet.services.bevindingen import save_bevindingen
from zet.services.casussen import save_casus
from zet.services.dubbel import save_second_rating
from zet.services.eindanalyse import save_eindanalyse
from zet.services.gemeenten import save_gemeente, save_onderzoek
from zet.services.perspectieven import PerspectiefInput, save_perspectief
from zet.services.verbeteracties import add_voortgang, save_actie

TODAY = date(2026, 11, 30)
LATER = date(2026, 12, 1)


def make_full_dataset(session, instrument) -> None:
    codes = instrument.codes
    duinwijk = save_gemeente(session, {"naam": "Gemeente Duinwijk", "grootteklasse":
                                       "20.000 - 50.000", "toegang": "Eén loket; wijkteams."})
    save_gemeente(session, {"naam": "Gemeente Leegstad", "grootteklasse": "< 20.000"})
    ronde = save_onderzoek(session, duinwijk, {"titel": "Ronde 2026", "periode_start":
                                               date(2026, 1, 5), "periode_eind": date(2026, 6, 30),
                                               "focus": "Jeugd met \"meervoudige\" vragen"})
    save_onderzoek(session, duinwijk, {"titel": "Ronde 2027"})
    j01 = save_casus(session, duinwijk, {
        "code": "DW-J01", "onderzoek_id": ronde.id, "doelgroep": "jeugd", "wet": "Jeugdwet",
        "levensfase": "tiener", "beperkingen": ["LVB", "autisme/ASS"],
        "leefgebieden": [{"gebied": "onderwijs", "vraag": "Passend onderwijs; snel."},
                         {"gebied": "gezin", "vraag": "Rust thuis?"}],
        "hulpvraag": "Steun bij school\nen thuis.", "datum_aanmelding": date(2025, 9, 1),
        "datum_eerste_contact": date(2025, 9, 15), "datum_start_hulp": date(2025, 11, 1),
        "indicatie_maanden": 12, "wisselingen_contactpersoon": 0, "status": "afgerond"})
    save_bevindingen(session, instrument, j01, {
        "knelpunten": "Drie keer opnieuw verteld;\nwachtlijst school.",
        "wat_gaat_goed": "Vaste coach na de zomer.",
        "synthese": {codes[3]: "Alle drie zien de wisselingen.", codes[0]: "=eerst uitvragen"}})
    save_casus(session, duinwijk, {"code": "DW-V02", "doelgroep": "volwassenen"})  # no scores
    inwoner = PerspectiefInput(
        soort="inwoner", datum=date(2026, 2, 3), afnemer="Onderzoeker Mira", geinterviewde="ouder",
        toestemming=True, toestemming_datum=date(2026, 1, 20), toestemming_vorm="schriftelijk",
        citaten=[{"element_code": codes[0], "tekst": "Ik moest alles drie keer vertellen.",
                  "bron": "moeder", "spreker": "ouder", "soort": "knelpunt", "citeerbaar": True},
                 {"element_code": None, "tekst": "=ze luisterden wel", "bron": ""}])
    for i, code in enumerate(codes):
        inwoner.answers[code] = parse_answer(["1", "2", "3", "4", "5", "nvt", "onbekend"][i % 7])
    inwoner.toelichtingen[codes[0]] = "+31 is geen telefoonnummer hier; \"quote\""
    inwoner.toelichtingen[codes[1]] = "Regel een\nregel twee"
    inwoner.toelichtingen[codes[2]] = "'-begint al met de apostrof van de CSV"
    first = save_perspectief(session, instrument, j01, inwoner, final=True)
    first.beoordelaar = "B1"   # and rated a second time, blind, by R-02 (double rating)
    save_second_rating(session, instrument, first, beoordelaar="R-02",
                       answers={code: parse_answer(["2", "2", "nvt"][i % 3])
                                for i, code in enumerate(codes)},
                       toelichtingen={codes[0]: "=anders gelezen; \"tweede\"",
                                      codes[9]: "Alleen een notitie"}, final=True)
    professional = PerspectiefInput(soort="professional", rol="wijkteammedewerker",
                                    afnemer="Onderzoeker Mira",
                                    answers={codes[2]: parse_answer("4")},
                                    toelichtingen={codes[3]: "Nog navragen"})
    save_perspectief(session, instrument, j01, professional)
    save_perspectief(session, instrument, j01, PerspectiefInput(
        soort="dossier", datum=date(2026, 2, 10), afnemer="Onderzoeker Sem"))  # no scores
    actie = save_actie(session, instrument, duinwijk, {
        "titel": "Eén vast gezicht per gezin", "omschrijving": "=regel het\nin het wijkteam",
        "elementen": [codes[6], codes[0]], "niveau": "tactisch", "eigenaar": "Teamleider wijkteam",
        "nodig": "Afspraken; vervanging bij ziekte.", "start": date(2026, 7, 1),
        "deadline": date(2026, 12, 31), "evaluatie": date(2027, 3, 1), "status": "bezig",
        "onderzoek_id": ronde.id})
    add_voortgang(session, actie, date(2026, 9, 1), "Tweede overleg gepland.")
    add_voortgang(session, actie, date(2026, 7, 15), "Eerste overleg; \"draagvlak\".")
    save_actie(session, instrument, duinwijk, {"titel": "Brieven in eenvoudige taal"})
    save_eindanalyse(session, instrument, ronde, {
        "datum": date(2026, 10, 1), "deelnemers": {"uitvoering": 4, "beleid": 1, "bestuur": 1},
        "samenvatting": "=vaste gezichten eerst;\nbrieven daarna.",
        "elementen": {
            codes[0]: {"prioriteit": 1, "oordeel": "knelpunt", "conclusie": "Te veel wisselingen.",
                       "casussen": [j01.id],
                       "citaten": [{"casus": j01.id,
                                    "tekst": "Ik moest alles drie keer vertellen."}]},
            codes[4]: {"prioriteit": 2, "oordeel": "gemengd",   # ZET: succesfactor
                       "reden": "De groep zag \"meer\" dan de scores."},
            codes[5]: {"casussen": [j01.id]}}})   # only a link
    save_eindanalyse(session, instrument, ronde, {"datum": date(2026, 11, 5),
                                                  "deelnemers": {"onderzoek": 2}})
    later = next(o for o in duinwijk.onderzoeken if o.titel == "Ronde 2027")
    save_eindanalyse(session, instrument, later, {
        "datum": date(2027, 2, 1), "deelnemers": {"inwoners": 3},
        "elementen": {codes[1]: {"oordeel": "gemengd", "reden": "Nog geen casussen gescoord."}}})
    session.commit()


def sheets(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet's cells; the export date is the one cell allowed to differ."""
    workbook = load_workbook(io.BytesIO(data))
    result = {}
    for ws in workbook.worksheets:
        rows = [tuple(cell.value for cell in row) for row in ws.iter_rows()]
        if ws.title == "Over deze export":
            rows = [row for row in rows if row[0] != "Exportdatum"]
        result[ws.title] = rows
    return result


def empty_the_database(session) -> None:
    session.execute(delete(Gemeente))  # cascades to everything ZET holds about casussen
    session.commit()
    session.expunge_all()
    assert session.scalar(select(Casus.id)) is None


def test_workbook_round_trip_into_an_empty_database_gives_identical_sheets(session, instrument):
    make_full_dataset(session, instrument)
    _, first, _ = export_bytes(session, ALL, instrument, today=TODAY)
    empty_the_database(session)
    plan = import_file(session, instrument, "export.xlsx", first)
    assert plan.applied, plan.summary_lines()
    session.commit()
    _, second, _ = export_bytes(session, ALL, instrument, today=LATER)
    before, after = sheets(first), sheets(second)
    assert list(after) == list(before)
    for name in before:
        assert after[name] == before[name], name
    # The facts really are there (not two equally empty exports).
    casussen = dict((row[1], row) for row in before["Casussen"][1:])
    assert casussen["DW-J01"][4:6] == ("Jeugdwet", "tiener")
    assert "DW-V02" in casussen
    assert ("Gemeente Leegstad", "< 20.000", None) in before["Gemeentegegevens"]
    statuses = {(row[2], row[3]): row[4] for row in before["Perspectieven"][1:]}
    assert statuses == {("inwoner", None): "definitief",
                        ("professional", "wijkteammedewerker"): "concept",
                        ("dossier", None): "concept"}
    assert len(before["Citaten"]) == 3
    header = before["Data"][0]
    second = [dict(zip(header, row)) for row in before["Data"][1:] if row[-2] == "R-02"]
    assert len(second) == 15 and {r["status"] for r in second} == {"definitief"}
    assert second[0]["toelichting"] == "=anders gelezen; \"tweede\""
    assert [r[-2:] for r in before["Data"][1:] if r[4] == "inwoner"] == (
        [("B1", 1)] * 15 + [("R-02", 2)] * 15)
    first_answers = ["1", "2", "3", "4", "5", "nvt", "onbekend"]
    scored = [(int(first_answers[i % 7]), int(["2", "2", "nvt"][i % 3])) for i in range(15)
              if first_answers[i % 7].isdigit() and i % 3 != 2]
    overall = next(r for r in before["Overeenstemming"] if r[0] == "Alle elementen")
    assert overall[:2] == ("Alle elementen", len(scored)) and overall[7] == 15 - len(scored)
    assert overall[2] == round(sum(a == b for a, b in scored) / len(scored) * 100, 1)
    quotes = {row[5]: row for row in before["Citaten"][1:]}
    assert quotes["Ik moest alles drie keer vertellen."][7:] == ("ouder", "knelpunt", "ja")
    assert quotes["=ze luisterden wel"][7:] == ("ouder", None, "nee")  # default: the interviewee
    header = before["Casussen"][0]
    j01 = casussen["DW-J01"]
    assert j01[header.index("knelpunten")] == "Drie keer opnieuw verteld;\nwachtlijst school."
    assert j01[header.index("wat_gaat_goed")] == "Vaste coach na de zomer."
    codes = instrument.codes
    assert before["Synthese"][1:] == [  # instrument order, whatever order they were typed in
        ("Gemeente Duinwijk", "DW-J01", codes[0], "=eerst uitvragen"),
        ("Gemeente Duinwijk", "DW-J01", codes[3], "Alle drie zien de wisselingen.")]
    header, *acties = before["Verbeteracties"]
    assert [a[1] for a in acties] == ["Brieven in eenvoudige taal", "Eén vast gezicht per gezin"]
    vast = dict(zip(header, acties[1]))
    assert (vast["onderzoek"], vast["elementen"], vast["niveau"], vast["status"]) == (
        "Ronde 2026", f"{codes[0]}, {codes[6]}", "tactisch", "bezig")
    assert vast["deadline"].date() == date(2026, 12, 31)
    assert dict(zip(header, acties[0]))["status"] == "gepland"
    assert [row[2:] for row in before["Voortgang"][1:]] == [  # by date, as the page shows them
        (before["Voortgang"][1][2], "Eerste overleg; \"draagvlak\"."),
        (before["Voortgang"][2][2], "Tweede overleg gepland.")]
    assert before["Voortgang"][1][2].date() == date(2026, 7, 15)
    header, *sessies = before["Eindanalyses"]
    assert [(row[1], row[2].date()) for row in sessies] == [
        ("Ronde 2026", date(2026, 10, 1)), ("Ronde 2026", date(2026, 11, 5)),
        ("Ronde 2027", date(2027, 2, 1))]
    first_session = dict(zip(header, sessies[0]))
    assert (first_session["deelnemers_uitvoering"], first_session["deelnemers_bestuur"],
            first_session["deelnemers_leiding"]) == (4, 1, None)
    header, *elementen = before["Eindanalyse per element"]
    rows = {(r[1], r[3]): dict(zip(header, r)) for r in elementen}
    assert rows[("Ronde 2026", codes[0])]["berekend_oordeel"] == "knelpunt"
    assert (rows[("Ronde 2026", codes[4])]["berekend_oordeel"],
            rows[("Ronde 2026", codes[4])]["oordeel"]) == ("succesfactor", "gemengd")
    assert rows[("Ronde 2027", codes[1])]["berekend_oordeel"] is None
    assert ("Ronde 2026", codes[5]) not in rows   # a link only: no row of its own
    links = [r[3:] for r in before["Eindanalyse onderbouwing"][1:]]
    assert links == [(codes[0], "DW-J01", None),
                     (codes[0], "DW-J01", "Ik moest alles drie keer vertellen."),
                     (codes[5], "DW-J01", None)]


def test_importing_the_same_workbook_again_changes_nothing(session, instrument):
    make_full_dataset(session, instrument)
    _, data, _ = export_bytes(session, ALL, instrument, today=TODAY)
    versions = dict(session.execute(select(Perspectief.id, Perspectief.version)).all())
    plan = import_file(session, instrument, "export.xlsx", data)
    assert not plan.problems, plan.summary_lines()
    assert not plan.changes_anything, plan.summary_lines()
    session.commit()
    assert dict(session.execute(select(Perspectief.id, Perspectief.version)).all()) == versions


def test_csv_bundle_round_trip_gives_identical_files(session, instrument):
    make_full_dataset(session, instrument)
    name, first, mimetype = export_bytes(session, ALL, instrument, fmt="zip", today=TODAY)
    assert name == f"zet-bundel-{TODAY.isoformat()}.zip" and mimetype == "application/zip"
    empty_the_database(session)
    plan = import_file(session, instrument, name, first)
    assert plan.applied, plan.summary_lines()
    session.commit()
    _, second, _ = export_bytes(session, ALL, instrument, fmt="zip", today=TODAY)
    files = {}
    for data in (first, second):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files[len(files)] = {n: archive.read(n) for n in archive.namelist()}
    assert sorted(files[0]) == ["LEESMIJ.txt", "casussen.csv", "citaten.csv", "data.csv",
                                "eindanalyse_elementen.csv", "eindanalyse_onderbouwing.csv",
                                "eindanalyses.csv", "gemeenten.csv", "instrument.csv",
                                "onderzoeken.csv", "perspectieven.csv", "synthese.csv",
                                "verbeteracties.csv", "voortgang.csv"]
    assert files[0] == files[1]
    casussen = files[0]["casussen.csv"].decode("utf-8-sig")
    assert "DW-J01;Ronde 2026;jeugd;Jeugdwet;tiener;LVB, autisme/ASS;onderwijs, gezin" in casussen
    assert "01-09-2025" in casussen
    assert b"'=ze luisterden wel" in files[0]["citaten.csv"]
    assert b"''-begint al met de apostrof" in files[0]["data.csv"]


def test_anonymised_workbook_is_one_way_and_says_so(session, instrument):
    make_full_dataset(session, instrument)
    _, data, _ = export_bytes(session, ALL, instrument, anonymous=True, today=TODAY)
    content = sheets(data)
    assert "Casussen" not in content and "Perspectieven" not in content
    about = dict(row[:2] for row in content["Over deze export"] if row)
    assert "niet terug in ZET" in about["Eenrichtingsverkeer"]
    with pytest.raises(Exception) as refused:
        import_file(session, instrument, "anoniem.xlsx", data)
    assert "geanonimiseerde export" in str(refused.value)
