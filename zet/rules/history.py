"""What the change history keeps per field, and how a stored value becomes its text.

One rule for both engines: the ORM hook (zet.history, for forms, the facts import and the demo)
and the bulk score import (zet.importing.apply) ask these functions which fields count, what
their old and new text is, and whether two saves by one person are one change.
"""
from __future__ import annotations

from datetime import date, datetime

from zet.interchange import DATE_FORMAT

# Casus facts and the casus status, in the order the casus form and the bevindingen page show
# them. The synthese is kept per element ('synthese:E01').
CASUS_LABELS = {
    "code": "Casuscode", "onderzoek": "Onderzoek", "doelgroep": "Doelgroep", "wet": "Wet",
    "levensfase": "Levensfase", "beperkingen": "Beperkingen", "leefgebieden": "Leefgebieden",
    "hulpvraag": "Hulpvraag", "knelpunten": "Knelpunten", "wat_gaat_goed": "Wat gaat goed",
    "datum_aanmelding": "Datum aanmelding", "datum_eerste_contact": "Datum eerste contact",
    "datum_start_hulp": "Datum start hulp", "indicatie_maanden": "Looptijd indicatie (maanden)",
    "wisselingen_contactpersoon": "Wisselingen contactpersoon", "status": "Status",
}
# A perspective's own facts and status; its answers and toelichtingen are kept per element
# ('antwoord:E01', 'toelichting:E01').
PERSPECTIEF_LABELS = {
    "status": "Status", "rol": "Rol", "datum": "Datum", "afnemer": "Afgenomen door",
    "geinterviewde": "Geïnterviewde", "toestemming": "Toestemming",
    "toestemming_datum": "Datum toestemming", "toestemming_vorm": "Vorm toestemming",
}
# The second, blind rating of a double-rated perspective: its code and status, and its answers
# and toelichtingen per element ('tweede_antwoord:E01'). Kept with the perspective, shown to
# others only once both ratings are definitief (SECOND_RATING_FIELDS, zet.services.dubbel).
SECOND_LABELS = {"tweede_beoordelaar": "Code tweede beoordelaar",
                 "tweede_status": "Status tweede beoordeling"}
DATE_FIELDS = frozenset({"datum", "toestemming_datum", "datum_aanmelding", "datum_eerste_contact",
                         "datum_start_hulp"})
PER_ELEMENT = {"antwoord": "Antwoord", "toelichting": "Toelichting", "synthese": "Synthese",
               "tweede_antwoord": "Tweede beoordeling, antwoord",
               "tweede_toelichting": "Tweede beoordeling, toelichting"}

# Saves by one person of one field within this many minutes are one change (the autosave
# writes every 30 seconds while a toelichting is typed); a status change always stands alone.
COALESCE_MINUTES = 15
NEVER_COALESCED = frozenset({"status", "tweede_status"})

# Where a change came from: a page of the web app, an import, or a command (demo, restore).
SOURCES = ("scherm", "import", "opdracht")
SOURCE_LABELS = {"scherm": "invoer", "import": "import", "opdracht": "opdracht"}


def element_field(kind: str, code: str) -> str:
    return f"{kind}:{code}"


def is_second_rating(field: str) -> bool:
    """Whether a kept field belongs to the second rating (hidden while it is blind)."""
    return field.startswith("tweede_")


def answer_text(score: int | None, bijzonder: str | None) -> str:
    """An answer as the history keeps it: '1'..'5', 'nvt', 'onbekend' or '' (none)."""
    if score:
        return str(int(score))
    return bijzonder or ""


def value_text(value) -> str:
    """A stored value as text: dates ISO (shown dd-mm-jjjj), yes/no in Dutch, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, list):
        return "; ".join(f"{item.get('gebied', '')}: {item.get('vraag', '')}"
                         if isinstance(item, dict) else str(item) for item in value)
    return str(value)


def changes(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, old text, new text) for every field whose text differs; a field missing on one
    side counts as empty there."""
    return [(name, old.get(name, ""), new.get(name, ""))
            for name in sorted(set(old) | set(new), key=sort_key)
            if old.get(name, "") != new.get(name, "")]


def may_coalesce(field: str, source: str, draft: bool) -> bool:
    """A change typed on a screen in a draft (a concept perspective, a casus) joins the same
    person's change of the field minutes before, unless a status change came in between: what
    was definitief is never folded away."""
    return source == "scherm" and draft and field not in NEVER_COALESCED


def field_label(field: str, element_names: dict[str, str] | None = None) -> str:
    """The field in Dutch: 'Toelichting: Eén plan' for an element field."""
    kind, _, code = field.partition(":")
    if code:
        name = (element_names or {}).get(code, code)
        return f"{PER_ELEMENT.get(kind, kind)}: {name}"
    return (CASUS_LABELS.get(field) or PERSPECTIEF_LABELS.get(field)
            or SECOND_LABELS.get(field) or field)


def shown(field: str, text: str) -> str:
    """A kept text as a page shows it: ISO dates as dd-mm-jjjj, answers as users say them."""
    if not text:
        return "(leeg)"
    if field in DATE_FIELDS:
        return date.fromisoformat(text).strftime(DATE_FORMAT)
    if field.startswith(("antwoord:", "tweede_antwoord:")):
        return {"nvt": "n.v.t.", "onbekend": "onbekend"}.get(text, text)
    return text


_ORDER = {name: i for i, name in enumerate([*PERSPECTIEF_LABELS, *CASUS_LABELS,
                                           *SECOND_LABELS])}


def sort_key(field: str):
    """Facts first (in form order), then the element fields by element, the status last: it
    closes the save it is part of (see may_coalesce)."""
    kind, _, code = field.partition(":")
    if field in NEVER_COALESCED:
        return (2, 0, field)
    return (1, code, kind) if code else (0, _ORDER.get(field, 99), field)


def second_rating_changes(old: dict, new: dict, old_answers: dict, new_answers: dict
                          ) -> list[tuple[str, str, str]]:
    """(field, old, new) of a second rating: ``old``/``new`` its beoordelaar and status,
    ``*_answers`` per element code (score, bijzonder, toelichting) or absent."""
    before = {f"tweede_{k}": value_text(v) for k, v in old.items()}
    after = {f"tweede_{k}": value_text(v) for k, v in new.items()}
    for answers, side in ((old_answers, before), (new_answers, after)):
        for code, (score, bijzonder, toelichting) in answers.items():
            side[element_field("tweede_antwoord", code)] = answer_text(score, bijzonder)
            side[element_field("tweede_toelichting", code)] = toelichting or ""
    return changes(before, after)
