"""The identifying-data check: disguised BSNs, e-mail addresses, phone numbers, postcodes and
dates of birth are refused; ordinary sentences from casus work pass. All texts are made up."""
from datetime import date

import pytest

from zet.privacy import find_identifying, normalise

TODAY = date(2026, 12, 1)

REFUSED = {
    # BSN (eleven-test), however written
    "Dossier van 111222333 bekeken.": "BSN",
    "BSN 1112.22.333 staat erin.": "BSN",
    "bsn 111 222 333": "BSN",
    "BSN: 111-222-333": "BSN",
    "bsn 11l222333 (met een l)": "BSN",
    "BSN １１１２２２３３３": "BSN",
    "BSN ١١١٢٢٢٣٣٣": "BSN",
    "burgerservicenummer 1112 22 333": "BSN",
    "nummer een een een twee twee twee drie drie drie": "BSN",
    "BSN 111_222_333": "BSN",
    "Sem (15) 111 222 333": "BSN",
    "kamer 2 1112.22.333": "BSN",
    # e-mail
    "Contact via moeder.jansen@example.nl.": "e-mailadres",
    "MOEDER.JANSEN@EXAMPLE.NL": "e-mailadres",
    "mail moeder.jansen(at)example(punt)nl": "e-mailadres",
    "mail moeder.jansen [at] example [dot] nl": "e-mailadres",
    "moeder.jansen apenstaartje example punt nl": "e-mailadres",
    "moeder jansen at example dot nl": "e-mailadres",
    "mail naar moeder.jansen @ example . nl": "e-mailadres",
    "moeder.jansen＠example.nl": "e-mailadres",
    "moeder.jansen{at}example{punt}nl": "e-mailadres",
    # phone numbers
    "Bel de vader op 06-12345678.": "telefoonnummer",
    "vader: 06 12 34 56 78": "telefoonnummer",
    "vader 06.12.34.56.78": "telefoonnummer",
    "tel 06/12345678": "telefoonnummer",
    "tel (06) 1234 5678": "telefoonnummer",
    "bereikbaar op +31 6 12345678": "telefoonnummer",
    "bereikbaar op +31 (0)6 1234 5678": "telefoonnummer",
    "bereikbaar op 0031 6 1234 5678": "telefoonnummer",
    "020 - 123 45 67 is het kantoor": "telefoonnummer",
    "06–1234 5678 (met een streepje uit Word)": "telefoonnummer",
    "O6-12345678 met een letter O": "telefoonnummer",
    "０６－１２３４５６７８": "telefoonnummer",
    "nul zes een twee drie vier vijf zes zeven acht": "telefoonnummer",
    "Nul Zes, een twee, drie vier, vijf zes, zeven acht": "telefoonnummer",
    "kamer 2 06-12345678": "telefoonnummer",
    # postcode with house number
    "Woont op Dorpsstraat 12, 1234 AB Ergens.": "adres",
    "Dorpsstraat 12, 1234ab Ergens": "adres",
    "Dorpsstraat 12, 1234 ab Ergens": "adres",
    "Dorpsstraat 12 1234-AB": "adres",
    "1234AB 12a": "adres",
    # dates of birth
    "Sem, geboren 12-03-2010, zit op school.": "geboortedatum",
    "geb. 2015-06-01": "geboortedatum",
    "Moeder (12-03-1984) werkt parttime.": "geboortedatum",
    "Vader is van 3 april 1979.": "geboortedatum",
    "dob 01/02/2012": "geboortedatum",
    "Sem 12.03.2004 woont bij oma": "geboortedatum",
    "12 mrt. 1990": "geboortedatum",
    "geboren 12-03-08": "geboortedatum",
    "geb. 12 03 2004": "geboortedatum",
    "geboortedatum 12032004": "geboortedatum",
}

