"""The eindanalyse: the closing session of an onderzoek with the gemeente. Per werkzaam element
the group may set a priority, agree an oordeel (a reason is required when it differs from the
one ZET computes; both stay visible), write a conclusion and link the casussen and quotes that
support it. One set of checks (eindanalyse_problems) for the form and the import."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import analysis
from zet.access import ALL, Scope
from zet.errors import ValidationFailed
from zet.instrument import Instrument
from zet.models import Casus, Eindanalyse, EindanalyseElement, Onderzoek, Perspectief
from zet.models.mixins import utcnow
from zet.rules import catalog
from zet.services.analyse import SETTINGS, Filters, elements_frame, long_frame
from zet.vocabulary import DISCIPLINES

ELEMENT_FIELDS = ("prioriteit", "oordeel", "reden", "conclusie", "casussen", "citaten")


@dataclass(frozen=True)
class Berekend:
    """What ZET computes for one element over the onderzoek's casussen (as its totaalbeeld)."""
    oordeel: str | None
    score: float | None
    n_casussen: int
    n_compleet: int
    indicatief: bool


@dataclass(frozen=True)
class Citaatkeuze:
    """A quote the group can link to: its casus, its text and a key that stays the same when the
    perspective is saved again (saving renews the quote rows, not their text)."""
    casus_id: int
    casus_code: str
    element_code: str | None
    tekst: str
    spreker: str
    citeerbaar: bool

    @property
    def key(self) -> str:
        return citaat_key(self.casus_id, self.tekst)


def citaat_key(casus_id: int, tekst: str) -> str:
    return f"{casus_id}-{hashlib.sha256(tekst.encode()).hexdigest()[:12]}"


def berekende_oordelen(session: Session, instrument: Instrument,
                       onderzoek: Onderzoek) -> dict[str, Berekend]:
    """Per element code the computed oordeel of the onderzoek, straight from the data (never a
    cached result: an import asks for it inside its own transaction)."""
    long = long_frame(session, ALL, Filters(gemeente_ids=(onderzoek.gemeente_id,),
                                            onderzoek_id=onderzoek.id), toelichting=False)
    empty = {code: Berekend(None, None, 0, 0, True) for code in instrument.codes}
    if long.empty:
        return empty
    scores = analysis.analyse(long, elements_frame(instrument), SETTINGS, False).gemeente_scores
    for row in scores.to_dict("records"):
        score = row["score"]
        empty[str(row["element"])] = Berekend(
            row["oordeel"] or None, None if score != score else float(score),
            int(row["n_casussen"]), int(row["n_compleet"]), bool(row["indicatief"]))
    return empty


def onderzoek_casussen(session: Session, onderzoek: Onderzoek) -> list[Casus]:
    """The casussen of the onderzoek (by code), with their quotes loaded."""
    return list(session.scalars(
        select(Casus).where(Casus.onderzoek_id == onderzoek.id).order_by(Casus.code_key)
        .options(selectinload(Casus.perspectieven).selectinload(Perspectief.citaten))))


def citaatkeuzes(casussen: list[Casus]) -> list[Citaatkeuze]:
    """Every quote of these casussen, once per casus and text."""
    seen, found = set(), []
    for casus in casussen:
        for perspectief in casus.perspectieven:
            for citaat in perspectief.citaten:
                choice = Citaatkeuze(casus.id, casus.code, citaat.element_code, citaat.tekst,
                                     citaat.spreker, bool(citaat.citeerbaar))
                if choice.key not in seen:
                    seen.add(choice.key)
                    found.append(choice)
    return found


def reference_oordelen(instrument: Instrument, values: dict, berekend: dict[str, Berekend],
                       stored: "Eindanalyse | None") -> dict[str, str | None]:
    """Per element the computed oordeel an agreed one is held against: the one kept from when
    it was agreed (the oordeel is unchanged), the one an import file says was computed then
    (``berekend`` in the element's values, a session new to ZET), or the one ZET computes now."""
    items = values.get("elementen") or {}
    kept = {item.element_code: item for item in (stored.elementen if stored else [])}
    reference = {}
    for code in instrument.codes:
        item = items.get(code) or {}
        oordeel = stored_element(item)["oordeel"]
        row = kept.get(code)
        if row is not None and row.oordeel == oordeel and oordeel is not None:
            reference[code] = row.berekend
        elif "berekend" in item:
            reference[code] = item["berekend"]
        elif code in berekend:
            reference[code] = berekend[code].oordeel
    return reference


