"""The Excel workbook of an export, built from frames and returned as bytes.

Sheets, in order: Gemeenten (element x gemeente, gemeentescore), one sheet per gemeente (element x
casus, casusscore, last column Gemiddelde), Analyseschema (casus x element), Volledigheid (per
casus its status and which perspectives are present and definitief), Data (the long
interchange format, second ratings included), Overeenstemming (agreement between the two
ratings of double-rated perspectives, per element), the facts sheets of zet.interchange (Gemeentegegevens, Onderzoeken,
Casussen, Perspectieven, Citaten), Instrument, Over deze export. Data and the facts sheets
together hold everything ZET stores about the exported casussen and import back as they are.

Written with XlsxWriter in constant_memory mode (each row streamed once, in order, to a temporary
file): measured against the fastest plain dump of the same cells (bench/), it is the faster of
the two writers this stack has, and the national dataset costs little more than dumping its
cells. Text is always written as text, never as a formula; text that a spreadsheet would read
as one when edited also carries Excel's quote prefix (see cells.py).
No Flask and no database here: the caller passes the frames (zet.export.service does that).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

import analysis
from analysis import AnalysisSettings, agreement
from analysis.colour_scale import BANDS
from zet.export.cells import TextColumn, clean_text, looks_like_formula, text_column
from zet.export.csv import is_text
from zet.export.tables import (DATA_COLUMNS, anonymise_long, by_gemeente, data_order,
                               gemeente_order, label_order, score_values)
from zet.interchange import DATE_COLUMNS, REGISTERS
from zet.progress import Progress, counted, silent
from zet.vocabulary import quote_source

SHEET_GEMEENTEN = "Gemeenten"
SHEET_SCHEMA = "Analyseschema"
SHEET_COMPLETENESS = "Volledigheid"
SHEET_DATA = "Data"
SHEET_AGREEMENT = "Overeenstemming"
SHEET_INSTRUMENT = "Instrument"
SHEET_ABOUT = "Over deze export"
FIXED_SHEETS = (SHEET_GEMEENTEN, SHEET_SCHEMA, SHEET_COMPLETENESS, SHEET_DATA, SHEET_AGREEMENT,
                SHEET_INSTRUMENT, SHEET_ABOUT,
                *(register.sheet for register in REGISTERS))
SCHEMA_HEADERS = ("gemeente", "onderzoek", "casus", "doelgroep", "element", "werkzaam element",
                  "inwoner", "professional", "dossier", "casusscore", "verschil", "oordeel",
                  "toelichting", "citaten")
SCHEMA_SCORE_HEADERS = ("inwoner", "professional", "dossier", "casusscore")
MAX_IMAGE_GEMEENTEN = 60  # more gemeenten: no heatmap images (too wide, and too slow to draw)
_INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
# The few cell styles, by name; a cell may combine them (a header that looks like a formula).
_STYLES = {"header": {"bold": True, "bg_color": "#E8E8E8"}, "score": {"num_format": "0.0"},
           "date": {"num_format": "dd-mm-yyyy"}, "wrap": {"text_wrap": True, "valign": "top"},
           "text": {"quote_prefix": True}}


def build_workbook(long: pd.DataFrame, citaten: pd.DataFrame | None, instrument, *,
                   anonymous: bool = False, filters_description: str = "Alle gemeenten",
                   settings: AnalysisSettings = analysis.DEFAULT_SETTINGS,
                   exported_on: date | None = None,
                   registers: dict[str, pd.DataFrame] | None = None,
                   labels: dict[str, str] | None = None,
                   rondes: dict | None = None, data: pd.DataFrame | None = None,
                   overeenstemming=None, progress: Progress = silent) -> bytes:
    """The export workbook (.xlsx bytes).

    long: the long frame of zet.services.dataset.scores_frame (gemeente, onderzoek, casus,
    doelgroep, perspectief, rol, element, antwoord, toelichting); citaten: its citaten_frame
    (gemeente, casus, perspectief, rol, element, tekst, bron) or None; instrument: the
    zet.instrument.Instrument whose element order and names the sheets use. anonymous: gemeenten
    become 'Gemeente A', 'Gemeente B', ... on every sheet, casus codes 'A-01', ...; toelichting
    and quotes are left out; ``labels`` and ``rondes`` give the labels to use (see
    tables.anonymise_long).
    registers: per zet.interchange register name its frame of cells
    (zet.export.registers.register_tables), written as the facts sheets; never with anonymous.
    data: the rows of the Data sheet when they are more than ``long`` (tables.with_second_ratings:
    the rater codes and second ratings); never with anonymous. overeenstemming: the agreement
    figures (zet.services.overeenstemming.Overeenstemming) for the sheet Overeenstemming; the
    sheet is left out without them.
    progress hears which sheet is being written and the share done.
    """
    exported_on = exported_on or date.today()
    elements = pd.DataFrame({"code": [e.code for e in instrument.elements],
                             "name": [e.name for e in instrument.elements]})
    if anonymous:
        long, labels, scrub = anonymise_long(long, labels, rondes, settings)
        present = set(long["gemeente"])
        gemeenten = [label for label in label_order(labels) if label in present]
        filters_description = scrub(filters_description)
        citaten = registers = data = None
    else:
        gemeenten = gemeente_order(long["gemeente"].unique())
    progress("Analyse", 0.0)
    result = analysis.analyse(long, elements, settings, toelichting=not anonymous)
    progress("Tabbladen per gemeente", 0.1)
    order = analysis.element_order(elements, long["element"].unique())
    names = analysis.element_labels(elements)
    element_names = [names.get(code, code) for code in order]
    with_images = len(gemeenten) <= MAX_IMAGE_GEMEENTEN

    buffer = io.BytesIO()
    workbook = _Book(buffer)
    comparison = _gemeente_matrix(result, elements, gemeenten)
    _gemeenten_sheet(workbook, comparison, element_names, result.basis, settings, with_images)
    figures = {str(g): part.set_index(part["element"].astype(str)) for g, part in
               result.gemeente_scores.groupby("gemeente", sort=False, observed=True)}
    for done, (gemeente, sheet_name, part) in enumerate(_per_gemeente(result.schema, gemeenten)):
        _gemeente_sheet(workbook, sheet_name, gemeente, part, elements, element_names,
                        figures.get(gemeente), order, with_images)
        progress("Tabbladen per gemeente", 0.1 + 0.4 * (done + 1) / max(len(gemeenten), 1))
    progress("Tabblad Analyseschema", 0.5)
    _schema_sheet(workbook, result.schema, citaten, names, gemeenten, anonymous)
    _completeness_sheet(workbook, by_gemeente(result.casussen, gemeenten))
    _data_sheet(workbook, data_order(long if data is None else data, gemeenten, order),
                progress)
    if overeenstemming is not None:
        _agreement_sheet(workbook, overeenstemming)
    progress("Overige tabbladen", 0.9)
    for register in REGISTERS if registers else ():
        _register_sheet(workbook, register, registers[register.name])
    _instrument_sheet(workbook, instrument, order, names)
    _about_sheet(workbook, exported_on=exported_on, filters=filters_description,
                 instrument=instrument, anonymous=anonymous, settings=settings,
                 n_gemeenten=len(gemeenten), n_casussen=len(result.casussen),
                 n_compleet=int(result.casussen["compleet"].sum()),
                 long=long, with_images=with_images, n_citaten=_count(citaten),
                 n_citaten_los=_count(citaten, loose=True), with_registers=bool(registers))
    workbook.close()
    progress("Werkboek klaar", 1.0)
    return buffer.getvalue()


# --- cells --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Styled:
    """A cell value with the names of its styles (keys of _STYLES)."""
    value: object
    style: tuple[str, ...]


class _Book:
    """The XlsxWriter workbook and its cell formats, each made once."""

    def __init__(self, output):
        self.book = xlsxwriter.Workbook(output, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "remove_timezone": True})
        self._formats: dict[tuple[str, ...], object] = {}

    def format(self, style: tuple[str, ...]):
        if style not in self._formats:
            properties = {}
            for name in style:
                properties.update(_STYLES[name])
            self._formats[style] = self.book.add_format(properties)
        return self._formats[style]

    def band_format(self, band):
        key = ("band", band.fill)
        if key not in self._formats:
            self._formats[key] = self.book.add_format({"bg_color": band.fill,
                                                       "font_color": band.ink})
        return self._formats[key]

    def create_sheet(self, title: str) -> "_Sheet":
        return _Sheet(self, self.book.add_worksheet(title))

    def close(self) -> None:
        self.book.close()


class _Sheet:
    """One worksheet, written row after row (constant_memory: a row once left is final)."""

    def __init__(self, book: _Book, worksheet):
        self.book, self.ws, self.row = book, worksheet, 0

    def append(self, values=()) -> None:
        """The next row. None, NaN and '' stay empty; str is always text; Styled gets its
        format."""
        ws, r = self.ws, self.row
        for c, value in enumerate(values):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if value:   # an empty text is an empty cell
                    ws.write_string(r, c, value)
            elif kind is float:
                if value == value:   # not NaN
                    ws.write_number(r, c, value)
            elif kind is int:
                ws.write_number(r, c, value)
            elif kind is Styled:
                self._styled(r, c, value)
            else:
                self._other(r, c, value)
        self.row = r + 1

    def _styled(self, r: int, c: int, cell: Styled) -> None:
        ws, value, fmt = self.ws, cell.value, self.book.format(cell.style)
        if isinstance(value, str) and value:
            ws.write_string(r, c, value, fmt)
        elif value is None or value == "" or (isinstance(value, float) and value != value):
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, (date, datetime)):
            ws.write_datetime(r, c, value, fmt)
        else:
            ws.write(r, c, value, fmt)

    def _other(self, r: int, c: int, value) -> None:
        if isinstance(value, (bool, np.bool_)):
            self.ws.write_boolean(r, c, bool(value))
        elif isinstance(value, (np.integer, np.floating)):
            if value == value:   # not NaN
                self.ws.write_number(r, c, value.item())
        elif isinstance(value, (date, datetime)):
            self.ws.write_datetime(r, c, value, self.book.format(("date",)))
        else:
            self.ws.write_string(r, c, clean_text(value))

    def freeze(self, cell: str) -> None:
        self.ws.freeze_panes(cell)

    def widths(self, widths) -> None:
        for i, width in enumerate(widths):
            self.ws.set_column(i, i, width)

    def colour_scale(self, cell_range: str) -> None:
        """Each score in the colour of its band (analysis.colour_scale), as on the pages and in
        the heatmaps: one rule per band, the first that holds wins. A formula rule, as a plain
        'cell value' rule would colour empty cells like a 0 and texts like a 5."""
        first = cell_range.split(":")[0]
        for band in BANDS:
            if band is BANDS[-1]:   # (with the scale's tolerance: 7.5/3 is 2.5)
                test = f"{first}>={BANDS[-2].upper}-1E-9"
            elif band.closed:
                test = f"{first}<={band.upper}+1E-9"
            else:
                test = f"{first}<{band.upper}-1E-9"
            self.ws.conditional_format(cell_range, {
                "type": "formula", "criteria": f"=AND(ISNUMBER({first}),{test})",
                "format": self.book.band_format(band), "stop_if_true": True})

    def image(self, png: bytes, anchor: str, description: str) -> None:
        """A picture with its alt text (what a screen reader in Excel reads)."""
        self.ws.insert_image(anchor, "heatmap.png", {"image_data": io.BytesIO(png),
                                                     "description": description})


def _cell(value, *, header: bool = False, score: bool = False, as_date: bool = False,
          wrap: bool = False):
    """A value with its styles; text that could read as a formula gets the quote prefix."""
    if isinstance(value, str):
        value = clean_text(value)
    style = ("text",) if isinstance(value, str) and looks_like_formula(value) else ()
    style += tuple(name for name, on in (("header", header), ("score", score),
                                         ("date", as_date), ("wrap", wrap)) if on)
    return Styled(value, style) if style else value


def _guarded(column: TextColumn) -> np.ndarray:
    """Per row the cell value of a text column: the text, or for text that looks like a
    formula the text with the quote prefix."""
    values = column.values.copy()
    for i in np.flatnonzero(column.risky):
        values[i] = Styled(values[i], ("text",))
    return column.rows(values)


def _numbers(values) -> np.ndarray:
    """Floats as an object array of Python floats with None for NaN."""
    array = np.asarray(values, dtype=float)
    result = array.astype(object)
    result[np.isnan(array)] = None
    return result


def _header(ws, headers) -> None:
    ws.append([_cell(h, header=True) for h in headers])


def _text_width(values, minimum: int = 8, maximum: int = 60) -> float:
    sample = [len(str(v)) for v in values[:500] if v is not None]
    return float(min(max([minimum] + sample) + 2, maximum))


def get_column_letter(number: int) -> str:
    """The letter(s) of a 1-based column number (1 is A)."""
    return xl_col_to_name(number - 1)


# --- Gemeenten and one sheet per gemeente -------------------------------------------------

def _gemeente_matrix(result, elements, gemeenten) -> pd.DataFrame:
    """Element (rows, instrument order) x gemeente (columns, sheet order): gemeentescore."""
    matrix = analysis.element_matrix(result.gemeente_scores, "gemeente", "score", elements) \
        if not result.gemeente_scores.empty else pd.DataFrame(index=[], dtype=float)
    return matrix.reindex(columns=gemeenten)


def _gemeenten_sheet(workbook, matrix, element_names, basis, settings, with_images) -> None:
    ws = workbook.create_sheet(SHEET_GEMEENTEN)
    gemeenten = list(matrix.columns)
    ws.freeze("B2")
    ws.widths([_text_width(element_names, 20, 55)] +
            [_text_width([g], 10, 30) for g in gemeenten])
    _header(ws, ["Werkzaam element"] + gemeenten)
    values = matrix.to_numpy(dtype=float) if len(matrix) else np.empty((len(element_names), 0))
    for name, row in zip(element_names, values):
        ws.append([_cell(name, header=True)] +
                  [_cell(v, score=True) for v in _numbers(row)])
    per_gemeente = basis.set_index(basis["gemeente"].astype(str))
    ws.append([])
    for label, column in (("Aantal casussen", "n_casussen"), ("waarvan compleet", "n_compleet")):
        ws.append([label] + [int(per_gemeente.at[g, column]) if g in per_gemeente.index else 0
                             for g in gemeenten])
    ws.append(["Indicatief"] + ["ja" if g not in per_gemeente.index or
                                per_gemeente.at[g, "indicatief"] else "nee" for g in gemeenten])
    ws.append(["Gemeentescore = gemiddelde van de casusscores; elke casus telt even zwaar. "
               "Kleur: de acht banden van ZET en de heatmaps, van donkeroranje (1 – 1,5) via "
               "licht (rond 3) naar donkerblauw (4,5 – 5); oranje tot en met 2,5 = knelpunt, "
               "blauw vanaf 3,5 = succesfactor."])
    ws.append([f"Indicatief: minder dan {settings.min_compleet} complete casussen (inwoner, "
               "minstens één professional en dossier definitief); zie het tabblad "
               f"{SHEET_COMPLETENESS}."])
    if gemeenten and element_names:
        ws.colour_scale(f"B2:{get_column_letter(len(gemeenten) + 1)}{len(element_names) + 1}")
    if with_images and gemeenten:
        png = analysis.heatmap_png(matrix, "Gemiddelde casusscore per gemeente",
                                   xlabel="Gemeente")
        ws.image(png, f"A{len(element_names) + 9}",
                 "Heatmap van de gemiddelde casusscore per werkzaam element (rijen) en "
                 "gemeente (kolommen); de waarden staan in de tabel hierboven.")


def sheet_names(gemeenten: list[str]) -> list[str]:
    """A valid, unique sheet name per gemeente: at most 31 characters, none of []:*?/\\, no
    apostrophe at either end, never one of the fixed sheet names (ignoring case)."""
    taken = {name.casefold() for name in FIXED_SHEETS} | {"history"}
    result = []
    for gemeente in gemeenten:
        base = " ".join(clean_text(gemeente).translate(_INVALID_SHEET_CHARS).split()).strip("'")
        base = base[:31].strip().strip("'") or "Gemeente"
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            name = base[:31 - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        result.append(name)
    return result


def _per_gemeente(schema: pd.DataFrame, gemeenten: list[str]):
    """(gemeente, sheet name, its analyseschema rows) in sheet order."""
    parts = {str(g): part for g, part in schema.groupby("gemeente", sort=False, observed=True)}
    for gemeente, name in zip(gemeenten, sheet_names(gemeenten)):
        yield gemeente, name, parts.get(gemeente, schema.iloc[0:0])


def _gemeente_sheet(workbook, sheet_name, gemeente, schema, elements, element_names,
                    figures, order, with_images) -> None:
    """Element x casus (casusscore), then per element the gemeentescore ('Gemiddelde') with the
    casussen it rests on, how many of them are complete and whether it is indicatief."""
    ws = workbook.create_sheet(sheet_name)
    matrix = analysis.element_matrix(schema, "casus", "casusscore", elements)
    casussen = list(matrix.columns)
    ws.freeze("B2")
    ws.widths([_text_width(element_names, 20, 55)] +
            [_text_width([c], 8, 20) for c in casussen] + [12, 12, 16, 11])
    _header(ws, ["Werkzaam element"] + casussen + ["Gemiddelde", "n casussen",
                                                   "waarvan compleet", "indicatief"])
    values = matrix.to_numpy(dtype=float)
    for code, name, row in zip(order, element_names, values):
        figure = figures.loc[code] if figures is not None and code in figures.index else None
        mean = _numbers([figure["score"] if figure is not None else np.nan])[0]
        counts = [int(figure["n_casussen"]), int(figure["n_compleet"]),
                  "ja" if figure["indicatief"] else "nee"] if figure is not None else [0, 0, "ja"]
        ws.append([_cell(name, header=True)] +
                  [_cell(v, score=True) for v in _numbers(row)] +
                  [_cell(mean, score=True)] + counts)
    ws.append([])
    ws.append([_cell(f"Gemeente: {gemeente}")])
    ws.append(["Cellen: casusscore = gemiddelde van de aanwezige perspectieven (inwoner, "
               "professional, dossier). Gemiddelde = gemeentescore (elke casus telt even zwaar); "
               "indicatief: rust op te weinig complete casussen (zie Over deze export)."])
    if element_names:
        last = get_column_letter(len(casussen) + 2)
        ws.colour_scale(f"B2:{last}{len(element_names) + 1}")
    if with_images and casussen:
        png = analysis.heatmap_png(matrix, f"{gemeente}: casusscore per werkzaam element",
                                   xlabel="Casus")
        ws.image(png, f"A{len(element_names) + 6}",
                 f"Heatmap van de casusscore per werkzaam element (rijen) en casus (kolommen) "
                 f"van {gemeente}; de waarden staan in de tabel hierboven.")


# --- Analyseschema and Data ---------------------------------------------------------------

def _quotes_per_cell(citaten: pd.DataFrame | None) -> pd.DataFrame | None:
    """Quotes tied to an element, joined per gemeente, casus and element."""
    if citaten is None or citaten.empty:
        return None
    bound = citaten[citaten["element"].fillna("").astype(str) != ""]
    if bound.empty:
        return None
    source = [quote_source(spreker or perspectief, rol or "", bron or "") for spreker, perspectief,
              rol, bron in zip(bound["spreker"], bound["perspectief"], bound["rol"], bound["bron"])]
    text = "“" + bound["tekst"].astype(str) + "” (" + pd.Series(source, index=bound.index) + ")"
    frame = pd.DataFrame({"gemeente": bound["gemeente"].astype(str),
                          "casus": bound["casus"].astype(str),
                          "element": bound["element"].astype(str), "citaten": text})
    return frame.groupby(["gemeente", "casus", "element"], sort=False, as_index=False)[
        "citaten"].agg(" | ".join)


def _schema_sheet(workbook, schema, citaten, names, gemeenten, anonymous) -> None:
    ws = workbook.create_sheet(SHEET_SCHEMA)
    headers = [h for h in SCHEMA_HEADERS if not (anonymous and h in ("toelichting", "citaten"))]
    schema = by_gemeente(schema, gemeenten)
    codes = schema["element"].astype(str)
    frame = {"gemeente": schema["gemeente"], "onderzoek": schema["onderzoek"],
             "casus": schema["casus"], "doelgroep": schema["doelgroep"], "element": codes,
             "werkzaam element": codes.map(names).fillna(codes),
             "oordeel": schema["oordeel"]}
    if not anonymous:
        frame["toelichting"] = schema["toelichting"]
        quotes = _quotes_per_cell(citaten)
        if quotes is not None and len(schema):
            keys = pd.DataFrame({"gemeente": schema["gemeente"].astype(str),
                                 "casus": schema["casus"].astype(str), "element": codes})
            frame["citaten"] = keys.merge(quotes, how="left", on=["gemeente", "casus", "element"],
                                          sort=False)["citaten"].to_numpy()
        else:
            frame["citaten"] = pd.Series([""] * len(schema), dtype=object)
    columns = []
    for header in headers:
        if header in ("inwoner", "professional", "dossier", "casusscore", "verschil"):
            columns.append(_numbers(schema[header]))
        else:
            columns.append(_guarded(text_column(pd.Series(frame[header]).reset_index(
                drop=True))))
    ws.freeze("A2")
    ws.widths([{"toelichting": 80, "citaten": 60, "werkzaam element": 40}.get(
        h, _text_width([h] + list(col[:200]), 8, 30)) for h, col in zip(headers, columns)])
    _header(ws, headers)
    for row in zip(*columns):
        ws.append(row)
    if len(schema):
        for header in SCHEMA_SCORE_HEADERS:
            letter = get_column_letter(headers.index(header) + 1)
            ws.colour_scale(f"{letter}2:{letter}{len(schema) + 1}")


COMPLETENESS_HEADERS = ("gemeente", "onderzoek", "casus", "doelgroep", "casusstatus",
                        "inwoner", "professional", "dossier", "compleet")


def _completeness_sheet(workbook, casussen: pd.DataFrame) -> None:
    """Per casus (with at least one answer) its status and which perspectives are present and
    definitief, so a reader sees what each figure rests on."""
    ws = workbook.create_sheet(SHEET_COMPLETENESS)
    frame = casussen.rename(columns={"casus_status": "casusstatus"})
    columns = [_guarded(text_column(frame[h].reset_index(drop=True)))
               for h in COMPLETENESS_HEADERS[:-1]]
    columns.append(np.where(frame["compleet"].to_numpy(dtype=bool), "ja", "nee"))
    ws.freeze("A2")
    ws.widths([_text_width([h] + list(c[:200]), 10, 30) for h, c in
                 zip(COMPLETENESS_HEADERS, columns)])
    _header(ws, COMPLETENESS_HEADERS)
    for row in zip(*columns):
        ws.append(row)
    ws.append([])
    ws.append(["Compleet: inwoner, minstens één professional en dossier definitief. "
               "Ontbreekt: voor dat perspectief is geen antwoord opgeslagen."])


def _data_sheet(workbook, long, progress: Progress = silent) -> None:
    ws = workbook.create_sheet(SHEET_DATA)
    columns = []
    for header in DATA_COLUMNS:
        if header == "score":
            columns.append(score_values(long["antwoord"]))
        elif header == "beoordeling" and header in long.columns:
            columns.append(np.asarray(long[header].tolist(), dtype=object))
        elif header in long.columns:
            columns.append(_guarded(text_column(long[header])))
        else:
            columns.append(np.full(len(long), None, dtype=object))
    ws.freeze("A2")
    ws.widths([{"toelichting": 80, "score": 8}.get(h, _text_width([h] + list(c[:200]), 8, 30))
                 for h, c in zip(DATA_COLUMNS, columns)])
    ws.append(list(DATA_COLUMNS))  # the import header, as plain text
    for row in counted(zip(*columns), len(long), progress, "Tabblad Data", 0.6, 0.9):
        ws.append(row)


AGREEMENT_HEADERS = ("element", "paren", "exact_pct", "binnen_1_pct", "kappa_kwadratisch",
                     "alpha_ordinaal", "werkzaam element", "zonder_score", "onzeker")


def _agreement_sheet(workbook, overeenstemming) -> None:
    """One row per element and the row 'Alle elementen': the pairs and the four figures
    (empty below analysis.agreement.MIN_PAIRS pairs), then what they mean."""
    ws = workbook.create_sheet(SHEET_AGREEMENT)
    ws.freeze("A2")
    ws.widths([16, 8, 11, 13, 18, 15, 40, 13, 9])
    _header(ws, AGREEMENT_HEADERS)
    for row in overeenstemming.per_element.itertuples(index=False):
        ws.append([row.element, int(row.paren), _rounded(row.exact_pct, 1),
                   _rounded(row.binnen_1_pct, 1), _rounded(row.kappa_kwadratisch, 3),
                   _rounded(row.alpha_ordinaal, 3), _cell(row.naam), int(row.zonder_score),
                   "ja" if row.onzeker else "nee"])
    ws.append([])
    for line in (
            f"Een paar is één element van één perspectief (casus, perspectief, rol) dat twee "
            f"beoordelaars los van elkaar hebben gescoord. Beoordeelde perspectieven (beide "
            f"beoordelingen definitief): {overeenstemming.perspectieven}; nog niet meegeteld, "
            f"omdat een beoordeling nog concept is: {overeenstemming.concept} paren.",
            "exact_pct: het deel van de paren (0-100) met dezelfde score. binnen_1_pct: het "
            "deel met hooguit één punt verschil.",
            "kappa_kwadratisch: Cohens kappa met kwadratische gewichten over de hele schaal 1-5 "
            "(1 = volledig eens, 0 = niet beter dan toeval). alpha_ordinaal: Krippendorffs alfa "
            "voor ordinale gegevens (zelfde lezing; vanaf 0,8 betrouwbaar, 0,667-0,8 voorzichtig).",
            f"Onder {agreement.MIN_PAIRS} paren staan er geen cijfers; onder "
            f"{agreement.CERTAIN_PAIRS} paren zijn ze onzeker (onzeker = ja). nvt en onbekend "
            "tellen niet als paar maar staan in zonder_score."):
        ws.append([line])


def _rounded(value, digits: int):
    return None if value is None or value != value else round(float(value), digits)


def _register_sheet(workbook, register, frame: pd.DataFrame) -> None:
    """One facts sheet: the register's columns as the header (plain text, the import reads it
    back), text cells guarded against formulas, dates as date cells."""
    ws = workbook.create_sheet(register.sheet)
    columns = []
    for name in register.columns:
        values = frame[name]
        if name in DATE_COLUMNS:
            columns.append([None if v is None else _cell(v, as_date=True)
                            for v in values])
        elif is_text(values):
            columns.append(_guarded(text_column(values.reset_index(drop=True))))
        else:
            columns.append(values.to_numpy(dtype=object))
    ws.freeze("A2")
    ws.widths([{"toelichting": 80, "toegang": 60, "focus": 60, "hulpvraag": 60, "tekst": 60}.get(
        name, _text_width([name] + [v for v in col[:200] if isinstance(v, str)], 10, 40))
        for name, col in zip(register.columns, columns)])
    ws.append(list(register.columns))
    for row in zip(*columns):
        ws.append(row)


# --- Instrument and Over deze export ------------------------------------------------------

def _instrument_sheet(workbook, instrument, order, names) -> None:
    ws = workbook.create_sheet(SHEET_INSTRUMENT)
    ws.freeze("A2")
    ws.widths([10, 45, 60, 80])
    _header(ws, ["code", "naam", "bron", "omschrijving"])
    for code in order:
        element = instrument.element(code) if hasattr(instrument, "element") else None
        if element is None:
            ws.append([_cell(code), _cell(names.get(code, code)),
                       "Niet in deze instrumentversie (komt wel voor in de gegevens).", None])
        else:
            ws.append([_cell(element.code), _cell(element.name),
                       _cell(element.source), _cell(element.description)])
    ws.append([])
    ws.append([_cell("Instrumentversie", header=True), _cell(instrument.version)])
    ws.append([_cell("Titel", header=True), _cell(instrument.title)])


def _dutch(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _count(citaten, loose: bool = False) -> int:
    if citaten is None or citaten.empty:
        return 0
    empty = citaten["element"].fillna("").astype(str) == ""
    return int(empty.sum()) if loose else int((~empty).sum())


def _about_sheet(workbook, *, exported_on, filters, instrument, anonymous, settings,
                 n_gemeenten, n_casussen, n_compleet, long, with_images, n_citaten, n_citaten_los,
                 with_registers) -> None:
    ws = workbook.create_sheet(SHEET_ABOUT)
    ws.freeze("A2")
    ws.widths([32, 110])
    n_scores = int(long["antwoord"].isin(["1", "2", "3", "4", "5"]).sum()) if len(long) else 0
    rows = [
        ("Exportdatum", exported_on.strftime("%d-%m-%Y")),
        ("Filters", filters),
        ("Instrumentversie", f"{instrument.version} ({instrument.title})"),
        ("Aantal gemeenten", n_gemeenten),
        ("Aantal casussen", n_casussen),
        ("waarvan compleet", n_compleet),
        ("Aantal antwoorden (rijen in Data)", len(long)),
        ("waarvan een score 1-5", n_scores),
        ("Geanonimiseerd", "ja" if anonymous else "nee"),
    ]
    if anonymous:
        rows.append(("Anonimisering", "Gemeenten heten Gemeente A, B, ... (op naam gesorteerd, "
                     "in elk tabblad hetzelfde); casuscodes zijn vervangen door A-01, A-02, ...; "
                     "toelichtingen en citaten zijn weggelaten."))
        rows.append(("Eenrichtingsverkeer", "Een geanonimiseerde export kan niet terug in ZET "
                     "worden geïmporteerd: de namen en codes zijn vervangen en de gegevens van "
                     "casussen en perspectieven zijn weggelaten. ZET weigert dit bestand bij "
                     "een import."))
    else:
        rows.append(("Citaten", f"{n_citaten} citaten bij een werkzaam element staan ook in de "
                     "kolom 'citaten' van het Analyseschema; alle citaten"
                     + (f" (ook de {n_citaten_los} zonder werkzaam element)" if n_citaten_los
                        else "") + " staan in tabblad Citaten."))
    if with_registers:
        rows.append(("Gegevens", "De tabbladen Gemeentegegevens, Onderzoeken, Casussen, "
                     "Perspectieven en Citaten bevatten de overige gegevens van de casussen. "
                     "Samen met tabblad Data is dit werkboek een volledige kopie die zo weer "
                     "kan worden geïmporteerd (docs/importformaat.md)."))
    if not with_images:
        rows.append(("Heatmap-afbeeldingen", f"Weggelaten: meer dan {MAX_IMAGE_GEMEENTEN} "
                     "gemeenten. De kleuren in de tabellen tonen dezelfde heatmap."))
    rows += [
        ("Rekenregels", ""),
        ("Perspectiefwaarde", "De score (1-5) van inwoner, professional of dossier. Bij meer "
         "professionals: het gemiddelde van hun scores. 'nvt', 'onbekend' en lege antwoorden "
         "tellen niet mee."),
        ("Casusscore", "Het gemiddelde van de aanwezige perspectiefwaarden: inwoner, "
         "professional en dossier wegen even zwaar. Zonder perspectiefwaarde geen casusscore."),
        ("Verschil", "Hoogste min laagste perspectiefwaarde, alleen als er minstens twee zijn. "
         f"Vanaf {_dutch(settings.afwijkend_min)} wijken de perspectieven opvallend af."),
        ("Oordeel", f"knelpunt bij een score tot en met {_dutch(settings.knelpunt_max)}, "
         f"succesfactor vanaf {_dutch(settings.succesfactor_min)}, daartussen gemengd."),
        ("Gemeentescore", "Het gemiddelde van de casusscores van de gemeente per werkzaam element "
         "(elke casus telt even zwaar): tabblad Gemeenten en kolom 'Gemiddelde' per gemeente."),
        ("Compleet", "Een casus is compleet als de inwoner, minstens één professional en het "
         "dossier definitief zijn (tabblad Volledigheid)."),
        ("Indicatief", f"Een cijfer dat rust op minder dan {settings.min_compleet} complete "
         "casussen is indicatief: de methode adviseert minstens "
         f"{settings.min_compleet} complete casussen per gemeente."),
        ("Kleuren", "Oranje = laag (knelpunt, 1), wit = 3, blauw = hoog (succesfactor, 5); "
         "geschikt bij kleurenblindheid. Lege cel = geen score."),
        ("Data", "Tabblad Data is het importformaat (één rij per antwoord; element als code, "
         "score 1-5, nvt, onbekend of leeg; status van het perspectief) en kan zo weer worden "
         "geïmporteerd."),
        ("Lange teksten", "Een tekst langer dan 32.767 tekens (de grens van Excel) is ingekort; "
         "de cel eindigt dan met '… [ingekort: N tekens weggelaten]'."),
    ]
    _header(ws, ["Onderdeel", "Waarde"])
    for label, value in rows:
        ws.append([_cell(label, header=label == "Rekenregels"),
                   _cell(value, wrap=isinstance(value, str) and len(value) > 100)])
