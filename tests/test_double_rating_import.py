"""Double rating through the import and export: the optional column beoordelaar.

Rows that differ only in beoordelaar are two ratings of one perspective: the first code the file
names is the first rating (the perspective's own scores, which the analysis reads), the second
code the second rating (zet.models.beoordeling). A third code, a code that looks like a name,
and a second import of the same file are checked too; then the export holds both ratings in its
Data sheet (re-importable) and the agreement figures in the sheet Overeenstemming.
"""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.import_helpers import report, rows_for, run_import, stored, write_csv
from zet.access import ALL
from zet.export.service import export_bytes
from zet.importing import import_file
from zet.models import Perspectief, TweedeBeoordeling, TweedeScore
from zet.services.dataset import scores_frame

COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
           "score", "toelichting", "status", "beoordelaar"]
FIRST = ["1", "2", "3", "4", "5", "2", "3", "4", "nvt", "3", "2", "4", "5", "1", "4"]
SECOND = ["1", "3", "3", "4", "4", "2", "5", "4", "3", "nvt", "2", "4", "5", "2", "3"]


def rated(instrument, beoordelaar, answers, casus="DW-J01", status="concept"):
    rows = rows_for(instrument, casus=casus, perspectief="dossier")
    for row, answer in zip(rows, answers):
        row.update(score=answer, beoordelaar=beoordelaar, status=status,
                   toelichting=f"{beoordelaar} las het dossier" if answer else "")
    return rows


def finalise(session):
    """Make both ratings of every double-rated dossier definitief, with the facts a definitief
    perspective needs (arranged directly: the import of statuses is tested elsewhere)."""
    from datetime import date
    for dossier in session.scalars(select(Perspectief).where(Perspectief.soort == "dossier")):
        dossier.status, dossier.datum, dossier.afnemer = ("definitief", date(2026, 3, 2),
                                                          "Onderzoeker T. Test")
        if dossier.tweede is not None:
            dossier.tweede.status = "definitief"
    session.commit()


def double_file(instrument, tmp_path, name="dubbel.csv", extra=()):
    rows = (rated(instrument, "B1", FIRST) + rated(instrument, "B2", SECOND)
            + rated(instrument, "B1", FIRST, casus="DW-J02")
            + rows_for(instrument, casus="DW-J02", perspectief="inwoner") + list(extra))
    return write_csv(tmp_path / name, rows, columns=COLUMNS)


def second_answers(session):
    """{element: answer} of the stored second ratings."""
    return {s.element_code: str(s.score) if s.score is not None else s.bijzonder
            for s in session.scalars(select(TweedeScore))}


def test_two_raters_in_one_file_become_a_first_and_a_second_rating(session, instrument,
                                                                   tmp_path):
    plan = run_import(session, instrument, double_file(instrument, tmp_path))
    assert plan.applied and not plan.problems, report(plan)
    assert ("Tweede beoordelingen (kolom beoordelaar): 1 nieuw, 0 bestaand; antwoorden: "
            "15 toegevoegd, 0 gewijzigd, 0 ongewijzigd.") in report(plan)
    # The second rating is no perspective of its own: the analysis counts the dossier once.
    assert stored(session) == {"gemeente": 1, "casus": 2, "perspectief": 3,
                               "score": 15 + 15 + 15}
    dossier = session.scalar(select(Perspectief).join(Perspectief.casus)
                             .where(Perspectief.soort == "dossier",
                                    Perspectief.casus.has(code="DW-J01")))
    assert dossier.beoordelaar == "B1" and dossier.status == "concept"
    assert dossier.tweede.beoordelaar == "B2" and dossier.tweede.status == "concept"
    codes = instrument.codes
    assert second_answers(session) == {code: answer for code, answer in zip(codes, SECOND)}
    first = scores_frame(session, ALL)
    first = first[(first.casus == "DW-J01") & (first.perspectief == "dossier")]
    assert dict(zip(first.element, first.antwoord)) == dict(zip(codes, FIRST))
    toelichting = {s.element_code: s.toelichting for s in dossier.tweede.scores}
    assert toelichting[codes[0]] == "B2 las het dossier"


def test_the_same_file_again_changes_nothing(session, instrument, tmp_path):
    path = double_file(instrument, tmp_path)
    run_import(session, instrument, path)
    plan = run_import(session, instrument, path)
    assert not plan.problems and not plan.changes_anything, report(plan)


