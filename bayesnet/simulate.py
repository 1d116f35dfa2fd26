"""Forward sampling of synthetic patients from the model (for calibration checks, benchmarks and teaching)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .knowledge import CELLS

__all__ = ["sample_cases"]

_AGE_YEARS = {"18_39": (18, 39), "40_59": (40, 59), "60_plus": (60, 90)}


def sample_cases(model, n: int, rng: np.random.Generator, *, years: bool = False) -> pd.DataFrame:
    """Draw ``n`` patients from the model's joint distribution.

    Returns one row per patient with ``age`` (band, or whole years drawn uniformly within the band when ``years``),
    ``sex``, every cause and every finding as booleans (True = present).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(0)")
    arr = model.kb.arrays(model.setting)
    cell = rng.choice(len(CELLS), size=n, p=arr.population / arr.population.sum())
    # causes in an order where every parent cause comes first (interactions.csv); a noisy-OR on present parents
    K = len(arr.causes)
    parents = {k: [j for j in range(K) if arr.interaction[k, j] > 0 or
                   arr.causes[j] in model.kb.cause_parents.get(arr.causes[k], ())] for k in range(K)}
    order: list[int] = []
    while len(order) < K:
        order += [k for k in range(K) if k not in order and all(j in order for j in parents[k])]
    causes = np.zeros((n, K), dtype=bool)
    u = rng.random((n, K))
    for k in order:
        absent = 1.0 - arr.prior[k, cell]
        for j in parents[k]:
            absent = absent * np.where(causes[:, j], 1.0 - arr.interaction[k, j], 1.0)
        causes[:, k] = u[:, k] >= absent
    # P(finding absent) = (1 - leak) * prod over present causes of (1 - link)
    log_keep = np.where(arr.link < 1.0, np.log1p(-np.minimum(arr.link, 1.0 - 1e-300)), -np.inf)  # (F, K)
    with np.errstate(invalid="ignore"):
        q = np.exp(causes.astype(float) @ np.where(np.isfinite(log_keep), log_keep, -1e300).T)  # (n, F)
    p_absent = (1.0 - arr.leak.T[cell]) * q
    male = np.array([s == "male" for _, s in CELLS])[cell]
    p_absent[np.ix_(male, arr.women_only)] = 1.0
    findings = rng.random(p_absent.shape) >= p_absent
    ages = np.array([CELLS[c][0] for c in cell], dtype=object)
    if years:
        lo = np.array([_AGE_YEARS[a][0] for a in ages])
        hi = np.array([_AGE_YEARS[a][1] for a in ages])
        ages = rng.integers(lo, hi + 1)
    frame = pd.DataFrame({"age": ages, "sex": [CELLS[c][1] for c in cell]})
    frame = pd.concat([frame, pd.DataFrame(causes, columns=list(arr.causes)),
                       pd.DataFrame(findings, columns=list(arr.findings))], axis=1)
    return frame
