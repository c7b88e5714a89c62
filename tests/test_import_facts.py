"""The facts tables beside the scores: edits come through, bad rows are refused with the sheet and
row named, and nothing is stored then; on the web and on the command line."""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.helpers import login_as, make_gemeente
from tests.import_helpers import rows_for, write_bundle
from tests.test_export_lossless import TODAY, empty_the_database, make_full_dataset
from zet.access import ALL, Scope
from zet.export.service import export_bytes
from zet.importing import count_rows, import_file
from zet.models import AuditEvent, Casus, Gemeente, Perspectief


def exported(session, instrument) -> bytes:
    make_full_dataset(session, instrument)
    return export_bytes(session, ALL, instrument, today=TODAY)[1]


def edited(data: bytes, sheet: str, changes: dict[tuple[int, str], object]) -> bytes:
    """The workbook with cells changed: (row, column header) -> value."""
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[sheet]
    headers = [cell.value for cell in ws[1]]
    for (row, header), value in changes.items():
        ws.cell(row=row, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report(plan) -> str:
    return "\n".join(plan.summary_lines())


def test_an_edited_fact_is_imported_and_only_that_changes(session, instrument):
    data = edited(exported(session, instrument), "Casussen",
                  {(2, "hulpvraag"): "Steun bij school.", (2, "wisselingen_contactpersoon"): 2})
    versions = dict(session.execute(select(Perspectief.id, Perspectief.version)).all())
    trial = import_file(session, instrument, "bewerkt.xlsx", data, dry_run=True)
    assert trial.fact_changes["casussen"] == 1 and not trial.applied
    session.rollback()
    assert session.scalar(select(Casus.hulpvraag).where(Casus.code == "DW-J01")) == \
        "Steun bij school\nen thuis."  # the dry run stored nothing
    plan = import_file(session, instrument, "bewerkt.xlsx", data)
    assert plan.applied, report(plan)
    assert plan.fact_changes["casussen"] == 1 and plan.scores_changed == 0
    assert "Gegevens aangevuld of gewijzigd (naast de scores): 0 gemeenten, " \
           "0 onderzoeken, 1 casus" in report(plan)
    session.commit()
    casus = session.scalar(select(Casus).where(Casus.code == "DW-J01"))
    assert (casus.hulpvraag, casus.wisselingen_contactpersoon) == ("Steun bij school.", 2)
    assert casus.wet == "Jeugdwet" and casus.leefgebieden[0]["gebied"] == "onderwijs"
    assert dict(session.execute(select(Perspectief.id, Perspectief.version)).all()) == versions


def test_bad_facts_are_refused_with_sheet_and_row_and_nothing_is_stored(session, instrument):
    data = exported(session, instrument)
    data = edited(data, "Casussen", {(2, "wet"): "Wmo2", (3, "datum_aanmelding"): "31-02-2025",
                                     (2, "hulpvraag"): "Andere tekst"})
    data = edited(data, "Perspectieven", {(2, "casus"): "DW-X99"})
    data = edited(data, "Citaten", {(2, "element"): "XYZ"})
    before = count_rows(session)
    plan = import_file(session, instrument, "fout.xlsx", data, skip_invalid=True)
    text = report(plan)
    assert not plan.applied and plan.problems
    assert "Tabblad 'Casussen', rij 2: Wet 'Wmo2' onbekend: kies Jeugdwet, Wmo of beide." in text
    assert "Tabblad 'Casussen', rij 3: datum aanmelding: '31-02-2025' is geen geldige datum" in text
    assert "Tabblad 'Perspectieven', rij 2: Casus DW-X99 (Gemeente Duinwijk) bestaat niet" in text
    assert "Tabblad 'Citaten', rij 2: Element 'XYZ' onbekend" in text
    session.rollback()
    assert count_rows(session) == before
    hulpvraag = session.scalar(select(Casus.hulpvraag).where(Casus.code == "DW-J01"))
    assert hulpvraag == "Steun bij school\nen thuis."  # the valid edit in the same file neither


def test_status_beside_the_scores_must_agree_and_definitief_needs_its_facts(session, instrument):
    data = exported(session, instrument)
    conflict = edited(data, "Perspectieven", {(3, "status"): "definitief"})  # the professional
    plan = import_file(session, instrument, "status.xlsx", conflict, dry_run=True)
    assert ("Perspectief professional (wijkteammedewerker) van casus DW-J01 (Gemeente Duinwijk) "
            "heeft hier status definitief, in de scores concept.") in report(plan)
    # Into an empty database, a definitief inwoner without afnemer is refused like on the form.
    empty_the_database(session)
    missing = edited(data, "Perspectieven", {(2, "afnemer"): ""})
    plan = import_file(session, instrument, "zonder-afnemer.xlsx", missing)
    assert not plan.applied
    assert "Vul in wie het interview of de dossierstudie deed." in report(plan)
    assert session.scalar(select(func.count()).select_from(Casus)) == 0


def test_a_restricted_user_cannot_reach_another_gemeente_through_the_facts(session, instrument,
                                                                          tmp_path):
    own = make_gemeente(session, "Gemeente Testdorp")
    make_gemeente(session, "Gemeente Elders", grootteklasse="> 100.000")
    session.commit()
    rows = rows_for(instrument, gemeente="Gemeente Testdorp", casus="T-01", onderzoek="")
    path = write_bundle(tmp_path / "bundel.zip", rows, {"gemeenten.csv": [
        {"gemeente": "Gemeente Elders", "grootteklasse": "< 20.000"}]})
    plan = import_file(session, instrument, path.name, path.read_bytes(),
                       Scope(frozenset({own.id})))
    assert not plan.applied
    assert "Bestand gemeenten.csv, rij 2: Geen toegang tot gemeente Gemeente Elders." in report(plan)
    assert session.scalar(select(Gemeente.grootteklasse).where(
        Gemeente.naam == "Gemeente Elders")) == "> 100.000"


def test_a_casus_without_scores_comes_in_through_the_casussen_file(session, instrument, tmp_path):
    make_gemeente(session, "Gemeente Testdorp")
    session.commit()
    rows = rows_for(instrument, gemeente="Gemeente Testdorp", casus="T-01", onderzoek="")
    path = write_bundle(tmp_path / "bundel.zip", rows, {"casussen.csv": [
        {"gemeente": "Gemeente Testdorp", "casus": "T-02", "doelgroep": "volwassenen",
         "onderzoek": "Ronde 2027", "datum_aanmelding": "2026-01-05", "beperkingen": "NAH, LVB"},
        {"gemeente": "Gemeente Testdorp", "casus": "T-03"}]})
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert "Bestand casussen.csv, rij 3: Casus T-03 (Gemeente Testdorp) is nieuw: Doelgroep " \
           "ontbreekt" in report(plan)
    path = write_bundle(tmp_path / "bundel.zip", rows, {"casussen.csv": [
        {"gemeente": "Gemeente Testdorp", "casus": "T-02", "doelgroep": "volwassenen",
         "onderzoek": "Ronde 2027", "datum_aanmelding": "2026-01-05", "beperkingen": "NAH, LVB"}]})
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert plan.applied, report(plan)
    session.commit()
    casus = session.scalar(select(Casus).where(Casus.code == "T-02"))
    assert casus.onderzoek.titel == "Ronde 2027" and casus.beperkingen == ["NAH", "LVB"]
    assert casus.datum_aanmelding == date(2026, 1, 5) and casus.perspectieven == []


def test_upload_page_previews_the_facts_and_confirm_stores_them(app, client, session, instrument):
    data = edited(exported(session, instrument), "Gemeentegegevens",
                  {(2, "toegang"): "Sociaal team per wijk."})
    from tests.helpers import csrf_token
    token = csrf_token(client, "/importeren")
    response = client.post("/importeren", data={
        "csrf_token": token, "bestand": (io.BytesIO(data), "export.xlsx")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Gelezen naast de scores: 2 gemeenten, 2 onderzoeken, 2 casussen, 3 perspectieven, " \
           "2 citaten, 2 regels synthese, 2 verbeteracties, 2 regels voortgang, 3 eindanalyses, " \
           "3 regels eindanalyse per element, 3 regels onderbouwing." in page
    assert re.search(r"<th scope=\"row\">Gemeenten</th><td>1</td>", page), page
    import_token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/importeren/bevestigen", data={
        "csrf_token": token, "token": import_token, "naam": "export.xlsx"})
    assert response.status_code == 200, response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Gemeente.toegang).where(
        Gemeente.naam == "Gemeente Duinwijk")) == "Sociaal team per wijk."
    detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "geïmporteerd"))
    assert detail.startswith("xlsx-bestand: toegevoegd: 0 gemeenten") and \
        "gegevens bijgewerkt: 1" in detail and "export.xlsx" not in detail


