"""analysis.agreement against values computed here by the textbook formulas.

The module uses scikit-learn and krippendorff; this test computes the same figures with its own
plain formulas (the weighted-kappa definition and Krippendorff's coincidence matrix with the
ordinal metric), so a wrong argument (linear weights, only the categories used, a nominal alpha)
shows up as a different number.
"""
import math

import numpy as np
import pandas as pd
import pytest

from analysis import agreement

SCALE = [1, 2, 3, 4, 5]


def kappa_by_formula(a, b):
    """Quadratic-weighted kappa: 1 - sum(w * observed) / sum(w * expected), over all five
    categories, w = ((i - j) / (k - 1))^2."""
    k = len(SCALE)
    observed = np.zeros((k, k))
    for x, y in zip(a, b):
        observed[x - 1, y - 1] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((k, k))
    weights = ((i - j) / (k - 1)) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


def alpha_by_formula(a, b):
    """Krippendorff's alpha, ordinal metric, two coders and no missing values: the coincidence
    matrix o (each pair counted both ways), n_c its marginals, delta(c, k) = (sum of n_g from c
    to k - (n_c + n_k) / 2)^2, alpha = 1 - (n - 1) * sum(o * delta) / sum(n_c n_k delta)."""
    k = len(SCALE)
    o = np.zeros((k, k))
    for x, y in zip(a, b):
        o[x - 1, y - 1] += 1
        o[y - 1, x - 1] += 1
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = np.zeros((k, k))
    for c in range(k):
        for d in range(k):
            low, high = min(c, d), max(c, d)
            delta[c, d] = (n_c[low:high + 1].sum() - (n_c[c] + n_c[d]) / 2) ** 2
    return 1 - (n - 1) * (o * delta).sum() / (np.outer(n_c, n_c) * delta).sum()


def long(answers, beoordelaar, elements=None, casus="C1"):
    elements = elements or [f"E{i + 1:02d}" for i in range(len(answers))]
    return pd.DataFrame({"gemeente": "Gemeente Noord", "casus": casus, "perspectief": "dossier",
                         "rol": "", "element": elements, "beoordelaar": beoordelaar,
                         "antwoord": answers})


# Ties (several 2s, 3s and 4s on both sides), one nvt, one onbekend and one element left empty
# by the second rater.
FIRST = ["1", "2", "3", "3", "4", "4", "5", "2", "3", "nvt", "4", "3", "2"]
SECOND = ["1", "3", "3", "4", "4", "3", "4", "2", "3", "3", "onbekend", "", "2"]


def scored_pairs():
    pairs = [(int(x), int(y)) for x, y in zip(FIRST, SECOND) if x.isdigit() and y.isdigit()]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def test_pairs_match_on_casus_perspective_rol_and_element_and_drop_empty_answers():
    first = pd.concat([long(FIRST, "B1"), long(["5"], "B1", ["E99"])])   # E99: no partner
    pairs = agreement.pairs(first, long(SECOND, "B2"))
    assert len(pairs) == len(FIRST) - 1          # the element left empty is no pair
    assert "E99" not in set(pairs["element"])
    assert set(pairs["beoordelaar_1"]) == {"B1"} and set(pairs["beoordelaar_2"]) == {"B2"}
    other_casus = agreement.pairs(long(FIRST, "B1"), long(SECOND, "B2", casus="C2"))
    assert other_casus.empty


def test_figures_equal_the_textbook_formulas_with_ties_and_special_answers():
    a, b = scored_pairs()
    assert len(a) == 10
    result = agreement.figures(agreement.pairs(long(FIRST, "B1"), long(SECOND, "B2")))
    assert result["paren"] == 10
    assert result["zonder_score"] == 2           # nvt on one side, onbekend on the other
    assert result["onzeker"] is False
    same = sum(x == y for x, y in zip(a, b))
    within = sum(abs(x - y) <= 1 for x, y in zip(a, b))
    assert result["exact_pct"] == pytest.approx(same / 10 * 100)
    assert result["binnen_1_pct"] == pytest.approx(within / 10 * 100)
    assert result["kappa_kwadratisch"] == pytest.approx(kappa_by_formula(a, b), abs=1e-9)
    assert result["alpha_ordinaal"] == pytest.approx(alpha_by_formula(a, b), abs=1e-9)
    # The numbers themselves: the linear kappa (0.655) and the nominal alpha (0.486) differ.
    assert (same, within) == (6, 10)
    assert result["kappa_kwadratisch"] == pytest.approx(0.81651, abs=1e-5)
    assert result["alpha_ordinaal"] == pytest.approx(0.81971, abs=1e-5)


