"""Checking every row of an import table at once, vectorised, with Dutch messages per row number.

``normalise`` maps the file's headers to the interchange columns; every column is factorised
once (integer codes per row, distinct values once), so each rule runs per distinct value and is
spread back over the rows with numpy. ``check`` runs every rule (also against what the database
already holds, given a ``KnownState``) and returns all problems together, each naming its rows.
Nothing here writes.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zet.access import ALL, Scope
from zet.instrument import Instrument
from zet.rules import InvalidAnswer, catalog, parse_answer, state
from zet.rules.identity import (gemeente_lookalike_problem, gemeente_spelling_message,
                                no_access_message)
from zet.rules.names import (beoordelaar_key, casus_key, clean_name, gemeente_key,
                             gemeente_lookalike_key, name_key, onderzoek_key, rol_key)

REQUIRED_COLUMNS = ("gemeente", "casus", "doelgroep", "perspectief", "element", "score",
                    "toelichting")
OPTIONAL_COLUMNS = ("onderzoek", "rol", "status", "beoordelaar", "beoordeling")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
COLUMN_ALIASES = {"antwoord": "score"}  # the long export of zet.services.dataset writes 'antwoord'
NAME_COLUMNS = ("gemeente", "casus", "onderzoek", "rol", "beoordelaar")   # cleaned as names (single spaces)
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
    """One Dutch message and the file rows it concerns (none for a problem with the columns);
    ``where`` names the sheet or file when it is not the scores table ("tabblad 'Casussen'")."""
    message: str
    rows: tuple[int, ...] = ()
    where: str = ""

    @property
    def first_row(self) -> int:
        return min(self.rows) if self.rows else 0

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.where, format_rows(self.rows)) if part)
        if not where:
            return self.message
        return f"{where[0].upper()}{where[1:]}: {self.message}"


# --- what the database already knows --------------------------------------------------------

@dataclass
class StoredPerspectief:
    """What the state rules need to know of a stored perspective."""
    id: int
    status: str
    instrument_version: str
    answered: frozenset = frozenset()     # element codes with an answer (definitief ones only)
    meta: dict = field(default_factory=dict)   # datum, afnemer, rol, geinterviewde, toestemming..
    beoordelaar: str = ""                  # the rater's code as a key ('' when not named)
    tweede: "StoredPerspectief | None" = None   # the second rating, if any (double rating)


@dataclass
class KnownState:
    """Existing rows the checks compare against, keyed like the table's key columns."""
    gemeenten: dict[str, tuple[int, str]] = field(default_factory=dict)   # gkey -> (id, naam)
    lookalikes: dict[str, list[str]] = field(default_factory=dict)        # lookalike -> namen
    onderzoeken: dict[tuple[int, str], tuple[int, str]] = field(default_factory=dict)
    onderzoek_titels: dict[int, str] = field(default_factory=dict)         # id -> titel
    # (gemeente_id, casus key) -> (casus_id, code, doelgroep, onderzoek_id)
    casussen: dict[tuple[int, str], tuple[int, str, str, int | None]] = field(default_factory=dict)
    # (casus_id, soort, rol key) -> stored perspective
    perspectieven: dict[tuple[int, str, str], StoredPerspectief] = field(default_factory=dict)
    # (gemeente key, casus key, soort, rol key) -> the perspective facts the file gives beside
    # the scores (the Perspectieven sheet): datum, afnemer, toestemming, ...
    file_meta: dict[tuple[str, str, str, str], dict] = field(default_factory=dict)

    def add_gemeente(self, gemeente_id: int, naam: str) -> None:
        self.gemeenten[gemeente_key(naam)] = (gemeente_id, naam)
        self.lookalikes.setdefault(gemeente_lookalike_key(naam), []).append(naam)


# --- factorised columns ---------------------------------------------------------------------

@dataclass
class Coded:
    """A column as integer codes per row plus its distinct values (``uniques[codes]``)."""
    codes: np.ndarray
    uniques: np.ndarray

    @classmethod
    def of(cls, values) -> "Coded":
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        return cls(codes.astype(np.int64), _none_for_na(uniques))

    def map(self, func) -> "Coded":
        """``func`` once per distinct value; codes stay (mapped values may coincide)."""
        mapped = np.empty(len(self.uniques), dtype=object)
        for i, value in enumerate(self.uniques):
            mapped[i] = func(value)
        return Coded(self.codes, mapped)

    def distinct(self) -> "Coded":
        """Codes that are equal exactly when the (mapped) values are equal."""
        inner, uniques = pd.factorize(self.uniques, use_na_sentinel=False)
        return Coded(inner.astype(np.int64)[self.codes], _none_for_na(uniques))

    def take(self, positions: np.ndarray) -> "Coded":
        return Coded(self.codes[positions], self.uniques)

    def values(self) -> np.ndarray:
        return self.uniques[self.codes]

    def where(self, predicate) -> np.ndarray:
        """Row mask: ``predicate`` (on a distinct value) is true."""
        hit = np.fromiter((bool(predicate(u)) for u in self.uniques), dtype=bool,
                          count=len(self.uniques))
        return hit[self.codes]

    def __len__(self) -> int:
        return len(self.codes)


