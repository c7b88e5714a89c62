"""Making user text safe for a spreadsheet: never a live formula, never a broken file.

Spreadsheet programs treat text that starts with =, +, - or @ (also after leading spaces, or
text starting with a tab or carriage return) as a formula when a user opens a CSV or edits the
cell ("formula injection"). Excel also refuses cells over 32,767 characters and XML control
characters. The work is done once per distinct value, so columns that repeat (gemeente, casus,
element) cost almost nothing, and the 600,000-row national export stays fast.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_CELL_TEXT = 32_767  # Excel's limit per cell, in UTF-16 code units
_CUT_NOTE = "… [ingekort: {n} tekens weggelaten]"
_FORMULA_START = re.compile(r"[\t\r]|\s*[=+\-@]")
# The XML 1.0 control characters openpyxl refuses (tab, newline and carriage return are allowed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (see the module docstring)."""
    return _FORMULA_START.match(text) is not None


def cut_text(text: str, limit: int = MAX_CELL_TEXT) -> str:
    """``text`` itself when it fits in one Excel cell, else its start plus a visible note
    "… [ingekort: N tekens weggelaten]" (N in characters), together at most ``limit`` units."""
    if len(text) <= limit // 2 or len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    longest_note = len(_CUT_NOTE.format(n=len(text)))  # the real note has no more digits
    kept = text.encode("utf-16-le")[: (limit - longest_note) * 2].decode("utf-16-le", "ignore")
    return kept + _CUT_NOTE.format(n=len(text) - len(kept))


def clean_text(value, cut: bool = True) -> str:
    """One value as cell text: control characters removed, cut to fit when ``cut``."""
    text = _ILLEGAL.sub("", str(value))
    return cut_text(text) if cut else text


@dataclass(frozen=True)
class TextColumn:
    """A text column as codes into its distinct cleaned values.

    codes: per row an index into ``values`` (the last entry of ``values`` is None, for empty and
    missing texts); values: the cleaned texts (object array); risky: per value, whether it looks
    like a formula and must be written as plain text.
    """
    codes: np.ndarray
    values: np.ndarray
    risky: np.ndarray

    def rows(self, values: np.ndarray | None = None) -> np.ndarray:
        """Per row the value (from ``values`` if given, e.g. with guarded cells substituted)."""
        return (self.values if values is None else values)[self.codes]

    def csv_rows(self) -> np.ndarray:
        """Per row the text for a CSV file: a risky text gets a leading apostrophe (the usual
        guard, which Excel and LibreOffice show as text); empty stays ''."""
        values = self.values.copy()
        values[self.risky] = ["'" + text for text in values[self.risky]]
        values[-1] = ""
        return values[self.codes]


def text_column(series: pd.Series, cut: bool = True) -> TextColumn:
    """Factorise ``series`` and clean each distinct value once (see TextColumn)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    n = len(uniques)
    values = np.empty(n + 1, dtype=object)
    risky = np.zeros(n + 1, dtype=bool)
    for i, unique in enumerate(uniques):
        text = clean_text(unique, cut) if unique is not None else ""
        if text:
            values[i] = text
            risky[i] = needs_guard(text)
    codes = np.asarray(codes, dtype=np.int64)
    codes[codes < 0] = n  # missing -> the final None
    return TextColumn(codes=codes, values=values, risky=risky)


def unguard(text: str) -> str:
    """Undo the CSV formula guard: "'=x" read back from a CSV is "=x" again, so an export →
    import round trip never changes a text. Other leading quotes stay. (A text that itself
    starts with "'=" was written "''=" by needs_guard, and so comes back whole.)"""
    if text.startswith("'") and looks_like_formula(text.lstrip("'")):
        return text[1:]
    return text


def needs_guard(text: str) -> bool:
    """Whether a CSV must write ``text`` with one more leading apostrophe: it looks like a
    formula, also once the apostrophes it starts with are left out (which unguard takes one of
    away again)."""
    return looks_like_formula(text.lstrip("'"))
