"""The import and export use cases, shared by the upload page, the download routes and the
``zet import`` / ``zet export`` commands: each does the work and writes its audit event, so
neither path can forget the trace."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zet import audit
from zet.access import Scope
from zet.audit import current_actor
from zet.errors import DomainError
from zet.export.service import export_bytes
from zet.importing import ImportPlan, import_file
from zet.instrument import Instrument
from zet.progress import Progress, silent
from zet.services import dubbel


def preview_import(session: Session, instrument: Instrument, filename: str, data: bytes,
                   scope: Scope, **options) -> ImportPlan:
    """What importing the file would do, or every problem in it; stores nothing. Raises
    ImportFileError when the file cannot be read."""
    return import_file(session, instrument, filename, data, scope, dry_run=True, **options)


def run_import(session: Session, instrument: Instrument, filename: str, data: bytes,
               scope: Scope, *, dry_run: bool = False, **options) -> ImportPlan:
    """Import the file (flush, no commit: the caller's transaction commits) and log it when it
    changed anything. The log gets the kind of file and counts only: never a value from the
    file, nor its name (a user may have put a name in it)."""
    plan = import_file(session, instrument, filename, data, scope, dry_run=dry_run, **options)
    if plan.applied and plan.changes_anything:
        kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bestand"
        audit.record("geïmporteerd", "import", None, f"{kind}-bestand: {plan.audit_summary()}")
    return plan


def run_export(session: Session, scope: Scope, instrument: Instrument, *, gemeente_ids=None,
               anonymous: bool = False, fmt: str = "xlsx", alleen_compleet: bool = False,
               today: date | None = None,
               progress: Progress = silent) -> tuple[str, bytes, str]:
    """(filename, bytes, mimetype) of an export (see zet.export.service.export_bytes), logged.
    Refused (DomainError) while the acting user rates a perspective blind: the export would
    show them the first rating (zet.services.dubbel)."""
    actor = current_actor()
    if dubbel.blind_perspectives(session, getattr(actor, "id", None)):
        raise DomainError(dubbel.BLIND_EXPORT)
    filename, data, mimetype = export_bytes(session, scope, instrument,
                                            gemeente_ids=gemeente_ids, anonymous=anonymous,
                                            fmt=fmt, alleen_compleet=alleen_compleet,
                                            today=today, progress=progress)
    audit.record("geëxporteerd", "export", None,
                 f"{filename}; anoniem={'ja' if anonymous else 'nee'}")
    return filename, data, mimetype
