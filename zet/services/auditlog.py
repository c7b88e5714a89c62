"""Reading the audit log: filter, page, and write it as CSV for a beheerder."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from zet.models import AuditEvent
from zet.moments import DUTCH_TIME, in_dutch_time

PAGE_SIZE = 50
CSV_COLUMNS = ("tijdstip", "gebruiker", "rol", "actie", "over", "nummer", "toelichting")


@dataclass(frozen=True)
class AuditFilters:
    gebruiker: str | None = None
    actie: str | None = None
    objecttype: str | None = None
    object_id: int | None = None
    van: date | None = None
    tot: date | None = None


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` as the log shows it (Dutch time), in UTC as the moments are stored:
    SQLite compares the stored wall time, so the bound must be UTC wall time too."""
    return datetime.combine(day, time.min, tzinfo=DUTCH_TIME).astimezone(timezone.utc)


def _filtered(stmt: Select, filters: AuditFilters) -> Select:
    if filters.gebruiker:
        stmt = stmt.where(func.lower(AuditEvent.username) == filters.gebruiker.strip().lower())
    if filters.actie:
        stmt = stmt.where(AuditEvent.action == filters.actie)
    if filters.objecttype:
        stmt = stmt.where(AuditEvent.object_type == filters.objecttype)
    if filters.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.van:
        stmt = stmt.where(AuditEvent.at >= _start_of(filters.van))
    if filters.tot:
        stmt = stmt.where(AuditEvent.at < _start_of(filters.tot + timedelta(days=1)))
    return stmt


def search(session: Session, filters: AuditFilters, page: int = 1,
           page_size: int = PAGE_SIZE) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and how many events match in total."""
    total = session.scalar(_filtered(select(func.count(AuditEvent.id)), filters))
    page = max(1, page)
    events = session.scalars(_filtered(select(AuditEvent), filters)
                             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                             .limit(page_size).offset((page - 1) * page_size))
    return list(events), total


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(session: Session, filters: AuditFilters) -> bytes:
    """Every matching event, oldest first, as UTF-8 CSV (with BOM, so Excel reads accents)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    stmt = _filtered(select(AuditEvent), filters).order_by(AuditEvent.at, AuditEvent.id)
    for event in session.scalars(stmt):
        writer.writerow([_cell(v) for v in (
            in_dutch_time(event.at).strftime("%d-%m-%Y %H:%M:%S"), event.username, event.role,
            event.action, event.object_type, event.object_id, event.detail)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