def _none_for_na(uniques) -> np.ndarray:
    """pandas turns None into NaN when factorising; the checks want None back."""
    result = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        result[i] = None if value is None or value != value else value
    return result


def combine(*codes: np.ndarray) -> np.ndarray:
    """One dense integer id per distinct combination of row-aligned integer codes."""
    result = np.asarray(codes[0], dtype=np.int64)
    for more in codes[1:]:
        more = np.asarray(more, dtype=np.int64)
        result, _ = pd.factorize(result * (int(more.max(initial=0)) + 2) + more + 1)
        result = result.astype(np.int64)
    return result


@dataclass
class Table:
    """The normalised import rows: file row numbers and coded columns (all row-aligned)."""
    rows: np.ndarray
    columns: dict[str, Coded]

    def __getitem__(self, name: str) -> Coded:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.rows)

    def take(self, positions: np.ndarray) -> "Table":
        return Table(self.rows[positions],
                     {name: col.take(positions) for name, col in self.columns.items()})


def normalise(frame: pd.DataFrame, ignore_unknown: bool = False
              ) -> tuple[Table | None, list[Problem], list[str]]:
    """Map headers to the interchange columns; None (with problems) when a column is missing.

    Columns of the table: the cleaned names ``gemeente``, ``casus``, ``onderzoek``, ``rol``
    (zet.rules.names.clean_name), the trimmed ``toelichting``; the raw ``doelgroep_raw``,
    ``perspectief_raw``, ``element_raw``, ``score_raw``, ``status_raw``; and the keys ``gkey``,
    ``ckey``, ``okey``, ``rkey`` (a CSV's formula guard was undone by the reader). Rows with
    only blanks are left out. With ``ignore_unknown`` unknown columns are listed (third
    value) instead of refused.
    """
    problems: list[Problem] = []
    ignored: list[str] = []
    positions: dict[str, int] = {}
    suggested: set[str] = set()
    for position, header in enumerate(frame.columns):
        shown = str(header).strip()
        key = name_key(shown)
        canonical = COLUMN_ALIASES.get(key, key)
        if canonical in COLUMNS:
            if canonical in positions:
                problems.append(Problem(f"Kolom '{shown}' komt twee keer voor; elke kolom mag "
                                        "maar één keer in rij 1 staan."))
            else:
                positions[canonical] = position
            continue
        if ignore_unknown:
            ignored.append(shown)
            continue
        close = difflib.get_close_matches(key, list(COLUMNS) + list(COLUMN_ALIASES), n=1,
                                          cutoff=0.6)
        if close:
            suggested.add(COLUMN_ALIASES.get(close[0], close[0]))
            problems.append(Problem(f"Kolom '{shown}' onbekend; bedoelt u '{close[0]}'?"))
        else:
            problems.append(Problem(f"Kolom '{shown}' onbekend. Toegestane kolommen: "
                                    f"{', '.join(COLUMNS)}."))
    for name in REQUIRED_COLUMNS:
        if name not in positions and name not in suggested:
            problems.append(Problem(f"Kolom '{name}' ontbreekt. Verplichte kolommen: "
                                    f"{', '.join(REQUIRED_COLUMNS)}."))
    if any(name not in positions for name in REQUIRED_COLUMNS):
        return None, problems, ignored

    n = len(frame)
    strip = lambda v: "" if v is None or v != v else str(v).strip()  # noqa: E731
    columns: dict[str, Coded] = {}
    for name in COLUMNS:
        raw = (Coded.of(frame.iloc[:, positions[name]].to_numpy(dtype=object))
               if name in positions else Coded(np.zeros(n, dtype=np.int64),
                                               np.array([""], dtype=object)))
        stripped = raw.map(strip)
        if name in NAME_COLUMNS:
            stripped = stripped.map(clean_name)
        if name in ("doelgroep", "perspectief", "element", "score", "status"):
            columns[f"{name}_raw"] = stripped
        else:
            columns[name] = stripped
    blank = np.ones(n, dtype=bool)
    for col in columns.values():
        blank &= col.where(lambda v: v == "")
    table = Table(frame.index.to_numpy(dtype=np.int64), columns)
    if blank.any():
        table = table.take(np.flatnonzero(~blank))
    columns = table.columns
    columns["gkey"] = columns["gemeente"].map(gemeente_key).distinct()
    columns["ckey"] = columns["casus"].map(casus_key).distinct()
    columns["okey"] = columns["onderzoek"].map(onderzoek_key).distinct()
    columns["rkey"] = columns["rol"].map(rol_key).distinct()
    columns["bkey"] = columns["beoordelaar"].map(beoordelaar_key).distinct()
    return table, problems, ignored


# --- the checks -----------------------------------------------------------------------------

