"""The three perspectives on a casus and their scores per werkzaam element."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.sql.expression import false as sa_false

from zet.db import Base
from zet.models.casus import Casus
from zet.models.mixins import Timestamps
from zet.rules.names import rol_key


class Perspectief(Timestamps, Base):
    """One inwoner interview, one professional interview or one dossier review.

    ``version`` drives optimistic locking: a save that started from an older version is a
    conflict, never a silent overwrite.
    """
    __tablename__ = "perspectief"
    __table_args__ = (
        UniqueConstraint("casus_id", "soort", "rol", name="uq_perspectief_casus_soort_rol"),
        Index("uq_perspectief_casus_soort_rol_key", "casus_id", "soort", "rol_key", unique=True),
        CheckConstraint("soort IN ('inwoner', 'professional', 'dossier')",
                        name="ck_perspectief_soort"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    casus_id: Mapped[int] = mapped_column(ForeignKey("casus.id", ondelete="CASCADE"), index=True)
    soort: Mapped[str] = mapped_column(String(20))
    rol: Mapped[str] = mapped_column(String(200), default="")
    rol_key: Mapped[str] = mapped_column(String(200), server_default="")
    datum: Mapped[date | None] = mapped_column(Date)
    afnemer: Mapped[str | None] = mapped_column(String(200))
    geinterviewde: Mapped[str | None] = mapped_column(String(40))
    toestemming: Mapped[bool] = mapped_column(Boolean, default=False)
    toestemming_datum: Mapped[date | None] = mapped_column(Date)
    toestemming_vorm: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="concept")
    # The first rater's pseudonymous code (zet.rules.catalog.BEOORDELAAR), when the perspective
    # is rated twice or came from a file that names its raters; None: not named.
    beoordelaar: Mapped[str | None] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    casus: Mapped[Casus] = relationship(back_populates="perspectieven")
    scores: Mapped[list["Score"]] = relationship(
        back_populates="perspectief", cascade="all, delete-orphan", passive_deletes=True)
    citaten: Mapped[list["Citaat"]] = relationship(
        back_populates="perspectief", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Citaat.id")
    tweede: Mapped["TweedeBeoordeling | None"] = relationship(
        back_populates="perspectief", cascade="all, delete-orphan", passive_deletes=True,
        uselist=False)

    __mapper_args__ = {"version_id_col": version}

    @validates("rol")
    def _set_key(self, _key, rol):
        self.rol_key = rol_key(rol)
        return rol

    def score_for(self, element_code: str) -> "Score | None":
        return next((s for s in self.scores if s.element_code == element_code), None)


class Score(Base):
    """An answer on one element: a score 1-5, or 'nvt' / 'onbekend', with a toelichting."""
    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("perspectief_id", "element_code", name="uq_score_perspectief_element"),
        CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="ck_score_range"),
        CheckConstraint("bijzonder IS NULL OR bijzonder IN ('nvt', 'onbekend')",
                        name="ck_score_bijzonder"),
        CheckConstraint("score IS NULL OR bijzonder IS NULL", name="ck_score_een_antwoord"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    perspectief_id: Mapped[int] = mapped_column(
        ForeignKey("perspectief.id", ondelete="CASCADE"), index=True)
    element_code: Mapped[str] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    bijzonder: Mapped[str | None] = mapped_column(String(20))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    instrument_version: Mapped[str] = mapped_column(String(40))

    perspectief: Mapped[Perspectief] = relationship(back_populates="scores")

    @property
    def antwoord(self) -> str:
        if self.score is not None:
            return str(self.score)
        return self.bijzonder or ""


class Citaat(Base):
    """A quote from the interview or dossier, optionally tied to an element: who said it,
    whether it illustrates a knelpunt or a succesfactor, and whether a report may quote it."""
    __tablename__ = "citaat"

    id: Mapped[int] = mapped_column(primary_key=True)
    perspectief_id: Mapped[int] = mapped_column(
        ForeignKey("perspectief.id", ondelete="CASCADE"), index=True)
    element_code: Mapped[str | None] = mapped_column(String(20))
    tekst: Mapped[str] = mapped_column(Text)
    bron: Mapped[str] = mapped_column(String(200), default="")
    spreker: Mapped[str] = mapped_column(String(20), default="", server_default="")
    soort: Mapped[str | None] = mapped_column(String(20))
    citeerbaar: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    perspectief: Mapped[Perspectief] = relationship(back_populates="citaten")
