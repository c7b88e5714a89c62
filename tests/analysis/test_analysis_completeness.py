"""Completeness and the indicatief rule on a small hand-made dataset (expectations by hand).

Amberdam: C1 all three definitief; C2 one concept and one definitief professional (complete:
one professional is enough); C3 dossier still concept; C4 only a concept inwoner; C5 only a
concept professional; C6 the inwoner still concept. Each of the three conditions thus fails once.
Bergveld: B1-B3 all complete, so its figures rest on three complete casussen.
Element CON gets scores, element INT is answered nvt by C1 (no casusscore there).
"""
import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import AnalysisSettings

COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
           "antwoord", "toelichting", "status", "casus_status"]
ELEMENTS = ["CON", "INT"]


def _perspective(gemeente, casus, perspectief, status, con, int_="3", rol="", casus_status="lopend"):
    return [(gemeente, "R1", casus, "jeugd", perspectief, rol, "CON", con, "", status, casus_status),
            (gemeente, "R1", casus, "jeugd", perspectief, rol, "INT", int_, "", status, casus_status)]


def data() -> pd.DataFrame:
    rows = []
    rows += _perspective("Amberdam", "C1", "inwoner", "definitief", "3", "nvt", casus_status="afgerond")
    rows += _perspective("Amberdam", "C1", "professional", "definitief", "3", "nvt", rol="consulent",
                         casus_status="afgerond")
    rows += _perspective("Amberdam", "C1", "dossier", "definitief", "3", "nvt", casus_status="afgerond")
    rows += _perspective("Amberdam", "C2", "inwoner", "definitief", "4")
    rows += _perspective("Amberdam", "C2", "professional", "concept", "4", rol="consulent")
    rows += _perspective("Amberdam", "C2", "professional", "definitief", "4", rol="begeleider")
    rows += _perspective("Amberdam", "C2", "dossier", "definitief", "4")
    rows += _perspective("Amberdam", "C3", "inwoner", "definitief", "1")
    rows += _perspective("Amberdam", "C3", "professional", "definitief", "1", rol="consulent")
    rows += _perspective("Amberdam", "C3", "dossier", "concept", "1")
    rows += _perspective("Amberdam", "C4", "inwoner", "concept", "1")
    for code, concept in (("C5", "professional"), ("C6", "inwoner")):
        for soort in ("inwoner", "professional", "dossier"):
            rows += _perspective("Amberdam", code, soort, "concept" if soort == concept else "definitief",
                                 "2", rol="consulent" if soort == "professional" else "")
    for code in ("B1", "B2", "B3"):
        for soort in ("inwoner", "professional", "dossier"):
            rows += _perspective("Bergveld", code, soort, "definitief", "4")
    return pd.DataFrame(rows, columns=COLUMNS)


def by_casus(frame):
    return {row.casus: row for row in frame.itertuples(index=False)}


def test_casus_completeness_per_perspective():
    table = analysis.casus_completeness(data())
    assert list(table.columns) == list(analysis.COMPLETENESS_COLUMNS)
    rows = by_casus(table)
    assert [rows["C1"].inwoner, rows["C1"].professional, rows["C1"].dossier] == ["definitief"] * 3
    assert rows["C1"].casus_status == "afgerond" and rows["C2"].casus_status == "lopend"
    assert rows["C2"].professional == "definitief" and rows["C2"].compleet
    assert rows["C3"].dossier == "concept" and not rows["C3"].compleet
    assert (rows["C4"].inwoner, rows["C4"].professional, rows["C4"].dossier) == (
        "concept", "ontbreekt", "ontbreekt")
    assert (rows["C5"].inwoner, rows["C5"].professional, rows["C5"].dossier) == (
        "definitief", "concept", "definitief") and not rows["C5"].compleet
    assert rows["C6"].inwoner == "concept" and not rows["C6"].compleet
    assert [c for c, r in rows.items() if r.compleet] == ["C1", "C2", "B1", "B2", "B3"]


def test_gemeente_basis_and_the_indicatief_label():
    basis = analysis.analyse(data(), ELEMENTS).basis
    assert list(basis.columns) == list(analysis.BASIS_COLUMNS)
    amberdam, bergveld = basis.iloc[0], basis.iloc[1]
    assert (amberdam.gemeente, amberdam.n_casussen, amberdam.n_compleet, amberdam.indicatief) == (
        "Amberdam", 6, 2, True)
    assert (bergveld.n_casussen, bergveld.n_compleet, bergveld.indicatief) == (3, 3, False)
    lenient = analysis.analyse(data(), ELEMENTS, AnalysisSettings(min_compleet=2)).basis
    assert not lenient["indicatief"].any()


def test_each_figure_says_how_many_complete_casussen_it_rests_on():
    result = analysis.analyse(data(), ELEMENTS)
    scores = result.gemeente_scores.set_index(["gemeente", result.gemeente_scores["element"].astype(str)])
    con = scores.loc[("Amberdam", "CON")]
    assert (con.n_casussen, con.n_compleet, con.indicatief) == (6, 2, True)
    # C1 answered INT with nvt everywhere: no casusscore, so it counts in neither number.
    int_ = scores.loc[("Amberdam", "INT")]
    assert (int_.n_casussen, int_.n_compleet) == (5, 1)
    assert scores.loc[("Bergveld", "CON")].indicatief == False  # noqa: E712 (numpy bool)
    perspectives = result.perspectief_scores
    dossier = perspectives[(perspectives["gemeente"] == "Amberdam") & (perspectives["element"] == "CON")
                           & (perspectives["perspectief"] == "dossier")].iloc[0]
    assert (dossier.n_casussen, dossier.n_compleet) == (5, 2)  # all but C4 have a dossier
    schema = result.schema
    assert schema.loc[schema["casus"] == "C3", "compleet"].eq(False).all()
    assert schema.loc[schema["casus"] == "C2", "compleet"].all()


def test_only_complete_drops_the_incomplete_casussen():
    everything = analysis.analyse(data(), ELEMENTS).gemeente_scores
    con = everything[(everything["gemeente"] == "Amberdam") & (everything["element"] == "CON")].iloc[0]
    assert con.score == pytest.approx((3 + 4 + 1 + 1 + 2 + 2) / 6)
    complete = analysis.only_complete(data())
    assert sorted(complete["casus"].unique()) == ["B1", "B2", "B3", "C1", "C2"]
    scores = analysis.analyse(complete, ELEMENTS).gemeente_scores
    con = scores[(scores["gemeente"] == "Amberdam") & (scores["element"] == "CON")].iloc[0]
    assert (con.score, con.n_casussen, con.n_compleet) == (pytest.approx(3.5), 2, 2)
    assert analysis.only_complete(data().iloc[0:0]).empty


def test_a_frame_without_status_counts_as_finished_data():
    frame = data().drop(columns=["status", "casus_status"])
    table = analysis.casus_completeness(frame)
    assert by_casus(table)["C3"].compleet  # the concept dossier is now just a dossier
    assert not by_casus(table)["C4"].compleet  # still no professional or dossier
    assert by_casus(table)["C5"].compleet and by_casus(table)["C6"].compleet
    assert (table["casus_status"] == "").all()


def test_indicatief_threshold():
    assert list(analysis.is_indicatief(np.array([0, 2, 3, 4]))) == [True, True, False, False]
    with pytest.raises(ValueError):
        AnalysisSettings(min_compleet=0)
