"""Importing the facts tables beside the scores: gemeenten, onderzoeken, casussen, perspectives,
citaten, the synthesis per casus and element, and the verbeteracties with their progress notes
(zet.interchange registers, the workbook's facts sheets or the bundle's CSV files).

``read_facts`` checks every cell with the field rules of zet.rules.catalog (the services apply
the same objects); ``check_facts`` checks what the rows say against the scores table and the
database (known names, one status per perspective, what definitief requires);
``apply_facts`` compares every row with what is stored and writes the differences through the
services (save_gemeente, save_onderzoek, save_casus), so a second import of the same file
changes nothing. A column that is left out leaves that fact as it is.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from zet.access import Scope
from zet.importing.validate import (KnownState, Problem, Validation, element_code,
                                    element_message, perspective_key)
from zet.instrument import Instrument
from zet.importing import eindanalyse
from zet.interchange import (CASUSSEN, CITATEN, DATE_COLUMNS, EINDANALYSE_ONDERBOUWING,
                             EINDANALYSE_REGISTERS, GEMEENTEN, LIST_SEPARATOR, NO, ONDERZOEKEN,
                             PERSPECTIEVEN, REGISTERS, SYNTHESE, VERBETERACTIES, VOORTGANG,
                             VRAAG_COLUMNS, YES, Register)
from zet.models import Casus, Citaat, Gemeente, Onderzoek, Perspectief, Verbeteractie
from zet.models.mixins import utcnow
from zet.rules import catalog, state
from zet.rules.dates import CASUS_DATES, casus_dates_problem, parse_date, period_problem
from zet.rules.identity import (gemeente_lookalike_problem, gemeente_spelling_message,
                                no_access_message)
from zet.rules.names import (actie_key, casus_key, clean_name, gemeente_key,
                             gemeente_lookalike_key, name_key, onderzoek_key, rol_key)
from zet.services.bevindingen import bevindingen_problems, save_bevindingen, stored_synthese
from zet.services.casussen import CASUS_FIELDS, save_casus
from zet.services.gemeenten import save_gemeente, save_onderzoek
from zet.services.perspectieven import citaat_problems, find_single, new_citaten
from zet.services.verbeteracties import ACTIE_FIELDS, actie_problems, add_voortgang, save_actie

PerspectiveKey = tuple[str, str, str, str]   # gemeente key, casus key, soort, rol key


@dataclass(frozen=True)
class LeefgebiedenPatch:
    """What a Casussen row says about the leefgebieden: the ``leefgebieden`` column (None when
    absent) and the questions of the vraag_ columns present. Columns left out keep what ZET
    has, so the patch is resolved against the stored list when it is applied."""
    listed: tuple[str, ...] | None
    vragen: tuple[tuple[str, str], ...]

    def resolve(self, stored: list | None) -> list[dict]:
        have = {item.get("gebied"): item.get("vraag") or "" for item in stored or []}
        vragen = dict(self.vragen)
        if self.listed is not None:
            gebieden = list(self.listed)
        else:  # as on the form: a gebied whose question is emptied is no longer chosen
            gebieden = [g for g in have if vragen.get(g, have[g])]
        gebieden += [g for g, vraag in vragen.items() if vraag and g not in gebieden]
        return [{"gebied": g, "vraag": vragen.get(g, have.get(g, ""))} for g in gebieden]


@dataclass
class FactRow:
    """One checked row of a facts table: its keys, and its facts (only the columns present) as
    the model stores them."""
    register: Register
    row: int
    where: str
    gemeente: str
    gkey: str
    values: dict = field(default_factory=dict)
    titel: str = ""        # onderzoek (Onderzoeken)
    okey: str = ""
    casus: str = ""
    ckey: str = ""
    soort: str = ""
    rol: str = ""
    rkey: str = ""
    actie: str = ""        # title of a verbeteractie (Verbeteracties, Voortgang)
    akey: str = ""

    @property
    def actie_ref(self) -> tuple[str, str]:
        return self.gkey, self.akey

    @property
    def casus_ref(self) -> tuple[str, str]:
        return self.gkey, self.ckey

    @property
    def perspective(self) -> PerspectiveKey:
        return self.gkey, self.ckey, self.soort, self.rkey

    def label(self) -> str:
        if self.register in EINDANALYSE_REGISTERS:
            return eindanalyse.label(self)
        if self.actie:
            return f"verbeteractie '{self.actie}' ({self.gemeente})"
        if self.register is SYNTHESE:
            return (f"de synthese bij {self.values.get('element_code')} van casus {self.casus} "
                    f"({self.gemeente})")
        if self.soort:
            rol = f" ({self.rol})" if self.rol else ""
            return f"{self.soort}{rol} van casus {self.casus} ({self.gemeente})"
        if self.casus:
            return f"{self.casus} ({self.gemeente})"
        return self.gemeente


@dataclass
class Facts:
    """The facts tables of a file, checked cell by cell."""
    rows: dict[str, list[FactRow]] = field(default_factory=dict)   # register name -> rows
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    lookalike_gemeenten: bool = False

    def of(self, register: Register) -> list[FactRow]:
        return self.rows.get(register.name, [])

    @property
    def present(self) -> bool:
        return bool(self.rows)

    def gemeente_keys(self) -> set[str]:
        return {row.gkey for rows in self.rows.values() for row in rows}

    def casus_keys(self) -> set[str]:
        return {row.ckey for rows in self.rows.values() for row in rows if row.ckey}

    def perspective_meta(self) -> dict[PerspectiveKey, dict]:
        """Per perspective the facts definitief needs, for the scores table's state check."""
        return {row.perspective: {name: row.values[name] for name in state.DEFINITIEF_FIELDS
                                  if name in row.values}
                for row in self.of(PERSPECTIEVEN)}


