"""Messages for identity clashes: a name that is taken, or that looks like one that exists.

Which names are "the same" is decided by the keys in zet.rules.names; these are the words both
paths (services and import) use to say so.
"""
from __future__ import annotations


def gemeente_taken_message(existing: str) -> str:
    return f"Er bestaat al een gemeente met de naam '{existing}'."


def gemeente_lookalike_problem(naam: str, lookalikes: list[str]) -> str | None:
    """'Duinwijk' while 'Gemeente Duinwijk' exists: ask, never create a second one silently."""
    if not lookalikes:
        return None
    options = " of ".join(f"'{n}'" for n in lookalikes)
    return (f"Gemeente '{naam}' bestaat nog niet, maar lijkt op {options}. Bedoelt u "
            f"{options}? Gebruik dan die naam. Is het echt een andere gemeente, bevestig dan dat "
            "het een nieuwe gemeente is.")


def gemeente_spelling_message(spelling: str, stored: str) -> str:
    """A known gemeente written otherwise than ZET writes it ('duinwijk' for 'Duinwijk')."""
    return f"Gemeente '{spelling}' heet in ZET '{stored}'. Gebruik dezelfde schrijfwijze als in ZET."


def no_access_message(naam: str) -> str:
    """Unknown and out of scope read the same, so nobody learns which gemeenten exist."""
    return f"Geen toegang tot gemeente {naam}."


def casus_taken_message(code: str, gemeente: str) -> str:
    return f"Casuscode '{code}' is in {gemeente} al in gebruik. Kies een andere code."


def rol_taken_message(rol: str) -> str:
    return (f"Deze casus heeft al een professional met de rol '{rol}'. Geef de rol een "
            "onderscheidend label, bijv. '(ambulant) begeleider 2'.")
