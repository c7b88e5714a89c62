"""The bulk insert of the import (COPY on PostgreSQL, driver executemany on SQLite) writes what
SQLAlchemy's own insert writes, inside the import's transaction, and bumps the data version."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from tests.helpers import make_casus, make_gemeente
from zet import data_version
from zet.db import get_session, transaction
from zet.importing.bulk import insert_rows
from zet.models import Casus, Gemeente, Perspectief, Score

CASUS = Casus.__table__


def stored_casus(session, code: str) -> dict:
    row = session.execute(select(CASUS).where(CASUS.c.code == code)).mappings().one()
    return {k: v for k, v in row.items() if k not in ("id", "code", "code_key", "created_at",
                                                      "updated_at")}


def test_rows_get_the_model_defaults_as_sqlalchemy_insert_gives_them(app, session):
    gemeente = make_gemeente(session)
    session.commit()
    with app.app_context():
        with transaction() as s:
            s.execute(insert(CASUS), [{"gemeente_id": gemeente.id, "code": "K-01",
                                       "code_key": "k-01", "doelgroep": "jeugd"}])
            insert_rows(s, CASUS, ("gemeente_id", "code", "code_key", "doelgroep"),
                        [(gemeente.id, "K-02", "k-02", "jeugd")])
    session.expire_all()
    core, bulk = stored_casus(session, "K-01"), stored_casus(session, "K-02")
    assert bulk == core
    assert bulk["synthese"] == {} and bulk["beperkingen"] == [] and bulk["status"] == "lopend"
    casus = session.scalars(select(Casus).where(Casus.code == "K-02")).one()
    assert casus.created_at is not None and casus.created_at.year >= 2026


def test_a_default_drawn_per_row_differs_per_row(app, session):
    """The anonymised order of a gemeente is drawn at random for each one (never shared)."""
    with app.app_context():
        with transaction() as s:
            insert_rows(s, Gemeente.__table__, ("naam", "naam_key"),
                        [(f"Gemeente {n}", f"gemeente {n}") for n in ("Aa", "Bee", "Cee", "Dee")])
    orders = session.scalars(select(Gemeente.anoniem_volgorde)).all()
    assert len(orders) == 4 and len(set(orders)) == 4 and 0 not in orders


def test_bulk_rows_roll_back_with_the_transaction_and_bump_the_data_version(app, session):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    perspectief = Perspectief(casus=casus, soort="inwoner", instrument_version="2026.1",
                              version=1)
    session.add(perspectief)
    session.commit()
    before = data_version.current(session.connection())
    session.rollback()
    columns = ("perspectief_id", "element_code", "score", "bijzonder", "toelichting",
               "instrument_version")
    with app.app_context():
        with pytest.raises(RuntimeError):
            with transaction() as s:
                insert_rows(s, Score.__table__, columns,
                            [(perspectief.id, "CON", 4, None, "", "2026.1")])
                raise RuntimeError("afgebroken")
    assert session.scalars(select(Score)).all() == []
    assert data_version.current(session.connection()) == before
    session.rollback()

    with app.app_context():
        with transaction() as s:
            insert_rows(s, Score.__table__, columns,
                        [(perspectief.id, "CON", 4, None, "", "2026.1"),
                         (perspectief.id, "IPL", None, "nvt", "Geen plan nodig.", "2026.1")])
    scores = session.scalars(select(Score).order_by(Score.element_code)).all()
    assert [(s.element_code, s.score, s.bijzonder, s.toelichting) for s in scores] == [
        ("CON", 4, None, ""), ("IPL", None, "nvt", "Geen plan nodig.")]
    assert data_version.current(session.connection()) != before


def test_a_clash_raises_sqlalchemys_integrity_error(app, session):
    """A concurrent import that stored the same casus first: the callers' handling of
    sqlalchemy's IntegrityError ("iemand anders wijzigde tegelijk") still applies."""
    from sqlalchemy.exc import IntegrityError
    gemeente = make_gemeente(session)
    make_casus(session, gemeente, code="K-01")
    session.commit()
    with app.app_context():
        with pytest.raises(IntegrityError):
            with transaction() as s:
                insert_rows(s, CASUS, ("gemeente_id", "code", "code_key", "doelgroep"),
                            [(gemeente.id, "K-01", "k-01", "jeugd")])
    assert session.scalars(select(Casus)).all()[0].code == "K-01"


def test_only_columns_of_the_table(app, session):
    with app.app_context():
        with pytest.raises(ValueError):
            with transaction() as s:
                insert_rows(s, CASUS, ("gemeente_id", "code; DROP TABLE casus"), [(1, "x")])
