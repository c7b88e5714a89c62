"""Retention: remove onderzoeken (with their casussen) once they are older than the agreed term."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from zet.audit import add_event
from zet.models import Onderzoek
from zet.services.casussen import delete_casus


@dataclass(frozen=True)
class Purged:
    """What was (or, in a dry run, would be) removed."""
    onderzoek_id: int
    titel: str
    gemeente: str
    peildatum: date  # periode_eind, or the day the onderzoek was created
    casussen: tuple[str, ...]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _peildatum(onderzoek: Onderzoek) -> date:
    if onderzoek.periode_eind is not None:
        return onderzoek.periode_eind
    return onderzoek.created_at.date()


def expired_onderzoeken(session: Session, months: int, today: date | None = None) -> list[Onderzoek]:
    """Onderzoeken whose periode_eind (or, without one, creation) lies more than ``months`` ago."""
    cutoff = months_before(today or date.today(), months)
    cutoff_moment = datetime.combine(cutoff, time.min, tzinfo=timezone.utc)
    stmt = select(Onderzoek).where(or_(
        Onderzoek.periode_eind < cutoff,
        and_(Onderzoek.periode_eind.is_(None), Onderzoek.created_at < cutoff_moment)),
    ).order_by(Onderzoek.gemeente_id, Onderzoek.id)
    return list(session.scalars(stmt))


def purge(session: Session, months: int, today: date | None = None,
          dry_run: bool = False) -> list[Purged]:
    """Remove expired onderzoeken with their casussen (and so perspectives, scores, quotes).

    Every removal is written to the audit log. With ``dry_run`` nothing changes.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    result = []
    for onderzoek in expired_onderzoeken(session, months, today):
        codes = tuple(c.code for c in onderzoek.casussen)
        result.append(Purged(onderzoek.id, onderzoek.titel, onderzoek.gemeente.naam,
                             _peildatum(onderzoek), codes))
        if dry_run:
            continue
        for casus in list(onderzoek.casussen):
            add_event(session, None, "opgeschoond", "casus", casus.id,
                      f"{casus.code} ({onderzoek.gemeente.naam}, onderzoek {onderzoek.id})")
            delete_casus(session, casus)
        add_event(session, None, "opgeschoond", "onderzoek", onderzoek.id,
                  f"onderzoek {onderzoek.id} ({onderzoek.gemeente.naam}), bewaartermijn {months} "
                  f"maanden verstreken")
        session.delete(onderzoek)
    session.flush()
    return result