class _Problems:
    """Problems collected per (place, message), each naming all its rows."""

    def __init__(self):
        self._rows: dict[tuple[str, str], list[int]] = defaultdict(list)

    def add(self, where: str, row: int | None, message: str) -> None:
        rows = self._rows[(where, message)]
        if row is not None:
            rows.append(row)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def as_list(self) -> list[Problem]:
        return [Problem(message, tuple(rows), where) for (where, message), rows
                in self._rows.items()]


# --- reading: every cell through the field rules ---------------------------------------------

def read_facts(frames: dict[str, pd.DataFrame], instrument: Instrument,
               ignore_unknown: bool = False) -> Facts:
    """Check the facts tables (frames from zet.importing.reader.read_bundle)."""
    facts = Facts()
    problems = _Problems()
    for register in REGISTERS:
        frame = frames.get(register.name)
        if frame is None:
            continue
        where = (f"tabblad '{frame.attrs['sheet']}'" if frame.attrs.get("sheet")
                 else f"bestand {frame.attrs.get('file', register.file)}")
        columns = _columns(register, frame, where, problems, facts.ignored_columns,
                           ignore_unknown)
        if columns is None:
            continue
        rows: list[FactRow] = []
        seen: dict[tuple, int] = {}
        for number, cells in zip(frame.index.tolist(),
                                 frame.iloc[:, list(columns.values())].itertuples(index=False)):
            values = {name: str(cell).strip() for name, cell in zip(columns, cells)}
            if not any(values.values()):
                continue
            fact = _read_row(register, int(number), where, values, instrument, problems)
            if fact is None:
                continue
            key = _identity(fact)
            if register not in (CITATEN, VOORTGANG) and key in seen:
                problems.add(where, fact.row, f"{fact.label()} staat meer dan één keer in "
                             f"{where} (ook in rij {seen[key]}). Houd één rij over.")
                continue
            seen[key] = fact.row
            rows.append(fact)
        facts.rows[register.name] = rows
    facts.problems = problems.as_list()
    return facts


def _columns(register: Register, frame: pd.DataFrame, where: str, problems: _Problems,
             ignored: list[str], ignore_unknown: bool) -> dict[str, int] | None:
    """Column name -> position; None (with a problem) when a key column is missing."""
    positions: dict[str, int] = {}
    for position, header in enumerate(frame.columns):
        shown = str(header).strip()
        key = name_key(shown).replace(" ", "_")
        if key in register.columns and key not in positions:
            positions[key] = position
        elif key in positions:
            problems.add(where, None, f"Kolom '{shown}' komt twee keer voor.")
        elif ignore_unknown:
            ignored.append(f"{shown} ({where})")
        else:
            problems.add(where, None, f"Kolom '{shown}' onbekend. Toegestane kolommen: "
                         f"{', '.join(register.columns)}; of kies 'onbekende kolommen negeren'.")
    required = [name for name in register.key if name != "rol"]
    missing = [name for name in required if name not in positions]
    if missing:
        problems.add(where, None, f"Kolom '{missing[0]}' ontbreekt. Verplichte kolommen: "
                     f"{', '.join(required)}.")
        return None
    return positions


def _identity(fact: FactRow) -> tuple:
    if fact.register is GEMEENTEN:
        return (fact.gkey,)
    if fact.register is ONDERZOEKEN:
        return fact.gkey, fact.okey
    if fact.register is CASUSSEN:
        return fact.casus_ref
    if fact.register is SYNTHESE:
        return fact.casus_ref + (fact.values.get("element_code"),)
    if fact.register in (VERBETERACTIES, VOORTGANG):
        return fact.actie_ref
    if fact.register in EINDANALYSE_REGISTERS:
        return eindanalyse.identity(fact)
    return fact.perspective


