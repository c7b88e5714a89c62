"""Downloads: the Excel workbook, the long CSV and the CSV bundle of the gemeenten the user may
see (zet.services.transfer.run_export, which logs each download). An export of more than a few
gemeenten (BACKGROUND_EXPORT_GEMEENTEN) is not made in the request: the page offers to make it
in the background (zet.views.taken), with a progress bar, instead of a request that runs for
a minute with nothing on screen."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, request, send_file

from forms.taken import ExportJobForm

from zet.access import get_gemeente
from zet.db import get_session
from zet.jobs.service import export_size
from zet.services.transfer import run_export
from zet.views.dubbel import blind_gemeente_response
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
    blind = blind_gemeente_response(None)
    if blind:   # an export holds the first rating the user may not see yet
        return blind
    anonymous = must_anonymise() or request.args.get("anoniem") == "1"
    # An analist always gets every gemeente of their comparison: a per-id filter would let them
    # probe which ids exist.
    gemeente_ids = None if must_anonymise() else _gemeente_ids()
    alleen_compleet = fmt != "zip" and request.args.get("compleet") == "1"  # a bundle is whole
    count = export_size(get_session(), comparison_scope(), gemeente_ids)
    if count > current_app.config["BACKGROUND_EXPORT_GEMEENTEN"]:
        return _offer_background(fmt, gemeente_ids, anonymous, alleen_compleet, count)
    filename, data, mimetype = run_export(
        get_session(), comparison_scope(), active_instrument(), gemeente_ids=gemeente_ids,
        anonymous=anonymous, fmt=fmt, alleen_compleet=alleen_compleet)
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # casus data: never in a shared cache
    return response


def _offer_background(fmt: str, gemeente_ids, anonymous: bool, alleen_compleet: bool,
                      count: int):
    """The same choices in a form that starts a background job (a GET changes nothing)."""
    for gemeente_id in gemeente_ids or ():   # NotFound outside the scope, as for a download
        get_gemeente(get_session(), comparison_scope(), gemeente_id)
    form = ExportJobForm(formdata=None, fmt=fmt, anoniem=anonymous, compleet=alleen_compleet,
                         gemeenten=",".join(str(i) for i in sorted(set(gemeente_ids or ()))))
    return render_template("taken/export_vragen.html", form=form, aantal=count)


def _gemeente_ids() -> list[int] | None:
    """?gemeente=<id> (repeatable); anything but a number is not found, like any other id."""
    raw = request.args.getlist("gemeente")
    if not raw:
        return None
    if not all(value.isdigit() for value in raw):
        abort(404)
    return [int(value) for value in raw]
