"""Frames shared by the workbook and the CSV: the anonymised long frame and the Data table.

The Data table is the long interchange format the import reads back as is (docs/importformaat.md):
gemeente, onderzoek, casus, doelgroep, perspectief, rol, element (code), score (1-5 as a number,
or 'nvt' / 'onbekend', or empty), toelichting, status (of the perspective), beoordelaar (the rater's pseudonymous code,
or empty), beoordeling (1 the first rating, 2 the second; empty in an anonymised export). A
double-rated perspective has its second rating as rows of its own, after the first rating's
rows, so a script outside ZET can keep to ``beoordeling == 1`` (what ZET's analysis reads).
The long frame calls the answer ``antwoord``.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

import analysis

DATA_COLUMNS = ("gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
                "score", "toelichting", "status", "beoordelaar", "beoordeling")
_SCORES = {str(n): n for n in range(1, 6)}


def gemeente_order(names) -> list[str]:
    """Distinct gemeente names in the order every sheet of a named export uses: by name,
    ignoring case (an anonymised export follows its labels instead: ``label_order``)."""
    unique = {str(n) for n in names if isinstance(n, str) and n}
    return sorted(unique, key=lambda name: (name.casefold(), name))


def by_gemeente(frame: pd.DataFrame, gemeenten: list[str]) -> pd.DataFrame:
    """``frame`` with its rows in the order of ``gemeenten`` (stable: the order within each
    gemeente is kept), index reset."""
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.iloc[np.argsort(_rank(frame["gemeente"], gemeenten), kind="stable")].reset_index(
        drop=True)


def data_order(long: pd.DataFrame, gemeenten: list[str], elements=None) -> pd.DataFrame:
    """The long frame's rows as the Data sheet and the CSV list them: by gemeente (in
    ``gemeenten`` order), casus, perspectief (inwoner, professional, dossier), rol, rating
    (column ``beoordeling``: 1 the first, 2 the second; when present) and element (in the order
    of the codes in ``elements``; as found when None). Index reset."""
    if long.empty:
        return long.reset_index(drop=True)
    keys = [_rank(long["element"], list(elements)) if elements is not None
            else np.zeros(len(long), dtype=np.int64),
            long["beoordeling"].to_numpy(dtype=np.int64) if "beoordeling" in long
            else np.zeros(len(long), dtype=np.int64),
            pd.factorize(long["rol"].fillna(""), sort=True)[0],
            _rank(long["perspectief"], list(analysis.PERSPECTIEVEN)),
            pd.factorize(long["casus"], sort=True)[0],
            _rank(long["gemeente"], gemeenten)]
    return long.iloc[np.lexsort(keys)].reset_index(drop=True)


def with_second_ratings(long: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The Data rows: ``long`` (the first ratings, with their ``beoordelaar``) and after them
    ``second`` (zet.services.dataset.ratings_frame), told apart by the column ``beoordeling``
    (1, 2) that data_order sorts on."""
    if second.empty:
        return long.assign(beoordeling=1)
    first = long.assign(beoordeling=1)
    first["status"] = first["status"].astype(object)
    return pd.concat([first, second.assign(beoordeling=2)[
        [c for c in first.columns if c in second.columns] + ["beoordeling"]]],
        ignore_index=True)


def _rank(values: pd.Series, order: list) -> np.ndarray:
    """Position of each value in ``order``; values not in it come last."""
    position = {value: i for i, value in enumerate(order)}
    return values.map(position).fillna(len(order)).to_numpy(dtype=np.int64)


def label_order(labels: dict[str, str]) -> list[str]:
    """The anonymous labels in label order ('Gemeente A', ..., 'Gemeente Z', 'Gemeente AA'),
    never in the order of the names behind them (that would undo the random labels)."""
    return sorted(set(labels.values()), key=analysis.label_key)


class NameScrubber:
    """Replaces gemeente names inside free text (onderzoek titles, roles, the filter line) by
    their anonymous label, so an anonymised export names no gemeente anywhere."""

    def __init__(self, labels: dict[str, str]):
        variants: dict[str, str] = {}
        for name, label in labels.items():
            variants[name.casefold()] = label
            short = re.sub(r"^gemeente\s+", "", name, flags=re.IGNORECASE)
            if len(short) >= 3:
                variants.setdefault(short.casefold(), label)
        self._labels = variants
        ordered = sorted(variants, key=len, reverse=True)  # longest first: 'Den Haag' before 'Den'
        self._pattern = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)",
                                    re.IGNORECASE) if ordered else None)

    def __call__(self, text):
        if self._pattern is None or not isinstance(text, str) or not text:
            return text
        return self._pattern.sub(lambda m: self._labels[m.group(0).casefold()], text)

    def column(self, series: pd.Series) -> pd.Series:
        """Scrub every distinct value once."""
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        scrubbed = np.array([self(u) for u in uniques] + [None], dtype=object)
        return pd.Series(scrubbed[np.asarray(codes)], index=series.index, dtype=object)


