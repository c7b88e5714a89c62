"""The instrument (werkzame elementen, questions per perspective, scale) is data in TOML files.

Every ``*.toml`` in this folder, plus those in ZET_INSTRUMENT_DIR, is loaded and validated at
start-up; a research team adds or replaces a version by dropping in a file, without code changes.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from zet.rules.names import fold_accents, name_key

PERSPECTIVES = ("inwoner", "professional", "dossier")
SPECIAL_CODES = ("nvt", "onbekend")
PACKAGE_DIR = Path(__file__).parent


class InstrumentError(ValueError):
    """The instrument file is not valid; the message names the file and the field."""


@dataclass(frozen=True)
class ScaleOption:
    value: int
    label: str
    smiley: str
    # Each perspective's own wording ('labels.professional = ...'); `label` where none is given.
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    def label_for(self, soort: str | None) -> str:
        return self.labels.get(soort, self.label)


@dataclass(frozen=True)
class SpecialAnswer:
    code: str
    label: str
    key: str  # the letter that chooses this answer on the form ('n', 'o')
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    def label_for(self, soort: str | None) -> str:
        return self.labels.get(soort, self.label)


@dataclass(frozen=True)
class AnswerOption:
    """One choice on a perspective form, worded for that perspective."""
    value: str   # what is stored and exported: '1'..'5', 'nvt', 'onbekend'
    label: str
    face: str    # what the button shows large: a smiley, or the number
    key: str     # the key that chooses it


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    description: str
    source: str
    questions: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Instrument:
    version: str
    title: str
    description: str
    scale: tuple[ScaleOption, ...]
    special: tuple[SpecialAnswer, ...]
    elements: tuple[Element, ...]
    path: Path
    smileys_for: tuple[str, ...] = ("inwoner",)  # perspectives whose form shows the smileys
    _by_code: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._by_code.update({e.code: e for e in self.elements})

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.elements]

    def element(self, code: str) -> Element | None:
        return self._by_code.get(code)

    def find_element(self, code_or_name: str) -> Element | None:
        """Look an element up by code or exact name, ignoring case and repeated spaces."""
        wanted = name_key(code_or_name)
        for e in self.elements:
            if wanted in (e.code.casefold(), name_key(e.name)):
                return e
        return None

    def find_element_loosely(self, name: str) -> Element | None:
        """The one element whose code or name matches once accents are ignored as well
        ('Continuiteit' is Continuïteit); None when no element, or more than one, matches."""
        wanted = fold_accents(name)
        found = [e for e in self.elements
                 if wanted in (fold_accents(e.code), fold_accents(e.name))]
        return found[0] if len(found) == 1 else None

    def answer_options(self, soort: str) -> tuple[AnswerOption, ...]:
        """The choices of a perspective form in page order, in that perspective's wording."""
        smileys = soort in self.smileys_for
        return tuple(
            [AnswerOption(str(o.value), o.label_for(soort), o.smiley if smileys else str(o.value),
                          str(o.value)) for o in self.scale]
            + [AnswerOption(s.code, s.label_for(soort), "–" if s.code == "nvt" else "?", s.key)
               for s in self.special])

    def answer_label(self, answer: str, soort: str | None = None) -> str:
        for option in self.scale:
            if str(option.value) == answer:
                face = f"{option.smiley} " if soort is None or soort in self.smileys_for else ""
                return f"{face}{option.value} {option.label_for(soort)}"
        for special in self.special:
            if special.code == answer:
                return special.label_for(soort)
        return "nog niet ingevuld"


def load_instrument(path: str | Path) -> Instrument:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{path.name}: geen geldige TOML ({exc}).") from exc
    return _parse(data, path)


def _require_text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(f"{where}: veld '{key}' ontbreekt of is leeg.")
    return value.strip()


def _parse(data: dict, path: Path) -> Instrument:
    name = path.name
    version = _require_text(data, "version", name)
    title = _require_text(data, "title", name)
    scale = _parse_scale(data.get("scale"), name)
    special = _parse_special(data.get("special"), name)
    smileys_for = _parse_perspective_list(data.get("smileys_for", ["inwoner"]),
                                          f"{name}: veld 'smileys_for'")
    raw_elements = data.get("elements")
    if not isinstance(raw_elements, list) or not raw_elements:
        raise InstrumentError(f"{name}: veld 'elements' ontbreekt of is leeg.")
    elements, seen = [], set()
    for i, raw in enumerate(raw_elements):
        element = _parse_element(raw, f"{name}: elements[{i}]")
        if element.code in seen:
            raise InstrumentError(f"{name}: elements[{i}]: code '{element.code}' komt dubbel voor.")
        seen.add(element.code)
        elements.append(element)
    return Instrument(version=version, title=title, description=str(data.get("description", "")),
                      scale=scale, special=special, elements=tuple(elements), path=path,
                      smileys_for=smileys_for)


