"""A casus: one inwoner's completed support question, identified by a pseudonym code."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from zet.db import Base
from zet.models.gemeente import Gemeente, Onderzoek
from zet.models.mixins import Timestamps
from zet.rules.names import casus_key


class Casus(Timestamps, Base):
    __tablename__ = "casus"
    __table_args__ = (UniqueConstraint("gemeente_id", "code", name="uq_casus_gemeente_code"),
                      Index("uq_casus_gemeente_code_key", "gemeente_id", "code_key",
                            unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(ForeignKey("gemeente.id", ondelete="CASCADE"),
                                             index=True)
    onderzoek_id: Mapped[int | None] = mapped_column(
        ForeignKey("onderzoek.id", ondelete="SET NULL"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    code_key: Mapped[str] = mapped_column(String(40), server_default="")
    doelgroep: Mapped[str] = mapped_column(String(20))
    wet: Mapped[str | None] = mapped_column(String(20))
    levensfase: Mapped[str | None] = mapped_column(String(40))
    beperkingen: Mapped[list] = mapped_column(JSON, default=list)
    # [{"gebied": "onderwijs", "vraag": "..."}]
    leefgebieden: Mapped[list] = mapped_column(JSON, default=list)
    hulpvraag: Mapped[str | None] = mapped_column(Text)
    # The findings written while consolidating: what went wrong and what went well, and per
    # werkzaam element a short synthesis ({element code: text}).
    knelpunten: Mapped[str | None] = mapped_column(Text)
    wat_gaat_goed: Mapped[str | None] = mapped_column(Text)
    synthese: Mapped[dict | None] = mapped_column(JSON, default=dict)
    datum_aanmelding: Mapped[date | None] = mapped_column(Date)
    datum_eerste_contact: Mapped[date | None] = mapped_column(Date)
    datum_start_hulp: Mapped[date | None] = mapped_column(Date)
    indicatie_maanden: Mapped[int | None] = mapped_column(Integer)
    wisselingen_contactpersoon: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="lopend")

    gemeente: Mapped[Gemeente] = relationship(back_populates="casussen")
    onderzoek: Mapped[Onderzoek | None] = relationship(back_populates="casussen")
    perspectieven: Mapped[list["Perspectief"]] = relationship(  # noqa: F821
        back_populates="casus", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Perspectief.id")

    @validates("code")
    def _set_key(self, _key, code):
        self.code_key = casus_key(code)
        return code

    @property
    def wachttijd_dagen(self) -> int | None:
        """Days from aanmelding to eerste contact: the report's waiting time."""
        if self.datum_aanmelding and self.datum_eerste_contact:
            return (self.datum_eerste_contact - self.datum_aanmelding).days
        return None
