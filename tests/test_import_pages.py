"""The upload page: preview first, store only on confirm; CSRF, size limit and unsafe files."""
import io
import re

import pytest
from sqlalchemy import select

from tests.helpers import csrf_token, login_as, make_gemeente
from tests.import_helpers import (COLUMNS, NOTHING, STANDARD_COUNTS, rows_for, standard_rows, stored,
                                  write_csv, write_xlsx, zip_bomb, entity_bomb)
from zet.models import AuditEvent, Onderzoek

TOKEN_RE = re.compile(r'name="token" type="hidden" value="([^"]+)"')


@pytest.fixture
def import_dir(app, tmp_path):
    folder = tmp_path / "uploads"
    app.config["IMPORT_DIR"] = str(folder)
    return folder


def upload(client, path, overslaan=False, name=None):
    data = {"csrf_token": csrf_token(client, "/importeren"),
            "bestand": (io.BytesIO(path.read_bytes()), name or path.name)}
    if overslaan:
        data["overslaan"] = "y"
    return client.post("/importeren", data=data, content_type="multipart/form-data")


def confirm(client, preview_html):
    page = preview_html
    data = {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                    page).group(1),
            "token": TOKEN_RE.search(page).group(1),
            "naam": re.search(r'name="naam" type="hidden" value="([^"]*)"', page).group(1),
            **{name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)
               for name in ("overslaan", "nieuwe_gemeenten", "kolommen_negeren")}}
    return client.post("/importeren/bevestigen", data=data)


def test_nav_has_importeren_next_to_gemeenten(client):
    page = client.get("/importeren").get_data(as_text=True)
    assert '<a href="/importeren">Importeren</a>' in page
    assert page.index(">Gemeenten<") < page.index(">Importeren<")


def test_preview_then_confirm_stores(client, session, instrument, tmp_path, import_dir):
    path = write_xlsx(tmp_path / "scores.xlsx", standard_rows(instrument), first_sheet="Uitleg")
    preview = upload(client, path)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Bevestigen en importeren" in page and "Nieuwe casussen:" in page
    assert "DW-J01 (Duinwijk)" in page
    assert stored(session) == NOTHING                    # the preview stores nothing
    assert len(list(import_dir.iterdir())) == 1          # the upload waits on the server
    result = confirm(client, page)
    text = result.get_data(as_text=True)
    assert result.status_code == 200, text
    assert "Import opgeslagen" in text
    assert stored(session) == STANDARD_COUNTS
    assert list(import_dir.iterdir()) == []              # and is deleted after confirm
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "geïmporteerd"))
    again = confirm(client, page)                        # the same confirm twice: expired
    assert again.status_code == 302
    assert "verlopen of al gebruikt" in client.get(again.location).get_data(as_text=True)
    assert stored(session) == STANDARD_COUNTS


def test_preview_lists_every_problem_and_offers_no_confirm(client, session, instrument,
                                                            tmp_path, import_dir):
    rows = rows_for(instrument)
    rows[0] = dict(rows[0], score="7")
    rows[2] = dict(rows[2], gemeente="")
    page = upload(client, write_csv(tmp_path / "fout.csv", rows)).get_data(as_text=True)
    assert "Rij 2: Score &#39;7&#39; is ongeldig" in page
    assert "Rij 4: Gemeente ontbreekt" in page
    assert "Bevestigen en importeren" not in page
    assert "Opnieuw controleren" in page   # with other choices, without uploading again
    assert stored(session) == NOTHING
    assert len(list(import_dir.iterdir())) == 1  # kept (0600, this session only) for a recheck


def test_skip_invalid_on_the_page(client, session, instrument, tmp_path, import_dir):
    rows = rows_for(instrument)
    rows[0] = dict(rows[0], score="7")
    page = upload(client, write_csv(tmp_path / "deels.csv", rows), overslaan=True) \
        .get_data(as_text=True)
    assert "1 van de 15 rijen wordt overgeslagen" in page and "Bevestigen en importeren" in page
    result = confirm(client, page)
    assert result.status_code == 200
    assert "1 van de 15 rijen is overgeslagen" in result.get_data(as_text=True)
    assert stored(session) == {"gemeente": 1, "casus": 1, "perspectief": 1, "score": 14}