@dataclass
class Validation:
    """The normalised table, every problem, and which rows cannot be imported."""
    table: Table | None
    problems: list[Problem]
    invalid: np.ndarray | None = None   # bool per table row
    # Problems that stop the whole import, also with skip_invalid: the columns, the facts
    # tables (they are not score rows that can be skipped).
    blocking_problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    source: dict = field(default_factory=dict)   # how the reader read it: sheet, header_row, ..
    lookalike_gemeenten: bool = False   # a new gemeente looks like another: confirm to import
    file_status: dict = field(default_factory=dict)  # perspective group -> status in the file
    element_readings: list[tuple[str, str]] = field(default_factory=list)  # (in file, element)

    @property
    def fatal(self) -> bool:
        """A blocking problem (or no rows at all): nothing is imported, not even with
        --skip-invalid, since a misspelled column would silently lose its data."""
        return self.table is None or bool(self.blocking_problems)

    @property
    def valid_positions(self) -> np.ndarray:
        return np.flatnonzero(~self.invalid)

    @property
    def skipped_rows(self) -> list[int]:
        if self.table is None:
            return []
        return [int(r) for r in self.table.rows[self.invalid]]


class _Collector:
    def __init__(self, table: Table):
        self.rows = table.rows
        self.invalid = np.zeros(len(table), dtype=bool)
        self.problems: list[Problem] = []
        self.lookalike_gemeenten = False
        self.file_status: dict[int, str] = {}   # perspective group -> status the file gives

    def add(self, message: str, mask: np.ndarray) -> None:
        positions = np.flatnonzero(mask)
        if len(positions):
            self.add_positions(message, positions)

    def add_positions(self, message: str, positions: np.ndarray) -> None:
        self.problems.append(Problem(message, tuple(self.rows[positions].tolist())))
        self.invalid[positions] = True

    def per_value(self, coded: Coded, message_of, only: np.ndarray | None = None) -> None:
        """``message_of(value)`` (a message or None) once per distinct value; one problem per
        distinct message, naming all its rows. ``only`` restricts the rows considered."""
        messages = np.empty(len(coded.uniques), dtype=object)
        for i, value in enumerate(coded.uniques):
            messages[i] = message_of(value)
        has = pd.notna(messages)
        if not has.any():
            return
        message_codes, distinct = pd.factorize(messages[has])
        per_unique = np.full(len(coded.uniques), -1, dtype=np.int64)
        per_unique[has] = message_codes
        per_row = per_unique[coded.codes]
        if only is not None:
            per_row = np.where(only, per_row, -1)
        positions = np.flatnonzero(per_row >= 0)
        if not len(positions):
            return
        order = np.argsort(per_row[positions], kind="stable")
        positions = positions[order]
        counts = np.bincount(per_row[positions], minlength=len(distinct))
        for message, group in zip(distinct, np.split(positions, np.cumsum(counts)[:-1])):
            if len(group):
                self.add_positions(str(message), group)


def check(table: Table, instrument: Instrument, scope: Scope = ALL,
          known: KnownState | None = None, *, allow_new_gemeenten: bool = False) -> Validation:
    """Every rule on every row. The table gains the columns ``doelgroep``, ``perspectief``,
    ``element`` (code), ``score`` (int, 0 = none), ``bijzonder`` and ``status`` (None when not
    given), with None for invalid values, and ``casus_group`` / ``perspectief_group`` (integer
    ids per casus / perspective).

    The field, identity and state rules come from zet.rules (the services apply the same
    objects); this function only applies them once per distinct value and spreads the result.
    """
    known = known or KnownState()
    c = _Collector(table)
    cols = table.columns

    c.per_value(cols["gemeente"], catalog.GEMEENTE_NAAM.problem)
    c.per_value(cols["casus"], catalog.CASUS_CODE.problem)
    c.per_value(cols["doelgroep_raw"], catalog.DOELGROEP.problem)
    cols["doelgroep"] = cols["doelgroep_raw"].map(catalog.DOELGROEP.normalise).distinct()
    c.per_value(cols["perspectief_raw"], catalog.PERSPECTIEF.problem)
    cols["perspectief"] = cols["perspectief_raw"].map(catalog.PERSPECTIEF.normalise).distinct()
    readings: list[tuple[str, str]] = []
    cols["element"] = cols["element_raw"].map(
        lambda v: element_code(instrument, v, readings)).distinct()
    c.per_value(cols["element_raw"], lambda v: None if element_code(instrument, v)
                else element_message(instrument, v))
    parsed = cols["score_raw"].map(_parse)
    c.per_value(parsed, lambda p: p if isinstance(p, str) else None)
    cols["score"] = parsed.map(lambda p: 0 if isinstance(p, str) or p[0] is None else p[0])
    cols["bijzonder"] = parsed.map(lambda p: None if isinstance(p, str) else p[1])
    c.per_value(cols["status_raw"], lambda v: catalog.PERSPECTIEF_STATUS.problem(v) if v
                else None)
    cols["status"] = cols["status_raw"].map(catalog.PERSPECTIEF_STATUS.normalise).distinct()

    c.per_value(cols["toelichting"], catalog.TOELICHTING.problem)
    c.per_value(cols["rol"], catalog.ROL.problem)
    has_rol = cols["rol"].where(bool)
    c.per_value(cols["perspectief"], lambda p: state.rol_problem(p, "rol"), only=has_rol)
    c.per_value(cols["onderzoek"], lambda v: catalog.ONDERZOEK_TITEL.problem(v) if v else None)
    c.per_value(cols["beoordelaar"], catalog.BEOORDELAAR.problem)

    present = cols["gemeente"].where(bool) & cols["casus"].where(bool)
    _check_gemeenten(c, table, known, scope, allow_new_gemeenten)
    cols["casus_group"] = Coded(combine(cols["gkey"].codes, cols["ckey"].codes),
                                np.empty(0, dtype=object))
    _check_casussen(c, table, known, scope, present)
    perspective = combine(cols["casus_group"].codes, cols["perspectief"].codes,
                          cols["rkey"].codes)
    cols["rating"] = Coded(_ratings(c, table, known, scope, perspective),
                           np.array([1, 2, 0], dtype=object))
    cols["perspective"] = Coded(perspective, np.empty(0, dtype=object))   # whichever rating
    _check_rating_column(c, table)
    # One group per rating of a perspective: a second rater's rows are no duplicates.
    cols["perspectief_group"] = Coded(combine(perspective, cols["rating"].codes),
                                      np.empty(0, dtype=object))
    _check_duplicates(c, table, present)
    _check_perspective_states(c, table, known, scope, instrument, present)

    c.problems.sort(key=lambda p: (p.first_row, p.message))
    return Validation(table=table, problems=c.problems, invalid=c.invalid,
                      total_rows=len(table), element_readings=sorted(set(readings)),
                      lookalike_gemeenten=c.lookalike_gemeenten, file_status=c.file_status)


