"""The instruments of the running app (loaded and validated once by ``create_app``), for views,
commands and the benchmark alike, without importing the web wiring."""
from __future__ import annotations

from flask import current_app

from zet.instrument import Instrument, InstrumentRegistry


def instruments() -> InstrumentRegistry:
    return current_app.extensions["zet_instruments"]


def active_instrument() -> Instrument:
    """The version new perspectives are filled in with."""
    return instruments().active
