"""Reading an uploaded file (CSV, xlsx or a CSV bundle) into frames of strings, refusing what is
unsafe.

``read_bundle`` returns the scores table (the Data sheet, the CSV, or data.csv of a bundle) and
the facts tables of zet.interchange found beside it; ``read_table`` only the scores table.

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
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from zet.errors import DomainError
from zet.export.cells import unguard
from zet.interchange import DATA_FILE, REGISTERS
from zet.rules.names import name_key

MAX_UNCOMPRESSED = 200 * 1024 * 1024   # sum of the xlsx members, checked before openpyxl opens it
MAX_RATIO = 100                        # uncompressed / compressed, per member over 1 MB
MAX_MEMBERS = 10_000
MAX_FORMULAS_NAMED = 10
# The shape of a table, checked before any parser runs, so no upload costs more than a moment of
# CPU before it is refused: ZET's widest table has a few dozen columns, its longest line (a row
# of a few texts of at most 2,000 characters) some ten thousand characters.
MAX_COLUMNS = 500
MAX_LINE_CHARS = 100_000
MAX_CELLS = 10_000_000
PREFERRED_SHEET = "Data"
HEADER_SEARCH_ROWS = 20      # a header row may sit below a title: looked for in these rows
KNOWN_HEADERS = frozenset({"gemeente", "casus", "doelgroep", "perspectief", "element", "score",
                           "antwoord", "toelichting", "onderzoek", "rol", "status"})
MIN_KNOWN_HEADERS = 3

ABOUT_SHEET = "Over deze export"
_REGISTER_SHEETS = {register.sheet.casefold(): register for register in REGISTERS}
_REGISTER_FILES = {register.file.casefold(): register for register in REGISTERS}
_ANONYMOUS = ("'{name}' is een geanonimiseerde export van ZET. Die kan niet terug worden "
              "geïmporteerd: gemeenten en casussen hebben er andere namen en de gegevens van "
              "casussen en perspectieven ontbreken. Importeer een volledige (niet-"
              "geanonimiseerde) export.")

_SAVE_AS = ("Sla het bestand in Excel op als 'CSV UTF-8 (door lijstscheidingsteken gescheiden)' "
            "of als Excel-werkmap (.xlsx).")


class ImportFileError(DomainError):
    """The file cannot be read as an import table; the message is Dutch and says what to do."""


@dataclass
class Bundle:
    """What a file holds: the scores table and, per zet.interchange register name, its facts
    table (only those present)."""
    data: pd.DataFrame
    registers: dict[str, pd.DataFrame] = field(default_factory=dict)


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """The scores table in ``data`` (.csv, .xlsx or a .zip bundle) as a frame of strings."""
    return read_bundle(filename, data).data


def read_bundle(filename: str, data: bytes) -> Bundle:
    """The scores table and the facts tables in ``data`` (a file called ``filename``)."""
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
        return Bundle(_read_csv(name, data))
    if extension == "zip":
        if not is_zip:
            raise ImportFileError(f"'{name}' is geen geldig zip-bestand.")
        return _read_zip(name, data)
    if extension == "xls":
        raise ImportFileError(f"'{name}' is een oud Excel-bestand (.xls). Open het in Excel en "
                              "kies Opslaan als > Excel-werkmap (.xlsx), of sla het op als CSV.")
    if extension == "ods":
        raise ImportFileError(f"'{name}' is een LibreOffice/OpenOffice-rekenblad (.ods). Kies in "
                              "LibreOffice Bestand > Opslaan als > Excel 2007-365 (.xlsx), of "
                              "sla het op als CSV (tekst), en importeer dat bestand.")
    raise ImportFileError(f"'{name}' is geen CSV- of Excel-bestand: kies een bestand dat eindigt "
                          f"op .csv of .xlsx (of een CSV-bundel .zip van ZET). {_SAVE_AS}")


# --- CSV ------------------------------------------------------------------------------------

def _read_csv(name: str, data: bytes, header_at: int | None = None) -> pd.DataFrame:
    if b"\x00" in data[:65536]:
        raise ImportFileError(f"'{name}' is geen tekstbestand (CSV). {_SAVE_AS}")
    text, encoding = decode_csv(name, data)
    lines = text.splitlines()   # "\n", "\r\n" and the old Mac "\r" alike
    longest = max(map(len, lines), default=0)
    _check_lines(name, longest)
    skipped = _title_lines(text[:65536]) if header_at is None else header_at
    if skipped:
        text = text.split("\n", skipped)[-1]
        lines = lines[skipped:]
    delimiter = sniff_delimiter(text[:65536])
    _check_columns(name, text, lines, longest, delimiter)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None,
                            dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quotechar='"', doublequote=True)
    except pd.errors.EmptyDataError:
        raise ImportFileError(f"'{name}' bevat geen gegevens.") from None
    except pd.errors.ParserError as exc:
        raise ImportFileError(_parser_message(name, str(exc), delimiter, skipped)) from None
    frame = _finish(name, frame, 0, row_offset=skipped)
    if _GUARDED_CELL.search(text):   # one scan of the text; most files have no guarded cell
        _unguard_columns(frame)
    frame.attrs["encoding"] = encoding
    return frame


# An apostrophe before a formula sign somewhere in the text: then some cell may be guarded.
_GUARDED_CELL = re.compile(r"'[ ]*[=+\-@\t\r]")


def _unguard_columns(frame: pd.DataFrame) -> None:
    """Undo the formula guard a CSV export writes ("'=x" is "=x"; see zet.export.cells): only a
    CSV has it, a spreadsheet cell holds the text itself. Only the few cells that start with an
    apostrophe are looked at."""
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        guarded = column.str.lstrip().str.startswith("'").fillna(False).to_numpy(dtype=bool)
        if guarded.any():
            frame.iloc[np.flatnonzero(guarded), position] = [
                unguard(text.strip()) for text in column[guarded]]


# Bytes that Windows-1252 leaves undefined: a file holding them is not Windows-1252 either.
_UNDEFINED_1252 = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


def _too_wide(name: str, what: str) -> ImportFileError:
    return ImportFileError(f"'{name}' {what}, meer dan een import van ZET ooit nodig heeft, en "
                           "wordt niet gelezen. Controleer of dit het goede bestand is; lever "
                           f"anders alleen de kolommen van het uitwisselformaat aan. {_SAVE_AS}")


def _check_lines(name: str, longest: int) -> None:
    """No line longer than MAX_LINE_CHARS (before sniffing or parsing)."""
    if longest > MAX_LINE_CHARS:
        raise _too_wide(name, f"heeft een regel van meer dan {MAX_LINE_CHARS:,} tekens"
                        .replace(",", "."))


def _check_columns(name: str, text: str, lines: list[str], longest: int,
                   delimiter: str) -> None:
    """At most MAX_COLUMNS columns on any line and MAX_CELLS cells in all (counted as
    separators, so a quoted separator counts too: an upper bound, never an underestimate).
    A line of at most MAX_COLUMNS characters cannot hold that many separators: when no line
    is longer, the lines need not be looked at one by one."""
    if text.count(delimiter) + len(lines) > MAX_CELLS:
        raise _too_wide(name, f"heeft meer dan {MAX_CELLS:,} cellen".replace(",", "."))
    if longest <= MAX_COLUMNS:
        return
    for line in lines:
        if len(line) > MAX_COLUMNS and line.count(delimiter) >= MAX_COLUMNS:
            raise _too_wide(name, f"heeft een regel met meer dan {MAX_COLUMNS} kolommen")


def decode_csv(name: str, data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else Windows-1252, which Dutch
    Excel writes for 'CSV (gescheiden door lijstscheidingsteken)'. Detected without asking:
    UTF-8 text almost never decodes by accident, and a Windows-1252 file never decodes as
    UTF-8 once it holds an accented letter."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        position = exc.start
    if _UNDEFINED_1252.search(data):
        line = data[:position].count(b"\n") + 1
        raise ImportFileError(
            f"'{name}' is niet in UTF-8 of Windows-1252 opgeslagen (onleesbaar teken in regel "
            f"{line}). {_SAVE_AS}")
    return data.decode("cp1252"), "Windows-1252"


def _title_lines(text: str) -> int:
    """How many lines (a title, an empty line) stand above the header row; 0 if none is found."""
    for i, line in enumerate(text.split("\n")[:HEADER_SEARCH_ROWS]):
        cells = {c.strip().strip('"').casefold() for c in re.split("[,;\t]", line)}
        if len(cells & KNOWN_HEADERS) >= MIN_KNOWN_HEADERS:
            return i
    return 0


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon (Dutch Excel writes ';'), judged by the header line."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;").delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def _parser_message(name: str, message: str, delimiter: str, skipped: int = 0) -> str:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    sign = "puntkomma (;)" if delimiter == ";" else "komma (,)"
    if match:
        expected, line, saw = match.groups()
        line = int(line) + skipped
        return (f"'{name}': regel {line} heeft {saw} kolommen, de kopregel {expected}. Staat er "
                f"een {sign} of aanhalingsteken in een tekst? Zet zulke teksten tussen dubbele "
                "aanhalingstekens, of sla het bestand opnieuw op vanuit Excel.")
    return f"'{name}' is geen leesbaar CSV-bestand ({message}). {_SAVE_AS}"


# --- xlsx -----------------------------------------------------------------------------------

def _check_zip(name: str, data: bytes, workbook: bool = True) -> None:
    """Refuse anything that is not a plausible, modestly sized xlsx (or, with ``workbook``
    off, zip bundle), before openpyxl or the CSV reader opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        kind = "Excel-bestand (.xlsx)" if workbook else "zip-bestand"
        raise ImportFileError(f"'{name}' is geen geldig {kind}: het bestand is "
                              f"beschadigd. {_SAVE_AS}") from None
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if workbook and ("xl/workbook.xml" not in names or "[Content_Types].xml" not in names):
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


