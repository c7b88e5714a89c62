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
from zet.privacy import find_identifying
from zet.rules import MAX_CITAAT, MAX_KORT, MAX_TOELICHTING, Answer, check_length
from zet.vocabulary import PERSPECTIEVEN

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
    citaten: list[dict] = field(default_factory=list)  # {"element_code", "tekst", "bron"}


def find_single(casus: Casus, soort: str, rol: str = "") -> Perspectief | None:
    return next((p for p in casus.perspectieven if p.soort == soort and p.rol == rol), None)


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
    rol = data.rol.strip() if data.soort == "professional" else ""
    if perspectief is None:
        existing = find_single(casus, data.soort, rol)
        if existing is not None:
            raise ConflictError(_conflict_message(existing), current=existing)
        perspectief = Perspectief(casus=casus, soort=data.soort)
    elif expected_version is not None and perspectief.version != expected_version:
        raise ConflictError(_conflict_message(perspectief), current=perspectief)
    elif data.soort == "professional" and rol != perspectief.rol and find_single(
            casus, "professional", rol) is not None:
        raise DomainError(f"Deze casus heeft al een professional met de rol '{rol}'. "
                          "Geef de rol een onderscheidend label, bijv. '(ambulant) begeleider 2'.",
                          "rol")

    perspectief.rol = rol
    for key in ("datum", "afnemer", "geinterviewde", "toestemming", "toestemming_datum",
                "toestemming_vorm"):
        setattr(perspectief, key, getattr(data, key))
    perspectief.status = "definitief" if final else "concept"
    perspectief.instrument_version = instrument.version
    perspectief.updated_at = utcnow()
    _store_scores(perspectief, instrument, data)
    perspectief.citaten = [Citaat(element_code=c.get("element_code") or None,
                                  tekst=c["tekst"].strip(), bron=(c.get("bron") or "").strip())
                           for c in data.citaten if (c.get("tekst") or "").strip()]
    session.add(perspectief)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError("Iemand anders heeft dit perspectief zojuist aangemaakt. "
                            "Open de casus opnieuw en vergelijk.") from None
    return perspectief


def _store_scores(perspectief: Perspectief, instrument: Instrument, data: PerspectiefInput):
    by_code = {s.element_code: s for s in perspectief.scores}
    for element in instrument.elements:
        answer = data.answers.get(element.code, Answer())
        toelichting = (data.toelichtingen.get(element.code) or "").strip()
        score = by_code.get(element.code)
        if answer.is_empty and not toelichting:
            if score is not None:
                perspectief.scores.remove(score)
            continue
        if score is None:
            score = Score(element_code=element.code)
            perspectief.scores.append(score)
        score.score, score.bijzonder = answer.score, answer.special
        score.toelichting = toelichting
        score.instrument_version = instrument.version


def _check_input(instrument: Instrument, data: PerspectiefInput) -> None:
    """Rules that hold for drafts too: known elements, text limits, a known perspective."""
    errors = {}
    if data.soort not in PERSPECTIEVEN:
        raise DomainError(f"Onbekend perspectief '{data.soort}'.")
    unknown = sorted((set(data.answers) | set(data.toelichtingen)) - set(instrument.codes))
    if unknown:
        errors["elementen"] = (f"Onbekend element '{unknown[0]}': dit instrument (versie "
                               f"{instrument.version}) kent alleen {', '.join(instrument.codes)}.")
    for code, text in data.toelichtingen.items():
        message = check_length(f"Toelichting bij {code}", text, MAX_TOELICHTING)
        if message:
            errors[f"toelichting-{code}"] = message
    for key in ("afnemer", "rol"):
        message = check_length(key.capitalize(), getattr(data, key), MAX_KORT) \
            or find_identifying(getattr(data, key))
        if message:
            errors[key] = message
    for code, text in data.toelichtingen.items():
        message = find_identifying(text)
        if message:
            errors[f"toelichting-{code}"] = message
    for i, citaat in enumerate(data.citaten):
        message = check_length(f"Citaat {i + 1}", citaat.get("tekst"), MAX_CITAAT) \
            or find_identifying(citaat.get("tekst"))
        if message:
            errors[f"citaten-{i}-tekst"] = message
        message = find_identifying(citaat.get("bron"))
        if message:
            errors[f"citaten-{i}-bron"] = message
        code = citaat.get("element_code")
        if code and instrument.element(code) is None:
            errors[f"citaten-{i}-element"] = f"Citaat {i + 1}: onbekend element '{code}'."
    if errors:
        raise ValidationFailed(errors)


def _check_complete(instrument: Instrument, data: PerspectiefInput) -> None:
    """What 'definitief' requires; a concept may miss any of it."""
    errors = {}
    if data.datum is None:
        errors["datum"] = "Vul de datum in (dd-mm-jjjj) om definitief op te slaan."
    if not (data.afnemer or "").strip():
        errors["afnemer"] = "Vul in wie het interview of de dossierstudie deed."
    if data.soort == "professional" and not data.rol.strip():
        errors["rol"] = "Vul de rol van de professional in."
    if data.soort == "inwoner":
        if not data.geinterviewde:
            errors["geinterviewde"] = "Kies wie er is geïnterviewd (inwoner, ouder of vertegenwoordiger)."
        if not (data.toestemming and data.toestemming_datum and data.toestemming_vorm):
            errors["toestemming"] = ("Leg de toestemming van de inwoner vast (aangevinkt, met datum "
                                     "en vorm) voordat u definitief opslaat.")
    missing = [e for e in instrument.elements if data.answers.get(e.code, Answer()).is_empty]
    for element in missing:
        errors[f"score-{element.code}"] = (f"Kies een score bij '{element.name}' (of n.v.t. / "
                                           "onbekend) om definitief op te slaan.")
    if errors:
        raise ValidationFailed(errors)


def _conflict_message(current: Perspectief) -> str:
    return ("Iemand anders heeft dit perspectief opgeslagen nadat u het opende (nu versie "
            f"{current.version}). Hieronder ziet u beide versies; uw invoer is niet verloren.")
