"""The change history per field: old value, new value, who and when, kept by every write path
(forms, services, the bulk import) with one rule, shown on the casus and perspective pages and
exported for the beheerder."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select, update

from tests.helpers import (login_as, make_casus, make_gemeente, make_onderzoek, make_user,
                           page_text, post_form)
from tests.import_helpers import rows_for, run_import, write_csv
from tests.test_export_lossless import TODAY, empty_the_database, make_full_dataset
from zet.access import ALL
from zet.export.service import export_bytes
from zet.importing import import_file
from zet.audit import acting_as
from zet.errors import ValidationFailed
from zet.models import AuditEvent, Perspectief, Wijziging
from zet.rules import parse_answer
from zet.services.bevindingen import save_bevindingen
from zet.services.casussen import delete_casus, finish_casus, save_casus
from zet.services.perspectieven import PerspectiefInput, save_perspectief

BSN = "111222333"  # passes the eleven-test; fictional


def kept(session, **where) -> list[tuple[str, str, str]]:
    """(veld, oud, nieuw) of the kept changes, oldest first."""
    session.expire_all()
    stmt = select(Wijziging).order_by(Wijziging.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(Wijziging, name) == value)
    return [(w.veld, w.oud, w.nieuw) for w in session.scalars(stmt)]


def answers(instrument, **given) -> PerspectiefInput:
    return PerspectiefInput(soort="dossier", answers={code: parse_answer(value)
                                                      for code, value in given.items()})


def test_a_sequence_of_edits_keeps_each_old_and_new_value_with_who(session, instrument):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    first, second, third = instrument.codes[:3]
    data = answers(instrument, **{first: "3", third: "5"})
    data.toelichtingen = {first: "Eerste indruk."}
    perspectief = save_perspectief(session, instrument, casus, data)
    session.commit()
    assert kept(session) == []   # the first values of a new perspective are no change

    onderzoeker = make_user(session, "onderzoeker", [gemeente], username="onderzoeker-lotte")
    changed = answers(instrument, **{first: "4", second: "nvt"})   # third: emptied
    changed.toelichtingen = {first: "Na het tweede gesprek."}
    with acting_as(onderzoeker):
        save_perspectief(session, instrument, casus, changed, perspectief=perspectief)
        session.commit()
    assert sorted(kept(session, perspectief_id=perspectief.id)) == sorted([
        (f"antwoord:{first}", "3", "4"), (f"toelichting:{first}", "Eerste indruk.",
                                          "Na het tweede gesprek."),
        (f"antwoord:{second}", "", "nvt"), (f"antwoord:{third}", "5", "")])
    rows = session.scalars(select(Wijziging)).all()
    assert {(w.username, w.user_id, w.bron, w.casus_id) for w in rows} == {
        ("onderzoeker-lotte", onderzoeker.id, "opdracht", casus.id)}

    # The same save again changes nothing, so keeps nothing.
    with acting_as(onderzoeker):
        save_perspectief(session, instrument, casus, changed, perspectief=perspectief)
        session.commit()
    assert len(kept(session)) == 4

    # Definitief: the status and the facts it needs, each a change of its own.
    complete = answers(instrument, **{code: "4" for code in instrument.codes})
    complete.toelichtingen = {first: "Na het tweede gesprek."}
    complete.datum, complete.afnemer = date(2026, 3, 5), "Onderzoeker L. Smit"
    save_perspectief(session, instrument, casus, complete, perspectief=perspectief, final=True)
    session.commit()
    latest = kept(session)[4:]
    assert ("status", "concept", "definitief") in latest
    assert ("datum", "", "2026-03-05") in latest and ("afnemer", "", "Onderzoeker L. Smit") in latest
    assert (f"antwoord:{second}", "nvt", "4") in latest


def test_casus_facts_findings_and_status_are_kept(session, instrument):
    gemeente = make_gemeente(session)
    ronde_1, ronde_2 = make_onderzoek(session, gemeente, "Ronde 1"), make_onderzoek(session, gemeente, "Ronde 2")
    casus = make_casus(session, gemeente, code="H-01", onderzoek_id=ronde_1.id)
    values = {"code": "H-01", "doelgroep": "jeugd", "onderzoek_id": ronde_2.id,
              "hulpvraag": "Hulp bij school.", "beperkingen": ["LVB", "psychisch"],
              "datum_aanmelding": date(2026, 1, 6)}
    save_casus(session, gemeente, values, casus)
    save_bevindingen(session, instrument, casus, {"knelpunten": "Lange wachttijd.",
                                                  "synthese": {instrument.codes[0]: "Goed."}})
    session.commit()
    assert kept(session, casus_id=casus.id) == [
        ("onderzoek", "Ronde 1", "Ronde 2"), ("beperkingen", "LVB", "LVB; psychisch"),
        ("hulpvraag", "", "Hulp bij school."), ("datum_aanmelding", "", "2026-01-06"),
        ("knelpunten", "", "Lange wachttijd."), (f"synthese:{instrument.codes[0]}", "", "Goed.")]

    for soort, rol in (("inwoner", ""), ("professional", "wijkteammedewerker"), ("dossier", "")):
        data = PerspectiefInput(soort=soort, rol=rol, answers={
            code: parse_answer("3") for code in instrument.codes}, datum=date(2026, 3, 1),
            afnemer="Onderzoeker", geinterviewde="inwoner" if soort == "inwoner" else None,
            toestemming=soort == "inwoner", toestemming_datum=date(2026, 2, 1)
            if soort == "inwoner" else None,
            toestemming_vorm="schriftelijk" if soort == "inwoner" else None)
        save_perspectief(session, instrument, casus, data, final=True)
    session.commit()
    finish_casus(session, casus)
    session.commit()
    assert kept(session, casus_id=casus.id)[-1] == ("status", "lopend", "afgerond")


def test_refused_identifying_data_never_reaches_the_history(session, instrument):
    casus = make_casus(session, make_gemeente(session))
    code = instrument.codes[0]
    data = answers(instrument, **{code: "2"})
    data.toelichtingen = {code: "Rustig gesprek."}
    perspectief = save_perspectief(session, instrument, casus, data)
    session.commit()
    bad = answers(instrument, **{code: "4"})
    bad.toelichtingen = {code: f"BSN {BSN} staat in het dossier."}
    try:
        save_perspectief(session, instrument, casus, bad, perspectief=perspectief)
    except ValidationFailed as error:
        assert "toelichting-" + code in error.errors
    else:
        raise AssertionError("the BSN was stored")
    session.rollback()
    try:
        save_casus(session, casus.gemeente, {"code": casus.code, "doelgroep": "jeugd",
                                             "hulpvraag": f"Bel 0612345678, BSN {BSN}."}, casus)
    except Exception:   # noqa: BLE001  (refused: which error does not matter here)
        session.rollback()
    session.commit()
    everything = " ".join(f"{w.oud} {w.nieuw}" for w in session.scalars(select(Wijziging)))
    assert BSN not in everything and "0612345678" not in everything
    assert kept(session) == []


def test_import_and_form_keep_the_same_changes(session, instrument, tmp_path):
    """One rule, two engines: the same change through the bulk import and through the service
    gives the same (veld, oud, nieuw) rows."""
    first, second, third = instrument.codes[:3]
    before = rows_for(instrument, gemeente="Gemeente Tweeling", casus="IMP-01",
                      perspectief="dossier", score="3")
    run_import(session, instrument, write_csv(tmp_path / "eerst.csv", before))
    after = [dict(row) for row in before]
    after[0].update(score="5", toelichting="Anders gelezen.")
    after[1].update(score="nvt")
    after[2].update(score="", toelichting="")
    run_import(session, instrument, write_csv(tmp_path / "daarna.csv", after))
    by_import = kept(session)
    assert by_import and {w.bron for w in session.scalars(select(Wijziging))} == {"import"}

    # The twin through the service: stored as the first import stored it, then changed alike.
    casus = make_casus(session, make_gemeente(session, "Gemeente Formulier"), code="FRM-01")
    data = answers(instrument, **{row["element"]: str(row["score"]) for row in before})
    data.toelichtingen = {row["element"]: row["toelichting"] for row in before}
    perspectief = save_perspectief(session, instrument, casus, data)
    session.commit()
    changed = answers(instrument, **{row["element"]: str(row["score"]) for row in after})
    changed.toelichtingen = {row["element"]: row["toelichting"] for row in after}
    save_perspectief(session, instrument, casus, changed, perspectief=perspectief)
    session.commit()
    assert kept(session, perspectief_id=perspectief.id) == by_import
    assert (f"antwoord:{first}", "3", "5") in by_import
    assert (f"antwoord:{second}", "3", "nvt") in by_import
    assert (f"antwoord:{third}", "3", "") in by_import

    # The status column too: concept -> definitief is kept as the form keeps it.
    stored = session.scalar(select(Perspectief).where(Perspectief.id != perspectief.id))
    session.execute(update(Perspectief).where(Perspectief.id == stored.id).values(
        status="definitief"))
    session.commit()
    back = [dict(row, status="concept") for row in after]
    run_import(session, instrument, write_csv(tmp_path / "terug.csv", back,
                                              columns=[*back[0].keys()]))
    assert kept(session, perspectief_id=stored.id)[-1] == ("status", "definitief", "concept")


def test_saves_by_one_person_minutes_apart_are_one_change(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    code = instrument.codes[0]
    new = f"/casussen/{casus.id}/perspectieven/dossier/nieuw"
    post_form(client, new, {f"score-{code}": "2", "actie": "concept"})
    perspectief = session.scalar(select(Perspectief))
    url = f"/perspectieven/{perspectief.id}"
    for typed in ("Eerst", "Eerst wat", "Eerst wat meer tekst."):   # the autosave, every 30 s
        post_form(client, url, {f"score-{code}": "3", f"toelichting-{code}": typed,
                                "actie": "concept"})
    assert kept(session) == [(f"antwoord:{code}", "2", "3"),
                             (f"toelichting:{code}", "", "Eerst wat meer tekst.")]
    assert {w.bron for w in session.scalars(select(Wijziging))} == {"scherm"}

    # Back where it started: the change is gone; an hour later it is a change of its own.
    post_form(client, url, {f"score-{code}": "2", f"toelichting-{code}": "Eerst wat meer tekst.",
                            "actie": "concept"})
    assert kept(session) == [(f"toelichting:{code}", "", "Eerst wat meer tekst.")]
    for row in session.scalars(select(Wijziging)):
        row.at -= timedelta(hours=1)
    session.commit()
    post_form(client, url, {f"score-{code}": "2", f"toelichting-{code}": "Anders.",
                            "actie": "concept"})
    assert kept(session)[-1] == (f"toelichting:{code}", "Eerst wat meer tekst.", "Anders.")

    # Someone else's save is never folded into it.
    other = client.application.test_client()
    login_as(other, "beheerder", username="tweede-beheerder")
    post_form(other, url, {f"score-{code}": "2", f"toelichting-{code}": "Anders, echt.",
                           "actie": "concept"})
    rows = session.scalars(select(Wijziging).order_by(Wijziging.id)).all()
    assert [(w.username, w.nieuw) for w in rows[-2:]] == [("test-beheerder", "Anders."),
                                                          ("tweede-beheerder", "Anders, echt.")]


def test_pages_show_the_history_in_dutch(client, session, instrument):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente, code="P-01")
    code = instrument.codes[0]
    new = f"/casussen/{casus.id}/perspectieven/dossier/nieuw"
    post_form(client, new, {f"score-{code}": "2", "actie": "concept"})
    perspectief = session.scalar(select(Perspectief))
    url = f"/perspectieven/{perspectief.id}"
    post_form(client, url, {f"score-{code}": "nvt", "actie": "concept"})
    page = page_text(client, url)
    assert "Geschiedenis" in page and "1 wijziging" in page
    assert f"Antwoord: {instrument.elements[0].name}" in page
    assert "<td class=\"prewrap\">2</td><td class=\"prewrap\">n.v.t.</td>" in page
    assert "test-beheerder" in page

    save_casus(session, gemeente, {"code": "P-01", "doelgroep": "jeugd",
                                   "datum_aanmelding": date(2026, 2, 3)}, casus)
    session.commit()
    page = page_text(client, f"/casussen/{casus.id}")
    assert "Datum aanmelding" in page and "03-02-2026" in page and "(leeg)" in page
    assert "n.v.t." not in page   # a perspective's changes stay on the perspective's page

    # Someone without access to the gemeente sees neither page.
    stranger = client.application.test_client()
    login_as(stranger, "onderzoeker", [make_gemeente(session, "Gemeente Elders")])
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"/casussen/{casus.id}").status_code == 404


def test_the_beheerder_exports_the_history_and_the_export_is_audited(client, session, instrument):
    gemeente = make_gemeente(session, "Gemeente Exportstad")
    casus = make_casus(session, gemeente, code="X-01")
    save_casus(session, gemeente, {"code": "X-01", "doelgroep": "jeugd",
                                   "hulpvraag": "=HYPERLINK(\"x\")"}, casus)
    session.commit()
    assert "/beheer/wijzigingen.csv" in page_text(client, "/beheer/audit")   # where it is found
    response = client.get("/beheer/wijzigingen.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0] == ["tijdstip", "gebruiker", "bron", "gemeente", "casus", "perspectief",
                       "rol", "veld", "oud", "nieuw"]
    assert rows[1][3:] == ["Gemeente Exportstad", "X-01", "", "", "hulpvraag", "",
                           "'=HYPERLINK(\"x\")"]   # never run as a formula
    assert session.scalar(select(AuditEvent).where(AuditEvent.object_type == "wijzigingen")
                          ).action == "geëxporteerd"

    onderzoeker = client.application.test_client()
    login_as(onderzoeker, "onderzoeker", [gemeente])
    assert onderzoeker.get("/beheer/wijzigingen.csv").status_code == 404   # as all of beheer


def test_the_history_goes_with_its_casus(session, instrument):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    save_casus(session, gemeente, {"code": casus.code, "doelgroep": "volwassenen"}, casus)
    session.commit()
    assert kept(session) == [("doelgroep", "jeugd", "volwassenen")]
    delete_casus(session, casus)
    session.commit()
    assert kept(session) == []


def test_a_whole_export_imported_into_an_empty_database_starts_without_history(session,
                                                                              instrument):
    """Casussen and perspectives the import creates get their facts, findings and status as
    first values, as a form's first save does: no change (the review found them kept)."""
    make_full_dataset(session, instrument)
    data = export_bytes(session, ALL, instrument, today=TODAY)[1]
    empty_the_database(session)
    assert kept(session) == []
    plan = import_file(session, instrument, "alles.xlsx", data)
    assert plan.applied
    session.commit()
    assert kept(session) == []


