"""The change history: per field of a casus or a perspective its old and new value, who and when.

The audit log says that something changed; this says what. A row belongs to a casus (and, for
a perspective's fields, to that perspective too) and goes when the casus goes (retention).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zet.db import Base
from zet.models.mixins import utcnow


class Wijziging(Base):
    __tablename__ = "wijziging"
    __table_args__ = (Index("ix_wijziging_casus_at", "casus_id", "at"),
                      Index("ix_wijziging_perspectief_at", "perspectief_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    casus_id: Mapped[int] = mapped_column(ForeignKey("casus.id", ondelete="CASCADE"))
    perspectief_id: Mapped[int | None] = mapped_column(
        ForeignKey("perspectief.id", ondelete="CASCADE"))
    # No ON DELETE action: a user with history is deactivated, never deleted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    username: Mapped[str] = mapped_column(String(80), default="")
    bron: Mapped[str] = mapped_column(String(20))        # zet.rules.history.SOURCES
    veld: Mapped[str] = mapped_column(String(60))        # 'status', 'antwoord:E01', ...
    oud: Mapped[str] = mapped_column(Text, default="")
    nieuw: Mapped[str] = mapped_column(Text, default="")