def _parse_scale(raw, name: str) -> tuple[ScaleOption, ...]:
    if not isinstance(raw, list) or len(raw) != 5:
        raise InstrumentError(f"{name}: veld 'scale' moet precies 5 keuzes (1 tot en met 5) hebben.")
    options = []
    for i, item in enumerate(raw):
        where = f"{name}: scale[{i}]"
        if item.get("value") != i + 1:
            raise InstrumentError(f"{where}: veld 'value' moet {i + 1} zijn.")
        options.append(ScaleOption(value=i + 1, label=_require_text(item, "label", where),
                                   smiley=_require_text(item, "smiley", where),
                                   labels=_parse_labels(item.get("labels"), where)))
    return tuple(options)


def _parse_special(raw, name: str) -> tuple[SpecialAnswer, ...]:
    answers = []
    for i, item in enumerate(raw or []):
        where = f"{name}: special[{i}]"
        code = _require_text(item, "code", where)
        key = item.get("key", code[:1])  # 'n' for nvt, 'o' for onbekend unless the file says
        if not isinstance(key, str) or len(key) != 1 or not key.isalpha() or key != key.lower():
            raise InstrumentError(f"{where}: veld 'key' moet één kleine letter zijn (geen cijfer: "
                                  f"1 tot en met 5 kiezen de schaal).")
        answers.append(SpecialAnswer(code=code, label=_require_text(item, "label", where), key=key,
                                     labels=_parse_labels(item.get("labels"), where)))
    if sorted(s.code for s in answers) != sorted(SPECIAL_CODES):
        raise InstrumentError(f"{name}: veld 'special' moet precies 'nvt' en 'onbekend' bevatten.")
    if len({s.key for s in answers}) != len(answers):
        raise InstrumentError(f"{name}: veld 'special': twee antwoorden hebben dezelfde 'key'.")
    return tuple(answers)


def _parse_labels(raw, where: str) -> dict[str, str]:
    """A perspective's own wording of a scale point or special answer (optional)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InstrumentError(f"{where}: veld 'labels' moet per perspectief een tekst geven.")
    for soort, text in raw.items():
        if soort not in PERSPECTIVES:
            raise InstrumentError(f"{where}: onbekend perspectief '{soort}' in 'labels'; "
                                  f"toegestaan: {', '.join(PERSPECTIVES)}.")
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(f"{where}: veld 'labels.{soort}' is leeg.")
    return {soort: text.strip() for soort, text in raw.items()}


def _parse_perspective_list(raw, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(p in PERSPECTIVES for p in raw):
        raise InstrumentError(f"{where} moet een lijst van perspectieven zijn "
                              f"({', '.join(PERSPECTIVES)}).")
    return tuple(raw)


def _parse_element(raw: dict, where: str) -> Element:
    code = _require_text(raw, "code", where)
    where = f"{where} ({code})"
    questions = raw.get("questions")
    if not isinstance(questions, dict):
        raise InstrumentError(f"{where}: veld 'questions' ontbreekt.")
    unknown = sorted(set(questions) - set(PERSPECTIVES))
    if unknown:
        raise InstrumentError(f"{where}: onbekend perspectief '{unknown[0]}' in 'questions'; "
                              f"toegestaan: {', '.join(PERSPECTIVES)}.")
    parsed = {}
    for perspective in PERSPECTIVES:
        texts = questions.get(perspective)
        if isinstance(texts, str):
            texts = [texts]
        if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            raise InstrumentError(f"{where}: veld 'questions.{perspective}' ontbreekt of is leeg.")
        parsed[perspective] = tuple(t.strip() for t in texts)
    return Element(code=code, name=_require_text(raw, "name", where),
                   description=_require_text(raw, "description", where),
                   source=_require_text(raw, "source", where), questions=parsed)


class InstrumentRegistry:
    """All known instrument versions; one of them is active for new scores."""

    def __init__(self, instruments: list[Instrument], active_version: str | None = None):
        self._by_version = {}
        for instrument in instruments:
            if instrument.version in self._by_version:
                raise InstrumentError(f"{instrument.path.name}: versie '{instrument.version}' "
                                      f"staat ook in {self._by_version[instrument.version].path.name}.")
            self._by_version[instrument.version] = instrument
        if not self._by_version:
            raise InstrumentError("Geen instrumentbestand (*.toml) gevonden.")
        if active_version is None:
            active_version = sorted(self._by_version)[-1]
        if active_version not in self._by_version:
            raise InstrumentError(f"Instrumentversie '{active_version}' (ZET_INSTRUMENT_VERSION) "
                                  f"bestaat niet; wel: {', '.join(sorted(self._by_version))}.")
        self.active = self._by_version[active_version]

    def get(self, version: str) -> Instrument:
        """The instrument a score was given under; falls back to the active one if removed."""
        return self._by_version.get(version, self.active)

    @property
    def versions(self) -> list[str]:
        return sorted(self._by_version)


def load_registry(extra_dir: str | Path | None = None,
                  active_version: str | None = None) -> InstrumentRegistry:
    paths = sorted(PACKAGE_DIR.glob("*.toml"))
    if extra_dir:
        paths += sorted(Path(extra_dir).glob("*.toml"))
    return InstrumentRegistry([load_instrument(p) for p in paths], active_version)