def _read_row(register: Register, number: int, where: str, cells: dict[str, str],
              instrument: Instrument, problems: _Problems) -> FactRow | None:
    errors: list[str] = []

    def check(rule, value, required: bool = False):
        message = rule.problem(value)
        if message is None and required and not clean_name(value):
            message = getattr(rule, "missing", None) or f"{rule.label} ontbreekt."
        if message:
            errors.append(message)
        return message is None

    naam = clean_name(cells["gemeente"])
    check(catalog.GEMEENTE_NAAM, naam)
    fact = FactRow(register, number, where, naam, gemeente_key(naam))
    if register in (VERBETERACTIES, VOORTGANG):
        fact.actie = clean_name(cells["titel"])
        fact.akey = actie_key(fact.actie)
        check(catalog.ACTIE_TITEL, fact.actie)
    elif register not in (GEMEENTEN, ONDERZOEKEN, *EINDANALYSE_REGISTERS) \
            or register is EINDANALYSE_ONDERBOUWING:
        fact.casus = clean_name(cells["casus"])
        fact.ckey = casus_key(fact.casus)
        check(catalog.CASUS_CODE, fact.casus)
    if register in (PERSPECTIEVEN, CITATEN):
        if check(catalog.PERSPECTIEF, cells["perspectief"]):
            fact.soort = catalog.PERSPECTIEF.normalise(cells["perspectief"])
            if fact.soort == "professional" and "rol" not in cells:
                errors.append("Kolom 'rol' ontbreekt: daaraan herkent ZET welke professional "
                              "het is. Voeg de kolom rol toe (leeg bij inwoner en dossier).")
            rol = cells.get("rol", "")
            message = state.rol_problem(fact.soort, rol)
            if message:
                errors.append(message)
            elif check(catalog.ROL, rol):
                fact.rol = state.stored_rol(fact.soort, rol)
                fact.rkey = rol_key(fact.rol)
    values = fact.values
    for name, text in cells.items():
        if name in DATE_COLUMNS:
            try:
                values[name] = parse_date(text)
            except ValueError as exc:
                errors.append(f"{name.replace('_', ' ')}: {exc}")
    if register is GEMEENTEN:
        _choice(values, cells, "grootteklasse", catalog.GROOTTEKLASSE, check)
        _text(values, cells, "toegang", catalog.GEMEENTE_TOEGANG, check)
    elif register is ONDERZOEKEN:
        fact.titel = clean_name(cells["onderzoek"])
        fact.okey = onderzoek_key(fact.titel)
        check(catalog.ONDERZOEK_TITEL, fact.titel)
        _text(values, cells, "focus", catalog.ONDERZOEK_FOCUS, check)
        order = period_problem(values.get("periode_start"), values.get("periode_eind"))
        if order:
            errors.append(order[1])
    elif register is CASUSSEN:
        _read_casus(values, cells, check, errors)
    elif register is PERSPECTIEVEN:
        if cells.get("status"):
            _choice(values, cells, "status", catalog.PERSPECTIEF_STATUS, check)
        _text(values, cells, "afnemer", catalog.AFNEMER, check)
        _choice(values, cells, "geinterviewde", catalog.GEINTERVIEWDE, check)
        _choice(values, cells, "toestemming_vorm", catalog.TOESTEMMING_VORM, check)
        _yes_no(values, cells, "toestemming", "Toestemming", errors)
        if cells.get("instrumentversie"):
            values["instrument_version"] = cells["instrumentversie"]
    elif register is CITATEN:
        _read_citaat(fact.soort, values, cells, instrument, errors)
    elif register is VERBETERACTIES:
        _read_actie(values, cells, instrument, fact, check, errors)
    elif register is VOORTGANG:
        if not cells.get("datum", "").strip():
            errors.append(catalog.VOORTGANG_DATUM_MISSING)
        if check(catalog.VOORTGANG, cells.get("tekst", ""), required=True):
            values["tekst"] = catalog.VOORTGANG.clean(cells.get("tekst"))
    elif register in EINDANALYSE_REGISTERS:
        eindanalyse.read_row(register, fact, cells, instrument, check, errors)
    elif register is SYNTHESE:
        raw = cells.get("element", "")
        values["element_code"] = element_code(instrument, raw)
        if values["element_code"] is None:
            errors.append(element_message(instrument, raw))
        elif not catalog.SYNTHESE.clean(cells.get("tekst")):
            errors.append("Tekst ontbreekt: vul de synthese in, of laat de rij weg.")
        else:
            found = bevindingen_problems(instrument,
                                         {"synthese": {values["element_code"]: cells["tekst"]}})
            errors.extend(found.values())
            values["tekst"] = catalog.SYNTHESE.clean(cells["tekst"])
    for message in errors:
        problems.add(where, number, message)
    return None if errors else fact


def _read_actie(values: dict, cells: dict, instrument: Instrument, fact: FactRow, check,
                errors: list) -> None:
    """A Verbeteracties row through the rules of the form (actie_problems), on the columns
    present; the dates are read by the caller."""
    if "onderzoek" in cells:
        titel = clean_name(cells["onderzoek"])
        if not titel or check(catalog.ONDERZOEK_TITEL, titel):
            values["onderzoek"] = titel
    for rule in catalog.ACTIE_TEXTS[1:]:
        _text(values, cells, rule.field, rule, check)
    _choice(values, cells, "niveau", catalog.ACTIE_NIVEAU, check)
    if cells.get("status"):   # empty: as ZET has it (a new action starts gepland)
        _choice(values, cells, "status", catalog.ACTIE_STATUS, check)
    if "elementen" in cells:
        raw = _items(cells["elementen"])
        codes = [element_code(instrument, item) for item in raw]
        errors.extend(element_message(instrument, item) for item, code in zip(raw, codes)
                      if code is None)
        values["elementen"] = [code for code in instrument.codes if code in set(codes)]
    found = actie_problems(instrument, {"titel": fact.actie, **values})
    errors.extend(message for field, message in found.items()
                  if field in ("start", "deadline", "evaluatie"))   # the rest was checked above