def _read_zip(name: str, data: bytes) -> Bundle:
    """A CSV bundle as ZET exports it: data.csv and the facts files, each read as a CSV."""
    _check_zip(name, data, workbook=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members: dict[str, zipfile.ZipInfo] = {}
        for member in archive.infolist():
            file = member.filename.rsplit("/", 1)[-1].casefold()
            if member.is_dir() or (file != DATA_FILE and file not in _REGISTER_FILES):
                continue
            if file in members:
                raise ImportFileError(f"'{name}' bevat het bestand {file} meer dan eens. Laat "
                                      "er één over (of maak de bundel opnieuw met ZET).")
            members[file] = member
        if DATA_FILE not in members:
            raise ImportFileError(f"'{name}' is geen CSV-bundel van ZET: het bestand "
                                  f"{DATA_FILE} ontbreekt. Importeer een losse CSV of een "
                                  "Excel-werkmap, of zet de scores in data.csv.")
        contents = {file: _member(name, archive, member) for file, member in members.items()}
    bundle = Bundle(_read_csv(f"{name}/{DATA_FILE}", contents[DATA_FILE]))
    for file, register in _REGISTER_FILES.items():
        if file in contents and contents[file].strip(b"\xef\xbb\xbf \t\r\n"):
            frame = _read_csv(f"{name}/{register.file}", contents[file], header_at=0)
            frame.attrs["file"] = register.file
            bundle.registers[register.name] = frame
    return bundle


def _member(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError,
            zlib.error):
        raise ImportFileError(f"'{name}' is beschadigd of met een wachtwoord beveiligd: "
                              f"{member.filename} kan niet worden uitgepakt. Maak de bundel "
                              "opnieuw met ZET.") from None


def _read_xlsx(name: str, data: bytes) -> Bundle:
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
        if _is_anonymous(workbook):
            raise ImportFileError(_ANONYMOUS.format(name=name))
        sheet, header_at = _pick_sheet(workbook)
        bundle = Bundle(_sheet_frame(name, sheet, header_at))
        skipped = []
        for other in workbook.worksheets:
            register = _REGISTER_SHEETS.get(other.title.strip().casefold())
            if register is None or other.title == sheet.title:
                continue
            first = next(other.iter_rows(max_row=1, values_only=True), None) or ()
            headers = {name_key(str(v)).replace(" ", "_") for v in first if v is not None}
            if not headers:
                continue   # an empty sheet: nothing to read
            missing = [c for c in register.key if c != "rol" and c not in headers]
            if missing:
                skipped.append(f"tabblad '{other.title}' (geen kolom {' of '.join(missing)})")
                continue
            bundle.registers[register.name] = _sheet_frame(name, other, 0)
        bundle.data.attrs["skipped_sheets"] = skipped
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - sheets are parsed lazily: a broken or hostile sheet
        # (an XML entity bomb, refused by defusedxml or expat) surfaces only here
        raise ImportFileError(f"'{name}' kon niet als Excel-werkmap worden gelezen. "
                              f"{_SAVE_AS}") from None
    finally:
        workbook.close()
    return bundle


def _is_anonymous(workbook) -> bool:
    """Whether the workbook is an anonymised ZET export (its 'Over deze export' says so)."""
    about = next((s for s in workbook.worksheets if s.title == ABOUT_SHEET), None)
    if about is None:
        return False
    for row in about.iter_rows(max_row=30, max_col=2, values_only=True):
        if row and row[0] == "Geanonimiseerd":
            return str(row[1] if len(row) > 1 else "").strip() == "ja"
    return False


def _sheet_frame(name: str, sheet, header_at: int) -> pd.DataFrame:
    """One sheet as a frame of strings; a formula anywhere refuses the file."""
    rows, formulas = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        count = 0
        for cells in sheet.iter_rows():
            if len(cells) > MAX_COLUMNS:
                raise _too_wide(name, f"heeft op tabblad '{sheet.title}' meer dan {MAX_COLUMNS} "
                                      "kolommen")
            count += len(cells)
            if count > MAX_CELLS:
                raise _too_wide(name, f"heeft meer dan {MAX_CELLS:,} cellen".replace(",", "."))
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(cell.coordinate)
                values.append(_cell_text(getattr(cell, "value", None)))
            rows.append(values)
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
    frame = _finish(name, frame, header_at)
    frame.attrs["sheet"] = sheet.title
    return frame


def _pick_sheet(workbook):
    """The sheet called 'Data', else the first sheet whose headers ZET recognises (also when
    they sit below a title row), else the first sheet; with the header's row index. The facts
    sheets (Casussen, Perspectieven, ...) are never taken for the scores."""
    sheets = sorted((s for s in workbook.worksheets
                     if s.title.strip().casefold() not in _REGISTER_SHEETS),
                    key=lambda s: s.title.strip().casefold() != PREFERRED_SHEET.casefold())
    for sheet in sheets:
        header_at = _header_index(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))
        if header_at is not None:
            return sheet, header_at
    for sheet in workbook.worksheets:  # scores on a sheet that happens to be called 'Casussen'
        if sheet.title.strip().casefold() in _REGISTER_SHEETS:
            header_at = _header_index(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS,
                                                      values_only=True), scores=True)
            if header_at is not None:
                return sheet, header_at
    return (sheets or list(workbook.worksheets))[0], 0


