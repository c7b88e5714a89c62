"""Checking every row of an import table at once, vectorised, with Dutch messages per row number.

``normalise`` maps the file's headers to the interchange columns and derives cleaned columns and
matching keys; ``check`` runs every rule (also against what the database already holds, when a
``KnownState`` is given) and returns all problems together, each with the rows it concerns.
Nothing here writes.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zet.access import ALL, Scope
from zet.instrument import Instrument
from zet.privacy import find_identifying
from zet.rules import MAX_KORT, MAX_TOELICHTING, InvalidAnswer, check_length, parse_answer
from zet.vocabulary import DOELGROEPEN, PERSPECTIEVEN

REQUIRED_COLUMNS = ("gemeente", "casus", "doelgroep", "perspectief", "element", "score",
                    "toelichting")
OPTIONAL_COLUMNS = ("onderzoek", "rol")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
COLUMN_ALIASES = {"antwoord": "score"}  # the long export of zet.services.dataset writes 'antwoord'
MAX_CASUSCODE = 40
MAX_ROWS_NAMED = 12


# --- problems -------------------------------------------------------------------------------

def format_rows(rows) -> str:
    """'rij 7', 'rijen 2-5, 9 en 12' (long lists shortened), as the file's row numbers."""
    rows = sorted(set(int(r) for r in rows))
    if not rows:
        return ""
    runs, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r == prev + 1:
            prev = r
            continue
        runs.append((start, prev))
        start = prev = r
    runs.append((start, prev))
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    extra = ""
    if len(parts) > MAX_ROWS_NAMED:
        rest = sum(b - a + 1 for a, b in runs[MAX_ROWS_NAMED:])
        parts, extra = parts[:MAX_ROWS_NAMED], f" en nog {rest} andere"
    word = "rij" if len(rows) == 1 else "rijen"
    if len(parts) > 1 and not extra:
        return f"{word} {', '.join(parts[:-1])} en {parts[-1]}"
    return f"{word} {', '.join(parts)}{extra}"


@dataclass(frozen=True)
class Problem:
    """One Dutch message and the file rows it concerns (none for a problem with the columns)."""
    message: str
    rows: tuple[int, ...] = ()

    @property
    def first_row(self) -> int:
        return min(self.rows) if self.rows else 0

    def __str__(self) -> str:
        if not self.rows:
            return self.message
        where = format_rows(self.rows)
        return f"{where[0].upper()}{where[1:]}: {self.message}"


# --- what the database already knows --------------------------------------------------------

def gemeente_key(naam: str) -> str:
    """Names compare ignoring case and whitespace: ' duinwijk' is Duinwijk."""
    return " ".join(str(naam).split()).lower()


def text_key(text: str) -> str:
    return " ".join(str(text).split()).lower()


@dataclass
class KnownState:
    """Existing rows the checks compare against, keyed like the table's key columns."""
    gemeenten: dict[str, tuple[int, str]] = field(default_factory=dict)   # gkey -> (id, naam)
    onderzoeken: dict[tuple[int, str], tuple[int, str]] = field(default_factory=dict)
    onderzoek_titels: dict[int, str] = field(default_factory=dict)         # id -> titel
    # (gemeente_id, casus key) -> (casus_id, code, doelgroep, onderzoek_id)
    casussen: dict[tuple[int, str], tuple[int, str, str, int | None]] = field(default_factory=dict)


# --- normalising ----------------------------------------------------------------------------

