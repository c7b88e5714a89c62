"""Importing the eindanalyse: the sessions (Eindanalyses), what each agreed per element
(Eindanalyse per element) and the casussen and quotes that support it (Eindanalyse
onderbouwing); see zet.interchange.

Every row goes through the field rules of the form; a session named in any of the three tables
is then combined with what ZET has and saved through zet.services.eindanalyse, which applies
the same checks as the form. As with the voortgang of a verbeteractie: when a table is present,
a session it or another eindanalyse table names gets exactly the rows listed there (also: none);
a column left out keeps what ZET has.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zet.importing.validate import element_code, element_message
from zet.instrument import Instrument
from zet.interchange import (DEELNEMER_COLUMNS, EINDANALYSE_ELEMENTEN, EINDANALYSE_ONDERBOUWING,
                             EINDANALYSE_REGISTERS, EINDANALYSES, Register)
from zet.models import Eindanalyse
from zet.rules import catalog
from zet.rules.names import clean_name, onderzoek_key
from zet.errors import ValidationFailed
from zet.services.eindanalyse import (berekende_oordelen, eindanalyse_problems,
                                      onderzoek_casussen, reference_oordelen, save_eindanalyse,
                                      session_values, stored_element)

OWN_FIELDS = ("prioriteit", "oordeel", "reden", "conclusie")   # the links are separate rows


def read_row(register: Register, fact, cells: dict, instrument: Instrument, check,
             errors: list) -> None:
    """The cells of one eindanalyse row into ``fact`` (onderzoek in titel/okey; datum and the
    facts in values); the dates were read by the caller."""
    fact.titel = clean_name(cells["onderzoek"])
    fact.okey = onderzoek_key(fact.titel)
    if not fact.titel:
        errors.append(catalog.ONDERZOEK_TITEL.missing)
    else:
        check(catalog.ONDERZOEK_TITEL, fact.titel)
    if not cells.get("datum", "").strip():
        errors.append(catalog.EINDANALYSE_DATUM_MISSING)
    values = fact.values
    if register is EINDANALYSES:
        for column, code in DEELNEMER_COLUMNS.items():
            if column in cells and check(catalog.DEELNEMERS, cells[column]):
                values.setdefault("deelnemers", {})[code] = catalog.DEELNEMERS.parse(
                    cells[column])
        if "samenvatting" in cells and check(catalog.EINDANALYSE_SAMENVATTING,
                                             cells["samenvatting"]):
            values["samenvatting"] = catalog.EINDANALYSE_SAMENVATTING.clean(cells["samenvatting"])
        return
    raw = cells.get("element", "")
    values["element_code"] = element_code(instrument, raw)
    if values["element_code"] is None:
        errors.append(element_message(instrument, raw))
    if register is EINDANALYSE_ELEMENTEN:
        # berekend_oordeel: what ZET computed when the oordeel was agreed; read for a session
        # new to ZET (an export going into another database), kept as stored otherwise
        if "berekend_oordeel" in cells and check(catalog.EA_BEREKEND, cells["berekend_oordeel"]):
            values["berekend"] = catalog.EA_BEREKEND.normalise(cells["berekend_oordeel"]) \
                if cells["berekend_oordeel"] else None
        if "prioriteit" in cells and check(catalog.EA_PRIORITEIT, cells["prioriteit"]):
            values["prioriteit"] = catalog.EA_PRIORITEIT.parse(cells["prioriteit"])
        if "oordeel" in cells and check(catalog.EA_OORDEEL, cells["oordeel"]):
            values["oordeel"] = catalog.EA_OORDEEL.normalise(cells["oordeel"]) \
                if cells["oordeel"] else None
        for rule in catalog.EA_TEXTS:
            if rule.field in cells and check(rule, cells[rule.field]):
                values[rule.field] = rule.clean(cells[rule.field]) or None
    else:
        if "citaat" in cells and check(catalog.CITAAT, cells["citaat"]):
            values["citaat"] = catalog.CITAAT.clean(cells["citaat"]) or None


def identity(fact) -> tuple:
    key = (fact.gkey, fact.okey, fact.values.get("datum"))
    if fact.register is EINDANALYSES:
        return key
    if fact.register is EINDANALYSE_ELEMENTEN:
        return key + (fact.values.get("element_code"),)
    return key + (fact.values.get("element_code"), fact.ckey, fact.values.get("citaat"))


def label(fact) -> str:
    datum = fact.values.get("datum")
    shown = datum.strftime("%d-%m-%Y") if datum else "?"
    element = fact.values.get("element_code")
    return (f"de eindanalyse van {shown} bij onderzoek '{fact.titel}' ({fact.gemeente})"
            + (f", element {element}" if element else ""))


def onderzoek_problem(fact, known_onderzoek: bool) -> str | None:
    if known_onderzoek:
        return None
    return (f"Onderzoek '{fact.titel}' ({fact.gemeente}) bestaat niet in ZET of in dit bestand: "
            "voeg het toe (tabblad Onderzoeken) of verbeter de titel.")


def apply_eindanalyses(session, facts, instrument: Instrument, counts: dict, problems,
                       write: bool, gemeenten: dict, onderzoeken: dict, casussen: dict,
                       scores_pending: bool) -> None:
    """Combine the rows per session with what is stored and save what differs. Before the
    scores are written (``scores_pending``) or when the onderzoek is still to be made, the
    checks that need the computed oordelen or the casussen wait for the write."""
    present = {register.name for register in EINDANALYSE_REGISTERS} & set(facts.rows)
    if not present:
        return
    sessions: dict[tuple, dict] = defaultdict(lambda: {"rows": {}, "elementen": {},
                                                       "links": defaultdict(list)})
    for register in EINDANALYSE_REGISTERS:
        for row in facts.of(register):
            entry = sessions[(row.gkey, row.okey, row.values.get("datum"))]
            entry.setdefault("owner", row)
            if register is EINDANALYSES:
                entry["rows"] = row.values
            elif register is EINDANALYSE_ELEMENTEN:
                entry["elementen"][row.values["element_code"]] = row.values
                entry.setdefault("element_rows", {})[row.values["element_code"]] = row
            else:
                entry["links"][row.values["element_code"]].append(row)
    for (gkey, okey, datum), entry in sessions.items():
        owner = entry["owner"]
        gemeente = gemeenten.get(gkey)
        onderzoek = onderzoeken.get((gemeente.id, okey)) if gemeente is not None else None
        stored = _stored(session, onderzoek, datum)
        values = session_values(stored) if stored is not None else {
            "datum": datum, "deelnemers": {}, "samenvatting": "", "elementen": {}}
        rows = entry["rows"]
        if "deelnemers" in rows:
            values["deelnemers"] = {**values["deelnemers"], **rows["deelnemers"]}
        if "samenvatting" in rows:
            values["samenvatting"] = rows["samenvatting"] or ""
        elementen = values["elementen"]
        if EINDANALYSE_ELEMENTEN.name in present:
            for code in instrument.codes:
                item = elementen.setdefault(code, {})
                given = entry["elementen"].get(code, {})
                for name in OWN_FIELDS:
                    item[name] = given.get(name, item.get(name) if code in entry["elementen"]
                                           else None)
                if stored is None and "berekend" in given:
                    item["berekend"] = given["berekend"]
        deferred = onderzoek is None or scores_pending
        if EINDANALYSE_ONDERBOUWING.name in present:
            for code in instrument.codes:
                item = elementen.setdefault(code, {})
                item["casussen"], item["citaten"] = [], []
                for row in entry["links"].get(code, []):
                    casus = casussen.get((gemeente.id, row.ckey)) if gemeente else None
                    if casus is None:
                        if not deferred:
                            problems.add(row.where, row.row, f"Casus {row.casus} "
                                         f"({row.gemeente}) bestaat niet in ZET of in dit "
                                         "bestand: verbeter de code of verwijder de rij.")
                        continue
                    if row.values.get("citaat"):
                        item["citaten"].append({"casus": casus.id,
                                                "tekst": row.values["citaat"]})
                    else:
                        item["casussen"].append(casus.id)
        if stored is not None and _same(session_values(stored), values):
            continue
        if onderzoek is None and write:
            problems.add(owner.where, owner.row, onderzoek_problem(owner, False))
            continue
        try:
            if write:
                save_eindanalyse(session, instrument, onderzoek, values, stored)
            elif deferred:   # only what does not wait for the scores and casussen
                _raise_found(eindanalyse_problems(
                    instrument, values, reference_oordelen(instrument, values, {}, stored),
                    None))
            else:
                computed = berekende_oordelen(session, instrument, onderzoek)
                _raise_found(eindanalyse_problems(
                    instrument, values, reference_oordelen(instrument, values, computed, stored),
                    onderzoek_casussen(session, onderzoek)))
        except ValidationFailed as error:
            for key, message in error.errors.items():
                code, _, field = key.partition("-")
                own_row = entry.get("element_rows", {}).get(code)
                link_row = next(iter(entry["links"].get(code, [])), None)
                row = ((link_row or own_row) if field in ("casussen", "citaten")
                       else (own_row or link_row)) or owner
                problems.add(row.where, row.row, f"Bij {label(row)}: {message}")
            continue
        counts["eindanalyses"] += 1


def _raise_found(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors)


def _stored(session, onderzoek, datum) -> Eindanalyse | None:
    if onderzoek is None or onderzoek.id is None or datum is None:
        return None
    return session.scalar(select(Eindanalyse).where(
        Eindanalyse.onderzoek_id == onderzoek.id, Eindanalyse.datum == datum)
        .options(selectinload(Eindanalyse.elementen)),
        execution_options={"populate_existing": True})


def _same(stored: dict, wanted: dict) -> bool:
    def normal(values):
        return ({k: v for k, v in (values["deelnemers"] or {}).items() if v},
                values["samenvatting"] or "",
                {code: stored_element(item)
                 for code, item in values["elementen"].items()
                 if any(stored_element(item).values())})
    return normal(stored) == normal(wanted)