def element_code(instrument: Instrument, raw, readings: list | None = None) -> str | None:
    """The element's code: by code or exact name, else by the one name that matches with
    accents ignored (noted in ``readings`` so the summary can say how it was read)."""
    if not raw:
        return None
    element = instrument.find_element(raw)
    if element is None:
        element = instrument.find_element_loosely(raw)
        if element is not None and readings is not None:
            readings.append((str(raw), element.name))
    return element.code if element else None


def element_message(instrument: Instrument, raw) -> str:
    if not raw:
        return "Element ontbreekt: vul de code of de naam van het werkzaam element in."
    options = {e.code.lower(): e.code for e in instrument.elements}
    options.update({e.name.lower(): e.name for e in instrument.elements})
    close = difflib.get_close_matches(str(raw).lower(), list(options), n=1, cutoff=0.6)
    hint = f" Bedoelt u '{options[close[0]]}'?" if close else ""
    return (f"Element '{raw}' onbekend in instrument {instrument.version}: gebruik een code "
            f"({', '.join(instrument.codes)}) of de exacte naam.{hint}")


def _parse(raw):
    try:
        answer = parse_answer(raw)
    except InvalidAnswer as exc:
        return str(exc)
    return (answer.score, answer.special)


def unique_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distinct (a, b) pairs of two row-aligned non-negative integer arrays, as rows."""
    if not len(a):
        return np.empty((0, 2), dtype=np.int64)
    width = int(b.max()) + 1
    keys = np.sort(pd.unique(a.astype(np.int64) * width + b.astype(np.int64)))
    return np.stack([keys // width, keys % width], axis=1)


def first_positions(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes and the first row position of each."""
    return np.unique(codes, return_index=True)


def _check_gemeenten(c: _Collector, table: Table, known: KnownState, scope: Scope,
                     allow_new: bool = False) -> None:
    """Scope, one spelling per gemeente, the spelling ZET already uses, and no new gemeente
    that looks like an existing one (or like another new one in the file) unless confirmed."""
    gkey, naam = table["gkey"], table["gemeente"]
    pairs = unique_pairs(gkey.codes, naam.codes)
    new_by_lookalike: dict[str, list[str]] = {}
    for g in np.unique(pairs[:, 0]):
        if gkey.uniques[g] and gkey.uniques[g] not in known.gemeenten:
            first = naam.uniques[pairs[pairs[:, 0] == g, 1][0]]
            new_by_lookalike.setdefault(gemeente_lookalike_key(first), []).append(first)
    for g in np.unique(pairs[:, 0]):
        spellings = [(int(n), naam.uniques[n]) for n in pairs[pairs[:, 0] == g, 1]
                     if naam.uniques[n] != ""]
        if not spellings:
            continue
        in_file = lambda: gkey.codes == g  # noqa: E731 - only computed when reporting
        stored = known.gemeenten.get(gkey.uniques[g])
        if not scope.may_import_into(stored[0] if stored is not None else None):
            c.add(no_access_message(spellings[0][1]), in_file())
            continue
        if stored is not None:
            for n, spelling in spellings:
                if spelling != stored[1]:
                    c.add(gemeente_spelling_message(spelling, stored[1]), naam.codes == n)
        elif len(spellings) > 1:
            parts = [f"'{spelling}' ({format_rows(c.rows[naam.codes == n])})"
                     for n, spelling in spellings]
            c.add(f"Gemeente op meer manieren geschreven: {' en '.join(parts)}. Gebruik overal "
                  "dezelfde schrijfwijze.", in_file())
        elif not allow_new:
            first = spellings[0][1]
            similar = known.lookalikes.get(gemeente_lookalike_key(first), []) + [
                other for other in new_by_lookalike.get(gemeente_lookalike_key(first), [])
                if other != first]
            message = gemeente_lookalike_problem(first, similar)
            if message:
                c.add(message, in_file())
                c.lookalike_gemeenten = True


