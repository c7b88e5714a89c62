"""How far a long piece of work is, told to whoever shows it.

An import or export of the national dataset takes seconds to a minute. The work reports
(what it is doing, share done 0..1) to a ``Progress`` callable: the CLI draws a bar on a
terminal (zet.cli), and a background job can store it for a page. The work itself does not
know who listens; by default nobody does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

Progress = Callable[[str, float], None]
EVERY = 20_000   # rows between two reports while rows stream


def silent(_what: str, _share: float) -> None:
    """Tell nobody (the default)."""


def counted(rows: Iterable, total: int, progress: Progress, what: str, start: float,
            end: float) -> Iterator:
    """The rows unchanged, reporting the share from ``start`` to ``end`` as they pass."""
    if progress is silent or total <= 0:
        yield from rows
        return
    span = (end - start) / total
    for number, row in enumerate(rows, 1):
        if number % EVERY == 0:
            progress(what, start + number * span)
        yield row
    progress(what, end)
