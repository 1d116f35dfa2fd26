"""What does not fit, and what must not be missed.

* Conflict (Jensen, Chamberlain, Nordahl and Andersen 1991; Hugin's conflict measure):
  ``log2(prod_i P(e_i) / P(e))`` over the observed items. Positive means the findings fit together worse than
  independent findings would: consider a cause outside the model or an error in the data.
* Red flags: must-not-miss diseases flagged whenever their posterior reaches the threshold in
  ``priors/red_flags.csv``, whatever their rank.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

__all__ = ["Conflict", "conflict", "red_flags"]


@dataclass(frozen=True)
class Conflict:
    """P(e), the product of the items' own probabilities, and the conflict in bits."""

    log2_p_evidence: float
    log2_p_items: float
    conflict_bits: float
    items: pd.DataFrame

    @property
    def flagged(self) -> bool:
        return self.conflict_bits > 0

    @property
    def message(self) -> str:
        if self.flagged:
            return ("findings fit poorly together: consider a cause outside the model "
                    f"(conflict {self.conflict_bits:+.2f} bits)")
        return f"findings fit together (conflict {self.conflict_bits:+.2f} bits)"

    def to_frame(self) -> pd.DataFrame:
        return self.items

    def _repr_html_(self) -> str:
        return f"<p>{self.message}; P(evidence) = 2^{self.log2_p_evidence:.2f}</p>"


def conflict(model, evidence: Mapping, *, assume_complaint: bool = True) -> Conflict:
    """The conflict measure over the observed items (age, sex, each finding, an assumed complaint)."""
    ev, _, _, _ = model.prepare(evidence, assume_complaint=assume_complaint)
    items = ev.as_dict()
    log2e = model.log_evidence(items, assume_complaint=False) / math.log(2)
    rows = []
    for node, state in items.items():
        lp = model.log_evidence({node: state}, assume_complaint=False) / math.log(2)
        rows.append({"item": node, "state": state, "log2_p": lp})
    frame = pd.DataFrame(rows, columns=["item", "state", "log2_p"])
    total = float(frame["log2_p"].sum()) if len(frame) else 0.0
    return Conflict(log2e, total, total - log2e, frame)


def red_flags(model, posterior: pd.Series) -> pd.DataFrame:
    """The must-not-miss diseases whose posterior reaches their threshold, with the threshold's rationale."""
    rows = []
    for d, flag in model.kb.red_flags.items():
        if posterior[d] >= flag.threshold:
            rows.append({"disease": d, "label": model.label(d), "posterior": float(posterior[d]),
                         "threshold": flag.threshold, "rationale": flag.rationale})
    return pd.DataFrame(rows, columns=["disease", "label", "posterior", "threshold", "rationale"])
