import math

import pandas as pd
import pytest

from analysis import (
    AnalysisSettings,
    SCORE_COLUMNS,
    analyse,
    analyseschema,
    doelgroep_element_scores,
    dossier_onbekend,
    element_scores,
    gemeente_element_scores,
    knelpunten_succesfactoren,
    onderzoek_element_scores,
    perspectief_scores,
)
from analysis_sample_data import ELEMENTS, ORDER, sample_long


@pytest.fixture
def schema():
    return analyseschema(sample_long(), ELEMENTS)


def row(frame, **keys):
    mask = pd.Series(True, index=frame.index)
    for column, value in keys.items():
        mask &= frame[column].isna() if value is None else frame[column] == value
    assert mask.sum() == 1, keys
    return frame[mask].iloc[0]


def test_gemeente_element_scores(schema):
    scores = gemeente_element_scores(schema)
    assert list(scores.columns) == ["gemeente", "element", *SCORE_COLUMNS]
    assert list(scores["gemeente"]) == ["Amberdam"] * 3 + ["Bergveld"] * 3
    assert list(scores["element"].astype(str)) == ORDER * 2

    vra = row(scores, gemeente="Amberdam", element="VRA")  # casusscores 4, 4, 3
    assert vra["score"] == pytest.approx(11 / 3) and vra["n_casussen"] == 3 and vra["oordeel"] == "succesfactor"
    assert (vra["n_knelpunt"], vra["n_gemengd"], vra["n_succesfactor"], vra["n_afwijkend"]) == (0, 1, 2, 2)

    con = row(scores, gemeente="Amberdam", element="CON")  # 2, 2.5, 11/3: each casus weighs equally
    assert con["score"] == pytest.approx((2 + 2.5 + 11 / 3) / 3) and con["oordeel"] == "gemengd"
    assert (con["n_knelpunt"], con["n_gemengd"], con["n_succesfactor"], con["n_afwijkend"]) == (2, 0, 1, 1)

    integraal = row(scores, gemeente="Amberdam", element="INT")  # 1.5, 3, 2.5
    assert integraal["score"] == pytest.approx(7 / 3) and integraal["oordeel"] == "knelpunt"
    assert (integraal["n_knelpunt"], integraal["n_gemengd"], integraal["n_succesfactor"]) == (2, 1, 0)

    assert row(scores, gemeente="Bergveld", element="CON")["n_casussen"] == 1


def test_element_scores_over_all_gemeenten(schema):
    overall = element_scores(schema, by=())
    assert list(overall["element"].astype(str)) == ORDER
    vra = row(overall, element="VRA")  # 4, 4, 3, 5/3
    assert vra["score"] == pytest.approx((4 + 4 + 3 + 5 / 3) / 4) and vra["n_casussen"] == 4


def test_doelgroep_scores(schema):
    scores = doelgroep_element_scores(schema)
    assert list(scores.columns[:3]) == ["gemeente", "doelgroep", "element"]
    jeugd = row(scores, gemeente="Amberdam", doelgroep="jeugd", element="CON")  # A1 2, A3 11/3
    assert jeugd["score"] == pytest.approx((2 + 11 / 3) / 2) and jeugd["n_casussen"] == 2
    volwassenen = row(scores, gemeente="Amberdam", doelgroep="volwassenen", element="CON")
    assert volwassenen["score"] == 2.5 and volwassenen["n_casussen"] == 1
    over_gemeenten = doelgroep_element_scores(schema, per_gemeente=False)
    volw = row(over_gemeenten, doelgroep="volwassenen", element="CON")  # A2 2.5, B1 5
    assert volw["score"] == 3.75 and volw["n_casussen"] == 2


def test_onderzoek_scores_keep_missing_onderzoek(schema):
    scores = onderzoek_element_scores(schema)
    assert list(scores.columns[:3]) == ["onderzoek", "gemeente", "element"]
    assert row(scores, onderzoek="R1", gemeente="Amberdam", element="INT")["score"] == pytest.approx(7 / 3)
    assert row(scores, onderzoek=None, gemeente="Bergveld", element="CON")["score"] == 5.0
    assert pd.isna(scores["onderzoek"].iloc[-1])  # missing onderzoek sorts last


def test_perspectief_scores(schema):
    scores = perspectief_scores(schema)
    assert list(scores.columns) == ["gemeente", "element", "perspectief", "score", "n_casussen", "oordeel",
                                    "n_compleet", "indicatief"]
    assert list(scores["perspectief"].astype(str)[:3]) == ["inwoner", "professional", "dossier"]
    got = {
        (r.element, r.perspectief): (r.score, r.n_casussen)
        for r in scores[scores["gemeente"] == "Amberdam"].itertuples()
    }
    assert got[("VRA", "inwoner")] == (4.0, 3)
    assert got[("VRA", "professional")][0] == pytest.approx(11 / 3)
    assert got[("VRA", "dossier")] == (3.0, 2)  # A2 has no dossier
    assert got[("CON", "dossier")] == (3.0, 1)  # A1 onbekend
    assert got[("INT", "inwoner")] == (2.5, 2)  # A1 nvt
    assert got[("INT", "professional")] == (2.5, 2)  # A2 empty
    assert got[("INT", "dossier")] == (1.0, 1)


