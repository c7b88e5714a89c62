"""Reading the change history (zet.history keeps it): per perspective, per casus, and all of it
as CSV for a beheerder."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from zet.access import Scope
from zet.export.csv import csv_bytes
from zet.instrument import Instrument
from zet.models import Casus, Gemeente, Perspectief, Wijziging
from zet.moments import in_dutch_time
from zet.rules import history as rule

CSV_COLUMNS = ("tijdstip", "gebruiker", "bron", "gemeente", "casus", "perspectief", "rol",
               "veld", "oud", "nieuw")


@dataclass(frozen=True)
class Change:
    """One change as a page shows it."""
    at: datetime
    username: str
    bron: str
    veld: str
    oud: str
    nieuw: str


def _shown(rows, instrument: Instrument) -> list[Change]:
    names = {element.code: element.name for element in instrument.elements}
    return [Change(at=row.at, username=row.username, bron=rule.SOURCE_LABELS.get(row.bron, row.bron),
                   veld=rule.field_label(row.veld, names), oud=rule.shown(row.veld, row.oud),
                   nieuw=rule.shown(row.veld, row.nieuw)) for row in rows]


def perspectief_history(session: Session, instrument: Instrument,
                        perspectief: Perspectief, *, with_second: bool = True) -> list[Change]:
    """Every kept change of the perspective's facts, status, answers and toelichtingen,
    newest first (the caller checked the perspective is in the user's scope); those of its
    second rating only ``with_second`` (not while the rating is blind for this user)."""
    rows = session.scalars(select(Wijziging).where(Wijziging.perspectief_id == perspectief.id)
                           .order_by(Wijziging.at.desc(), Wijziging.id.desc()))
    if not with_second:
        rows = [row for row in rows if not rule.is_second_rating(row.veld)]
    return _shown(rows, instrument)


def casus_history(session: Session, instrument: Instrument, casus: Casus) -> list[Change]:
    """Every kept change of the casus's facts, findings and status, newest first."""
    rows = session.scalars(select(Wijziging).where(Wijziging.casus_id == casus.id,
                                                   Wijziging.perspectief_id.is_(None))
                           .order_by(Wijziging.at.desc(), Wijziging.id.desc()))
    return _shown(rows, instrument)


def to_csv(session: Session, scope: Scope) -> bytes:
    """Every kept change in ``scope``, oldest first, as ZET writes CSV (zet.export.csv: text
    guarded against formulas, UTF-8 with BOM for Excel); values as stored, dates ISO."""
    stmt = (select(Wijziging.at, Wijziging.username, Wijziging.bron, Gemeente.naam, Casus.code,
                   Perspectief.soort, Perspectief.rol, Wijziging.veld, Wijziging.oud,
                   Wijziging.nieuw)
            .join(Casus, Casus.id == Wijziging.casus_id)
            .join(Gemeente, Gemeente.id == Casus.gemeente_id)
            .outerjoin(Perspectief, Perspectief.id == Wijziging.perspectief_id)
            .order_by(Wijziging.at, Wijziging.id))
    rows = [(in_dutch_time(at).strftime("%d-%m-%Y %H:%M:%S"), *values)
            for at, *values in session.execute(scope.restrict(stmt, Casus.gemeente_id))]
    return csv_bytes(pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=object).fillna(""))


def erase_casus_history(session: Session, casus: Casus) -> int:
    """Remove every kept change of the casus and its perspectives; how many went. For text that
    should never have been typed (a name the input rules did not recognise): changing the field
    removes it from the casus, this removes it from the history (the beheerder, audited)."""
    count = session.scalar(select(func.count(Wijziging.id)).where(Wijziging.casus_id == casus.id))
    session.execute(delete(Wijziging).where(Wijziging.casus_id == casus.id))
    return count or 0