def test_an_import_that_puts_a_stored_casus_in_an_onderzoek_keeps_it(session, instrument,
                                                                     tmp_path):
    gemeente = make_gemeente(session, "Gemeente Koppel")
    make_casus(session, gemeente, code="L-01")
    rows = rows_for(instrument, gemeente="Gemeente Koppel", casus="L-01", onderzoek="Ronde X")
    run_import(session, instrument, write_csv(tmp_path / "koppel.csv", rows))
    assert ("onderzoek", "", "Ronde X") in kept(session)


def test_what_was_definitief_is_never_folded_into_a_later_edit(client, session, instrument):
    casus = make_casus(session, make_gemeente(session))
    code = instrument.codes[0]
    post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw",
              {f"score-{code}": "2", f"toelichting-{code}": "A", "actie": "concept"})
    url = f"/perspectieven/{session.scalar(select(Perspectief.id))}"
    complete = {f"score-{c}": "3" for c in instrument.codes}
    final = {**complete, f"toelichting-{code}": "B", "datum": "05-03-2026",
             "afnemer": "Onderzoeker K. Vos", "actie": "definitief"}
    assert post_form(client, url, final).status_code == 302
    post_form(client, url, {**complete, f"toelichting-{code}": "C", "actie": "concept"})
    post_form(client, url, {**complete, f"toelichting-{code}": "D", "actie": "concept"})
    texts = [(oud, nieuw) for veld, oud, nieuw in kept(session)
             if veld == f"toelichting:{code}"]
    assert texts == [("A", "B"), ("B", "D")]   # B, the definitief text, stays visible
    statuses = [(oud, nieuw) for veld, oud, nieuw in kept(session) if veld == "status"]
    assert statuses == [("concept", "definitief"), ("definitief", "concept")]


