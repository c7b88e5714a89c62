"""The gemeenterapport's content: what a council member reads about one gemeente (and one
onderzoek), in the order of the method's report: title page, summary, approach, gemeente
profile, one section per casus, the totaalbeeld per werkzaam element, the eindanalyse, the
verbeteracties and an appendix. Returns zet.rapport.blocks; zet.rapport.pdf and .word write them.

The anonymous report uses the anonymous labels of the anonymised exports, quotes only what may
be quoted, leaves out every free text (hulpvraag, toelichting, conclusions, titles) and every
figure on a single casus, and suppresses figures resting on fewer than SETTINGS.min_casussen
casussen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import analysis
from analysis.formatting import format_score
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from zet.access import Scope
from zet.errors import DomainError
from zet.export.tables import NameScrubber, anonymous_casus_labels
from zet.instrument import Instrument
from zet.models import Casus, Eindanalyse, Gemeente, Onderzoek, Perspectief, Verbeteractie
from zet.rapport.blocks import (Bullets, Figure, Heading, PageBreak, Para, Quote, Rapport,
                                Table)
from zet.rules.names import file_slug
from zet.services.analyse import SETTINGS, Filters, elements_frame, long_frame, run_analysis
from zet.services.dataset import anonymous_labels
from zet.services.rondes import ronde_labels
from zet.services.verbeteracties import list_acties
from zet.vocabulary import ACTIE_NIVEAUS, DISCIPLINES, PERSPECTIEF_LABELS, quote_source

MAX_QUOTES_PER_CASUS = 3


@dataclass(frozen=True)
class RapportKeuze:
    """What the report is about; ``onderzoek`` None means every onderzoek of the gemeente."""
    gemeente: Gemeente
    onderzoek: Onderzoek | None = None
    alleen_compleet: bool = False
    anoniem: bool = False


def no_casussen_message(keuze: RapportKeuze) -> str:
    what = f"onderzoek '{keuze.onderzoek.titel}'" if keuze.onderzoek else keuze.gemeente.naam
    complete = " complete" if keuze.alleen_compleet else ""
    return (f"Er zijn nog geen{complete} casussen met scores voor {what}: er is geen rapport te "
            "maken. Voer eerst casussen in" + (", of laat 'alleen complete casussen' uit."
                                               if keuze.alleen_compleet else "."))


def build_rapport(session: Session, scope: Scope, instrument: Instrument, keuze: RapportKeuze,
                  today: date) -> Rapport:
    """The report's blocks; DomainError (no file) when there are no casussen to report on."""
    gemeente, onderzoek = keuze.gemeente, keuze.onderzoek
    filters = Filters(gemeente_ids=(gemeente.id,), onderzoek_id=onderzoek.id if onderzoek else None,
                      alleen_compleet=keuze.alleen_compleet)
    _, result = run_analysis(session, scope, instrument, filters)
    if result.casussen.empty:
        raise DomainError(no_casussen_message(keuze))
    writer = _Writer(session, scope, instrument, keuze, result, today)
    return writer.rapport()