def test_a_known_small_dataset():
    """Three pairs, worked out by hand: (1,1), (3,3), (5,4). Kappa: the observed weighted
    disagreement is (1/4)^2 / 3 = 1/48; each rater's marginals are a third per value, so the
    expected one is the mean of ((x - y) / 4)^2 over the 9 combinations, 13/48: kappa = 12/13.
    With only the used categories (1, 3, 4, 5) as the scale it would be 0.857 instead."""
    a, b = [1, 3, 5], [1, 3, 4]
    result = agreement.figures(agreement.pairs(long(["1", "3", "5"], "B1"),
                                               long(["1", "3", "4"], "B2")))
    assert result["paren"] == 3 and result["onzeker"] is True
    expected_disagreement = sum(((x - y) / 4) ** 2 for x in a for y in b) / 9
    assert result["kappa_kwadratisch"] == pytest.approx(1 - (1 / 48) / expected_disagreement)
    assert result["alpha_ordinaal"] == pytest.approx(alpha_by_formula(a, b))
    assert result["kappa_kwadratisch"] == pytest.approx(12 / 13)


def test_below_three_pairs_no_figures_below_ten_uncertain():
    two = agreement.figures(agreement.pairs(long(["1", "2"], "B1"), long(["1", "2"], "B2")))
    assert two["paren"] == 2 and two["onzeker"] is True
    assert all(math.isnan(two[f]) for f in ("exact_pct", "binnen_1_pct", "kappa_kwadratisch",
                                            "alpha_ordinaal"))
    nine = agreement.figures(agreement.pairs(long(["1", "2", "3"] * 3, "B1"),
                                             long(["1", "2", "4"] * 3, "B2")))
    assert nine["paren"] == 9 and nine["onzeker"] is True and nine["exact_pct"] > 0


def test_perfect_agreement_is_one_and_one_value_throughout_is_undefined():
    same = agreement.figures(agreement.pairs(long(["1", "3", "5", "2"], "B1"),
                                             long(["1", "3", "5", "2"], "B2")))
    assert same["kappa_kwadratisch"] == pytest.approx(1) and same["alpha_ordinaal"] == 1
    flat = agreement.figures(agreement.pairs(long(["3"] * 4, "B1"), long(["3"] * 4, "B2")))
    assert flat["exact_pct"] == 100
    assert math.isnan(flat["kappa_kwadratisch"]) and math.isnan(flat["alpha_ordinaal"])


def test_agreement_per_element_per_gemeente_and_per_rater_pair():
    casussen = [long(FIRST, "B1", casus=f"C{i}") for i in range(4)]
    seconds = [long(SECOND, "B2" if i % 2 else "A7", casus=f"C{i}") for i in range(4)]
    pairs = agreement.pairs(pd.concat(casussen), pd.concat(seconds))
    per_element = agreement.agreement(pairs, by="element", order=["E01", "E02", "E10", "E40"])
    assert list(per_element["element"]) == ["E01", "E02", "E10", "E40", "Alle elementen"]
    rows = per_element.set_index("element")
    assert rows.loc["E01", "paren"] == 4 and rows.loc["E01", "exact_pct"] == 100
    assert rows.loc["E02", "exact_pct"] == 0 and rows.loc["E02", "binnen_1_pct"] == 100
    assert rows.loc["E10", "paren"] == 0 and rows.loc["E10", "zonder_score"] == 4
    assert rows.loc["E40", "paren"] == 0                  # in the order, never rated
    assert rows.loc["Alle elementen", "paren"] == 40
    a, b = scored_pairs()
    assert rows.loc["Alle elementen", "kappa_kwadratisch"] == pytest.approx(
        kappa_by_formula(a * 4, b * 4))
    by_pair = agreement.agreement(pairs, by="beoordelaars", overall=None)
    assert list(by_pair["beoordelaars"]) == ["A7 en B1", "B1 en B2"]
    assert list(by_pair["paren"]) == [20, 20]
    by_gemeente = agreement.agreement(pairs, by="gemeente", overall=None)
    assert list(by_gemeente["paren"]) == [40]
