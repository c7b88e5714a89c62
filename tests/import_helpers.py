"""Building import files (CSV and xlsx) in tmp_path, and counting what got stored."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from zet.importing import count_rows, import_file

COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
           "score", "toelichting"]
SCORES = ["4", "2", "nvt", "5", "onbekend", "3", "1", ""]  # the empty one has a toelichting


def rows_for(instrument, gemeente="Duinwijk", casus="DW-J01", doelgroep="jeugd",
             perspectief="inwoner", rol="", onderzoek="Ronde 2026", score=None) -> list[dict]:
    """One row per element of the instrument for one perspective."""
    return [{"gemeente": gemeente, "onderzoek": onderzoek, "casus": casus,
             "doelgroep": doelgroep, "perspectief": perspectief, "rol": rol,
             "element": element.code,
             "score": score if score is not None else SCORES[i % len(SCORES)],
             "toelichting": f"{perspectief} over {element.name.lower()}" if i % 3 else ""}
            for i, element in enumerate(instrument.elements)]


def standard_rows(instrument) -> list[dict]:
    """Two gemeenten, three casussen: all three perspectives, two professionals by rol."""
    return (rows_for(instrument)
            + rows_for(instrument, perspectief="professional", rol="wijkteammedewerker")
            + rows_for(instrument, perspectief="professional", rol="(ambulant) begeleider")
            + rows_for(instrument, perspectief="dossier")
            + rows_for(instrument, casus="DW-V01", doelgroep="volwassenen")
            + rows_for(instrument, gemeente="Zeedorp", casus="ZD-J01", onderzoek=""))


STANDARD_COUNTS = {"gemeente": 2, "casus": 3, "perspectief": 6, "score": 6 * 15}


def write_csv(path: Path, rows: list[dict], columns=COLUMNS, delimiter=",", bom=False,
              encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows: list[dict], columns=COLUMNS, sheet="Data",
               first_sheet: str | None = None, formula_cell: str | None = None) -> Path:
    from openpyxl import Workbook
    workbook = Workbook()
    if first_sheet:
        workbook.active.title = first_sheet
        workbook.active.append(["Uitleg", "Dit tabblad is geen data"])
        data = workbook.create_sheet(sheet)
    else:
        data = workbook.active
        data.title = sheet
    data.append(columns)
    for row in rows:
        values = []
        for c in columns:
            value = row.get(c, "")
            values.append(int(value) if c == "score" and value.isdigit() else value)
        data.append(values)
    if formula_cell:
        data[formula_cell] = "=1+2"
    workbook.save(path)
    return path


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A file called .xlsx with the parts of a workbook and one member of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return path


def entity_bomb(path: Path, levels: int = 9) -> Path:
    """A real workbook whose sheet declares nested XML entities ("billion laughs"): a few
    hundred bytes that would expand to gigabytes if a parser resolved them."""
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.active.append(["gemeente", "casus"])
    workbook.active.append(["BOEM", "X-01"])
    plain = io.BytesIO()
    workbook.save(plain)
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (f"<!DOCTYPE worksheet [{entities}]>".encode()
                        + data.replace(b">BOEM<", f">&lol{levels - 1};<".encode()))
            target.writestr(item, data)
    return path


def run_import(session, instrument, path: Path, scope=None, **options):
    """Import like the CLI does: one transaction, committed by the caller."""
    from zet.access import ALL
    plan = import_file(session, instrument, path.name, path.read_bytes(), scope or ALL,
                       **options)
    session.commit()
    return plan


def stored(session) -> dict[str, int]:
    """Counts of gemeente, casus, perspectief and score rows, read afresh."""
    session.rollback()
    return count_rows(session)


NOTHING = {"gemeente": 0, "casus": 0, "perspectief": 0, "score": 0}


def report(plan) -> str:
    return "\n".join(plan.summary_lines())


def write_bundle(path: Path, data_rows: list[dict], facts: dict[str, list[dict]]) -> Path:
    """A CSV bundle as ZET exports it: data.csv plus one file per facts table (file name ->
    rows, columns taken from the first row)."""
    def csv_bytes(rows, columns):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
        return buffer.getvalue().encode("utf-8-sig")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", csv_bytes(data_rows, COLUMNS))
        for name, rows in facts.items():
            columns = list(dict.fromkeys(c for row in rows for c in row))
            archive.writestr(name, csv_bytes(rows, columns))
    return path
