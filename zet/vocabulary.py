"""Fixed answer lists for casus facts, as the report records them (Dutch, as users say them)."""

DOELGROEPEN = ("jeugd", "volwassenen")
WETTEN = ("Jeugdwet", "Wmo", "beide")
LEVENSFASEN = ("kleuter", "basisschool", "tiener", "jongvolwassene", "volwassene",
               "middelbare leeftijd", "oudere")
BEPERKINGEN = ("LVB", "autisme/ASS", "NAH", "lichamelijk", "psychisch", "onbekend")
LEEFGEBIEDEN = ("wonen", "huishouden", "financiën", "werk/dagbesteding", "onderwijs",
                "gezondheid", "sociaal netwerk", "veiligheid", "gezin")
GROOTTEKLASSEN = ("< 20.000", "20.000 - 50.000", "50.000 - 100.000", "> 100.000")
CASUS_STATUSSEN = ("lopend", "afgerond")
PERSPECTIEVEN = ("inwoner", "professional", "dossier")
PERSPECTIEF_LABELS = {"inwoner": "Inwoner", "professional": "Professional", "dossier": "Dossier"}
GEINTERVIEWDEN = ("inwoner", "ouder", "vertegenwoordiger")
TOESTEMMING_VORMEN = ("schriftelijk", "mondeling")
PROFESSIONAL_ROLLEN = ("toegangsmedewerker/consulent", "wijkteammedewerker",
                       "jeugd- en gezinscoach", "(ambulant) begeleider")
PERSPECTIEF_STATUSSEN = ("concept", "definitief")
# Who said a quote; per perspective the ones that fit (the inwoner interview may be with a
# parent, a representative or the young person, see GEINTERVIEWDEN).
SPREKERS = ("inwoner", "ouder", "jongere", "vertegenwoordiger", "professional", "dossier")
SPREKERS_PER_PERSPECTIEF = {"inwoner": ("inwoner", "ouder", "jongere", "vertegenwoordiger"),
                            "professional": ("professional",), "dossier": ("dossier",)}
CITAAT_SOORTEN = ("knelpunt", "succesfactor")
# Verbeteracties: the level of a recommendation (as the report's chapter 5 orders them) and the
# state of the work; an open action past its deadline is overdue.
ACTIE_NIVEAUS = ("strategisch", "tactisch", "operationeel")
ACTIE_STATUSSEN = ("gepland", "bezig", "gereed", "gestopt")
OPEN_ACTIE_STATUSSEN = ("gepland", "bezig")
# Who took part in an eindanalyse, by discipline only (never names), as the reflectietool
# groups a meeting: code -> label.
DISCIPLINES = {"uitvoering": "Uitvoering (consulenten, wijkteam)",
               "leiding": "Leidinggevenden",
               "beleid": "Beleid",
               "bestuur": "Bestuur (wethouder, directie)",
               "inwoners": "Inwoners of cliëntvertegenwoordigers",
               "onderzoek": "Onderzoekers",
               "overig": "Overig"}


def leefgebied_field_name(gebied: str) -> str:
    """The form field that holds the question for one leefgebied (also used in error messages)."""
    return "leefgebied_" + "".join(ch if ch.isalnum() else "_" for ch in gebied)


def quote_source(spreker: str, rol: str = "", bron: str = "") -> str:
    """Who said a quote, as pages and the workbook show it: 'ouder, moeder' or
    'professional (consulent)' (a bron that only repeats the rol is left out)."""
    text = spreker + (f" ({rol})" if rol else "")
    return text + (f", {bron}" if bron and bron != rol else "")
