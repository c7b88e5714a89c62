"""Long work run in the background (a large export or import): who asked for it, how far it
is, and where its download waits. See zet.jobs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zet.db import Base
from zet.models.mixins import utcnow

WAITING, RUNNING, DONE, FAILED, EXPIRED = "wachtend", "bezig", "klaar", "mislukt", "verlopen"
STATUSES = (WAITING, RUNNING, DONE, FAILED, EXPIRED)
ACTIVE = (WAITING, RUNNING)


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))            # export | import
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # what to do (no casus data)
    # Two requests for the same work by the same user share one job (zet.jobs.store.request).
    request_key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default=WAITING)
    stage: Mapped[str] = mapped_column(String(200), default="")   # what it is doing now
    fraction: Mapped[float] = mapped_column(Float, default=0.0)   # 0..1
    message: Mapped[str] = mapped_column(Text, default="")        # the Dutch outcome or error
    result: Mapped[dict] = mapped_column(JSON, default=dict)      # file name, summary lines
    worker: Mapped[str] = mapped_column(String(200), default="")  # host:pid while running
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempt_of: Mapped[int | None] = mapped_column(Integer)  # the failed job this one retries

    @property
    def active(self) -> bool:
        return self.status in ACTIVE
