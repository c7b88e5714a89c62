"""The analyseschema: per casus and element the three perspectives side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .encode import Encoded, encode
from .frames import PERSPECTIEVEN
from .completeness import is_compleet
from .grouping import factorize
from .oordeel import oordeel_codes, oordeel_labels
from .settings import DEFAULT_SETTINGS, AnalysisSettings

# Why a perspective has (no) value: it has a score, or only onbekend / nvt / empty answers,
# or no row at all ('ontbreekt').
PERSPECTIEF_STATUS: tuple[str, ...] = ("score", "onbekend", "nvt", "leeg", "ontbreekt")
_STATUS_LABELS = np.array(PERSPECTIEF_STATUS, dtype=object)
_PERSPECTIEF_LABELS = np.array(("Inwoner", "Professional", "Dossier"), dtype=object)

SCHEMA_COLUMNS: tuple[str, ...] = (
    "gemeente", "onderzoek", "casus", "doelgroep", "element",
    "inwoner", "professional", "dossier", "n_professionals", "n_perspectieven",
    "casusscore", "verschil", "afwijkend", "oordeel",
    "inwoner_status", "professional_status", "dossier_status", "toelichting", "compleet",
)


def analyseschema(
    long: pd.DataFrame,
    elements=None,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    toelichting: bool = True,
) -> pd.DataFrame:
    """One row per casus x element (every element of the order, for every casus in the data).

    Expects the long frame (gemeente, onderzoek, casus, doelgroep, perspectief, rol, element,
    antwoord, toelichting) and the element order (list of codes or frame with code, name).
    Returns SCHEMA_COLUMNS, sorted by gemeente, onderzoek, casus and element order:
      inwoner / professional / dossier: perspective value (professional: mean over professionals;
        NaN when the perspective has no 1-5 score);
      n_professionals: number of professional scores; n_perspectieven: perspectives with a value;
      casusscore: mean of the perspective values present (each perspective weighs equally);
      verschil: max - min of the perspective values, NaN when fewer than 2 are present;
      afwijkend: verschil >= settings.afwijkend_min (False when verschil is NaN);
      oordeel: 'knelpunt' / 'gemengd' / 'succesfactor', '' without casusscore;
      <perspectief>_status: one of PERSPECTIEF_STATUS;
      toelichting: 'Inwoner: ... | Professional (rol): ... | Dossier: ...' (non-empty parts only;
        '' everywhere when toelichting=False, which skips the string work);
      compleet: the casus is complete (see completeness).
    element is an ordered Categorical in instrument order.
    """
    return schema_from_encoded(encode(long, elements), settings, toelichting)


def perspective_arrays(enc: Encoded) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Per perspective (inwoner, professional, dossier) three arrays over the cells
    (cell = casus position * n_elements + element position): the value (mean score, NaN without
    score), the number of scores, and the status code (index into PERSPECTIEF_STATUS)."""
    n_cells = enc.n_casussen * enc.n_elements
    cell = enc.casus_idx * enc.n_elements + enc.element_idx
    # Layout (perspectief, kind, cell) keeps every per-perspective array contiguous.
    slot = (enc.perspectief_idx.astype(np.int64) * 4 + enc.kind) * n_cells + cell
    kind_counts = np.bincount(slot, minlength=12 * n_cells).reshape(3, 4, n_cells)
    scores = np.where(enc.kind == 0, enc.score, 0.0)
    sums = np.bincount(enc.perspectief_idx.astype(np.int64) * n_cells + cell, weights=scores, minlength=3 * n_cells)
    sums = sums.reshape(3, n_cells)
    values, counts, status = [], [], []
    for p in range(3):
        count = kind_counts[p, 0]
        value = np.full(n_cells, np.nan)
        np.divide(sums[p], count, out=value, where=count > 0)
        code = np.full(n_cells, 4, dtype=np.int8)
        for kind in (3, 2, 1, 0):  # later assignments win: score > onbekend > nvt > leeg
            code[kind_counts[p, kind] > 0] = kind
        values.append(value)
        counts.append(count)
        status.append(code)
    return values, counts, status


