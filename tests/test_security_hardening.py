"""Attacks from the security review, each performed and shown to do no harm now.

Sessions that outlive a logout, free text in the audit log, missing versions and lost races,
huge ids, XML bombs, English error pages, world-readable files and lingering uploads.
"""
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text, update

from tests.helpers import (TEST_PASSWORD, csrf_token, login, make_casus, make_gemeente,
                           make_onderzoek, make_user, post_form)
from tests.import_helpers import rows_for, write_csv
from zet.cli import main
from zet.db import Base, make_engine
from zet.models import AuditEvent, Perspectief, Score, User


def copy_of_cookie(app, client):
    """A second browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def sanne(session):
    gemeente = make_gemeente(session)
    return make_user(session, "onderzoeker", [gemeente], username="sanne")


def sanne_browser(app):
    browser = app.test_client()
    assert login(browser, "sanne").status_code == 302
    return browser


# 1. A session can be ended -------------------------------------------------------------------

def test_a_copied_cookie_stops_working_at_logout(app, sanne):
    browser = sanne_browser(app)
    other_device = sanne_browser(app)
    thief = copy_of_cookie(app, browser)
    assert logged_in(thief)
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    for client in (browser, thief, other_device):
        response = client.get("/")
        assert response.status_code == 302 and response.location.startswith("/login")


@pytest.mark.parametrize("how", ["password", "deactivate", "everywhere"])
def test_a_beheerder_ends_every_session_of_a_user(app, client, session, sanne, how):
    browser = sanne_browser(app)
    thief = copy_of_cookie(app, browser)
    if how == "password":
        post_form(client, f"/beheer/gebruikers/{sanne.id}", {
            "role": "onderzoeker", "gemeenten": str(sanne.gemeenten[0].id),
            "password": "nieuw-wachtwoord-2026", "password_repeat": "nieuw-wachtwoord-2026"})
    elif how == "deactivate":
        client.post(f"/beheer/gebruikers/{sanne.id}/actief",
                    data={"csrf_token": csrf_token(client, "/beheer/gebruikers"), "actief": "0"})
    else:
        assert "Overal uitloggen" in client.get("/beheer/gebruikers").get_data(as_text=True)
        response = client.post(f"/beheer/gebruikers/{sanne.id}/sessies-beeindigen",
                               data={"csrf_token": csrf_token(client, "/beheer/gebruikers")})
        assert response.status_code == 302
    assert not logged_in(browser) and not logged_in(thief)
    assert logged_in(client)   # the beheerder's own session is untouched
    actions = set(session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "gebruiker", AuditEvent.object_id == sanne.id)))
    assert {"password": "wachtwoord gewijzigd", "deactivate": "gedeactiveerd",
            "everywhere": "sessies beëindigd"}[how] in actions


def test_a_reactivated_account_does_not_get_its_old_sessions_back(app, client, sanne):
    browser = sanne_browser(app)
    token = csrf_token(client, "/beheer/gebruikers")
    client.post(f"/beheer/gebruikers/{sanne.id}/actief", data={"csrf_token": token, "actief": "0"})
    client.post(f"/beheer/gebruikers/{sanne.id}/actief", data={"csrf_token": token, "actief": "1"})
    assert not logged_in(browser)
    assert logged_in(sanne_browser(app))   # a fresh login works


def test_a_beheerder_who_changes_their_own_password_stays_logged_in_here_only(app, client,
                                                                                session):
    me = session.scalar(select(User).where(User.username == "test-beheerder"))
    elsewhere = copy_of_cookie(app, client)
    response = post_form(client, f"/beheer/gebruikers/{me.id}", {
        "role": "beheerder", "password": "nieuw-wachtwoord-2026",
        "password_repeat": "nieuw-wachtwoord-2026"})
    assert response.status_code == 302
    assert logged_in(client) and not logged_in(elsewhere)


def test_a_cookie_with_only_the_user_id_loads_nobody(app, sanne):
    """The session format before this change (the bare id) no longer logs anyone in."""
    forged = app.test_client()
    with forged.session_transaction() as cookie:
        cookie["_user_id"] = str(sanne.id)
        cookie["_fresh"] = True
        cookie["last_seen"] = int(time.time())
    assert not logged_in(forged)


# 10. The login lock cannot be raced ----------------------------------------------------------

def test_a_burst_of_parallel_logins_checks_at_most_five_passwords(app, session, sanne,
                                                                   monkeypatch):
    from argon2 import PasswordHasher
    real_hash = sanne.password_hash
    checked = []
    original = PasswordHasher.verify

    def counting(self, hashed, password):
        if hashed == real_hash:
            checked.append(password)
        time.sleep(0.05)   # a slower hash widens the window a race would need
        return original(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    clients = [app.test_client() for _ in range(16)]
    tokens = [csrf_token(client, "/login") for client in clients]
    start = threading.Barrier(len(clients))
    answers = []

    def attempt(i):
        start.wait()
        response = clients[i].post("/login", data={"csrf_token": tokens[i], "username": "sanne",
                                                   "password": f"geraden-{i}"})
        answers.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(set(answers)) == [200]
    assert len(checked) == 5, checked
    session.expire_all()
    assert sanne.locked_until is not None
    assert login(app.test_client(), "sanne", TEST_PASSWORD).status_code == 200   # still locked


# 9. Optimistic locking cannot be bypassed ----------------------------------------------------

@pytest.fixture
def stored_perspective(client, session):
    casus = make_casus(session, make_gemeente(session))
    post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw",
              {"score-CON": "2", "toelichting-CON": "Eerste versie", "actie": "concept"})
    return session.scalar(select(Perspectief))


@pytest.mark.parametrize("version", [None, "", "  ", "abc", "1.0", "٢", "99999999999999999999"])
def test_a_save_without_a_usable_version_is_refused_and_keeps_the_typing(
        client, session, stored_perspective, version):
    url = f"/perspectieven/{stored_perspective.id}"
    data = {"csrf_token": csrf_token(client, url), "score-CON": "5", "actie": "concept",
            "toelichting-CON": "Overschrijving zonder versie"}
    if version is not None:
        data["version"] = version
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "welke versie u opende" in page and "Overschrijving zonder versie" in page
    assert 'id="conflict"' in page and "Eerste versie" in page   # the stored version beside it
    session.expire_all()
    assert session.scalar(select(Score.toelichting)) == "Eerste versie"
    autosave = client.post(url, data={**data, "actie": "autosave"},
                           headers={"Accept": "application/json"})
    assert autosave.status_code == 400 and not autosave.get_json()["ok"]


def test_a_save_that_loses_a_race_gets_the_conflict_page(app, client, session,
                                                         stored_perspective):
    """Another save lands between ZET's version check and its own write."""
    url = f"/perspectieven/{stored_perspective.id}"
    fields = {"csrf_token": csrf_token(client, url), "version": "1", "score-CON": "4",
              "actie": "concept", "toelichting-CON": "Mijn versie"}
    other = create_engine(app.config["DATABASE_URL"])
    from sqlalchemy.orm import Session as OrmSession

    def someone_else_saves(orm_session, _context, _instances):
        with other.begin() as connection:
            connection.execute(update(Perspectief.__table__)
                               .where(Perspectief.__table__.c.id == stored_perspective.id)
                               .values(version=Perspectief.__table__.c.version + 1))

    event.listen(OrmSession, "before_flush", someone_else_saves, once=True)
    try:
        response = client.post(url, data=fields)
    finally:
        if event.contains(OrmSession, "before_flush", someone_else_saves):
            event.remove(OrmSession, "before_flush", someone_else_saves)
        other.dispose()
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Iemand anders heeft dit perspectief opgeslagen" in page and "Mijn versie" in page
    session.expire_all()
    assert session.scalar(select(Score.toelichting)) == "Eerste versie"