def test_a_second_rating_can_follow_later_for_a_stored_perspective(session, instrument,
                                                                   tmp_path):
    run_import(session, instrument, write_csv(tmp_path / "eerste.csv",
                                              rated(instrument, "", FIRST), columns=COLUMNS))
    # The first rating as the export writes it (no code) plus the second rater's rows.
    plan = run_import(session, instrument, write_csv(
        tmp_path / "tweede.csv", rated(instrument, "", FIRST) + rated(instrument, "R-07", SECOND),
        columns=COLUMNS))
    assert plan.applied and not plan.problems, report(plan)
    dossier = session.scalar(select(Perspectief).where(Perspectief.soort == "dossier"))
    assert dossier.beoordelaar is None and dossier.tweede.beoordelaar == "R-07"
    assert second_answers(session)[instrument.codes[1]] == "3"
    first = scores_frame(session, ALL)
    assert dict(zip(first.element, first.antwoord))[instrument.codes[1]] == "2"
    # Rows without a code now always mean the first rating, also in a file that names raters.
    changed = rated(instrument, "", ["5"] * 15) + rated(instrument, "R-07", SECOND)
    plan = run_import(session, instrument, write_csv(tmp_path / "correctie.csv", changed,
                                                     columns=COLUMNS))
    assert plan.applied, report(plan)
    first = scores_frame(session, ALL)
    assert set(first.antwoord) == {"5"}
    assert second_answers(session)[instrument.codes[1]] == "3"


def test_a_lone_new_code_for_an_unnamed_stored_perspective_is_refused(session, instrument,
                                                                     tmp_path):
    """Is it the first rater named afterwards, or a second rater? Taking it as a second rating
    would give perfect agreement of one rater with herself; ZET asks instead."""
    run_import(session, instrument, write_csv(tmp_path / "eerste.csv",
                                              rated(instrument, "", FIRST), columns=COLUMNS))
    plan = run_import(session, instrument, write_csv(tmp_path / "b1.csv",
                                                     rated(instrument, "B1", FIRST),
                                                     columns=COLUMNS))
    assert not plan.applied
    assert "zonder beoordelaarscode" in report(plan) and "met een lege beoordelaar" in report(plan)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(TweedeBeoordeling)) == 0


def test_empty_codes_are_the_first_rating_of_a_new_perspective_whatever_the_order(
        session, instrument, tmp_path):
    rows = rated(instrument, "B2", SECOND) + rated(instrument, "", FIRST)
    plan = run_import(session, instrument, write_csv(tmp_path / "volgorde.csv", rows,
                                                     columns=COLUMNS))
    assert plan.applied, report(plan)
    dossier = session.scalar(select(Perspectief).where(Perspectief.soort == "dossier"))
    assert dossier.beoordelaar is None and dossier.tweede.beoordelaar == "B2"


def test_a_third_rater_is_refused_and_nothing_is_stored(session, instrument, tmp_path):
    third = rated(instrument, "B3", SECOND)
    plan = run_import(session, instrument, double_file(instrument, tmp_path, extra=third))
    assert not plan.applied
    text = report(plan)
    assert "meer dan twee beoordelaars (B1 en B2)" in text and "kolom beoordelaar" in text
    assert "meer dan eens" not in text   # the refused rows make no false duplicates
    assert len(plan.problems) == 1 and plan.problems[0].rows == tuple(range(62, 77))
    assert stored(session)["perspectief"] == 0
    assert session.scalar(select(func.count()).select_from(TweedeBeoordeling)) == 0
    # Skipping the invalid rows keeps both raters and leaves only the third out.
    plan = run_import(session, instrument, double_file(instrument, tmp_path, name="b.csv",
                                                       extra=third), skip_invalid=True)
    assert plan.applied, report(plan)
    assert session.scalar(select(func.count()).select_from(TweedeBeoordeling)) == 1


def test_a_second_rating_without_its_first_is_left_out_when_skipping(session, instrument,
                                                                    tmp_path):
    bad_first = rated(instrument, "B1", ["7"] * 15)   # every first-rating row invalid
    plan = run_import(session, instrument, write_csv(
        tmp_path / "zonder.csv", bad_first + rated(instrument, "B2", SECOND), columns=COLUMNS),
        skip_invalid=True)
    assert plan.applied, report(plan)
    assert "Overgeslagen: 1 tweede beoordeling(en) waarvan de eerste" in report(plan)
    assert session.scalar(select(func.count()).select_from(TweedeBeoordeling)) == 0


def test_a_rater_label_that_looks_like_a_name_is_refused(session, instrument, tmp_path):
    named = rated(instrument, "Jan de Vries", SECOND)
    plan = run_import(session, instrument, write_csv(
        tmp_path / "naam.csv", rated(instrument, "B1", FIRST) + named
        + rated(instrument, "B2", SECOND), columns=COLUMNS))
    assert not plan.applied
    text = report(plan)
    assert "Beoordelaar: gebruik een code" in text
    assert "jan" not in text.lower()   # identifying data never echoed back, in no message
    assert "meer dan twee" not in text and "meer dan eens" not in text
    assert stored(session)["perspectief"] == 0


