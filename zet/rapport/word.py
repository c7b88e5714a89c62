"""The report as an editable Word document (python-docx): the section titles use Word's own
heading styles (a navigable outline), tables repeat their header row on every page, the
heatmaps carry alt text, and the footer numbers the pages."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from zet.rapport.blocks import Bullets, Figure, Heading, PageBreak, Para, Quote, Rapport, Table

GREY = RGBColor(0x55, 0x55, 0x55)
# Characters XML 1.0 cannot hold (a vertical tab typed into a text field): Word gets a space.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub(" ", text or "")


def _cleaned(block):
    """The block with every text made XML-safe (python-docx refuses the rest)."""
    if isinstance(block, (Heading, Para)):
        return type(block)(**{**block.__dict__, "text": clean(block.text)})
    if isinstance(block, Bullets):
        return Bullets(tuple(clean(i) for i in block.items), block.numbered)
    if isinstance(block, Table):
        return Table(tuple(clean(h) for h in block.header),
                     tuple(tuple(clean(c) for c in row) for row in block.rows),
                     clean(block.caption), block.widths, block.marked)
    if isinstance(block, Quote):
        return Quote(clean(block.text), clean(block.source))
    if isinstance(block, Figure):
        return Figure(block.png, clean(block.alt), clean(block.caption), block.width_cm)
    return block


def render_docx(rapport: Rapport) -> bytes:
    document = Document()
    properties = document.core_properties
    properties.title = clean(f"{rapport.title} {rapport.subtitle}")
    properties.author = properties.last_modified_by = "ZET – Zorg en ondersteuning Evaluatie Tool"
    properties.language, properties.comments, properties.keywords = "nl-NL", "", ""
    properties.created = properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)
    properties.revision = 1
    _base_style(document)
    _title_page(document, rapport)
    body = document.add_section(WD_SECTION.NEW_PAGE)
    _page_numbers(body)
    first_chapter = True
    for block in map(_cleaned, rapport.blocks):
        if isinstance(block, Heading):
            if block.level == 1 and not first_chapter:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            first_chapter = first_chapter and block.level != 1
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Para):
            paragraph = document.add_paragraph(block.text)
            if block.style == "meta":
                for run in paragraph.runs:
                    run.font.size, run.font.color.rgb = Pt(9), GREY
            elif block.style == "note":
                paragraph.style = document.styles["Intense Quote"]
        elif isinstance(block, Bullets):
            style = "List Number" if block.numbered else "List Bullet"
            for item in block.items:
                document.add_paragraph(item, style=style)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Figure):
            _figure(document, block)
        elif isinstance(block, Quote):
            paragraph = document.add_paragraph(style="Quote")
            paragraph.add_run(f"“{block.text}”")
            source = paragraph.add_run(f" – {block.source}")
            source.italic, source.font.size = False, Pt(9)
        elif isinstance(block, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _base_style(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Calibri")
    # Dutch for spelling and screen readers: the document defaults and the Normal style
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for rpr in [normal.element.rPr] + ([defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")]
                                       if defaults is not None else []):
        if rpr is None:
            continue
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "nl-NL")
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), "nl-NL")
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))


def _title_page(document, rapport: Rapport) -> None:
    document.add_paragraph(rapport.title.upper()).runs[0].font.size = Pt(14)
    document.add_heading(clean(rapport.subtitle), level=0)   # the document's Title style
    table = document.add_table(rows=0, cols=2)
    for label, value in rapport.facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = clean(label), clean(value)
        cells[0].paragraphs[0].runs[0].bold = True
        cells[0].width, cells[1].width = Cm(3.5), Cm(13.5)
    document.add_paragraph()
    document.add_paragraph("Opgesteld met ZET, de Zorg en ondersteuning Evaluatie Tool.")


def _table(document, block: Table) -> None:
    if block.caption:
        caption = document.add_paragraph(block.caption, style="Caption")
        caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = document.styles["Table Grid"]
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, text in zip(header.cells, block.header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for i, row in enumerate(block.rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
            if i in block.marked:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    if block.widths:
        total = sum(block.widths)
        for row in table.rows:
            for cell, width in zip(row.cells, block.widths):
                cell.width = Cm(17.0 * width / total)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    document.add_paragraph()


def _repeat_as_header(row) -> None:
    """Word repeats a row marked tblHeader at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _figure(document, block: Figure) -> None:
    document.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", block.alt)     # the alt text screen readers and Word show
    inline.docPr.set("title", block.caption)
    document.add_paragraph(block.caption, style="Caption")


def _page_numbers(section) -> None:
    """'Pagina N' in the footer of the body (not on the title page)."""
    section.footer.is_linked_to_previous = False
    paragraph = section.footer.paragraphs[0]
    paragraph.text = "Pagina "
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