# 11. Every error page is the Dutch one -------------------------------------------------------

@pytest.mark.parametrize("url", ["/casussen/99999999999999999999999",
                                 "/perspectieven/9223372036854775808",
                                 "/gemeenten/2147483648/totaalbeeld"])
def test_a_huge_id_is_not_found_in_dutch(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)


def test_a_wrong_method_gets_a_dutch_page(client):
    response = client.get("/logout")
    page = response.get_data(as_text=True)
    assert response.status_code == 405
    assert "Niet toegestaan" in page and "Method Not Allowed" not in page


def test_an_unexpected_failure_gets_the_dutch_page(app, client, session, database_url):
    app.config["PROPAGATE_EXCEPTIONS"] = False   # as in production, not as in TESTING
    gemeente = make_gemeente(session)
    session.commit()
    owner = make_engine(database_url)   # the app's own role may not rename tables
    with owner.begin() as connection:
        connection.execute(text("ALTER TABLE verbeteractie RENAME TO verbeteractie_weg"))
    try:
        response = client.get(f"/gemeenten/{gemeente.id}/verbeteracties")
        page = response.get_data(as_text=True)
    finally:
        session.rollback()   # the failed request shared this session (one app context)
        session.close()
        with owner.begin() as connection:
            connection.execute(text("ALTER TABLE verbeteractie_weg RENAME TO verbeteractie"))
        owner.dispose()
    assert response.status_code == 500
    assert "Er ging iets mis" in page and "Internal Server Error" not in page
    assert "verbeteractie_weg" not in page and "SELECT" not in page   # no SQL shown