def _map_unique(series: pd.Series, func) -> np.ndarray:
    """``func`` applied once per distinct value, spread back over the rows (fast for repeats)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        mapped[i] = func(value)
    return mapped[codes]


def _group_ids(*arrays) -> np.ndarray:
    """One integer id per distinct combination of the given row-aligned arrays."""
    combined = None
    for array in arrays:
        codes, uniques = pd.factorize(np.asarray(array, dtype=object), use_na_sentinel=False)
        codes = codes.astype(np.int64)
        if combined is None:
            combined = codes
        else:
            combined, _ = pd.factorize(combined * (len(uniques) + 1) + codes)
            combined = combined.astype(np.int64)
    return combined


def normalise(frame: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Map headers to the interchange columns; None (with problems) when a column is missing.

    The cleaned table has, per file row (index = row number): the trimmed texts ``gemeente``,
    ``casus``, ``onderzoek``, ``rol``, ``toelichting``, the raw ``doelgroep_raw``,
    ``perspectief_raw``, ``element_raw``, ``score_raw``, and the keys ``gkey``, ``ckey``,
    ``okey``, ``rkey``.
    """
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    suggested: set[str] = set()
    for position, header in enumerate(frame.columns):
        shown = str(header).strip()
        key = text_key(shown)
        canonical = COLUMN_ALIASES.get(key, key)
        if canonical in COLUMNS:
            if canonical in positions:
                problems.append(Problem(f"Kolom '{shown}' komt twee keer voor; elke kolom mag "
                                        "maar één keer in rij 1 staan."))
            else:
                positions[canonical] = position
            continue
        close = difflib.get_close_matches(key, list(COLUMNS) + list(COLUMN_ALIASES), n=1,
                                          cutoff=0.6)
        if close:
            target = COLUMN_ALIASES.get(close[0], close[0])
            suggested.add(target)
            problems.append(Problem(f"Kolom '{shown}' onbekend; bedoelt u '{close[0]}'?"))
        else:
            problems.append(Problem(f"Kolom '{shown}' onbekend. Toegestane kolommen: "
                                    f"{', '.join(COLUMNS)}."))
    for name in REQUIRED_COLUMNS:
        if name not in positions and name not in suggested:
            problems.append(Problem(f"Kolom '{name}' ontbreekt. Verplichte kolommen: "
                                    f"{', '.join(REQUIRED_COLUMNS)}."))
    if any(name not in positions for name in REQUIRED_COLUMNS):
        return None, problems

    def column(name: str) -> pd.Series:
        if name not in positions:
            return pd.Series("", index=frame.index, dtype=object)
        return frame.iloc[:, positions[name]].astype(object)

    strip = lambda v: str(v).strip()  # noqa: E731
    table = pd.DataFrame(index=frame.index)
    for name in ("gemeente", "casus", "onderzoek", "rol"):
        table[name] = _map_unique(column(name), strip)
    table["toelichting"] = _map_unique(column("toelichting"), strip)
    for name in ("doelgroep", "perspectief", "element", "score"):
        table[f"{name}_raw"] = column(name)
    table["gkey"] = _map_unique(table["gemeente"], gemeente_key)
    table["ckey"] = _map_unique(table["casus"], lambda v: v.lower())
    table["okey"] = _map_unique(table["onderzoek"], text_key)
    table["rkey"] = _map_unique(table["rol"], text_key)
    return table, problems


# --- the checks -----------------------------------------------------------------------------

@dataclass
class Validation:
    """The cleaned table, every problem, and which rows cannot be imported."""
    table: pd.DataFrame | None
    problems: list[Problem]
    invalid: np.ndarray | None = None   # bool per table row
    column_problems: list[Problem] = field(default_factory=list)

    @property
    def fatal(self) -> bool:
        """A problem with the columns (or no rows at all): nothing is imported, not even with
        --skip-invalid, since a misspelled column would silently lose its data."""
        return self.table is None or bool(self.column_problems)

    @property
    def valid_rows(self) -> pd.DataFrame:
        return self.table.loc[~self.invalid]

    @property
    def skipped_rows(self) -> list[int]:
        return [int(r) for r in self.table.index[self.invalid]]


