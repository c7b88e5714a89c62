"""Fast integer group codes for string keys (internal).

Data from the database arrives sorted by gemeente and casus, so most key columns consist of long
runs of the same value; factorising only the first value of each run is much cheaper than hashing
every row. Columns without such runs fall back to an ordinary factorize.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def factorize(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes (int64, 0..n_uniques-1) and uniques (object array) of `values`.

    Missing values (None/NaN) get a code of their own; their unique is None.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques = np.asarray(values.cat.categories, dtype=object)
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = np.append(uniques, np.array([None], dtype=object))
        used = np.flatnonzero(np.bincount(codes, minlength=len(uniques)) > 0)
        if len(used) < len(uniques):  # drop unused categories
            remap = np.zeros(len(uniques), dtype=np.int64)
            remap[used] = np.arange(len(used))
            codes, uniques = remap[codes], uniques[used]
        return codes, uniques
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    n = len(array)
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
    sample = array[: _SAMPLE]
    if np.count_nonzero(sample[1:] != sample[:-1]) * 4 >= len(sample):
        return _factorize_array(array)  # few runs expected: hash every row
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(array[1:], array[:-1], out=change[1:])  # NaN != NaN marks extra runs: harmless
    starts = np.flatnonzero(change)
    if len(starts) * 4 >= n:
        return _factorize_array(array)
    run_codes, uniques = _factorize_array(array[starts])
    return np.repeat(run_codes, np.diff(np.append(starts, n))), uniques


_SAMPLE = 5000


def _factorize_array(array) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(array)  # missing -> -1 (faster than use_na_sentinel=False)
    codes = np.asarray(codes, dtype=np.int64)
    uniques = np.asarray(uniques, dtype=object)
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, np.array([None], dtype=object))
    return codes, uniques


def _sort_rank(uniques: np.ndarray) -> np.ndarray:
    """Rank of each unique in sorted order (None last), as int64. Runs over the uniques only."""
    is_none = np.array([v is None for v in uniques], dtype=bool)
    text = np.array(["" if v is None else v for v in uniques], dtype=object)
    try:
        position = np.lexsort((text, is_none))
    except TypeError:  # mixed types: compare as text
        position = np.lexsort((np.array([str(v) for v in text], dtype=object), is_none))
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[position] = np.arange(len(uniques))
    return rank


def group_ids(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Per row a group number, and the groups' key values, sorted by the keys.

    Categorical keys sort by category order (missing last); other keys sort by value with missing
    last. Returns (ids: int64 array with values 0..n_groups-1, groups: DataFrame with the key
    columns in their original dtypes, index 0..n_groups-1).
    """
    n = len(frame)
    combined = np.zeros(n, dtype=np.int64)
    span = 1
    for key in keys:
        column = frame[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy(dtype=np.int64)
            size = len(column.cat.categories) + 1
            rank = np.where(codes < 0, size - 1, codes)
        else:
            codes, uniques = factorize(column)
            rank = _sort_rank(uniques)[codes]
            size = max(len(uniques), 1)
        if span * size >= 2**62:  # keep the combined code dense (order is preserved)
            combined = np.unique(combined, return_inverse=True)[1].astype(np.int64).ravel()
            span = int(combined.max()) + 1 if n else 1
        combined = combined * size + rank
        span *= size
    codes, uniques = pd.factorize(combined)  # hashing, then sorting only the distinct groups
    codes = np.asarray(codes, dtype=np.int64)
    position = np.argsort(np.asarray(uniques), kind="stable")
    rank = np.empty(len(position), dtype=np.int64)
    rank[position] = np.arange(len(position))
    first = first_rows(codes)[position]
    groups = frame[list(keys)].iloc[first].reset_index(drop=True)
    return rank[codes], groups


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Row of the first occurrence of each code, for codes numbered in order of first appearance
    (as pd.factorize numbers them)."""
    if len(codes) == 0:
        return np.empty(0, dtype=np.int64)
    previous_max = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    return np.flatnonzero(codes > previous_max)
