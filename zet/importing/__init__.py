"""Importing scores in the long interchange format (one row per score) from CSV, xlsx or a CSV
bundle, with the facts tables beside them (zet.interchange) when the file has them.

    gemeente, casus, doelgroep, perspectief, element, score, toelichting [, onderzoek, rol, status]

``read_bundle`` reads the file safely, ``plan_import`` validates every row and works out what
would change, ``apply_import`` writes it (flush, no commit). ``import_file`` does all three for
the CLI and the upload page. The format is described in docs/importformaat.md.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from zet.access import ALL, Scope
from zet.importing.apply import (ImportPlan, ImportRefused, apply_import, count_rows,
                                 plan_import)
from zet.importing.reader import Bundle, ImportFileError, read_bundle, read_table
from zet.importing.validate import Problem, Validation, validate_table
from zet.instrument import Instrument
from zet.progress import Progress, silent

__all__ = ["Bundle", "ImportFileError", "ImportPlan", "ImportRefused", "Problem", "Validation",
           "apply_import", "count_rows", "import_file", "plan_import", "read_bundle",
           "read_table", "validate_table"]


def import_file(session: Session, instrument: Instrument, filename: str, data: bytes,
                scope: Scope = ALL, *, dry_run: bool = False, progress: Progress = silent,
                **options) -> ImportPlan:
    """Read, validate and (unless ``dry_run`` or the file has problems) write an import.

    Returns the plan: ``plan.applied`` says whether anything was written, ``summary_lines()``
    gives the Dutch report. Raises ImportFileError when the file itself cannot be read.
    Flushes, never commits. ``options`` are those of plan_import (skip_invalid,
    allow_new_gemeenten, ignore_unknown_columns). ``progress`` hears how far it is.
    """
    progress("Bestand lezen", 0.0)
    bundle = read_bundle(filename, data)
    progress("Rijen controleren", 0.15)
    plan = plan_import(session, instrument, bundle.data, scope, registers=bundle.registers,
                       **options)
    if dry_run or not plan.can_apply:
        progress("Gecontroleerd", 1.0)
        return plan
    progress("Opslaan", 0.4)
    plan = apply_import(session, instrument, plan, scope, progress=progress)
    progress("Opgeslagen", 1.0)
    return plan
