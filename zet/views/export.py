"""Downloads: the Excel workbook, the long CSV and the CSV bundle of the gemeenten the user may
see (zet.services.transfer.run_export, which logs each download)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, request, send_file

from zet.db import get_session
from zet.services.transfer import run_export
from zet.views.common import comparison_scope, must_anonymise
from zet.instrument.current import active_instrument

bp = Blueprint("export", __name__, url_prefix="/export")


@bp.get("/werkboek.xlsx")
def werkboek():
    return _download("xlsx")


@bp.get("/data.csv")
def data_csv():
    return _download("csv")


@bp.get("/bundel.zip")
def bundel():
    """Everything about the casussen as CSV files: never anonymised, so never for an analist."""
    if must_anonymise() or request.args.get("anoniem") == "1":
        abort(404)
    return _download("zip")


def _download(fmt: str):
    anonymous = must_anonymise() or request.args.get("anoniem") == "1"
    # An analist always gets every gemeente of their comparison: a per-id filter would let them
    # probe which ids exist.
    gemeente_ids = None if must_anonymise() else _gemeente_ids()
    filename, data, mimetype = run_export(
        get_session(), comparison_scope(), active_instrument(), gemeente_ids=gemeente_ids,
        anonymous=anonymous, fmt=fmt,
        alleen_compleet=fmt != "zip" and request.args.get("compleet") == "1")  # a bundle is whole
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # casus data: never in a shared cache
    return response


def _gemeente_ids() -> list[int] | None:
    """?gemeente=<id> (repeatable); anything but a number is not found, like any other id."""
    raw = request.args.getlist("gemeente")
    if not raw:
        return None
    if not all(value.isdigit() for value in raw):
        abort(404)
    return [int(value) for value in raw]
