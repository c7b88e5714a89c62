"""The facts tables of an export (zet.interchange registers) as frames of cell values.

Pure: the frames of zet.services.dataset in, one frame per register out, with exactly the
register's columns and its rows in a fixed order (gemeente as every sheet orders them, then
casus code, perspective, rol), so exporting the same data twice gives the same cells whatever
order the database returns. Cell values: text, dates as ``date``, numbers as int, and None
for anything empty.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

import analysis
from zet.export.tables import gemeente_order
from zet.interchange import (CASUSSEN, CITATEN, DEELNEMER_COLUMNS, EINDANALYSE_ELEMENTEN,
                             EINDANALYSE_ONDERBOUWING, EINDANALYSES, GEMEENTEN, LIST_SEPARATOR,
                             NO, ONDERZOEKEN, PERSPECTIEVEN, REGISTERS, SYNTHESE, VERBETERACTIES,
                             VOORTGANG, VRAAG_COLUMNS, YES, Register)

_PERSPECTIVE_RANK = {soort: i for i, soort in enumerate(analysis.PERSPECTIEVEN)}


def register_tables(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Per register name the frame to write. ``frames`` holds 'gemeenten', 'onderzoeken',
    'casussen', 'perspectieven', 'citaten', 'synthese', 'verbeteracties', 'voortgang' and the
    three eindanalyse frames as zet.services.dataset returns them."""
    names = set(frames["gemeenten"]["gemeente"])
    for frame in frames.values():
        names |= set(frame["gemeente"]) if "gemeente" in frame else set()
    rank = {name: i for i, name in enumerate(gemeente_order(names))}
    tables = {
        GEMEENTEN.name: _ordered(frames["gemeenten"], rank),
        ONDERZOEKEN.name: _ordered(frames["onderzoeken"], rank, "onderzoek"),
        CASUSSEN.name: _casussen(_ordered(frames["casussen"], rank, "casus")),
        PERSPECTIEVEN.name: _perspectieven(_ordered(frames["perspectieven"], rank, "casus",
                                                    perspective=True)),
        CITATEN.name: _yes_no(_ordered(frames["citaten"], rank, "casus", perspective=True),
                              "citeerbaar"),
        SYNTHESE.name: _ordered(frames["synthese"], rank, "casus"),
        VERBETERACTIES.name: _verbeteracties(_ordered(frames["verbeteracties"], rank, "titel")),
        VOORTGANG.name: _ordered(frames["voortgang"], rank, "titel"),
        EINDANALYSES.name: _eindanalyses(_ordered(frames["eindanalyses"], rank, "onderzoek")),
        EINDANALYSE_ELEMENTEN.name: _ordered(frames["eindanalyse_elementen"], rank, "onderzoek"),
        EINDANALYSE_ONDERBOUWING.name: _ordered(frames["eindanalyse_onderbouwing"], rank,
                                                "onderzoek"),
    }
    return {register.name: _cells(register, tables[register.name]) for register in REGISTERS}


def _ordered(frame: pd.DataFrame, rank: dict[str, int], second: str | None = None,
             perspective: bool = False) -> pd.DataFrame:
    """Rows by gemeente, then ``second`` (casus code or onderzoek title), then perspective
    and rol; stable, so quotes keep the order they were entered in."""
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = [frame["gemeente"].map(rank).fillna(len(rank)).to_numpy()]
    if second:
        keys.append(frame[second].fillna("").astype(str).to_numpy())
    if perspective:
        keys.append(frame["perspectief"].map(_PERSPECTIVE_RANK).fillna(9).to_numpy())
        keys.append(frame["rol"].fillna("").astype(str).to_numpy())
    order = sorted(range(len(frame)), key=lambda i: tuple(k[i] for k in keys))
    return frame.iloc[order].reset_index(drop=True)


def _casussen(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    leefgebieden = frame["leefgebieden"] if len(frame) else pd.Series([], dtype=object)
    frame["beperkingen"] = [_joined(v) for v in frame["beperkingen"]]
    frame["leefgebieden"] = [_joined(item.get("gebied") for item in (v or []))
                             for v in leefgebieden]
    for column, gebied in VRAAG_COLUMNS.items():
        frame[column] = [next((item.get("vraag") or "" for item in (v or [])
                               if item.get("gebied") == gebied), "") for v in leefgebieden]
    return frame


def _verbeteracties(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["elementen"] = [_joined(v) for v in frame["elementen"]]
    return frame


def _eindanalyses(frame: pd.DataFrame) -> pd.DataFrame:
    """The participants as one number column per discipline (None where nobody came)."""
    frame = frame.copy()
    for column, code in DEELNEMER_COLUMNS.items():
        frame[column] = [(v or {}).get(code) for v in frame["deelnemers"]] if len(frame) \
            else pd.Series([], dtype=object)
    return frame


def _perspectieven(frame: pd.DataFrame) -> pd.DataFrame:
    return _yes_no(frame.rename(columns={"instrument_version": "instrumentversie"}),
                   "toestemming")


def _yes_no(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = [YES if v else NO for v in frame[column]]
    return frame


def _joined(values) -> str:
    return (LIST_SEPARATOR + " ").join(str(v) for v in (values or []) if v)


def _cells(register: Register, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the register's columns, with '' for missing text and None for missing dates
    and numbers."""
    columns = {}
    for name in register.columns:
        values = frame[name].to_numpy(dtype=object) if name in frame else \
            np.full(len(frame), None, dtype=object)
        columns[name] = pd.Series([_cell_value(v) for v in values], dtype=object)
    return pd.DataFrame(columns, columns=list(register.columns))


def _cell_value(value):
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, (date, int)) and not isinstance(value, bool):
        return value
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = str(value)
    return text if text else None
