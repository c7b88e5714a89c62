"""Use-cases for accounts: log in (with throttling), create, change password, (de)activate.

Functions take a database session and flush; the caller commits once.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from zet.auth.passwords import (hash_password, needs_rehash, password_problem, verify_dummy,
                                verify_password)
from zet.errors import DomainError, ValidationFailed
from zet.models import ROLES, Gemeente, User
from zet.models.user import new_session_token
from zet.models.mixins import utcnow
from zet.moments import as_utc

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
ROLE_LABELS = {"beheerder": "Beheerder", "onderzoeker": "Onderzoeker", "gemeente": "Gemeente",
               "analist": "Analist"}


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def is_locked(user: User, now: datetime | None = None) -> bool:
    locked_until = as_utc(user.locked_until)
    return locked_until is not None and locked_until > (now or utcnow())


def authenticate(session: Session, username: str, password: str,
                 now: datetime | None = None, *,
                 completes: Callable[[User], bool] = lambda user: True) -> User | None:
    """The user when the password is right and the account active and not locked, else None.

    Every refusal looks the same to the caller. After MAX_FAILED_LOGINS failures in a row the
    account is locked for LOCK_MINUTES, even for the right password. An unknown username costs
    a dummy hash check, so the response time does not reveal which usernames exist.

    Each attempt first claims one of the allowed tries in a single UPDATE and commits it, and
    only then checks the password: a burst of parallel requests gets MAX_FAILED_LOGINS password
    checks in all, never one per request in flight. ``session`` is committed here.

    ``completes(user)`` says whether the password alone logs the user in; when a second step
    follows, the count of failed tries is reset only after that step (``login_completed``), so
    entering the password again does not buy new guesses at the code.
    """
    now = now or utcnow()
    user = find_user(session, username)
    if user is None:
        verify_dummy(password or "")
        return None
    if not claim_attempt(session, user.id, now):
        verify_dummy(password or "")   # a locked account answers as slowly as any other
        return None
    session.refresh(user)
    if verify_password(user.password_hash, password or "") and user.active:
        if completes(user):
            login_completed(user)
        if not user.session_token:   # an account written outside the models
            user.session_token = new_session_token()
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.flush()
        return user
    return None


def login_completed(user: User) -> None:
    """Every step passed: the count of failed tries starts afresh."""
    user.failed_logins, user.locked_until = 0, None


def claim_attempt(session: Session, user_id: int, now: datetime) -> bool:
    """Count this attempt as failed until the password proves otherwise (one atomic UPDATE,
    committed at once so parallel requests see it); the try that reaches MAX_FAILED_LOGINS sets
    the lock. False when the account is locked: then no password is checked at all."""
    free = or_(User.locked_until.is_(None), User.locked_until <= now)
    expired = and_(User.locked_until.is_not(None), User.locked_until <= now)
    count = case((expired, 0), else_=User.failed_logins) + 1
    claimed = session.execute(
        update(User).where(User.id == user_id, free)
        .values(failed_logins=count,
                locked_until=case((count >= MAX_FAILED_LOGINS,
                                   now + timedelta(minutes=LOCK_MINUTES)), else_=None))
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return claimed == 1


def _gemeenten(session: Session, gemeente_ids) -> list[Gemeente]:
    ids = {int(i) for i in gemeente_ids or ()}
    found = list(session.scalars(select(Gemeente).where(Gemeente.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise DomainError("Een gekozen gemeente bestaat niet (meer).", "gemeenten")
    return found


def _check_role(role: str, gemeenten: list[Gemeente]) -> dict[str, str]:
    if role not in ROLES:
        return {"role": f"Kies een rol: {', '.join(ROLES)}."}
    if role == "gemeente" and len(gemeenten) != 1:
        return {"gemeenten": "Een gebruiker met de rol gemeente hoort bij precies één gemeente."}
    if role in ("onderzoeker", "analist") and not gemeenten:
        return {"gemeenten": "Kies minstens één gemeente waarvoor deze gebruiker werkt."}
    return {}


def create_user(session: Session, username: str, password: str, role: str,
                gemeente_ids=(), repeated: str | None = None) -> User:
    username = normalise_username(username)
    errors = {}
    if not USERNAME_RE.match(username):
        errors["username"] = ("Een gebruikersnaam heeft 2 tot 80 tekens: kleine letters, cijfers, "
                              "punt, streepje of liggend streepje.")
    elif find_user(session, username) is not None:
        errors["username"] = f"De gebruikersnaam '{username}' bestaat al."
    gemeenten = _gemeenten(session, gemeente_ids)
    errors.update(_check_role(role, gemeenten))
    problem = password_problem(password, repeated)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username, password_hash=hash_password(password), role=role,
                active=True, failed_logins=0,
                gemeenten=[] if role == "beheerder" else gemeenten)
    session.add(user)
    session.flush()
    return user


def change_user(session: Session, user: User, role: str, gemeente_ids=(),
                acting: User | None = None) -> User:
    """Change role and gemeenten; a beheerder always works for every gemeente."""
    gemeenten = _gemeenten(session, gemeente_ids)
    errors = _check_role(role, gemeenten)
    if acting is not None and user.id == acting.id and role != user.role:
        errors["role"] = "U kunt uw eigen rol niet wijzigen; vraag dat een andere beheerder."
    if errors:
        raise ValidationFailed(errors)
    if role != user.role:
        end_sessions(session, user)   # a new role starts with a new login (and its second step)
    user.role = role
    user.gemeenten = [] if role == "beheerder" else gemeenten
    session.flush()
    return user


def set_password(session: Session, user: User, password: str,
                 repeated: str | None = None) -> None:
    """A new password also lifts a lock: the beheerder has just vouched for the user."""
    problem = password_problem(password, repeated)
    if problem:
        raise DomainError(problem, "password")
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(session, user)


def end_sessions(session: Session, user: User) -> None:
    """End every session of ``user`` in every browser and worker: their cookies carry the old
    session token (``User.get_id``), which no longer loads the user on the next request."""
    user.session_token = new_session_token()
    session.flush()


def set_active(session: Session, user: User, active: bool, acting: User | None = None) -> None:
    if acting is not None and user.id == acting.id and not active:
        raise DomainError("U kunt uw eigen account niet deactiveren.")
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    end_sessions(session, user)  # a reactivated account starts without its old sessions


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(func.lower(User.username))))