PASSES = [
    "Aanmelding op 15-01-2025 via de huisarts.",
    "Eerste gesprek 03-02-2026 om 10.00 uur.",
    "Het keukentafelgesprek was op 2026-02-03.",
    "Op 12 maart 2025 kwam de beschikking.",
    "Indicatie loopt tot 31-12-2026.",
    "In 2024 is 3 keer gebeld.",
    "Sinds 1998 woont het gezin in de wijk.",
    "De eigen bijdrage is € 1.250,00 per jaar.",
    "Budget van 12.500 euro voor 2026.",
    "Wachttijd was 14 weken, norm is 8 weken.",
    "Om 14:30 belde de wijkcoach terug.",
    "Casus DW-J01 lijkt op casus DW-J02.",
    "Sem, 15 jaar, zit in 3 havo.",
    "Moeder werkt 24 uur per week.",
    "Jeugdhulp voor 0-18 jaar, verlengd tot 23.",
    "Het gezin heeft 4 kinderen van 2, 5, 9 en 12 jaar.",
    "Er waren 3 wisselingen van contactpersoon in 12 maanden.",
    "Score 2 op continuïteit, 4 op maatwerk.",
    "Zorg in natura, 6 uur begeleiding per week.",
    "Postcodegebied 1234 is een van de vier wijken.",
    "Ze bellen een of twee keer per week.",
    "Een, twee, drie gesprekken: daarna ging het beter.",
    "Moeder heeft een app-groep met de school.",
    "Vader zegt: at least we try, dat was zijn houding.",
    "Het verslag staat in het dossier onder punt 3.",
    "Contact met school via de mentor.",
    "Hij kreeg 2 x per maand een huisbezoek.",
    "Afspraak 1-2-2026, daarna 15-2-2026.",
    "Het budget ging van 1.000 naar 1.500.",
    "Versie 2.1 van het plan van aanpak.",
    "WMO-melding 2025-0042 in het systeem.",
    "Wachtlijst: 120 gezinnen, 30 % urgent.",
    "Het was 20 minuten rijden naar de locatie.",
    "Ontvangen op 5 januari 2026.",
    "De beschikking van 2025-11-30 is verlengd.",
    "Vanaf 01-09-2025 naar het speciaal onderwijs.",
    "De ouder vindt het lastig, zegt ze, om alles te regelen.",
    "Het gesprek duurde van 9.00 tot 10.30 uur.",
    "Sem is in 2010 geboren en nu 16.",
    "Zes keer een nieuwe hulpverlener, zegt moeder.",
    "Tel de gesprekken: 1, 2, 3, 4, 5 en 6.",
    "Kosten 2026: 3.400, 2025: 3.100.",
    "Score 1 2 3 4 5 op de schaal.",
    "In 2024 en 2025 ging het mis.",
    "In 2023 koos moeder optie (a) niet. Daarna ging het beter.",
    "Hij at brood punt uit, zei de begeleider.",
    "Van 2019 tot 2023 ma en di begeleiding, 3 uur",
    "In 2023 po en in 2024 vo",
    "Bereikbaar 08.30-12.00 / 13.00-17.00",
    "Geboren in 2010, nu 16 jaar.",
]


@pytest.mark.parametrize("text,kind", REFUSED.items())
def test_disguised_identifying_data_is_refused(text, kind):
    message = find_identifying(text, today=TODAY)
    assert message is not None and kind in message, message


@pytest.mark.parametrize("text", PASSES)
def test_ordinary_sentences_from_casus_work_pass(text):
    assert find_identifying(text, today=TODAY) is None


def test_the_lists_are_long_enough():
    assert len(REFUSED) >= 40 and len(PASSES) >= 40


def test_the_message_never_repeats_the_value():
    for text in REFUSED:
        message = find_identifying(text, today=TODAY)
        for token in text.split():
            if any(ch.isdigit() for ch in token) or "@" in token:
                assert token not in message, (text, message)


def test_a_full_date_is_a_date_of_birth_once_it_is_more_than_16_years_back():
    assert find_identifying("Gebeurtenis op 02-12-2010", today=TODAY) is None
    assert find_identifying("Gebeurtenis op 30-11-2010", today=TODAY) is not None
    assert find_identifying("Gebeurtenis op 30-11-2010", today=date(2026, 11, 1)) is None


def test_normalise_makes_other_digits_and_spellings_plain():
    assert normalise("０６ ١٢") == "06 12"
    assert normalise("a(at)b[punt]nl") == "a@b.nl"
    assert normalise("nul zes een twee drie vier").strip() == "061234"
