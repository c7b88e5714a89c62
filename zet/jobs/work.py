"""What a background job does, run by the worker (zet.jobs.worker) in the app's context: the
same use cases as the pages and the CLI (zet.services.transfer), for the job's owner, with the
owner's rights as they are when the job runs.

An export is built in memory and written to ``<JOB_DIR>/results`` under a random name; an
import runs in one transaction that also marks the job done, so a job is done exactly when its
import is stored, and a worker that dies mid-way leaves nothing half-imported.
"""
from __future__ import annotations

import logging
import os
import secrets
import traceback
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from zet import audit
from zet.auth import comparison_scope_for, must_anonymise_for, scope_for
from zet.db import get_session, transaction
from zet.errors import DomainError
from zet.importing import ImportFileError
from zet.importing.staging import UploadStore
from zet.instrument.current import active_instrument
from zet.jobs import store
from zet.models import Job, User
from zet.services.transfer import run_export, run_import

log = logging.getLogger("zet.jobs")

BROKEN = ("De taak is mislukt door een fout in ZET. Er is niets half opgeslagen. Probeer het "
          "opnieuw; lukt het dan nog niet, meld het aan de beheerder.")
GONE_UPLOAD = ("Het bestand om te importeren is er niet meer (een upload wordt na een uur "
               "verwijderd). Upload het opnieuw.")
CONFLICT = ("Niet geïmporteerd: iemand anders wijzigde tegelijk dezelfde gegevens. Er is niets "
            "opgeslagen; probeer het opnieuw.")
CHANGED = ("Niet geïmporteerd: de gegevens zijn sinds het voorbeeld gewijzigd, waardoor het "
           "bestand nu problemen geeft. Er is niets opgeslagen; bekijk de meldingen.")


class JobRefused(DomainError):
    """The job cannot be done as asked; the message says why. ``result`` is kept for the page."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.result = result or {}


def run(job_id: int) -> None:
    """Do the job ``job_id`` if it still waits; any failure marks it failed with a Dutch
    message (never with data from the job: an error text may quote a value)."""
    session = get_session()
    job = store.claim(session, job_id)
    if job is None:
        return
    user = session.get(User, job.user_id)
    progress = store.ProgressWriter(_progress_engine(), job.id)
    try:
        if user is None or not user.active:
            raise JobRefused("Het account dat deze taak vroeg, is niet meer actief.")
        with audit.acting_as(user):
            KINDS[job.kind](session, job, user, progress)
    except (JobRefused, DomainError) as error:
        session.rollback()
        store.fail(session, job_id, error.message)
        if isinstance(error, JobRefused) and error.result:
            _keep_result(session, job_id, error.result)
    except Exception as error:   # noqa: BLE001 - the job fails, the worker goes on
        session.rollback()
        log.error("Achtergrondtaak %s mislukt: %s\n%s", job_id, type(error).__name__,
                  "".join(traceback.format_tb(error.__traceback__)))
        store.fail(session, job_id, BROKEN)


def _export(session, job: Job, user, progress) -> None:
    params = job.params
    anonymise_always = must_anonymise_for(user)
    if params["fmt"] == "zip" and anonymise_always:
        raise JobRefused("Een CSV-bundel is er niet voor uw rol.")
    progress("Gegevens lezen", 0.01)
    with transaction():
        filename, data, mimetype = run_export(
            session, comparison_scope_for(user), active_instrument(),
            gemeente_ids=None if anonymise_always else params.get("gemeente_ids"),
            anonymous=anonymise_always or params.get("anonymous", False), fmt=params["fmt"],
            alleen_compleet=params.get("alleen_compleet", False), progress=progress)
        progress("Bestand bewaren", 0.99)
        name = _write_result(job.id, filename, data)
        store.finish(job, message=f"{filename} is klaar om te downloaden.",
                     result={"file": name, "filename": filename, "mimetype": mimetype,
                             "bytes": len(data)},
                     hours=current_app.config["JOB_RESULT_HOURS"])


def _import(session, job: Job, user, progress) -> None:
    params = job.params
    uploads = UploadStore(Path(current_app.config["IMPORT_DIR"]))
    data = uploads.read(params["token"])
    if data is None:
        raise JobRefused(GONE_UPLOAD)
    try:
        with transaction():
            plan = run_import(session, active_instrument(), params["naam"], data,
                              scope_for(user), progress=progress, **params["options"])
            if not plan.applied:
                raise JobRefused(CHANGED, {"summary": plan.summary_lines()[:600]})
            store.finish(job, message="Import opgeslagen.",
                         result={"summary": plan.summary_lines()[:600],
                                 "naam": params["naam"]},
                         hours=current_app.config["JOB_RESULT_HOURS"])
    except ImportFileError as error:
        raise JobRefused(f"Niet geïmporteerd: {error.message}") from None
    except IntegrityError:
        raise JobRefused(CONFLICT) from None
    uploads.discard(params["token"])


KINDS = {"export": _export, "import": _import}


def _write_result(job_id: int, filename: str, data: bytes) -> str:
    """The download under a random name, readable by ZET only; written whole or not at all."""
    folder = Path(current_app.config["JOB_DIR"]) / "results"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    extension = filename.rsplit(".", 1)[-1]
    name = f"{job_id}-{secrets.token_hex(12)}.{extension}"
    partial = folder / (name + ".deel")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(data)
    partial.replace(folder / name)
    return name


def _keep_result(session, job_id: int, result: dict) -> None:
    job = session.get(Job, job_id)
    job.result = result
    session.commit()


def _progress_engine() -> Engine:
    """One engine per worker process for progress reports: on SQLite with a short busy
    timeout, so a report never waits for the work's own write lock."""
    engine = current_app.extensions.get("zet_progress_engine")
    if engine is None:
        url = current_app.config["DATABASE_URL"]
        options = {"connect_args": {"timeout": 0.2}} if url.startswith("sqlite") else \
            {"pool_size": 1, "pool_pre_ping": True}
        engine = current_app.extensions["zet_progress_engine"] = create_engine(url, **options)
    return engine