def eindanalyse_problems(instrument: Instrument, values: dict,
                         reference: dict[str, str | None] | None,
                         casussen: list[Casus] | None) -> dict[str, str]:
    """Per field what is wrong: a date is required, participants are counted per discipline
    (at least one), priorities are distinct numbers, an agreed oordeel that differs from the
    computed one (``reference``, see reference_oordelen) needs its reason, linked casussen and
    quotes belong to the onderzoek. Keys: datum, deelnemers-<discipline>, samenvatting,
    <element code>-<field>. An element missing from ``reference``, or ``casussen`` None (an
    import checking before its scores are written), leaves those checks to the save."""
    errors: dict[str, str] = {}
    if values.get("datum") is None:
        errors["datum"] = catalog.EINDANALYSE_DATUM_MISSING
    deelnemers = values.get("deelnemers") or {}
    for code in deelnemers:
        if code not in DISCIPLINES:
            errors["deelnemers"] = (f"Discipline '{code}' onbekend: kies uit "
                                    f"{', '.join(DISCIPLINES)}.")
    for code in DISCIPLINES:
        message = catalog.DEELNEMERS.problem(deelnemers.get(code))
        if message:
            errors[f"deelnemers-{code}"] = message
    if not errors and not sum(catalog.DEELNEMERS.parse(v) or 0 for v in deelnemers.values()):
        errors["deelnemers"] = ("Vul in hoeveel deelnemers er waren, per discipline (geen "
                                "namen).")
    message = catalog.EINDANALYSE_SAMENVATTING.problem(values.get("samenvatting"))
    if message:
        errors["samenvatting"] = message
    casus_ids = {casus.id for casus in casussen or ()}
    quote_keys = {choice.key for choice in citaatkeuzes(casussen or [])}
    priorities: dict[int, str] = {}
    for code, item in (values.get("elementen") or {}).items():
        element = instrument.element(code)
        if element is None:
            errors[f"{code}-oordeel"] = (f"Onbekend werkzaam element '{code}': kies uit "
                                         f"{', '.join(instrument.codes)}.")
            continue
        for rule in (catalog.EA_PRIORITEIT, catalog.EA_OORDEEL, *catalog.EA_TEXTS):
            message = rule.problem(item.get(rule.field))
            if message:
                errors[f"{code}-{rule.field}"] = message
        prioriteit = None if f"{code}-prioriteit" in errors else \
            catalog.EA_PRIORITEIT.parse(item.get("prioriteit"))
        if prioriteit is not None:
            if prioriteit in priorities:
                errors[f"{code}-prioriteit"] = (
                    f"Prioriteit {prioriteit} staat ook bij {priorities[prioriteit]}: geef elk "
                    "element een eigen volgnummer.")
            priorities.setdefault(prioriteit, element.name)
        oordeel = catalog.EA_OORDEEL.normalise(item.get("oordeel")) if item.get("oordeel") \
            and f"{code}-oordeel" not in errors else None
        known = reference is not None and code in reference
        computed_oordeel = reference.get(code) if known else None
        if known and oordeel and oordeel != computed_oordeel and not catalog.EA_REDEN.clean(
                item.get("reden")) and f"{code}-reden" not in errors:
            errors[f"{code}-reden"] = catalog.reden_missing(
                element.name, oordeel, computed_oordeel or "geen oordeel (nog geen scores)")
        if casussen is None:
            continue
        if any(casus_id not in casus_ids for casus_id in item.get("casussen") or ()):
            errors[f"{code}-casussen"] = ("Kies casussen van dit onderzoek: een gekozen casus "
                                          "hoort er niet (meer) bij.")
        if any(citaat_key(q["casus"], q["tekst"]) not in quote_keys
               for q in item.get("citaten") or ()):
            errors[f"{code}-citaten"] = ("Een gekozen citaat staat niet (meer) bij de casussen "
                                         "van dit onderzoek: kies het opnieuw of laat het weg.")
    return errors


def datum_taken_message(datum: date, onderzoek: Onderzoek) -> str:
    return (f"Onderzoek '{onderzoek.titel}' heeft al een eindanalyse op "
            f"{datum.strftime('%d-%m-%Y')}. Kies een andere datum, of open die eindanalyse om "
            "haar bij te werken.")


def find_eindanalyse(session: Session, onderzoek: Onderzoek, datum: date) -> Eindanalyse | None:
    return session.scalar(select(Eindanalyse).where(Eindanalyse.onderzoek_id == onderzoek.id,
                                                    Eindanalyse.datum == datum))


