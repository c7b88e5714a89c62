"""A gemeente and its evaluation rounds (onderzoeken)."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from zet.db import Base
from zet.models.mixins import Timestamps
from zet.rules.names import gemeente_key, onderzoek_key


def random_order() -> int:
    return secrets.randbelow(2**62)


class Gemeente(Timestamps, Base):
    """``naam_key`` (zet.rules.names.gemeente_key of the name) makes "Den  Haag" and "den haag"
    one gemeente in the database, whichever path stores them."""
    __tablename__ = "gemeente"
    __table_args__ = (Index("uq_gemeente_naam_key", "naam_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), unique=True)
    naam_key: Mapped[str] = mapped_column(String(200), server_default="")
    grootteklasse: Mapped[str | None] = mapped_column(String(40))
    toegang: Mapped[str | None] = mapped_column(Text)
    # Drawn once, at random: the order in which anonymised output hands out Gemeente A, B, ...,
    # so the labels say nothing about the names (zet.services.dataset.anonymous_labels).
    # (Rows written outside the models get 0 and are then ordered by name among themselves.)
    anoniem_volgorde: Mapped[int] = mapped_column(BigInteger, default=lambda: random_order(),
                                                  server_default="0")

    onderzoeken: Mapped[list["Onderzoek"]] = relationship(
        back_populates="gemeente", cascade="all, delete-orphan", order_by="Onderzoek.id")
    casussen: Mapped[list["Casus"]] = relationship(  # noqa: F821
        back_populates="gemeente", cascade="all, delete-orphan", order_by="Casus.code")

    @validates("naam")
    def _set_key(self, _key, naam):
        self.naam_key = gemeente_key(naam)
        return naam


class Onderzoek(Timestamps, Base):
    """One evaluation round in one gemeente."""
    __tablename__ = "onderzoek"
    __table_args__ = (UniqueConstraint("gemeente_id", "titel"),
                      Index("uq_onderzoek_gemeente_titel_key", "gemeente_id", "titel_key",
                            unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id", ondelete="CASCADE"),
                                             index=True)
    titel: Mapped[str] = mapped_column(String(200))
    titel_key: Mapped[str] = mapped_column(String(200), server_default="")
    periode_start: Mapped[date | None] = mapped_column(Date)
    periode_eind: Mapped[date | None] = mapped_column(Date)
    focus: Mapped[str | None] = mapped_column(Text)

    gemeente: Mapped[Gemeente] = relationship(back_populates="onderzoeken")
    casussen: Mapped[list["Casus"]] = relationship(back_populates="onderzoek")  # noqa: F821

    @validates("titel")
    def _set_key(self, _key, titel):
        self.titel_key = onderzoek_key(titel)
        return titel
