"""What next: every unobserved finding ranked by how much it is expected to tell about the diseases.

Information gain is the mutual information, in bits, between the finding and the joint state of the eight diseases
given the evidence: H(D | e) - sum over the finding's states s of P(s | e) H(D | e, s) (Pathfinder, GeNIe's
value-of-information ranking). It also reports the probability that the first-ranked disease changes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import BayesnetError, did_you_mean

__all__ = ["NextTests", "next_tests", "disease_distribution", "entropy_bits"]


def entropy_bits(p: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits along the last axis (0 log 0 = 0)."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=-1)


def disease_distribution(model, w: np.ndarray) -> np.ndarray:
    """Collapse configuration weights (..., 2^K) to the 2^8 joint states of the eight diseases, normalised."""
    nd = len(model.diseases)
    k = model.engine.n_causes
    shaped = w.reshape(w.shape[:-1] + (1 << (k - nd), 1 << nd)).sum(axis=-2)
    return shaped / shaped.sum(axis=-1, keepdims=True)


class NextTests:
    """Unobserved findings ranked by expected information gain (with cost where costs are known)."""

    def __init__(self, frame: pd.DataFrame, entropy: float, top: str):
        self.frame = frame
        self.entropy = entropy
        self.top = top

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def _repr_html_(self) -> str:
        return (f"<p>Uncertainty about the diseases now: {self.entropy:.2f} bits</p>"
                + self.frame.head(10).to_html(index=False))

    def plot(self, ax=None, top: int = 10):
        from .plotting import plot_next_tests

        return plot_next_tests(self.frame, ax=ax, top=top)


def next_tests(model, evidence: Mapping, *, costs: Mapping[str, float] | str | None = None,
               assume_complaint: bool = True, likelihoods: Mapping | None = None,
               candidates: list[str] | None = None) -> NextTests:
    """Rank unobserved findings by expected information gain about the eight diseases.

    ``costs``: ``None`` (rank by gain), ``"default"`` (the relative costs in ``priors/test_costs.csv``), or a
    mapping finding -> cost; with costs the table also gives ``gain_per_cost`` (gain / (1 + cost)) and is ranked by it.
    """
    ev, rows, cells, soft = model.prepare(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
    eng = model.engine
    observed = set(ev.states) | set(ev.assumed) | set(ev.likelihoods)
    pool = [f for f in model.findings if f not in observed] if candidates is None else list(candidates)
    for f in pool:
        if f not in model.findings:
            raise BayesnetError(f"unknown finding {f!r}.{did_you_mean(f, model.findings)}")
    if costs == "default":
        costs = model.kb.test_costs
    elif costs is not None and not isinstance(costs, Mapping):
        raise BayesnetError("costs must be None, 'default' or a mapping of finding to cost")
    s = eng.log_joint(rows, cells, soft)  # (cells, C)
    m = s.max()
    w = np.exp(s - m)  # (cells, C)
    w_all = w.sum(axis=0)
    total = w_all.sum()
    h_now = float(entropy_bits(disease_distribution(model, w_all)))
    marg_now = (w_all @ eng.bits_f)[: len(model.diseases)] / total
    top = int(np.argmax(marg_now))
    if not pool:
        return NextTests(pd.DataFrame(columns=["finding", "label", "p_present", "information_gain_bits",
                                               "p_top_changes"]), h_now, model.diseases[top])
    idx = np.array([model.encoder.index[f] for f in pool])
    present = np.exp(eng.table[2 * idx][:, cells, :])  # (U, cells, C): P(present | config, cell)
    absent = np.exp(eng.table[2 * idx + 1][:, cells, :])
    w_plus = (w[None] * present).sum(axis=1)  # (U, C)
    w_minus = (w[None] * absent).sum(axis=1)
    p_plus = w_plus.sum(axis=1) / total
    h_plus = entropy_bits(disease_distribution(model, np.where(w_plus.sum(1, keepdims=True) > 0, w_plus, 1.0)))
    h_minus = entropy_bits(disease_distribution(model, np.where(w_minus.sum(1, keepdims=True) > 0, w_minus, 1.0)))
    gain = h_now - (p_plus * h_plus + (1 - p_plus) * h_minus)
    nd = len(model.diseases)
    top_plus = np.argmax((w_plus @ eng.bits_f)[:, :nd], axis=1)
    top_minus = np.argmax((w_minus @ eng.bits_f)[:, :nd], axis=1)
    p_change = p_plus * (top_plus != top) + (1 - p_plus) * (top_minus != top)
    frame = pd.DataFrame({
        "finding": pool,
        "label": [model.label(f) for f in pool],
        "p_present": p_plus,
        "information_gain_bits": np.maximum(gain, 0.0),
        "p_top_changes": p_change,
        "top_if_present": [model.diseases[i] for i in top_plus],
        "top_if_absent": [model.diseases[i] for i in top_minus],
    })
    if costs is not None:
        frame["cost"] = [float(costs.get(f, np.nan)) for f in pool]
        frame["gain_per_cost"] = frame["information_gain_bits"] / (1.0 + frame["cost"])
        frame = frame.sort_values(["gain_per_cost", "information_gain_bits"], ascending=False, kind="stable")
    else:
        frame = frame.sort_values("information_gain_bits", ascending=False, kind="stable")
    return NextTests(frame.reset_index(drop=True), h_now, model.diseases[top])
