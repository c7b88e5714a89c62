"""The input ("long") frame: its columns, validation, numeric scores and element order.

The long frame has one row per score: gemeente, onderzoek, casus, doelgroep, perspectief, rol,
element, antwoord, toelichting, and the perspective's status ('concept' / 'definitief'). The
optional columns (OPTIONAL_DEFAULTS) may be left out: onderzoek (None), rol and toelichting
(''), status ('definitief': a frame without it counts as finished data, as the published
reference data are) and casus_status ('lopend' / 'afgerond', '').
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .grouping import factorize

PERSPECTIEVEN: tuple[str, ...] = ("inwoner", "professional", "dossier")
DOELGROEPEN: tuple[str, ...] = ("jeugd", "volwassenen")
SCORE_ANTWOORDEN: tuple[str, ...] = ("1", "2", "3", "4", "5")
# Answer kinds, as used internally: a 1-5 score, or one of the three answers without a score.
ANTWOORD_SOORTEN: tuple[str, ...] = ("score", "onbekend", "nvt", "leeg")

REQUIRED_COLUMNS: tuple[str, ...] = ("gemeente", "casus", "doelgroep", "perspectief", "element", "antwoord")
OPTIONAL_DEFAULTS: dict[str, object] = {"onderzoek": None, "rol": "", "toelichting": "",
                                         "status": "definitief", "casus_status": ""}
LONG_COLUMNS: tuple[str, ...] = (
    "gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element", "antwoord", "toelichting",
)


def check_columns(frame: pd.DataFrame) -> None:
    """Raise ValueError when a required column of the long frame is missing.

    Expects: gemeente, casus, doelgroep, perspectief, element, antwoord (onderzoek, rol and
    toelichting are optional).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"long frame lacks column(s): {', '.join(missing)}")


def definitief_rows(frame: pd.DataFrame) -> np.ndarray:
    """Per row: does its perspective have status 'definitief'? (All rows without a status
    column, see OPTIONAL_DEFAULTS.)"""
    if "status" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    codes, uniques = factorize(frame["status"])
    return np.array([u == "definitief" for u in uniques], dtype=bool)[codes]


def normalise_antwoord(value: object) -> str | None:
    """One antwoord value as '1'..'5', 'nvt', 'onbekend' or '' (None when not recognised)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip().lower()
    if text in SCORE_ANTWOORDEN or text in ("nvt", "onbekend", ""):
        return text
    if text in ("n.v.t.", "n.v.t"):
        return "nvt"
    return None


def antwoord_codes(antwoord: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per row: kind code (index into ANTWOORD_SOORTEN) as int8 and the score as float64.

    Factorises the column, so only the distinct values are inspected in Python.
    Raises ValueError for an antwoord that is not 1-5, nvt, onbekend or empty.
    """
    codes, uniques = factorize(antwoord)
    n_unique = len(uniques)
    kind_of = np.empty(n_unique, dtype=np.int8)
    score_of = np.full(n_unique, np.nan)
    bad = []
    for i, value in enumerate(uniques):
        text = normalise_antwoord(value)
        if text is None:
            bad.append(value)
        elif text in SCORE_ANTWOORDEN:
            kind_of[i] = 0
            score_of[i] = float(text)
        else:
            kind_of[i] = {"onbekend": 1, "nvt": 2, "": 3}[text]
    if bad:
        raise ValueError(f"unknown antwoord value(s): {sorted(map(str, bad))[:10]}")
    return kind_of[codes], score_of[codes]


def numeric_score(frame: pd.DataFrame | pd.Series) -> pd.Series:
    """The numeric score of each row: float 1.0-5.0, NaN for nvt, onbekend and empty.

    Expects a long frame with column antwoord (or the antwoord Series itself);
    returns a float Series named 'score' with the same index.
    """
    antwoord = frame["antwoord"] if isinstance(frame, pd.DataFrame) else frame
    _, score = antwoord_codes(antwoord)
    return pd.Series(score, index=antwoord.index, name="score")


def with_score(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the long frame with an added float column 'score' (see numeric_score)."""
    return frame.assign(score=numeric_score(frame))


def validate_long(frame: pd.DataFrame) -> None:
    """Raise ValueError when the long frame breaks the input contract.

    Checks: required columns present; gemeente, casus and element never empty; perspectief in
    PERSPECTIEVEN; doelgroep in DOELGROEPEN; antwoord one of '1'..'5', 'nvt', 'onbekend', ''.
    """
    check_columns(frame)
    for column in ("gemeente", "casus", "element"):
        if frame[column].isna().any():
            raise ValueError(f"column {column} has empty values")
    for column, allowed in (("perspectief", PERSPECTIEVEN), ("doelgroep", DOELGROEPEN)):
        unknown = set(pd.unique(frame[column])) - set(allowed)
        if unknown:
            raise ValueError(f"unknown {column} value(s): {sorted(map(str, unknown))}")
    antwoord_codes(frame["antwoord"])


def element_order(elements: Iterable[str] | pd.DataFrame | None, present: Iterable[str] = ()) -> list[str]:
    """The element codes in instrument order.

    elements: a list of codes, or a frame with column code (and name), or None. Codes found in
    `present` but not in `elements` are appended in sorted order, so no data is dropped.
    """
    if elements is None:
        order: list[str] = []
    elif isinstance(elements, pd.DataFrame):
        order = [str(c) for c in elements["code"]]
    else:
        order = [str(c) for c in elements]
    if len(set(order)) != len(order):
        raise ValueError("element order contains duplicate codes")
    known = set(order)
    extra = sorted({str(c) for c in present} - known)
    return order + extra


def element_labels(elements: Iterable[str] | pd.DataFrame | None) -> dict[str, str]:
    """Mapping element code -> display name (the code itself when no names are given).

    elements: a frame with columns code, name, or a list of codes.
    """
    if elements is None:
        return {}
    if isinstance(elements, pd.DataFrame):
        names = elements["name"] if "name" in elements.columns else elements["code"]
        return {str(c): str(n) for c, n in zip(elements["code"], names)}
    return {str(c): str(c) for c in elements}


def element_categorical(values: Iterable[str], order: list[str]) -> pd.Categorical:
    """An ordered Categorical of element codes with the instrument order as categories."""
    return pd.Categorical(values, categories=order, ordered=True)
