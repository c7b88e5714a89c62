"""Reading the change history (zet.history keeps it): per perspective, per casus, and all of it
as CSV for a beheerder."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zet.access import Scope
from zet.instrument import Instrument
from zet.models import Casus, Gemeente, Perspectief, Wijziging
from zet.moments import in_dutch_time
from zet.rules import history as rule
from zet.services.auditlog import csv_cell

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
                        perspectief: Perspectief) -> list[Change]:
    """Every kept change of the perspective's facts, status, answers and toelichtingen,
    newest first (the caller checked the perspective is in the user's scope)."""
    rows = session.scalars(select(Wijziging).where(Wijziging.perspectief_id == perspectief.id)
                           .order_by(Wijziging.at.desc(), Wijziging.id.desc()))
    return _shown(rows, instrument)


def casus_history(session: Session, instrument: Instrument, casus: Casus) -> list[Change]:
    """Every kept change of the casus's facts, findings and status, newest first."""
    rows = session.scalars(select(Wijziging).where(Wijziging.casus_id == casus.id,
                                                   Wijziging.perspectief_id.is_(None))
                           .order_by(Wijziging.at.desc(), Wijziging.id.desc()))
    return _shown(rows, instrument)


def to_csv(session: Session, scope: Scope) -> bytes:
    """Every kept change in ``scope``, oldest first, as UTF-8 CSV for Excel (the stored texts,
    dates ISO, so the file sorts and filters as data)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    stmt = (select(Wijziging, Gemeente.naam, Casus.code, Perspectief.soort, Perspectief.rol)
            .join(Casus, Casus.id == Wijziging.casus_id)
            .join(Gemeente, Gemeente.id == Casus.gemeente_id)
            .outerjoin(Perspectief, Perspectief.id == Wijziging.perspectief_id)
            .order_by(Wijziging.at, Wijziging.id))
    for row, gemeente, code, soort, rol in session.execute(scope.restrict(stmt, Casus.gemeente_id)):
        writer.writerow([csv_cell(v) for v in (
            in_dutch_time(row.at).strftime("%d-%m-%Y %H:%M:%S"), row.username, row.bron,
            gemeente, code, soort or "", rol or "", row.veld, row.oud, row.nieuw)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
