"""Aggregates over casussen: element scores per gemeente, doelgroep, onderzoek and perspective,
the dossier's 'onbekend' counts, and the knelpunten/succesfactoren summary.

All functions except dossier_onbekend take the analyseschema frame (see analyseschema).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .completeness import is_indicatief
from .encode import Encoded, encode
from .frames import PERSPECTIEVEN
from .grouping import group_ids
from .oordeel import oordeel_codes, oordeel_labels
from .settings import DEFAULT_SETTINGS, AnalysisSettings

SCORE_COLUMNS: tuple[str, ...] = (
    "score", "n_casussen", "oordeel", "n_knelpunt", "n_gemengd", "n_succesfactor", "n_afwijkend",
    "n_compleet", "indicatief",
)


def _keys(by: Sequence[str] | str) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def _mean_and_count(ids: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    valid = ~np.isnan(values)
    sums = np.bincount(ids[valid], weights=values[valid], minlength=n_groups)
    counts = np.bincount(ids[valid], minlength=n_groups).astype(np.int64)
    means = np.full(n_groups, np.nan)
    np.divide(sums, counts, out=means, where=counts > 0)
    return means, counts


def element_scores(
    schema: pd.DataFrame, by: Sequence[str] = ("gemeente",), settings: AnalysisSettings = DEFAULT_SETTINGS
) -> pd.DataFrame:
    """Element scores per group: the mean of the casusscores (each casus weighs equally).

    Expects the analyseschema columns `by`, element, casusscore, afwijkend.
    Returns columns *by, element, score (mean casusscore, NaN when none), n_casussen (casussen with
    a casusscore), oordeel (of score), n_knelpunt, n_gemengd, n_succesfactor (casussen per oordeel),
    n_afwijkend (casussen whose perspectives differ >= afwijkend_min), n_compleet (of the
    n_casussen, the complete ones), indicatief (n_compleet < min_compleet); sorted by `by`
    (missing last) and element order. by=() gives one row per element over all casussen. Every group x
    element present in the schema gets a row, also when no casus has a casusscore (score NaN, n 0).
    """
    keys = _keys(by) + ["element"]
    ids, result = group_ids(schema, keys)
    n_groups = len(result)
    casusscore = schema["casusscore"].to_numpy(dtype=float)
    result["score"], result["n_casussen"] = _mean_and_count(ids, casusscore, n_groups)
    result["oordeel"] = pd.array(oordeel_labels(oordeel_codes(result["score"].to_numpy(), settings)), dtype="str")
    codes = oordeel_codes(casusscore, settings)
    for code, column in ((1, "n_knelpunt"), (2, "n_gemengd"), (3, "n_succesfactor")):
        result[column] = np.bincount(ids[codes == code], minlength=n_groups).astype(np.int64)
    afwijkend = schema["afwijkend"].to_numpy(dtype=bool)
    result["n_afwijkend"] = np.bincount(ids[afwijkend], minlength=n_groups).astype(np.int64)
    counted = _compleet(schema) & ~np.isnan(casusscore)
    result["n_compleet"] = np.bincount(ids[counted], minlength=n_groups).astype(np.int64)
    result["indicatief"] = is_indicatief(result["n_compleet"].to_numpy(), settings)
    return result[keys + list(SCORE_COLUMNS)]


def _compleet(schema: pd.DataFrame) -> np.ndarray:
    """The schema's compleet column (every casus complete in a schema built without one)."""
    if "compleet" not in schema.columns:
        return np.ones(len(schema), dtype=bool)
    return schema["compleet"].to_numpy(dtype=bool)


