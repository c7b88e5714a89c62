"""Two rounds side by side, against hand-computed values.

Round 2024: K1 CON 2 (all three perspectives), K2 CON 1, both complete -> 1,5 knelpunt, n 2.
Round 2026: L1 CON 4, L2 CON 4, L3 CON 3, all complete -> 3,67 succesfactor, n 3; INT only in
2026 (score 3 in L1).
"""
import math

import pandas as pd

import analysis

COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
           "antwoord", "toelichting", "status"]


def rows(onderzoek, casus, con, extra=None):
    out = []
    for soort in ("inwoner", "professional", "dossier"):
        out.append(("Amberdam", onderzoek, casus, "jeugd", soort, "", "CON", con, "", "definitief"))
        for element, answer in (extra or {}).items():
            out.append(("Amberdam", onderzoek, casus, "jeugd", soort, "", element, answer, "",
                        "definitief"))
    return out


def scores():
    data = (rows("2024", "K1", "2") + rows("2024", "K2", "1") + rows("2026", "L1", "4", {"INT": "3"})
            + rows("2026", "L2", "4") + rows("2026", "L3", "3"))
    result = analysis.analyse(pd.DataFrame(data, columns=COLUMNS), ["CON", "INT"])
    per_round = result.onderzoek_scores
    return per_round[per_round["onderzoek"] == "2024"], per_round[per_round["onderzoek"] == "2026"]


def test_compare_rounds_gives_both_scores_the_change_and_the_oordeel():
    earlier, later = scores()
    table = analysis.compare_rounds(earlier, later, ["CON", "INT"])
    assert list(table.columns) == list(analysis.ROUND_COLUMNS)
    con = table.iloc[0]
    assert con.element == "CON"
    assert (con.score_eerder, con.n_eerder, con.oordeel_eerder) == (1.5, 2, "knelpunt")
    assert math.isclose(con.score_later, 11 / 3) and con.n_later == 3
    assert con.oordeel_later == "succesfactor" and con.oordeel_veranderd
    assert math.isclose(con.verschil, 11 / 3 - 1.5)
    assert con.indicatief  # 2024 rests on two complete casussen
    ipl = table.iloc[1]
    assert ipl.element == "INT" and math.isnan(ipl.score_eerder) and ipl.n_eerder == 0
    assert math.isnan(ipl.verschil) and not ipl.oordeel_veranderd and ipl.indicatief


def test_enough_complete_casussen_in_both_rounds_is_not_indicatief():
    earlier, later = scores()
    table = analysis.compare_rounds(later, later, ["CON"])
    assert not table.iloc[0].indicatief and table.iloc[0].verschil == 0
