"""Saving a second, independent rating of a perspective (double rating), in one transaction.

The same rules as the import's second-rating rows (zet.importing.second) and as a perspective's
own answers: a rater code of a fixed shape (catalog.BEOORDELAAR, never a name), another rater
than the first, known elements, toelichtingen within their limits, and 'definitief' only with
every element answered. Used by the demo now; the screen for the blind second rating builds on
it.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from zet.errors import DomainError, ValidationFailed
from zet.instrument import Instrument
from zet.models import Perspectief, TweedeBeoordeling, TweedeScore
from zet.models.mixins import utcnow
from zet.rules import catalog, state
from zet.rules.names import beoordelaar_key
from zet.services.perspectieven import answer_problems, store_answers

CODE_NEEDED = "Vul de code van de tweede beoordelaar in (bijvoorbeeld B2)."
SAME_RATER = ("De tweede beoordeling moet van een andere beoordelaar zijn dan de eerste: kies een "
              "andere code dan {code}.")


def save_second_rating(session: Session, instrument: Instrument, perspectief: Perspectief, *,
                       beoordelaar: str, answers: dict[str, Answer],
                       toelichtingen: dict[str, str] | None = None, final: bool = False,
                       user_id: int | None = None) -> TweedeBeoordeling:
    """Store (or replace) the second rating of ``perspectief`` as concept or definitief, or
    raise DomainError / ValidationFailed with Dutch messages; nothing is stored then."""
    toelichtingen = toelichtingen or {}
    code = catalog.BEOORDELAAR.require(beoordelaar)
    if not code:
        raise DomainError(CODE_NEEDED, "beoordelaar")
    first = perspectief.beoordelaar
    if first and beoordelaar_key(first) == beoordelaar_key(code):
        raise DomainError(SAME_RATER.format(code=first), "beoordelaar")
    _check(instrument, answers, toelichtingen, final)
    rating = perspectief.tweede or TweedeBeoordeling(perspectief=perspectief)
    rating.beoordelaar = code
    rating.user_id = user_id if user_id is not None else rating.user_id
    rating.status = "definitief" if final else "concept"
    rating.instrument_version = instrument.version
    rating.updated_at = utcnow()
    store_answers(rating.scores, TweedeScore, instrument, answers, toelichtingen)
    session.add(rating)
    session.flush()
    return rating


def _check(instrument: Instrument, answers: dict, toelichtingen: dict, final: bool) -> None:
    errors = answer_problems(instrument, answers, toelichtingen)
    if final:
        answered = [code for code, answer in answers.items() if not answer.is_empty]
        missing = state.unanswered(instrument.elements, answered)
        if missing:
            errors["scores"] = state.unanswered_message([e.name for e in missing],
                                                        len(instrument.elements))
    if errors:
        raise ValidationFailed(errors)
