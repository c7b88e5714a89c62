"""Small helpers every blueprint uses."""
from __future__ import annotations

from flask import flash

from forms.base import version_stamp

from zet.access import Scope
from zet.auth import comparison_scope, current_user_must_anonymise  # noqa: F401  (for views)
from zet.auth import current_scope as _current_scope
from zet.services.rows import records  # noqa: F401  (for views)


def current_scope() -> Scope:
    """The gemeenten the current user may see (zet.auth.scope_for: none for an analist)."""
    return _current_scope()


def must_anonymise() -> bool:
    """Whether the current user may only see anonymised comparisons (the analist role)."""
    return current_user_must_anonymise()


def flash_errors(form) -> None:
    """One summary line on top; the messages themselves stand next to their fields."""
    if form.errors:
        flash("Niet opgeslagen: controleer de velden met een melding hieronder.", "error")


def apply_domain_error(form, error) -> None:
    """Show a service's Dutch message next to the field it names (or on top of the page)."""
    errors = getattr(error, "errors", None) or {error.field or "": error.message}
    for name, message in errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)
    flash("Niet opgeslagen: controleer de meldingen hieronder.", "error")


def refused_as_stale(form, record, noun: str) -> bool:
    """True when ``record`` (a casus, eindanalyse, verbeteractie) was saved after this form was
    opened: the form then keeps what was typed and says so, and it carries the new version, so
    a second save is a deliberate choice. A new record (None) is never stale."""
    if record is None or form.geladen.data == version_stamp(record):
        return False
    form.form_errors.append(
        f"Iemand anders heeft deze {noun} opgeslagen nadat u de pagina opende. Uw tekst staat "
        f"hieronder; open de {noun} in een ander tabblad om te vergelijken, en sla dan opnieuw "
        "op om uw tekst te bewaren.")
    form.geladen.data = version_stamp(record)
    flash(f"Niet opgeslagen: de {noun} is intussen gewijzigd.", "error")
    return True