class _Writer:
    """Builds the sections one by one; every choice between the named and the anonymous report
    is made here, in one place per section."""

    def __init__(self, session, scope, instrument, keuze: RapportKeuze, result, today: date):
        self.session, self.instrument, self.keuze, self.result = session, instrument, keuze, result
        self.today, self.anoniem = today, keuze.anoniem
        self.gemeente = keuze.gemeente
        self.names = {e.code: e.name for e in instrument.elements}
        codes = list(result.casussen["casus"])
        self.casus_label = {code: code for code in codes}
        self.label, self.scrub = self.gemeente.naam, (lambda text: text)
        if self.anoniem:   # the labels the anonymised export of this gemeente uses
            labels = anonymous_labels(session, scope, gemeente_ids=(self.gemeente.id,))
            self.label = labels.get(self.gemeente.naam, "Gemeente")
            long = long_frame(session, scope, Filters(gemeente_ids=(self.gemeente.id,),
                                                      alleen_compleet=keuze.alleen_compleet),
                              toelichting=False)
            export_codes = anonymous_casus_labels(long, labels)
            self.casus_label = {code: export_codes.get((self.gemeente.naam, code), "Casus")
                                for code in codes}
            self.scrub = NameScrubber(labels)
        self.casussen = {c.code: c for c in session.scalars(
            select(Casus).where(Casus.gemeente_id == self.gemeente.id, Casus.code.in_(codes))
            .options(selectinload(Casus.perspectieven).selectinload(Perspectief.citaten)))}
        self.sessies = self._sessies()
        self.acties = self._acties(scope)
        scores = result.gemeente_scores
        self.n_per_element = {str(r["element"]): int(r["n_casussen"])
                              for r in scores.to_dict("records")}
        self.now = {str(r["element"]): r["oordeel"] or None for r in scores.to_dict("records")}
        basis = result.basis.iloc[0]
        self.n_casussen, self.n_compleet = int(basis["n_casussen"]), int(basis["n_compleet"])
        self.indicatief = bool(basis["indicatief"])

    # --- what the report is about ---------------------------------------------------------

    def _onderzoek_label(self) -> str:
        onderzoek = self.keuze.onderzoek
        if onderzoek is None:
            return "Alle onderzoeken" if not self.anoniem else "Alle rondes"
        if self.anoniem:
            return ronde_labels(self.gemeente)[onderzoek.id]
        return onderzoek.titel

    def _period(self) -> str:
        onderzoek = self.keuze.onderzoek
        if onderzoek is None or not (onderzoek.periode_start or onderzoek.periode_eind):
            return "–"
        if self.anoniem:
            years = sorted({d.year for d in (onderzoek.periode_start, onderzoek.periode_eind) if d})
            return " – ".join(str(y) for y in years)
        return " t/m ".join(d.strftime("%d-%m-%Y") for d in
                            (onderzoek.periode_start, onderzoek.periode_eind) if d)

    def _sessies(self) -> list[Eindanalyse]:
        stmt = (select(Eindanalyse).join(Onderzoek)
                .where(Onderzoek.gemeente_id == self.gemeente.id)
                .options(selectinload(Eindanalyse.elementen)).order_by(Eindanalyse.datum))
        if self.keuze.onderzoek is not None:
            stmt = stmt.where(Eindanalyse.onderzoek_id == self.keuze.onderzoek.id)
        return list(self.session.scalars(stmt))

    def _acties(self, scope) -> list[Verbeteractie]:
        acties = list_acties(self.session, scope, self.gemeente.id)
        if self.keuze.onderzoek is not None:
            acties = [a for a in acties if a.onderzoek_id in (None, self.keuze.onderzoek.id)]
        rank = {niveau: i for i, niveau in enumerate(ACTIE_NIVEAUS)}
        return sorted(acties, key=lambda a: rank.get(a.niveau, len(rank)))

    def rapport(self) -> Rapport:
        facts = [("Onderzoek", self._onderzoek_label()), ("Periode", self._period()),
                 ("Casussen", f"{self.n_casussen}, waarvan {self.n_compleet} compleet"
                  + (" (alleen complete casussen)" if self.keuze.alleen_compleet else "")),
                 ("Instrument", f"{self.instrument.title}, versie {self.instrument.version}"),
                 ("Datum", self.today.strftime("%d-%m-%Y"))]
        if self.anoniem:
            facts.append(("Geanonimiseerd", "ja: geen namen, geen casuscodes, geen toelichtingen; "
                          f"cijfers op minder dan {SETTINGS.min_casussen} casussen weggelaten"))
        rapport = Rapport("Gemeenterapport", self.label, facts,
                          filename=f"gemeenterapport-{file_slug(self.label) or 'gemeente'}-"
                                   f"{self.today.isoformat()}")
        for section in (self.samenvatting, self.aanpak, self.profiel, self.casus_secties,
                        self.totaalbeeld, self.eindanalyse, self.verbeteracties, self.bijlage):
            rapport.blocks += section()
        return rapport

    # --- sections -------------------------------------------------------------------------

    def samenvatting(self) -> list:
        blocks = [Heading(1, "Samenvatting"), Para(
            f"Dit rapport laat zien hoe inwoners van {self.label} de weg naar zorg en "
            f"ondersteuning hebben ervaren. Het rust op {self.n_casussen} casussen: per casus "
            "spraken onderzoekers met de inwoner en met een betrokken professional, en lazen zij "
            "het dossier. Alle drie zijn beoordeeld op de 15 werkzame elementen.", "lead")]
        if self.indicatief:
            blocks.append(self._indicatief_note())
        latest = self.sessies[-1] if self.sessies else None
        blocks.append(Heading(2, "Prioriteiten"))
        prioriteiten = [item for item in latest.prioriteiten()
                        if self._shown(item.element_code)] if latest else []
        if prioriteiten:
            blocks.append(Bullets(tuple(
                self._element_oordeel(item.element_code, item.oordeel)
                for item in prioriteiten), numbered=True))
            blocks.append(Para(f"Zoals de gemeente ze koos in de eindanalyse van "
                               f"{self._date(latest.datum)}.", "meta"))
        else:
            blocks.append(Para("Er is nog geen eindanalyse met prioriteiten vastgelegd."))
        for soort, title, none in (
                ("knelpunt", "Belangrijkste knelpunten",
                 f"Geen werkzaam element scoort {format_score(SETTINGS.knelpunt_max)} of lager."),
                ("succesfactor", "Wat goed gaat",
                 f"Geen werkzaam element scoort {format_score(SETTINGS.succesfactor_min)} of "
                 "hoger.")):
            rows = self._summary(soort)
            blocks.append(Heading(2, title))
            blocks.append(Bullets(tuple(
                f"{self.names.get(r['element'], r['element'])} ({self._score(r)})" for r in rows))
                if rows else Para(none))
        blocks.append(Heading(2, "Afgesproken verbeteracties"))
        blocks.append(Bullets(tuple(self._actie_line(a) for a in self.acties)) if self.acties
                      else Para("Er zijn nog geen verbeteracties afgesproken."))
        blocks.append(self._heatmap(small=True))
        return blocks

    def aanpak(self) -> list:
        casussen = self.result.casussen
        per_doelgroep = casussen.groupby("doelgroep", observed=True).agg(
            n=("casus", "size"), compleet=("compleet", "sum"))
        blocks = [Heading(1, "Aanpak en verantwoording"), Para(
            "Per casus zijn drie perspectieven naast elkaar gelegd: de inwoner (of een ouder of "
            "vertegenwoordiger), een betrokken professional en het dossier. Elk perspectief "
            "scoort de werkzame elementen van 1 (gaat heel slecht) tot 5 (gaat heel goed). Een "
            "casus is compleet als de inwoner, minstens één professional en het dossier "
            "definitief zijn."),
            Table(("Doelgroep", "Casussen", "waarvan compleet"),
                  tuple((str(d), str(int(r.n)), str(int(r.compleet)))
                        for d, r in per_doelgroep.iterrows()),
                  caption="Casussen per doelgroep", widths=(2, 1, 1))]
        rows = tuple((self.casus_label[r["casus"]],
                      *(str(r[p]) for p in analysis.PERSPECTIEVEN),
                      "ja" if r["compleet"] else "nee") for r in casussen.to_dict("records"))
        blocks.append(Table(("Casus", *(PERSPECTIEF_LABELS[p] for p in analysis.PERSPECTIEVEN),
                             "Compleet"), rows, caption="Volledigheid per casus en perspectief",
                            widths=(2, 1, 1, 1, 1)))
        limits = []
        if self.indicatief:
            limits.append(f"Dit beeld is indicatief: het rust op {self.n_compleet} complete "
                          f"casus(sen); de methode adviseert er minstens {SETTINGS.min_compleet}.")
        if self.n_compleet < self.n_casussen:
            limits.append(f"{self.n_casussen - self.n_compleet} casus(sen) zijn nog niet "
                          "compleet; hun beschikbare perspectieven tellen wel mee.")
        if self.keuze.alleen_compleet:
            limits.append("Alleen complete casussen zijn meegenomen.")
        limits.append("Een casus is een verhaal van één inwoner: de uitkomsten laten zien waar "
                      "het goed gaat en waar het schuurt, niet hoe vaak iets voorkomt.")
        if self.anoniem:
            limits.append(f"Geanonimiseerd: cijfers op minder dan {SETTINGS.min_casussen} "
                          "casussen staan als '< 3'; toelichtingen en scores per casus zijn "
                          "weggelaten.")
        blocks += [Heading(2, "Beperkingen"), Bullets(tuple(limits))]
        return blocks

    def profiel(self) -> list:
        rows = [("Grootteklasse", self.gemeente.grootteklasse or "onbekend")]
        if not self.anoniem:
            rows.append(("Organisatie van de toegang", self.gemeente.toegang or "–"))
            if self.keuze.onderzoek is not None and self.keuze.onderzoek.focus:
                rows.append(("Focus van het onderzoek", self.keuze.onderzoek.focus))
        return [Heading(1, "Gemeenteprofiel"),
                Table(("Kenmerk", "Beschrijving"), tuple(rows), widths=(1, 3))]

    def casus_secties(self) -> list:
        blocks = [Heading(1, "De casussen")]
        if self.anoniem:
            blocks.append(Para("In het geanonimiseerde rapport staan per casus alleen de "
                               "doelgroep en citaten die geciteerd mogen worden.", "meta"))
        schema = self.result.schema
        for i, code in enumerate(self.casus_label):
            casus = self.casussen.get(code)
            if i:
                blocks.append(PageBreak())
            blocks.append(Heading(2, self.casus_label[code]))
            row = self.result.casussen[self.result.casussen["casus"] == code].iloc[0]
            facts = [str(row["doelgroep"])]
            if casus is not None and not self.anoniem:
                facts += [v for v in (casus.wet, casus.levensfase) if v]
                facts.append(f"casus {casus.status}")
            facts.append("compleet" if row["compleet"] else "nog niet compleet")
            blocks.append(Para(" · ".join(facts), "meta"))
            if casus is not None and not self.anoniem:
                for title, text in (("Hulpvraag", casus.hulpvraag),
                                    ("Knelpunten", casus.knelpunten),
                                    ("Wat gaat goed", casus.wat_gaat_goed)):
                    blocks += [Heading(3, title), Para(text or "Niet beschreven.")]
            quotes = self._quote_blocks(casus)[:MAX_QUOTES_PER_CASUS] if casus is not None else []
            if quotes:
                blocks.append(Heading(3, "In hun woorden"))
                blocks += quotes
            if not self.anoniem:
                blocks += self._compact_schema(schema[schema["casus"] == code])
        return blocks

    def totaalbeeld(self) -> list:
        scores = self.result.gemeente_scores
        blocks = [Heading(1, "Totaalbeeld per werkzaam element"), self._heatmap(small=False)]
        rows = []
        for r in scores.to_dict("records"):
            hidden = self._suppressed(r)
            rows.append((self.names.get(str(r["element"]), str(r["element"])),
                         "< 3" if hidden else self._score(r),
                         "" if hidden else (r["oordeel"] or "–"),
                         str(int(r["n_casussen"])) if not hidden else "< 3",
                         str(int(r["n_compleet"])) if not hidden else "",
                         "ja" if r["indicatief"] and not hidden else ""))
        blocks.append(Table(("Werkzaam element", "Gemeentescore", "Oordeel", "Casussen",
                             "waarvan compleet", "Indicatief"), tuple(rows),
                            caption="Gemeentescore per werkzaam element (gemiddelde van de "
                                    "casusscores)", widths=(3.6, 1.5, 1.5, 1.4, 1.5, 1.5)))
        for soort, title in (("knelpunt", "Knelpunten"), ("succesfactor", "Succesfactoren")):
            blocks.append(Heading(2, title))
            rows = self._summary(soort)
            if not rows:
                blocks.append(Para("Geen."))
            for r in rows:
                code = str(r["element"])
                blocks.append(Heading(3, f"{self.names.get(code, code)} ({self._score(r)})"))
                blocks.append(Para(
                    f"Van de {int(r['n_casussen'])} casussen scoren {int(r['n_knelpunt'])} dit "
                    f"element als knelpunt, {int(r['n_gemengd'])} als gemengd en "
                    f"{int(r['n_succesfactor'])} als succesfactor."))
                conclusie = self._conclusie(code)
                if conclusie and not self.anoniem:
                    blocks.append(Para(f"Eindanalyse: {conclusie}"))
                blocks += self._element_quotes(code, soort)[:2]
        return blocks

    def eindanalyse(self) -> list:
        blocks = [Heading(1, "Eindanalyse")]
        if not self.sessies:
            return blocks + [Para("Er is nog geen eindanalyse met de gemeente vastgelegd.")]
        for sessie in self.sessies:
            blocks.append(Heading(2, f"Bijeenkomst van {self._date(sessie.datum)}"))
            deelnemers = [f"{label}: {sessie.deelnemers[code]}"
                          for code, label in DISCIPLINES.items()
                          if (sessie.deelnemers or {}).get(code)]
            blocks.append(Para("Deelnemers: " + ("; ".join(deelnemers) or "–") + "."))
            if sessie.samenvatting and not self.anoniem:
                blocks.append(Para(sessie.samenvatting))
            items = [item for code in self.instrument.codes
                     if (item := sessie.element(code)) is not None
                     and (item.oordeel or item.conclusie) and self._shown(code)]
            if items:
                header = ("Werkzaam element", "Berekend bij afspraak", "Nu berekend",
                          "Afgesproken") + (() if self.anoniem else ("Conclusie",))
                blocks.append(Table(header, tuple(
                    (self.names.get(i.element_code, i.element_code), i.berekend or "–",
                     self.now.get(i.element_code) or "–",
                     (i.oordeel or "–") + (" (anders)" if i.afwijkend else ""))
                    + (() if self.anoniem else (i.conclusie or "",)) for i in items),
                    widths=(2.4, 1.9, 1.9, 1.9) + (() if self.anoniem else (4.2,))))
            different = [i for i in items if i.afwijkend]
            if different:
                blocks.append(Heading(3, "Waar de groep anders oordeelt dan ZET berekent"))
                blocks.append(Bullets(tuple(
                    f"{self.names.get(i.element_code, i.element_code)}: berekend "
                    f"{i.berekend or 'geen oordeel'}, afgesproken {i.oordeel}"
                    + ("" if self.anoniem else f". Waarom: {i.reden}") for i in different)))
        return blocks

    def verbeteracties(self) -> list:
        blocks = [Heading(1, "Verbeteracties")]
        if not self.acties:
            return blocks + [Para("Er zijn nog geen verbeteracties afgesproken.")]
        rows = []
        for a in self.acties:
            elementen = ", ".join(self.names.get(c, c) for c in a.elementen or [])
            status = a.status + (" (te laat)" if a.te_laat(self.today) else "")
            deadline = self._date(a.deadline)
            rows.append((elementen or "–", a.niveau or "–", deadline, status) if self.anoniem
                        else (a.titel, elementen or "–", a.niveau or "–", a.eigenaar or "–",
                              deadline, status))
        header = (("Werkzame elementen", "Niveau", "Deadline", "Status") if self.anoniem else
                  ("Verbeteractie", "Werkzame elementen", "Niveau", "Eigenaar", "Deadline",
                   "Status"))
        widths = (4, 1.8, 1.8, 1.8) if self.anoniem else (3.0, 2.8, 1.8, 2.0, 1.8, 1.6)
        return blocks + [Table(header, tuple(rows), widths=widths,
                               caption="Op niveau: strategisch, tactisch, operationeel")]

    def bijlage(self) -> list:
        return [
            Heading(1, "Bijlage: instrument en rekenregels"),
            Para(f"{self.instrument.title}, versie {self.instrument.version}. "
                 f"{self.instrument.description}"),
            Table(("Code", "Werkzaam element", "Bron"),
                  tuple((e.code, e.name, e.source) for e in self.instrument.elements),
                  widths=(0.8, 2.2, 6)),
            Heading(2, "Rekenregels"),
            Bullets((
                "Casusscore: het gemiddelde van de perspectieven die een score gaven (bij meer "
                "professionals eerst hun gemiddelde); n.v.t. en onbekend tellen niet mee.",
                f"Afwijkend: de perspectieven verschillen {format_score(SETTINGS.afwijkend_min)} "
                "punt of meer.",
                "Gemeentescore: het gemiddelde van de casusscores; elke casus telt even zwaar.",
                f"Knelpunt: een score van {format_score(SETTINGS.knelpunt_max)} of lager; "
                f"succesfactor: {format_score(SETTINGS.succesfactor_min)} of hoger; daartussen "
                "gemengd.",
                "Compleet: de inwoner, minstens één professional en het dossier zijn definitief.",
                f"Indicatief: minder dan {SETTINGS.min_compleet} complete casussen.",
                f"Geanonimiseerd: cijfers op minder dan {SETTINGS.min_casussen} casussen worden "
                "niet getoond.")),
        ]

    # --- helpers --------------------------------------------------------------------------

    def _date(self, value) -> str:
        """dd-mm-jjjj; in the anonymous report only the year (a date can point to a gemeente)."""
        if value is None:
            return "–"
        return str(value.year) if self.anoniem else value.strftime("%d-%m-%Y")

    def _indicatief_note(self) -> Para:
        return Para(f"Indicatief: dit beeld rust op {self.n_compleet} complete casus(sen). De "
                    f"methode adviseert er minstens {SETTINGS.min_compleet} per gemeente; lees "
                    "de cijfers als een eerste indruk.", "note")

    def _summary(self, soort: str) -> list[dict]:
        frame = self.result.samenvatting
        rows = frame[frame["soort"] == soort].to_dict("records")
        return [r for r in rows if not self._suppressed(r)]

    def _shown(self, code: str) -> bool:
        """An element's figures may be shown: always in the named report, in the anonymous one
        only when they rest on at least SETTINGS.min_casussen casussen."""
        return not self.anoniem or self.n_per_element.get(code, 0) >= SETTINGS.min_casussen

    def _suppressed(self, row: dict) -> bool:
        return self.anoniem and int(row["n_casussen"]) < SETTINGS.min_casussen

    def _score(self, row: dict) -> str:
        return format_score(row["score"]) + ("*" if row.get("indicatief") else "")

    def _element_oordeel(self, code: str, oordeel: str | None) -> str:
        return self.names.get(code, code) + (f" ({oordeel})" if oordeel else "")

    def _actie_line(self, actie: Verbeteractie) -> str:
        elementen = ", ".join(self.names.get(c, c) for c in actie.elementen or [])
        if self.anoniem:
            return f"{elementen or 'Algemeen'}: {actie.niveau or 'niveau onbekend'}, {actie.status}"
        return f"{actie.titel} ({actie.status})"

    def _conclusie(self, code: str) -> str | None:
        for sessie in reversed(self.sessies):
            item = sessie.element(code)
            if item is not None and item.conclusie:
                return item.conclusie
        return None

    def _quote_blocks(self, casus: Casus, element: str | None = None,
                      soort: str | None = None) -> list[Quote]:
        """The quotable quotes of a casus (of one element, not of the opposite kind), those
        marked knelpunt or succesfactor first. The anonymous report names the speaker only (a
        role or bron can name a person or team) and scrubs gemeente names from the text."""
        quotes = []
        for perspectief in casus.perspectieven:
            for citaat in perspectief.citaten:
                if not citaat.citeerbaar or (element and citaat.element_code != element):
                    continue
                if soort and citaat.soort and citaat.soort != soort:
                    continue
                spreker = citaat.spreker or perspectief.soort
                if self.anoniem:
                    source = spreker
                else:
                    rol = perspectief.rol if perspectief.soort == "professional" else ""
                    source = quote_source(spreker, rol, citaat.bron or "")
                if element is not None:
                    source += f", {self.casus_label[casus.code]}"
                elif citaat.element_code:
                    source += f", over {self.names.get(citaat.element_code, citaat.element_code)}"
                quotes.append((citaat.soort is None, Quote(self.scrub(citaat.tekst), source)))
        return [q for _, q in sorted(quotes, key=lambda pair: pair[0])]   # marked ones first

    def _element_quotes(self, code: str, soort: str) -> list[Quote]:
        found = []
        for casus_code in self.casus_label:
            casus = self.casussen.get(casus_code)
            if casus is not None:
                found += self._quote_blocks(casus, code, soort)
        return found

    def _compact_schema(self, rows) -> list:
        table, marked = [], []
        for i, r in enumerate(rows.to_dict("records")):
            if r["afwijkend"]:
                marked.append(i)
            table.append((self.names.get(str(r["element"]), str(r["element"])),
                          *(format_score(r[p]) or "–" for p in analysis.PERSPECTIEVEN),
                          format_score(r["casusscore"]) or "–",
                          (format_score(r["verschil"]) or "–") + (" ≥ 2" if r["afwijkend"]
                                                                   else "")))
        if not table:
            return []
        return [Heading(3, "Analyseschema"),
                Table(("Werkzaam element", "Inwoner", "Professional", "Dossier", "Casus",
                       "Verschil"), tuple(table), widths=(3.6, 1.3, 1.6, 1.3, 1.2, 1.3),
                      marked=tuple(marked),
                      caption="Vet: de perspectieven verschillen 2 punten of meer.")]

    def _heatmap(self, small: bool) -> Figure:
        elements = elements_frame(self.instrument)
        if self.anoniem:   # per perspective over all casussen: no cell of one casus
            frame = self.result.perspectief_scores.copy()
            frame.loc[frame["n_casussen"] < SETTINGS.min_casussen, "score"] = None
            frame["perspectief"] = frame["perspectief"].astype(str).map(PERSPECTIEF_LABELS)
            matrix = analysis.element_matrix(frame, "perspectief", "score", elements)
            alt = (f"Heatmap van {self.label}: per werkzaam element de gemiddelde score per "
                   "perspectief (inwoner, professional, dossier), van 1 (oranje) tot 5 (blauw).")
            xlabel = "Perspectief"
        else:
            schema = self.result.schema.copy()
            schema["casus"] = schema["casus"].astype(str)
            matrix = analysis.element_matrix(schema, "casus", "casusscore", elements)
            alt = (f"Heatmap van {self.label}: per werkzaam element (rijen) de casusscore van "
                   f"elke casus (kolommen: {', '.join(map(str, matrix.columns))}), van 1 "
                   "(oranje) tot 5 (blauw).")
            xlabel = "Casus"
        png = analysis.heatmap_png(matrix, f"{self.label}: score per werkzaam element",
                                   xlabel=xlabel, dpi=150)
        return Figure(png, alt, "Heatmap: hoe lager de score, hoe oranjer; hoe hoger, hoe "
                      "blauwer; grijs gearceerd: geen score.", width_cm=12.0 if small else 16.0)


FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def make_rapport(session: Session, scope: Scope, instrument: Instrument, keuze: RapportKeuze,
                 fmt: str, today: date) -> tuple[str, bytes, str]:
    """(file name, bytes, mimetype) of the report as PDF or Word; DomainError without
    casussen. Needs an app context (the PDF's templates)."""
    from zet.rapport.pdf import render_pdf
    from zet.rapport.word import render_docx
    rapport = build_rapport(session, scope, instrument, keuze, today)
    data = render_pdf(rapport) if fmt == "pdf" else render_docx(rapport)
    return f"{rapport.filename}.{fmt}", data, FORMATS[fmt]


def audit_detail(keuze: RapportKeuze, fmt: str) -> str:
    """What the audit log says about a report: its format and options, never a name or title."""
    parts = [fmt]
    if keuze.onderzoek is not None:
        parts.append(f"onderzoek {keuze.onderzoek.id}")
    if keuze.alleen_compleet:
        parts.append("alleen compleet")
    if keuze.anoniem:
        parts.append("geanonimiseerd")
    return "gemeenterapport: " + ", ".join(parts)
