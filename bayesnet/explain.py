"""Why: the weight of evidence of each observed finding for each disease, and which findings decide the top rank.

Weight of evidence (I. J. Good; as in Pathfinder and DXplain's justifications), in bits:
``log2 P(f | d, other evidence) / P(f | not d, other evidence)``. Positive weights argue for the disease.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import BayesnetError, did_you_mean
from .evidence import Evidence

__all__ = ["Explanation", "explain"]


class Explanation:
    """Weights of evidence per (disease, finding), ranked, and the findings that decide the top diagnosis."""

    def __init__(self, weights: pd.DataFrame, pivotal: pd.DataFrame, posterior: pd.Series, labels: dict):
        self.weights = weights
        self.pivotal = pivotal
        self.posterior = posterior
        self.labels = labels

    def to_frame(self) -> pd.DataFrame:
        return self.weights

    def for_disease(self, disease: str) -> pd.DataFrame:
        return self.weights[self.weights["disease"] == disease]

    def _repr_html_(self) -> str:
        parts = []
        for d in self.weights["disease"].unique():
            f = self.for_disease(d)[["label", "state", "weight_bits"]]
            parts.append(f"<h4>{self.labels[d]} ({self.posterior[d]:.1%})</h4>" + f.to_html(index=False))
        if len(self.pivotal):
            parts.append("<h4>Findings that decide the top diagnosis</h4>" + self.pivotal.to_html(index=False))
        return "".join(parts)

    def plot(self, disease: str | None = None, ax=None):
        from .plotting import plot_weights

        d = disease or self.weights["disease"].iloc[0]
        return plot_weights(self.for_disease(d), self.labels[d], ax=ax)


def _items(ev: Evidence) -> list[tuple[str, str]]:
    out = []
    if ev.age is not None:
        out.append(("age", ev.age))
    if ev.sex is not None:
        out.append(("sex", ev.sex))
    return out + list(ev.states.items()) + list(ev.assumed.items())


def _without(ev: Evidence, node: str) -> Evidence:
    if node == "age":
        return Evidence(ev.states, None, ev.sex, ev.assumed, ev.likelihoods)
    if node == "sex":
        return Evidence(ev.states, ev.age, None, ev.assumed, ev.likelihoods)
    return Evidence({k: v for k, v in ev.states.items() if k != node}, ev.age, ev.sex,
                    {k: v for k, v in ev.assumed.items() if k != node}, ev.likelihoods)


def _flipped(ev: Evidence, node: str, state: str) -> Evidence | None:
    if node in ("age", "sex"):
        return None
    new = "absent" if state == "present" else "present"
    states = {**ev.states}
    assumed = {**ev.assumed}
    (assumed if node in assumed else states)[node] = new
    return Evidence(states, ev.age, ev.sex, assumed, ev.likelihoods)


def _sums(model, ev: Evidence) -> tuple[np.ndarray, np.ndarray, float]:
    """Per-configuration weights of the evidence: P(d, e) and P(not d, e) for each cause, on a log scale m."""
    eng = model.engine
    rows, cells = model.encoder.rows_cells(ev)
    s = eng.log_joint(rows, cells, model.encoder.soft_rows(ev))
    m = float(s.max())
    w = np.exp(s - m).sum(axis=0)
    return w @ eng.bits_f, w @ (1.0 - eng.bits_f), m


def explain(model, evidence: Mapping, disease: str | list[str] | None = None, *, assume_complaint: bool = True,
            likelihoods: Mapping | None = None) -> Explanation:
    """Weight of evidence of every observed item (age, sex, findings, an assumed complaint) for each disease
    (default: the three most probable), and the single items whose removal or flip changes the top diagnosis."""
    ev, _, _, _ = model.prepare(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
    post = model.posterior(ev.as_dict(), assume_complaint=False, likelihoods=ev.likelihoods or None)
    if disease is None:
        diseases = list(post.sort_values(ascending=False, kind="stable").index[:3])
    else:
        diseases = [disease] if isinstance(disease, str) else list(disease)
    for d in diseases:
        if d not in model.diseases:
            raise BayesnetError(f"unknown disease {d!r}.{did_you_mean(d, model.diseases)}")
    with_d, without_d, m_all = _sums(model, ev)
    rows = []
    for node, state in _items(ev):
        w_d, w_nd, m = _sums(model, _without(ev, node))
        scale = np.exp(m_all - m)  # bring the full-evidence sums onto the reduced scale
        for d in diseases:
            k = model.kb.causes.index(d)
            num = with_d[k] * scale / w_d[k] if w_d[k] > 0 else np.nan
            den = without_d[k] * scale / w_nd[k] if w_nd[k] > 0 else np.nan
            if not (num > 0 and den > 0):
                continue  # the disease is impossible or certain here: no weight can be defined
            label = model.label(node) if node in model.kb.nodes else node
            rows.append({"disease": d, "finding": node, "label": label, "state": state,
                         "weight_bits": float(np.log2(num) - np.log2(den)),
                         "assumed": node in ev.assumed})
    weights = pd.DataFrame(rows, columns=["disease", "finding", "label", "state", "weight_bits", "assumed"])
    if len(weights):
        weights = weights.assign(_abs=weights["weight_bits"].abs())
        weights["_order"] = weights["disease"].map({d: i for i, d in enumerate(diseases)})
        weights = weights.sort_values(["_order", "_abs"], ascending=[True, False], kind="stable")
        weights = weights.drop(columns=["_abs", "_order"]).reset_index(drop=True)
    top = post.idxmax()
    pivotal = []
    for node, state in _items(ev):
        for action, alt in (("removed", _without(ev, node)), ("flipped", _flipped(ev, node, state))):
            if alt is None:
                continue
            try:
                p = model.posterior(alt.as_dict(), assume_complaint=False, likelihoods=alt.likelihoods or None)
            except BayesnetError:
                continue
            if p.idxmax() != top:
                pivotal.append({"finding": node, "state": state, "action": action, "new_top": p.idxmax(),
                                "new_top_posterior": float(p.max()), "old_top": top})
    pivotal = pd.DataFrame(pivotal, columns=["finding", "state", "action", "new_top", "new_top_posterior", "old_top"])
    return Explanation(weights, pivotal, post, {k: model.label(k) for k in model.kb.causes})