def _read_citaat(soort: str, values: dict, cells: dict, instrument: Instrument,
                 errors: list) -> None:
    """A Citaten row through the quote rules of the form (citaat_problems); only the columns
    present are in ``values``, so apply_facts can keep what a left-out column does not say."""
    raw = cells.get("element", "")
    values["element_code"] = element_code(instrument, raw)   # empty: not tied to one
    if raw and values["element_code"] is None:
        errors.append(element_message(instrument, raw))
    if not catalog.CITAAT.clean(cells.get("tekst")):
        errors.append("Citaat ontbreekt.")
    quote = {name: cells[name] for name in ("tekst", "bron", "spreker", "soort") if name in cells}
    found = citaat_problems(instrument, soort, quote)
    errors.extend(found.values())
    if found:
        return
    values["tekst"] = catalog.CITAAT.clean(cells.get("tekst"))
    if "bron" in cells:
        values["bron"] = catalog.CITAAT_BRON.clean(cells["bron"])
    if "spreker" in cells:
        values["spreker"] = catalog.CITAAT_SPREKER.normalise(cells["spreker"])
    if "soort" in cells:
        values["soort"] = catalog.CITAAT_SOORT.normalise(cells["soort"])
    _yes_no(values, cells, "citeerbaar", "Citeerbaar", errors)


def _yes_no(values: dict, cells: dict, name: str, label: str, errors: list) -> None:
    if name not in cells:
        return
    answer = cells[name].casefold()
    if answer in (YES, "j", "1", "waar", "true"):
        values[name] = True
    elif answer in (NO, "n", "0", "onwaar", "false", ""):
        values[name] = False
    else:
        errors.append(f"{label} '{cells[name]}' onbekend: vul ja of nee in.")


def _choice(values, cells, name, rule, check) -> None:
    if name in cells and check(rule, cells[name]):
        values[name] = rule.normalise(cells[name]) if cells[name] else None


def _text(values, cells, name, rule, check) -> None:
    if name in cells and check(rule, cells[name]):
        values[name] = rule.clean(cells[name]) or None


def _read_casus(values: dict, cells: dict, check, errors: list) -> None:
    if "onderzoek" in cells:
        titel = clean_name(cells["onderzoek"])
        if not titel or check(catalog.ONDERZOEK_TITEL, titel):
            values["onderzoek"] = titel
    if cells.get("doelgroep") and check(catalog.DOELGROEP, cells["doelgroep"]):
        values["doelgroep"] = catalog.DOELGROEP.normalise(cells["doelgroep"])
    _choice(values, cells, "wet", catalog.WET, check)
    _choice(values, cells, "levensfase", catalog.LEVENSFASE, check)
    if cells.get("status"):
        _choice(values, cells, "status", catalog.CASUS_STATUS, check)
    _text(values, cells, "hulpvraag", catalog.HULPVRAAG, check)
    for rule in catalog.BEVINDINGEN:
        _text(values, cells, rule.field, rule, check)
    for rule in (catalog.INDICATIE_MAANDEN, catalog.WISSELINGEN):
        if rule.field in cells and check(rule, cells[rule.field]):
            values[rule.field] = rule.parse(cells[rule.field])
    if "beperkingen" in cells:
        beperkingen = _items(cells["beperkingen"])
        if all(check(catalog.BEPERKING, b) for b in beperkingen):
            values["beperkingen"] = [catalog.BEPERKING.normalise(b) for b in beperkingen]
    vragen = {gebied: cells[column] for column, gebied in VRAAG_COLUMNS.items()
              if column in cells}
    if "leefgebieden" in cells or vragen:
        listed = _items(cells["leefgebieden"]) if "leefgebieden" in cells else None
        known = all(check(catalog.LEEFGEBIED, g) for g in listed or ())
        asked = all(check(catalog.LEEFGEBIED_VRAAG.labelled(f"Vraag bij {gebied}"), vraag)
                    for gebied, vraag in vragen.items())
        if known and asked:
            values["leefgebieden"] = LeefgebiedenPatch(
                None if listed is None else tuple(catalog.LEEFGEBIED.normalise(g)
                                                  for g in listed),
                tuple((g, catalog.LEEFGEBIED_VRAAG.clean(v)) for g, v in vragen.items()))
    order = casus_dates_problem(values)
    if order:
        errors.append(order[1])


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


# --- checking against the scores table and the database --------------------------------------

@dataclass
class _DataView:
    """What the (valid rows of the) scores table say about gemeenten, casussen, perspectives."""
    gemeenten: set[str] = field(default_factory=set)
    casussen: dict[tuple[str, str], tuple[str | None, str]] = field(default_factory=dict)
    statuses: dict[PerspectiveKey, str | None] = field(default_factory=dict)  # file status