def test_an_edited_beoordeling_column_that_disagrees_is_refused(session, instrument, tmp_path):
    rows = rated(instrument, "B1", FIRST) + rated(instrument, "B2", SECOND)
    for row in rows:
        row["beoordeling"] = "1"          # says first, but B2 is the second rater
    rows[0]["beoordeling"] = "3"
    plan = run_import(session, instrument, write_csv(tmp_path / "nummer.csv", rows,
                                                     columns=COLUMNS + ["beoordeling"]))
    assert not plan.applied
    text = report(plan)
    assert "Beoordeling: vul 1 (eerste beoordeling) of 2" in text
    assert "Rijen 17-31: Kolom beoordeling past niet bij de kolom beoordelaar" in text


def test_a_status_change_of_a_second_rating_is_reported(session, instrument, tmp_path):
    run_import(session, instrument, double_file(instrument, tmp_path))
    dossier = session.scalar(select(Perspectief).where(Perspectief.soort == "dossier",
                                                       Perspectief.casus.has(code="DW-J01")))
    dossier.tweede.status = "definitief"
    session.commit()
    plan = run_import(session, instrument, double_file(instrument, tmp_path, name="c.csv"),
                      dry_run=True)
    assert "terug naar concept: 1" in report(plan) and "antwoorden: 0 toe te voegen" in report(plan)


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in workbook.worksheets}


def test_the_export_holds_both_ratings_and_imports_back_the_same(session, instrument, tmp_path):
    run_import(session, instrument, double_file(instrument, tmp_path))
    before_final = _sheets(export_bytes(session, ALL, instrument)[1])["Data"]
    assert {row[-2] for row in before_final} == {"beoordelaar", "B1", None}   # still blind
    finalise(session)
    _, first_export, _ = export_bytes(session, ALL, instrument)
    sheets = _sheets(first_export)
    header, *data = sheets["Data"]
    assert header[-2:] == ("beoordelaar", "beoordeling")
    dossier = [row for row in data if row[2] == "DW-J01" and row[4] == "dossier"]
    raters = [row[-2:] for row in dossier]
    assert raters == [("B1", 1)] * 15 + [("B2", 2)] * 15   # the first rating first
    assert {row[-2:] for row in data if row[4] == "inwoner"} == {(None, 1)}

    # Into an empty database and out again: the same Data sheet, the same agreement.
    session.execute(Perspectief.__table__.delete())
    from zet.models import Gemeente
    session.execute(Gemeente.__table__.delete())
    session.commit()
    plan = import_file(session, instrument, "export.xlsx", first_export, ALL)
    assert plan.applied, report(plan)
    session.commit()
    again = _sheets(export_bytes(session, ALL, instrument)[1])
    assert again["Data"] == sheets["Data"]
    assert again["Overeenstemming"] == sheets["Overeenstemming"]


def test_the_agreement_sheet_has_one_row_per_element_and_all_elements(session, instrument,
                                                                    tmp_path):
    run_import(session, instrument, double_file(instrument, tmp_path))
    concept = _sheets(export_bytes(session, ALL, instrument)[1])["Overeenstemming"]
    assert concept[16][:2] == ("Alle elementen", 0)       # concept ratings: counted apart
    assert any("nog concept is: 13 paren" in str(row[0]) for row in concept)
    finalise(session)
    rows = _sheets(export_bytes(session, ALL, instrument)[1])["Overeenstemming"]
    assert rows[0][:6] == ("element", "paren", "exact_pct", "binnen_1_pct",
                           "kappa_kwadratisch", "alpha_ordinaal")
    body = {row[0]: row for row in rows[1:17]}
    assert list(body) == list(instrument.codes) + ["Alle elementen"]
    # One perspective rated twice: one pair per element, too few for figures per element.
    codes = instrument.codes
    assert body[codes[0]][1:6] == (1, None, None, None, None)
    assert body[codes[8]][1] == 0 and body[codes[8]][7] == 1     # nvt on one side
    # All elements: 13 scored pairs, 8 the same, 12 within one point; kappa and alpha as
    # tests/analysis/test_analysis_agreement.py's textbook formulas give them.
    overall = body["Alle elementen"]
    assert overall[1] == 13 and overall[7] == 2 and overall[8] == "nee"
    assert overall[2] == 61.5 and overall[3] == 92.3
    assert overall[4] == 0.807 and overall[5] == 0.802
    assert any("Krippendorff" in str(row[0]) for row in rows[17:])


def test_an_anonymous_export_leaves_rater_codes_and_second_ratings_out(session, instrument,
                                                                        tmp_path,
                                                                        export_of_tiny_groups):
    run_import(session, instrument, double_file(instrument, tmp_path))
    sheets = _sheets(export_bytes(session, ALL, instrument, anonymous=True)[1])
    header, *data = sheets["Data"]
    assert {row[header.index("beoordelaar")] for row in data} == {None}
    assert len(data) == 15 + 15 + 15
