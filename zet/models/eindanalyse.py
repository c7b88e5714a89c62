"""An eindanalyse: the closing session of an onderzoek with the gemeente, where the group sets
priorities and agrees an oordeel and a conclusion per werkzaam element."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zet.db import Base
from zet.models.gemeente import Onderzoek
from zet.models.mixins import Timestamps


class Eindanalyse(Timestamps, Base):
    """One session; an onderzoek may hold several, told apart by their date (the import finds a
    session by onderzoek and date)."""
    __tablename__ = "eindanalyse"
    __table_args__ = (Index("uq_eindanalyse_onderzoek_datum", "onderzoek_id", "datum",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    onderzoek_id: Mapped[int] = mapped_column(ForeignKey("onderzoek.id", ondelete="CASCADE"),
                                              index=True)
    datum: Mapped[date] = mapped_column(Date)
    deelnemers: Mapped[dict] = mapped_column(JSON, default=dict)  # discipline code -> number
    samenvatting: Mapped[str | None] = mapped_column(Text)

    onderzoek: Mapped[Onderzoek] = relationship()
    elementen: Mapped[list["EindanalyseElement"]] = relationship(
        back_populates="eindanalyse", cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: EindanalyseElement.id)

    @property
    def gemeente(self):
        return self.onderzoek.gemeente

    def element(self, code: str) -> "EindanalyseElement | None":
        return next((item for item in self.elementen if item.element_code == code), None)

    def prioriteiten(self) -> list["EindanalyseElement"]:
        """The elements the group prioritised, first priority first."""
        return sorted((item for item in self.elementen if item.prioriteit),
                      key=lambda item: item.prioriteit)


class EindanalyseElement(Base):
    """What the session agreed on one werkzaam element. ``berekend`` is the oordeel ZET computed
    when it was agreed, kept beside the agreed ``oordeel``; ``casussen`` are casus ids and
    ``citaten`` the supporting quotes as {"casus": id, "tekst": ...} (a quote is found by its
    text, since saving a perspective renews its quote rows)."""
    __tablename__ = "eindanalyse_element"
    __table_args__ = (Index("uq_eindanalyse_element", "eindanalyse_id", "element_code",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    eindanalyse_id: Mapped[int] = mapped_column(
        ForeignKey("eindanalyse.id", ondelete="CASCADE"), index=True)
    element_code: Mapped[str] = mapped_column(String(20))
    prioriteit: Mapped[int | None] = mapped_column(Integer)
    berekend: Mapped[str | None] = mapped_column(String(20))
    oordeel: Mapped[str | None] = mapped_column(String(20))
    reden: Mapped[str | None] = mapped_column(Text)
    conclusie: Mapped[str | None] = mapped_column(Text)
    casussen: Mapped[list] = mapped_column(JSON, default=list)
    citaten: Mapped[list] = mapped_column(JSON, default=list)

    eindanalyse: Mapped[Eindanalyse] = relationship(back_populates="elementen")

    @property
    def afwijkend(self) -> bool:
        """The group agreed another oordeel than the one ZET computed."""
        return bool(self.oordeel and self.oordeel != (self.berekend or ""))