def save_eindanalyse(session: Session, instrument: Instrument, onderzoek: Onderzoek,
                     values: dict, eindanalyse: Eindanalyse | None = None) -> Eindanalyse:
    """Create or change a session; raises ValidationFailed (nothing stored) when a field is
    wrong or the onderzoek already has a session on that date. Every stored element keeps the
    oordeel ZET computed when it was agreed beside the agreed one (reference_oordelen)."""
    berekend = berekende_oordelen(session, instrument, onderzoek)
    casussen = onderzoek_casussen(session, onderzoek)
    reference = reference_oordelen(instrument, values, berekend, eindanalyse)
    errors = eindanalyse_problems(instrument, values, reference, casussen)
    datum = values.get("datum")
    clash = find_eindanalyse(session, onderzoek, datum) if datum else None
    if clash is not None and clash is not eindanalyse:
        errors["datum"] = datum_taken_message(datum, onderzoek)
    if errors:
        raise ValidationFailed(errors)
    eindanalyse = eindanalyse or Eindanalyse(onderzoek=onderzoek)
    eindanalyse.datum = datum
    eindanalyse.deelnemers = {code: catalog.DEELNEMERS.parse(values["deelnemers"][code])
                              for code in DISCIPLINES
                              if catalog.DEELNEMERS.parse((values.get("deelnemers") or {})
                                                          .get(code))}
    eindanalyse.samenvatting = catalog.EINDANALYSE_SAMENVATTING.clean(
        values.get("samenvatting")) or None
    items = values.get("elementen") or {}
    stored = {item.element_code: item for item in eindanalyse.elementen}
    for code in instrument.codes:
        item = stored_element(items.get(code) or {})
        if not any(item.values()):
            if code in stored:
                eindanalyse.elementen.remove(stored[code])
            continue
        row = stored.get(code) or EindanalyseElement(element_code=code)
        for name, value in item.items():
            setattr(row, name, value)
        row.berekend = reference.get(code)
        if code not in stored:
            eindanalyse.elementen.append(row)
    eindanalyse.updated_at = utcnow()   # the version a form compares, also when only an
    session.add(eindanalyse)            # element changed
    session.flush()
    session.expire(eindanalyse, ["elementen"])   # reload in instrument order
    return eindanalyse


def stored_element(item: dict) -> dict:
    """One element's values as they are stored (checked values in): empty text is None, the
    casussen and quotes in a fixed order, so an unchanged re-import compares equal (the
    computed oordeel is kept apart, see reference_oordelen)."""
    oordeel = item.get("oordeel")
    return {
        "prioriteit": catalog.EA_PRIORITEIT.parse(item.get("prioriteit")),
        "oordeel": catalog.EA_OORDEEL.normalise(oordeel) if oordeel else None,
        "reden": catalog.EA_REDEN.clean(item.get("reden")) or None,
        "conclusie": catalog.EA_CONCLUSIE.clean(item.get("conclusie")) or None,
        "casussen": sorted(set(item.get("casussen") or ())),
        "citaten": sorted(({"casus": q["casus"], "tekst": q["tekst"]}
                           for q in item.get("citaten") or ()),
                          key=lambda q: (q["casus"], q["tekst"])),
    }


def session_values(eindanalyse: Eindanalyse) -> dict:
    """A stored session in the shape save_eindanalyse takes."""
    return {"datum": eindanalyse.datum, "deelnemers": dict(eindanalyse.deelnemers or {}),
            "samenvatting": eindanalyse.samenvatting or "",
            "elementen": element_values(eindanalyse)}


def element_values(eindanalyse: Eindanalyse | None) -> dict[str, dict]:
    """What a stored session says per element, in the shape save_eindanalyse takes."""
    if eindanalyse is None:
        return {}
    return {item.element_code: {name: getattr(item, name) for name in ELEMENT_FIELDS}
            for item in eindanalyse.elementen}


def list_eindanalyses(session: Session, scope: Scope, gemeente_id: int) -> list[Eindanalyse]:
    """The sessions of one gemeente (in scope), newest first."""
    stmt = (select(Eindanalyse).join(Onderzoek, Eindanalyse.onderzoek_id == Onderzoek.id)
            .where(Onderzoek.gemeente_id == gemeente_id)
            .options(selectinload(Eindanalyse.elementen), selectinload(Eindanalyse.onderzoek))
            .order_by(Eindanalyse.datum.desc(), Eindanalyse.id.desc()))
    return list(session.scalars(scope.restrict(stmt, Onderzoek.gemeente_id)))


def unlink_casus(session: Session, casus: Casus) -> None:
    """Take a casus out of every eindanalyse of its gemeente (before it is deleted)."""
    stmt = (select(EindanalyseElement).join(Eindanalyse).join(Onderzoek)
            .where(Onderzoek.gemeente_id == casus.gemeente_id))
    for item in session.scalars(stmt):
        if casus.id in (item.casussen or []) or any(q["casus"] == casus.id
                                                    for q in item.citaten or []):
            item.casussen = [i for i in item.casussen or [] if i != casus.id]
            item.citaten = [q for q in item.citaten or [] if q["casus"] != casus.id]
