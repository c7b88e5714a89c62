"""The ways to get an export: `zet export` and the download routes and buttons."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.export_helpers import make_export_dataset
from zet.cli import main


@pytest.fixture
def dataset(session, instrument):
    return make_export_dataset(session, instrument)


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def test_cli_writes_the_workbook_and_the_csv(app, dataset, tmp_path):
    out, csv = tmp_path / "export.xlsx", tmp_path / "data.csv"
    result = run(app, "export", "--out", str(out), "--csv", str(csv))
    assert result.exit_code == 0, result.output
    assert f"Geschreven: {out}" in result.output and f"Geschreven: {csv}" in result.output
    assert "Gemeente Testdorp" in load_workbook(out).sheetnames
    assert csv.read_bytes().startswith(b"\xef\xbb\xbfgemeente;")


def test_cli_exports_one_gemeente_anonymised(app, dataset, tmp_path):
    out = tmp_path / "anoniem.xlsx"
    result = run(app, "export", "--out", str(out), "--gemeente", "gemeente testdorp", "--anoniem")
    assert result.exit_code == 0, result.output
    assert "geanonimiseerd" in result.output
    assert load_workbook(out).sheetnames[1] == "Gemeente A"


def test_cli_refuses_an_unknown_gemeente(app, dataset, tmp_path):
    result = run(app, "export", "--out", str(tmp_path / "x.xlsx"), "--gemeente", "Nergensdorp")
    assert result.exit_code != 0
    assert "Onbekende gemeente 'Nergensdorp'" in result.output
    assert "Gemeente Testdorp" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_needs_an_output_file(app, dataset):
    result = run(app, "export")
    assert result.exit_code != 0 and "--out" in result.output


def test_download_route_sends_the_workbook_as_attachment(client, dataset):
    response = client.get("/export/werkboek.xlsx")
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=zet-export-{date.today().isoformat()}.xlsx")
    assert response.headers["Cache-Control"] == "no-store"
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "Gemeenten"


def test_download_route_filters_and_anonymises(client, dataset):
    gemeente_id = dataset["testdorp"].id
    response = client.get(f"/export/werkboek.xlsx?gemeente={gemeente_id}&anoniem=1")
    assert response.status_code == 200
    assert "anoniem" in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.data)).sheetnames[1] == "Gemeente A"
    csv = client.get(f"/export/data.csv?gemeente={gemeente_id}")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment; filename=zet-data-gemeente-testdorp-" in csv.headers[
        "Content-Disposition"]
    assert b"Anderstad" not in csv.data


@pytest.mark.parametrize("gemeente", ["999999", "abc"])
def test_download_route_reports_an_unknown_gemeente_as_not_found(client, dataset, gemeente):
    assert client.get(f"/export/werkboek.xlsx?gemeente={gemeente}").status_code == 404


def test_analysis_pages_offer_the_downloads(client, dataset):
    gemeente_id = dataset["testdorp"].id
    page = client.get(f"/gemeenten/{gemeente_id}/totaalbeeld").get_data(as_text=True)
    assert "Download Excel-werkboek" in page and "Download CSV (R/SPSS)" in page
    assert f"/export/werkboek.xlsx?gemeente={gemeente_id}" in page
    assert f"/export/werkboek.xlsx?gemeente={gemeente_id}&amp;anoniem=1" in page
    page = client.get("/vergelijking").get_data(as_text=True)
    assert 'href="/export/werkboek.xlsx"' in page and 'href="/export/data.csv"' in page
    assert "/export/werkboek.xlsx?anoniem=1" in page


def test_analist_always_gets_the_anonymised_export_of_their_whole_comparison(client, session):
    import io as _io

    from openpyxl import load_workbook

    from tests.helpers import login_as, make_casus, make_gemeente
    first = make_gemeente(session, "Gemeente Eerstedorp")
    second = make_gemeente(session, "Gemeente Tweedestad")
    make_casus(session, first, code="E-1")
    make_casus(session, second, code="T-1")
    login_as(client, "analist", gemeenten=[first, second])
    response = client.get(f"/export/werkboek.xlsx?gemeente={first.id}")
    assert response.status_code == 200
    workbook = load_workbook(_io.BytesIO(response.data))
    values = {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows()
              for cell in row if cell.value is not None}
    assert not any("Eerstedorp" in v or "Tweedestad" in v for v in values)
    assert client.get("/export/werkboek.xlsx?gemeente=999999").status_code == 200
