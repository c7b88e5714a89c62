"""Importing scores from a file: upload, preview (what would change, or every problem), confirm.

Between preview and confirm the upload waits in zet.importing.staging (a file under the
instance folder); the session cookie only remembers its token, so nobody else can confirm
someone's upload. Confirming imports the file again in one transaction (the data may have
changed meanwhile) and deletes it. The work itself is zet.services.transfer, as for the CLI.
"""
from __future__ import annotations

import functools
from pathlib import Path

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from forms.importeren import ImportConfirmForm, ImportRecheckForm, ImportUploadForm
from zet import audit
from zet.db import get_session, transaction
from zet.importing import ImportFileError
from zet.importing.limits import ImportBusy, one_import_at_a_time
from zet.importing.staging import UploadStore
from zet.jobs.queue import enqueue
from zet.jobs.service import request_import
from zet.services.transfer import preview_import, run_import
from zet.views.common import current_scope
from zet.instrument.current import active_instrument

bp = Blueprint("importeren", __name__)

SESSION_KEY = "import_token"
ROWS_KEY = "import_rows"   # rows of the waiting upload, from its preview
EXPIRED = "Dit importvoorbeeld is verlopen of al gebruikt. Upload het bestand opnieuw."


def uploads() -> UploadStore:
    return UploadStore(Path(current_app.config["IMPORT_DIR"]))


def one_at_a_time(view):
    """A POST that reads an upload runs only when this user has no other one running."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        try:
            with one_import_at_a_time(Path(current_app.instance_path), current_user.id):
                return view(*args, **kwargs)
        except ImportBusy as error:
            return render_template("error.html", title="Er loopt al een import",
                                   message=error.message), 429
    return wrapper


@bp.route("/importeren", methods=["GET", "POST"])
@one_at_a_time
def index():
    form = ImportUploadForm()
    if request.method == "GET":
        return render_template("importeren/index.html", form=form)
    if not form.validate_on_submit():
        flash("Niet geïmporteerd: controleer de melding bij het bestand.", "error")
        return render_template("importeren/index.html", form=form), 422
    upload = form.bestand.data
    naam = Path(upload.filename or "bestand").name
    data = upload.read()
    options = form.import_options()
    try:
        plan = preview_import(get_session(), active_instrument(), naam, data, current_scope(),
                              **options)
    except ImportFileError as error:
        form.bestand.errors = list(form.bestand.errors) + [error.message]
        flash("Niet geïmporteerd: het bestand kon niet worden gelezen.", "error")
        return render_template("importeren/index.html", form=form), 422
    token = uploads().put(data, naam, replaces=session.pop(SESSION_KEY, None))
    session[SESSION_KEY] = token
    session[ROWS_KEY] = plan.total_rows
    return _preview(plan, naam, token, options)


@bp.post("/importeren/opnieuw")
@one_at_a_time
def recheck():
    """The stored upload checked again with other choices (no need to upload it again)."""
    form = ImportRecheckForm()
    token = form.token.data or ""
    data = uploads().read(token) if session.get(SESSION_KEY) == token else None
    if not form.validate_on_submit() or data is None:
        flash(EXPIRED, "error")
        return redirect(url_for(".index"))
    naam = _shown_name(form.naam.data, token)
    options = form.import_options()
    try:
        plan = preview_import(get_session(), active_instrument(), naam, data, current_scope(),
                              **options)
    except ImportFileError as error:
        flash(f"Niet geïmporteerd: {error.message}", "error")
        return redirect(url_for(".index"))
    return _preview(plan, naam, token, options)


def _preview(plan, naam: str, token: str, options: dict):
    """What the import would do, with a confirm button, or its problems with the choices that
    may help (skip invalid rows, confirm new gemeenten, ignore unknown columns). The preview
    shows casus data, so it is audited (counts only), also when it lists problems."""
    with transaction():
        audit.record("bekeken", "import", None, f"importvoorbeeld: {plan.audit_summary()}")
    flags = {"overslaan": options["skip_invalid"],
             "nieuwe_gemeenten": options["allow_new_gemeenten"],
             "kolommen_negeren": options["ignore_unknown_columns"]}
    confirm = None
    if plan.can_apply and plan.changes_anything:
        confirm = ImportConfirmForm(formdata=None, token=token, naam=naam,
                                    **{k: "1" if v else "" for k, v in flags.items()})
    recheck = ImportRecheckForm(formdata=None, token=token, naam=naam, **flags)
    status = 200 if plan.can_apply else 422
    return render_template("importeren/voorbeeld.html", plan=plan, naam=naam, confirm=confirm,
                           recheck=recheck, form=ImportUploadForm(formdata=None)), status


def _shown_name(naam: str | None, token: str) -> str:
    extension = token.rsplit(".", 1)[-1]
    naam = Path(naam or "").name
    return naam if naam.lower().endswith("." + extension) else token


@bp.post("/importeren/bevestigen")
@one_at_a_time
def confirm():
    form = ImportConfirmForm()
    token = form.token.data or ""
    if not form.validate_on_submit() or session.get(SESSION_KEY) != token:
        flash(EXPIRED, "error")
        return redirect(url_for(".index"))
    store = uploads()
    data = store.read(token)
    if data is None:
        session.pop(SESSION_KEY, None)
        flash(EXPIRED, "error")
        return redirect(url_for(".index"))
    naam = _shown_name(form.naam.data, token)
    if session.get(ROWS_KEY, 0) > current_app.config["BACKGROUND_IMPORT_ROWS"]:
        return _in_background(token, naam, form.import_options())
    try:
        with transaction() as db:
            plan = run_import(db, active_instrument(), naam, data, current_scope(),
                              **form.import_options())
    except ImportFileError as error:
        flash(f"Niet geïmporteerd: {error.message}", "error")
        return redirect(url_for(".index"))
    except IntegrityError:
        flash("Niet geïmporteerd: iemand anders wijzigde tegelijk dezelfde gegevens. Er is niets "
              "opgeslagen; upload het bestand opnieuw.", "error")
        return redirect(url_for(".index"))
    finally:
        store.discard(token)
        session.pop(SESSION_KEY, None)
    if not plan.applied:  # the data changed since the preview: show the problems now
        return render_template("importeren/voorbeeld.html", plan=plan, naam=naam, confirm=None,
                               form=ImportUploadForm(formdata=None)), 422
    flash("Import opgeslagen.", "success")
    return render_template("importeren/resultaat.html", plan=plan, naam=naam)


def _in_background(token: str, naam: str, options: dict):
    """A large file: a background job imports it (the upload stays until the job stored it)."""
    with transaction() as db:
        job, created = request_import(db, current_user, token=token, naam=naam, options=options)
    session.pop(SESSION_KEY, None)
    session.pop(ROWS_KEY, None)
    if created:
        enqueue(job.id)
    return redirect(url_for("taken.show", job_id=job.id), code=303)


@bp.errorhandler(413)
def too_large(error):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    shown = (f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024
             else f"{max(limit // 1024, 1)} kB")
    message = (f"Het bestand is te groot om te uploaden: maximaal {shown}. Splits het bestand, "
               "lever het aan als CSV, of laat een beheerder het importeren met de opdracht "
               "'zet import'.")
    return render_template("importeren/index.html", form=ImportUploadForm(formdata=None),
                           too_large=message), 413