def _data_view(validation: Validation) -> _DataView:
    view = _DataView()
    table = validation.table
    if table is None or validation.invalid is None or not len(table):
        return view
    valid = np.flatnonzero(~validation.invalid)
    cols = table.columns
    for position in valid[np.unique(cols["casus_group"].codes[valid], return_index=True)[1]]:
        gkey = cols["gkey"].uniques[cols["gkey"].codes[position]]
        ckey = cols["ckey"].uniques[cols["ckey"].codes[position]]
        view.gemeenten.add(gkey)
        view.casussen[(gkey, ckey)] = (cols["doelgroep"].uniques[cols["doelgroep"].codes[position]],
                                       "")
    okey = cols["okey"]
    for position in valid:
        if okey.uniques[okey.codes[position]]:
            ref = (cols["gkey"].uniques[cols["gkey"].codes[position]],
                   cols["ckey"].uniques[cols["ckey"].codes[position]])
            if ref in view.casussen and not view.casussen[ref][1]:
                view.casussen[ref] = (view.casussen[ref][0], okey.uniques[okey.codes[position]])
    groups = cols["perspectief_group"].codes
    valid = valid[cols["rating"].codes[valid] == 0]   # a second rating has its own status
    for group, position in zip(*np.unique(groups[valid], return_index=True)):
        view.statuses[perspective_key(table, int(valid[position]))] = \
            validation.file_status.get(int(group))
    return view


def check_facts(facts: Facts, validation: Validation, known: KnownState, scope: Scope,
                instrument: Instrument, *, allow_new_gemeenten: bool = False) -> list[Problem]:
    """The rows of the facts tables against each other, the scores table and the database."""
    problems = _Problems()
    data = _data_view(validation)
    casus_rows = {row.casus_ref: row for row in facts.of(CASUSSEN)}
    perspective_rows = {row.perspective: row for row in facts.of(PERSPECTIEVEN)}
    file_meta = facts.perspective_meta()

    def stored_casus(gkey: str, ckey: str):
        found = known.gemeenten.get(gkey)
        return known.casussen.get((found[0], ckey)) if found is not None else None

    def stored_perspective(key: PerspectiveKey):
        casus = stored_casus(key[0], key[1])
        return known.perspectieven.get((casus[0], key[2], key[3])) if casus else None

    for rows in facts.rows.values():
        for row in rows:
            found = known.gemeenten.get(row.gkey)
            if not scope.may_import_into(found[0] if found is not None else None):
                problems.add(row.where, row.row, no_access_message(row.gemeente))
            elif found is not None and row.gemeente != found[1]:
                problems.add(row.where, row.row,
                             gemeente_spelling_message(row.gemeente, found[1]))
            elif found is None and row.gkey not in data.gemeenten and not allow_new_gemeenten:
                message = gemeente_lookalike_problem(
                    row.gemeente, known.lookalikes.get(gemeente_lookalike_key(row.gemeente), []))
                if message:
                    problems.add(row.where, row.row, message)
                    facts.lookalike_gemeenten = True

    for row in facts.of(CASUSSEN):
        in_data = data.casussen.get(row.casus_ref)
        doelgroep = row.values.get("doelgroep")
        if in_data is not None:
            if doelgroep and in_data[0] and doelgroep != in_data[0]:
                problems.add(row.where, row.row, f"Casus {row.label()} heeft hier doelgroep "
                             f"{doelgroep}, in de scores {in_data[0]}. Maak ze gelijk.")
            titel = row.values.get("onderzoek")
            if titel is not None and in_data[1] and onderzoek_key(titel) != in_data[1]:
                problems.add(row.where, row.row, f"Casus {row.label()} staat hier bij onderzoek "
                             f"'{titel}', in de scores bij een ander onderzoek. Maak ze gelijk.")
        elif stored_casus(row.gkey, row.ckey) is None and not doelgroep:
            problems.add(row.where, row.row, f"Casus {row.label()} is nieuw: "
                         f"{catalog.DOELGROEP.missing}")

    def casus_known(row: FactRow) -> bool:
        return (row.casus_ref in data.casussen or row.casus_ref in casus_rows
                or stored_casus(row.gkey, row.ckey) is not None)

    for row in facts.of(PERSPECTIEVEN):
        if not casus_known(row):
            problems.add(row.where, row.row, _unknown_casus(row))
            continue
        stored = stored_perspective(row.perspective)
        status = row.values.get("status")
        if row.perspective in data.statuses:
            final = data.statuses[row.perspective] or (stored.status if stored else "concept")
            if status and status != final:
                problems.add(row.where, row.row, f"Perspectief {row.label()} heeft hier status "
                             f"{status}, in de scores {final}. Geef het perspectief op beide "
                             "plaatsen dezelfde status (kolom status).")
        else:
            current = stored.status if stored else "concept"
            if status == "definitief" and current != "definitief":
                problems.add(row.where, row.row, f"Perspectief {row.label()} kan hier niet "
                             "definitief worden: dat kan alleen samen met zijn antwoorden. Zet "
                             "de status in de kolom status bij de scores, of maak het "
                             "definitief in ZET.")
            elif (status or current) == "definitief" and stored is not None:
                meta = {**stored.meta, **file_meta.get(row.perspective, {})}
                parts = state.definitief_meta_problems(
                    row.soort, **{name: meta.get(name) for name in state.DEFINITIEF_FIELDS})
                if parts:
                    problems.add(row.where, row.row, f"Perspectief {row.label()} is definitief: "
                                 f"{' '.join(parts.values())} Of zet de status op concept.")
        version = row.values.get("instrument_version")
        expected = stored.instrument_version if stored else instrument.version
        if version and version != expected:
            problems.add(row.where, row.row, f"Perspectief {row.label()}: "
                         f"{state.version_problem(expected, version)}")

    for row in facts.of(SYNTHESE):
        if not casus_known(row):
            problems.add(row.where, row.row, _unknown_casus(row))

    file_onderzoeken = {(row.gkey, row.okey) for row in facts.of(ONDERZOEKEN)}
    file_onderzoeken |= {(row.gkey, onderzoek_key(row.values["onderzoek"]))
                         for row in facts.of(CASUSSEN) if row.values.get("onderzoek")}
    file_onderzoeken |= {(ref[0], okey) for ref, (_, okey) in data.casussen.items() if okey}
    for register in EINDANALYSE_REGISTERS:
        for row in facts.of(register):
            found = known.gemeenten.get(row.gkey)
            message = eindanalyse.onderzoek_problem(row, (row.gkey, row.okey) in file_onderzoeken
                                                    or (found is not None and (found[0], row.okey)
                                                        in known.onderzoeken))
            if message:
                problems.add(row.where, row.row, message)
            elif register is EINDANALYSE_ONDERBOUWING and not casus_known(row):
                problems.add(row.where, row.row, _unknown_casus(row))

    for row in facts.of(CITATEN):
        if not (row.perspective in data.statuses or row.perspective in perspective_rows
                or stored_perspective(row.perspective) is not None):
            problems.add(row.where, row.row, f"Perspectief {row.label()} bestaat niet in ZET, "
                         "in de scores of in de perspectieven: voeg het toe of verwijder het "
                         "citaat.")
    return problems.as_list()