# 2. Nothing identifying or free-text reaches the audit log -----------------------------------

def every_stored_text(session) -> str:
    """Every value in every table, as one text to search."""
    values = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            values.extend(str(v) for v in row if v is not None)
    return "\n".join(values)


def test_identifying_data_skipped_on_import_is_stored_nowhere(app, session, instrument,
                                                              tmp_path):
    rows = rows_for(instrument)
    rows[0] = dict(rows[0], toelichting="Bel moeder op 06-12345678 voor een afspraak")
    rows[1] = dict(rows[1], toelichting="Mail naar j.de.vries@example.nl")
    rows[2] = dict(rows[2], rol="wijkcoach 1234 AB")
    result = app.test_cli_runner().invoke(
        main, ["import", str(write_csv(tmp_path / "deels.csv", rows)), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "Overgeslagen: 3 van 15 rijen" in result.output
    stored = every_stored_text(session)
    for secret in ("06-12345678", "12345678", "j.de.vries@example.nl", "1234 AB"):
        assert secret not in stored
    detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "geïmporteerd"))
    assert "overgeslagen: 3 rijen" in detail


def test_the_audit_log_keeps_no_titles_or_roles(client, session, instrument):
    gemeente = make_gemeente(session)
    post_form(client, f"/gemeenten/{gemeente.id}/onderzoeken/nieuw",
              {"titel": "Evaluatie wijk Noord voorjaar"})
    casus = make_casus(session, gemeente)
    post_form(client, f"/casussen/{casus.id}/perspectieven/professional/nieuw",
              {"rol": "jeugdconsulent Noord", "score-CON": "3", "actie": "concept"})
    details = "\n".join(session.scalars(select(AuditEvent.detail)))
    assert "Evaluatie wijk Noord" not in details and "jeugdconsulent" not in details
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.object_type == "onderzoek"))


# 11. Files readable by their owner only; uploads do not linger ---------------------------------

def test_files_zet_creates_are_private(tmp_path, monkeypatch):
    from zet import create_app
    from zet.importing.staging import UploadStore
    monkeypatch.setattr(os, "umask", os.umask)  # restored by monkeypatch at the end
    os.umask(0o022)   # a shell's usual umask
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    try:
        from zet.migrate import upgrade
        upgrade(app.extensions["zet_engine"])
        token = UploadStore(Path(app.config["IMPORT_DIR"])).put(b"a,b\n", "x.csv")
        export = tmp_path / "export.xlsx"
        app.test_cli_runner().invoke(main, ["export", "--out", str(export)])
    finally:
        app.extensions["zet_engine"].dispose()
    private = [instance / "zet.sqlite3", Path(app.config["IMPORT_DIR"]) / token, export]
    for path in private:
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    os.umask(0o022)


def test_an_unconfirmed_upload_is_gone_after_an_hour(client, app):
    from zet.importing import staging
    store = staging.UploadStore(Path(app.config["IMPORT_DIR"]))
    token = store.put(b"gemeente,casus\n", "oud.csv")
    path = Path(app.config["IMPORT_DIR"]) / token
    hour_ago = time.time() - 3700
    os.utime(path, (hour_ago, hour_ago))
    assert store.read(token) is None   # too old to confirm
    token = store.put(b"gemeente,casus\n", "oud.csv")
    path = Path(app.config["IMPORT_DIR"]) / token
    os.utime(path, (hour_ago, hour_ago))
    staging._last_sweep = 0.0
    client.get("/")   # any request sweeps, at most once a minute
    assert not path.exists()


# 6. Security headers --------------------------------------------------------------------------

def test_every_page_and_file_carries_the_security_headers(client, session):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    for url in ("/", f"/casussen/{casus.id}", f"/gemeenten/{gemeente.id}/totaalbeeld",
                f"/gemeenten/{gemeente.id}/totaalbeeld.png", "/export/werkboek.xlsx",
                "/casussen/999999"):
        response = client.get(url)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Cache-Control"] == "no-store", url
        response.close()
    login_page = client.application.test_client().get("/login")
    assert login_page.headers["Cache-Control"] == "no-store"
    static = client.get("/static/zet.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    static.close()


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_no_template_has_inline_script_handlers_or_styles():
    """What the Content-Security-Policy would block: nothing of it in a page ZET serves (the
    report template is rendered to PDF, never served)."""
    import re
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name == "rapport":
            continue
        source = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"\son[a-z]+\s*=\s*[\"']", r"\sstyle\s*=",
                        r"<style", r"javascript:"):
            if re.search(pattern, source):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert not offenders