def test_dossier_onbekend():
    dossier = dossier_onbekend(sample_long(), ELEMENTS)
    assert list(dossier.columns) == ["gemeente", "element", "n_dossier", "n_onbekend", "aandeel_onbekend"]
    con = row(dossier, gemeente="Amberdam", element="CON")
    assert (con["n_dossier"], con["n_onbekend"], con["aandeel_onbekend"]) == (2, 1, 0.5)
    assert row(dossier, gemeente="Amberdam", element="VRA")["aandeel_onbekend"] == 0.0
    assert row(dossier, gemeente="Amberdam", element="INT")["n_onbekend"] == 1
    b_int = row(dossier, gemeente="Bergveld", element="INT")
    assert (b_int["n_dossier"], b_int["n_onbekend"]) == (1, 0)  # nvt is not onbekend
    no_dossier = sample_long()
    no_dossier = no_dossier[no_dossier["perspectief"] != "dossier"]
    assert dossier_onbekend(no_dossier, ELEMENTS)["aandeel_onbekend"].isna().all()


def test_knelpunten_succesfactoren(schema):
    summary = knelpunten_succesfactoren(gemeente_element_scores(schema))
    assert list(summary.columns) == [
        "gemeente", "soort", "rang", "element", "score", "oordeel",
        "n_casussen", "n_knelpunt", "n_gemengd", "n_succesfactor", "n_compleet", "indicatief",
    ]
    amberdam = summary[summary["gemeente"] == "Amberdam"]
    # Amberdam: VRA 3.67 (succesfactor), CON 2.72 (gemengd: in neither list, although two of
    # its casussen are knelpunt and one succesfactor), INT 2.33 (knelpunt).
    knelpunten = amberdam[amberdam["soort"] == "knelpunt"]
    assert list(knelpunten["element"].astype(str)) == ["INT"]
    assert list(knelpunten["rang"]) == [1]
    succes = amberdam[amberdam["soort"] == "succesfactor"]
    assert list(succes["element"].astype(str)) == ["VRA"]
    bergveld = summary[summary["gemeente"] == "Bergveld"]
    assert list(bergveld[bergveld["soort"] == "succesfactor"]["element"].astype(str)) == ["CON", "INT"]
    assert list(bergveld[bergveld["soort"] == "knelpunt"]["element"].astype(str)) == ["VRA"]
    top = knelpunten_succesfactoren(gemeente_element_scores(schema), top=1)
    assert len(top[(top["gemeente"] == "Bergveld")]) == 2


def test_knelpunt_thresholds_come_from_the_settings(schema):
    strict = AnalysisSettings(knelpunt_max=2.0, succesfactor_min=4.5)
    summary = knelpunten_succesfactoren(gemeente_element_scores(schema, strict), settings=strict)
    amberdam = summary[summary["gemeente"] == "Amberdam"]
    assert amberdam.empty  # 2.33 is no longer a knelpunt, 3.67 no longer a succesfactor
    loose = AnalysisSettings(knelpunt_max=2.8, succesfactor_min=3.0)
    summary = knelpunten_succesfactoren(gemeente_element_scores(schema, loose), settings=loose)
    knelpunten = summary[(summary["gemeente"] == "Amberdam") & (summary["soort"] == "knelpunt")]
    assert list(knelpunten["element"].astype(str)) == ["INT", "CON"]  # lowest first


def test_analyse_runs_everything_consistently():
    result = analyse(sample_long(), ELEMENTS)
    schema = analyseschema(sample_long(), ELEMENTS)
    pd.testing.assert_frame_equal(result.schema, schema)
    pd.testing.assert_frame_equal(result.gemeente_scores, gemeente_element_scores(schema))
    pd.testing.assert_frame_equal(result.doelgroep_scores, doelgroep_element_scores(schema))
    pd.testing.assert_frame_equal(result.onderzoek_scores, onderzoek_element_scores(schema))
    pd.testing.assert_frame_equal(result.perspectief_scores, perspectief_scores(schema))
    pd.testing.assert_frame_equal(result.dossier, dossier_onbekend(sample_long(), ELEMENTS))
    assert len(result.samenvatting) > 0


def test_element_without_any_score_gets_nan_and_zero():
    long = sample_long()
    long.loc[long["element"] == "INT", "antwoord"] = "nvt"
    scores = gemeente_element_scores(analyseschema(long, ELEMENTS))
    integraal = row(scores, gemeente="Amberdam", element="INT")
    assert math.isnan(integraal["score"]) and integraal["n_casussen"] == 0 and integraal["oordeel"] == ""