def _unknown_casus(row: FactRow) -> str:
    return (f"Casus {row.casus} ({row.gemeente}) bestaat niet in ZET, in de scores of bij de "
            "casussen: voeg de casus toe of verwijder de rij.")


# --- comparing and writing ---------------------------------------------------------------------

@dataclass
class FactChanges:
    """What the facts change (per register name, how many rows), and the problems found once
    a row is combined with what ZET already has (a leefgebied left without its question, dates
    out of order with a stored date)."""
    counts: dict[str, int]
    problems: list[Problem]


def apply_facts(session: Session, facts: Facts, instrument: Instrument, *,
                write: bool, scores_pending: bool = False) -> FactChanges:
    """Compare every row of the facts with what is stored; with ``write`` also store the
    differences (through the services). Call it after the scores are written, so the casussen
    and perspectives they made are found; a check before (``scores_pending``) leaves the
    checks that need them to the write."""
    counts = dict.fromkeys(("gemeenten", "onderzoeken", "casussen", "perspectieven", "citaten",
                            "synthese", "verbeteracties", "voortgang", "eindanalyses"), 0)
    problems = _Problems()
    fresh = {"populate_existing": True}   # never an object loaded before the scores were written
    gemeenten = {g.naam_key: g for g in session.scalars(
        select(Gemeente).where(Gemeente.naam_key.in_(sorted(facts.gemeente_keys()))),
        execution_options=fresh)}
    ids = [g.id for g in gemeenten.values()]
    onderzoeken = {(o.gemeente_id, o.titel_key): o for o in session.scalars(
        select(Onderzoek).where(Onderzoek.gemeente_id.in_(ids)),
        execution_options=fresh)} if ids else {}
    casussen = {(c.gemeente_id, c.code_key): c for c in session.scalars(
        select(Casus).where(Casus.gemeente_id.in_(ids)).options(
            selectinload(Casus.onderzoek),
            selectinload(Casus.perspectieven).selectinload(Perspectief.citaten)),
        execution_options=fresh)} if ids else {}

    def gemeente_of(row: FactRow) -> Gemeente:
        if row.gkey not in gemeenten:
            gemeenten[row.gkey] = save_gemeente(session, {"naam": row.gemeente}, confirm_new=True)
        return gemeenten[row.gkey]

    def onderzoek_of(gemeente: Gemeente, titel: str) -> Onderzoek:
        key = (gemeente.id, onderzoek_key(titel))
        if key not in onderzoeken:
            onderzoeken[key] = save_onderzoek(session, gemeente, {"titel": titel})
        return onderzoeken[key]

    def casus_of(row: FactRow) -> Casus | None:
        gemeente = gemeenten.get(row.gkey)
        return casussen.get((gemeente.id, row.ckey)) if gemeente is not None else None

    for row in facts.of(GEMEENTEN):
        gemeente = gemeenten.get(row.gkey)
        if gemeente is not None and not _differs(gemeente, row.values):
            continue
        counts["gemeenten"] += 1
        if write:
            values = {"naam": row.gemeente, "grootteklasse": None, "toegang": None}
            if gemeente is not None:
                values.update(naam=gemeente.naam, grootteklasse=gemeente.grootteklasse,
                              toegang=gemeente.toegang)
            values.update(row.values)
            gemeenten[row.gkey] = save_gemeente(session, values, gemeente, confirm_new=True)

    for row in facts.of(ONDERZOEKEN):
        gemeente = gemeenten.get(row.gkey)
        onderzoek = onderzoeken.get((gemeente.id, row.okey)) if gemeente is not None else None
        if onderzoek is not None and not _differs(onderzoek, row.values):
            continue
        counts["onderzoeken"] += 1
        if write:
            gemeente = gemeente_of(row)
            values = {"titel": row.titel}
            if onderzoek is not None:
                values.update(titel=onderzoek.titel, periode_start=onderzoek.periode_start,
                              periode_eind=onderzoek.periode_eind, focus=onderzoek.focus)
            values.update(row.values)
            onderzoeken[(gemeente.id, row.okey)] = save_onderzoek(session, gemeente, values,
                                                                  onderzoek)

    for row in facts.of(CASUSSEN):
        casus = casus_of(row)
        values = dict(row.values)
        titel = values.pop("onderzoek", None)
        if isinstance(values.get("leefgebieden"), LeefgebiedenPatch):
            values["leefgebieden"] = values["leefgebieden"].resolve(
                casus.leefgebieden if casus is not None else [])
        message = _combined_problem(casus, values)
        if message:
            problems.add(row.where, row.row, f"Casus {row.label()}: {message}")
            continue
        if casus is not None and not _differs(casus, values) and (
                titel is None or _onderzoek_titel(casus) == onderzoek_key(titel)):
            continue
        counts["casussen"] += 1
        if write:
            gemeente = gemeente_of(row)
            merged = {name: getattr(casus, name) for name in CASUS_FIELDS} if casus else {}
            merged.update(values, code=casus.code if casus else row.casus)
            if titel is not None:
                merged["onderzoek_id"] = onderzoek_of(gemeente, titel).id if titel else None
            casus = save_casus(session, gemeente, merged, casus)
            casussen[(gemeente.id, row.ckey)] = casus

    for row in facts.of(PERSPECTIEVEN):
        casus = casus_of(row)
        perspectief = find_single(casus, row.soort, row.rol) if casus is not None else None
        if perspectief is not None and not _differs(perspectief, row.values):
            continue
        counts["perspectieven"] += 1
        if write:
            if perspectief is None:
                perspectief = Perspectief(casus=casus, soort=row.soort, rol=row.rol,
                                          status="concept", toestemming=False,
                                          instrument_version=instrument.version)
                session.add(perspectief)
            for name, value in row.values.items():
                setattr(perspectief, name, value)

    if CITATEN.name in facts.rows:
        wanted: dict[PerspectiveKey, list[dict]] = defaultdict(list)
        for row in facts.of(PERSPECTIEVEN):
            wanted[row.perspective]
        for row in facts.of(CITATEN):
            wanted[row.perspective].append(row.values)
        owners = {row.perspective: row for row in facts.of(CITATEN) + facts.of(PERSPECTIEVEN)}
        for key, quotes in wanted.items():
            row = owners[key]
            casus = casus_of(row)
            perspectief = find_single(casus, row.soort, row.rol) if casus is not None else None
            stored = list(perspectief.citaten) if perspectief is not None else []
            before: dict[tuple, deque] = defaultdict(deque)
            for citaat in stored:   # the same quote twice: each keeps its own details
                before[(citaat.element_code, citaat.tekst)].append(citaat)
            citaten = new_citaten(row.soort, [
                _with_stored(q, _take(before, (q.get("element_code"), q.get("tekst"))))
                for q in quotes], perspectief.geinterviewde if perspectief is not None else None)
            if [_quote(c) for c in stored] == [_quote(c) for c in citaten]:
                continue
            counts["citaten"] += 1
            if write and perspectief is not None:
                perspectief.citaten = citaten
                # A new version, so a form opened before the import gets a conflict instead
                # of silently putting the old quotes back.
                perspectief.updated_at = utcnow()

    if SYNTHESE.name in facts.rows:
        texts: dict[tuple[str, str], dict[str, str]] = {row.casus_ref: {}
                                                        for row in facts.of(CASUSSEN)}
        for row in facts.of(SYNTHESE):
            texts.setdefault(row.casus_ref, {})[row.values["element_code"]] = row.values["tekst"]
        owners = {row.casus_ref: row for row in facts.of(CASUSSEN) + facts.of(SYNTHESE)}
        for ref, synthese in texts.items():
            casus = casus_of(owners[ref])
            stored = (casus.synthese if casus is not None else None) or {}
            if stored == stored_synthese(instrument, synthese, stored):
                continue
            counts["synthese"] += 1
            if write and casus is not None:
                save_bevindingen(session, instrument, casus, {"synthese": synthese})

    _apply_acties(session, facts, instrument, counts, problems, write, gemeenten, ids,
                  gemeente_of, onderzoek_of)
    if write:
        session.flush()   # the quotes just written are what an eindanalyse links to
    eindanalyse.apply_eindanalyses(session, facts, instrument, counts, problems, write,
                                   gemeenten, onderzoeken, casussen, scores_pending)
    if write:
        session.flush()
    return FactChanges(counts, problems.as_list())


