import pandas as pd
import pytest

from analysis import (
    AnalysisSettings,
    analyseschema,
    anonymise_gemeenten,
    gemeente_element_scores,
    gemeente_labels,
    letter_code,
    suppress_small,
)
from analysis_sample_data import ELEMENTS, sample_long


def test_letter_codes_continue_beyond_z():
    assert [letter_code(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]
    with pytest.raises(ValueError):
        letter_code(-1)


def test_labels_follow_sorted_names_whatever_the_input_order():
    labels = gemeente_labels(["Zuidstad", "amberdam", "Bergveld", "Zuidstad"])
    assert labels == {"amberdam": "Gemeente A", "Bergveld": "Gemeente B", "Zuidstad": "Gemeente C"}
    assert gemeente_labels(["Bergveld", "Zuidstad", "amberdam"]) == labels
    many = gemeente_labels([f"G{i:03d}" for i in range(30)])
    assert many["G026"] == "Gemeente AA" and many["G029"] == "Gemeente AD"
    assert len(set(many.values())) == 30


def test_anonymise_is_consistent_across_frames():
    schema = analyseschema(sample_long(), ELEMENTS)
    scores = gemeente_element_scores(schema)
    labels = gemeente_labels(schema["gemeente"])
    a = anonymise_gemeenten(schema, labels)
    b = anonymise_gemeenten(scores, labels)
    assert set(a["gemeente"]) == {"Gemeente A", "Gemeente B"}
    assert list(b["gemeente"]) == ["Gemeente A"] * 3 + ["Gemeente B"] * 3
    assert "Amberdam" not in set(a["gemeente"]) | set(b["gemeente"])
    assert schema["gemeente"].iloc[0] == "Amberdam"  # input untouched
    pd.testing.assert_series_equal(a["casusscore"], schema["casusscore"])


def test_anonymise_refuses_gemeente_without_label():
    scores = gemeente_element_scores(analyseschema(sample_long(), ELEMENTS))
    with pytest.raises(ValueError):
        anonymise_gemeenten(scores, {"Amberdam": "Gemeente A"})


def test_suppress_small_hides_values_under_threshold():
    scores = gemeente_element_scores(analyseschema(sample_long(), ELEMENTS))
    shown = suppress_small(scores)
    bergveld = shown[shown["gemeente"] == "Bergveld"]  # one casus
    amberdam = shown[shown["gemeente"] == "Amberdam"]  # three casussen
    assert bergveld["onderdrukt"].all() and not amberdam["onderdrukt"].any()
    for column in ("score", "oordeel", "n_knelpunt", "n_succesfactor"):
        assert all(value is None for value in bergveld[column]), column
    assert list(bergveld["n_casussen"]) == [1, 1, 1]  # kept so a page can show "< 3"
    assert amberdam["score"].iloc[0] == pytest.approx(11 / 3)
    assert amberdam["oordeel"].iloc[0] == "succesfactor"
    assert scores["score"].notna().all()  # input untouched


def test_suppress_small_threshold_and_columns_from_settings():
    scores = gemeente_element_scores(analyseschema(sample_long(), ELEMENTS))
    assert not suppress_small(scores, AnalysisSettings(min_casussen=1))["onderdrukt"].any()
    strict = suppress_small(scores, AnalysisSettings(min_casussen=4), value_columns=["score"], flag_column="klein")
    assert strict["klein"].all()
    assert all(v is None for v in strict["score"])
    assert strict["oordeel"].iloc[0] == "succesfactor"  # not in value_columns
