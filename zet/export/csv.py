"""The long interchange format as CSV, for R, SPSS and Dutch Excel.

UTF-8 with BOM (so Excel recognises the encoding), semicolon separator (Dutch Excel's list
separator), the same columns as the workbook's Data sheet. Text that a spreadsheet could read as a
formula gets a leading apostrophe.
"""
from __future__ import annotations

import pandas as pd

from zet.export.cells import text_column
from zet.export.tables import (DATA_COLUMNS, anonymise_long, data_order, gemeente_order,
                               label_order, score_values)


def long_csv(long: pd.DataFrame, anonymous: bool = False, elements=None) -> bytes:
    """The long frame (see zet.services.dataset.scores_frame) as CSV bytes with the import
    header gemeente;onderzoek;casus;doelgroep;perspectief;rol;element;score;toelichting.
    anonymous: gemeenten as 'Gemeente A', ..., casus codes 'A-01', ..., no toelichting.
    elements: element codes in instrument order, for the row order (see tables.data_order)."""
    if anonymous:
        long, labels, _ = anonymise_long(long)
        long = data_order(long, label_order(labels), elements)
    else:
        long = data_order(long, gemeente_order(long["gemeente"].unique()), elements)
    columns = {}
    for name in DATA_COLUMNS:
        if name == "score":
            scores = score_values(long["antwoord"])
            columns[name] = [("" if v is None else str(v)) for v in scores]
        elif name in long.columns:
            columns[name] = text_column(long[name], cut=False).csv_rows()
        else:
            columns[name] = [""] * len(long)
    frame = pd.DataFrame(columns, columns=list(DATA_COLUMNS))
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")