def _apply_acties(session, facts: Facts, instrument: Instrument, counts: dict, problems,
                  write: bool, gemeenten: dict, ids: list, gemeente_of, onderzoek_of) -> None:
    """The Verbeteracties and Voortgang rows: each action through save_actie (its checks on
    the row combined with what is stored), and per action listed the progress notes in the
    file, in date order, through add_voortgang."""
    fresh = {"populate_existing": True}
    acties = {(a.gemeente_id, a.titel_key): a for a in session.scalars(
        select(Verbeteractie).where(Verbeteractie.gemeente_id.in_(ids)).options(
            selectinload(Verbeteractie.voortgang), selectinload(Verbeteractie.onderzoek)),
        execution_options=fresh)} if ids else {}

    def actie_of(row: FactRow) -> Verbeteractie | None:
        gemeente = gemeenten.get(row.gkey)
        return acties.get((gemeente.id, row.akey)) if gemeente is not None else None

    for row in facts.of(VERBETERACTIES):
        actie = actie_of(row)
        values = dict(row.values)
        titel = values.pop("onderzoek", None)
        same_onderzoek = titel is None or (
            onderzoek_key(actie.onderzoek.titel) if actie and actie.onderzoek else "") == \
            onderzoek_key(titel)
        if actie is not None and not _differs(actie, values) and same_onderzoek:
            continue
        merged = {name: getattr(actie, name) for name in ACTIE_FIELDS} if actie else {}
        merged.update(values, titel=actie.titel if actie else row.actie)
        found = actie_problems(instrument, merged)
        if found:
            problems.add(row.where, row.row, f"De {row.label()}: {' '.join(found.values())}")
            continue
        counts["verbeteracties"] += 1
        if write:
            gemeente = gemeente_of(row)
            if titel is not None:
                merged["onderzoek_id"] = onderzoek_of(gemeente, titel).id if titel else None
            acties[(gemeente.id, row.akey)] = save_actie(session, instrument, gemeente, merged,
                                                         actie)

    if VOORTGANG.name not in facts.rows:
        return
    in_file = {row.actie_ref for row in facts.of(VERBETERACTIES)}
    notes: dict[tuple[str, str], list[tuple]] = {ref: [] for ref in in_file}
    owners = {row.actie_ref: row for row in facts.of(VOORTGANG) + facts.of(VERBETERACTIES)}
    for row in facts.of(VOORTGANG):
        if row.actie_ref not in in_file and actie_of(row) is None:
            problems.add(row.where, row.row, f"De {row.label()} bestaat niet in ZET of bij de "
                         "verbeteracties: voeg haar toe of verwijder de rij.")
            continue
        notes.setdefault(row.actie_ref, []).append((row.values["datum"], row.values["tekst"]))
    for ref, wanted in notes.items():
        wanted = sorted(wanted, key=lambda note: note[0])   # as ZET shows them: by date
        actie = actie_of(owners[ref])
        if [(v.datum, v.tekst) for v in (actie.voortgang if actie else [])] == wanted:
            continue
        counts["voortgang"] += 1
        if write and actie is not None:
            actie.voortgang.clear()
            session.flush()
            for datum, tekst in wanted:
                add_voortgang(session, actie, datum, tekst)


