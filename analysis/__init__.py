"""Pure analysis of ZET casus data: pandas DataFrames in, DataFrames out.

Never imports Flask, SQLAlchemy or zet. The heatmap module needs matplotlib and is imported
lazily through heatmap_png, so the computations load without it.

Text columns stay Python strings: with pyarrow installed (for the shared national analysis,
zet.services.national) pandas would store them in Arrow memory, which made reading and grouping
the national data 2-2.5x slower on the benchmark machine (measured side by side).
"""
import pandas as _pd

_pd.set_option("mode.string_storage", "python")

from .aggregate import (
    SCORE_COLUMNS,
    doelgroep_element_scores,
    dossier_onbekend,
    element_scores,
    gemeente_element_scores,
    knelpunten_succesfactoren,
    onderzoek_element_scores,
    perspectief_scores,
)
from .analyseschema import PERSPECTIEF_STATUS, SCHEMA_COLUMNS, analyseschema
from .completeness import (
    BASIS_COLUMNS,
    COMPLETENESS_COLUMNS,
    STANDEN,
    casus_completeness,
    complete_rows,
    gemeente_basis,
    is_indicatief,
    only_complete,
)
from .anonymise import (anonymise_gemeenten, drop_small_groups, gemeente_labels,
                        in_label_order, label_key, letter_code, suppress_small)
from .frames import (
    DOELGROEPEN,
    LONG_COLUMNS,
    PERSPECTIEVEN,
    element_categorical,
    element_labels,
    element_order,
    numeric_score,
    validate_long,
    with_score,
)
from .formatting import format_score
from .matrix import element_matrix
from .rounds import ROUND_COLUMNS, compare_rounds
from .oordeel import OORDELEN, oordeel
from .pipeline import AnalysisResult, analyse, casus_analysis
from .settings import DEFAULT_SETTINGS, AnalysisSettings


def heatmap_png(*args, **kwargs) -> bytes:
    """See analysis.heatmap.heatmap_png (imported on first use)."""
    from .heatmap import heatmap_png as draw

    return draw(*args, **kwargs)


__all__ = [
    "AnalysisResult", "AnalysisSettings", "BASIS_COLUMNS", "COMPLETENESS_COLUMNS", "DEFAULT_SETTINGS",
    "ROUND_COLUMNS", "STANDEN", "casus_completeness", "compare_rounds", "gemeente_basis", "is_indicatief", "only_complete", "complete_rows", "DOELGROEPEN", "LONG_COLUMNS", "OORDELEN",
    "PERSPECTIEF_STATUS", "PERSPECTIEVEN", "SCHEMA_COLUMNS", "SCORE_COLUMNS",
    "analyse", "analyseschema", "casus_analysis", "anonymise_gemeenten", "doelgroep_element_scores", "dossier_onbekend",
    "element_categorical", "element_labels", "element_matrix", "element_order", "element_scores",
    "format_score", "gemeente_element_scores", "gemeente_labels", "drop_small_groups", "in_label_order", "label_key", "heatmap_png", "knelpunten_succesfactoren",
    "letter_code", "numeric_score", "oordeel", "onderzoek_element_scores", "perspectief_scores",
    "suppress_small", "validate_long", "with_score",
]
