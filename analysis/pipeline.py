"""The whole analysis in one call, encoding the long frame only once."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .aggregate import (
    doelgroep_element_scores,
    dossier_from_encoded,
    gemeente_element_scores,
    knelpunten_succesfactoren,
    onderzoek_element_scores,
    perspectief_scores,
)
from .analyseschema import schema_from_encoded
from .completeness import completeness_from_encoded, gemeente_basis
from .encode import encode
from .settings import DEFAULT_SETTINGS, AnalysisSettings


@dataclass(frozen=True)
class AnalysisResult:
    """All analysis tables; see the functions named in each comment for the columns."""

    schema: pd.DataFrame  # analyseschema
    gemeente_scores: pd.DataFrame  # gemeente_element_scores
    doelgroep_scores: pd.DataFrame  # doelgroep_element_scores (per gemeente)
    onderzoek_scores: pd.DataFrame  # onderzoek_element_scores (per gemeente)
    perspectief_scores: pd.DataFrame  # perspectief_scores (per gemeente)
    dossier: pd.DataFrame  # dossier_onbekend
    samenvatting: pd.DataFrame  # knelpunten_succesfactoren (per gemeente)
    casussen: pd.DataFrame  # casus_completeness
    basis: pd.DataFrame  # gemeente_basis: per gemeente casussen, complete ones, indicatief


def analyse(
    long: pd.DataFrame,
    elements=None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    toelichting: bool = True,
) -> AnalysisResult:
    """Run every computation on the long frame (columns: see frames.LONG_COLUMNS) with the
    element order `elements` (list of codes or frame with code, name); returns AnalysisResult."""
    encoded = encode(long, elements)
    schema = schema_from_encoded(encoded, settings, toelichting)
    gemeente_scores = gemeente_element_scores(schema, settings)
    casussen = completeness_from_encoded(encoded)
    return AnalysisResult(
        schema=schema,
        gemeente_scores=gemeente_scores,
        doelgroep_scores=doelgroep_element_scores(schema, settings),
        onderzoek_scores=onderzoek_element_scores(schema, settings),
        perspectief_scores=perspectief_scores(schema, ("gemeente",), settings),
        dossier=dossier_from_encoded(encoded),
        samenvatting=knelpunten_succesfactoren(gemeente_scores, ("gemeente",), settings),
        casussen=casussen,
        basis=gemeente_basis(casussen, settings),
    )


def casus_analysis(
    long: pd.DataFrame,
    elements=None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The analyseschema (with toelichting) and the completeness of the casussen in ``long``,
    encoding it once: the analyseschema page of one casus needs both, and nothing else."""
    encoded = encode(long, elements)
    return schema_from_encoded(encoded, settings, True), completeness_from_encoded(encoded)