class _Collector:
    def __init__(self, table: pd.DataFrame):
        self.table = table
        self.rows = table.index.to_numpy()
        self.invalid = np.zeros(len(table), dtype=bool)
        self.problems: list[Problem] = []

    def add(self, message: str, mask: np.ndarray) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.problems.append(Problem(message, tuple(int(r) for r in self.rows[mask])))
            self.invalid |= mask

    def per_value(self, mask: np.ndarray, values: np.ndarray, message) -> None:
        """One problem per distinct offending value, naming all its rows."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        picked = pd.Series(np.asarray(values, dtype=object)[mask], index=np.flatnonzero(mask))
        for value, positions in picked.groupby(picked, sort=False).groups.items():
            row_mask = np.zeros(len(self.rows), dtype=bool)
            row_mask[np.asarray(positions)] = True
            self.add(message(value), row_mask)


def check(table: pd.DataFrame, instrument: Instrument, scope: Scope = ALL,
          known: KnownState | None = None) -> Validation:
    """Every rule on every row; the cleaned table gains ``doelgroep``, ``perspectief``,
    ``element``, ``score``, ``bijzonder`` and ``casus_group`` columns."""
    known = known or KnownState()
    c = _Collector(table)
    n = len(table)
    gemeente = table["gemeente"].to_numpy(dtype=object)
    casus = table["casus"].to_numpy(dtype=object)
    gkey = table["gkey"].to_numpy(dtype=object)

    # Gemeente and casus present, short enough, pseudonymous.
    c.add("Gemeente ontbreekt: vul de naam van de gemeente in.", gemeente == "")
    c.add("Casus ontbreekt: vul de casuscode (pseudoniem) in.", casus == "")
    lengths = _map_unique(table["gemeente"], len).astype(np.int64)
    c.per_value(lengths > MAX_KORT, gemeente,
                lambda v: check_length("Gemeentenaam", v, MAX_KORT))
    casus_message = _map_unique(table["casus"], _casus_problem)
    c.per_value(pd.notna(casus_message), casus_message, lambda m: m)

    # Doelgroep, perspectief, element, score: one lookup per distinct value.
    doelgroep = _map_unique(table["doelgroep_raw"], lambda v: _one_of(v, DOELGROEPEN))
    c.per_value(pd.isna(doelgroep), table["doelgroep_raw"].to_numpy(dtype=object),
                _doelgroep_message)
    table["doelgroep"] = doelgroep

    perspectief = _map_unique(table["perspectief_raw"], lambda v: _one_of(v, PERSPECTIEVEN))
    c.per_value(pd.isna(perspectief), table["perspectief_raw"].to_numpy(dtype=object),
                _perspectief_message)
    table["perspectief"] = perspectief

    element = _map_unique(table["element_raw"], lambda v: _element_code(instrument, v))
    bad = pd.isna(element)
    c.per_value(bad, table["element_raw"].to_numpy(dtype=object),
                lambda v: _element_message(instrument, v))
    table["element"] = element

    parsed = _map_unique(table["score_raw"], _parse)
    is_error = np.fromiter((isinstance(p, str) for p in parsed), dtype=bool, count=n)
    c.per_value(is_error, parsed, lambda m: m)
    table["score"] = np.array([None if isinstance(p, str) else p[0] for p in parsed], dtype=object)
    table["bijzonder"] = np.array([None if isinstance(p, str) else p[1] for p in parsed],
                                  dtype=object)

    # Free text: length limits and identifying data (only text with a digit or '@' can hold
    # a BSN, phone number, postcode, date or e-mail address, so only that is examined).
    toelichting_message = _map_unique(table["toelichting"], _toelichting_problem)
    c.per_value(pd.notna(toelichting_message), toelichting_message, lambda m: m)
    rol_message = _map_unique(table["rol"], lambda v: check_length("Rol", v, MAX_KORT)
                              or find_identifying(v))
    c.per_value(pd.notna(rol_message), rol_message, lambda m: m)
    rol = table["rol"].to_numpy(dtype=object)
    c.per_value((rol != "") & pd.notna(perspectief) & (perspectief != "professional"),
                perspectief, lambda p: (f"Rol is alleen voor het perspectief professional; laat "
                                        f"de kolom rol leeg bij {p}."))
    onderzoek_message = _map_unique(table["onderzoek"],
                                    lambda v: check_length("Onderzoek", v, MAX_KORT))
    c.per_value(pd.notna(onderzoek_message), onderzoek_message, lambda m: m)

    present = (gemeente != "") & (casus != "")
    _check_gemeenten(c, table, known, scope, present)
    table["casus_group"] = _group_ids(gkey, table["ckey"].to_numpy(dtype=object))
    _check_casussen(c, table, known, present)
    _check_duplicates(c, table, present)

    c.problems.sort(key=lambda p: (p.first_row, p.message))
    return Validation(table=table, problems=c.problems, invalid=c.invalid)


_MAYBE_IDENTIFYING = re.compile(r"[\d@]")


def _toelichting_problem(text: str) -> str | None:
    message = check_length("Toelichting", text, MAX_TOELICHTING)
    if message:
        return message
    if _MAYBE_IDENTIFYING.search(text):
        message = find_identifying(text)
        if message:
            return f"Toelichting: {message}"
    return None


def _one_of(raw, allowed) -> str | None:
    text = str(raw).strip().lower()
    return text if text in allowed else None


def _casus_problem(code: str) -> str | None:
    if not code:
        return None
    message = check_length("Casuscode", code, MAX_CASUSCODE)
    if message:
        return message
    message = find_identifying(code)
    if message:
        return "De casuscode moet een pseudoniem zijn. " + message
    return None


def _doelgroep_message(raw) -> str:
    if not str(raw).strip():
        return "Doelgroep ontbreekt: vul jeugd of volwassenen in."
    return f"Doelgroep '{str(raw).strip()}' onbekend: kies jeugd of volwassenen."


def _perspectief_message(raw) -> str:
    if not str(raw).strip():
        return "Perspectief ontbreekt: vul inwoner, professional of dossier in."
    suggestion = difflib.get_close_matches(str(raw).strip().lower(), PERSPECTIEVEN, n=1)
    hint = f" Bedoelt u '{suggestion[0]}'?" if suggestion else ""
    return (f"Perspectief '{str(raw).strip()}' onbekend: kies inwoner, professional of "
            f"dossier.{hint}")


def _element_code(instrument: Instrument, raw) -> str | None:
    text = str(raw).strip()
    if not text:
        return None
    element = instrument.find_element(text)
    return element.code if element else None


def _element_message(instrument: Instrument, raw) -> str:
    text = str(raw).strip()
    if not text:
        return "Element ontbreekt: vul de code of de naam van het werkzaam element in."
    options = {e.code.lower(): e.code for e in instrument.elements}
    options.update({e.name.lower(): e.name for e in instrument.elements})
    close = difflib.get_close_matches(text.lower(), list(options), n=1, cutoff=0.6)
    hint = f" Bedoelt u '{options[close[0]]}'?" if close else ""
    return (f"Element '{text}' onbekend in instrument {instrument.version}: gebruik een code "
            f"({', '.join(instrument.codes)}) of de exacte naam.{hint}")


def _parse(raw):
    try:
        answer = parse_answer(raw)
    except InvalidAnswer as exc:
        return str(exc)
    return (answer.score, answer.special)


def _check_gemeenten(c: _Collector, table, known: KnownState, scope: Scope, present) -> None:
    """Scope, one spelling per gemeente, and the spelling ZET already uses."""
    gkey_codes, gkeys = pd.factorize(table["gkey"].to_numpy(dtype=object))
    naam_codes, namen = pd.factorize(table["gemeente"].to_numpy(dtype=object))
    pairs = pd.DataFrame({"g": gkey_codes, "n": naam_codes}).drop_duplicates()
    for g, naam_indexes in pairs.groupby("g", sort=False)["n"]:
        spellings = [(n, namen[n]) for n in naam_indexes if namen[n] != ""]
        if not spellings:
            continue
        in_file = lambda: gkey_codes == g  # noqa: E731 - computed only when reporting
        stored = known.gemeenten.get(gkeys[g])
        if stored is None:
            if scope.gemeente_ids is not None:
                c.add(f"Geen toegang tot gemeente {spellings[0][1]}: u kunt geen nieuwe "
                      "gemeenten importeren.", in_file())
                continue
        elif not scope.allows(stored[0]):
            c.add(f"Geen toegang tot gemeente {stored[1]}.", in_file())
            continue
        if stored is not None:
            for n, naam in spellings:
                if naam != stored[1]:
                    c.add(f"Gemeente '{naam}' heet in ZET '{stored[1]}'. Gebruik dezelfde "
                          "schrijfwijze als in ZET.", naam_codes == n)
        elif len(spellings) > 1:
            parts = [f"'{naam}' ({format_rows(c.rows[naam_codes == n])})"
                     for n, naam in spellings]
            c.add(f"Gemeente op meer manieren geschreven: {' en '.join(parts)}. Gebruik overal "
                  "dezelfde schrijfwijze.", in_file())


def _check_casussen(c: _Collector, table, known: KnownState, present) -> None:
    """Rules per casus: one doelgroep, one onderzoek, consistent with the stored casus."""
    groups = table["casus_group"].to_numpy()
    frame = pd.DataFrame({"group": groups, "doelgroep": table["doelgroep"].to_numpy(dtype=object),
                          "okey": table["okey"].to_numpy(dtype=object),
                          "onderzoek": table["onderzoek"].to_numpy(dtype=object)})[present]
    if frame.empty:
        return
    first_position = pd.Series(np.arange(len(groups))).groupby(groups).first()

    def label(group) -> tuple[str, str]:
        row = table.iloc[first_position[group]]
        return row["casus"], row["gemeente"]

    doelgroepen = frame[frame["doelgroep"].notna()][["group", "doelgroep"]].drop_duplicates()
    doelgroep_counts = doelgroepen["group"].value_counts()
    for group in doelgroep_counts[doelgroep_counts > 1].index:
        in_casus = groups == group
        casus, gemeente = label(group)
        parts = [f"{d} ({format_rows(c.rows[in_casus & (table['doelgroep'].to_numpy() == d)])})"
                 for d in doelgroepen.loc[doelgroepen["group"] == group, "doelgroep"]]
        c.add(f"Casus {casus} ({gemeente}) heeft meer dan één doelgroep: {' en '.join(parts)}. "
              "Een casus hoort bij één doelgroep; alle rijen van deze casus worden niet "
              "geïmporteerd.", in_casus)
    onderzoeken = frame[frame["okey"] != ""][["group", "okey", "onderzoek"]].drop_duplicates(
        ["group", "okey"])
    counts = onderzoeken["group"].value_counts()
    for group in counts[counts > 1].index:
        in_casus = groups == group
        casus, gemeente = label(group)
        okeys = table["okey"].to_numpy(dtype=object)
        parts = [f"'{o.onderzoek}' ({format_rows(c.rows[in_casus & (okeys == o.okey)])})"
                 for o in onderzoeken[onderzoeken["group"] == group].itertuples()]
        c.add(f"Casus {casus} ({gemeente}) staat bij meer dan één onderzoek: "
              f"{' en '.join(parts)}. Alle rijen van deze casus worden niet geïmporteerd.",
              in_casus)
    if not known.casussen:
        return
    doelgroep_of = doelgroepen.drop_duplicates("group").set_index("group")["doelgroep"]
    onderzoek_of = onderzoeken.drop_duplicates("group").set_index("group")
    gkeys = table["gkey"].to_numpy(dtype=object)
    ckeys = table["ckey"].to_numpy(dtype=object)
    for group, position in first_position.items():
        if not present[position]:
            continue
        stored_gemeente = known.gemeenten.get(gkeys[position])
        if stored_gemeente is None:
            continue
        stored = known.casussen.get((stored_gemeente[0], ckeys[position]))
        if stored is None:
            continue
        _, code, stored_doelgroep, onderzoek_id = stored
        file_doelgroep = doelgroep_of.get(group)
        if file_doelgroep is not None and doelgroep_counts.get(group, 1) == 1 \
                and file_doelgroep != stored_doelgroep:
            c.add(f"Casus {code} ({stored_gemeente[1]}) heeft in ZET doelgroep "
                  f"{stored_doelgroep}, in het bestand {file_doelgroep}. Pas het bestand of de "
                  "casus aan; alle rijen van deze casus worden niet geïmporteerd.",
                  groups == group)
        if onderzoek_id is not None and group in onderzoek_of.index:
            titel = known.onderzoek_titels.get(onderzoek_id, "")
            if onderzoek_of.at[group, "okey"] != text_key(titel):
                c.add(f"Casus {code} ({stored_gemeente[1]}) hoort in ZET bij onderzoek "
                      f"'{titel}', in het bestand bij '{onderzoek_of.at[group, 'onderzoek']}'. "
                      "Alle rijen van deze casus worden niet geïmporteerd.", groups == group)


def _check_duplicates(c: _Collector, table, present) -> None:
    usable = present & table["perspectief"].notna().to_numpy() \
        & table["element"].notna().to_numpy()
    if not usable.any():
        return
    ids = _group_ids(table["casus_group"].to_numpy(), table["perspectief"].to_numpy(dtype=object),
                     table["rkey"].to_numpy(dtype=object),
                     table["element"].to_numpy(dtype=object))
    ids = np.where(usable, ids, -1 - np.arange(len(ids)))  # unusable rows never clash
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return
    picked = pd.Series(ids[duplicated], index=np.flatnonzero(duplicated))
    for _, positions in picked.groupby(picked, sort=False).groups.items():
        positions = np.asarray(positions)
        first = table.iloc[positions[0]]
        rol = f", rol {first['rol']}" if first["rol"] else ""
        mask = np.zeros(len(ids), dtype=bool)
        mask[positions] = True
        c.add(f"Dezelfde score staat meer dan eens in het bestand (gemeente {first['gemeente']}, "
              f"casus {first['casus']}, perspectief {first['perspectief']}{rol}, element "
              f"{first['element']}). Houd één rij over.", mask)


def validate_table(frame: pd.DataFrame, instrument: Instrument, scope: Scope = ALL,
                   known=None) -> Validation:
    """Normalise and check a frame from ``read_table``: every problem at once.

    ``known`` is a KnownState, or a function that gets the normalised table and returns one
    (so the database is only asked about the gemeenten in the file).
    """
    table, problems = normalise(frame)
    if table is None:
        return Validation(table=None, problems=problems, column_problems=problems)
    if table.empty:
        problems = problems + [Problem("Het bestand bevat geen gegevensrijen onder de kopregel.")]
        return Validation(table=None, problems=problems, column_problems=problems)
    if callable(known):
        known = known(table)
    validation = check(table, instrument, scope, known)
    validation.problems[:0] = problems
    validation.column_problems = problems
    return validation
