"""Agreement between two independent ratings of the same perspectives (double rating).

A pair is one element of one perspective (gemeente, casus, perspectief, rol) rated by both the
first and the second rater. Only pairs with a score 1-5 on both sides count in the figures;
a pair where either side says 'nvt' or 'onbekend' is counted apart (``zonder_score``), and an
element that one side left empty is no pair at all.

The figures come from well-kept implementations, not our own formulas: Cohen's kappa with
quadratic weights from scikit-learn (over the whole 1-5 scale, every category whether used or
not) and Krippendorff's alpha for ordinal data from the ``krippendorff`` package (the same
value domain). Below MIN_PAIRS pairs no figure is given; below CERTAIN_PAIRS they are given and
marked uncertain.
"""
from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

SCALE = (1, 2, 3, 4, 5)
MIN_PAIRS = 3
CERTAIN_PAIRS = 10
PERSPECTIVE_KEYS = ["gemeente", "casus", "perspectief", "rol"]
PAIR_KEYS = PERSPECTIVE_KEYS + ["element"]
PAIR_COLUMNS = PAIR_KEYS + ["beoordelaar_1", "beoordelaar_2", "antwoord_1", "antwoord_2"]
FIGURES = ["paren", "exact_pct", "binnen_1_pct", "kappa_kwadratisch", "alpha_ordinaal"]
STAT_COLUMNS = FIGURES + ["zonder_score", "onzeker"]
ALL_ELEMENTS = "Alle elementen"
SPECIAL = ("nvt", "onbekend")   # answers that leave a pair out of the figures


def pairs(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The first and second rating side by side, one row per element both answered.

    ``first`` and ``second`` are long frames (PAIR_KEYS, ``beoordelaar`` and ``antwoord``:
    '1'..'5', 'nvt', 'onbekend' or ''); ``first`` may hold perspectives without a second
    rating, they simply find no partner. Returns PAIR_COLUMNS in the order of ``second``."""
    columns = PAIR_KEYS + ["beoordelaar", "antwoord"]
    left = first[columns].astype({"beoordelaar": object})
    right = second[columns].astype({"beoordelaar": object})
    merged = right.merge(left, on=PAIR_KEYS, how="inner", suffixes=("_2", "_1"))
    answered = (merged["antwoord_1"].astype(str) != "") & (merged["antwoord_2"].astype(str) != "")
    return merged.loc[answered, PAIR_COLUMNS].reset_index(drop=True)


def rater_pair(frame: pd.DataFrame) -> pd.Series:
    """'B1 en B2': the two raters of each pair row, in a fixed order (so B2 with B1 is the same
    pair); an unnamed first rater is shown as '(zonder code)'."""
    one = frame["beoordelaar_1"].fillna("").astype(str).replace("", "(zonder code)")
    two = frame["beoordelaar_2"].fillna("").astype(str).replace("", "(zonder code)")
    low = np.where(one.str.casefold() <= two.str.casefold(), one, two)
    high = np.where(one.str.casefold() <= two.str.casefold(), two, one)
    return pd.Series([f"{a} en {b}" for a, b in zip(low, high)], index=frame.index, dtype=object)


def figures(pair_rows: pd.DataFrame) -> dict:
    """The figures of STAT_COLUMNS for one set of pairs (see the module docstring)."""
    one = pair_rows["antwoord_1"].astype(str)
    two = pair_rows["antwoord_2"].astype(str)
    special = one.isin(SPECIAL) | two.isin(SPECIAL)
    scored = ~special
    a = pd.to_numeric(one[scored], errors="coerce").to_numpy(dtype=float)
    b = pd.to_numeric(two[scored], errors="coerce").to_numpy(dtype=float)
    n = len(a)
    result = {"paren": n, "exact_pct": np.nan, "binnen_1_pct": np.nan,
              "kappa_kwadratisch": np.nan, "alpha_ordinaal": np.nan,
              "zonder_score": int(special.sum()), "onzeker": n < CERTAIN_PAIRS}
    if n < MIN_PAIRS:
        return result
    difference = np.abs(a - b)
    result["exact_pct"] = float(np.mean(difference == 0) * 100)
    result["binnen_1_pct"] = float(np.mean(difference <= 1) * 100)
    result["kappa_kwadratisch"] = _kappa(a.astype(int), b.astype(int))
    result["alpha_ordinaal"] = _alpha(a, b)
    return result


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Quadratic-weighted kappa over the whole scale; NaN when it is undefined (both raters gave
    one and the same score throughout, so no disagreement was possible by chance; scikit-learn
    then warns, which is no news here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(a, b, labels=list(SCALE), weights="quadratic")
    return float(value) if np.isfinite(value) else np.nan


def _alpha(a: np.ndarray, b: np.ndarray) -> float:
    """Ordinal alpha for two raters (rows) and the pairs (units); NaN when undefined (one value
    throughout)."""
    if len(np.unique(np.concatenate([a, b]))) < 2:
        return np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(reliability_data=np.vstack([a, b]),
                                   level_of_measurement="ordinal", value_domain=list(SCALE))
    return float(value) if np.isfinite(value) else np.nan


def agreement(pair_rows: pd.DataFrame, by: str | None = None, order=None,
              overall: str | None = ALL_ELEMENTS) -> pd.DataFrame:
    """Figures per value of column ``by`` ('element', 'gemeente' or 'beoordelaars': the rater
    pair) plus, with ``overall``, one row of all pairs together under that name; without ``by``
    just that row. ``order`` lists the values of ``by`` to show (also those without pairs)."""
    rows = []
    frame = pair_rows
    if by == "beoordelaars":
        frame = pair_rows.assign(beoordelaars=rater_pair(pair_rows))
    if by is not None:
        values = list(order) if order is not None else sorted(frame[by].dropna().unique(),
                                                             key=lambda v: str(v).casefold())
        groups = {key: group for key, group in frame.groupby(by, sort=False)}
        empty = frame.iloc[0:0]
        for value in values:
            rows.append({by: value, **figures(groups.get(value, empty))})
    if overall is not None or by is None:
        rows.append({by or "groep": overall or ALL_ELEMENTS, **figures(frame)})
    return pd.DataFrame(rows, columns=[by or "groep"] + STAT_COLUMNS)
