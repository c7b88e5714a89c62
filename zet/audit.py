"""Recording who viewed, created, changed, exported or deleted what (the AVG audit log).

In a view or a use case, call ``record(...)`` after the access check. Inside ``with
transaction()`` the event is committed with the change (and disappears with it on a rollback).
Anywhere else, including GET views, it is committed when the request ends with a status below
400 (``commit_pending``). Outside a request (a ``zet`` command) the event carries the command
line as its user and is committed by the command's transaction.
"""
from __future__ import annotations

from datetime import timedelta

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from zet.db import get_session
from zet.models import AuditEvent
from zet.models.mixins import utcnow

# What happened (actions) and to what (object types), as the audit log page offers them.
ACTIONS = ("bekeken", "aangemaakt", "gewijzigd", "verwijderd", "geëxporteerd", "geïmporteerd",
           "opgeschoond", "ingelogd", "uitgelogd", "inloggen mislukt", "gedeactiveerd",
           "geactiveerd", "wachtwoord gewijzigd", "sessies beëindigd", "tweestaps gewist")
OBJECT_TYPES = ("gemeente", "onderzoek", "casus", "perspectief", "analyse", "export", "import",
                "gebruiker", "auditlog")
SYSTEM = "zet-opdracht"  # the name events from the command line carry
MAX_DETAIL = 2000


def add_event(session: Session, user, action: str, object_type: str,
              object_id: int | None = None, detail: str = "",
              username: str | None = None) -> AuditEvent:
    """Add one event for ``user`` to ``session``; no user and no username: the command line."""
    if username is None:
        username = user.username if user else SYSTEM
    event = AuditEvent(at=utcnow(), user_id=getattr(user, "id", None), username=username,
                       role=getattr(user, "role", "") or "", action=action,
                       object_type=object_type, object_id=object_id,
                       detail=(detail or "")[:MAX_DETAIL])
    session.add(event)
    return event


def record(action: str, object_type: str, object_id: int | None = None, detail: str = "",
           *, once_per_minutes: int | None = None) -> AuditEvent | None:
    """Log ``action`` on an object for the current user, in the current request's session.

    ``once_per_minutes`` skips the event when this user logged the same action on the same
    object that recently (used for autosave, which would otherwise log every 30 seconds).
    """
    session = get_session()
    user = current_user if has_request_context() and current_user.is_authenticated else None
    if once_per_minutes and _recently_logged(session, user, action, object_type, object_id,
                                             once_per_minutes):
        return None
    event = add_event(session, user, action, object_type, object_id, detail)
    g.setdefault("zet_audit_events", []).append(event)
    return event


def _recently_logged(session, user, action, object_type, object_id, minutes) -> bool:
    since = utcnow() - timedelta(minutes=minutes)
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.user_id == getattr(user, "id", None), AuditEvent.action == action,
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id,
        AuditEvent.at >= since).limit(1)) is not None


def commit_pending(response):
    """after_request: commit events a view recorded outside a transaction (e.g. a GET view).

    Only when the request succeeded and nothing but audit events is waiting in the session: a
    view's own unfinished changes are never committed by accident.
    """
    events = g.pop("zet_audit_events", None)
    if not events or response.status_code >= 400 or "db_session" not in g:
        return response
    session = g.db_session
    waiting = [e for e in events if inspect(e).pending
               or (inspect(e).persistent and session.in_transaction())]
    others = [o for o in list(session.new) + list(session.dirty) + list(session.deleted)
              if not isinstance(o, AuditEvent)]
    if waiting and not others:
        session.commit()
    return response