def anonymise_long(long: pd.DataFrame, labels: dict[str, str] | None = None,
                   rondes: dict[tuple[str, str], str] | None = None,
                   settings: analysis.AnalysisSettings = analysis.DEFAULT_SETTINGS
                   ) -> tuple[pd.DataFrame, dict[str, str], NameScrubber]:
    """The long frame as anonymised output shows it, without any free text: gemeente names
    replaced by 'Gemeente A', 'Gemeente B', ... (``labels``, or analysis.gemeente_labels built
    from this frame), casus codes by 'A-01', 'A-02', ... (per gemeente, in code order), onderzoek
    titles by 'Ronde 1', 'Ronde 2', ... (``rondes``: (gemeente, titel) -> label, see
    zet.services.rondes.anonymous_ronde_names; else per gemeente by title), a professional's rol
    by 'professional 1', 'professional 2', ... per casus, every toelichting emptied, and no
    score from which a figure the pages suppress could be recomputed
    (analysis.drop_small_groups). Returns the frame, the labels and the scrubber (for the
    filter line)."""
    labels = labels if labels is not None else analysis.gemeente_labels(long["gemeente"].unique())
    long = analysis.drop_small_groups(long, settings, complete=analysis.complete_rows(long))
    scrub = NameScrubber(labels)
    frame = analysis.anonymise_gemeenten(long, labels)
    frame["casus"] = _anonymous_casus_codes(long, labels)
    if "onderzoek" in frame.columns:
        frame["onderzoek"] = _generic_rondes(long, rondes)
    if "rol" in frame.columns:
        frame["rol"] = _generic_roles(long)
    frame["toelichting"] = ""
    return frame, labels, scrub


def _generic_rondes(long: pd.DataFrame, rondes: dict | None) -> pd.Series:
    titles = long[["gemeente", "onderzoek"]].drop_duplicates()
    titles = titles[titles["onderzoek"].notna() & (titles["onderzoek"] != "")]
    if rondes is None:
        titles = titles.sort_values(["gemeente", "onderzoek"], kind="stable")
        number = titles.groupby("gemeente", sort=False).cumcount() + 1
        rondes = {(g, t): f"Ronde {n}" for g, t, n in zip(titles["gemeente"],
                                                         titles["onderzoek"], number)}
    def generic(key):
        title = key[1]
        return rondes.get(key, "Ronde ?") if isinstance(title, str) and title else title

    return pd.Series([generic(key) for key in zip(long["gemeente"], long["onderzoek"])],
                     index=long.index, dtype=object)


def _generic_roles(long: pd.DataFrame) -> pd.Series:
    roles = long.loc[long["perspectief"] == "professional", ["gemeente", "casus", "rol"]]
    # Numbered in the order the perspectives were stored, not by the (free-text) role names.
    roles = roles.drop_duplicates()
    number = roles.groupby(["gemeente", "casus"], sort=False).cumcount() + 1
    names = {(g, c, r): f"professional {n}" for g, c, r, n in
             zip(roles["gemeente"], roles["casus"], roles["rol"], number)}
    keys = zip(long["gemeente"], long["casus"], long["rol"], long["perspectief"])
    return pd.Series([names.get((g, c, r), "") if p == "professional" else ""
                      for g, c, r, p in keys], index=long.index, dtype=object)


def anonymous_casus_labels(long: pd.DataFrame, labels: dict[str, str]) -> dict[tuple, str]:
    """(gemeente, casus code) -> the label an anonymised export gives that casus ('A-01')."""
    keys = list(zip(long["gemeente"], long["casus"]))
    return dict(zip(keys, _anonymous_casus_codes(long, labels)))


def _anonymous_casus_codes(long: pd.DataFrame, labels: dict[str, str]) -> np.ndarray:
    if long.empty:
        return np.empty(0, dtype=object)
    group = long.groupby(["gemeente", "casus"], sort=True, dropna=False).ngroup().to_numpy()
    casussen = (long[["gemeente", "casus"]].drop_duplicates()
                .sort_values(["gemeente", "casus"], kind="stable").reset_index(drop=True))
    number = casussen.groupby("gemeente", sort=False).cumcount().to_numpy() + 1
    width = max(2, len(str(int(number.max()))))
    prefix = [labels[g].removeprefix("Gemeente ") for g in casussen["gemeente"]]
    codes = np.array([f"{p}-{n:0{width}d}" for p, n in zip(prefix, number)], dtype=object)
    return codes[group]


def score_values(antwoord: pd.Series) -> np.ndarray:
    """The Data sheet's score per row: 1-5 as int, 'nvt' / 'onbekend' as text, None for empty."""
    codes, uniques = pd.factorize(antwoord, use_na_sentinel=True)
    mapped = np.array([_SCORES.get(str(u).strip(), str(u).strip() or None) for u in uniques]
                      + [None], dtype=object)
    return mapped[np.asarray(codes)]
