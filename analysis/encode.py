"""Turn the long frame into integer arrays once, so every computation is a vectorised count.

Internal module: the public functions in analyseschema and aggregate use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .frames import (DOELGROEPEN, PERSPECTIEVEN, antwoord_codes, check_columns, definitief_rows,
                     element_order)
from .grouping import factorize, first_rows


@dataclass(frozen=True)
class Encoded:
    """The long frame as arrays (one entry per row) plus the casus table.

    casussen: one row per casus, sorted by gemeente, onderzoek, casus; columns gemeente,
    onderzoek, casus, doelgroep, casus_status, gemeente_idx (index into gemeenten).
    standen: per perspective (rows: inwoner, professional, dossier) and casus (columns) what
    the casus has of it, as an index into completeness.STANDEN: 2 when one of them is
    definitief, 1 when it has concept ones only, 0 when it has none.
    """

    frame: pd.DataFrame
    order: list[str]
    gemeenten: np.ndarray  # sorted gemeente names (object array)
    casussen: pd.DataFrame
    casus_idx: np.ndarray  # per row: position in casussen
    element_idx: np.ndarray  # per row: position in order
    perspectief_idx: np.ndarray  # per row: position in PERSPECTIEVEN
    kind: np.ndarray  # per row: position in ANTWOORD_SOORTEN
    score: np.ndarray  # per row: float score or NaN
    standen: np.ndarray  # int8, shape (3, n_casussen)

    @property
    def n_casussen(self) -> int:
        return len(self.casussen)

    @property
    def n_elements(self) -> int:
        return len(self.order)


def _no_missing(column: str, uniques: np.ndarray) -> None:
    if any(u is None or u == "" for u in uniques):
        raise ValueError(f"column {column} has empty values")


def _lookup(values: pd.Series, allowed: tuple[str, ...], column: str) -> np.ndarray:
    codes, uniques = factorize(values)
    position = {name: i for i, name in enumerate(allowed)}
    unknown = [u for u in uniques if u not in position]
    if unknown:
        raise ValueError(f"unknown {column} value(s): {sorted(map(str, unknown))}")
    return np.array([position[u] for u in uniques], dtype=np.int8)[codes]


def encode(frame: pd.DataFrame, elements=None) -> Encoded:
    """Encode a long frame (see frames.LONG_COLUMNS); raises ValueError on contract violations."""
    check_columns(frame)
    n_rows = len(frame)
    g_codes, g_uniques = factorize(frame["gemeente"])
    c_codes, c_uniques = factorize(frame["casus"])
    _no_missing("gemeente", g_uniques)
    _no_missing("casus", c_uniques)
    if "onderzoek" in frame.columns:
        o_codes, _ = factorize(frame["onderzoek"])
        n_o = int(o_codes.max()) + 1 if n_rows else 1
    else:
        o_codes, n_o = np.zeros(n_rows, dtype=np.int64), 1
    n_c = int(c_codes.max()) + 1 if n_rows else 1
    key = (g_codes * n_o + o_codes) * n_c + c_codes
    k_codes, _ = pd.factorize(key)
    k_codes = np.asarray(k_codes, dtype=np.int64)
    first = first_rows(k_codes)

    def at_first(column: str, default=None) -> np.ndarray:
        if column in frame.columns:
            return frame[column].take(first).to_numpy(dtype=object, copy=True)
        return np.full(len(first), default, dtype=object)

    onderzoek = at_first("onderzoek")
    onderzoek[pd.isna(onderzoek)] = None
    casussen = pd.DataFrame(
        {
            "gemeente": at_first("gemeente"),
            "onderzoek": onderzoek,
            "casus": at_first("casus"),
            "doelgroep": at_first("doelgroep"),
            "casus_status": at_first("casus_status", ""),
        }
    )
    unknown = set(pd.unique(casussen["doelgroep"].to_numpy())) - set(DOELGROEPEN)
    if unknown:
        raise ValueError(f"unknown doelgroep value(s): {sorted(map(str, unknown))}")
    casussen["gemeente"] = casussen["gemeente"].astype(str)
    casussen["casus"] = casussen["casus"].astype(str)
    casussen["casus_status"] = casussen["casus_status"].fillna("").astype(str)
    sort_key = casussen["onderzoek"].fillna("").astype(str)
    position = np.lexsort((casussen["casus"].to_numpy(), sort_key.to_numpy(), casussen["gemeente"].to_numpy()))
    casussen = casussen.iloc[position].reset_index(drop=True)
    new_position = np.empty(len(position), dtype=np.int64)
    new_position[position] = np.arange(len(position))
    casus_idx = new_position[k_codes]

    gemeenten = np.array(sorted(pd.unique(casussen["gemeente"].to_numpy(dtype=object))), dtype=object)
    casussen["gemeente_idx"] = np.searchsorted(gemeenten, casussen["gemeente"].to_numpy(dtype=object))

    e_codes, e_uniques = factorize(frame["element"])
    _no_missing("element", e_uniques)
    order = element_order(elements, present=[str(u) for u in e_uniques])
    e_position = {code: i for i, code in enumerate(order)}
    element_idx = np.array([e_position[str(u)] for u in e_uniques], dtype=np.int64)[e_codes]

    perspectief_idx = _lookup(frame["perspectief"], PERSPECTIEVEN, "perspectief")
    kind, score = antwoord_codes(frame["antwoord"])
    standen = perspective_standen(casus_idx, len(casussen), perspectief_idx,
                                  definitief_rows(frame))
    return Encoded(
        frame=frame,
        order=order,
        gemeenten=gemeenten,
        casussen=casussen,
        casus_idx=casus_idx,
        element_idx=element_idx,
        perspectief_idx=perspectief_idx,
        kind=kind,
        score=score,
        standen=standen,
    )


def perspective_standen(casus_idx: np.ndarray, n_casussen: int, perspectief_idx: np.ndarray,
                        definitief: np.ndarray) -> np.ndarray:
    """Encoded.standen from the rows' casus, perspective and whether it is definitief."""
    slot = perspectief_idx.astype(np.int64) * n_casussen + casus_idx
    size = 3 * n_casussen
    present = np.bincount(slot, minlength=size).reshape(3, n_casussen) > 0
    final = np.bincount(slot[definitief], minlength=size).reshape(3, n_casussen) > 0
    return present.astype(np.int8) + final.astype(np.int8)
