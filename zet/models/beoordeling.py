"""A second, independent rating of a perspective (double rating), beside the first one.

The first rating is the perspective's own scores (what the analysis reads); the second lives
here, so no analysis, completeness count or report can count a perspective twice. Pairs of the
two give the agreement statistics (analysis.agreement).
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zet.db import Base
from zet.models.mixins import Timestamps
from zet.models.perspectief import Perspectief, Score


class TweedeBeoordeling(Timestamps, Base):
    """The second rater's answers on one perspective: one per perspective."""
    __tablename__ = "tweede_beoordeling"

    id: Mapped[int] = mapped_column(primary_key=True)
    perspectief_id: Mapped[int] = mapped_column(
        ForeignKey("perspectief.id", ondelete="CASCADE"), unique=True)
    beoordelaar: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="concept")
    instrument_version: Mapped[str] = mapped_column(String(40))

    perspectief: Mapped[Perspectief] = relationship(back_populates="tweede")

    def score_for(self, code: str) -> "TweedeScore | None":
        return next((s for s in self.scores if s.element_code == code), None)
    scores: Mapped[list["TweedeScore"]] = relationship(
        back_populates="beoordeling", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TweedeScore.id")


class TweedeScore(Base):
    """The second rater's answer on one element, under the same rules as a Score."""
    __tablename__ = "tweede_score"
    __table_args__ = (
        UniqueConstraint("beoordeling_id", "element_code", name="uq_tweede_score_element"),
        CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)",
                        name="ck_tweede_score_range"),
        CheckConstraint("bijzonder IS NULL OR bijzonder IN ('nvt', 'onbekend')",
                        name="ck_tweede_score_bijzonder"),
        CheckConstraint("score IS NULL OR bijzonder IS NULL", name="ck_tweede_score_een_antwoord"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beoordeling_id: Mapped[int] = mapped_column(
        ForeignKey("tweede_beoordeling.id", ondelete="CASCADE"), index=True)
    element_code: Mapped[str] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    bijzonder: Mapped[str | None] = mapped_column(String(20))
    toelichting: Mapped[str] = mapped_column(Text, default="")

    beoordeling: Mapped[TweedeBeoordeling] = relationship(back_populates="scores")

    antwoord = Score.antwoord   # '1'..'5', 'nvt', 'onbekend' or '', as for a first rating
