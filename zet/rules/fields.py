"""Field rules: one object per field, with one face for the import and one for the services.

``rule.problem(value)`` returns the Dutch message (or None); the bulk import calls it once per
distinct value of a column. ``rule.require(value)`` returns the cleaned value or raises a
DomainError carrying the same message and the form field, for a service. Forms take their limits
(and, through ``forms.base.RuleCheck``, their messages) from the same objects.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from zet.errors import DomainError
from zet.privacy import find_identifying
from zet.rules.names import clean_name

MAX_KORT = 200          # names, roles, interviewer, titles
MAX_LANG = 2000         # focus of an onderzoek, how toegang is organised
MAX_CASUSCODE = 40


def length_message(label: str, text: str, limit: int) -> str | None:
    if text and len(text) > limit:
        return f"{label} is te lang: {len(text)} tekens, maximaal {limit}. Kort de tekst in."
    return None


@dataclass(frozen=True)
class TextRule:
    """A free-text or name field: limit, whether it may be empty, and the privacy check.

    ``name`` fields are normalised with clean_name (single spaces); other text is trimmed only,
    so a toelichting keeps its line breaks.
    """
    field: str
    label: str
    max_length: int
    missing: str | None = None          # message when empty; None: may stay empty
    identifying: bool = True            # look for BSN, e-mail, phone number, ...
    identifying_prefix: str | None = None   # default "<label>: "
    name: bool = False

    def clean(self, value) -> str:
        if self.name:
            return clean_name(value)
        return "" if value is None or value != value else str(value).strip()

    def problem(self, value) -> str | None:
        text = self.clean(value)
        if not text:
            return self.missing
        message = length_message(self.label, text, self.max_length)
        if message:
            return message
        if self.identifying:
            found = find_identifying(text)
            if found:
                prefix = self.identifying_prefix if self.identifying_prefix is not None \
                    else f"{self.label}: "
                return prefix + found
        return None

    def require(self, value, field: str | None = None) -> str:
        message = self.problem(value)
        if message:
            raise DomainError(message, field or self.field)
        return self.clean(value)

    def labelled(self, label: str, field: str | None = None) -> "TextRule":
        """The same rule for one of several fields of its kind ('Vraag bij onderwijs')."""
        return replace(self, label=label, field=field or self.field)


@dataclass(frozen=True)
class CodeRule:
    """A pseudonymous code (a rater's label): short, of a fixed shape, so that a name or other
    identifying data cannot be stored as one. The message never repeats the value."""
    field: str
    label: str
    pattern: str
    message: str

    def clean(self, value) -> str:
        return clean_name(value)

    def problem(self, value) -> str | None:
        text = self.clean(value)
        if not text:
            return None
        if not re.fullmatch(self.pattern, text, flags=re.IGNORECASE) or find_identifying(text):
            return self.message
        return None

    require = TextRule.require   # the same: raise the problem, else the cleaned value


@dataclass(frozen=True)
class ChoiceRule:
    """A value from a fixed list, matched ignoring case and surrounding spaces."""
    field: str
    label: str
    options: tuple[str, ...]
    missing: str | None = None

    def normalise(self, value) -> str | None:
        """The option as ZET spells it, or None when the value is not one of them."""
        wanted = clean_name(value).casefold()
        return next((o for o in self.options if o.casefold() == wanted), None)

    def problem(self, value) -> str | None:
        if not clean_name(value):
            return self.missing
        if self.normalise(value) is None:
            close = difflib.get_close_matches(clean_name(value).casefold(),
                                              [o.casefold() for o in self.options], n=1)
            hint = f" Bedoelt u '{self.normalise(close[0])}'?" if close else ""
            return (f"{self.label} '{clean_name(value)}' onbekend: kies "
                    f"{or_list(self.options)}.{hint}")
        return None

    def require(self, value, field: str | None = None) -> str | None:
        message = self.problem(value)
        if message:
            raise DomainError(message, field or self.field)
        return self.normalise(value)


@dataclass(frozen=True)
class CountRule:
    """A whole number within limits (months, a number of changes), empty allowed."""
    field: str
    label: str
    minimum: int
    maximum: int
    message: str

    def parse(self, value) -> int | None:
        """The number, None when empty; raises ValueError when it is not one."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(value)
        return int(text)

    def problem(self, value) -> str | None:
        try:
            number = self.parse(value)
        except ValueError:
            return f"{self.label}: '{value}' is geen heel getal. {self.message}"
        if number is not None and not self.minimum <= number <= self.maximum:
            return self.message
        return None

    def require(self, value, field: str | None = None) -> int | None:
        message = self.problem(value)
        if message:
            raise DomainError(message, field or self.field)
        return self.parse(value)


def or_list(options) -> str:
    """'a', 'a of b', 'a, b of c': a choice as a Dutch sentence names it."""
    options = list(options)
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} of {options[-1]}"
