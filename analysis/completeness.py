"""Which casussen are complete, and which figures therefore only indicate.

A casus is *compleet* when its inwoner, at least one professional and its dossier perspective
are definitief. The method advises at least three complete casussen per gemeente; a figure
that rests on fewer complete casussen than settings.min_compleet is *indicatief*. This module
is the one place where both rules live: the pipeline, the filter "alleen complete casussen"
and every page, export and report read them from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .encode import Encoded, encode
from .grouping import group_ids
from .settings import DEFAULT_SETTINGS, AnalysisSettings

# What a casus has of one perspective: a definitief one, only concept(s), or none with answers.
STANDEN: tuple[str, ...] = ("ontbreekt", "concept", "definitief")
_STAND_LABELS = np.array(STANDEN, dtype=object)
COMPLETENESS_COLUMNS: tuple[str, ...] = (
    "gemeente", "onderzoek", "casus", "doelgroep", "casus_status",
    "inwoner", "professional", "dossier", "compleet",
)
BASIS_COLUMNS: tuple[str, ...] = ("gemeente", "n_casussen", "n_compleet", "indicatief")


def is_compleet(standen: np.ndarray) -> np.ndarray:
    """The completeness rule over Encoded.standen (perspective x casus, index into STANDEN):
    inwoner, professional and dossier all definitief."""
    return (standen == 2).all(axis=0)


def is_indicatief(n_compleet, settings: AnalysisSettings = DEFAULT_SETTINGS) -> np.ndarray:
    """Does a figure resting on ``n_compleet`` complete casussen only indicate?"""
    return np.asarray(n_compleet) < settings.min_compleet


def completeness_from_encoded(enc: Encoded) -> pd.DataFrame:
    """casus_completeness for an already encoded long frame."""
    table = enc.casussen[["gemeente", "onderzoek", "casus", "doelgroep", "casus_status"]].copy()
    for i, name in enumerate(("inwoner", "professional", "dossier")):
        table[name] = pd.array(_STAND_LABELS[enc.standen[i]], dtype="str")
    table["compleet"] = is_compleet(enc.standen)
    return table[list(COMPLETENESS_COLUMNS)]


def casus_completeness(long: pd.DataFrame) -> pd.DataFrame:
    """One row per casus of the long frame: COMPLETENESS_COLUMNS, sorted by gemeente,
    onderzoek, casus. inwoner / professional / dossier are one of STANDEN (a perspective
    without any stored answer is 'ontbreekt'); casus_status is the optional long column of
    that name ('' without it); compleet is the rule above."""
    return completeness_from_encoded(encode(long))


def only_complete(long: pd.DataFrame) -> pd.DataFrame:
    """The rows of the long frame that belong to complete casussen."""
    if long.empty:
        return long
    return long[complete_rows(long)]


def complete_rows(long: pd.DataFrame) -> np.ndarray:
    """Per row of the long frame: does it belong to a complete casus."""
    if long.empty:
        return np.zeros(0, dtype=bool)
    encoded = encode(long)
    return is_compleet(encoded.standen)[encoded.casus_idx]


def gemeente_basis(casussen: pd.DataFrame, settings: AnalysisSettings = DEFAULT_SETTINGS
                   ) -> pd.DataFrame:
    """What each gemeente's figures rest on: BASIS_COLUMNS, one row per gemeente (sorted).

    Expects casus_completeness output (or any frame with gemeente and compleet per casus).
    indicatief: fewer complete casussen than settings.min_compleet.
    """
    if casussen.empty:
        return pd.DataFrame({"gemeente": pd.array([], dtype="str"),
                             "n_casussen": np.empty(0, np.int64),
                             "n_compleet": np.empty(0, np.int64),
                             "indicatief": np.empty(0, bool)})
    ids, groups = group_ids(casussen, ["gemeente"])
    n = len(groups)
    compleet = casussen["compleet"].to_numpy(dtype=bool)
    result = groups.reset_index(drop=True)
    result["n_casussen"] = np.bincount(ids, minlength=n).astype(np.int64)
    result["n_compleet"] = np.bincount(ids[compleet], minlength=n).astype(np.int64)
    result["indicatief"] = is_indicatief(result["n_compleet"].to_numpy(), settings)
    return result[list(BASIS_COLUMNS)]
