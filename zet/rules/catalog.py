"""Every field rule of ZET, by entity: the one place a limit, a required message or a list of
allowed values is written. Services, the bulk import and the forms all read them from here."""
from __future__ import annotations

from analysis.oordeel import OORDELEN
from zet.rules.fields import (MAX_CASUSCODE, MAX_KORT, MAX_LANG, ChoiceRule, CodeRule,
                              CountRule, TextRule)
from zet.vocabulary import (ACTIE_NIVEAUS, ACTIE_STATUSSEN, BEPERKINGEN, CASUS_STATUSSEN,
                            CITAAT_SOORTEN, DOELGROEPEN, GEINTERVIEWDEN, GROOTTEKLASSEN,
                            LEEFGEBIEDEN, LEVENSFASEN, PERSPECTIEF_STATUSSEN,
                            PERSPECTIEVEN, SPREKERS, TOESTEMMING_VORMEN, WETTEN)

MAX_TOELICHTING = 4000
MAX_CITAAT = 1000
MAX_HULPVRAAG = 4000
MAX_LEEFGEBIED_VRAAG = 500
MAX_BEVINDING = 4000
MAX_SYNTHESE = 2000

# Gemeente and onderzoek
GEMEENTE_NAAM = TextRule("naam", "Gemeentenaam", MAX_KORT, name=True, identifying=False,
                         missing="Gemeente ontbreekt: vul de naam van de gemeente in.")
GROOTTEKLASSE = ChoiceRule("grootteklasse", "Grootteklasse", GROOTTEKLASSEN)
GEMEENTE_TOEGANG = TextRule("toegang", "Organisatie van de toegang", MAX_LANG, identifying=False)
ONDERZOEK_TITEL = TextRule("titel", "Titel van het onderzoek", MAX_KORT, name=True,
                           missing="Vul een titel voor het onderzoek in.")
ONDERZOEK_FOCUS = TextRule("focus", "Focus", MAX_LANG)

# Casus
CASUS_CODE = TextRule("code", "Casuscode", MAX_CASUSCODE, name=True,
                      missing="Casus ontbreekt: vul een casuscode (pseudoniem) in, bijvoorbeeld "
                              "'DW-J01'.",
                      identifying_prefix="De casuscode moet een pseudoniem zijn. ")
DOELGROEP = ChoiceRule("doelgroep", "Doelgroep", DOELGROEPEN,
                       missing="Doelgroep ontbreekt: kies jeugd of volwassenen.")
WET = ChoiceRule("wet", "Wet", WETTEN)
LEVENSFASE = ChoiceRule("levensfase", "Levensfase", LEVENSFASEN)
INDICATIE_MAANDEN = CountRule("indicatie_maanden", "Looptijd indicatie", 0, 240,
                              "Vul een aantal maanden van 0 tot en met 240 in.")
WISSELINGEN = CountRule("wisselingen_contactpersoon", "Aantal wisselingen", 0, 99,
                        "Vul een aantal van 0 tot en met 99 in.")
HULPVRAAG = TextRule("hulpvraag", "Hulpvraag", MAX_HULPVRAAG)
# The casus findings, written while consolidating (as the report writes up every casus).
KNELPUNTEN = TextRule("knelpunten", "Knelpunten", MAX_BEVINDING)
WAT_GAAT_GOED = TextRule("wat_gaat_goed", "Wat gaat goed", MAX_BEVINDING)
SYNTHESE = TextRule("synthese", "Synthese", MAX_SYNTHESE)
BEVINDINGEN = (KNELPUNTEN, WAT_GAAT_GOED)
LEEFGEBIED_VRAAG = TextRule("leefgebieden", "Vraag bij leefgebied", MAX_LEEFGEBIED_VRAAG)
BEPERKING = ChoiceRule("beperkingen", "Beperking", BEPERKINGEN)
LEEFGEBIED = ChoiceRule("leefgebieden", "Leefgebied", LEEFGEBIEDEN)


def leefgebied_without_question(gebied: str) -> str:
    """A leefgebied is chosen by writing the question that played there (as on the form)."""
    return (f"Bij leefgebied {gebied} staat geen vraag: vul de vraag in die speelde, of laat het "
            "leefgebied weg.")
CASUS_STATUS = ChoiceRule("status", "Casusstatus", CASUS_STATUSSEN)