def gemeente_element_scores(schema: pd.DataFrame, settings: AnalysisSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """element_scores per gemeente: columns gemeente, element, score, n_casussen, oordeel, n_knelpunt,
    n_gemengd, n_succesfactor, n_afwijkend, n_compleet, indicatief."""
    return element_scores(schema, ("gemeente",), settings)


def doelgroep_element_scores(
    schema: pd.DataFrame, settings: AnalysisSettings = DEFAULT_SETTINGS, per_gemeente: bool = True
) -> pd.DataFrame:
    """element_scores per gemeente and doelgroep (or per doelgroep over all gemeenten when
    per_gemeente=False): columns [gemeente,] doelgroep, element, score, n_casussen, oordeel, ..."""
    return element_scores(schema, ("gemeente", "doelgroep") if per_gemeente else ("doelgroep",), settings)


def onderzoek_element_scores(
    schema: pd.DataFrame, settings: AnalysisSettings = DEFAULT_SETTINGS, per_gemeente: bool = True
) -> pd.DataFrame:
    """element_scores per onderzoek and gemeente (or per onderzoek only when per_gemeente=False):
    columns onderzoek, [gemeente,] element, score, n_casussen, oordeel, ..."""
    return element_scores(schema, ("onderzoek", "gemeente") if per_gemeente else ("onderzoek",), settings)


def perspectief_scores(
    schema: pd.DataFrame, by: Sequence[str] = ("gemeente",), settings: AnalysisSettings = DEFAULT_SETTINGS
) -> pd.DataFrame:
    """Element x perspective per group: the mean of the perspective values over casussen.

    Expects the analyseschema columns `by`, element, inwoner, professional, dossier.
    Returns columns *by, element, perspectief (ordered Categorical inwoner < professional <
    dossier), score (mean; NaN when no casus has a value), n_casussen (casussen with a value),
    oordeel (of score), n_compleet (of those casussen the complete ones), indicatief; three
    rows per group and element, sorted by `by`, element, perspectief.
    """
    keys = _keys(by) + ["element"]
    ids, groups = group_ids(schema, keys)
    n_groups = len(groups)
    means, counts, complete = [], [], []
    compleet = _compleet(schema)
    for name in PERSPECTIEVEN:
        values = schema[name].to_numpy(dtype=float)
        mean, count = _mean_and_count(ids, values, n_groups)
        means.append(mean)
        counts.append(count)
        complete.append(np.bincount(ids[compleet & ~np.isnan(values)], minlength=n_groups))
    result = groups.iloc[np.repeat(np.arange(n_groups), 3)].reset_index(drop=True)
    result["perspectief"] = pd.Categorical.from_codes(
        np.tile(np.arange(3), n_groups), categories=list(PERSPECTIEVEN), ordered=True
    )
    result["score"] = np.column_stack(means).ravel()
    result["n_casussen"] = np.column_stack(counts).ravel()
    result["oordeel"] = pd.array(oordeel_labels(oordeel_codes(result["score"].to_numpy(), settings)), dtype="str")
    result["n_compleet"] = np.column_stack(complete).ravel().astype(np.int64)
    result["indicatief"] = is_indicatief(result["n_compleet"].to_numpy(), settings)
    return result


def dossier_onbekend(long: pd.DataFrame, elements=None, settings: AnalysisSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """How often the dossier answers 'onbekend', per gemeente and element.

    Expects the long frame and the element order. Returns columns gemeente, element, n_dossier
    (dossier rows), n_onbekend (of which 'onbekend'), aandeel_onbekend (n_onbekend / n_dossier,
    NaN when there are no dossier rows); one row per gemeente x element in element order.
    """
    return dossier_from_encoded(encode(long, elements))


def dossier_from_encoded(enc: Encoded) -> pd.DataFrame:
    """dossier_onbekend for an already encoded long frame."""
    n_el, n_g = enc.n_elements, len(enc.gemeenten)
    gemeente_idx = enc.casussen["gemeente_idx"].to_numpy(dtype=np.int64)[enc.casus_idx]
    dossier = enc.perspectief_idx == 2
    cell = gemeente_idx[dossier] * n_el + enc.element_idx[dossier]
    n_dossier = np.bincount(cell, minlength=n_g * n_el)
    n_onbekend = np.bincount(cell[enc.kind[dossier] == 1], minlength=n_g * n_el)
    share = np.full(n_g * n_el, np.nan)
    np.divide(n_onbekend, n_dossier, out=share, where=n_dossier > 0)
    return pd.DataFrame(
        {
            "gemeente": pd.array(np.repeat(enc.gemeenten, n_el), dtype="str"),
            "element": pd.Categorical.from_codes(np.tile(np.arange(n_el), n_g), categories=enc.order, ordered=True),
            "n_dossier": n_dossier.astype(np.int64),
            "n_onbekend": n_onbekend.astype(np.int64),
            "aandeel_onbekend": share,
        }
    )


def knelpunten_succesfactoren(
    scores: pd.DataFrame,
    by: Sequence[str] = ("gemeente",),
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    top: int | None = None,
) -> pd.DataFrame:
    """Knelpunten and succesfactoren per group, ranked.

    Expects element_scores output (columns *by, element, score, n_casussen, oordeel, n_knelpunt,
    n_gemengd, n_succesfactor, n_compleet, indicatief). An element is a knelpunt when its
    oordeel is knelpunt (score at or below settings.knelpunt_max, as element_scores judged it),
    ranked lowest score first (ties: more knelpunt casussen first, then element order); a
    succesfactor when its oordeel is succesfactor, ranked highest first. 'Gemengd' elements and
    elements without a score are in neither list. `top` keeps the first n per list.
    `settings` is accepted for a uniform signature: the oordelen come from element_scores, so
    the lists always agree with the oordeel shown beside them.
    Returns columns *by, soort ('knelpunt' | 'succesfactor'), rang (1 = most pronounced), element,
    score, oordeel, n_casussen, n_knelpunt, n_gemengd, n_succesfactor, n_compleet, indicatief;
    sorted by `by`, soort, rang.
    """
    keys = _keys(by)
    columns = ["element", "score", "oordeel", "n_casussen", "n_knelpunt", "n_gemengd",
               "n_succesfactor", "n_compleet", "indicatief"]
    # Sorting integer codes with numpy, then one take: the pandas sort/groupby/concat version
    # cost ~15 ms per call even on one gemeente, a third of the whole analysis of a totaalbeeld.
    n = len(scores)
    group = group_ids(scores, keys)[0] if keys and n else np.zeros(n, dtype=np.int64)
    position = scores["element"].cat.codes.to_numpy().astype(np.int64)
    score = scores["score"].to_numpy(dtype=float)
    oordelen = scores["oordeel"].to_numpy(dtype=object)
    rows, soort, rang = [], [], []
    for code, (label, count_column, ascending) in enumerate(
            (("knelpunt", "n_knelpunt", True), ("succesfactor", "n_succesfactor", False))):
        count = scores[count_column].to_numpy().astype(np.int64)
        chosen = np.flatnonzero(oordelen == label)
        signed = score[chosen] if ascending else -score[chosen]
        chosen = chosen[np.lexsort((position[chosen], -count[chosen], signed, group[chosen]))]
        rank = _rank_within(group[chosen])
        if top is not None:
            chosen, rank = chosen[rank <= top], rank[rank <= top]
        rows.append(chosen)
        soort.append(np.full(len(chosen), code, dtype=np.int64))
        rang.append(rank)
    rows, soort, rang = np.concatenate(rows), np.concatenate(soort), np.concatenate(rang)
    order = np.lexsort((rang, soort, group[rows]))
    rows, soort, rang = rows[order], soort[order], rang[order]
    result = scores[keys + columns].take(rows).reset_index(drop=True)
    result.insert(len(keys), "soort", pd.array(_SOORTEN[soort], dtype="str"))
    result.insert(len(keys) + 1, "rang", rang.astype(np.int64))
    return result


_SOORTEN = np.array(("knelpunt", "succesfactor"), dtype=object)


def _rank_within(group: np.ndarray) -> np.ndarray:
    """1, 2, 3, ... within each run of equal group codes (the array is sorted by group)."""
    n = len(group)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    start = np.empty(n, dtype=bool)
    start[0] = True
    np.not_equal(group[1:], group[:-1], out=start[1:])
    index = np.arange(n, dtype=np.int64)
    return index - np.maximum.accumulate(np.where(start, index, 0)) + 1