def _check_casussen(c: _Collector, table: Table, known: KnownState, scope: Scope,
                    present) -> None:
    """Rules per casus: one doelgroep, one onderzoek, consistent with the stored casus."""
    groups = table["casus_group"].codes
    doelgroep, okey = table["doelgroep"], table["okey"]
    groups_seen, firsts = first_positions(groups)

    def label(position) -> str:
        casus, gemeente = table["casus"], table["gemeente"]
        return (f"{casus.uniques[casus.codes[position]]} "
                f"({gemeente.uniques[gemeente.codes[position]]})")

    def distinct_per_group(coded: Coded, usable: np.ndarray):
        """(group, value code) pairs among usable rows, and how many values each group has."""
        mask = present & usable
        pairs = unique_pairs(groups[mask], coded.codes[mask])
        counts = np.bincount(pairs[:, 0], minlength=len(groups_seen)) if len(pairs) \
            else np.zeros(len(groups_seen), dtype=np.int64)
        return pairs, counts

    def parts(coded: Coded, pairs, group, in_casus, shown: Coded | None = None):
        """'jeugd (rijen 2-16) en volwassenen (rijen 17-31)': each value with its rows."""
        result = []
        for v in pairs[pairs[:, 0] == group, 1]:
            rows = in_casus & (coded.codes == v)
            text = coded.uniques[v] if shown is None else \
                f"'{shown.uniques[shown.codes[np.flatnonzero(rows)[0]]]}'"
            result.append(f"{text} ({format_rows(c.rows[rows])})")
        return " en ".join(result)

    has_doelgroep = doelgroep.where(lambda d: d is not None)
    doelgroep_pairs, doelgroep_counts = distinct_per_group(doelgroep, has_doelgroep)
    for group in np.flatnonzero(doelgroep_counts > 1):
        in_casus = groups == group
        c.add(f"Casus {label(firsts[group])} heeft meer dan één doelgroep: "
              f"{parts(doelgroep, doelgroep_pairs, group, in_casus)}. Een casus hoort bij één "
              "doelgroep; alle rijen van deze casus worden niet geïmporteerd.", in_casus)
    onderzoek = table["onderzoek"]
    has_onderzoek = okey.where(bool)
    onderzoek_pairs, onderzoek_counts = distinct_per_group(okey, has_onderzoek)
    for group in np.flatnonzero(onderzoek_counts > 1):
        in_casus = groups == group
        c.add(f"Casus {label(firsts[group])} staat bij meer dan één onderzoek: "
              f"{parts(okey, onderzoek_pairs, group, in_casus, shown=onderzoek)}. Alle rijen van "
              "deze casus worden niet geïmporteerd.", in_casus)
    if not known.casussen:
        return
    doelgroep_of = {int(g): doelgroep.uniques[v] for g, v in doelgroep_pairs}
    okey_of = {int(g): okey.uniques[v] for g, v in onderzoek_pairs}
    gkeys, ckeys = table["gkey"], table["ckey"]
    for group, position in zip(groups_seen, firsts):
        stored_gemeente = known.gemeenten.get(gkeys.uniques[gkeys.codes[position]])
        if stored_gemeente is None or not scope.allows(stored_gemeente[0]):
            continue
        stored = known.casussen.get((stored_gemeente[0], ckeys.uniques[ckeys.codes[position]]))
        if stored is None:
            continue
        _, code, stored_doelgroep, onderzoek_id = stored
        file_doelgroep = doelgroep_of.get(int(group))
        if file_doelgroep is not None and doelgroep_counts[group] == 1 \
                and file_doelgroep != stored_doelgroep:
            c.add(f"Casus {code} ({stored_gemeente[1]}) heeft in ZET doelgroep "
                  f"{stored_doelgroep}, in het bestand {file_doelgroep}. Pas het bestand of de "
                  "casus aan; alle rijen van deze casus worden niet geïmporteerd.",
                  groups == group)
        file_okey = okey_of.get(int(group))
        if onderzoek_id is not None and file_okey and onderzoek_counts[group] == 1:
            titel = known.onderzoek_titels.get(onderzoek_id, "")
            if file_okey != onderzoek_key(titel):
                in_casus = groups == group
                shown = onderzoek.uniques[onderzoek.codes[
                    np.flatnonzero(in_casus & has_onderzoek)[0]]]
                c.add(f"Casus {code} ({stored_gemeente[1]}) hoort in ZET bij onderzoek "
                      f"'{titel}', in het bestand bij '{shown}'. Alle rijen van deze casus "
                      "worden niet geïmporteerd.", in_casus)


REFUSED_RATING = 2   # rows of a rater code that was refused: apart from both ratings


