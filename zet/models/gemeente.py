"""A gemeente and its evaluation rounds (onderzoeken)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zet.db import Base
from zet.models.mixins import Timestamps


class Gemeente(Timestamps, Base):
    __tablename__ = "gemeente"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), unique=True)
    grootteklasse: Mapped[str | None] = mapped_column(String(40))
    toegang: Mapped[str | None] = mapped_column(Text)

    onderzoeken: Mapped[list["Onderzoek"]] = relationship(
        back_populates="gemeente", cascade="all, delete-orphan", order_by="Onderzoek.id")
    casussen: Mapped[list["Casus"]] = relationship(  # noqa: F821
        back_populates="gemeente", cascade="all, delete-orphan", order_by="Casus.code")


class Onderzoek(Timestamps, Base):
    """One evaluation round in one gemeente."""
    __tablename__ = "onderzoek"
    __table_args__ = (UniqueConstraint("gemeente_id", "titel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id", ondelete="CASCADE"),
                                             index=True)
    titel: Mapped[str] = mapped_column(String(200))
    periode_start: Mapped[date | None] = mapped_column(Date)
    periode_eind: Mapped[date | None] = mapped_column(Date)
    focus: Mapped[str | None] = mapped_column(Text)

    gemeente: Mapped[Gemeente] = relationship(back_populates="onderzoeken")
    casussen: Mapped[list["Casus"]] = relationship(back_populates="onderzoek")  # noqa: F821
