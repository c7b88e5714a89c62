"""The vectorised computations against a straightforward pandas reference on random data."""

import numpy as np
import pandas as pd
import pytest

from analysis import analyse, numeric_score

ANSWERS = np.array(["1", "2", "3", "4", "5", "nvt", "onbekend", ""], dtype=object)


def random_long(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(4):
        for c in range(rng.integers(1, 6)):
            doelgroep = ["jeugd", "volwassenen"][int(rng.integers(0, 2))]
            onderzoek = [None, "R1", "R2"][int(rng.integers(0, 3))]
            speakers = [("inwoner", ""), ("dossier", "")] + [("professional", f"rol{k}") for k in range(rng.integers(0, 3))]
            speakers = [s for s in speakers if rng.random() > 0.15]  # sometimes a perspective is missing
            for perspectief, rol in speakers:
                for e in ["E1", "E2", "E3", "E4"]:
                    if rng.random() < 0.1:
                        continue  # sometimes an element has no row
                    rows.append((f"G{g}", onderzoek, f"C{c}", doelgroep, perspectief, rol, e,
                                 ANSWERS[rng.integers(0, len(ANSWERS))], ""))
    frame = pd.DataFrame(rows, columns=["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol",
                                        "element", "antwoord", "toelichting"])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def reference_casusscores(long: pd.DataFrame) -> pd.DataFrame:
    scored = long.assign(score=numeric_score(long), onderzoek=long["onderzoek"].fillna("-"))
    keys = ["gemeente", "onderzoek", "casus", "element"]
    per_perspective = scored.groupby(keys + ["perspectief"])["score"].mean().unstack("perspectief")
    per_perspective = per_perspective.reindex(columns=["inwoner", "professional", "dossier"])
    return pd.DataFrame({
        "casusscore": per_perspective.mean(axis=1, skipna=True),
        "verschil": (per_perspective.max(axis=1) - per_perspective.min(axis=1)).where(per_perspective.count(axis=1) >= 2),
    })


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_schema_and_gemeente_scores_match_reference(seed):
    long = random_long(seed)
    result = analyse(long, ["E4", "E3", "E2", "E1"])
    schema = result.schema.assign(onderzoek=result.schema["onderzoek"].fillna("-"))
    schema = schema.assign(element=schema["element"].astype(str)).set_index(["gemeente", "onderzoek", "casus", "element"])
    expected = reference_casusscores(long)
    got = schema.loc[expected.index]
    np.testing.assert_allclose(got["casusscore"], expected["casusscore"], equal_nan=True)
    np.testing.assert_allclose(got["verschil"], expected["verschil"], equal_nan=True)
    # Cells without any row exist in the schema only as empty rows.
    extra = schema.drop(index=expected.index)
    assert extra["casusscore"].isna().all()

    reference = expected.groupby(level="gemeente")["casusscore"].agg(["mean", "count"])
    scores = result.gemeente_scores
    totals = scores.groupby("gemeente")["n_casussen"].sum()
    for gemeente in reference.index:
        per_element = expected.xs(gemeente, level="gemeente").groupby(level="element")["casusscore"].agg(["mean", "count"])
        mine = scores[scores["gemeente"] == gemeente].assign(element=lambda f: f["element"].astype(str)).set_index("element")
        per_element = per_element.reindex(mine.index)
        np.testing.assert_allclose(mine["score"], per_element["mean"], equal_nan=True)
        np.testing.assert_array_equal(mine["n_casussen"], per_element["count"].fillna(0).astype(int))
        assert totals[gemeente] == reference.loc[gemeente, "count"]
    assert list(scores["element"].cat.categories) == ["E4", "E3", "E2", "E1"]