def _ratings(c: _Collector, table: Table, known: KnownState, scope: Scope,
             perspective: np.ndarray) -> np.ndarray:
    """Per row 0 for the first rating of its perspective, 1 for the second (double rating),
    REFUSED_RATING for rows whose code cannot be taken (their problem is reported; they stay
    apart, so they make no false duplicates of either rating).

    An empty code always means the first rating. A stored perspective keeps its raters: the
    code of its first rating and of its second; a code it does not know becomes its second
    rating when it has none yet. A new perspective takes the empty code (if any) and then the
    codes in the order the file first names them. Refused: a third code, and a single new code
    for a stored perspective whose first rating has no code, when the file has no rows for that
    first rating (is it the first rater named afterwards, or a second rater? ZET does not
    guess: naming a first rater afterwards would otherwise look like perfect agreement)."""
    rating = np.zeros(len(table), dtype=np.int64)
    bkey, raw = table["bkey"], table["beoordelaar"]
    if not bkey.where(bool).any():
        return rating   # no rater named anywhere: all first ratings
    bad = raw.where(lambda v: catalog.BEOORDELAAR.problem(v) is not None)
    rating[bad] = REFUSED_RATING   # check() reports these rows; never shown again here
    shown = {}   # key -> the code as the file first spells it
    for code, first in zip(*np.unique(bkey.codes, return_index=True)):
        shown.setdefault(bkey.uniques[code] or "", raw.uniques[raw.codes[first]])
    code_of: dict[str, list[int]] = {}   # key ('' for none) -> its codes
    for i, key in enumerate(bkey.uniques.tolist()):
        code_of.setdefault(key or "", []).append(i)
    rows = _GroupRows(perspective)
    # Only perspectives with a named row: rows without a code are the first rating anyway.
    for group in np.unique(perspective[bkey.where(bool) & ~bad]).tolist():
        in_group = rows.of(group)
        in_group = in_group[~bad[in_group]]
        codes, first_at = np.unique(bkey.codes[in_group], return_index=True)
        keys = list(dict.fromkeys(bkey.uniques[code] or ""
                                  for code in codes[np.argsort(first_at, kind="stable")]))
        if keys == [""]:
            continue
        stored = _stored_perspective(table, known, scope, int(in_group[0]))
        if stored is None and len(keys) == 1:
            continue   # a new perspective with one rater: its first rating (rating 0)
        label = _perspective_label(table, int(in_group[0]))   # for a message only
        if stored is None:
            raters = [None, None]
            if "" in keys:
                keys.remove("")
                raters[0] = ""
        else:
            raters = [stored.beoordelaar or "",
                      stored.tweede.beoordelaar if stored.tweede else None]
            if raters[0] == "" and raters[1] is None and "" not in keys and len(keys) == 1:
                c.add_positions(
                    f"Perspectief {label} staat in ZET zonder beoordelaarscode, en het bestand "
                    f"geeft het alleen rijen met code {shown[keys[0]]}. Is dat een tweede "
                    "beoordeling, zet dan ook de rijen van de eerste beoordeling erbij, met een "
                    "lege beoordelaar (zoals de export ze schrijft). Een eerste beoordeling "
                    "krijgt via de import geen code.", in_group)
                rating[in_group] = REFUSED_RATING
                continue
        for key in keys:
            where = in_group[np.isin(bkey.codes[in_group], code_of[key])]
            if key == "" or key == raters[0]:
                rating[where] = 0
                continue
            if key not in raters:
                if None not in raters:
                    names = " en ".join(shown.get(r, r) or "zonder code" for r in raters)
                    state_text = "heeft al twee beoordelingen" if stored is not None else \
                        "heeft in het bestand meer dan twee beoordelaars"
                    c.add_positions(
                        f"Perspectief {label} {state_text} ({names}); ZET bewaart per "
                        "perspectief een eerste en een tweede beoordeling. Gebruik een van deze "
                        "codes in de kolom beoordelaar.", where)
                    rating[where] = REFUSED_RATING
                    continue
                raters[raters.index(None)] = key
            rating[where] = raters.index(key)
    return rating


BEOORDELING_VALUES = {"1": 0, "1.0": 0, "2": 1, "2.0": 1}
BEOORDELING_MESSAGE = ("Beoordeling: vul 1 (eerste beoordeling) of 2 (tweede beoordeling) in, of "
                       "laat het leeg.")


def _check_rating_column(c: _Collector, table: Table) -> None:
    """The export's column beoordeling (1, 2) says which rating a row is, for scripts outside
    ZET. ZET itself takes the rating from the rater codes (see _ratings); where the column is
    filled it must agree, so an edited 1 or 2 is never silently ignored."""
    if "beoordeling" not in table.columns:
        return
    given = table["beoordeling"]
    text = given.map(lambda v: "" if v is None else str(v).strip())
    c.per_value(text, lambda v: BEOORDELING_MESSAGE if v and v not in BEOORDELING_VALUES
                else None)
    wanted = np.fromiter((BEOORDELING_VALUES.get(v, -1) for v in text.uniques), dtype=np.int64,
                         count=len(text.uniques))[text.codes]
    rating = table["rating"].codes
    wrong = (wanted >= 0) & (rating != REFUSED_RATING) & (wanted != rating)
    if wrong.any():
        c.add_positions(
            "Kolom beoordeling past niet bij de kolom beoordelaar: ZET leest de eerste en de "
            "tweede beoordeling af aan de beoordelaarscodes (een lege code is de eerste "
            "beoordeling). Laat de kolom beoordeling leeg, of zet er het goede nummer in.",
            np.flatnonzero(wrong))


