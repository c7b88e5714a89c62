"""Reading an uploaded table (CSV or xlsx) into a frame of strings, refusing what is unsafe.

The frame keeps the file's own header texts as column names (trimmed) and uses the row number a
spreadsheet shows as index: the header is row 1, so the first data row is 2. Every cell is a
string ('' when empty); fully empty rows are dropped. Problems are an ImportFileError with a Dutch
message that says what to do.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from zet.errors import DomainError

MAX_UNCOMPRESSED = 200 * 1024 * 1024   # sum of the xlsx members, checked before openpyxl opens it
MAX_RATIO = 100                        # uncompressed / compressed, per member over 1 MB
MAX_MEMBERS = 10_000
MAX_FORMULAS_NAMED = 10
PREFERRED_SHEET = "Data"

_SAVE_AS = ("Sla het bestand in Excel op als 'CSV UTF-8 (door lijstscheidingsteken gescheiden)' "
            "of als Excel-werkmap (.xlsx).")


class ImportFileError(DomainError):
    """The file cannot be read as an import table; the message is Dutch and says what to do."""


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """The table in ``data`` (a .csv or .xlsx file called ``filename``) as a frame of strings."""
    name = (filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not data:
        raise ImportFileError(f"Het bestand '{name}' is leeg.")
    is_zip = data[:4] == b"PK\x03\x04"
    if extension == "xlsx":
        if not is_zip:
            raise ImportFileError(f"'{name}' is geen geldig Excel-bestand (.xlsx): de inhoud is "
                                  f"geen Excel-werkmap. {_SAVE_AS}")
        return _read_xlsx(name, data)
    if extension == "csv":
        if is_zip or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ImportFileError(f"'{name}' heeft de extensie .csv maar is een Excel- of "
                                  f"zip-bestand. {_SAVE_AS}")
        return _read_csv(name, data)
    if extension == "xls":
        raise ImportFileError(f"'{name}' is een oud Excel-bestand (.xls). Sla het op als "
                              "Excel-werkmap (.xlsx) of als CSV UTF-8.")
    raise ImportFileError(f"'{name}' is geen CSV- of Excel-bestand: kies een bestand dat eindigt "
                          f"op .csv of .xlsx. {_SAVE_AS}")


# --- CSV ------------------------------------------------------------------------------------

def _read_csv(name: str, data: bytes) -> pd.DataFrame:
    if b"\x00" in data[:65536]:
        raise ImportFileError(f"'{name}' is geen tekstbestand (CSV). {_SAVE_AS}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"'{name}' is niet in UTF-8 opgeslagen (onleesbaar teken in regel {line}). "
            f"{_SAVE_AS}") from None
    delimiter = sniff_delimiter(text[:65536])
    try:
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", sep=delimiter, header=None,
                            dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quotechar='"', doublequote=True)
    except pd.errors.EmptyDataError:
        raise ImportFileError(f"'{name}' bevat geen gegevens.") from None
    except pd.errors.ParserError as exc:
        raise ImportFileError(_parser_message(name, str(exc), delimiter)) from None
    return _finish(name, frame)


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon (Dutch Excel writes ';'), judged by the header line."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;").delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def _parser_message(name: str, message: str, delimiter: str) -> str:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    sign = "puntkomma (;)" if delimiter == ";" else "komma (,)"
    if match:
        expected, line, saw = match.groups()
        return (f"'{name}': regel {line} heeft {saw} kolommen, de kopregel {expected}. Staat er "
                f"een {sign} of aanhalingsteken in een tekst? Zet zulke teksten tussen dubbele "
                "aanhalingstekens, of sla het bestand opnieuw op vanuit Excel.")
    return f"'{name}' is geen leesbaar CSV-bestand ({message}). {_SAVE_AS}"


# --- xlsx -----------------------------------------------------------------------------------

def _check_zip(name: str, data: bytes) -> None:
    """Refuse anything that is not a plausible, modestly sized xlsx, before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(f"'{name}' is geen geldig Excel-bestand (.xlsx): het bestand is "
                              f"beschadigd. {_SAVE_AS}") from None
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise ImportFileError(f"'{name}' is geen Excel-werkmap (.xlsx): het is een ander "
                                  f"soort zip-bestand. {_SAVE_AS}")
        if len(members) > MAX_MEMBERS:
            raise ImportFileError(f"'{name}' bevat te veel onderdelen ({len(members)}) voor een "
                                  "Excel-werkmap en wordt niet geopend.")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise ImportFileError(
                f"'{name}' is uitgepakt te groot ({total // (1024 * 1024)} MB, maximaal "
                f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB) en wordt niet geopend. Splits het "
                "bestand of lever het aan als CSV.")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
                raise ImportFileError(
                    f"'{name}' is verdacht sterk gecomprimeerd ({member.filename}: {ratio:.0f}x) "
                    "en wordt niet geopend. Sla de gegevens opnieuw op in een nieuwe werkmap.")


def _read_xlsx(name: str, data: bytes) -> pd.DataFrame:
    _check_zip(name, data)
    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any parse failure means: not a readable workbook
        raise ImportFileError(f"'{name}' kon niet als Excel-werkmap worden gelezen. "
                              f"{_SAVE_AS}") from None
    try:
        sheet = _pick_sheet(workbook)
        rows, formulas = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for cells in sheet.iter_rows():
                values = []
                for cell in cells:
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(cell.coordinate)
                    values.append(_cell_text(getattr(cell, "value", None)))
                rows.append(values)
    finally:
        workbook.close()
    if formulas:
        named = ", ".join(formulas[:MAX_FORMULAS_NAMED])
        more = (f" (en nog {len(formulas) - MAX_FORMULAS_NAMED} andere cellen)"
                if len(formulas) > MAX_FORMULAS_NAMED else "")
        first = "Cel" if len(formulas) == 1 else "Cellen"
        verb = "bevat een formule" if len(formulas) == 1 else "bevatten een formule"
        raise ImportFileError(
            f"{first} {named}{more} {verb} (tabblad '{sheet.title}'). Een import neemt alleen "
            "vaste waarden over: kopieer de cellen en plak ze als 'Waarden', sla op en probeer "
            "opnieuw.")
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return _finish(name, frame)


def _pick_sheet(workbook):
    for sheet in workbook.worksheets:
        if sheet.title.strip().casefold() == PREFERRED_SHEET.casefold():
            return sheet
    return workbook.worksheets[0]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- shared ---------------------------------------------------------------------------------

def _finish(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Header row -> column names; index = spreadsheet row number; empty rows dropped."""
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ImportFileError(f"'{name}' bevat geen gegevens.")
    header = ["" if h is None or h != h else str(h).strip() for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:]
    keep = [i for i, h in enumerate(header) if h]
    # A column without a header is only allowed when it is empty (Excel leaves such columns).
    for i, h in enumerate(header):
        if not h and (body.iloc[:, i].to_numpy(dtype=object) != "").any():
            from openpyxl.utils import get_column_letter
            raise ImportFileError(f"'{name}': kolom {get_column_letter(i + 1)} heeft gegevens "
                                  "maar geen kopje in rij 1. Geef elke kolom een naam.")
    if not keep:
        raise ImportFileError(f"'{name}': rij 1 bevat geen kolomnamen.")
    body = body.iloc[:, keep]
    body.columns = [header[i] for i in keep]
    body.index = pd.RangeIndex(2, 2 + len(body), name="rij")
    filled = np.zeros(len(body), dtype=bool)
    for i in range(body.shape[1]):
        filled |= body.iloc[:, i].to_numpy(dtype=object) != ""
    return body.loc[filled] if not filled.all() else body
