"""Accounts: who may log in, with which role, for which gemeenten."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer,
                        String, Table)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zet.db import Base
from zet.models.gemeente import Gemeente
from zet.models.mixins import utcnow

ROLES = ("beheerder", "onderzoeker", "gemeente", "analist")

gebruiker_gemeente = Table(
    "gebruiker_gemeente", Base.metadata,
    Column("gebruiker_id", ForeignKey("gebruiker.id", ondelete="CASCADE"), primary_key=True),
    Column("gemeente_id", ForeignKey("gemeente.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    """A person who logs in. The role says what they may do; gemeenten where they may do it.

    Named ``gebruiker`` in the database because ``user`` is reserved in PostgreSQL.
    """
    __tablename__ = "gebruiker"
    __table_args__ = (CheckConstraint(
        "role IN ('beheerder', 'onderzoeker', 'gemeente', 'analist')", name="ck_gebruiker_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Part of every login cookie; a new token ends every session of this user at once.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token,
                                               server_default="")   # "": none yet (see login)
    # Two-factor login (zet.auth.twofactor): the TOTP secret, when it was confirmed, and the last
    # time step used (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    gemeenten: Mapped[list[Gemeente]] = relationship(secondary=gebruiker_gemeente,
                                                     order_by=Gemeente.naam)

    # Flask-Login's user protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id with the current session token, so a
        cookie from before a logout, password change or deactivation no longer loads anyone."""
        return f"{self.id}:{self.session_token}"

    @property
    def gemeente_ids(self) -> frozenset[int]:
        return frozenset(g.id for g in self.gemeenten)


class Herstelcode(Base):
    """A one-time recovery code for two-factor login, stored as its SHA-256 (the codes are
    random and long, so a slow hash adds nothing)."""
    __tablename__ = "herstelcode"

    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id", ondelete="CASCADE"),
                                              index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