def _check_duplicates(c: _Collector, table: Table, present) -> None:
    perspectief, element = table["perspectief"], table["element"]
    usable = present & perspectief.where(lambda p: p is not None) \
        & element.where(lambda e: e is not None)
    if not usable.any():
        return
    ids = combine(table["perspectief_group"].codes, element.codes)
    ids = np.where(usable, ids, -1 - np.arange(len(ids)))  # unusable rows never clash
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if not duplicated.any():
        return
    positions = np.flatnonzero(duplicated)
    positions = positions[np.argsort(ids[positions], kind="stable")]
    _, starts = np.unique(ids[positions], return_index=True)
    for group in np.split(positions, starts[1:]):
        group = np.sort(group)
        first = group[0]

        def value(name):
            col = table[name]
            return col.uniques[col.codes[first]]
        rol = f", rol {value('rol')}" if value("rol") else ""
        c.add_positions(
            f"Dezelfde score staat meer dan eens in het bestand (gemeente {value('gemeente')}, "
            f"casus {value('casus')}, perspectief {value('perspectief')}{rol}, element "
            f"{value('element')}). Houd één rij over.", group)


class _GroupRows:
    """Row positions per integer group id, found by one sort (not one scan per group)."""

    def __init__(self, groups: np.ndarray):
        self.order = np.argsort(groups, kind="stable")
        self.bounds = np.searchsorted(groups[self.order],
                                      np.arange(int(groups.max(initial=0)) + 2))

    def of(self, group: int) -> np.ndarray:
        return self.order[self.bounds[group]:self.bounds[group + 1]]