def schema_from_encoded(enc: Encoded, settings: AnalysisSettings = DEFAULT_SETTINGS, toelichting: bool = True) -> pd.DataFrame:
    """analyseschema for an already encoded long frame (see analyseschema for the columns)."""
    n_el = enc.n_elements
    n_cells = enc.n_casussen * n_el
    values, counts, status = perspective_arrays(enc)

    n_present = np.zeros(n_cells, dtype=np.int64)
    total = np.zeros(n_cells)
    for value, count in zip(values, counts):
        n_present += count > 0
        total += np.where(count > 0, value, 0.0)
    casusscore = np.full(n_cells, np.nan)
    np.divide(total, n_present, out=casusscore, where=n_present > 0)
    high = np.fmax(np.fmax(values[0], values[1]), values[2])  # fmax/fmin skip NaN
    low = np.fmin(np.fmin(values[0], values[1]), values[2])
    verschil = np.where(n_present >= 2, high - low, np.nan)
    afwijkend = verschil >= settings.afwijkend_min - 1e-9

    casus_rows = np.repeat(np.arange(enc.n_casussen), n_el)
    cas = enc.casussen
    columns = {
        "gemeente": cas["gemeente"].to_numpy(dtype=object)[casus_rows],
        "onderzoek": pd.array(cas["onderzoek"].to_numpy(dtype=object)[casus_rows], dtype="str"),
        "casus": cas["casus"].to_numpy(dtype=object)[casus_rows],
        "doelgroep": cas["doelgroep"].to_numpy(dtype=object)[casus_rows],
        "element": pd.Categorical.from_codes(np.tile(np.arange(n_el), enc.n_casussen), categories=enc.order, ordered=True),
        "inwoner": values[0],
        "professional": values[1],
        "dossier": values[2],
        "n_professionals": counts[1].astype(np.int64),
        "n_perspectieven": n_present,
        "casusscore": casusscore,
        "verschil": verschil,
        "afwijkend": afwijkend,
        "oordeel": pd.array(oordeel_labels(oordeel_codes(casusscore, settings)), dtype="str"),
    }
    for i, name in enumerate(PERSPECTIEVEN):
        columns[f"{name}_status"] = pd.array(_STATUS_LABELS[status[i]], dtype="str")
    text = _toelichting(enc, n_cells) if toelichting else np.full(n_cells, "", dtype=object)
    columns["toelichting"] = pd.array(text, dtype="str")
    columns["compleet"] = is_compleet(enc.standen)[casus_rows]
    for name in ("gemeente", "casus", "doelgroep"):
        columns[name] = pd.array(columns[name], dtype="str")
    return pd.DataFrame(columns)


def _toelichting(enc: Encoded, n_cells: int) -> np.ndarray:
    """Per cell the joined toelichting: 'Inwoner: ... | Professional (rol): ... | Dossier: ...'.

    Parts are ordered inwoner, professionals (in row order), dossier; empty and missing
    toelichtingen are left out (text is used as given, the forms strip it). Two concatenations
    per non-empty toelichting (label, then appending to its cell), both inside numpy loops.
    """
    result = np.full(n_cells, "", dtype=object)
    frame = enc.frame
    if "toelichting" not in frame.columns or n_cells == 0:
        return result
    column = frame["toelichting"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        empty = np.flatnonzero(np.asarray(column.cat.categories == ""))
        filled = codes >= 0
        if len(empty):
            filled &= codes != empty[0]
        rows = np.flatnonzero(filled)
        text = column.take(rows).to_numpy(dtype=object)
    else:
        raw = column.to_numpy(dtype=object)
        rows = np.flatnonzero(raw != "")  # also selects missing values, dropped next
        text = raw[rows]
        present = ~pd.isna(text)
        if not present.all():
            rows, text = rows[present], text[present]
    if len(rows) == 0:
        return result

    perspectief = enc.perspectief_idx[rows].astype(np.int64)
    # Who speaks: 0 inwoner, 1 dossier, 2.. one per distinct professional rol.
    speaker = np.where(perspectief == 0, 0, 1)
    labels = ["Inwoner: ", "Dossier: "]
    professional = np.flatnonzero(perspectief == 1)
    if len(professional):
        if "rol" in frame.columns:
            rol_codes, rol_uniques = factorize(frame["rol"].take(rows[professional]))
        else:
            rol_codes, rol_uniques = np.zeros(len(professional), dtype=np.int64), np.array([None], dtype=object)
        speaker[professional] = 2 + rol_codes
        for rol in rol_uniques:  # distinct roles only
            rol = "" if rol is None or pd.isna(rol) else str(rol).strip()
            labels.append(f"Professional ({rol}): " if rol else "Professional: ")

    cell = enc.casus_idx[rows] * enc.n_elements + enc.element_idx[rows]
    order = np.argsort(cell * 3 + perspectief, kind="stable")  # stable: professionals in row order
    cell, text, speaker = cell[order], text[order], speaker[order]
    first = np.empty(len(cell), dtype=bool)
    first[0] = True
    np.not_equal(cell[1:], cell[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    prefixes = np.array(labels + [" | " + label for label in labels], dtype=object)
    part = prefixes[speaker + np.where(first, 0, len(labels))] + text
    result[cell[starts]] = np.add.reduceat(part, starts)  # concatenates each cell's parts
    return result
