"""The gemeenterapport of the demo, as PDF and as Word, read back: the sections in the issue's
order, the casus texts, quotes (only quotable ones), the actions and Dutch figures; Word
headings as real heading styles, repeated table headers and alt text; the anonymous report
without gemeente names, casus codes, unquotable quotes or toelichtingen; no casussen gives a
message instead of a file; other gemeenten get 404; every report is audited."""
from __future__ import annotations

import io
import re

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers import login_as, make_gemeente
from zet.demo import load_demo
from zet.models import AuditEvent, Casus, Citaat, Gemeente, Score, Verbeteractie

SECTIONS = ["Samenvatting", "Aanpak en verantwoording", "Gemeenteprofiel", "De casussen",
            "Totaalbeeld per werkzaam element", "Eindanalyse", "Verbeteracties",
            "Bijlage: instrument en rekenregels"]


@pytest.fixture
def duinwijk(session, instrument):
    load_demo(session, instrument)
    session.commit()
    gemeente = session.scalar(select(Gemeente).where(Gemeente.naam == "Gemeente Duinwijk"))
    onderzoek = next(o for o in gemeente.onderzoeken if o.titel.endswith("2026"))
    return gemeente, onderzoek


def download(client, gemeente, fmt, **args):
    response = client.get(f"/gemeenten/{gemeente.id}/rapport.{fmt}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)), reader


def docx_text(data: bytes) -> tuple[str, docx.document.Document]:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join(parts)), document


def in_order(text: str, parts: list[str]) -> bool:
    positions, start = [], 0
    for part in parts:
        found = text.find(part, start)
        if found < 0:
            return False
        positions.append(found)
        start = found + len(part)
    return True


def demo_facts(session, gemeente, onderzoek):
    casussen = session.scalars(select(Casus).where(Casus.onderzoek_id == onderzoek.id)).all()
    quotes = session.scalars(select(Citaat).join(Citaat.perspectief).where(
        Citaat.perspectief.has(casus_id=casussen[0].id))).all()
    return casussen, [q.tekst for q in quotes if q.citeerbaar], \
        [q.tekst for q in quotes if not q.citeerbaar]


def test_the_report_as_pdf_and_word_holds_every_section_casus_quote_and_action(
        client, session, duinwijk):
    gemeente, onderzoek = duinwijk
    casussen, quotable, unquotable = demo_facts(session, gemeente, onderzoek)
    first = casussen[0]
    acties = [a.titel for a in session.scalars(select(Verbeteractie).where(
        Verbeteractie.onderzoek_id == onderzoek.id))]
    response = download(client, gemeente, "pdf", onderzoek=onderzoek.id)
    assert response.mimetype == "application/pdf"
    assert 'filename="gemeenterapport-gemeente-duinwijk-' in response.headers["Content-Disposition"]
    text, reader = pdf_text(response.data)
    assert in_order(text, ["Gemeenterapport".upper(), "Gemeente Duinwijk", onderzoek.titel]
                    + SECTIONS), text[:2000]
    assert first.hulpvraag.split(".")[0] in text and first.knelpunten.split(".")[0] in text
    assert any(q in text for q in quotable) and not any(q in text for q in unquotable)
    assert all(a[:25] in text for a in acties)
    assert "Integraal plan (2,2)" in text                   # a knelpunt, Dutch decimal comma
    assert "anders oordeelt dan ZET berekent" in text and "Tijdige ondersteuning" in text
    assert "Pagina 2 van" in text and len(reader.pages) > 8
    assert "/StructTreeRoot" in reader.trailer["/Root"]     # a tagged PDF
    assert sum(len(page.images) for page in reader.pages) >= 2   # the heatmaps

    response = download(client, gemeente, "docx", onderzoek=onderzoek.id)
    text, document = docx_text(response.data)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTIONS
    assert f"{first.code}" in [p.text for p in document.paragraphs
                               if p.style.name == "Heading 2"]
    assert first.wat_gaat_goed.split(".")[0] in text and "Integraal plan (2,2)" in text
    assert not any(q in text for q in unquotable)
    header_rows = [t.rows[0]._tr for t in document.tables[1:]]
    assert header_rows and all(row.find(".//{*}tblHeader") is not None for row in header_rows)
    alts = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert len(alts) == 2 and all(alt.startswith("Heatmap van Gemeente Duinwijk") for alt in alts)


def test_the_anonymous_report_names_no_gemeente_casus_or_unquotable_quote(client, session,
                                                                          duinwijk):
    gemeente, onderzoek = duinwijk
    codes = [c.code for c in session.scalars(select(Casus))]
    quotes = session.scalars(select(Citaat)).all()
    toelichtingen = [t for t in session.scalars(select(Score.toelichting)) if t and len(t) > 30]
    forbidden = ["Duinwijk", "Heuvelstede", onderzoek.titel, gemeente.toegang[:30], *codes,
                 *[q.tekst for q in quotes if not q.citeerbaar], *toelichtingen[:20],
                 *[a.titel for a in session.scalars(select(Verbeteractie))]]
    for fmt in ("pdf", "docx"):
        data = download(client, gemeente, fmt, onderzoek=onderzoek.id, anoniem=1).data
        text = (pdf_text if fmt == "pdf" else docx_text)(data)[0]
        leaked = [item for item in forbidden if item and item in text]
        assert not leaked, (fmt, leaked[:3])
        assert "Gemeente A" in text and re.search(r"\bA-0[4-6]\b", text) and "Ronde 2" in text
        assert "15-09-2026" not in text and "2026" in text        # dates: only the year
        assert any(q.tekst in text for q in quotes if q.citeerbaar)   # quotable ones stay


