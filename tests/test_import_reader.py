"""Reading import files: CSV dialects and xlsx, and refusing what is not safe to open."""
import zipfile

import pytest

from tests.import_helpers import COLUMNS, write_csv, write_xlsx, zip_bomb
from zet.importing import ImportFileError, read_table
from zet.importing.reader import sniff_delimiter

ROWS = [{"gemeente": "Duinwijk", "casus": "DW-J01", "doelgroep": "jeugd", "perspectief": "inwoner",
         "element": "CON", "score": "4", "toelichting": "Vaste begeleider; fijn, zegt moeder"},
        {"gemeente": "Duinwijk", "casus": "DW-J01", "doelgroep": "jeugd", "perspectief": "dossier",
         "element": "IPL", "score": "nvt", "toelichting": ""}]


def read(path):
    return read_table(path.name, path.read_bytes())


@pytest.mark.parametrize("delimiter,bom", [(",", False), (";", False), (";", True), (",", True)])
def test_csv_with_comma_or_semicolon_with_or_without_bom(tmp_path, delimiter, bom):
    frame = read(write_csv(tmp_path / "scores.csv", ROWS, delimiter=delimiter, bom=bom))
    assert list(frame.columns) == COLUMNS  # no BOM glued to the first header
    assert list(frame.index) == [2, 3]     # the file's row numbers: header is row 1
    assert frame.loc[2, "toelichting"] == "Vaste begeleider; fijn, zegt moeder"
    assert frame.loc[3, "score"] == "nvt" and frame.loc[3, "onderzoek"] == ""


def test_sniffing_prefers_what_the_header_uses():
    assert sniff_delimiter("gemeente;casus;score\nA;B,C;4\n") == ";"
    assert sniff_delimiter("gemeente,casus,score\n") == ","


def test_empty_rows_are_dropped_but_row_numbers_stay(tmp_path):
    path = tmp_path / "gaten.csv"
    path.write_text("gemeente;casus\nA;1\n;\n\nB;2\n;\n", encoding="utf-8")
    frame = read(path)
    assert list(frame.index) == [2, 5]
    assert frame.loc[5, "gemeente"] == "B"


def test_xlsx_prefers_the_data_sheet_even_when_another_sheet_is_first(tmp_path):
    frame = read(write_xlsx(tmp_path / "scores.xlsx", ROWS, first_sheet="Uitleg"))
    assert list(frame.columns) == COLUMNS
    assert frame.loc[2, "score"] == "4"  # a number cell becomes the text '4', not '4.0'
    assert frame.loc[3, "score"] == "nvt"


def test_xlsx_without_data_sheet_uses_the_first(tmp_path):
    frame = read(write_xlsx(tmp_path / "scores.xlsx", ROWS, sheet="Blad1"))
    assert frame.loc[2, "casus"] == "DW-J01" and len(frame) == 2


def test_xlsx_with_a_formula_is_refused_naming_the_cell(tmp_path):
    path = write_xlsx(tmp_path / "formule.xlsx", ROWS, formula_cell="D7")
    with pytest.raises(ImportFileError, match="Cel D7 bevat een formule"):
        read(path)


def test_csv_from_dutch_excel_in_windows_1252_is_read_without_asking(tmp_path):
    # Dutch Excel's default "CSV (gescheiden door lijstscheidingsteken)": cp1252 and ';'.
    text = "Continuïteit – één ‘vaste’ coach, € 0 eigen bijdrage"
    path = write_csv(tmp_path / "ansi.csv", [dict(ROWS[0], toelichting=text)], delimiter=";",
                     encoding="cp1252")
    assert "ï".encode("cp1252") in path.read_bytes()  # really not UTF-8
    frame = read(path)
    assert frame.loc[2, "toelichting"] == text
    assert frame.attrs["encoding"] == "Windows-1252"
    assert read(write_csv(tmp_path / "utf8.csv", ROWS)).attrs["encoding"] == "UTF-8"


