"""Anonymised views: gemeente labels ("Gemeente A", "Gemeente B", ...) and small-cell suppression."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .settings import DEFAULT_SETTINGS, AnalysisSettings

LABEL_PREFIX = "Gemeente "


def letter_code(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA', 27 -> 'AB', ... (like spreadsheet columns)."""
    if index < 0:
        raise ValueError("index must be >= 0")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def gemeente_labels(names: Iterable[str], order: Mapping[str, int] | None = None) -> dict[str, str]:
    """Mapping gemeente name -> 'Gemeente A', 'Gemeente B', ...

    ``order`` (name -> a random number stored per gemeente) decides who gets A, B, ..., so the
    labels say nothing about the names; without it (tests, frames without stored gemeenten) the
    sorted names do. The same set of names always gives the same labels: build the mapping once
    from all gemeenten in a view and apply it to every frame of that view. Empty names are ignored.
    """
    unique = {str(n) for n in names if n is not None and not (isinstance(n, float) and np.isnan(n)) and str(n) != ""}
    if order is not None:
        ordered = sorted(unique, key=lambda name: (order.get(name, -1), name))
    else:
        ordered = sorted(unique, key=lambda name: (name.casefold(), name))  # distinct names only
    return {name: LABEL_PREFIX + letter_code(i) for i, name in enumerate(ordered)}


def anonymise_gemeenten(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, column: str = "gemeente"
) -> pd.DataFrame:
    """A copy of `frame` with the gemeente names in `column` replaced by their labels.

    labels: from gemeente_labels (built from this frame's gemeenten when None). Raises ValueError
    when a gemeente has no label, so a name can never slip through. Row order is kept: a frame sorted
    by name stays sorted by label (labels follow name order).
    """
    if labels is None:
        labels = gemeente_labels(frame[column].unique())
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    missing = [u for u in uniques if u not in labels]
    if missing:
        raise ValueError(f"{len(missing)} gemeente(n) without an anonymous label")
    mapped = np.array([labels[u] for u in uniques] + [None], dtype=object)[np.asarray(codes)]
    result = frame.copy()
    result[column] = pd.array(mapped, dtype="str")
    return result


def suppress_small(
    frame: pd.DataFrame,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    n_column: str = "n_casussen",
    value_columns: Sequence[str] | None = None,
    flag_column: str = "onderdrukt",
) -> pd.DataFrame:
    """Hide values that rest on fewer than settings.min_casussen casussen.

    Expects a frame with the count column `n_column` (e.g. element_scores output). In rows where
    n_column < min_casussen, the value columns become None (those columns turn to object dtype) and
    flag_column is True; other rows keep their values and get flag False. n_column itself is kept so
    pages can show e.g. "< 3". value_columns defaults to every numeric column except n_column, plus
    'oordeel' when present.
    """
    if value_columns is None:
        numeric = frame.select_dtypes(include=["number", "bool"]).columns
        value_columns = [c for c in numeric if c != n_column]
        if "oordeel" in frame.columns:
            value_columns.append("oordeel")
    small = (frame[n_column].to_numpy() < settings.min_casussen)
    result = frame.copy()
    for column in value_columns:
        values = result[column].to_numpy(dtype=object, copy=True)
        values[small] = None
        result[column] = pd.Series(values, index=result.index, dtype=object)
    result[flag_column] = small
    return result


SPLITS = ((), ("doelgroep",), ("onderzoek",), ("doelgroep", "onderzoek"))
_NUMERIC_ANSWERS = frozenset({"1", "2", "3", "4", "5"})


def drop_small_groups(long: pd.DataFrame, settings: AnalysisSettings = DEFAULT_SETTINGS,
                      complete: np.ndarray | None = None) -> pd.DataFrame:
    """The rows of the long frame an anonymised per-casus output may hold: no answer from which
    a figure the pages suppress (fewer than settings.min_casussen casussen) can be recomputed.

    For every gemeente and element, on its own and split as the pages can split it (by
    doelgroep, onderzoek, both; and, with ``complete`` (a boolean per row: does the casus count
    as complete), the complete casussen only), a group with fewer than min_casussen casussen
    with a score loses those scores. Repeated until nothing changes, because leaving out rows
    can make a coarser group small. Rows without a score (nvt, onbekend, empty) carry no value
    and stay.
    """
    if long.empty:
        return long
    scored = long["antwoord"].astype(str).str.strip().isin(_NUMERIC_ANSWERS).to_numpy()
    keep = np.ones(len(long), dtype=bool)
    subsets = [np.ones(len(long), dtype=bool)]
    if complete is not None:
        subsets.append(np.asarray(complete, dtype=bool))
    splits = [tuple(c for c in split if c in long.columns) for split in SPLITS]
    changed = True
    while changed:
        changed = False
        for subset in subsets:
            for split in dict.fromkeys(splits):
                columns = ["gemeente", *split, "element"]
                counted = keep & scored & subset
                if not counted.any():
                    continue
                rows = long.loc[counted, columns + ["casus"]].astype(str)
                size = rows.groupby(columns, sort=False)["casus"].transform("nunique")
                small = size.to_numpy() < settings.min_casussen
                if small.any():
                    positions = np.flatnonzero(counted)[small]
                    keep[positions] = False
                    changed = True
    return long[keep]


def in_label_order(frame: pd.DataFrame, column: str = "gemeente") -> pd.DataFrame:
    """``frame`` (gemeenten already replaced by their labels) with its rows in label order,
    Gemeente A, B, ..., Z, AA (stable within a label). Frames come sorted by real name; kept in
    that order, the labels would give the names' order away."""
    keys = [label_key(v) for v in frame[column].astype(str)]
    return frame.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def label_key(label: str) -> tuple[int, str]:
    """Sort key of an anonymous label: 'Gemeente B' before 'Gemeente AA'."""
    return len(label), label
