"""The report as PDF: the blocks through one Jinja template (templates/rapport/) and WeasyPrint,
a tagged PDF with page numbers, repeated table headers and alt text on the heatmaps."""
from __future__ import annotations

import base64

from flask import render_template

from zet.errors import DomainError
from zet.rapport.blocks import Rapport


def render_html(rapport: Rapport) -> str:
    return render_template("rapport/rapport.html", rapport=rapport)


def render_pdf(rapport: Rapport) -> bytes:
    """Needs an app context (the templates); WeasyPrint is imported here, so the app starts
    without Pango when nobody asks for a PDF (and says what to install when it is missing)."""
    try:
        from weasyprint import HTML
    except OSError:
        raise DomainError("Deze installatie kan geen PDF maken: de systeembibliotheek Pango "
                          "ontbreekt (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0). "
                          "Het Word-bestand werkt wel.") from None
    return HTML(string=render_html(rapport)).write_pdf(pdf_tags=True, custom_metadata=True)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
