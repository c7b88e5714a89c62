"""Importing the long format: what gets stored, idempotence, dry runs and the optimistic lock."""
from sqlalchemy import select

from tests.helpers import make_casus, make_gemeente
from tests.import_helpers import (NOTHING, STANDARD_COUNTS, report, rows_for, run_import,
                                  standard_rows, stored, write_csv, write_xlsx)
from zet.access import Scope
from zet.importing import import_file
from zet.models import Casus, Gemeente, Onderzoek, Perspectief, Score
from zet.services.dataset import scores_frame
from zet.access import ALL


def _answers(session):
    """{(gemeente, casus, perspectief, rol, element): (antwoord, toelichting)} as stored."""
    frame = scores_frame(session, ALL)
    return {(r.gemeente, r.casus, r.perspectief, r.rol, r.element): (r.antwoord, r.toelichting)
            for r in frame.itertuples()}


def _expected(rows):
    return {(r["gemeente"], r["casus"], r["perspectief"], r["rol"], r["element"]):
            (r["score"], r["toelichting"]) for r in rows}


def test_csv_import_stores_every_score_with_three_perspectives(session, instrument, tmp_path):
    rows = standard_rows(instrument)
    plan = run_import(session, instrument, write_csv(tmp_path / "scores.csv", rows))
    assert plan.applied and not plan.problems
    assert stored(session) == STANDARD_COUNTS
    assert _answers(session) == _expected(rows)
    assert sorted(plan.new_gemeenten) == ["Duinwijk", "Zeedorp"]
    assert sorted(plan.new_casussen) == [("Duinwijk", "DW-J01"), ("Duinwijk", "DW-V01"),
                                         ("Zeedorp", "ZD-J01")]
    text = report(plan)
    assert "Toegevoegd: 2 gemeenten, 1 onderzoek, 3 casussen, 6 perspectieven, 90 scores." in text
    casus = session.scalar(select(Casus).where(Casus.code == "DW-J01"))
    assert casus.doelgroep == "jeugd" and casus.onderzoek.titel == "Ronde 2026"
    assert session.scalar(select(Casus).where(Casus.code == "ZD-J01")).onderzoek_id is None
    perspectives = casus.perspectieven
    assert sorted((p.soort, p.rol) for p in perspectives) == [
        ("dossier", ""), ("inwoner", ""), ("professional", "(ambulant) begeleider"),
        ("professional", "wijkteammedewerker")]
    assert {(p.status, p.instrument_version, p.version) for p in perspectives} == {
        ("concept", instrument.version, 1)}
    assert {s.instrument_version for s in session.scalars(select(Score))} == {instrument.version}


def test_semicolon_csv_with_bom_as_dutch_excel_writes_it(session, instrument, tmp_path):
    rows = standard_rows(instrument)
    run_import(session, instrument,
               write_csv(tmp_path / "excel.csv", rows, delimiter=";", bom=True))
    assert stored(session) == STANDARD_COUNTS
    assert _answers(session) == _expected(rows)


def test_xlsx_with_data_sheet_after_another_sheet(session, instrument, tmp_path):
    rows = standard_rows(instrument)
    run_import(session, instrument,
               write_xlsx(tmp_path / "scores.xlsx", rows, first_sheet="Toelichting"))
    assert stored(session) == STANDARD_COUNTS
    assert _answers(session) == _expected(rows)


def test_columns_in_any_order_element_by_name_and_header_case(session, instrument, tmp_path):
    rows = rows_for(instrument)
    by_name = [dict(r, element=instrument.element(r["element"]).name.upper()) for r in rows]
    columns = [" Toelichting ", "SCORE", "Element", "perspectief", "Doelgroep", "casus",
               "Gemeente"]
    path = tmp_path / "anders.csv"
    write_csv(path, [{k: r[k.strip().lower()] for k in columns} for r in by_name],
              columns=columns)
    plan = run_import(session, instrument, path)
    assert plan.applied, report(plan)
    assert _answers(session) == {(g, c, p, "", e): v for (g, c, p, _, e), v
                                 in _expected(rows).items()}


def test_several_professionals_by_rol(session, instrument, tmp_path):
    rows = (rows_for(instrument, perspectief="professional", rol="wijkteammedewerker")
            + rows_for(instrument, perspectief="professional", rol="jeugd- en gezinscoach")
            + rows_for(instrument, perspectief="professional", rol=""))
    run_import(session, instrument, write_csv(tmp_path / "prof.csv", rows))
    assert sorted(p.rol for p in session.scalars(select(Perspectief))) == [
        "", "jeugd- en gezinscoach", "wijkteammedewerker"]
    assert stored(session)["score"] == 45


def test_importing_the_same_file_twice_changes_nothing(session, instrument, tmp_path):
    path = write_csv(tmp_path / "scores.csv", standard_rows(instrument))
    run_import(session, instrument, path)
    versions = {p.id: (p.version, p.updated_at) for p in session.scalars(select(Perspectief))}
    again = run_import(session, instrument, path)
    assert stored(session) == STANDARD_COUNTS
    assert (again.scores_added, again.scores_changed, again.scores_unchanged) == (0, 0, 90)
    text = report(again)
    assert "Toegevoegd: 0 gemeenten, 0 onderzoeken, 0 casussen, 0 perspectieven, 0 scores." in text
    assert "Gewijzigd: 0 scores" in text and "Niets veranderd" in text
    session.expire_all()
    assert {p.id: (p.version, p.updated_at) for p in session.scalars(select(Perspectief))} \
        == versions


