"""Verbeteracties: what a gemeente agrees to do about the werkzame elementen, with progress
notes. One set of checks (actie_problems) for the form and the import."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from zet.access import Scope
from zet.errors import ValidationFailed
from zet.instrument import Instrument
from zet.models import Gemeente, Verbeteractie, Voortgang
from zet.rules import catalog
from zet.rules.dates import actie_dates_problem
from zet.rules.names import actie_key

ACTIE_FIELDS = ("titel", "omschrijving", "elementen", "niveau", "eigenaar", "nodig", "start",
                "deadline", "evaluatie", "status", "onderzoek_id")


def actie_problems(instrument: Instrument, values: dict) -> dict[str, str]:
    """Per field what is wrong with a verbeteractie (titel required, known elements, a level
    and status from the lists, no deadline or evaluation before the start)."""
    errors = {}
    for rule in catalog.ACTIE_TEXTS + (catalog.ACTIE_NIVEAU, catalog.ACTIE_STATUS):
        message = rule.problem(values.get(rule.field))
        if message:
            errors[rule.field] = message
    unknown = [code for code in values.get("elementen") or () if instrument.element(code) is None]
    if unknown:
        errors["elementen"] = (f"Onbekend werkzaam element '{unknown[0]}': kies uit "
                               f"{', '.join(instrument.codes)}.")
    order = actie_dates_problem(values)
    if order:
        errors[order[0]] = order[1]
    return errors


def titel_taken_message(titel: str, gemeente: str) -> str:
    return (f"{gemeente} heeft al een verbeteractie '{titel}'. Kies een andere titel, of open "
            "die actie om haar bij te werken.")


def find_actie(session: Session, gemeente: Gemeente, titel: str) -> Verbeteractie | None:
    return session.scalar(select(Verbeteractie).where(
        Verbeteractie.gemeente_id == gemeente.id, Verbeteractie.titel_key == actie_key(titel)))


def save_actie(session: Session, instrument: Instrument, gemeente: Gemeente, values: dict,
               actie: Verbeteractie | None = None) -> Verbeteractie:
    """Create or change a verbeteractie; raises ValidationFailed (nothing stored) when a field
    is wrong or the title is taken."""
    errors = actie_problems(instrument, values)
    titel = catalog.ACTIE_TITEL.clean(values.get("titel"))
    clash = find_actie(session, gemeente, titel) if titel else None
    if clash is not None and clash is not actie:
        errors["titel"] = titel_taken_message(clash.titel, gemeente.naam)
    onderzoek_id = values.get("onderzoek_id")
    if onderzoek_id and onderzoek_id not in {o.id for o in gemeente.onderzoeken}:
        errors["onderzoek_id"] = "Kies een onderzoek van deze gemeente."
    if errors:
        raise ValidationFailed(errors)
    actie = actie or Verbeteractie(gemeente=gemeente)
    actie.titel = titel
    for rule in catalog.ACTIE_TEXTS[1:]:
        setattr(actie, rule.field, rule.clean(values.get(rule.field)) or None)
    actie.niveau = catalog.ACTIE_NIVEAU.normalise(values.get("niveau")) if values.get("niveau") \
        else None
    actie.status = catalog.ACTIE_STATUS.normalise(values.get("status") or "gepland")
    actie.elementen = [code for code in instrument.codes if code in (values.get("elementen") or ())]
    for key in ("start", "deadline", "evaluatie"):
        setattr(actie, key, values.get(key))
    actie.onderzoek_id = onderzoek_id or None
    session.add(actie)
    session.flush()
    return actie


def add_voortgang(session: Session, actie: Verbeteractie, datum: date | None,
                  tekst: str) -> Voortgang:
    """A dated progress note; raises ValidationFailed when the date or the text is missing."""
    errors = {}
    if datum is None:
        errors["datum"] = catalog.VOORTGANG_DATUM_MISSING
    message = catalog.VOORTGANG.problem(tekst)
    if message:
        errors["tekst"] = message
    if errors:
        raise ValidationFailed(errors)
    note = Voortgang(verbeteractie=actie, datum=datum, tekst=catalog.VOORTGANG.clean(tekst))
    session.add(note)
    session.flush()
    session.expire(actie, ["voortgang"])  # reload in date order, not in the order typed
    return note


def list_acties(session: Session, scope: Scope, gemeente_id: int, *, status: str | None = None,
                element: str | None = None) -> list[Verbeteractie]:
    """The actions of one gemeente (in scope), by deadline (none last), then title; optionally
    only one status or only those about one element."""
    stmt = (select(Verbeteractie).where(Verbeteractie.gemeente_id == gemeente_id)
            .options(selectinload(Verbeteractie.voortgang), selectinload(Verbeteractie.onderzoek)))
    if status:
        stmt = stmt.where(Verbeteractie.status == status)
    acties = list(session.scalars(scope.restrict(stmt, Verbeteractie.gemeente_id)))
    if element:
        acties = [a for a in acties if element in (a.elementen or [])]
    return sorted(acties, key=lambda a: (a.deadline is None, a.deadline or date.max,
                                         a.titel_key))
