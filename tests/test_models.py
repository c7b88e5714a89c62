"""Database rules that hold whatever code writes: uniqueness, score range, cascades, locking."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tests.helpers import make_casus, make_gemeente
from zet.models import Casus, Citaat, Perspectief, Score


def add_perspective(session, casus, soort="dossier", rol=""):
    perspectief = Perspectief(casus=casus, soort=soort, rol=rol, instrument_version="t")
    session.add(perspectief)
    session.commit()
    return perspectief


def test_casus_code_unique_within_gemeente(session):
    gemeente = make_gemeente(session)
    make_casus(session, gemeente, code="A-1")
    session.add(Casus(gemeente=gemeente, code="A-1", doelgroep="jeugd"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_score_outside_one_to_five_is_refused_by_the_database(session):
    perspectief = add_perspective(session, make_casus(session, make_gemeente(session)))
    session.add(Score(perspectief=perspectief, element_code="CON", score=6,
                      instrument_version="t"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_score_and_special_answer_together_are_refused(session):
    perspectief = add_perspective(session, make_casus(session, make_gemeente(session)))
    session.add(Score(perspectief=perspectief, element_code="CON", score=3, bijzonder="nvt",
                      instrument_version="t"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_one_score_per_element_per_perspective(session):
    perspectief = add_perspective(session, make_casus(session, make_gemeente(session)))
    for _ in range(2):
        session.add(Score(perspectief=perspectief, element_code="CON", score=3,
                          instrument_version="t"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_deleting_a_casus_removes_everything_under_it(session):
    casus = make_casus(session, make_gemeente(session))
    perspectief = add_perspective(session, casus)
    session.add_all([Score(perspectief=perspectief, element_code="CON", score=2,
                           instrument_version="t"),
                     Citaat(perspectief=perspectief, tekst="x", bron="dossier")])
    session.commit()
    session.delete(casus)
    session.commit()
    for model in (Perspectief, Score, Citaat):
        assert session.scalar(select(func.count(model.id))) == 0


def test_version_column_rejects_a_stale_write(app, session):
    perspectief = add_perspective(session, make_casus(session, make_gemeente(session)))
    assert perspectief.version == 1
    other = app.extensions["zet_sessionmaker"]()
    stale = other.get(Perspectief, perspectief.id)
    perspectief.afnemer = "Eerste"
    session.commit()
    assert perspectief.version == 2
    stale.afnemer = "Tweede"
    with pytest.raises(StaleDataError):
        other.commit()
    other.close()