_QUOTE_FIELDS = ("element_code", "tekst", "bron", "spreker", "soort", "citeerbaar")


def _quote(citaat: Citaat) -> tuple:
    return tuple(getattr(citaat, name) for name in _QUOTE_FIELDS)


def _take(stored: dict[tuple, deque], key: tuple) -> Citaat | None:
    same = stored.get(key)
    return same.popleft() if same else None


def _with_stored(quote: dict, stored: Citaat | None) -> dict:
    """A quote from the file, with what its left-out columns do not say taken from the same
    quote (same element and text) as ZET has it."""
    return {name: quote[name] if name in quote else
            (getattr(stored, name) if stored is not None else None) for name in _QUOTE_FIELDS}


def _combined_problem(casus: Casus | None, values: dict) -> str | None:
    """The casus rules that need the stored facts too (zet.rules, as save_casus applies them)."""
    for item in values.get("leefgebieden") or []:
        if not item.get("vraag"):
            return catalog.leefgebied_without_question(item["gebied"])
    dates = {name: getattr(casus, name) if casus is not None else None
             for name, _ in CASUS_DATES}
    dates.update({name: values[name] for name, _ in CASUS_DATES if name in values})
    order = casus_dates_problem(dates)
    return order[1] if order else None


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


def _onderzoek_titel(casus: Casus) -> str:
    return onderzoek_key(casus.onderzoek.titel) if casus.onderzoek is not None else ""
