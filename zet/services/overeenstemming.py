"""Agreement between the first and second ratings of double-rated perspectives, for the page
and the workbook: the pairs from the database (scoped), the figures from analysis.agreement."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from analysis import agreement
from zet.access import Scope
from zet.instrument import Instrument
from zet.services.dataset import ratings_frame


@dataclass
class Overeenstemming:
    """The pairs and the figures per element (with the row 'Alle elementen'), per gemeente and
    per rater pair, of both-definitief ratings; ``concept`` counts the scored pairs of which a
    rating is still concept (not in the figures)."""
    pairs: pd.DataFrame
    per_element: pd.DataFrame
    per_gemeente: pd.DataFrame
    per_beoordelaars: pd.DataFrame
    concept: int          # scored pairs left out of the figures: a rating is still concept
    perspectieven: int

    @property
    def empty(self) -> bool:
        return self.pairs.empty


def rating_pairs(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """The pairs (analysis.agreement.PAIR_COLUMNS plus ``concept``: either rating not yet
    definitief) of the gemeenten in scope."""
    second = ratings_frame(session, scope, gemeente_ids=gemeente_ids, toelichting=False)
    first = ratings_frame(session, scope, gemeente_ids=gemeente_ids, second=False,
                          toelichting=False)
    pairs = agreement.pairs(first, second)
    keys = agreement.PAIR_KEYS
    status = second[keys + ["status"]].merge(first[keys + ["status"]], on=keys,
                                             suffixes=("_2", "_1"))
    concept = pairs[keys].merge(status, on=keys, how="left")
    pairs["concept"] = ((concept["status_1"] != "definitief")
                        | (concept["status_2"] != "definitief")).to_numpy()
    return pairs


def overeenstemming(session: Session, scope: Scope, instrument: Instrument, *,
                    gemeente_ids=None) -> Overeenstemming:
    """Every figure of the agreement page and sheet (elements in instrument order, also those
    without pairs)."""
    return of_pairs(rating_pairs(session, scope, gemeente_ids=gemeente_ids), instrument)


def of_pairs(pairs: pd.DataFrame, instrument: Instrument) -> Overeenstemming:
    """The figures of the pairs whose two ratings are both definitief; the others are only
    counted (``concept``): a concept rating may still change, and its figures would let the
    other rater read it back."""
    concept = _concept_pairs(pairs)
    if "concept" in pairs:
        pairs = pairs[~pairs["concept"].astype(bool)].reset_index(drop=True)
    per_element = agreement.agreement(pairs, by="element", order=list(instrument.codes))
    names = {e.code: e.name for e in instrument.elements}
    per_element.insert(1, "naam", per_element["element"].map(names).fillna(""))
    return Overeenstemming(
        pairs=pairs, per_element=per_element,
        per_gemeente=agreement.agreement(pairs, by="gemeente", overall=None),
        per_beoordelaars=agreement.agreement(pairs, by="beoordelaars", overall=None),
        concept=concept,
        perspectieven=len(pairs[agreement.PERSPECTIVE_KEYS].drop_duplicates()))


def _concept_pairs(pairs: pd.DataFrame) -> int:
    if "concept" not in pairs:
        return 0
    scored = ~(pairs["antwoord_1"].isin(agreement.SPECIAL) | pairs["antwoord_2"].isin(
        agreement.SPECIAL))
    return int((pairs["concept"] & scored).sum())