def test_cli_export_writes_the_bundle_and_an_audit_event(app, session, instrument, tmp_path):
    make_full_dataset(session, instrument)
    target = tmp_path / "alles.zip"
    from zet.cli import main
    result = app.test_cli_runner().invoke(main, ["export", "--bundel", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Geschreven: {target}" in result.output and target.stat().st_size > 0
    session.expire_all()
    events = session.execute(select(AuditEvent.username, AuditEvent.detail).where(
        AuditEvent.action == "geëxporteerd")).all()
    assert events == [("zet-opdracht", f"zet-bundel-{date.today().isoformat()}.zip; anoniem=nee")]
    plan = import_file(session, instrument, target.name, target.read_bytes(), dry_run=True)
    assert not plan.problems and not plan.changes_anything, report(plan)


def test_bundle_download_is_not_for_an_analist(app, anonymous, session, instrument):
    make_full_dataset(session, instrument)
    login_as(anonymous, "analist", gemeenten=list(session.scalars(select(Gemeente))))
    assert anonymous.get("/export/bundel.zip").status_code == 404
    assert anonymous.get("/export/data.csv").status_code == 200


def test_a_gemeente_without_scores_exports_and_imports_through_its_facts(session, instrument):
    gemeente = make_gemeente(session, "Gemeente Testdorp")
    from zet.services.casussen import save_casus
    save_casus(session, gemeente, {"code": "T-01", "doelgroep": "jeugd", "wet": "Wmo"})
    session.commit()
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    assert load_workbook(io.BytesIO(data))["Data"].max_row == 1  # the header only
    empty_the_database(session)
    plan = import_file(session, instrument, "zonder-scores.xlsx", data)
    assert plan.applied, report(plan)
    session.commit()
    casus = session.scalar(select(Casus))
    assert (casus.code, casus.wet, casus.gemeente.toegang) == ("T-01", "Wmo", "Eén centraal loket.")


def test_a_new_professional_with_its_facts_and_quotes_on_an_existing_casus(session, instrument,
                                                                            tmp_path):
    """The perspective the scores add is the one the facts describe: no second insert, no lost
    quote (the facts are compared after the scores are written)."""
    make_full_dataset(session, instrument)
    rows = rows_for(instrument, gemeente="Gemeente Duinwijk", casus="DW-J01",
                    perspectief="professional", rol="jeugd- en gezinscoach", onderzoek="")
    key = {"gemeente": "Gemeente Duinwijk", "casus": "DW-J01", "perspectief": "professional",
           "rol": "jeugd- en gezinscoach"}
    path = write_bundle(tmp_path / "coach.zip", rows, {
        "perspectieven.csv": [dict(key, afnemer="Onderzoeker Sem", datum="02-03-2026")],
        "citaten.csv": [dict(key, element="CON", tekst="We zagen elkaar elke week.")]})
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert plan.applied, report(plan)
    session.commit()
    coach = session.scalar(select(Perspectief).where(Perspectief.rol == "jeugd- en gezinscoach"))
    assert (coach.afnemer, coach.datum) == ("Onderzoeker Sem", date(2026, 3, 2))
    assert [c.tekst for c in coach.citaten] == ["We zagen elkaar elke week."]


def test_facts_without_a_rol_column_never_make_a_professional_up(session, instrument, tmp_path):
    make_full_dataset(session, instrument)
    rows = rows_for(instrument, gemeente="Gemeente Duinwijk", casus="DW-J01", onderzoek="")
    path = write_bundle(tmp_path / "zonder-rol.zip", rows, {"perspectieven.csv": [
        {"gemeente": "Gemeente Duinwijk", "casus": "DW-J01", "perspectief": "professional",
         "afnemer": "Onderzoeker Sem"}]})
    before = count_rows(session)
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert not plan.applied
    assert "Bestand perspectieven.csv, rij 2: Kolom 'rol' ontbreekt" in report(plan)
    session.rollback()
    assert count_rows(session) == before


def test_leefgebieden_columns_left_out_keep_what_zet_has(session, instrument, tmp_path):
    make_full_dataset(session, instrument)
    rows = rows_for(instrument, gemeente="Gemeente Duinwijk", casus="DW-J01",
                    onderzoek="Ronde 2026", score="4")
    casus_key = {"gemeente": "Gemeente Duinwijk", "casus": "DW-J01"}

    def leefgebieden(facts_row):
        path = write_bundle(tmp_path / "leef.zip", rows, {"casussen.csv": [facts_row]})
        plan = import_file(session, instrument, path.name, path.read_bytes())
        assert plan.applied, report(plan)
        session.commit()
        session.expire_all()
        return plan, session.scalar(select(Casus.leefgebieden).where(Casus.code == "DW-J01"))
    # Only the list: the stored questions stay.
    plan, stored = leefgebieden(dict(casus_key, leefgebieden="onderwijs, gezin"))
    assert stored == [{"gebied": "onderwijs", "vraag": "Passend onderwijs; snel."},
                      {"gebied": "gezin", "vraag": "Rust thuis?"}], report(plan)
    # One question: that one changes (or is added), the others stay.
    plan, stored = leefgebieden(dict(casus_key, vraag_wonen="Een eigen kamer?"))
    assert [item["gebied"] for item in stored] == ["onderwijs", "gezin", "wonen"], report(plan)
    # A question emptied: that leefgebied is no longer chosen, as on the form.
    plan, stored = leefgebieden(dict(casus_key, vraag_gezin=""))
    assert [item["gebied"] for item in stored] == ["onderwijs", "wonen"]
    # A listed leefgebied without any question is refused, as the form would.
    path = write_bundle(tmp_path / "leef.zip", rows, {"casussen.csv": [
        dict(casus_key, leefgebieden="onderwijs, veiligheid")]})
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert not plan.applied
    assert "Casus DW-J01 (Gemeente Duinwijk): Bij leefgebied veiligheid staat geen vraag" in \
        report(plan)


def test_changed_quotes_give_the_perspective_a_new_version(session, instrument):
    data = edited(exported(session, instrument), "Citaten",
                  {(2, "tekst"): "Ik moest alles twee keer vertellen."})
    inwoner = session.scalar(select(Perspectief).where(Perspectief.soort == "inwoner"))
    version = inwoner.version
    plan = import_file(session, instrument, "citaat.xlsx", data)
    assert plan.applied and plan.fact_changes["citaten"] == 1, report(plan)
    session.commit()
    session.expire_all()
    inwoner = session.get(Perspectief, inwoner.id)
    assert inwoner.version == version + 1
    assert inwoner.citaten[0].tekst == "Ik moest alles twee keer vertellen."


def test_a_sheet_named_like_a_facts_sheet_is_only_read_as_one_when_it_is_one(session, instrument,
                                                                           tmp_path):
    from openpyxl import load_workbook as open_book

    from tests.import_helpers import write_xlsx
    rows = rows_for(instrument, onderzoek="")
    # Scores on the only sheet, which happens to be called 'Casussen': read as the scores.
    path = write_xlsx(tmp_path / "casussen.xlsx", rows, sheet="Casussen")
    plan = import_file(session, instrument, path.name, path.read_bytes(), dry_run=True)
    assert not plan.problems and plan.scores_added == len(rows), report(plan)
    # Notes on a sheet called 'Perspectieven' beside Data: left alone, and said so; an empty
    # 'Citaten' sheet is simply nothing.
    path = write_xlsx(tmp_path / "notities.xlsx", rows)
    book = open_book(path)
    book.create_sheet("Perspectieven").append(["Aantekening", "Interview liep uit"])
    book.create_sheet("Citaten")
    book.save(path)
    plan = import_file(session, instrument, path.name, path.read_bytes(), dry_run=True)
    assert not plan.problems, report(plan)
    assert "Niet gelezen als gegevens: tabblad 'Perspectieven' (geen kolom gemeente of casus " \
           "of perspectief)." in report(plan)


def test_a_damaged_or_doubled_bundle_gets_a_dutch_message(session, instrument, tmp_path):
    import zipfile

    import pytest

    from zet.importing import ImportFileError
    rows = rows_for(instrument, onderzoek="")
    good = write_bundle(tmp_path / "goed.zip", rows, {}).read_bytes()
    damaged = bytearray(good)
    start = good.index(b"gemeente")  # inside data.csv's stored bytes: the CRC no longer fits
    damaged[start:start + 8] = b"GEMEENTE"
    with pytest.raises(ImportFileError) as error:
        import_file(session, instrument, "kapot.zip", bytes(damaged))
    assert "is beschadigd of met een wachtwoord beveiligd" in error.value.message
    doubled = tmp_path / "dubbel.zip"
    with zipfile.ZipFile(doubled, "w") as archive:
        archive.writestr("a/data.csv", "gemeente;casus\r\n")
        archive.writestr("b/data.csv", "gemeente;casus\r\n")
    with pytest.raises(ImportFileError) as error:
        import_file(session, instrument, doubled.name, doubled.read_bytes())
    assert "bevat het bestand data.csv meer dan eens" in error.value.message
