"""The long interchange format as CSV, for R, SPSS and Dutch Excel.

UTF-8 with BOM (so Excel recognises the encoding), semicolon separator (Dutch Excel's list
separator), the same columns as the workbook's Data sheet. Text that a spreadsheet could read as a
formula gets a leading apostrophe. ``csv_bytes`` writes any table so; the CSV bundle uses it too.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

import analysis

from zet.export.cells import text_column
from zet.export.tables import (DATA_COLUMNS, anonymise_long, data_order, gemeente_order,
                               label_order, score_values)
from zet.interchange import DATE_FORMAT


def long_csv(long: pd.DataFrame, anonymous: bool = False, elements=None,
             labels: dict[str, str] | None = None, rondes: dict | None = None,
             settings: analysis.AnalysisSettings = analysis.DEFAULT_SETTINGS) -> bytes:
    """The long frame (see zet.services.dataset.scores_frame) as CSV bytes with the import
    header gemeente;onderzoek;casus;doelgroep;perspectief;rol;element;score;toelichting.
    anonymous: gemeenten as 'Gemeente A', ..., casus codes 'A-01', ..., no toelichting.
    elements: element codes in instrument order, for the row order (see tables.data_order).
    labels, rondes: the anonymous labels to use (see tables.anonymise_long)."""
    if anonymous:
        long, labels, _ = anonymise_long(long, labels, rondes, settings)
        long = data_order(long, label_order(labels), elements)
    else:
        long = data_order(long, gemeente_order(long["gemeente"].unique()), elements)
    columns = {}
    for name in DATA_COLUMNS:
        if name == "score":
            columns[name] = pd.Series(score_values(long["antwoord"]), dtype=object)
        elif name in long.columns:
            columns[name] = long[name].reset_index(drop=True)
        else:
            columns[name] = pd.Series([None] * len(long), dtype=object)
    return csv_bytes(pd.DataFrame(columns, columns=list(DATA_COLUMNS)))


def is_text(values: pd.Series) -> bool:
    """Whether a column holds only text (and empties): it is then guarded against formulas."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Any frame as ZET writes CSV: text guarded (see the module docstring), dates as
    dd-mm-jjjj, numbers as digits, empty as ''."""
    columns = {}
    for name in frame.columns:
        values = frame[name].reset_index(drop=True)
        if is_text(values):
            columns[name] = text_column(values, cut=False).csv_rows()
        else:
            columns[name] = [_text(v) for v in values]
    text = pd.DataFrame(columns, columns=list(frame.columns)).to_csv(
        sep=";", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)
