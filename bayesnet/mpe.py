"""What together: the most probable joint states of the eight diseases (including none of them, or several)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import BayesnetError
from .next_test import disease_distribution

__all__ = ["most_probable_explanations", "MPEResult"]


class MPEResult:
    """The k most probable disease combinations with their probabilities."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False)


def most_probable_explanations(model, evidence: Mapping, k: int = 5, *, assume_complaint: bool = True,
                               likelihoods: Mapping | None = None) -> MPEResult:
    """The ``k`` most probable joint states of the eight diseases given the evidence (other causes and unknown
    age or sex summed out), each with its probability."""
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise BayesnetError(f"k must be a positive whole number, got {k!r}")
    ev, rows, cells, soft = model.prepare(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
    s = model.engine.log_joint(rows, cells, soft)
    w = np.exp(s - s.max()).sum(axis=0)
    dist = disease_distribution(model, w)
    order = np.argsort(-dist, kind="stable")[:k]
    nd = len(model.diseases)
    rows_out = []
    for c in order:
        present = [model.diseases[i] for i in range(nd) if (c >> i) & 1]
        rows_out.append({"diseases": ", ".join(present) if present else "none of the eight",
                         "labels": " + ".join(model.label(d) for d in present) if present else "None of the eight",
                         "n_diseases": len(present), "probability": float(dist[c])})
    return MPEResult(pd.DataFrame(rows_out))