# 7. No user text is interpreted by a renderer -------------------------------------------------

def test_mathtext_in_a_casus_code_breaks_no_image_or_workbook(client, session, instrument):
    from tests.helpers import full_perspective_form
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente, code="$\\frac{1}{$-01")
    response = post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw",
                         full_perspective_form(instrument, score="2"))
    assert response.status_code == 302
    for url in (f"/gemeenten/{gemeente.id}/totaalbeeld.png", "/export/werkboek.xlsx",
                f"/export/werkboek.xlsx?gemeente={gemeente.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) > 1000
        response.close()


# 4. No upload can stall the service ------------------------------------------------------------

def upload_bytes(client, data: bytes, name: str):
    import io
    return client.post("/importeren", data={"csrf_token": csrf_token(client, "/importeren"),
                                            "bestand": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("shape,message", [
    ("wide", "meer dan 500 kolommen"),
    ("long line", "een regel van meer dan 100.000 tekens"),
])
def test_a_small_csv_with_a_huge_number_of_columns_is_refused_at_once(client, session, shape,
                                                                      message):
    """The attack: ~150 kB of header that cost seconds of CPU per upload. Refused before any
    parser runs (the time is not asserted: the message says which check refused it)."""
    if shape == "wide":
        header = "gemeente,casus,element,score," + ",".join(f"k{i}" for i in range(600))
        data = (header + "\nDuinwijk,DW-J01,CON,4" + "," * 600 + "\n").encode()
    else:
        data = ("gemeente,casus,element,score," + ",".join(f"k{i}" for i in range(20000))
                + "\n").encode()
    response = upload_bytes(client, data, "breed.csv")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_wide_workbook_sheet_is_refused(client, tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.active.append(["gemeente", "casus", "element", "score"] + ["x"] * 600)
    path = tmp_path / "breed.xlsx"
    workbook.save(path)
    response = upload_bytes(client, path.read_bytes(), "breed.xlsx")
    assert response.status_code == 422
    assert "meer dan 500 kolommen" in response.get_data(as_text=True)


def test_one_import_at_a_time_per_user(app, client, session, instrument, tmp_path):
    """While one upload of a user is being read (in any worker: a lock file), a second one of
    the same user is refused at once; another user is not held up."""
    from zet.importing.limits import one_import_at_a_time
    me = session.scalar(select(User).where(User.username == "test-beheerder"))
    data = write_csv(tmp_path / "s.csv", rows_for(instrument)).read_bytes()
    with one_import_at_a_time(Path(app.instance_path), me.id):
        busy = upload_bytes(client, data, "s.csv")
        other = app.test_client()
        login_as_other = make_user(session, "beheerder", username="tweede-beheerder")
        assert login(other, login_as_other.username).status_code == 302
        assert upload_bytes(other, data, "s.csv").status_code == 200
    assert busy.status_code == 429
    assert "U heeft al een import" in busy.get_data(as_text=True)
    assert upload_bytes(client, data, "s.csv").status_code == 200


# 11. The comparison, the heatmap images and import previews are audited ------------------------

def test_comparison_images_and_import_previews_are_audited(client, session, instrument,
                                                           tmp_path):
    gemeente = make_gemeente(session)
    make_onderzoek(session, gemeente, titel="Geheime titel van het onderzoek")
    client.get("/vergelijking?doelgroep=jeugd&onderzoek=Geheime+titel+van+het+onderzoek")
    client.get(f"/gemeenten/{gemeente.id}/totaalbeeld.png").close()
    rows = rows_for(instrument)
    rows[0] = dict(rows[0], score="9")
    upload = write_csv(tmp_path / "fout.csv", rows).read_bytes()
    import io
    response = client.post("/importeren", data={"csrf_token": csrf_token(client, "/importeren"),
                                                "bestand": (io.BytesIO(upload), "fout.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422   # a preview with problems is audited too
    events = session.execute(select(AuditEvent.object_type, AuditEvent.object_id,
                                    AuditEvent.detail)).all()
    assert ("analyse", None, "vergelijking, één onderzoek, jeugd") in events
    assert ("analyse", gemeente.id, "heatmap totaalbeeld") in events
    previews = [d for t, _, d in events if t == "import"]
    assert previews and previews[0].startswith("importvoorbeeld: toegevoegd:")
    assert not any("Geheime" in (d or "") for _, _, d in events)
