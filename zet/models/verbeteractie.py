"""A verbeteractie: what a gemeente agrees to do about one or more werkzame elementen, with
dated progress notes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from zet.db import Base
from zet.models.gemeente import Gemeente, Onderzoek
from zet.models.mixins import Timestamps, utcnow
from zet.rules.names import actie_key
from zet.vocabulary import OPEN_ACTIE_STATUSSEN


class Verbeteractie(Timestamps, Base):
    """``titel_key`` keeps one action per title within a gemeente: the import finds it by it."""
    __tablename__ = "verbeteractie"
    __table_args__ = (Index("uq_verbeteractie_gemeente_titel_key", "gemeente_id", "titel_key",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id", ondelete="CASCADE"),
                                             index=True)
    onderzoek_id: Mapped[int | None] = mapped_column(
        ForeignKey("onderzoek.id", ondelete="SET NULL"), index=True)
    titel: Mapped[str] = mapped_column(String(200))
    titel_key: Mapped[str] = mapped_column(String(200))
    omschrijving: Mapped[str | None] = mapped_column(Text)
    elementen: Mapped[list] = mapped_column(JSON, default=list)   # werkzame element codes
    niveau: Mapped[str | None] = mapped_column(String(20))
    eigenaar: Mapped[str | None] = mapped_column(String(200))
    nodig: Mapped[str | None] = mapped_column(Text)
    start: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    evaluatie: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="gepland")

    gemeente: Mapped[Gemeente] = relationship()
    onderzoek: Mapped[Onderzoek | None] = relationship()
    voortgang: Mapped[list["Voortgang"]] = relationship(
        back_populates="verbeteractie", cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: [Voortgang.datum, Voortgang.id])

    @validates("titel")
    def _set_key(self, _key, titel):
        self.titel_key = actie_key(titel)
        return titel

    def te_laat(self, today: date) -> bool:
        """Still open (gepland, bezig) while its deadline has passed."""
        return bool(self.deadline and self.deadline < today
                    and self.status in OPEN_ACTIE_STATUSSEN)


class Voortgang(Base):
    """One dated note on how a verbeteractie is going."""
    __tablename__ = "voortgang"

    id: Mapped[int] = mapped_column(primary_key=True)
    verbeteractie_id: Mapped[int] = mapped_column(
        ForeignKey("verbeteractie.id", ondelete="CASCADE"), index=True)
    datum: Mapped[date] = mapped_column(Date)
    tekst: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    verbeteractie: Mapped[Verbeteractie] = relationship(back_populates="voortgang")