def test_dry_run_stores_nothing_but_reports_what_would_happen(session, instrument, tmp_path):
    path = write_csv(tmp_path / "scores.csv", standard_rows(instrument))
    plan = run_import(session, instrument, path, dry_run=True)
    assert not plan.applied
    assert stored(session) == NOTHING
    assert "Zou worden toegevoegd: 2 gemeenten, 1 onderzoek, 3 casussen, 6 perspectieven, " \
           "90 scores." in report(plan)


def test_changed_scores_are_updated_and_bump_the_perspective_version(session, instrument,
                                                                     tmp_path):
    rows = rows_for(instrument, score="3")
    run_import(session, instrument, write_csv(tmp_path / "v1.csv", rows))
    perspectief = session.scalar(select(Perspectief))
    before = (perspectief.version, perspectief.updated_at)
    rows[0] = dict(rows[0], score="5", toelichting="Nu beter geregeld")
    rows[1] = dict(rows[1], score="nvt")
    plan = run_import(session, instrument, write_csv(tmp_path / "v2.csv", rows))
    assert (plan.scores_added, plan.scores_changed, plan.scores_unchanged) == (0, 2, 13)
    assert plan.changed_perspectieven == 1
    assert "Gewijzigd: 2 scores (in 1 bestaand perspectief)" in report(plan)
    session.expire_all()
    perspectief = session.scalar(select(Perspectief))
    assert perspectief.version == before[0] + 1 and perspectief.updated_at > before[1]
    first = perspectief.score_for(rows[0]["element"])
    assert (first.score, first.bijzonder, first.toelichting) == (5, None, "Nu beter geregeld")
    second = perspectief.score_for(rows[1]["element"])
    assert (second.score, second.bijzonder) == (None, "nvt")
    assert stored(session)["score"] == 15


def test_a_form_opened_before_the_import_gets_a_conflict(client, session, instrument, tmp_path):
    from tests.helpers import full_perspective_form, post_form
    rows = rows_for(instrument, score="3")
    run_import(session, instrument, write_csv(tmp_path / "v1.csv", rows))
    perspectief = session.scalar(select(Perspectief))
    url = f"/perspectieven/{perspectief.id}"
    opened_version = perspectief.version
    run_import(session, instrument,
               write_csv(tmp_path / "v2.csv", [dict(rows[0], score="1")] + rows[1:]))
    response = post_form(client, url, full_perspective_form(
        instrument, version=str(opened_version), actie="concept"))
    assert response.status_code == 409
    session.expire_all()
    assert session.get(Perspectief, perspectief.id).score_for(rows[0]["element"]).score == 1


def test_existing_gemeente_casus_and_perspective_are_reused(session, instrument, tmp_path):
    gemeente = make_gemeente(session, "Duinwijk")
    make_casus(session, gemeente, code="DW-J01", doelgroep="jeugd")
    rows = [dict(r, casus="dw-j01") for r in rows_for(instrument)]  # code case differs
    plan = run_import(session, instrument, write_csv(tmp_path / "scores.csv", rows))
    assert plan.applied, report(plan)
    assert (plan.new_gemeenten, plan.new_casussen) == ([], [])
    assert stored(session) == {"gemeente": 1, "casus": 1, "perspectief": 1, "score": 15}
    casus = session.scalar(select(Casus))
    assert casus.onderzoek.titel == "Ronde 2026"  # a casus without onderzoek gets linked
    assert plan.linked_casussen == [("Duinwijk", "DW-J01")]
    assert session.scalar(select(Onderzoek)).gemeente_id == gemeente.id


def test_a_restricted_scope_imports_into_its_own_gemeente(session, instrument, tmp_path):
    own = make_gemeente(session, "Duinwijk")
    plan = run_import(session, instrument, write_csv(tmp_path / "scores.csv",
                                                     rows_for(instrument)),
                      scope=Scope(frozenset({own.id})))
    assert plan.applied, report(plan)
    assert stored(session) == {"gemeente": 1, "casus": 1, "perspectief": 1, "score": 15}


def test_import_file_flushes_but_leaves_the_commit_to_the_caller(session, instrument, tmp_path):
    path = write_csv(tmp_path / "scores.csv", rows_for(instrument))
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert plan.applied
    session.rollback()
    assert stored(session) == NOTHING
    assert session.scalar(select(Gemeente)) is None


def test_plan_then_apply_and_a_refused_plan_raises(session, instrument, tmp_path):
    import pytest

    from zet.importing import ImportRefused, apply_import, plan_import, read_table
    good = write_csv(tmp_path / "goed.csv", rows_for(instrument))
    plan = plan_import(session, instrument, read_table(good.name, good.read_bytes()), ALL)
    assert (plan.applied, plan.scores_added, stored(session)) == (False, 15, NOTHING)
    assert apply_import(session, instrument, plan, ALL) is plan and plan.applied
    session.commit()
    assert stored(session)["score"] == 15
    rows = rows_for(instrument, casus="DW-J02")
    rows[0] = dict(rows[0], score="6")
    bad = write_csv(tmp_path / "fout.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        apply_import(session, instrument, read_table(bad.name, bad.read_bytes()), ALL)
    assert "Rij 2: Score '6' is ongeldig" in report(refused.value.plan)
    session.commit()
    assert stored(session)["casus"] == 1