def _header_index(rows, scores: bool = False) -> int | None:
    """Index of the first row holding at least three of the interchange format's headers
    (with ``scores``: among them 'element', which only the scores table has)."""
    for i, row in enumerate(rows):
        cells = {str(v).strip().casefold() for v in row if v is not None}
        if len(cells & KNOWN_HEADERS) >= MIN_KNOWN_HEADERS and (
                not scores or "element" in cells):
            return i
    return None


# In the xlsx format "_x005F_" escapes the underscore of a literal "_xHHHH_" in a text (a
# writer must escape it, XlsxWriter does); openpyxl leaves the escape in, so undo it here.
_ESCAPED_UNDERSCORE = re.compile(r"_x005[Ff]_(?=x[0-9A-Fa-f]{4}_)")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _ESCAPED_UNDERSCORE.sub("_", value) if "_x005" in value else value
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

def _finish(name: str, frame: pd.DataFrame, header_at: int | None = None,
            row_offset: int = 0) -> pd.DataFrame:
    """Header row -> column names; index = spreadsheet row number; empty rows dropped.

    The header is row 1, or the first of the top rows that holds the format's headers (a title
    row above the table is skipped); ``attrs['header_row']`` says which row it was."""
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ImportFileError(f"'{name}' bevat geen gegevens.")
    if header_at is None:
        header_at = _header_index(frame.iloc[:HEADER_SEARCH_ROWS].itertuples(index=False)) or 0
    header = ["" if h is None or h != h else str(h).strip()
              for h in frame.iloc[header_at].tolist()]
    body = frame.iloc[header_at + 1:]
    header_row = header_at + 1 + row_offset
    keep = [i for i, h in enumerate(header) if h]
    # A column without a header is only allowed when it is empty (Excel leaves such columns).
    for i, h in enumerate(header):
        if not h and (body.iloc[:, i].to_numpy(dtype=object) != "").any():
            from openpyxl.utils import get_column_letter
            raise ImportFileError(f"'{name}': kolom {get_column_letter(i + 1)} heeft gegevens "
                                  f"maar geen kopje in rij {header_row}. Geef elke kolom een "
                                  "naam.")
    if not keep:
        raise ImportFileError(f"'{name}': rij {header_row} bevat geen kolomnamen.")
    body = body.iloc[:, keep]
    body.columns = [header[i] for i in keep]
    body.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(body), name="rij")
    filled = np.zeros(len(body), dtype=bool)
    for i in range(body.shape[1]):
        filled |= body.iloc[:, i].to_numpy(dtype=object) != ""
    result = body.loc[filled] if not filled.all() else body
    result.attrs["header_row"] = header_row
    return result
