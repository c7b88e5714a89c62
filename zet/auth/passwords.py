"""Password hashing with argon2id. Tests pick a cheap profile through PASSWORD_HASH_PROFILE."""
from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10


def _hasher() -> PasswordHasher:
    extensions = current_app.extensions
    if "zet_password_hasher" not in extensions:
        profile = getattr(profiles, current_app.config.get("PASSWORD_HASH_PROFILE")
                          or "RFC_9106_LOW_MEMORY")
        extensions["zet_password_hasher"] = PasswordHasher.from_parameters(profile)
    return extensions["zet_password_hasher"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def verify_dummy(password: str) -> None:
    """Spend as long as a real check, so a response time does not tell whether a user exists."""
    extensions = current_app.extensions
    if "zet_dummy_hash" not in extensions:
        extensions["zet_dummy_hash"] = hash_password("dummy password for unknown users")
    verify_password(extensions["zet_dummy_hash"], password)


def password_problem(password: str, repeated: str | None = None) -> str | None:
    """A Dutch message when a new password is not acceptable, else None."""
    if len(password or "") < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
    if repeated is not None and password != repeated:
        return "De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw."
    return None
