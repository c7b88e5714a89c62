"""State rules of a perspective: what *definitief* requires, when a rol is allowed, and which
instrument version its scores carry. Plain functions over plain values, so the service applies
them to one perspective and the import to every perspective a file touches."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from zet.rules.fields import or_list
from zet.rules.names import clean_name
from zet.vocabulary import SPREKERS_PER_PERSPECTIEF

NAMES_SHOWN = 6
# The stored facts besides the answers that definitief_meta_problems looks at.
DEFINITIEF_FIELDS = ("datum", "afnemer", "rol", "geinterviewde", "toestemming",
                     "toestemming_datum", "toestemming_vorm")


def rol_problem(soort: str | None, rol) -> str | None:
    """Only a professional has a rol; elsewhere a rol is refused, never silently dropped."""
    if soort and soort != "professional" and clean_name(rol):
        return (f"Een rol hoort alleen bij het perspectief professional; laat de rol leeg bij "
                f"{soort}.")
    return None


def stored_rol(soort: str, rol) -> str:
    """The rol as stored: cleaned for a professional, empty for the others."""
    return clean_name(rol) if soort == "professional" else ""


def spreker_problem(soort: str | None, spreker) -> str | None:
    """A quote's speaker must fit its perspective: the inwoner interview quotes the inwoner, a
    parent or the young person; a professional interview the professional; a dossier itself."""
    allowed = SPREKERS_PER_PERSPECTIEF.get(soort or "")
    wanted = clean_name(spreker).casefold()
    if allowed and wanted and wanted not in allowed:
        return (f"Een citaat bij het perspectief {soort} komt van {or_list(allowed)}, niet van "
                f"{clean_name(spreker)}.")
    return None


def stored_spreker(soort: str, spreker, geinterviewde: str | None = None) -> str:
    """The speaker as stored: as given; when left empty, whoever was interviewed (a parent, a
    representative) for the inwoner, else the perspective itself."""
    wanted = clean_name(spreker).casefold()
    allowed = SPREKERS_PER_PERSPECTIEF[soort]
    return wanted or (geinterviewde if geinterviewde in allowed else allowed[0])


def definitief_meta_problems(soort: str, *, datum: date | None, afnemer, rol,
                             geinterviewde=None, toestemming: bool = False,
                             toestemming_datum: date | None = None,
                             toestemming_vorm=None) -> dict[str, str]:
    """Per field, what a definitief perspective still lacks besides its answers."""
    errors = {}
    if datum is None:
        errors["datum"] = "Vul de datum in (dd-mm-jjjj) om definitief op te slaan."
    if not clean_name(afnemer):
        errors["afnemer"] = "Vul in wie het interview of de dossierstudie deed."
    if soort == "professional" and not clean_name(rol):
        errors["rol"] = "Vul de rol van de professional in."
    if soort == "inwoner":
        if not geinterviewde:
            errors["geinterviewde"] = ("Kies wie er is geïnterviewd (inwoner, ouder of "
                                       "vertegenwoordiger).")
        if not (toestemming and toestemming_datum and toestemming_vorm):
            errors["toestemming"] = ("Leg de toestemming van de inwoner vast (aangevinkt, met "
                                     "datum en vorm) voordat u definitief opslaat.")
    return errors


def element_missing_message(element_name: str) -> str:
    return (f"Kies een score bij '{element_name}' (of n.v.t. / onbekend) om definitief op te "
            "slaan.")


def unanswered_message(element_names: list[str], total: int) -> str:
    """One message for a perspective whose answers are not complete."""
    shown = ", ".join(element_names[:NAMES_SHOWN])
    if len(element_names) > NAMES_SHOWN:
        shown += f" en nog {len(element_names) - NAMES_SHOWN}"
    return (f"Definitief kan pas als elk element een antwoord heeft (een score, n.v.t. of "
            f"onbekend): {len(element_names)} van de {total} elementen hebben er nog geen "
            f"({shown}).")


def unanswered(elements, answered_codes: Iterable[str]) -> list:
    """The elements (in instrument order) without an answer."""
    answered = set(answered_codes)
    return [e for e in elements if e.code not in answered]


def version_problem(perspectief_version: str, instrument_version: str) -> str | None:
    """Scores always carry their perspective's instrument version; mixing versions is refused."""
    if perspectief_version and perspectief_version != instrument_version:
        return (f"Dit perspectief is ingevuld met instrumentversie {perspectief_version}; deze "
                f"gegevens horen bij versie {instrument_version}. Scores van twee versies in één "
                "perspectief kunnen niet: vul het perspectief in met zijn eigen versie.")
    return None
