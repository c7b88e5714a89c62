"""save_second_rating: the rules a second rating keeps, whoever stores it (demo, screen)."""
from __future__ import annotations

import pytest

from tests.helpers import make_casus, make_gemeente
from zet.errors import DomainError, ValidationFailed
from zet.rules import parse_answer
from zet.services.dubbel import save_second_rating
from zet.services.perspectieven import PerspectiefInput, save_perspectief


def _dossier(session, instrument, beoordelaar="B1"):
    casus = make_casus(session, make_gemeente(session))
    perspectief = save_perspectief(session, instrument, casus, PerspectiefInput(
        soort="dossier", answers={c: parse_answer("3") for c in instrument.codes}))
    perspectief.beoordelaar = beoordelaar
    session.commit()
    return perspectief


def _all(instrument, answer="4"):
    return {code: parse_answer(answer) for code in instrument.codes}


def test_a_second_rating_is_stored_beside_the_first(session, instrument):
    dossier = _dossier(session, instrument)
    save_second_rating(session, instrument, dossier, beoordelaar="r-02",
                       answers=_all(instrument), toelichtingen={instrument.codes[0]: "Eens."},
                       final=True)
    session.commit()
    assert dossier.tweede.beoordelaar == "r-02" and dossier.tweede.status == "definitief"
    assert {s.score for s in dossier.tweede.scores} == {4}
    assert {s.score for s in dossier.scores} == {3}        # the first rating untouched
    # Saving again replaces the answers, one rating per perspective.
    save_second_rating(session, instrument, dossier, beoordelaar="R-02",
                       answers={instrument.codes[0]: parse_answer("nvt")})
    session.commit()
    assert [(s.element_code, s.bijzonder) for s in dossier.tweede.scores] == [
        (instrument.codes[0], "nvt")]
    assert dossier.tweede.status == "concept"


@pytest.mark.parametrize("code, message", [
    ("b1", "andere beoordelaar"),
    ("", "Vul de code van de tweede beoordelaar in"),
    ("Petra Jansen", "gebruik een code"),
    ("B1 0612345678", "gebruik een code"),
])
def test_a_bad_rater_code_is_refused_and_nothing_is_stored(session, instrument, code, message):
    dossier = _dossier(session, instrument)
    with pytest.raises(DomainError) as refused:
        save_second_rating(session, instrument, dossier, beoordelaar=code,
                           answers=_all(instrument))
    assert message in refused.value.message
    assert "Petra" not in refused.value.message and "0612345678" not in refused.value.message
    session.rollback()
    assert dossier.tweede is None


def test_definitief_needs_every_element_and_known_elements(session, instrument):
    dossier = _dossier(session, instrument)
    with pytest.raises(ValidationFailed) as refused:
        save_second_rating(session, instrument, dossier, beoordelaar="B2",
                           answers={instrument.codes[0]: parse_answer("2")}, final=True)
    assert "scores" in refused.value.errors
    with pytest.raises(ValidationFailed) as unknown:
        save_second_rating(session, instrument, dossier, beoordelaar="B2",
                           answers={"XYZ": parse_answer("2")})
    assert "Onbekend element 'XYZ'" in unknown.value.errors["elementen"]
    session.rollback()
    assert dossier.tweede is None
