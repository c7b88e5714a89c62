"""Recording who viewed, created, changed, exported or deleted what (the AVG audit log).

In a view or a use case, call ``record(...)`` after the access check. Inside ``with
transaction()`` the event is committed with the change (and disappears with it on a rollback).
Anywhere else in a request, including GET views, it is kept aside and written after the view
(its reads and its template) in one short transaction of its own, when the response's status is
below 400 (``write_deferred``): a page never holds the database's write lock while it computes,
so no other request waits for it. Outside a request (a ``zet`` command) the event carries the
command line as its user and is committed by the command's transaction, unless the work is
done for someone (a background job: ``acting_as(user)``).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from zet.db import IN_TRANSACTION, get_session, new_session
from zet.models import AuditEvent
from zet.models.mixins import utcnow

# What happened (actions) and to what (object types), as the audit log page offers them.
ACTIONS = ("bekeken", "aangemaakt", "gewijzigd", "verwijderd", "geëxporteerd", "geïmporteerd",
           "gedownload", "opgeschoond", "ingelogd", "uitgelogd", "inloggen mislukt",
           "gedeactiveerd", "geactiveerd", "wachtwoord gewijzigd", "sessies beëindigd", "tweestaps gewist")
OBJECT_TYPES = ("gemeente", "onderzoek", "casus", "perspectief", "analyse", "export", "import",
                "gebruiker", "auditlog", "wijzigingen")
SYSTEM = "zet-opdracht"  # the name events from the command line carry
MAX_DETAIL = 2000
_ACTING = ContextVar("zet_audit_acting_user", default=None)   # a background job's owner


@contextmanager
def acting_as(user):
    """Outside a request, events recorded inside this block carry ``user`` (the one a
    background job works for) rather than the command line."""
    token = _ACTING.set(user)
    try:
        yield
    finally:
        _ACTING.reset(token)


def current_actor():
    """Who is acting now: the logged-in user in a request, a background job's owner, or None
    (the command line)."""
    if has_request_context():
        return current_user if current_user.is_authenticated else None
    return _ACTING.get()


def add_event(session: Session, user, action: str, object_type: str,
              object_id: int | None = None, detail: str = "",
              username: str | None = None) -> AuditEvent:
    """Add one event for ``user`` to ``session``; no user and no username: the command line."""
    event = _event(user, action, object_type, object_id, detail, username)
    session.add(event)
    return event


def _event(user, action, object_type, object_id, detail, username=None) -> AuditEvent:
    if username is None:
        username = user.username if user else SYSTEM
    return AuditEvent(at=utcnow(), user_id=getattr(user, "id", None), username=username,
                      role=getattr(user, "role", "") or "", action=action,
                      object_type=object_type, object_id=object_id,
                      detail=(detail or "")[:MAX_DETAIL])


def record(action: str, object_type: str, object_id: int | None = None, detail: str = "",
           *, once_per_minutes: int | None = None) -> AuditEvent | None:
    """Log ``action`` on an object for the current user: with the current transaction, or
    after the view (see the module docstring).

    ``once_per_minutes`` skips the event when this user logged the same action on the same
    object that recently (used for autosave, which would otherwise log every 30 seconds).
    """
    session = get_session()
    user = current_actor()
    if once_per_minutes and _recently_logged(session, user, action, object_type, object_id,
                                             once_per_minutes):
        return None
    if not has_request_context() or session.info.get(IN_TRANSACTION):
        return add_event(session, user, action, object_type, object_id, detail)
    event = _event(user, action, object_type, object_id, detail)
    g.setdefault("zet_audit_events", []).append(event)
    return event


def _recently_logged(session, user, action, object_type, object_id, minutes) -> bool:
    since = utcnow() - timedelta(minutes=minutes)
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.user_id == getattr(user, "id", None), AuditEvent.action == action,
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id,
        AuditEvent.at >= since).limit(1)) is not None


def write_deferred(response):
    """after_request: write the events a view recorded outside a transaction, in a session of
    their own, so a view's unfinished changes in the request's session are never committed."""
    events = g.pop("zet_audit_events", None)
    if events and response.status_code < 400:
        if "db_session" in g:
            # End the request's transaction first, as its teardown would: changes a view left
            # unfinished are dropped, and a write lock they took cannot block the events.
            g.db_session.rollback()
        with new_session() as session, session.begin():
            session.add_all(events)
    return response
