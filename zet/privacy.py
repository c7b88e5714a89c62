"""Spotting identifying data in free text before it is stored.

ZET keeps pseudonymised data only. A BSN (passing the eleven-test), an e-mail address, a Dutch
phone number, a postcode with house number or a full date of birth in a text is refused, with a
Dutch message that says what to do instead (and never repeats the value). Used by every path
that stores text: forms, services and the import (through ``zet.rules.fields.TextRule``).

The text is normalised before it is matched, so the usual ways round a simple pattern fail:
- other Unicode digits and characters (fullwidth, Arabic-Indic, ...) become ASCII (NFKC), and a
  letter O or l between digits counts as 0 or 1;
- digits may be split by spaces, dots, dashes, slashes, brackets or underscores ("06 . 12 34");
- six or more digits spelled out ("nul zes een twee ...") count as digits;
- "(at)", "[at]", "apenstaartje", "(punt)", "[dot]" and spaced-out forms count as @ and .;
- postcodes in any letter case, with or without space or dash.

A full date (12-03-2004, 2004-03-12, 12 maart 2004) is a likely date of birth when a birth word
stands before it, or when it lies more than 16 years back: the events of a casus (aanmelding,
hulp, gesprekken) are recent. Ordinary recent dates, amounts, times and casus codes pass.

Known limits: a check on patterns cannot catch every disguise (digits written as words in a
sentence of fewer than six, an address without postcode, a name); an old event date (a divorce
in 2001) is refused and has to be written as a year. The test list in
tests/test_privacy_rules.py holds what must be refused and what must pass.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

_ADVICE = ("ZET bewaart alleen gepseudonimiseerde gegevens. Haal dit weg of vervang het door een "
           "omschrijving of pseudoniem (bijv. 'Sem, 15 jaar', 'de moeder', 'wijk Noord').")
BIRTH_DATE_YEARS = 16   # a full date further back than this is taken for a date of birth

# --- normalising ----------------------------------------------------------------------------

_DIGIT_WORDS = {"nul": "0", "een": "1", "één": "1", "eén": "1", "twee": "2", "drie": "3",
                "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8", "negen": "9"}
_DIGIT_WORD = "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True))
_SPELLED_DIGITS = re.compile(rf"\b(?:(?:{_DIGIT_WORD})\b[\s,-]*){{6,}}", re.IGNORECASE)
_LOOKALIKE_ZERO = re.compile(r"(?<=\d)[oO](?=\d)|(?<![A-Za-z])[oO](?=\d[\d\s.-]{7})")
_LOOKALIKE_ONE = re.compile(r"(?<=\d)[lI|](?=\d)")
_BRACKETED_AT = re.compile(r"\s*[(\[{<]\s*(?:at|apenstaartje)\s*[)\]}>]\s*", re.IGNORECASE)
_BRACKETED_DOT = re.compile(r"\s*[(\[{<]\s*(?:dot|punt)\s*[)\]}>]\s*", re.IGNORECASE)
# Spelled out, only with a real top-level domain at the end ("hij at brood punt uit" passes).
_SPELLED_EMAIL = re.compile(
    r"\b[\w.+-]+\s+(?:at|apenstaartje)\s+[\w-]+(?:\s+(?:dot|punt)\s+[\w-]+)*"
    r"\s+(?:dot|punt)\s+(?:nl|com|org|net|eu|be|de|info|nu|io|online|email)\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """``text`` with look-alike characters, other digits and spelled-out digits made plain."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
        text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2012", "-") \
            .replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = _SPELLED_DIGITS.sub(lambda m: "".join(
        _DIGIT_WORDS[w.lower()] for w in re.findall(rf"(?:{_DIGIT_WORD})", m.group(0),
                                                   re.IGNORECASE)) + " ", text)
    for _ in range(2):   # "0O1" needs two passes
        text = _LOOKALIKE_ZERO.sub("0", text)
        text = _LOOKALIKE_ONE.sub("1", text)
    text = _BRACKETED_AT.sub("@", text)
    text = _BRACKETED_DOT.sub(".", text)
    return text


# --- the patterns, on normalised text --------------------------------------------------------

_SEPARATOR = r"[\s.\-/_()\[\]·]"
_DIGIT_RUN = re.compile(rf"\+?\d(?:{_SEPARATOR}*\d)*")
_EMAIL = re.compile(r"[\w.+-]+\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)+")
_POSTCODE = re.compile(r"(?<![\w-])([1-9]\d{3})(\s?|-)([a-zA-Z]{2})(?![\w])")
_COMMON_WORDS = frozenset({"af", "al", "as", "bv", "ca", "de", "dd", "en", "er", "ga", "ge",
                           "ma", "di", "wo", "do", "vr", "za", "po", "vo", "ok", "tv", "id",
                           "ik", "in", "is", "je", "ja", "ka", "la", "me", "mn", "na",
                           "ne", "nl", "nu", "of", "oa", "om", "op", "pm", "te", "to", "uw",
                           "ux", "we", "wo", "ze", "zo", "am", "ex", "et", "eu", "he", "km",
                           "kg", "mg", "ml", "uu", "vs", "xl", "sa", "sd", "ss"})
_HOUSE_NUMBER = re.compile(r"(?<![\d,.:])\b\d{1,5}\s?[a-zA-Z]?\b(?![,.:]\d)")
_BIRTH_WORD = re.compile(r"geb(oren|\.|oortedatum|oorte)|\bdob\b|\bgeb\b", re.IGNORECASE)
_MONTHS = {"jan": 1, "januari": 1, "feb": 2, "februari": 2, "mrt": 3, "maa": 3, "maart": 3,
           "apr": 4, "april": 4, "mei": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8,
           "augustus": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10,
           "nov": 11, "november": 11, "dec": 12, "december": 12}
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?<!\d)(?<!\d[.,:])(\d{1,2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?"
                           r"((?:19|20)\d{2})(?!\d|[.,:]\d)")
_ISO_DATE = re.compile(r"(?<!\d)(?<!\d[.,:])((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d|[.,:]\d)")
_WORD_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s*({_MONTH_WORD})\.?\s*((?:19|20)\d{{2}})(?!\d)",
                        re.IGNORECASE)

