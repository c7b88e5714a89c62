"""Background jobs through the pages, with a real worker process (`python -m zet worker`):
a large export and a large import, their progress, a reload, a killed worker, a retry, the
download for its owner only, a second request that joins the first, and expiry."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import login_as, post_form
from zet.jobs import store
from zet.models import AuditEvent, Job, Score
from zet.models.mixins import utcnow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import generate  # noqa: E402  (bench/generate.py: the fictional national dataset)

JOB_URL = re.compile(r"/taken/(\d+)$")


@pytest.fixture
def start_worker(app):
    """Start a worker process on the app's database and instance folder; stopped afterwards."""
    processes = []

    def start() -> subprocess.Popen:
        env = {**os.environ, "ZET_INSTANCE_PATH": app.instance_path,
               "ZET_DATABASE_URL": app.config["DATABASE_URL"], "ZET_SECRET_KEY": "test-secret"}
        process = subprocess.Popen([sys.executable, "-m", "zet", "worker"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        processes.append(process)
        return process
    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        process.stderr.close()


def csv_of(tmp_path, scale: float, casussen: int, seed: int = 7) -> Path:
    return generate.write_csv(generate.national_frame(scale=scale, seed=seed, casussen=casussen),
                              tmp_path / f"landelijk-{seed}.csv")


@pytest.fixture
def many_gemeenten(app, session, instrument, tmp_path):
    """Seven gemeenten (12,000 scores): more than BACKGROUND_EXPORT_GEMEENTEN, and an export
    that takes a few seconds."""
    from tests.import_helpers import run_import
    run_import(session, instrument, csv_of(tmp_path, 0.02, 30), allow_new_gemeenten=True)
    return session.scalar(select(func.count()).select_from(Score))


def job_id_of(response) -> int:
    assert response.status_code == 303, response.status_code
    return int(JOB_URL.search(response.headers["Location"]).group(1))


def wait_for(client, job_id: int, until, timeout: float = 180) -> dict:
    """Poll the job's progress as its page does, until ``until(state)``; every state seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/taken/{job_id}/voortgang")
        assert response.status_code == 200
        seen.append(response.get_json())
        if until(seen[-1]):
            return {"last": seen[-1], "seen": seen}
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} never got there; last state {seen[-1]}")


def start_export(client) -> int:
    """Ask for the workbook of every gemeente as a user would: the download link, then the
    button on the page it leads to."""
    offer = client.get("/export/werkboek.xlsx")
    page = offer.get_data(as_text=True)
    assert offer.status_code == 200 and "Export op de achtergrond" in page
    return job_id_of(post_form(client, "/taken/export", {"fmt": "xlsx"},
                               form_url="/export/werkboek.xlsx"))


def test_a_large_export_runs_in_the_background_and_only_its_owner_gets_it(
        app, client, anonymous, session, many_gemeenten, start_worker):
    job_id = start_export(client)
    assert start_export(client) == job_id   # asked again while waiting: the same job
    waiting = client.get(f"/taken/{job_id}").get_data(as_text=True)
    assert "Wacht op zijn beurt" in waiting and "verwerker van achtergrondtaken draait nu niet" \
        in waiting and "<progress" in waiting

    start_worker()
    running = wait_for(client, job_id, lambda s: s["status"] != "wachtend")
    reload = client.get(f"/taken/{job_id}").get_data(as_text=True)   # a reload while it runs
    assert running["last"]["status"] in ("bezig", "klaar")
    if running["last"]["status"] == "bezig":
        assert "<progress" in reload and "de taak loopt door" in reload
    done = wait_for(client, job_id, lambda s: s["done"])
    assert done["last"]["status"] == "klaar" and done["last"]["percent"] == 100
    stages = {s["stage"] for s in done["seen"]}
    assert len(stages) >= 3, stages   # it said what it was doing along the way

    page = client.get(f"/taken/{job_id}").get_data(as_text=True)
    assert "Downloaden" in page and f"/taken/{job_id}/download" in page
    assert re.search(r"Downloaden \(\d+,\d MB\)", page)   # a Dutch decimal comma
    download = client.get(f"/taken/{job_id}/download")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    data = download.data
    download.close()
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book["Data"].max_row - 1 == many_gemeenten   # every score, one row each
    book.close()
    assert start_export(client) == job_id   # the same data asked again: this download

    # Someone else (even a beheerder) gets nothing, as if the job did not exist.
    login_as(anonymous, "beheerder", username="andere-beheerder")
    for url in (f"/taken/{job_id}", f"/taken/{job_id}/voortgang", f"/taken/{job_id}/download"):
        assert anonymous.get(url).status_code == 404, url
    assert f"/taken/{job_id}" not in anonymous.get("/taken").get_data(as_text=True)
    assert f"/taken/{job_id}" in client.get("/taken").get_data(as_text=True)

    session.rollback()
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "export").order_by(AuditEvent.id)).all()
    assert [(e.action, e.username) for e in events] == [
        ("aangemaakt", "test-beheerder"), ("geëxporteerd", "test-beheerder"),
        ("gedownload", "test-beheerder")]

    # Past its time the download is gone, from the page and from the disk.
    job = session.get(Job, job_id)
    path = store.result_file(Path(app.config["JOB_DIR"]), job)
    job.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert client.get(f"/taken/{job_id}/download").status_code == 404
    assert store.expire(session, Path(app.config["JOB_DIR"])) == 1 and not path.exists()
    assert "is verwijderd" in client.get(f"/taken/{job_id}").get_data(as_text=True)


def test_a_killed_worker_fails_the_export_in_dutch_and_a_retry_finishes_it(
        client, many_gemeenten, start_worker):
    job_id = start_export(client)
    worker = start_worker()
    wait_for(client, job_id, lambda s: s["status"] == "bezig")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    failed = wait_for(client, job_id, lambda s: s["done"], timeout=30)["last"]
    assert failed["status"] == "mislukt"
    page = client.get(f"/taken/{job_id}").get_data(as_text=True)
    assert "De verwerking is onderbroken" in page and "Opnieuw proberen" in page

    retry = job_id_of(post_form(client, f"/taken/{job_id}/opnieuw", {},
                                form_url=f"/taken/{job_id}"))
    assert retry != job_id
    start_worker()
    assert wait_for(client, retry, lambda s: s["done"])["last"]["status"] == "klaar"
    download = client.get(f"/taken/{retry}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    download.close()
    assert client.get(f"/taken/{job_id}/download").status_code == 404   # the failed one: none


def upload(client, path: Path) -> str:
    """Upload and preview a file; returns the preview page."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/importeren").get_data(as_text=True)).group(1)
    with open(path, "rb") as handle:
        # Encoded in memory: the test client would spool a large body to a file it never closes.
        boundary, body = encode_multipart({"csrf_token": token, "nieuwe_gemeenten": "y",
                                           "bestand": FileStorage(handle, path.name)})
    response = client.post("/importeren", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def confirm(client, preview: str):
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                             preview.split('action="/importeren/bevestigen"', 1)[1]
                             .split("</form>", 1)[0]))
    return client.post("/importeren/bevestigen", data=fields)


