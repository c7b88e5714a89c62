"""Classify scores as knelpunt, gemengd or succesfactor."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .settings import DEFAULT_SETTINGS, AnalysisSettings

OORDELEN: tuple[str, ...] = ("knelpunt", "gemengd", "succesfactor")
# Scores are means; allow for floating point noise at the thresholds (e.g. 7.5 / 3).
_TOLERANCE = 1e-9
_LABELS = np.array(("",) + OORDELEN, dtype=object)


def oordeel_codes(scores: np.ndarray, settings: AnalysisSettings = DEFAULT_SETTINGS) -> np.ndarray:
    """Per score: 0 = no score (NaN), 1 = knelpunt, 2 = gemengd, 3 = succesfactor (int8 array)."""
    scores = np.asarray(scores, dtype=float)
    codes = np.where(np.isnan(scores), 0, 2).astype(np.int8)
    codes[scores <= settings.knelpunt_max + _TOLERANCE] = 1
    codes[scores >= settings.succesfactor_min - _TOLERANCE] = 3
    return codes


def oordeel_labels(codes: np.ndarray) -> np.ndarray:
    """Object array of labels ('' / 'knelpunt' / 'gemengd' / 'succesfactor') for oordeel codes."""
    return _LABELS[codes]


def oordeel(scores, settings: AnalysisSettings = DEFAULT_SETTINGS) -> pd.Series:
    """The oordeel of each score: 'knelpunt' (<= knelpunt_max), 'succesfactor'
    (>= succesfactor_min), 'gemengd' in between, '' when the score is NaN.

    Takes a float Series or array; returns a str Series (same index for a Series).
    """
    index = scores.index if isinstance(scores, pd.Series) else None
    labels = oordeel_labels(oordeel_codes(np.asarray(scores, dtype=float), settings))
    return pd.Series(labels, index=index, name="oordeel", dtype="str")
