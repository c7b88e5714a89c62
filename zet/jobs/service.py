"""Asking for background work, for the pages. Call inside ``transaction()`` and, after it
committed, ``queue.enqueue(job.id)`` for a new job (the worker must find the row). A second
request for the same work joins the first (no duplicate work)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zet import audit, data_version
from zet.access import Scope
from zet.jobs import store
from zet.models import Gemeente, Job
from zet.models.job import FAILED

QUEUED = "Wacht op zijn beurt"


def export_size(session: Session, scope: Scope, gemeente_ids) -> int:
    """How many gemeenten an export holds: above BACKGROUND_EXPORT_GEMEENTEN it becomes a
    background job rather than a download in the request."""
    if gemeente_ids:
        return len(set(gemeente_ids))
    if scope.gemeente_ids is not None:
        return len(scope.gemeente_ids)
    return session.scalar(select(func.count()).select_from(Gemeente))


def request_export(session: Session, user, *, fmt: str, gemeente_ids, anonymous: bool,
                   alleen_compleet: bool) -> tuple[Job, bool]:
    """The export job (new: True, joined: False); the rights are checked again when it runs."""
    params = {"fmt": fmt, "gemeente_ids": sorted(set(gemeente_ids)) if gemeente_ids else None,
              "anonymous": bool(anonymous), "alleen_compleet": bool(alleen_compleet)}
    count = len(params["gemeente_ids"]) if params["gemeente_ids"] else "alle"
    return _request(session, user, "export", params,
                    f"achtergrondtaak {fmt}: {count} gemeenten; "
                    f"anoniem={'ja' if anonymous else 'nee'}")


def request_import(session: Session, user, *, token: str, naam: str,
                   options: dict) -> tuple[Job, bool]:
    """The import job of a waiting upload (zet.importing.staging)."""
    return _request(session, user, "import", {"token": token, "naam": naam,
                                              "options": dict(options)},
                    f"achtergrondtaak: {token.rsplit('.', 1)[-1]}-bestand")


def retry(session: Session, user, job_id: int) -> tuple[Job, bool]:
    """A failed job of ``user`` asked for again: a new job (True), or the one that already does
    the same work (False); the failed one stays as it was."""
    failed = store.job_of(session, user.id, job_id)
    if failed.status != FAILED:
        return failed, False
    version = data_version.current(session.connection())
    job, created = store.retry_of(session, failed, data_version=version, stage=QUEUED)
    if created:
        audit.record("aangemaakt", job.kind, job.id, f"achtergrondtaak opnieuw (was {failed.id})")
    return job, created


def _request(session: Session, user, kind: str, params: dict, detail: str):
    version = data_version.current(session.connection())
    job, created = store.request_job(session, user, kind, params, data_version=version,
                                     stage=QUEUED)
    if created:
        audit.record("aangemaakt", kind, job.id, detail)
    return job, created
