import math

import numpy as np
import pandas as pd
import pytest

from analysis import SCHEMA_COLUMNS, AnalysisSettings, analyseschema
from analysis_sample_data import ELEMENTS, ORDER, sample_long


@pytest.fixture
def schema():
    return analyseschema(sample_long(), ELEMENTS)


def cell(schema, gemeente, casus, element):
    rows = schema[(schema["gemeente"] == gemeente) & (schema["casus"] == casus) & (schema["element"] == element)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_columns_rows_and_order(schema):
    assert list(schema.columns) == list(SCHEMA_COLUMNS)
    # 4 casussen x 3 elements; sorted by gemeente, casus, element in instrument order.
    assert len(schema) == 12
    assert list(schema["casus"]) == ["A1"] * 3 + ["A2"] * 3 + ["A3"] * 3 + ["B1"] * 3
    assert list(schema["element"].astype(str)[:3]) == ORDER
    assert schema["element"].cat.ordered and list(schema["element"].cat.categories) == ORDER


def test_two_professionals_are_averaged_and_unknowns_left_out(schema):
    vra = cell(schema, "Amberdam", "A1", "VRA")
    assert (vra["inwoner"], vra["professional"], vra["dossier"]) == (4.0, 4.0, 4.0)  # professional mean(5, 3)
    assert vra["n_professionals"] == 2
    assert vra["casusscore"] == 4.0 and vra["verschil"] == 0.0 and vra["oordeel"] == "succesfactor"

    con = cell(schema, "Amberdam", "A1", "CON")
    assert con["professional"] == 2.0 and math.isnan(con["dossier"])
    assert con["dossier_status"] == "onbekend"
    assert con["casusscore"] == 2.0 and con["n_perspectieven"] == 2 and con["oordeel"] == "knelpunt"

    integraal = cell(schema, "Amberdam", "A1", "INT")
    assert math.isnan(integraal["inwoner"]) and integraal["inwoner_status"] == "nvt"
    assert integraal["professional"] == 2.0 and integraal["n_professionals"] == 1  # begeleider said onbekend
    assert integraal["casusscore"] == 1.5 and integraal["verschil"] == 1.0
    assert not integraal["afwijkend"]


def test_missing_perspective_and_empty_answer(schema):
    vra = cell(schema, "Amberdam", "A2", "VRA")
    assert math.isnan(vra["dossier"]) and vra["dossier_status"] == "ontbreekt"
    assert vra["casusscore"] == 4.0 and vra["verschil"] == 2.0 and vra["afwijkend"]  # 5 vs 3

    con = cell(schema, "Amberdam", "A2", "CON")
    assert con["casusscore"] == 2.5 and con["oordeel"] == "knelpunt"  # boundary counts as knelpunt
    assert con["verschil"] == 3.0 and con["afwijkend"]

    integraal = cell(schema, "Amberdam", "A2", "INT")
    assert integraal["professional_status"] == "leeg" and math.isnan(integraal["professional"])
    assert integraal["casusscore"] == 3.0 and integraal["oordeel"] == "gemengd"
    assert math.isnan(integraal["verschil"]) and not integraal["afwijkend"]  # only one perspective
    assert integraal["n_perspectieven"] == 1


def test_three_perspectives_equal_weight(schema):
    con = cell(schema, "Amberdam", "A3", "CON")
    assert con["casusscore"] == pytest.approx(11 / 3) and con["oordeel"] == "succesfactor"
    vra = cell(schema, "Amberdam", "A3", "VRA")
    assert vra["casusscore"] == 3.0 and vra["oordeel"] == "gemengd" and vra["afwijkend"]  # 4 - 2
    assert cell(schema, "Bergveld", "B1", "VRA")["casusscore"] == pytest.approx(5 / 3)
    assert cell(schema, "Bergveld", "B1", "INT")["dossier_status"] == "nvt"


def test_casus_attributes(schema):
    b1 = cell(schema, "Bergveld", "B1", "CON")
    assert b1["doelgroep"] == "volwassenen" and pd.isna(b1["onderzoek"])
    assert cell(schema, "Amberdam", "A3", "CON")["onderzoek"] == "R1"
    assert cell(schema, "Amberdam", "A3", "CON")["doelgroep"] == "jeugd"


def test_toelichting_joined_per_perspective(schema):
    assert cell(schema, "Amberdam", "A1", "VRA")["toelichting"] == (
        "Inwoner: Goed gesprek | Professional (consulent): Breed uitgevraagd | Dossier: Verslag aanwezig"
    )
    assert cell(schema, "Amberdam", "A1", "CON")["toelichting"] == (
        "Inwoner: Steeds iemand anders | Professional (begeleider): Wisselingen | Professional (consulent): Drie consulenten"
    )
    assert cell(schema, "Amberdam", "A3", "INT")["toelichting"] == "Professional: Zonder rol"
    assert cell(schema, "Amberdam", "A2", "VRA")["toelichting"] == ""
    without = analyseschema(sample_long(), ELEMENTS, toelichting=False)
    assert (without["toelichting"] == "").all()
    assert without["casusscore"].equals(schema["casusscore"])


def test_settings_change_oordeel_and_afwijkend():
    strict = AnalysisSettings(knelpunt_max=2.0, succesfactor_min=4.0, afwijkend_min=3.0)
    schema = analyseschema(sample_long(), ELEMENTS, strict)
    assert cell(schema, "Amberdam", "A3", "INT")["oordeel"] == "gemengd"  # 2.5 no longer a knelpunt
    assert cell(schema, "Amberdam", "A3", "CON")["oordeel"] == "gemengd"  # 3.67 no longer a succesfactor
    assert not cell(schema, "Amberdam", "A2", "VRA")["afwijkend"]  # verschil 2 < 3
    assert cell(schema, "Amberdam", "A2", "CON")["afwijkend"]  # verschil 3


def test_same_casus_code_in_two_gemeenten_stays_apart():
    long = sample_long()
    extra = long[long["gemeente"] == "Bergveld"].assign(gemeente="Zuidstad", casus="A1", antwoord="5")
    schema = analyseschema(pd.concat([long, extra], ignore_index=True), ELEMENTS)
    assert cell(schema, "Zuidstad", "A1", "VRA")["casusscore"] == 5.0
    assert cell(schema, "Amberdam", "A1", "VRA")["casusscore"] == 4.0


def test_row_order_does_not_matter_except_professional_order():
    long = sample_long()
    shuffled = long.sample(frac=1.0, random_state=7)
    a = analyseschema(long, ELEMENTS)
    b = analyseschema(shuffled, ELEMENTS)
    numeric = ["inwoner", "professional", "dossier", "casusscore", "verschil", "n_perspectieven"]
    pd.testing.assert_frame_equal(a[numeric], b[numeric])
    assert list(a["oordeel"]) == list(b["oordeel"])


def test_unknown_element_is_appended_not_dropped():
    long = sample_long()
    extra = long.iloc[[0]].assign(element="NEW", antwoord="3")
    schema = analyseschema(pd.concat([long, extra], ignore_index=True), ORDER)
    assert list(schema["element"].cat.categories) == ORDER + ["NEW"]
    assert cell(schema, "Amberdam", "A1", "NEW")["dossier"] == 3.0


def test_categorical_input_gives_same_result(schema):
    long = sample_long()
    for column in ["gemeente", "casus", "perspectief", "element", "antwoord", "rol", "toelichting", "doelgroep"]:
        long[column] = long[column].astype("category")
    other = analyseschema(long, ELEMENTS)
    for column in ["casusscore", "verschil", "professional", "n_professionals"]:
        np.testing.assert_array_equal(other[column].to_numpy(), schema[column].to_numpy())
    assert list(other["toelichting"]) == list(schema["toelichting"])
    assert list(other["gemeente"]) == list(schema["gemeente"])


def test_optional_columns_may_be_missing():
    long = sample_long().drop(columns=["onderzoek", "rol", "toelichting"])
    schema = analyseschema(long, ELEMENTS)
    assert schema["onderzoek"].isna().all()
    assert cell(schema, "Amberdam", "A1", "VRA")["professional"] == 4.0
    assert (schema["toelichting"] == "").all()


def test_empty_input_gives_empty_schema():
    schema = analyseschema(sample_long().iloc[0:0], ELEMENTS)
    assert len(schema) == 0 and list(schema.columns) == list(SCHEMA_COLUMNS)



def test_casus_analysis_is_the_schema_and_the_completeness_in_one_pass():
    from analysis import casus_analysis, casus_completeness
    long = sample_long()
    schema, completeness = casus_analysis(long, ELEMENTS, AnalysisSettings())
    pd.testing.assert_frame_equal(schema, analyseschema(long, ELEMENTS, AnalysisSettings()))
    pd.testing.assert_frame_equal(completeness, casus_completeness(long))