def _check_perspective_states(c: _Collector, table: Table, known: KnownState, scope: Scope,
                              instrument: Instrument, present: np.ndarray) -> None:
    """The state rules of zet.rules.state per perspective the file touches: one status per
    perspective, scores of the perspective's own instrument version, and a perspective that is
    (or becomes) definitief must still be complete after the import."""
    cols = table.columns
    usable = present & ~c.invalid & cols["perspectief"].where(lambda p: p is not None) \
        & cols["element"].where(lambda e: e is not None)
    if not usable.any():
        return
    groups = cols["perspectief_group"].codes
    rows = _GroupRows(groups)
    status = cols["status"]
    with_status = usable & status.where(bool)
    status_pairs = unique_pairs(groups[with_status], status.codes[with_status])
    status_of: dict[int, str] = {}
    for group, value in status_pairs.tolist():
        if group in status_of:  # two statuses for one perspective
            c.add_positions(
                f"Perspectief {_perspective_label(table, rows.of(group)[0])} heeft in het "
                "bestand meer dan één status (concept en definitief). Geef alle rijen van een "
                "perspectief dezelfde status.", rows.of(group))
        status_of[group] = status.uniques[value]
    c.file_status = status_of
    usable &= ~c.invalid

    element_index = {code: i for i, code in enumerate(instrument.codes)}
    width = len(element_index) + 1
    row_element = np.array([element_index.get(e, -1) if e else -1
                            for e in cols["element"].uniques], dtype=np.int64)[
        cols["element"].codes]
    answered_in_file = (cols["score"].values().astype(np.int64) > 0) \
        | cols["bijzonder"].where(lambda b: b is not None)
    keys = groups * width + row_element
    stored_keys: list[int] = []
    definitief: dict[int, StoredPerspectief | None] = {}
    positions = np.flatnonzero(usable)
    for group, first in zip(*np.unique(groups[positions], return_index=True)):
        group, position = int(group), int(positions[first])
        stored = _stored_perspective(table, known, scope, position)
        if stored is not None:
            message = state.version_problem(stored.instrument_version, instrument.version)
            if message:
                in_group = rows.of(group)
                c.add_positions(f"Perspectief {_perspective_label(table, position)}: {message}",
                                in_group[usable[in_group]])
                continue
        final = status_of.get(group) or (stored.status if stored else "concept")
        if final != "definitief":
            continue
        definitief[group] = stored
        if stored is not None:
            stored_keys += [group * width + element_index[code]
                            for code in stored.answered if code in element_index]
    if not definitief:
        return
    usable &= ~c.invalid
    stored_only = np.setdiff1d(np.array(stored_keys, dtype=np.int64), keys[usable])
    answered_keys = np.unique(np.concatenate([keys[usable & answered_in_file], stored_only]))
    answered_count = np.bincount(answered_keys // width, minlength=int(groups.max()) + 1)
    for group, stored in definitief.items():
        in_group = rows.of(group)
        in_group = in_group[usable[in_group]]
        meta = dict(stored.meta) if stored is not None else {}
        soort = _value_at(table, "perspectief", in_group[0])
        if stored is None:
            meta["rol"] = _value_at(table, "rol", in_group[0])
        meta.update(known.file_meta.get(perspective_key(table, in_group[0]), {}))
        # A second rating is definitief with all its answers: the date, afnemer and consent
        # are the perspective's (as zet.services.dubbel.save_second_rating asks).
        second = table["rating"].codes[in_group[0]] == 1
        parts = [] if second else list(state.definitief_meta_problems(
            soort, **{name: meta.get(name) for name in state.DEFINITIEF_FIELDS}).values())
        if answered_count[group] < len(instrument.elements):
            lo, hi = np.searchsorted(answered_keys, [group * width, (group + 1) * width])
            mine = answered_keys[lo:hi] % width
            answered = {instrument.codes[i] for i in mine.tolist()}
            missing = state.unanswered(instrument.elements, answered)
            parts.insert(0, state.unanswered_message([e.name for e in missing],
                                                     len(instrument.elements)))
        if not parts:
            continue
        if second:
            advice = (" Een tweede beoordeling is pas definitief met al haar antwoorden. Zet in "
                      "de kolom status 'concept', of vul aan wat ontbreekt.")
        elif stored is None:
            advice = (" Een nieuw perspectief is pas definitief met al zijn antwoorden en zijn "
                      "gegevens (datum, afnemer en bij de inwoner de toestemming, in tabblad "
                      "Perspectieven). Laat anders de kolom status leeg of zet er 'concept' in, "
                      "en maak het definitief in ZET.")
        elif stored.status == "definitief" and not status_of.get(group):
            advice = (" Het perspectief is definitief in ZET. Vul de ontbrekende antwoorden in, "
                      "of zet in de kolom status 'concept' om het terug te zetten naar concept.")
        else:
            advice = " Zet in de kolom status 'concept', of vul aan wat ontbreekt."
        c.add_positions(f"Perspectief {_perspective_label(table, in_group[0])}: "
                        f"{' '.join(parts)}{advice}", in_group)


def _value_at(table: Table, name: str, position: int):
    col = table[name]
    return col.uniques[col.codes[position]]


def perspective_key(table: Table, position: int) -> tuple[str, str, str, str]:
    """(gemeente key, casus key, soort, rol key) of the perspective of one row: how the facts
    sheets name a perspective too."""
    soort = _value_at(table, "perspectief", position)
    rkey = _value_at(table, "rkey", position) if soort == "professional" else ""
    return (_value_at(table, "gkey", position), _value_at(table, "ckey", position), soort, rkey)


def _perspective_label(table: Table, position: int) -> str:
    """'professional (wijkteammedewerker) van casus DW-J01 (Duinwijk)', from one of its rows."""
    rol = _value_at(table, "rol", position)
    soort = _value_at(table, "perspectief", position)
    return (f"{soort}{f' ({rol})' if rol else ''} van casus {_value_at(table, 'casus', position)} "
            f"({_value_at(table, 'gemeente', position)})")


def _stored_perspective(table: Table, known: KnownState, scope: Scope,
                        position: int) -> StoredPerspectief | None:
    gemeente = known.gemeenten.get(_value_at(table, "gkey", position))
    if gemeente is None or not scope.allows(gemeente[0]):
        return None
    casus = known.casussen.get((gemeente[0], _value_at(table, "ckey", position)))
    if casus is None:
        return None
    soort = _value_at(table, "perspectief", position)
    rkey = _value_at(table, "rkey", position) if soort == "professional" else ""
    stored = known.perspectieven.get((casus[0], soort, rkey))
    if stored is not None and "rating" in table.columns and table["rating"].codes[position] == 1:
        return stored.tweede   # the row belongs to the second rating
    return stored


def validate_table(frame: pd.DataFrame, instrument: Instrument, scope: Scope = ALL,
                   known=None, *, allow_new_gemeenten: bool = False,
                   ignore_unknown_columns: bool = False, allow_empty: bool = False) -> Validation:
    """Normalise and check a frame from ``read_table``: every problem at once.

    ``known`` is a KnownState, or a function that gets the normalised table and returns one
    (so the database is only asked about the gemeenten in the file). ``allow_empty``: a table
    without rows is no problem (the file's facts tables carry the import).
    """
    table, problems, ignored = normalise(frame, ignore_unknown_columns)
    source = dict(frame.attrs)
    if table is None:
        return Validation(table=None, problems=problems + [_where_read(source)],
                          blocking_problems=problems, total_rows=len(frame),
                          ignored_columns=ignored, source=source)
    if len(table) == 0 and not allow_empty:
        problems = problems + [Problem("Het bestand bevat geen gegevensrijen onder de kopregel.")]
        return Validation(table=None, problems=problems, blocking_problems=problems,
                          ignored_columns=ignored)
    if callable(known):
        known = known(table)
    validation = check(table, instrument, scope, known, allow_new_gemeenten=allow_new_gemeenten)
    validation.problems[:0] = problems
    validation.blocking_problems = problems
    validation.ignored_columns = ignored
    validation.source = source
    return validation


def _where_read(source: dict) -> Problem:
    """Where the reader looked for the headers, and how to put them where it looks."""
    sheet = f"tabblad '{source['sheet']}', " if source.get("sheet") else ""
    return Problem(f"Gelezen: {sheet}kopregel in rij {source.get('header_row', 1)}. ZET leest het "
                   "tabblad 'Data' of anders het eerste tabblad met de kolomkoppen (gemeente, "
                   "casus, element, ...) in een van de eerste 20 rijen. Zet de scores op zo'n "
                   "tabblad met de kopjes boven de gegevens, of kies 'onbekende kolommen "
                   "negeren' als er extra kolommen in staan.")
