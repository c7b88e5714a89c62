"""A synthetic national ZET dataset in the long import format, deterministic for a given seed.

342 fictional gemeenten ("Gemeente 001" ...) with 30 casussen each; per casus the inwoner, one or
two professionals (different rol) and the dossier, each scoring the 15 werkzame elementen:
about 600,000 rows at scale 1.0. Scores are 1-5, with some 'nvt', 'onbekend' (mostly in the
dossier) and empty answers; a fraction of the rows has a short toelichting. Nothing in it is
real, and nothing in it looks identifying (no digits in free text).

    python bench/generate.py [--scale 1.0] [--seed 2026] [--out bench/data/national-1.0.csv]

or from Python: ``generate.national_frame(scale=0.1)`` returns the DataFrame.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ELEMENT_CODES = ("CON", "IPL", "LOW", "MAA", "KEN", "REG", "VCP", "BAS", "TOE", "VRA", "TIJ",
                 "NET", "SAM", "EVA", "VEI")
COLUMNS = ("gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
           "score", "toelichting")
N_GEMEENTEN = 342
CASUSSEN_PER_GEMEENTE = 30
TWO_PROFESSIONALS = 0.9       # share of casussen with a second professional: ~600,000 rows
TOELICHTING_SHARE = 0.2
ROLLEN = ("toegangsmedewerker/consulent", "wijkteammedewerker", "jeugd- en gezinscoach",
          "(ambulant) begeleider")
ONDERZOEKEN = ("Evaluatie toegang voorjaar", "Evaluatie toegang najaar")
DEFAULT_SEED = 2026
DATA_DIR = Path(__file__).resolve().parent / "data"

# Per perspective: probabilities of nvt, onbekend, empty (the rest is a score 1-5).
SPECIAL = {"inwoner": (0.03, 0.01, 0.01), "professional": (0.02, 0.02, 0.005),
           "dossier": (0.02, 0.12, 0.01)}
_WHO = ("De inwoner", "Moeder", "De consulent", "De begeleider", "Het wijkteam", "De coach",
        "Het dossier", "Vader", "De mentor", "De huisarts")
_WHAT = ("voelde zich gehoord", "miste een vast aanspreekpunt", "wist niet waar hij terecht kon",
         "kreeg snel een eerste gesprek", "moest het verhaal steeds opnieuw vertellen",
         "vond het plan duidelijk", "ervoer lange wachttijden", "had weinig zicht op de voortgang",
         "was tevreden over de samenwerking", "noemt een goede overdracht",
         "mist afspraken over evaluatie", "beschrijft wisselende contactpersonen",
         "vond de hulp passend bij de vraag", "voelde zich niet veilig thuis",
         "kreeg hulp die aansloot bij het netwerk", "had moeite met de regels")
_WHEN = ("", "", " in het begin", " na de overdracht", " tijdens de indicatie", " bij de evaluatie",
         " in de eerste maanden", " rond de wachtlijst")


def national_frame(scale: float = 1.0, seed: int = DEFAULT_SEED,
                   casussen: int = CASUSSEN_PER_GEMEENTE) -> pd.DataFrame:
    """The long frame (COLUMNS, all text; score '1'..'5', 'nvt', 'onbekend' or '') for
    round(342 * scale) gemeenten with ``casussen`` casussen each."""
    rng = np.random.default_rng(seed)
    n_gemeenten = max(1, round(N_GEMEENTEN * scale))
    n_elements = len(ELEMENT_CODES)

    # Casussen: gemeente, onderzoek, code, doelgroep.
    n_casussen = n_gemeenten * casussen
    casus_gemeente = np.repeat(np.arange(n_gemeenten), casussen)
    casus_number = np.tile(np.arange(1, casussen + 1), n_gemeenten)
    gemeente_names = np.array([f"Gemeente {i + 1:03d}" for i in range(n_gemeenten)], dtype=object)
    codes = np.array([f"G{g + 1:03d}-C{c:02d}" for g, c in zip(casus_gemeente, casus_number)],
                     dtype=object)
    # Half the gemeenten ran two onderzoeken (first half of their casussen in the first one).
    two_rounds = rng.random(n_gemeenten) < 0.5
    onderzoek = np.where(two_rounds[casus_gemeente] & (casus_number > casussen // 2), 1, 0)
    doelgroep = np.where(rng.random(n_casussen) < 0.5, "jeugd", "volwassenen").astype(object)

    # Perspectives: inwoner, professional (1 or 2, different roles), dossier.
    second = rng.random(n_casussen) < TWO_PROFESSIONALS
    per_casus = 3 + second.astype(np.int64)
    p_casus = np.repeat(np.arange(n_casussen), per_casus)
    starts = np.concatenate(([0], np.cumsum(per_casus)[:-1]))
    p_rank = np.arange(len(p_casus)) - starts[p_casus]          # 0 inwoner, 1.. professionals
    p_kind = np.where(p_rank == 0, 0, np.where(p_rank == per_casus[p_casus] - 1, 2, 1))
    first_role = rng.integers(0, len(ROLLEN), n_casussen)
    other_role = (first_role + rng.integers(1, len(ROLLEN), n_casussen)) % len(ROLLEN)
    p_role = np.where(p_rank == 1, first_role[p_casus], other_role[p_casus])
    rol = np.where(p_kind == 1, np.array(ROLLEN, dtype=object)[p_role], "").astype(object)
    kinds = np.array(("inwoner", "professional", "dossier"), dtype=object)

    # Rows: every perspective scores every element.
    n_persp = len(p_casus)
    r_persp = np.repeat(np.arange(n_persp), n_elements)
    r_element = np.tile(np.arange(n_elements), n_persp)
    r_casus = p_casus[r_persp]
    r_kind = p_kind[r_persp]
    n_rows = len(r_persp)

    # Scores: a gemeente x element level, a casus shift, perspective noise; rounded to 1..5.
    level = rng.normal(3.2, 0.6, (n_gemeenten, n_elements))
    shift = rng.normal(0.0, 0.7, n_casussen)
    raw = (level[casus_gemeente[r_casus], r_element] + shift[r_casus]
           + rng.normal(0.0, 0.8, n_rows) + np.array([0.2, 0.3, -0.1])[r_kind])
    score = np.clip(np.rint(raw), 1, 5).astype(np.int64).astype(str).astype(object)
    draw = rng.random(n_rows)
    for k, name in enumerate(kinds):
        nvt, onbekend, empty = SPECIAL[name]
        here = r_kind == k
        score[here & (draw < nvt)] = "nvt"
        score[here & (draw >= nvt) & (draw < nvt + onbekend)] = "onbekend"
        score[here & (draw >= nvt + onbekend) & (draw < nvt + onbekend + empty)] = ""

    # Toelichting on a fraction of the rows, from a few thousand distinct short sentences.
    toelichting = np.full(n_rows, "", dtype=object)
    noted = np.flatnonzero(rng.random(n_rows) < TOELICHTING_SHARE)
    who = rng.integers(0, len(_WHO), len(noted))
    what = rng.integers(0, len(_WHAT), len(noted))
    when = rng.integers(0, len(_WHEN), len(noted))
    sentences = np.array([f"{a} {b}{c}." for a in _WHO for b in _WHAT for c in _WHEN],
                         dtype=object)
    toelichting[noted] = sentences[(who * len(_WHAT) + what) * len(_WHEN) + when]

    g_of_row = casus_gemeente[r_casus]
    return pd.DataFrame({
        "gemeente": gemeente_names[g_of_row],
        "onderzoek": np.array(ONDERZOEKEN, dtype=object)[onderzoek[r_casus]],
        "casus": codes[r_casus],
        "doelgroep": doelgroep[r_casus],
        "perspectief": kinds[r_kind],
        "rol": rol[r_persp],
        "element": np.array(ELEMENT_CODES, dtype=object)[r_element],
        "score": score,
        "toelichting": toelichting,
    }, columns=list(COLUMNS))


def default_path(scale: float) -> Path:
    return DATA_DIR / f"national-{scale:g}.csv"


def write_csv(frame: pd.DataFrame, path: Path, sep: str = ";") -> Path:
    """The frame as a UTF-8 CSV (semicolons, as Dutch Excel writes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=sep, index=False, encoding="utf-8")
    return path


def ensure_csv(scale: float, seed: int = DEFAULT_SEED) -> Path:
    """The CSV for this scale and seed, generated when it does not exist yet."""
    path = default_path(scale) if seed == DEFAULT_SEED else \
        DATA_DIR / f"national-{scale:g}-seed{seed}.csv"
    if not path.exists():
        write_csv(national_frame(scale, seed), path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 342 gemeenten (default 1.0)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="CSV path (default bench/data/national-SCALE.csv)")
    parser.add_argument("--sep", default=";", choices=[";", ","])
    args = parser.parse_args(argv)
    frame = national_frame(args.scale, args.seed)
    path = write_csv(frame, args.out or default_path(args.scale), args.sep)
    counts = frame.groupby("perspectief").size().to_dict()
    print(f"{path}: {len(frame):,} rijen, {frame['gemeente'].nunique()} gemeenten, "
          f"{frame.groupby(['gemeente', 'casus']).ngroups:,} casussen, per perspectief {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