def test_post_without_csrf_token_is_refused(client, session, instrument, tmp_path, import_dir):
    path = write_csv(tmp_path / "scores.csv", rows_for(instrument))
    response = client.post("/importeren", data={"bestand": (io.BytesIO(path.read_bytes()),
                                                            "scores.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    response = client.post("/importeren/bevestigen", data={"token": "0" * 32 + ".csv"})
    assert response.status_code == 400
    assert stored(session) == NOTHING


def test_too_large_upload_is_refused_with_a_message(app, client, session, instrument, tmp_path,
                                                    import_dir):
    path = write_csv(tmp_path / "groot.csv", standard_rows(instrument))
    token = csrf_token(client, "/importeren")
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post("/importeren", data={"csrf_token": token, "bestand": (
        io.BytesIO(path.read_bytes()), "groot.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Het bestand is te groot om te uploaden: maximaal 2 kB" in response.get_data(
        as_text=True)
    assert stored(session) == NOTHING


@pytest.mark.parametrize("make,message", [
    (lambda tmp_path, instrument: write_csv(tmp_path / "nep.xlsx", rows_for(instrument)),
     "geen geldig Excel-bestand"),
    (lambda tmp_path, instrument: zip_bomb(tmp_path / "bom.xlsx"), "uitgepakt te groot"),
    (lambda tmp_path, instrument: entity_bomb(tmp_path / "lach.xlsx"),
     "kon niet als Excel-werkmap worden gelezen"),
])
def test_unsafe_files_are_refused(client, session, instrument, tmp_path, import_dir, make,
                                  message):
    response = upload(client, make(tmp_path, instrument))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(session) == NOTHING
    assert not import_dir.exists() or list(import_dir.iterdir()) == []


@pytest.mark.parametrize("name,advice", [
    ("scores.txt", "geen CSV- of Excel-bestand: kies een bestand dat eindigt op .csv of .xlsx"),
    ("scores.ods", "LibreOffice/OpenOffice-rekenblad (.ods). Kies in LibreOffice Bestand"),
    ("scores.xls", "oud Excel-bestand (.xls). Open het in Excel en kies Opslaan als"),
])
def test_other_files_get_the_same_specific_advice_as_on_the_cli(app, client, session, tmp_path,
                                                                import_dir, name, advice):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 gemeente,casus\n")
    response = upload(client, path)
    assert response.status_code == 422
    assert advice in response.get_data(as_text=True)
    from zet.cli import main
    result = app.test_cli_runner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1 and advice in result.output
    assert stored(session) == NOTHING


def test_missing_file_is_refused_by_the_form(client, import_dir):
    response = client.post("/importeren", data={"csrf_token": csrf_token(client, "/importeren")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Kies een bestand om te importeren." in response.get_data(as_text=True)


def test_onderzoeker_may_not_import_into_another_gemeente(app, session, instrument, tmp_path,
                                                          import_dir):
    own = make_gemeente(session, "Eigendorp")
    make_gemeente(session, "Duinwijk")
    browser = app.test_client()
    login_as(browser, "onderzoeker", gemeenten=[own])
    page = upload(browser, write_csv(tmp_path / "scores.csv", rows_for(instrument))) \
        .get_data(as_text=True)
    assert "Rijen 2-16: Geen toegang tot gemeente Duinwijk." in page
    assert "Bevestigen en importeren" not in page
    own_rows = rows_for(instrument, gemeente="Eigendorp")
    page = upload(browser, write_csv(tmp_path / "eigen.csv", own_rows)).get_data(as_text=True)
    assert confirm(browser, page).status_code == 200
    assert stored(session) == {"gemeente": 2, "casus": 1, "perspectief": 1, "score": 15}


def test_another_user_cannot_confirm_someone_elses_upload(app, client, session, instrument,
                                                          tmp_path, import_dir):
    page = upload(client, write_csv(tmp_path / "scores.csv", rows_for(instrument))) \
        .get_data(as_text=True)
    other = app.test_client()
    login_as(other, "beheerder")
    token = TOKEN_RE.search(page).group(1)
    response = other.post("/importeren/bevestigen", data={
        "csrf_token": csrf_token(other, "/importeren"), "token": token, "naam": "scores.csv"})
    assert response.status_code == 302
    assert stored(session) == NOTHING


def test_recheck_with_other_choices_without_uploading_again(client, session, instrument,
                                                             tmp_path, import_dir):
    make_gemeente(session, naam="Gemeente Duinwijk")
    session.commit()
    columns = COLUMNS + ["interviewer"]
    path = write_csv(tmp_path / "excel.csv", rows_for(instrument, onderzoek="Ronde één"),
                     columns=columns, delimiter=";", encoding="cp1252")
    page = upload(client, path).get_data(as_text=True)
    assert "Kolom &#39;interviewer&#39; onbekend" in page
    assert "Bedoelt u &#39;Gemeente Duinwijk&#39;?" in page
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    again = client.post("/importeren/opnieuw", data={
        "csrf_token": csrf_token(client, "/importeren"), "token": token, "naam": "excel.csv",
        "nieuwe_gemeenten": "y", "kolommen_negeren": "y"})
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and "Bevestigen en importeren" in text
    assert "Genegeerde kolommen (onbekend): &#39;interviewer&#39;." in text
    assert "tekenset Windows-1252" in text
    result = confirm(client, text)
    assert result.status_code == 200
    assert stored(session)["gemeente"] == 2
    assert session.scalar(select(Onderzoek.titel)) == "Ronde één"  # read as Windows-1252
