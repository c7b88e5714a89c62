"""Template rows: a table as a list of dicts with plain Python values, the one shape every page
gets, whether the table came from pandas or from the shared Arrow files (zet.services.national)."""
from __future__ import annotations

import pandas as pd


def records(frame) -> list[dict]:
    """Rows as dicts with plain Python values (NaN -> None) for the templates."""
    if frame is None or frame.empty:
        return []
    rows = frame.to_dict("records")   # plain Python scalars already; only the gaps differ
    for row in rows:
        for key, value in row.items():
            if value is None or value is pd.NA or value != value:
                row[key] = None
        if row.get("element") is not None:
            row["element"] = str(row["element"])
    return rows