def test_a_toelichting_that_looks_like_a_date_stays_as_typed():
    from zet.rules.history import shown
    assert shown("toelichting:CON", "2026-03-05") == "2026-03-05"
    assert shown("datum", "2026-03-05") == "05-03-2026"


def test_the_beheerder_erases_a_casus_history_and_no_one_else_can(client, session, instrument):
    """Text that should never have been typed: the field is changed, then its history erased."""
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente, code="W-01")
    other = make_casus(session, gemeente, code="W-02")
    for target in (casus, other):
        save_casus(session, gemeente, {"code": target.code, "doelgroep": "jeugd",
                                       "hulpvraag": "Buurvrouw Ans helpt mee."}, target)
        save_casus(session, gemeente, {"code": target.code, "doelgroep": "jeugd",
                                       "hulpvraag": "Een buurvrouw helpt mee."}, target)
    session.commit()
    onderzoeker = client.application.test_client()
    login_as(onderzoeker, "onderzoeker", [gemeente])
    url = f"/beheer/casussen/{casus.id}/geschiedenis-wissen"
    assert "Geschiedenis wissen" not in page_text(onderzoeker, f"/casussen/{casus.id}")
    assert post_form(onderzoeker, url, {}, form_url=f"/casussen/{casus.id}").status_code == 404
    assert len(kept(session, casus_id=casus.id)) == 2

    assert "Geschiedenis wissen" in page_text(client, f"/casussen/{casus.id}")
    response = post_form(client, url, {}, form_url=f"/casussen/{casus.id}",
                         follow_redirects=True)
    assert "De geschiedenis van casus W-01 is gewist (2 regels)." in response.get_data(as_text=True)
    assert kept(session, casus_id=casus.id) == []
    assert len(kept(session, casus_id=other.id)) == 2   # only that casus
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "verwijderd",
                                                    AuditEvent.object_type == "wijzigingen"))
    assert event.object_id == casus.id and "Ans" not in event.detail