# Every pattern needs a digit or an '@' once the text is normalised; ASCII text without one (and
# without a spelled-out e-mail or digit run) passes at once: the bulk import checks thousands.
_MAYBE_IDENTIFYING = re.compile(r"[\d@]")
_MAYBE_SPELLED = re.compile(rf"\b(?:at|apenstaartje|{_DIGIT_WORD})\b", re.IGNORECASE)


def passes_eleven_test(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def _groups(run: str) -> list[str]:
    return [g for g in re.split(rf"{_SEPARATOR}+", run.lstrip("+")) if g]


def _is_phone(digits: str, plus: bool) -> bool:
    if plus or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        return digits.startswith("31") and len(digits) in (11, 12) and (
            len(digits) == 11 or digits[2] == "0")    # +31 (0)6 ...
    return digits.startswith("0") and len(digits) == 10


_TIMES = re.compile(r"\b\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}\b"   # 08.30-12.00
                    r"|\b\d{1,2}[.:]\d{2}\s*(?:uur|u)\b", re.IGNORECASE)   # 10.00 uur


def _spans(groups: list[str], longest: int):
    """(start, digits) for every run of consecutive groups of at most ``longest`` digits: a
    BSN or phone number may follow another number in the same run ("Sem (15) 111 222 333",
    "kamer 2 06-1234 5678")."""
    for start in range(len(groups)):
        digits = ""
        for group in groups[start:]:
            digits += group
            if len(digits) > longest:
                break
            yield start, digits


def _number_problem(text: str) -> str | None:
    """A BSN or phone number in a run of digits and separators (full dates and times left out
    first, so "01-02-2024 10.00" is not read as one long number)."""
    text = _TIMES.sub(" § ", _ISO_DATE.sub(" § ", _NUMERIC_DATE.sub(" § ", text)))
    for match in _DIGIT_RUN.finditer(text):
        run = match.group(0)
        spans = list(_spans(_groups(run), 13))
        if any(len(digits) == 9 and passes_eleven_test(digits) for _, digits in spans):
            return f"Deze tekst lijkt een BSN te bevatten. {_ADVICE}"
        if any(_is_phone(digits, plus=start == 0 and run.startswith("+"))
               for start, digits in spans):
            return f"Deze tekst lijkt een telefoonnummer te bevatten. {_ADVICE}"
    return None


def _postcode_problem(text: str) -> str | None:
    for match in _POSTCODE.finditer(text):
        space, letters = match.group(2), match.group(3)
        if letters.upper() in ("SA", "SD", "SS"):
            continue
        if space == " " and not letters.isupper() and letters.lower() in _COMMON_WORDS:
            continue   # "in 2024 is ...", "3000 en meer"
        around = text[max(0, match.start() - 30):match.start()] + " " + \
            text[match.end():match.end() + 12]
        if _HOUSE_NUMBER.search(around):
            return f"Deze tekst lijkt een adres (postcode met huisnummer) te bevatten. {_ADVICE}"
    return None


def _dates(text: str):
    """(start, day) for every valid full date in ``text``."""
    for match in _NUMERIC_DATE.finditer(text):
        yield match.start(), _date(match.group(3), match.group(2), match.group(1))
    for match in _ISO_DATE.finditer(text):
        yield match.start(), _date(match.group(1), match.group(2), match.group(3))
    for match in _WORD_DATE.finditer(text):
        month = _MONTHS.get(match.group(2).lower())
        yield match.start(), _date(match.group(3), month, match.group(1))


def _date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


# After a birth word, any day-month-year in digits: 2-digit years, spaces, no separators.
_AFTER_BIRTH_WORD = re.compile(r"^\D{0,20}(\d{1,2}[\s\-/.]*\d{1,2}[\s\-/.]*(?:\d{4}|\d{2}))(?!\d)")


def _birth_date_problem(text: str, today: date) -> str | None:
    for word in _BIRTH_WORD.finditer(text):
        digits = _AFTER_BIRTH_WORD.match(text[word.end():word.end() + 40])
        if digits and 6 <= sum(ch.isdigit() for ch in digits.group(1)) <= 8:
            return _BIRTH_MESSAGE
    limit = date(today.year - BIRTH_DATE_YEARS, today.month, min(today.day, 28))
    for start, day in _dates(text):
        if day is None:
            continue
        if day < limit or _BIRTH_WORD.search(text[max(0, start - 40):start]):
            return _BIRTH_MESSAGE
    return None


_BIRTH_MESSAGE = ("Deze tekst lijkt een geboortedatum te bevatten. Noteer hooguit een leeftijd of "
                  f"levensfase, of bij een oude gebeurtenis alleen het jaar. {_ADVICE}")


def find_identifying(text: str | None, today: date | None = None) -> str | None:
    """A Dutch message naming what kind of identifying data ``text`` seems to hold, or None."""
    if not text:
        return None
    if text.isascii() and not _MAYBE_IDENTIFYING.search(text) \
            and not _MAYBE_SPELLED.search(text):
        return None
    plain = normalise(text)
    if _EMAIL.search(plain) or _SPELLED_EMAIL.search(plain):
        return f"Deze tekst bevat een e-mailadres. {_ADVICE}"
    return (_number_problem(plain) or _postcode_problem(plain)
            or _birth_date_problem(plain, today or date.today()))