def scores(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Score))


def test_a_large_import_runs_in_the_background_and_a_killed_worker_stores_nothing(
        app, client, session, tmp_path, start_worker):
    path = csv_of(tmp_path, 0.1, 30, seed=11)
    preview = upload(client, path)
    job_id = job_id_of(confirm(client, preview))
    worker = start_worker()
    wait_for(client, job_id, lambda s: s["status"] == "bezig")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert wait_for(client, job_id, lambda s: s["done"], timeout=30)["last"]["status"] \
        == "mislukt"
    assert scores(session) == 0   # nothing half-imported

    retry = job_id_of(post_form(client, f"/taken/{job_id}/opnieuw", {},
                                form_url=f"/taken/{job_id}"))
    start_worker()
    assert wait_for(client, retry, lambda s: s["done"])["last"]["status"] == "klaar"
    page = client.get(f"/taken/{retry}").get_data(as_text=True)
    assert "Import opgeslagen." in page and "Toegevoegd:" in page
    expected = int(re.search(r'<th scope="row">Scores</th><td>(\d+)</td>', preview).group(1))
    assert scores(session) == expected > 30000   # what the preview said it would add
    waiting_uploads = Path(app.config["IMPORT_DIR"]).glob
    deadline = time.monotonic() + 10   # removed just after the import's commit
    while list(waiting_uploads("*.csv")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(waiting_uploads("*.csv")) == []   # the upload is gone once it is stored
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "import",
                                                      AuditEvent.action == "geïmporteerd"))
    assert [e.username for e in events] == ["test-beheerder"]


def test_a_small_export_and_import_stay_in_the_request(client, session, instrument, tmp_path):
    from tests.import_helpers import standard_rows, write_csv
    preview = upload(client, write_csv(tmp_path / "klein.csv", standard_rows(instrument)))
    assert confirm(client, preview).status_code == 200   # the result page itself
    assert scores(session) > 0
    download = client.get("/export/werkboek.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_second_worker_on_the_same_instance_folder_is_refused(app, start_worker):
    first = start_worker()
    lock = Path(app.config["JOB_DIR"]) / "worker.lock"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.05)
    second = start_worker()
    assert second.wait(timeout=60) == 1
    assert "Er draait al een verwerker" in second.stderr.read().decode()
    assert first.poll() is None


def _children(pid: int) -> dict[int, str]:
    """The child processes of ``pid`` with their command lines."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes() \
                    .replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_zet_serve_keeps_its_job_worker_when_a_web_worker_goes_and_stops_it_at_the_end(
        tmp_path):
    """gunicorn forks its web workers from the process that started the job worker; a web
    worker that exits (replaced, or killed for taking too long) must not take the job worker
    with it, and stopping the server stops the job worker without waiting for a timeout."""
    import socket
    import urllib.request
    zet = Path(sys.executable).parent / "zet"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZET_")}
    env.update(ZET_DATABASE_URL=f"sqlite:///{tmp_path / 'zet.sqlite3'}",
               ZET_INSTANCE_PATH=str(tmp_path / "instance"), ZET_SECRET_KEY="test-secret",
               XDG_RUNTIME_DIR=str(tmp_path))
    subprocess.run([str(zet), "init"], env=env, check=True, capture_output=True, timeout=120)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(zet), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)

        def job_workers():
            return [p for p, cmd in _children(server.pid).items() if "zet worker" in cmd]
        while len(job_workers()) != 1 or len(_children(server.pid)) != 3:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        [job_worker] = job_workers()
        web_worker = next(p for p in _children(server.pid) if p != job_worker)
        os.kill(web_worker, signal.SIGTERM)   # gunicorn replaces it
        while web_worker in _children(server.pid) or len(_children(server.pid)) != 3:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1)
        assert job_workers() == [job_worker]   # the same job worker, still running

        stopped = time.monotonic()
        server.terminate()
        server.wait(timeout=30)
        assert time.monotonic() - stopped < 8
        assert not Path(f"/proc/{job_worker}").exists() or \
            Path(f"/proc/{job_worker}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
