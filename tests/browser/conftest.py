"""End-to-end fixtures: the real `zet serve` (gunicorn) on a free port, and headless Chromium.

These tests use their own server and database; they never touch the `app` fixture of
tests/conftest.py, so they run once (not once per database backend).

Chromium is the Debian package at /usr/bin/chromium. Without it the tests are skipped, or
fail when ZET_REQUIRE_BROWSER=1 (CI sets that, so a missing browser cannot pass unnoticed).
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ZET = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "zet"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 30  # seconds for gunicorn to answer
E2E_USER = "e2e-beheerder"  # a beheerder may do everything the stories need
E2E_PASSWORD = "e2e-wachtwoord-2026"
# Settings of the developer's shell that would make the server differ from what ships.
_INHERITED_SETTINGS = ("ZET_DATABASE_URL", "ZET_SECRET_KEY", "ZET_AUTOSAVE_SECONDS",
                       "ZET_INSTANCE_PATH", "ZET_INSTRUMENT_DIR", "ZET_INSTRUMENT_VERSION")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED_SETTINGS}
    env.update({
        "ZET_DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        "ZET_SECRET_KEY": "e2e-secret",
        "ZET_AUTOSAVE_SECONDS": "2",
        # An export of more than one gemeente runs in the background (test_jobs_in_browser.py).
        "ZET_ACHTERGROND_GEMEENTEN": "1",
        "ZET_INSTANCE_PATH": str(workdir / "instance"),
        # gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every
        # gunicorn of this user; keep ours inside the temp directory.
        "XDG_RUNTIME_DIR": str(workdir),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`zet serve` stopped with code {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"`zet serve` did not answer on {url} within {START_TIMEOUT} s:\n{log.read_text()}")


_accounts = {"enabled": False}
_server: dict = {}  # the running `zet serve`: process and log file


def _assert_server_alive() -> None:
    process, log = _server.get("process"), _server.get("log")
    if process is not None and process.poll() is not None:
        pytest.fail(f"`zet serve` stopped during the run (code {process.returncode}); its log "
                    f"ends with:\n{''.join(log.read_text().splitlines(True)[-40:])}")


def _create_account(workdir: Path, env: dict[str, str]) -> None:
    """With accounts in the product (`zet create-user`), make the beheerder the tests log in as."""
    created = subprocess.run(
        [str(ZET), "create-user", E2E_USER, "--role", "beheerder", "--password-stdin"],
        cwd=workdir, env=env, input=E2E_PASSWORD + "\n", capture_output=True, text=True,
        timeout=120)
    if created.returncode == 2 and "No such command" in created.stderr:
        return  # a build without accounts: every page is open
    assert created.returncode == 0, f"`zet create-user` failed:\n{created.stdout}\n{created.stderr}"
    _accounts["enabled"] = True


_totp_secrets: dict[str, str] = {}   # username -> secret, as the user's authenticator app keeps it


def log_in(page, base_url: str, username: str = E2E_USER, password: str = E2E_PASSWORD) -> None:
    """Log in through the login page (the e2e beheerder unless told otherwise), with the second
    step where the account needs one: at the first login the enrolment page, whose key the
    "app" (pyotp) takes over as a user would type it, then a code."""
    import re

    import pyotp
    page.goto(base_url + "/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if "/login/instellen" in page.url:
        secret = page.locator("#geheim").inner_text().replace(" ", "")
        _totp_secrets[username] = secret
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Bevestigen").click()
        page.get_by_role("link", name=re.compile("verder naar ZET")).click()
    elif "/login/code" in page.url:
        totp = pyotp.TOTP(_totp_secrets[username])
        page.get_by_label("Code").fill(totp.at(time.time(), counter_offset=1))  # not yet used
        page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of `zet serve` on a fresh SQLite database, after `zet init`."""
    if not ZET.exists():
        pytest.fail(f"{ZET} not found: install the project in .venv (pip install -e .).")
    workdir = tmp_path_factory.mktemp("e2e-server")
    env = _server_env(workdir)
    init = subprocess.run([str(ZET), "init"], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=120)
    assert init.returncode == 0, f"`zet init` failed:\n{init.stdout}\n{init.stderr}"
    _create_account(workdir, env)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = workdir / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(ZET), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=workdir, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    _server.update(process=process, log=log, workdir=workdir, env=env)
    try:
        _wait_until_answering(base_url + "/", process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def demo_data(live_server):
    """The fictional demo (`zet demo`) in the live server's database, for stories that start
    from a gemeente with complete casussen; loaded once, when a test first asks for it."""
    result = subprocess.run([str(ZET), "demo"], cwd=_server["workdir"], env=_server["env"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"`zet demo` failed:\n{result.stdout}\n{result.stderr}"
    return live_server


@pytest.fixture(scope="session")
def zet_cli(live_server):
    """Run a `zet` command against the live server's database (create an account, say)."""
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(ZET), *args], cwd=_server["workdir"], env=_server["env"],
                              input=stdin, capture_output=True, text=True, timeout=120)
    return run


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (each test gets fresh contexts)."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("ZET_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser, **options):
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def login_state(chromium, live_server):
    """The cookies of one login through the login page (None when the build has no accounts).

    Logging in once and handing the cookie to every context keeps the suite fast; the contexts
    still have their own localStorage and sessionStorage.
    """
    if not _accounts["enabled"]:
        return None
    context = _context(chromium)
    page = context.new_page()
    log_in(page, live_server)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def new_context(chromium, login_state):
    """Factory for fresh browser contexts: another browser window, another researcher."""
    contexts = []

    def make():
        _assert_server_alive()
        context = _context(chromium, storage_state=login_state)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    _assert_server_alive()


@pytest.fixture
def logged_out_context(chromium):
    """A fresh browser with nobody logged in (a shared computer, before anyone logs in)."""
    _assert_server_alive()
    context = _context(chromium)
    yield context
    context.close()


@pytest.fixture
def browser_page(new_context, live_server):
    """A page in a fresh context; the live server is running."""
    return new_context().new_page()
