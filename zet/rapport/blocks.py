"""The building blocks of a report, independent of the file format: headings, paragraphs,
lists, tables (with a header row that repeats on every page), figures with alt text, quotes and
page breaks. Plain text only; each writer escapes and lays them out itself."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    level: int          # 1 = chapter (its own page in the PDF), 2 = section, 3 = subsection
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""     # "" | "meta" (small, grey) | "note" (a boxed remark) | "lead"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    widths: tuple[float, ...] = ()     # relative column widths; empty: even
    marked: tuple[int, ...] = ()       # row numbers to stand out (perspectives differ by 2+)


@dataclass(frozen=True)
class Figure:
    png: bytes
    alt: str
    caption: str
    width_cm: float = 16.0


@dataclass(frozen=True)
class Quote:
    text: str
    source: str


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class Rapport:
    """A whole report: the title page's lines, then the blocks in reading order."""
    title: str
    subtitle: str
    facts: list[tuple[str, str]]       # title page: (label, value)
    blocks: list = field(default_factory=list)
    filename: str = "gemeenterapport"  # without extension

    def headings(self, level: int = 1) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Heading) and b.level == level]
