"""Importing scores from a file: upload, preview (what would change, or every problem), confirm.

Between preview and confirm the upload waits in a temporary file under the instance folder
(``<instance>/imports/<uuid>.<ext>``, or IMPORT_DIR), never in the session cookie; the cookie
only remembers the token, so nobody else can confirm someone's upload. Confirming imports the
file again in one transaction (the data may have changed meanwhile) and deletes it; uploads
that were never confirmed are removed after an hour.
"""
from __future__ import annotations

import time
import uuid
from pathlib import Path

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from sqlalchemy.exc import IntegrityError

from forms.importeren import ImportConfirmForm, ImportRecheckForm, ImportUploadForm
from zet import audit
from zet.db import get_session, transaction
from zet.importing import ImportFileError, import_file, plan_import, read_table
from zet.views.common import current_scope
from zet.web import active_instrument

bp = Blueprint("importeren", __name__)

MAX_AGE_SECONDS = 3600
SESSION_KEY = "import_token"
EXPIRED = "Dit importvoorbeeld is verlopen of al gebruikt. Upload het bestand opnieuw."


def upload_dir() -> Path:
    configured = current_app.config.get("IMPORT_DIR")
    if configured:
        path = Path(configured)
    else:
        from zet.config import instance_path
        path = instance_path() / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _store(data: bytes, extension: str) -> str:
    """Keep the upload until it is confirmed; returns its token (the file name)."""
    folder = upload_dir()
    _remove_stale(folder)
    previous = session.pop(SESSION_KEY, None)
    if previous:
        (folder / previous).unlink(missing_ok=True)
    token = f"{uuid.uuid4().hex}.{extension}"
    path = folder / token
    path.write_bytes(data)
    path.chmod(0o600)
    session[SESSION_KEY] = token
    return token


def _remove_stale(folder: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


@bp.route("/importeren", methods=["GET", "POST"])
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
    try:
        frame = read_table(naam, data)
    except ImportFileError as error:
        form.bestand.errors = list(form.bestand.errors) + [error.message]
        flash("Niet geïmporteerd: het bestand kon niet worden gelezen.", "error")
        return render_template("importeren/index.html", form=form), 422
    token = _store(data, naam.rsplit(".", 1)[-1].lower())
    return _preview(frame, naam, token, form.import_options())


@bp.post("/importeren/opnieuw")
def recheck():
    """The stored upload checked again with other choices (no need to upload it again)."""
    form = ImportRecheckForm()
    token = form.token.data or ""
    path = upload_dir() / token
    if not form.validate_on_submit() or session.get(SESSION_KEY) != token or not path.is_file():
        flash(EXPIRED, "error")
        return redirect(url_for(".index"))
    naam = _shown_name(form.naam.data, token)
    try:
        frame = read_table(naam, path.read_bytes())
    except ImportFileError as error:
        flash(f"Niet geïmporteerd: {error.message}", "error")
        return redirect(url_for(".index"))
    return _preview(frame, naam, token, form.import_options())


def _preview(frame, naam: str, token: str, options: dict):
    """What the import would do, with a confirm button, or its problems with the choices that
    may help (skip invalid rows, confirm new gemeenten, ignore unknown columns)."""
    plan = plan_import(get_session(), active_instrument(), frame, current_scope(), **options)
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
def confirm():
    form = ImportConfirmForm()
    token = form.token.data or ""
    if not form.validate_on_submit() or session.get(SESSION_KEY) != token:
        flash(EXPIRED, "error")
        return redirect(url_for(".index"))
    path = upload_dir() / token
    if not path.is_file():
        session.pop(SESSION_KEY, None)
        flash(EXPIRED, "error")
        return redirect(url_for(".index"))
    naam = _shown_name(form.naam.data, token)
    try:
        with transaction() as db:
            plan = import_file(db, active_instrument(), naam, path.read_bytes(), current_scope(),
                               **form.import_options())
            if plan.applied and plan.changes_anything:
                audit.record("geïmporteerd", "import", None,
                             f"{naam}: " + " ".join(plan.summary_lines()[:2]))
    except ImportFileError as error:
        flash(f"Niet geïmporteerd: {error.message}", "error")
        return redirect(url_for(".index"))
    except IntegrityError:
        flash("Niet geïmporteerd: iemand anders wijzigde tegelijk dezelfde gegevens. Er is niets "
              "opgeslagen; upload het bestand opnieuw.", "error")
        return redirect(url_for(".index"))
    finally:
        path.unlink(missing_ok=True)
        session.pop(SESSION_KEY, None)
    if not plan.applied:  # the data changed since the preview: show the problems now
        return render_template("importeren/voorbeeld.html", plan=plan, naam=naam, confirm=None,
                               form=ImportUploadForm(formdata=None)), 422
    flash("Import opgeslagen.", "success")
    return render_template("importeren/resultaat.html", plan=plan, naam=naam)


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
