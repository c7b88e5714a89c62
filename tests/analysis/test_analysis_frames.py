import math

import numpy as np
import pandas as pd
import pytest

from analysis import (
    AnalysisSettings,
    element_labels,
    element_order,
    format_score,
    numeric_score,
    validate_long,
    with_score,
)
from analysis_sample_data import ELEMENTS, sample_long


def test_numeric_score_only_for_one_to_five():
    antwoord = pd.Series(["1", "5", "nvt", "onbekend", "", None, " 3 ", "NVT"])
    score = numeric_score(antwoord)
    assert score.iloc[0] == 1.0 and score.iloc[1] == 5.0 and score.iloc[6] == 3.0
    assert score.iloc[[2, 3, 4, 5, 7]].isna().all()
    assert score.dtype == float


def test_numeric_score_rejects_unknown_answers():
    with pytest.raises(ValueError, match="antwoord"):
        numeric_score(pd.Series(["3", "6"]))


def test_with_score_adds_column_without_touching_input():
    long = sample_long()
    scored = with_score(long)
    assert "score" not in long.columns
    assert scored["score"].notna().sum() == (long["antwoord"].isin(["1", "2", "3", "4", "5"])).sum()


def test_validate_long_reports_contract_violations():
    validate_long(sample_long())
    with pytest.raises(ValueError, match="antwoord"):
        validate_long(sample_long().drop(columns="antwoord"))
    broken = sample_long()
    broken.loc[0, "perspectief"] = "buurman"
    with pytest.raises(ValueError, match="perspectief"):
        validate_long(broken)
    broken = sample_long()
    broken.loc[0, "doelgroep"] = "senioren"
    with pytest.raises(ValueError, match="doelgroep"):
        validate_long(broken)


def test_element_order_and_labels():
    assert element_order(ELEMENTS) == ["VRA", "CON", "INT"]
    assert element_order(["B", "A"], present=["A", "Z", "C"]) == ["B", "A", "C", "Z"]
    with pytest.raises(ValueError):
        element_order(["A", "A"])
    assert element_labels(ELEMENTS)["CON"] == "Continuïteit"
    assert element_labels(["X"]) == {"X": "X"}


def test_settings_defaults_and_validation():
    settings = AnalysisSettings()
    assert (settings.knelpunt_max, settings.succesfactor_min, settings.afwijkend_min, settings.min_casussen) == (2.5, 3.5, 2.0, 3)
    with pytest.raises(ValueError):
        AnalysisSettings(knelpunt_max=3.5, succesfactor_min=3.0)
    with pytest.raises(Exception):
        settings.knelpunt_max = 1.0  # frozen


def test_format_score_uses_decimal_comma():
    assert format_score(3.45) in ("3,5", "3,4")  # binary rounding; the comma is what matters
    assert format_score(2.0) == "2,0"
    assert format_score(float("nan")) == "" and format_score(None) == ""
    assert format_score(np.float64(4.25), decimals=2) == "4,25"
    assert not math.isnan(float(format_score(1.0).replace(",", ".")))
