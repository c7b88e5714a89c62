"""Keeping the change history (zet.models.wijziging) on every path that stores casus data.

Forms, the facts import, ``finish_casus`` and the demo change ORM objects: a ``before_flush``
hook compares each changed casus, perspective and score with its stored state and adds the
differences, so no service can forget to. The bulk score import writes with Core statements
and hands its differences to ``write_bulk``. Both ask zet.rules.history what counts and how a
value reads. Only what was stored is kept: input refused by a rule (identifying data, a score
outside the scale) never reaches a flush, so never the history. The first values of a new
casus or perspective are no change; its creation is in the audit log.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from flask import has_request_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from zet.audit import SYSTEM, current_actor
from zet.models import (Casus, Onderzoek, Perspectief, Score, TweedeBeoordeling, TweedeScore,
                        Wijziging)
from zet.models.mixins import utcnow
from zet.rules import history as rule

_SOURCE = "zet_history_source"   # in Session.info: where the changes of this session come from
_CREATED = "zet_history_created"  # in Session.info: (kind, id) made in this transaction
_CASUS_COLUMNS = {name: ("onderzoek_id" if name == "onderzoek" else name)
                  for name in rule.CASUS_LABELS}


@contextmanager
def changes_from(session: Session, source: str):
    """Changes flushed inside this block come from ``source`` (zet.rules.history.SOURCES)."""
    before = session.info.get(_SOURCE)
    session.info[_SOURCE] = source
    try:
        yield
    finally:
        session.info[_SOURCE] = before


def current_source(session: Session) -> str:
    return session.info.get(_SOURCE) or ("scherm" if has_request_context() else "opdracht")


def created_now(session: Session, kind: str, ids) -> None:
    """Casussen or perspectives (``kind``) inserted in this transaction by a Core write: what
    is set on them before the commit is their first value, no change."""
    session.info.setdefault(_CREATED, set()).update((kind, i) for i in ids)


def _new_in_transaction(session: Session, kind: str, obj_id: int) -> bool:
    return (kind, obj_id) in session.info.get(_CREATED, ())


@event.listens_for(Session, "after_flush")
def _remember_created(session: Session, _context) -> None:
    created = [("casus", obj.id) for obj in session.new if isinstance(obj, Casus)] + \
        [("perspectief", obj.id) for obj in session.new if isinstance(obj, Perspectief)] + \
        [("tweede", obj.id) for obj in session.new if isinstance(obj, TweedeBeoordeling)]
    if created:
        session.info.setdefault(_CREATED, set()).update(created)


@event.listens_for(Session, "after_transaction_end")
def _forget_created(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CREATED, None)


@event.listens_for(Session, "before_flush")
def _keep_changes(session: Session, _context, _instances) -> None:
    found = []
    with session.no_autoflush:
        for obj in list(session.dirty):
            if isinstance(obj, Casus) and not _new_in_transaction(session, "casus", obj.id):
                found += _casus_changes(session, obj)
            elif isinstance(obj, Perspectief) and not _new_in_transaction(
                    session, "perspectief", obj.id):
                found += _perspectief_changes(obj)
            elif isinstance(obj, TweedeBeoordeling) and not _new_in_transaction(
                    session, "tweede", obj.id):
                found += _second_rating_changes(obj)
        found += _score_changes(session)
        found += _second_score_changes(session)
    if found:
        _write(session, found, current_source(session), current_actor())


def _before(state, name: str):
    """The stored value of an attribute, changed or not (None when never loaded)."""
    history = state.attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def _changed(state, name: str) -> bool:
    return state.attrs[name].history.has_changes()


def _casus_changes(session: Session, casus: Casus) -> list[tuple]:
    state = inspect(casus)
    old, new = {}, {}
    for name, column in _CASUS_COLUMNS.items():
        if not _changed(state, column):
            continue
        before, after = _before(state, column), getattr(casus, column)
        if name == "onderzoek":
            before, after = _onderzoek_titel(session, before), _onderzoek_titel(session, after)
        old[name], new[name] = rule.value_text(before), rule.value_text(after)
    if _changed(state, "synthese"):
        for code, text in (_before(state, "synthese") or {}).items():
            old[rule.element_field("synthese", code)] = text or ""
        for code, text in (casus.synthese or {}).items():
            new[rule.element_field("synthese", code)] = text or ""
    return [(casus.id, None, *change) for change in rule.changes(old, new)]


def _onderzoek_titel(session: Session, onderzoek_id: int | None) -> str | None:
    onderzoek = session.get(Onderzoek, onderzoek_id) if onderzoek_id else None
    return onderzoek.titel if onderzoek is not None else None


def _perspectief_changes(perspectief: Perspectief) -> list[tuple]:
    state = inspect(perspectief)
    old, new = {}, {}
    for name in rule.PERSPECTIEF_LABELS:
        if _changed(state, name):
            old[name] = rule.value_text(_before(state, name))
            new[name] = rule.value_text(getattr(perspectief, name))
    return [(perspectief.casus_id, perspectief.id, *change)
            for change in rule.changes(old, new)]


def _score_changes(session: Session) -> list[tuple]:
    """Answers and toelichtingen added to, changed in or removed from a stored perspective."""
    found, seen = [], set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if not isinstance(obj, Score) or id(obj) in seen:
            continue
        seen.add(id(obj))
        state = inspect(obj)
        perspectief = obj.perspectief or _before(state, "perspectief")
        if perspectief is None or not inspect(perspectief).persistent \
                or perspectief in session.deleted \
                or _new_in_transaction(session, "perspectief", perspectief.id):
            continue   # a new perspective's first answers, or one that goes as a whole
        code = obj.element_code
        old, new = {}, {}
        if not state.pending:
            old = {rule.element_field("antwoord", code): rule.answer_text(
                       _before(state, "score"), _before(state, "bijzonder")),
                   rule.element_field("toelichting", code): _before(state, "toelichting") or ""}
        if obj not in session.deleted and obj in perspectief.scores:
            new = {rule.element_field("antwoord", code): rule.answer_text(obj.score,
                                                                          obj.bijzonder),
                   rule.element_field("toelichting", code): obj.toelichting or ""}
        found += [(perspectief.casus_id, perspectief.id, *change)
                  for change in rule.changes(old, new)]
    return found


def _second_rating_changes(rating: TweedeBeoordeling) -> list[tuple]:
    state = inspect(rating)
    old, new = {}, {}
    for name in ("beoordelaar", "status"):
        if _changed(state, name):
            old[name], new[name] = _before(state, name), getattr(rating, name)
    perspectief = rating.perspectief
    return [(perspectief.casus_id, perspectief.id, *change)
            for change in rule.second_rating_changes(old, new, {}, {})]


def _second_score_changes(session: Session) -> list[tuple]:
    """Answers of a stored second rating added, changed or removed (as _score_changes)."""
    found = []
    for obj in {id(o): o for o in [*session.new, *session.dirty, *session.deleted]
                if isinstance(o, TweedeScore)}.values():
        state = inspect(obj)
        rating = obj.beoordeling or _before(state, "beoordeling")
        if rating is None or not inspect(rating).persistent or rating in session.deleted \
                or _new_in_transaction(session, "tweede", rating.id):
            continue   # a new second rating's first answers, or one that goes as a whole
        code = obj.element_code
        old = {} if state.pending else {code: (_before(state, "score"),
                                               _before(state, "bijzonder"),
                                               _before(state, "toelichting"))}
        new = {code: (obj.score, obj.bijzonder, obj.toelichting)} \
            if obj not in session.deleted and obj in rating.scores else {}
        perspectief = rating.perspectief
        found += [(perspectief.casus_id, perspectief.id, *change)
                  for change in rule.second_rating_changes({}, {}, old, new)]
    return found


def _write(session: Session, found: list[tuple], source: str, user) -> None:
    """Add the changes; a field the same person changed on a screen minutes ago keeps one row
    (its first old value, the newest value), and goes when it is back where it started."""
    now = utcnow()
    user_id = getattr(user, "id", None)
    latest = {}
    if source == "scherm" and user_id is not None:
        since = now - timedelta(minutes=rule.COALESCE_MINUTES)
        for casus_id, perspectief_id in {(c, p) for c, p, *_ in found}:
            same_object = (Wijziging.perspectief_id.is_(None) if perspectief_id is None
                           else Wijziging.perspectief_id == perspectief_id)
            for row in session.scalars(select(Wijziging).where(
                    Wijziging.casus_id == casus_id, same_object, Wijziging.at >= since)
                    .order_by(Wijziging.id)):
                if row.veld in ("status", "tweede_status"):
                    # a status change closes what was typed before it, in the same rating
                    second = rule.is_second_rating(row.veld)
                    latest = {key: kept for key, kept in latest.items()
                              if key[:2] != (casus_id, perspectief_id)
                              or rule.is_second_rating(key[2]) != second}
                latest[(casus_id, perspectief_id, row.veld)] = row
    username = getattr(user, "username", None) or SYSTEM
    found.sort(key=lambda change: (change[0], change[1] or 0, rule.sort_key(change[2])))
    for casus_id, perspectief_id, veld, oud, nieuw in found:
        row = latest.get((casus_id, perspectief_id, veld))
        if row is not None and rule.may_coalesce(veld, source,
                                                 _draft(session, perspectief_id, veld)) \
                and row.user_id == user_id and row.bron == source:
            row.nieuw, row.at = nieuw, now
            if row.nieuw == row.oud:
                session.delete(row)
            continue
        session.add(Wijziging(at=now, casus_id=casus_id, perspectief_id=perspectief_id,
                              user_id=user_id, username=username, bron=source, veld=veld,
                              oud=oud, nieuw=nieuw))


def _draft(session: Session, perspectief_id: int | None, veld: str = "") -> bool:
    """A casus, or a perspective (for a field of its second rating: that rating) that stays
    concept (it is in the session: it just changed)."""
    if perspectief_id is None:
        return True
    perspectief = session.get(Perspectief, perspectief_id)
    if perspectief is not None and rule.is_second_rating(veld):
        return perspectief.tweede is not None and perspectief.tweede.status == "concept"
    return perspectief is not None and perspectief.status == "concept"


def write_bulk(session: Session, rows, source: str = "import") -> None:
    """Store (casus_id, perspectief_id, veld, oud, nieuw) rows from a Core write path in one
    bulk insert, for the current actor, never coalesced."""
    from zet.importing.bulk import insert_rows   # zet.importing imports this module
    user = current_actor()
    insert_rows(session, Wijziging.__table__,
                ("casus_id", "perspectief_id", "veld", "oud", "nieuw"), rows,
                constants={"at": utcnow(), "user_id": getattr(user, "id", None),
                           "username": getattr(user, "username", None) or SYSTEM,
                           "bron": source})
