"""Creating and changing gemeenten and onderzoeken."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zet.access import Scope
from zet.errors import DomainError, NeedsConfirmation
from zet.models import Casus, Gemeente, Onderzoek
from zet.rules import catalog
from zet.rules.dates import period_problem
from zet.rules.identity import gemeente_lookalike_problem, gemeente_taken_message
from zet.rules.names import gemeente_key, gemeente_lookalike_key, onderzoek_key

GEMEENTE_FIELDS = ("naam", "grootteklasse", "toegang")
ONDERZOEK_FIELDS = ("titel", "periode_start", "periode_eind", "focus")


def list_gemeenten(session: Session, scope: Scope) -> list[Gemeente]:
    stmt = scope.restrict(select(Gemeente).order_by(Gemeente.naam), Gemeente.id)
    return list(session.scalars(stmt))


def counts_per_gemeente(session: Session, scope: Scope) -> dict[int, tuple[int, int]]:
    """Per gemeente id: (onderzoeken, casussen), counted in the database."""
    onderzoeken = dict(session.execute(scope.restrict(
        select(Onderzoek.gemeente_id, func.count(Onderzoek.id)).group_by(Onderzoek.gemeente_id),
        Onderzoek.gemeente_id)).all())
    casussen = dict(session.execute(scope.restrict(
        select(Casus.gemeente_id, func.count(Casus.id)).group_by(Casus.gemeente_id),
        Casus.gemeente_id)).all())
    return {gid: (onderzoeken.get(gid, 0), casussen.get(gid, 0))
            for gid in set(onderzoeken) | set(casussen)}


def find_gemeente_by_name(session: Session, naam: str) -> Gemeente | None:
    """Names match by their key: ' utrecht' and 'Utrecht' are one gemeente."""
    return session.scalar(select(Gemeente).where(Gemeente.naam_key == gemeente_key(naam)))


def lookalike_names(session: Session, naam: str) -> list[str]:
    """Stored gemeenten a user may mean by ``naam`` ('Duinwijk' for 'Gemeente Duinwijk')."""
    wanted = gemeente_lookalike_key(naam)
    return [stored for stored in session.scalars(select(Gemeente.naam).order_by(Gemeente.naam))
            if gemeente_lookalike_key(stored) == wanted]


def save_gemeente(session: Session, values: dict, gemeente: Gemeente | None = None, *,
                  confirm_new: bool = False) -> Gemeente:
    """Create or change a gemeente. A name that looks like an existing gemeente ('Duinwijk'
    beside 'Gemeente Duinwijk') is refused unless ``confirm_new`` says it really is another."""
    naam = catalog.GEMEENTE_NAAM.require(values.get("naam"))
    existing = find_gemeente_by_name(session, naam)
    if existing is not None and existing is not gemeente:
        raise DomainError(gemeente_taken_message(existing.naam), "naam")
    if not confirm_new and (gemeente is None or gemeente.naam_key != gemeente_key(naam)):
        others = [n for n in lookalike_names(session, naam)
                  if gemeente is None or n != gemeente.naam]
        message = gemeente_lookalike_problem(naam, others)
        if message:
            raise NeedsConfirmation(message, "naam")
    toegang = catalog.GEMEENTE_TOEGANG.require(values.get("toegang"))
    grootteklasse = catalog.GROOTTEKLASSE.require(values.get("grootteklasse"))
    gemeente = gemeente or Gemeente()
    for key in GEMEENTE_FIELDS:
        setattr(gemeente, key, values.get(key))
    gemeente.naam, gemeente.toegang = naam, toegang or None
    gemeente.grootteklasse = grootteklasse
    session.add(gemeente)
    session.flush()
    return gemeente


def find_onderzoek(session: Session, gemeente: Gemeente, titel: str) -> Onderzoek | None:
    return session.scalar(select(Onderzoek).where(
        Onderzoek.gemeente_id == gemeente.id, Onderzoek.titel_key == onderzoek_key(titel)))


def save_onderzoek(session: Session, gemeente: Gemeente, values: dict,
                   onderzoek: Onderzoek | None = None) -> Onderzoek:
    titel = catalog.ONDERZOEK_TITEL.require(values.get("titel"))
    focus = catalog.ONDERZOEK_FOCUS.require(values.get("focus"))
    order = period_problem(values.get("periode_start"), values.get("periode_eind"))
    if order:
        raise DomainError(order[1], order[0])
    clash = find_onderzoek(session, gemeente, titel)
    if clash is not None and clash is not onderzoek:
        raise DomainError(f"Deze gemeente heeft al een onderzoek '{clash.titel}'.", "titel")
    onderzoek = onderzoek or Onderzoek(gemeente=gemeente)
    for key in ONDERZOEK_FIELDS:
        setattr(onderzoek, key, values.get(key))
    onderzoek.titel, onderzoek.focus = titel, focus or None
    session.add(onderzoek)
    session.flush()
    return onderzoek