# Perspective
PERSPECTIEF = ChoiceRule("soort", "Perspectief", PERSPECTIEVEN,
                         missing="Perspectief ontbreekt: vul inwoner, professional of dossier in.")
PERSPECTIEF_STATUS = ChoiceRule("status", "Status", PERSPECTIEF_STATUSSEN)
ROL = TextRule("rol", "Rol", MAX_KORT, name=True)
AFNEMER = TextRule("afnemer", "Afnemer", MAX_KORT, name=True)
GEINTERVIEWDE = ChoiceRule("geinterviewde", "Wie is geïnterviewd", GEINTERVIEWDEN)
TOESTEMMING_VORM = ChoiceRule("toestemming_vorm", "Vorm van de toestemming", TOESTEMMING_VORMEN)
TOELICHTING = TextRule("toelichting", "Toelichting", MAX_TOELICHTING)
# Who rated a perspective (double rating): a pseudonymous code such as B1 or R-02, never a name.
BEOORDELAAR = CodeRule("beoordelaar", "Beoordelaar", r"(beoordelaar ?|[a-z]{1,3}[- ]?)\d{1,3}",
                       "Beoordelaar: gebruik een code van één tot drie letters en een nummer "
                       "(bijvoorbeeld B1 of R-02), geen naam of andere gegevens over een persoon.")
CITAAT = TextRule("tekst", "Citaat", MAX_CITAAT)
CITAAT_BRON = TextRule("bron", "Bron van het citaat", MAX_KORT, name=True)
CITAAT_SPREKER = ChoiceRule("spreker", "Wie zei het", SPREKERS)
CITAAT_SOORT = ChoiceRule("soort", "Soort citaat", CITAAT_SOORTEN)

# Verbeteractie (what a gemeente agrees to do about a werkzaam element) and its progress notes
ACTIE_TITEL = TextRule("titel", "Titel van de verbeteractie", MAX_KORT, name=True,
                       missing="Vul een titel in voor de verbeteractie.")
ACTIE_OMSCHRIJVING = TextRule("omschrijving", "Omschrijving", MAX_LANG)
ACTIE_NIVEAU = ChoiceRule("niveau", "Niveau", ACTIE_NIVEAUS)
ACTIE_EIGENAAR = TextRule("eigenaar", "Eigenaar (team of rol)", MAX_KORT, name=True)
ACTIE_NODIG = TextRule("nodig", "Wat is nodig", MAX_LANG)
ACTIE_STATUS = ChoiceRule("status", "Status", ACTIE_STATUSSEN)
ACTIE_TEXTS = (ACTIE_TITEL, ACTIE_OMSCHRIJVING, ACTIE_EIGENAAR, ACTIE_NODIG)
VOORTGANG = TextRule("tekst", "Voortgang", MAX_LANG,
                     missing="Schrijf op wat er is gebeurd of besloten.")
VOORTGANG_DATUM_MISSING = "Vul de datum van de voortgang in (dd-mm-jjjj)."

# Eindanalyse: the closing session with the gemeente per onderzoek, and per werkzaam element
# what the group agreed.
EINDANALYSE_DATUM_MISSING = "Vul de datum van de eindanalyse in (dd-mm-jjjj)."
DEELNEMERS = CountRule("deelnemers", "Aantal deelnemers", 0, 99,
                       "Vul per discipline een aantal deelnemers van 0 tot en met 99 in.")
EINDANALYSE_SAMENVATTING = TextRule("samenvatting", "Samenvatting", MAX_LANG)
EA_PRIORITEIT = CountRule("prioriteit", "Prioriteit", 1, 99,
                          "Vul als prioriteit een volgnummer van 1 tot en met 99 in (1 = eerst).")
EA_OORDEEL = ChoiceRule("oordeel", "Afgesproken oordeel", OORDELEN)
EA_BEREKEND = ChoiceRule("berekend", "Berekend oordeel", OORDELEN)
EA_REDEN = TextRule("reden", "Reden", MAX_LANG)
EA_CONCLUSIE = TextRule("conclusie", "Conclusie", MAX_LANG)
EA_TEXTS = (EA_REDEN, EA_CONCLUSIE)


def reden_missing(element: str, oordeel: str, berekend: str) -> str:
    """An agreed oordeel that differs from the computed one needs its reason (both stay shown)."""
    return (f"Bij {element} is '{oordeel}' afgesproken, maar ZET berekent '{berekend}': schrijf "
            "op waarom de groep tot een ander oordeel komt.")
