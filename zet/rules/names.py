"""What makes two names "the same": one key function per kind of name.

A name is stored cleaned (``clean_name``: Unicode NFC, every run of spaces, tabs and
non-breaking spaces one space, trimmed) next to its key (``name_key``: the clean name in case-
folded form). The key sits in a unique column, so the database refuses a second "Den  Haag"
beside "Den Haag" on the form path and on the import path alike.
"""
from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # zero-width, BOM, soft hyphen
_GEMEENTE_PREFIX = re.compile(r"^gemeente\s+")


def clean_name(text) -> str:
    """A name as ZET stores it: NFC, invisible characters removed, single spaces, trimmed."""
    if text is None or text != text:  # None or NaN
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text)))
    return " ".join(text.split())  # str.split() also splits on non-breaking spaces


def name_key(text) -> str:
    """The identity of a name: clean and case-folded ('Den  HAAG' is 'den haag')."""
    return clean_name(text).casefold()


gemeente_key = name_key
onderzoek_key = name_key
casus_key = name_key
rol_key = name_key
actie_key = name_key
def beoordelaar_key(value) -> str:
    """When two rater codes name the same rater (double rating): case, spaces, hyphens and
    leading zeros of the number do not count (B1, b-1, B 01 are one rater)."""
    text = re.sub(r"[\s-]+", "", name_key(value))
    match = re.fullmatch(r"(\D*)(\d+)", text)
    return f"{match.group(1)}{int(match.group(2))}" if match else text


def fold_accents(text) -> str:
    """Case and accents ignored ('Continuiteit' matches 'Continuïteit'): for lookups only."""
    decomposed = unicodedata.normalize("NFKD", name_key(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def file_slug(text, limit: int = 40) -> str:
    """A name in a file name: ASCII letters and digits with hyphens ('gemeente-den-haag')."""
    ascii_text = unicodedata.normalize("NFKD", clean_name(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit]


def gemeente_lookalike_key(naam) -> str:
    """Names a person may mean as one gemeente: with or without the word 'Gemeente', accents
    and hyphens ignored. Two different keys with the same lookalike key call for a question
    ("Bedoelt u ...?"), never a silent second gemeente."""
    folded = _GEMEENTE_PREFIX.sub("", fold_accents(naam))
    return " ".join(folded.replace("-", " ").split())
