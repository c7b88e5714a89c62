"""Wiring of the web layer: CSRF, blueprints, template filters, error pages."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from analysis.colour_scale import BANDS, band_of
from zet.errors import NotFound
from zet.instrument.current import active_instrument
from zet.moments import in_dutch_time

csrf = CSRFProtect()

# What each HTTP error says to the user, in Dutch (the framework's own pages are English).
HTTP_MESSAGES = {
    400: ("Verzoek niet begrepen", "ZET kon dit verzoek niet verwerken. Ga terug, ververs de "
                                   "pagina en probeer het opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    405: ("Niet toegestaan", "Deze pagina kan niet op deze manier worden geopend. Gebruik de "
                             "knoppen en links in ZET."),
    409: ("Conflict", "Iemand anders heeft dit intussen gewijzigd. Open de pagina opnieuw."),
    429: ("Te veel verzoeken", "U heeft in korte tijd te veel verzoeken gedaan. Wacht even en "
                               "probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging iets mis in ZET; er is niets half opgeslagen. Probeer het "
                              "opnieuw. Blijft dit gebeuren, meld dan aan de beheerder wat u "
                              "deed en hoe laat het was."),
}
MAX_ID = 2**31 - 1   # the largest id a database column holds; a larger one is simply not found


class BoundedInt(IntegerConverter):
    """``<int:...>`` in every route, capped at MAX_ID: a huge number in a URL is a 404, not a
    database overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    from zet.rapport.pdf import b64
    from zet.views import (analyse, bevindingen, casussen, dubbel, eindanalyse, gemeenten,
                           perspectieven, rapport, rondes, verbeteracties)
    from zet.views import export as export_views

    from zet import headers
    app.url_map.converters["int"] = BoundedInt
    csrf.init_app(app)
    headers.init_app(app)
    _init_accounts(app)
    for module in (gemeenten, casussen, perspectieven, dubbel, analyse, bevindingen,
                   verbeteracties, eindanalyse, rondes, rapport):
        app.register_blueprint(module.bp)
    app.register_blueprint(export_views.bp)
    from zet.views import importeren, info, taken
    app.register_blueprint(importeren.bp)
    app.register_blueprint(info.bp)
    app.register_blueprint(taken.bp)
    from zet.jobs import queue
    queue.init_app(app)
    app.add_template_filter(format_datum, "datum")
    app.add_template_filter(format_getal, "getal")
    app.add_template_filter(b64, "b64")
    app.add_template_filter(score_band, "band")
    app.add_template_global(BANDS, "score_bands")
    app.context_processor(lambda: {"instrument": active_instrument()})
    from zet.vocabulary import quote_source
    app.add_template_global(quote_source, "quote_source")
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(413, _too_large)
    app.before_request(_sweep_uploads)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)


def _init_accounts(app) -> None:
    """Login, the access policy (after the CSRF check) and the audit log."""
    from zet import audit, auth
    from zet.views import auth as auth_views
    from zet.views import beheer
    auth.init_app(app)
    app.after_request(audit.write_deferred)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(beheer.bp)


def format_datum(value) -> str:
    """Dates as Dutch users write them: dd-mm-jjjj; moments (stored in UTC, and read back without
    a zone from SQLite) in Dutch local time, whatever zone the server runs in."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return in_dutch_time(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def score_band(value) -> str:
    """The CSS class of a score's colour band (analysis.colour_scale; zet.css has the colours)."""
    band = band_of(value)
    return f"b{BANDS.index(band)}" if band else "empty"


def format_getal(value, decimals: int = 1) -> str:
    """Numbers with a Dutch decimal comma; empty for missing values."""
    if value is None or value != value:
        return ""
    return f"{value:.{decimals}f}".replace(".", ",")


def _csrf_error(error):
    message = ("Het formulier kon niet worden opgeslagen: het beveiligingstoken ontbreekt of is "
               "verlopen. Ga terug, ververs de pagina en sla opnieuw op. Wat u typte, bewaart uw "
               "browser op deze computer en wordt na verversen teruggezet.")
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return {"ok": False, "error": message}, 400
    return render_template("error.html", title="Formulier geweigerd", message=message), 400


def _not_found(error):
    message = getattr(error, "message", None) or "Deze pagina bestaat niet (meer)."
    return render_template("error.html", title="Niet gevonden", message=message), 404


def _too_large(error):
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    message = f"Het bestand is te groot: maximaal {limit} MB. Splits het bestand of verklein het."
    return render_template("error.html", title="Bestand te groot", message=message), 413


def _sweep_uploads() -> None:
    from pathlib import Path

    from zet.importing.staging import sweep_uploads
    sweep_uploads(Path(current_app.config["IMPORT_DIR"]))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _http_error(error):
    """Every other HTTP error (400, 405, 429, ...) in Dutch, as a page or as JSON."""
    code = error.code or 500
    title, message = HTTP_MESSAGES.get(code, (f"Fout {code}", HTTP_MESSAGES[400][1]))
    if _wants_json():
        return {"ok": False, "error": message}, code
    return render_template("error.html", title=title, message=message), code


def _server_error(error):
    """An unexpected failure: the Dutch page, and a bare one when even rendering fails."""
    title, message = HTTP_MESSAGES[500]
    if _wants_json():
        return {"ok": False, "error": message}, 500
    try:
        return render_template("error.html", title=title, message=message), 500
    except Exception:  # noqa: BLE001 - the page itself may be what is broken
        return (f"<!doctype html><html lang=\"nl\"><title>{escape(title)}</title>"
                f"<h1>{escape(title)}</h1><p>{escape(message)}</p></html>"), 500
