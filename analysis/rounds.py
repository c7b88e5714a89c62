"""Two rounds of one gemeente side by side: per element both scores, the change and whether
the oordeel changed, marked indicatief when either round rests on too few complete casussen."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import element_order

ROUND_COLUMNS: tuple[str, ...] = (
    "element", "score_eerder", "n_eerder", "n_compleet_eerder", "oordeel_eerder",
    "score_later", "n_later", "n_compleet_later", "oordeel_later", "verschil",
    "oordeel_veranderd", "indicatief",
)
_PER_ROUND = ("score", "n_casussen", "n_compleet", "oordeel", "indicatief")


def compare_rounds(earlier: pd.DataFrame, later: pd.DataFrame, elements=None) -> pd.DataFrame:
    """Expects element_scores rows of one group per round (columns element, score, n_casussen,
    n_compleet, oordeel, indicatief; see aggregate.element_scores). Returns ROUND_COLUMNS, one
    row per element of either round in element order (codes of ``elements`` first):
    verschil = score_later - score_eerder (NaN when either is missing); oordeel_veranderd when
    both rounds have an oordeel and they differ; indicatief when either round's figure is."""
    def side(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
        part = frame[["element", *_PER_ROUND]].copy()
        part["element"] = part["element"].astype(str)
        return part.rename(columns={"score": f"score_{suffix}", "n_casussen": f"n_{suffix}",
                                    "n_compleet": f"n_compleet_{suffix}",
                                    "oordeel": f"oordeel_{suffix}",
                                    "indicatief": f"indicatief_{suffix}"})

    merged = side(earlier, "eerder").merge(side(later, "later"), on="element", how="outer")
    order = element_order(elements, merged["element"])
    merged = merged.set_index("element").reindex([c for c in order if c in set(merged["element"])])
    merged = merged.reset_index()
    for suffix in ("eerder", "later"):
        for column in (f"n_{suffix}", f"n_compleet_{suffix}"):
            merged[column] = merged[column].fillna(0).astype(np.int64)
        merged[f"oordeel_{suffix}"] = merged[f"oordeel_{suffix}"].fillna("").astype(str)
        merged[f"score_{suffix}"] = merged[f"score_{suffix}"].astype(float)
    merged["verschil"] = merged["score_later"] - merged["score_eerder"]
    both = (merged["oordeel_eerder"] != "") & (merged["oordeel_later"] != "")
    merged["oordeel_veranderd"] = both & (merged["oordeel_eerder"] != merged["oordeel_later"])
    rough = [merged[f"indicatief_{s}"].astype("boolean").fillna(True).astype(bool)
             for s in ("eerder", "later")]
    merged["indicatief"] = rough[0] | rough[1]
    return merged[list(ROUND_COLUMNS)]