def test_no_casussen_gives_a_clear_message_and_no_file(client, session):
    leeg = make_gemeente(session, "Gemeente Leegstad")
    response = client.get(f"/gemeenten/{leeg.id}/rapport.pdf")
    assert response.status_code == 302 and "totaalbeeld" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Er zijn nog geen casussen met scores voor Gemeente Leegstad" in page


def test_other_gemeenten_and_the_analist_get_404_and_every_report_is_audited(
        app, client, session, duinwijk):
    gemeente, onderzoek = duinwijk
    other = session.scalar(select(Gemeente).where(Gemeente.naam == "Gemeente Heuvelstede"))
    outsider = app.test_client()
    login_as(outsider, "gemeente", [other])
    assert outsider.get(f"/gemeenten/{gemeente.id}/rapport.pdf").status_code == 404
    analist = app.test_client()
    login_as(analist, "analist", [gemeente])
    assert analist.get(f"/gemeenten/{gemeente.id}/rapport.pdf").status_code == 404
    foreign = other.onderzoeken[0]
    assert client.get(f"/gemeenten/{gemeente.id}/rapport.pdf",
                      query_string={"onderzoek": foreign.id}).status_code == 404
    assert client.get(f"/gemeenten/{gemeente.id}/rapport.txt").status_code == 404
    download(client, gemeente, "docx", onderzoek=onderzoek.id, compleet=1, anoniem=1)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "gegenereerd"))
    assert (event.object_type, event.object_id) == ("gemeente", gemeente.id)
    assert event.detail == (f"gemeenterapport: docx, onderzoek {onderzoek.id}, alleen compleet, "
                            "geanonimiseerd")


def test_the_command_line_writes_the_report_and_names_a_wrong_onderzoek(
        app, session, duinwijk, tmp_path):
    from zet.cli import main
    runner = app.test_cli_runner()
    target = tmp_path / "rapport.docx"
    result = runner.invoke(main, ["rapport", "--gemeente", "gemeente duinwijk", "--onderzoek",
                                  "Casusevaluatie toegang 2026", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert [p.text for p in docx.Document(target).paragraphs
            if p.style.name == "Heading 1"] == SECTIONS
    wrong = runner.invoke(main, ["rapport", "--gemeente", "Gemeente Duinwijk", "--onderzoek",
                                 "Ronde 1999", "--out", str(tmp_path / "x.pdf")])
    assert wrong.exit_code != 0 and "heeft geen onderzoek 'Ronde 1999'" in wrong.output
    assert not (tmp_path / "x.pdf").exists()
    bad = runner.invoke(main, ["rapport", "--gemeente", "Gemeente Duinwijk", "--out",
                               str(tmp_path / "x.txt")])
    assert bad.exit_code != 0 and ".pdf of .docx" in bad.output


def test_odd_texts_neither_break_the_report_nor_leak_from_the_anonymous_one(
        client, session, duinwijk):
    """A casus code with matplotlib's '$' signs, a vertical tab typed into a hulpvraag, a role
    and a quote naming the gemeente: both formats still come out, and the anonymous report
    shows neither the role nor the name."""
    from zet.models import Perspectief
    gemeente, onderzoek = duinwijk
    casus = session.scalars(select(Casus).where(Casus.onderzoek_id == onderzoek.id)).first()
    casus.code = "DW-$J$01"
    casus.hulpvraag = "Regel een\x0bregel twee."
    professional = next(p for p in casus.perspectieven if p.soort == "professional")
    professional.rol = "wijkcoach team Zuid"
    quote = next(c for p in casus.perspectieven for c in p.citaten if c.citeerbaar)
    quote.tekst = "Hier in Duinwijk weet iedereen alles van elkaar."
    session.commit()
    text, _ = pdf_text(download(client, gemeente, "pdf", onderzoek=onderzoek.id).data)
    assert "DW-$J$01" in text
    text, _ = docx_text(download(client, gemeente, "docx", onderzoek=onderzoek.id).data)
    assert "Regel een regel twee." in text
    for fmt in ("pdf", "docx"):
        data = download(client, gemeente, fmt, onderzoek=onderzoek.id, anoniem=1).data
        text = (pdf_text if fmt == "pdf" else docx_text)(data)[0]
        assert "Duinwijk" not in text and "wijkcoach team Zuid" not in text, fmt
        assert "Hier in Gemeente A weet iedereen alles van elkaar." in text, fmt
    assert session.scalar(select(Perspectief.rol).where(
        Perspectief.id == professional.id)) == "wijkcoach team Zuid"   # nothing stored changed
