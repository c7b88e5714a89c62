"""Background jobs on screen: ask for a large export, follow its progress (the page polls
``voortgang``, or reloads itself without JavaScript), download the result, retry a failure.
A job is its owner's only: anyone else gets 404, as for anything that does not exist."""
from __future__ import annotations

from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template,
                   send_file, url_for)
from flask_login import current_user

from forms.taken import ExportJobForm, RetryJobForm
from zet import audit
from zet.db import get_session, transaction
from zet.jobs import queue, service, store
from zet.jobs.worker import worker_running
from zet.views.common import must_anonymise

bp = Blueprint("taken", __name__, url_prefix="/taken")


@bp.get("")
def index():
    jobs = store.jobs_of(get_session(), current_user.id)
    for job in jobs:
        store.notice_lost(get_session(), job)
    return render_template("taken/index.html", jobs=jobs)


@bp.post("/export")
def export():
    form = ExportJobForm()
    if not form.validate_on_submit():
        flash("De export is niet gestart: kies een formaat en gemeenten op de pagina "
              "Vergelijking of bij een gemeente.", "error")
        return redirect(url_for("analyse.vergelijking"))
    if form.fmt.data == "zip" and (must_anonymise() or form.anoniem.data):
        abort(404)
    with transaction() as db:
        job, created = service.request_export(
            db, current_user, fmt=form.fmt.data,
            gemeente_ids=None if must_anonymise() else form.gemeente_ids(),
            anonymous=must_anonymise() or form.anoniem.data,
            alleen_compleet=form.fmt.data != "zip" and form.compleet.data)
    if created:
        queue.enqueue(job.id)
    return redirect(url_for(".show", job_id=job.id), code=303)


@bp.get("/<int:job_id>")
def show(job_id: int):
    job = _own(job_id)
    return render_template("taken/taak.html", job=job, retry=RetryJobForm(formdata=None),
                           no_worker=job.status == "wachtend" and not _worker_up())


@bp.get("/<int:job_id>/voortgang")
def progress(job_id: int):
    """What the page shows, for its script: status, stage, percentage, and where next."""
    job = _own(job_id)
    done = job.status not in ("wachtend", "bezig")
    response = jsonify(status=job.status, stage=job.stage, percent=round(job.fraction * 100),
                       done=done, no_worker=job.status == "wachtend" and not _worker_up())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:job_id>/download")
def download(job_id: int):
    job = _own(job_id)
    path = store.result_file(Path(current_app.config["JOB_DIR"]), job)
    if path is None:
        abort(404)
    audit.record("gedownload", job.kind, job.id, job.result.get("filename", ""))
    response = send_file(path, mimetype=job.result.get("mimetype"), as_attachment=True,
                         download_name=job.result.get("filename"), max_age=0)
    response.headers["Cache-Control"] = "no-store"   # casus data: never in a shared cache
    return response


@bp.post("/<int:job_id>/opnieuw")
def retry(job_id: int):
    if not RetryJobForm().validate_on_submit():
        abort(400)
    _own(job_id)
    with transaction() as db:
        job, created = service.retry(db, current_user, job_id)
    if created:
        queue.enqueue(job.id)
    return redirect(url_for(".show", job_id=job.id), code=303)


def _own(job_id: int):
    """The current user's job (404 otherwise), failed first if its worker died meanwhile."""
    session = get_session()
    job = store.job_of(session, current_user.id, job_id)
    store.notice_lost(session, job)
    return job


def _worker_up() -> bool:
    return worker_running(Path(current_app.config["JOB_DIR"]))
