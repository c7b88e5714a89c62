"""Crawl a running ZET as the demo beheerder: every page reachable by links, and every
stylesheet and script they load, must answer 200. Used by scripts/check_install.sh against a
plain (non-editable) install, so missing templates or static files fail CI.

Standard library and ZET's own requirements only (it runs in the fresh virtualenv of that
check): the demo beheerder enrols in two-factor login on the way in, with pyotp as the app.
"""
from __future__ import annotations

import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar

MAX_PAGES = 400
DOWNLOADS = ("/export/werkboek.xlsx", "/export/bundel.zip")
SKIP = re.compile(r"/(uitloggen|logout)|/export/|\.png$|\.xlsx$|\.csv$|\.zip$|/rapport\.")
REPORT = re.compile(r"/rapport\.(pdf|docx)$")
MAGIC = {"pdf": b"%PDF", "docx": b"PK"}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages, self.assets, self.csrf = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.pages.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "input" and attrs.get("name") == "csrf_token":
            self.csrf = attrs.get("value")


def fetch_bytes(opener, url: str) -> tuple[int, bytes]:
    try:
        with opener.open(url, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _enrol(fetch, page: str):
    """The enrolment page: take the key over into the "app", answer with its code."""
    import time

    import pyotp
    secret = re.search(r'<code id="geheim">([^<]+)</code>', page).group(1).replace(" ", "")
    form = Links()
    form.feed(page)
    return fetch("/login/instellen", {"csrf_token": form.csrf or "",
                                      "code": pyotp.TOTP(secret).at(time.time())})


def main(base: str, username: str, password: str) -> int:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def fetch(path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(urllib.parse.urljoin(base, path), data=body, timeout=60) as r:
                return r.status, r.read().decode("utf-8", "replace"), r.geturl()
        except urllib.error.HTTPError as error:
            return error.code, "", path

    status, page, _ = fetch("/login")
    form = Links()
    form.feed(page)
    status, page, where = fetch("/login", {"csrf_token": form.csrf or "", "username": username,
                                           "password": password})
    if status == 200 and urllib.parse.urlsplit(where).path == "/login/instellen":
        status, page, where = _enrol(fetch, page)
        if status == 200 and 'id="herstelcodes"' in page:
            where = "/"   # enrolled and logged in; the recovery codes are shown once
    if status != 200 or "/login" in urllib.parse.urlsplit(where).path:
        print(f"Inloggen mislukt (status {status}).")
        return 1
    seen, queue, assets, failed = set(), ["/"], set(), []
    reports: dict[str, str] = {}   # one gemeenterapport per format, as linked
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, page, _ = fetch(path)
        if status != 200:
            failed.append(f"{status} {path}")
            continue
        links = Links()
        links.feed(page)
        assets.update(links.assets)
        for href in links.pages:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(base + path, href))
            report = REPORT.search(target.path)
            if report and report.group(1) not in reports:
                reports[report.group(1)] = target.path + (f"?{target.query}" if target.query
                                                          else "")
            if target.netloc == urllib.parse.urlsplit(base).netloc and not SKIP.search(
                    target.path):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    for asset in sorted(assets):
        status, _, _ = fetch(asset)
        if status != 200:
            failed.append(f"{status} {asset}")
    for download in DOWNLOADS:  # the exports use the installed code paths too
        status, body = fetch_bytes(opener, urllib.parse.urljoin(base, download))
        if status != 200 or not body.startswith(b"PK"):
            failed.append(f"{status} {download}")
    for fmt in MAGIC:  # the report renders from the installed templates (PDF: with its CSS)
        status, body = fetch_bytes(opener, urllib.parse.urljoin(base, reports.get(fmt, "/-")))
        if status != 200 or not body.startswith(MAGIC[fmt]):
            failed.append(f"{status} gemeenterapport {fmt} {reports.get(fmt, '(geen link)')}")
    print(f"{len(seen)} pagina's, {len(assets)} bestanden (css, js), {len(DOWNLOADS)} "
          f"exports en {len(MAGIC)} rapporten opgevraagd; {len(failed)} fout.")
    for line in failed:
        print(f"  {line}")
    return 1 if failed or len(seen) < 10 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
