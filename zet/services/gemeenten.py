"""Creating and changing gemeenten and onderzoeken."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zet.access import Scope
from zet.errors import DomainError
from zet.models import Casus, Gemeente, Onderzoek

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
    """Names match ignoring case and surrounding spaces: 'utrecht ' is Utrecht."""
    return session.scalar(select(Gemeente).where(
        func.lower(Gemeente.naam) == naam.strip().lower()))


def save_gemeente(session: Session, values: dict, gemeente: Gemeente | None = None) -> Gemeente:
    naam = (values.get("naam") or "").strip()
    if not naam:
        raise DomainError("Vul de naam van de gemeente in.", "naam")
    existing = find_gemeente_by_name(session, naam)
    if existing is not None and existing is not gemeente:
        raise DomainError(f"Er bestaat al een gemeente met de naam '{existing.naam}'.", "naam")
    gemeente = gemeente or Gemeente()
    for key in GEMEENTE_FIELDS:
        setattr(gemeente, key, values.get(key))
    gemeente.naam = naam
    session.add(gemeente)
    session.flush()
    return gemeente


def save_onderzoek(session: Session, gemeente: Gemeente, values: dict,
                   onderzoek: Onderzoek | None = None) -> Onderzoek:
    titel = (values.get("titel") or "").strip()
    if not titel:
        raise DomainError("Vul een titel voor het onderzoek in.", "titel")
    start, eind = values.get("periode_start"), values.get("periode_eind")
    if start and eind and eind < start:
        raise DomainError("Het einde van de periode ligt vóór het begin. Controleer de data.",
                          "periode_eind")
    clash = session.scalar(select(Onderzoek).where(
        Onderzoek.gemeente_id == gemeente.id, func.lower(Onderzoek.titel) == titel.lower()))
    if clash is not None and clash is not onderzoek:
        raise DomainError(f"Deze gemeente heeft al een onderzoek '{clash.titel}'.", "titel")
    onderzoek = onderzoek or Onderzoek(gemeente=gemeente)
    for key in ONDERZOEK_FIELDS:
        setattr(onderzoek, key, values.get(key))
    onderzoek.titel = titel
    session.add(onderzoek)
    session.flush()
    return onderzoek
