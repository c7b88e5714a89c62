"""A second, independent rating of a perspective (double rating): saving it, in one
transaction, and the blind rule.

Blind: until the first and the second rating are both definitief, the second rater sees nothing
of the first rating (its page, its answers in the analyseschema and the bevindingen), and nobody
but the second rater sees the second rating's answers. Then both stand side by side.

The same rules as the import's second-rating rows (zet.importing.second) and as a perspective's
own answers: a rater code of a fixed shape (catalog.BEOORDELAAR, never a name), another rater
than the first, known elements, toelichtingen within their limits, and 'definitief' only with
every element answered. Used by the demo now; the screen for the blind second rating builds on
it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zet.errors import DomainError, ValidationFailed
from zet.instrument import Instrument
from zet.models import AuditEvent, Perspectief, TweedeBeoordeling, TweedeScore
from zet.models.mixins import utcnow
from zet.rules import catalog
from zet.rules.names import beoordelaar_key
from zet.services.perspectieven import answer_problems, store_answers, unanswered_problems

OWN_FIRST = ("U heeft de eerste beoordeling van dit perspectief ingevoerd, gewijzigd of bekeken. "
             "Een tweede beoordeling moet van iemand anders zijn, die de eerste niet heeft "
             "gezien.")
IMPORTED = ("Deze tweede beoordeling kwam binnen via een import, zonder gebruiker. Pas haar aan "
            "via de import; op het scherm ziet u haar pas als beide beoordelingen definitief zijn.")
BLIND_EXPORT = ("U beoordeelt nu een perspectief blind, als tweede beoordelaar. Een export zou u "
                "de eerste beoordeling laten zien: exporteer weer als beide beoordelingen "
                "definitief zijn.")
OTHER_RATER = ("Deze tweede beoordeling is van een andere beoordelaar: alleen die kan haar "
               "aanpassen.")
CODE_NEEDED = "Vul de code van de tweede beoordelaar in (bijvoorbeeld B2)."
SAME_RATER = ("De tweede beoordeling moet van een andere beoordelaar zijn dan de eerste: kies een "
              "andere code dan {code}.")


def save_second_rating(session: Session, instrument: Instrument, perspectief: Perspectief, *,
                       beoordelaar: str, answers: dict[str, Answer],
                       toelichtingen: dict[str, str] | None = None, final: bool = False,
                       user_id: int | None = None,
                       saw_first: frozenset = frozenset()) -> TweedeBeoordeling:
    """Store (or replace) the second rating of ``perspectief`` as concept or definitief, or
    raise DomainError / ValidationFailed with Dutch messages; nothing is stored then.
    ``user_id`` is who rates on screen (None: the demo or a command); ``saw_first`` the users
    who entered, changed or saw the first rating (saw_first_rating()): they may not give the
    second."""
    toelichtingen = toelichtingen or {}
    if user_id is not None and user_id in saw_first:
        raise DomainError(OWN_FIRST)
    existing = perspectief.tweede
    if user_id is not None and existing is not None and existing.user_id not in (None, user_id):
        raise DomainError(OTHER_RATER)
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
        errors.update(unanswered_problems(instrument, answers))
    if errors:
        raise ValidationFailed(errors)


def saw_first_rating(session: Session, perspectief: Perspectief) -> frozenset[int]:
    """The users who entered, changed or saw the first rating on screen, as the audit log has
    them: the perspective itself, and the casus's analyseschema and bevindingen, which show it.
    (An import names no perspective there; the rater codes guard that path.)"""
    on_perspective = (AuditEvent.object_type == "perspectief") & (
        AuditEvent.object_id == perspectief.id) & AuditEvent.action.in_(
        ("aangemaakt", "gewijzigd", "bekeken"))
    on_casus = (AuditEvent.object_type == "casus") & (
        AuditEvent.object_id == perspectief.casus_id) & (AuditEvent.action == "bekeken") & (
        AuditEvent.detail.startswith("analyseschema") | AuditEvent.detail.startswith(
            "bevindingen"))
    return frozenset(session.scalars(
        select(AuditEvent.user_id).distinct()
        .where(on_perspective | on_casus, AuditEvent.user_id.is_not(None))))


def blind_perspectives(session: Session, user_id: int | None) -> list[Perspectief]:
    """The perspectives this user rates blind now (second rater, not both definitief)."""
    if user_id is None:
        return []
    ratings = session.scalars(select(TweedeBeoordeling).where(
        TweedeBeoordeling.user_id == user_id))
    return [r.perspectief for r in ratings if not both_final(r.perspectief)]


def both_final(perspectief: Perspectief) -> bool:
    """Whether the first and the second rating are both definitief: then they may be compared."""
    second = perspectief.tweede
    return (second is not None and perspectief.status == "definitief"
            and second.status == "definitief")


def blind_for(perspectief: Perspectief, user_id: int | None) -> bool:
    """Whether ``user_id`` is this perspective's second rater and may not see the first rating
    yet."""
    second = perspectief.tweede
    return (second is not None and user_id is not None and second.user_id == user_id
            and not both_final(perspectief))


def casus_blind_for(casus, user_id: int | None) -> bool:
    """Whether any perspective of the casus is still blind for ``user_id``."""
    return any(blind_for(p, user_id) for p in casus.perspectieven)


def may_see_second(perspectief: Perspectief, user_id: int | None) -> bool:
    """The second rating's answers: its own rater always, others once both are definitief."""
    second = perspectief.tweede
    return second is not None and (both_final(perspectief)
                                   or (user_id is not None and second.user_id == user_id))
