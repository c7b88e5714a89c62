"""Spotting identifying data in free text before it is stored.

ZET keeps pseudonymised data only. A BSN (passing the eleven-test), an e-mail address, a Dutch
phone number, a postcode with house number or a full date of birth in a text is refused, with a
Dutch message that says what to do instead. Used by every path that stores text: forms,
services and the import.
"""
from __future__ import annotations

import re

_ADVICE = ("ZET bewaart alleen gepseudonimiseerde gegevens. Haal dit weg of vervang het door een "
           "omschrijving of pseudoniem (bijv. 'Sem, 15 jaar', 'de moeder', 'wijk Noord').")

_BSN = re.compile(r"(?<![\d.])(\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}\.\d{3}\.\d{3})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s-]?\(0\))?[\s-]?\d(?:[\s-]?\d){8}(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}\b")
_HOUSE_NEARBY = re.compile(r"\b\d{1,5}\s?[a-zA-Z]?\b")
_BIRTH_WORD = re.compile(r"geb(oren|\.|oortedatum|oorte)|\bdob\b|\bgeb\b", re.IGNORECASE)
_FULL_DATE = re.compile(
    r"\b(\d{1,2}[-/.]\d{1,2}[-/.](19|20)\d{2}|(19|20)\d{2}-\d{1,2}-\d{1,2}|\d{1,2}\s+"
    r"(jan|feb|mrt|maart|apr|april|mei|jun|juni|jul|juli|aug|augustus|sep|sept|september|okt|"
    r"oktober|nov|november|dec|december|januari|februari)[a-z]*\.?\s+(19|20)\d{2})\b",
    re.IGNORECASE)


def passes_eleven_test(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


# Every pattern above needs a digit or an '@': text without one is passed at once (the bulk
# import checks many thousands of distinct texts). Keep this in step with the patterns.
_MAYBE_IDENTIFYING = re.compile(r"[\d@]")


def find_identifying(text: str | None) -> str | None:
    """A Dutch message naming what looks identifying in ``text``, or None when it looks fine."""
    if not text or not _MAYBE_IDENTIFYING.search(text):
        return None
    for match in _BSN.finditer(text):
        if passes_eleven_test(match.group(1).replace(".", "")):
            return f"Deze tekst lijkt een BSN te bevatten ('{match.group(1)}'). {_ADVICE}"
    match = _EMAIL.search(text)
    if match:
        return f"Deze tekst bevat een e-mailadres ('{match.group(0)}'). {_ADVICE}"
    match = _PHONE.search(text)
    if match:
        return f"Deze tekst lijkt een telefoonnummer te bevatten ('{match.group(0)}'). {_ADVICE}"
    for match in _POSTCODE.finditer(text):
        around = text[max(0, match.start() - 30):match.start()] + " " + text[match.end():match.end() + 12]
        if _HOUSE_NEARBY.search(around):
            return (f"Deze tekst lijkt een adres (postcode met huisnummer, '{match.group(0)}') te "
                    f"bevatten. {_ADVICE}")
    for match in _FULL_DATE.finditer(text):
        before = text[max(0, match.start() - 40):match.start()]
        if _BIRTH_WORD.search(before):
            return (f"Deze tekst lijkt een geboortedatum te bevatten ('{match.group(0)}'). "
                    f"Noteer hooguit een leeftijd of levensfase. {_ADVICE}")
    return None
