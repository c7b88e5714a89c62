"""Saving a perspective (draft or final) with optimistic locking, in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zet.errors import ConflictError, DomainError, ValidationFailed
from zet.instrument import Instrument
from zet.models import Casus, Citaat, Perspectief, Score
from zet.models.mixins import utcnow
from zet.rules import Answer, catalog, state
from zet.rules.answers import worth_storing
from zet.rules.identity import rol_taken_message
from zet.rules.names import rol_key

SINGLE_PERSPECTIVES = ("inwoner", "dossier")  # at most one per casus; professionals may be several


@dataclass
class PerspectiefInput:
    """What a perspective form (or the demo, or an import) delivers, already parsed."""
    soort: str
    rol: str = ""
    datum: date | None = None
    afnemer: str | None = None
    geinterviewde: str | None = None
    toestemming: bool = False
    toestemming_datum: date | None = None
    toestemming_vorm: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    toelichtingen: dict[str, str] = field(default_factory=dict)
    # {"element_code", "tekst", "bron", "spreker", "soort", "citeerbaar"}; see new_citaten
    citaten: list[dict] = field(default_factory=list)


def find_single(casus: Casus, soort: str, rol: str = "") -> Perspectief | None:
    """The perspective of this soort and rol (rol compared by its key, as the database does)."""
    key = rol_key(rol)
    return next((p for p in casus.perspectieven if p.soort == soort and p.rol_key == key), None)


def save_perspectief(session: Session, instrument: Instrument, casus: Casus,
                     data: PerspectiefInput, *, perspectief: Perspectief | None = None,
                     expected_version: int | None = None, final: bool = False) -> Perspectief:
    """Store the form as concept (anything goes) or definitief (complete), or raise.

    A save that started from ``expected_version`` while the stored version is newer raises
    ConflictError carrying the stored perspective, so the user can compare both versions.
    """
    _check_input(instrument, data)
    if final:
        _check_complete(instrument, data)
    rol = state.stored_rol(data.soort, data.rol)
    if perspectief is not None:
        message = state.version_problem(perspectief.instrument_version, instrument.version)
        if message:
            raise DomainError(message)
    if perspectief is None:
        existing = find_single(casus, data.soort, rol)
        if existing is not None:
            raise ConflictError(conflict_message(existing), current=existing)
        perspectief = Perspectief(casus=casus, soort=data.soort)
    elif expected_version is not None and perspectief.version != expected_version:
        raise ConflictError(conflict_message(perspectief), current=perspectief)
    elif data.soort == "professional" and rol_key(rol) != perspectief.rol_key and find_single(
            casus, "professional", rol) is not None:
        raise DomainError(rol_taken_message(rol), "rol")

    perspectief.rol = rol
    for key in ("datum", "toestemming", "toestemming_datum"):
        setattr(perspectief, key, getattr(data, key))
    perspectief.geinterviewde = catalog.GEINTERVIEWDE.require(data.geinterviewde)
    perspectief.toestemming_vorm = catalog.TOESTEMMING_VORM.require(data.toestemming_vorm)
    perspectief.afnemer = catalog.AFNEMER.clean(data.afnemer) or None
    perspectief.status = "definitief" if final else "concept"
    perspectief.instrument_version = instrument.version
    perspectief.updated_at = utcnow()
    _store_scores(perspectief, instrument, data)
    perspectief.citaten = new_citaten(data.soort, data.citaten, perspectief.geinterviewde)
    session.add(perspectief)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError("Iemand anders heeft dit perspectief zojuist aangemaakt. "
                            "Open de casus opnieuw en vergelijk.") from None
    return perspectief


def _store_scores(perspectief: Perspectief, instrument: Instrument, data: PerspectiefInput):
    for score in store_answers(perspectief.scores, Score, instrument, data.answers,
                               data.toelichtingen):
        score.instrument_version = instrument.version


def store_answers(scores: list, kind, instrument: Instrument, answers: dict,
                  toelichtingen: dict) -> list:
    """Bring a rating's answer rows (``scores``, of model ``kind``: Score or TweedeScore) in line
    with the form: an element with neither answer nor toelichting is removed, others added or
    updated (zet.rules.answers.worth_storing). Returns the rows kept."""
    by_code = {s.element_code: s for s in scores}
    kept = []
    for element in instrument.elements:
        answer = answers.get(element.code, Answer())
        toelichting = catalog.TOELICHTING.clean(toelichtingen.get(element.code))
        score = by_code.get(element.code)
        if not worth_storing(answer.is_empty, toelichting):
            if score is not None:
                scores.remove(score)
            continue
        if score is None:
            score = kind(element_code=element.code)
            scores.append(score)
        score.score, score.bijzonder = answer.score, answer.special
        score.toelichting = toelichting
        kept.append(score)
    return kept


def _check_input(instrument: Instrument, data: PerspectiefInput) -> None:
    """Rules that hold for drafts too: known elements, text limits, a known perspective."""
    errors = {}
    message = catalog.PERSPECTIEF.problem(data.soort)
    if message:
        raise DomainError(message)
    errors.update(answer_problems(instrument, data.answers, data.toelichtingen))
    for rule in (catalog.AFNEMER, catalog.ROL, catalog.GEINTERVIEWDE, catalog.TOESTEMMING_VORM):
        message = rule.problem(getattr(data, rule.field))
        if message:
            errors[rule.field] = message
    message = state.rol_problem(data.soort, data.rol)
    if message:
        errors["rol"] = message
    for i, citaat in enumerate(data.citaten):
        errors.update({f"citaten-{i}-{name}": message for name, message
                       in citaat_problems(instrument, data.soort, citaat,
                                          f"Citaat {i + 1}").items()})
    if errors:
        raise ValidationFailed(errors)


def answer_problems(instrument: Instrument, answers: dict, toelichtingen: dict) -> dict:
    """What a rating's answers may not hold, draft or not: unknown elements, a toelichting
    too long or with identifying data. {field: Dutch message}."""
    errors = {}
    unknown = sorted((set(answers) | set(toelichtingen)) - set(instrument.codes))
    if unknown:
        errors["elementen"] = (f"Onbekend element '{unknown[0]}': dit instrument (versie "
                               f"{instrument.version}) kent alleen {', '.join(instrument.codes)}.")
    for code, text in toelichtingen.items():
        message = catalog.TOELICHTING.problem(text)
        if message:
            errors[f"toelichting-{code}"] = message
    return errors


def citaat_problems(instrument: Instrument, soort: str, citaat: dict,
                    label: str = "Citaat") -> dict[str, str]:
    """Per field of a quote of a perspective of ``soort`` what is wrong with it (messages
    start with ``label``, e.g. 'Citaat 2'); the form and the import both ask this."""
    problems = {}
    for name, rule in (("tekst", catalog.CITAAT.labelled(label)),
                       ("bron", catalog.CITAAT_BRON), ("spreker", catalog.CITAAT_SPREKER),
                       ("soort", catalog.CITAAT_SOORT)):
        message = rule.problem(citaat.get(name))
        if message:
            problems[name] = message
    message = state.spreker_problem(soort, citaat.get("spreker"))
    if message and "spreker" not in problems:
        problems["spreker"] = f"{label}: {message}"
    code = citaat.get("element_code")
    if code and instrument.element(code) is None:
        problems["element"] = f"{label}: onbekend element '{code}'."
    return problems


def new_citaten(soort: str, citaten: list[dict], geinterviewde: str | None = None
                ) -> list[Citaat]:
    """The quotes to store for a perspective of ``soort`` (checked by citaat_problems): those
    with a text, cleaned, the speaker defaulting to whoever was interviewed
    (state.stored_spreker)."""
    return [Citaat(element_code=c.get("element_code") or None,
                   tekst=catalog.CITAAT.clean(c["tekst"]),
                   bron=catalog.CITAAT_BRON.clean(c.get("bron")),
                   spreker=state.stored_spreker(soort, c.get("spreker"), geinterviewde),
                   soort=catalog.CITAAT_SOORT.normalise(c.get("soort")) if c.get("soort") else None,
                   citeerbaar=bool(c.get("citeerbaar")))
            for c in citaten if (c.get("tekst") or "").strip()]


def _check_complete(instrument: Instrument, data: PerspectiefInput) -> None:
    """What 'definitief' requires (zet.rules.state); a concept may miss any of it."""
    errors = state.definitief_meta_problems(
        data.soort, datum=data.datum, afnemer=data.afnemer, rol=data.rol,
        geinterviewde=data.geinterviewde, toestemming=data.toestemming,
        toestemming_datum=data.toestemming_datum, toestemming_vorm=data.toestemming_vorm)
    errors.update(unanswered_problems(instrument, data.answers))
    if errors:
        raise ValidationFailed(errors)


def unanswered_problems(instrument: Instrument, answers: dict) -> dict:
    """What 'definitief' asks of a rating's answers, first or second: an answer on every
    element. {field: Dutch message}, empty when complete."""
    answered = [code for code, answer in answers.items() if not answer.is_empty]
    missing = state.unanswered(instrument.elements, answered)
    errors = {}
    if missing:
        errors["scores"] = state.unanswered_message([e.name for e in missing],
                                                    len(instrument.elements))
    for element in missing:
        errors[f"score-{element.code}"] = state.element_missing_message(element.name)
    return errors


def conflict_message(current: Perspectief) -> str:
    return ("Iemand anders heeft dit perspectief opgeslagen nadat u het opende (nu versie "
            f"{current.version}). Hieronder ziet u beide versies; uw invoer is niet verloren.")
