"""Two-factor login: a TOTP code from an authenticator app (pyotp), or a one-time recovery code.

Mandatory for beheerders; ``ZET_TWEESTAPS_IEDEREEN=1`` (config TWO_FACTOR_FOR_ALL) makes it
mandatory for every role. A user who must and has not enrolled yet enrols right after the
password step (a QR code, segno); enrolment gives ten recovery codes, shown once and stored as
SHA-256. Each code is accepted once (the last time step is kept), and a wrong code counts
towards the same lock as a wrong password (``zet.auth.accounts.claim_attempt``).
"""
from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from zet.models import Herstelcode, User
from zet.models.mixins import utcnow

ISSUER = "ZET"
RECOVERY_CODES = 10
VALID_WINDOW = 1   # the code of the previous and the next 30 seconds counts too (clock drift)


def required(user: User, for_all: bool) -> bool:
    return user.role == "beheerder" or for_all


def enabled(user: User) -> bool:
    return bool(user.totp_secret and user.totp_enabled_at)


def needs_enrolment(user: User) -> bool:
    """Must use two-factor login (by role or setting) and has not set it up."""
    from flask import current_app
    return required(user, current_app.config.get("TWO_FACTOR_FOR_ALL", False)) \
        and not enabled(user)


def start_enrolment(session: Session, user: User) -> str:
    """The secret being enrolled: a new one unless an unconfirmed one is waiting."""
    if not user.totp_secret or user.totp_enabled_at:
        user.totp_secret = pyotp.random_base32()
        session.flush()
    return user.totp_secret


def provisioning_qr(user: User) -> str:
    """The otpauth:// link of the user's secret as an inline SVG QR code (no script, no
    external image: it passes the Content-Security-Policy)."""
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=5, title="QR-code voor de authenticator-app")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if secrets.compare_digest(totp.at(now, counter_offset=offset), code):
            return step + offset
    return None


def check_totp(session: Session, user: User, code: str, now: float | None = None) -> bool:
    """True for a current code that was not used before (then it is used now)."""
    code = "".join(ch for ch in (code or "") if ch in "0123456789")   # ASCII: compare_digest
    if len(code) != 6 or not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, now if now is not None else time.time())
    if step is None:
        return False
    # One conditional UPDATE: of two requests with the same code at once, only one gets it.
    claimed = session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    session.expire(user, ["totp_last_step"])
    return claimed == 1


def _hash(code: str) -> str:
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


def _drop_recovery_codes(session: Session, user: User) -> None:
    session.execute(delete(Herstelcode).where(Herstelcode.gebruiker_id == user.id))


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten fresh recovery codes (earlier ones stop working), shown to the user once."""
    _drop_recovery_codes(session, user)
    codes = ["-".join(secrets.token_hex(3).upper() for _ in range(3))
             for _ in range(RECOVERY_CODES)]
    session.add_all(Herstelcode(gebruiker_id=user.id, code_hash=_hash(c)) for c in codes)
    session.flush()
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """True when ``code`` is one of the user's unused recovery codes (then it is used up)."""
    if not code or len(code) > 40:
        return False
    used = session.execute(
        update(Herstelcode).where(Herstelcode.gebruiker_id == user.id,
                                  Herstelcode.code_hash == _hash(code),
                                  Herstelcode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    return used == 1


def confirm_enrolment(session: Session, user: User, code: str) -> list[str] | None:
    """Switch two-factor login on once the user typed a right code; returns the recovery
    codes, or None when the code was wrong."""
    if not check_totp(session, user, code):
        return None
    user.totp_enabled_at = utcnow()
    session.flush()
    return new_recovery_codes(session, user)


def remaining_codes(session: Session, user: User) -> int:
    return len(list(session.scalars(select(Herstelcode.id).where(
        Herstelcode.gebruiker_id == user.id, Herstelcode.used_at.is_(None)))))


def reset(session: Session, user: User) -> None:
    """A lost phone: the beheerder switches it off; the user enrols again at the next login."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    _drop_recovery_codes(session, user)
    session.flush()
