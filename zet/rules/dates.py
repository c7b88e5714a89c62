"""Dates as users write them (dd-mm-jjjj, or ISO from a spreadsheet cell) and the rule that
dates of one thing come in order. Used by the forms' services and by the import of facts."""
from __future__ import annotations

from datetime import date, datetime

FORMATS = ("%d-%m-%Y", "%Y-%m-%d")


def parse_date(value) -> date | None:
    """A date from dd-mm-jjjj or jjjj-mm-dd (a date cell read as text); None when empty.
    Raises ValueError with a Dutch message for anything else."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    text = text.split(" ")[0] if len(text) > 10 and text[10:11] in (" ", "T") else text
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is geen geldige datum: schrijf dd-mm-jjjj, bijv. 05-03-2026.")


def order_problem(dated: list[tuple[str, str, date | None]]) -> tuple[str, str] | None:
    """(field, message) when a later date lies before an earlier one. ``dated`` lists
    (field, label, date) in the order the dates must follow; empty dates are skipped."""
    known = [(key, label, value) for key, label, value in dated if value]
    for (_, first_label, first), (key, label, later) in zip(known, known[1:]):
        if later < first:
            return key, (f"De datum {label} ligt vóór de datum {first_label}. Controleer de "
                         "data.")
    return None


CASUS_DATES = (("datum_aanmelding", "aanmelding"), ("datum_eerste_contact", "eerste contact"),
               ("datum_start_hulp", "start hulp"))


def casus_dates_problem(values: dict) -> tuple[str, str] | None:
    """Aanmelding, eerste contact and start hulp come in that order."""
    return order_problem([(key, label, values.get(key)) for key, label in CASUS_DATES])


ACTIE_DATES = (("start", "start"), ("deadline", "deadline"))


def actie_dates_problem(values: dict) -> tuple[str, str] | None:
    """A verbeteractie's deadline and its evaluation moment do not lie before its start."""
    return (order_problem([(key, label, values.get(key)) for key, label in ACTIE_DATES])
            or order_problem([("start", "start", values.get("start")),
                              ("evaluatie", "evaluatie", values.get("evaluatie"))]))


def period_problem(start: date | None, end: date | None) -> tuple[str, str] | None:
    """The end of an onderzoek's period does not lie before its start."""
    if start and end and end < start:
        return "periode_eind", "Het einde van de periode ligt vóór het begin. Controleer de data."
    return None
