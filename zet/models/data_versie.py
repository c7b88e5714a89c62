"""The one-row data version that caches are keyed on (see zet.data_version)."""
from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from zet.db import Base


class DataVersie(Base):
    __tablename__ = "data_versie"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    versie: Mapped[str] = mapped_column(String(32))


@event.listens_for(DataVersie.__table__, "after_create")
def _the_one_row(table, connection, **_kw) -> None:
    """Databases built with metadata.create_all (tests) get the row the migration inserts."""
    connection.execute(insert(table).values(id=1, versie=uuid.uuid4().hex))