def test_csv_in_neither_utf8_nor_windows_1252_is_refused_in_dutch(tmp_path):
    path = tmp_path / "vreemd.csv"
    path.write_bytes("gemeente,casus\nDuinwijk,DW\x81J01\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match="niet in UTF-8 of Windows-1252 opgeslagen.*regel 2"):
        read(path)


def test_header_below_a_title_row_is_found_and_row_numbers_stay_the_files(tmp_path):
    path = tmp_path / "met_titel.csv"
    body = write_csv(tmp_path / "plain.csv", ROWS, delimiter=";").read_bytes()
    path.write_bytes("Scores ronde 2026;;\r\n;;\r\n".encode() + body)
    frame = read(path)
    assert list(frame.columns) == COLUMNS
    assert list(frame.index) == [4, 5] and frame.attrs["header_row"] == 3


def test_xlsx_with_title_rows_and_scores_on_a_later_sheet(tmp_path):
    from openpyxl import Workbook
    workbook = Workbook()
    workbook.active.title = "Toelichting"
    workbook.active.append(["Dit tabblad legt het onderzoek uit"])
    sheet = workbook.create_sheet("Scores")
    sheet.append(["Scores gemeente Duinwijk"])
    sheet.append([])
    sheet.append(COLUMNS)
    for row in ROWS:
        sheet.append([row.get(c, "") for c in COLUMNS])
    path = tmp_path / "werkmap.xlsx"
    workbook.save(path)
    frame = read(path)
    assert frame.attrs["sheet"] == "Scores" and frame.attrs["header_row"] == 3
    assert list(frame.index) == [4, 5] and frame.loc[4, "element"] == "CON"


def test_ods_gets_the_same_specific_advice_everywhere(tmp_path):
    path = tmp_path / "scores.ods"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportFileError, match=r"\(\.ods\).*Opslaan als.*\.xlsx"):
        read(path)


def test_text_file_renamed_to_xlsx_is_refused(tmp_path):
    path = write_csv(tmp_path / "nep.xlsx", ROWS)
    with pytest.raises(ImportFileError, match="geen geldig Excel-bestand"):
        read(path)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "archief.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("foto.jpg", b"x")
    with pytest.raises(ImportFileError, match="geen Excel-werkmap"):
        read(path)


def test_zip_bomb_is_refused_before_opening(tmp_path):
    path = zip_bomb(tmp_path / "bom.xlsx")
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk, 300 MB unpacked
    with pytest.raises(ImportFileError, match="uitgepakt te groot"):
        read(path)


def test_highly_compressed_member_is_refused(tmp_path):
    path = zip_bomb(tmp_path / "klein.xlsx", megabytes=50)  # under the size limit
    with pytest.raises(ImportFileError, match="verdacht sterk gecomprimeerd"):
        read(path)


@pytest.mark.parametrize("name", ["scores.txt", "scores.pdf", "scores"])
def test_other_file_types_are_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text("gemeente,casus\nA,B\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="geen CSV- of Excel-bestand"):
        read(path)


def test_old_xls_gets_advice(tmp_path):
    path = tmp_path / "oud.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ImportFileError, match=r"oud Excel-bestand \(\.xls\)"):
        read(path)


def test_binary_renamed_to_csv_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "echt.xlsx", ROWS)
    renamed = tmp_path / "echt.csv"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(ImportFileError, match="extensie .csv maar is een Excel"):
        read(renamed)


def test_ragged_csv_names_the_line(tmp_path):
    path = tmp_path / "scheef.csv"
    path.write_text("gemeente,casus\nA,B\nC,D,E\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="regel 3 heeft 3 kolommen"):
        read(path)


def test_data_under_a_column_without_header_is_refused(tmp_path):
    path = tmp_path / "kopje.csv"
    path.write_text("gemeente,,casus\nA,x,B\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="kolom B heeft gegevens maar geen kopje"):
        read(path)


def test_a_csv_with_old_mac_line_endings_is_still_read():
    """Excel's "CSV (Macintosh)" ends lines with a bare CR: the shape checks count those too."""
    from zet.importing.reader import read_table
    rows = ["gemeente,casus,doelgroep,perspectief,element,score"] + [
        f"Duinwijk,DW-{i:02d},jeugd,inwoner,CON,3" for i in range(100)]
    frame = read_table("mac.csv", "\r".join(rows).encode())
    assert len(frame) == 100 and list(frame.columns)[:2] == ["gemeente", "casus"]
