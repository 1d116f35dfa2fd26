"""Every figure of the project. Functions take precomputed results and an optional ``ax`` and return the Axes.

matplotlib is imported lazily, inside the functions, and no global style is set.
"""

from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["plot_diagnosis", "plot_tornado", "plot_intervals", "plot_weights", "plot_next_tests",
           "plot_trajectory", "plot_calibration", "plot_network"]

_POST = "#3b6ea5"
_PRIOR = "#b8c4d6"
_UP = "#c0504d"
_DOWN = "#4f81bd"


def _title(ax, text: str, width: int = 62) -> None:
    ax.set_title(textwrap.fill(text, width), fontsize=11)


def _axes(ax, size=(7, 4)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, constrained_layout=True)
    return ax


def plot_diagnosis(dx, ax=None):
    """Horizontal bars: posterior of each disease against its prior for the same age and sex."""
    ax = _axes(ax)
    order = dx.ranked().index[::-1]
    y = np.arange(len(order))
    ax.barh(y + 0.2, [dx.prior[d] for d in order], height=0.4, color=_PRIOR, label="Before findings (prior)")
    ax.barh(y - 0.2, [dx.posterior[d] for d in order], height=0.4, color=_POST, label="After findings (posterior)")
    ax.set_yticks(y, [dx.labels[d] for d in order])
    ax.set_xlim(0, 1)
    ax.set_xlabel("Probability the disease is present")
    _title(ax, "How likely is each disease, before and after the findings")
    ax.legend(loc="lower right", frameon=False)
    return ax


def plot_tornado(tornado, disease_label: str, ax=None):
    """Tornado diagram: the posterior at each parameter's low and high value, widest swing on top."""
    ax = _axes(ax, (8, 0.35 * max(len(tornado), 4) + 1.2))
    t = tornado.iloc[::-1]
    y = np.arange(len(t))
    base = float(t["posterior"].iloc[0]) if len(t) else 0.0
    lo = t["posterior_at_low"].to_numpy()
    hi = t["posterior_at_high"].to_numpy()
    ax.barh(y, lo - base, left=base, color=_DOWN, label="parameter at its low value")
    ax.barh(y, hi - base, left=base, color=_UP, label="parameter at its high value")
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(y, [f"{p}  ({v:.3g}: {l:.3g}-{h:.3g})" for p, v, l, h in
                      zip(t["parameter"], t["value"], t["low"], t["high"])], fontsize=8)
    ax.set_xlabel(f"Posterior probability of {disease_label}")
    _title(ax, f"Which of the model's numbers the probability of {disease_label} depends on", 42)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8, frameon=False)
    return ax


def plot_intervals(frame, labels: dict, level: float, ax=None):
    """Posterior of each disease with its credible interval from parameter uncertainty."""
    ax = _axes(ax)
    f = frame.sort_values("posterior")
    y = np.arange(len(f))
    ax.errorbar(f["posterior"], y, xerr=[f["posterior"] - f["low"], f["high"] - f["posterior"]], fmt="o",
                color=_POST, ecolor="#555555", capsize=3)
    ax.set_yticks(y, [labels.get(d, d) for d in f.index])
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"Posterior probability ({level:.0%} credible interval over the literature ranges)")
    _title(ax, "How sure the model is of each probability, given the uncertainty in its own numbers")
    return ax


def plot_weights(frame, disease_label: str, ax=None):
    """Weight of evidence (bits) of each observed finding for one disease."""
    ax = _axes(ax, (7, 0.35 * max(len(frame), 4) + 1.2))
    f = frame.iloc[::-1]
    y = np.arange(len(f))
    colors = [_UP if w > 0 else _DOWN for w in f["weight_bits"]]
    ax.barh(y, f["weight_bits"], color=colors)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, [f"{lab} ({s})" for lab, s in zip(f["label"], f["state"])])
    ax.set_xlabel("Weight of evidence (bits); right = for the disease, left = against")
    _title(ax, f"Which findings argue for or against {disease_label}")
    return ax


def plot_next_tests(frame, ax=None, top: int = 10):
    """Expected information gain of each unobserved finding."""
    ax = _axes(ax, (7, 0.35 * min(len(frame), top) + 1.2))
    f = frame.head(top).iloc[::-1]
    y = np.arange(len(f))
    ax.barh(y, f["information_gain_bits"], color=_POST)
    ax.set_yticks(y, list(f["label"]))
    ax.set_xlabel("Expected information gain (bits of uncertainty about the diseases removed)")
    _title(ax, "Which finding to check next")
    return ax


def plot_trajectory(frame, labels: dict, ax=None):
    """Posterior of each disease as findings are added one at a time (rows = steps)."""
    ax = _axes(ax, (8, 4))
    x = np.arange(len(frame))
    for d in frame.columns:
        ax.plot(x, frame[d], marker="o", label=labels.get(d, d))
    ax.set_xticks(x, list(frame.index), rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Finding added")
    ax.set_ylabel("Posterior probability")
    _title(ax, "How the differential changes as findings are added")
    ax.legend(fontsize=7, frameon=False, ncol=2)
    return ax


def plot_calibration(predicted, observed, ax=None, bins: int = 10):
    """Reliability diagram: observed frequency against predicted probability, in bins."""
    ax = _axes(ax, (5, 5))
    predicted = np.asarray(predicted, dtype=float)
    observed = np.asarray(observed, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(predicted, edges) - 1, 0, bins - 1)
    xs, ys, ns = [], [], []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            xs.append(predicted[sel].mean())
            ys.append(observed[sel].mean())
            ns.append(sel.sum())
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="perfect calibration")
    ax.scatter(xs, ys, s=20 + 80 * np.sqrt(np.array(ns) / max(ns)), color=_POST, label="bins (area ~ cases)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Predicted probability")
    ax.set_ylabel("Observed frequency")
    _title(ax, "Are the predicted probabilities calibrated?")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_network(kb, posterior=None, ax=None):
    """The network in layers (demographics, causes, findings); causes shaded by posterior when given."""
    ax = _axes(ax, (14, 7))
    causes = list(kb.causes)
    findings = list(kb.findings)
    pos = {"age": (0.35, 1.0), "sex": (0.65, 1.0)}
    for i, c in enumerate(causes):
        pos[c] = ((i + 0.5) / len(causes), 0.62)
    for i, f in enumerate(findings):
        row = i % 2
        pos[f] = ((i + 0.5) / len(findings), 0.18 - 0.12 * row)
    for f in findings:
        for p in kb.parents[f]:
            ax.plot([pos[p][0], pos[f][0]], [pos[p][1], pos[f][1]], color="#dddddd", lw=0.4, zorder=0)
    for c in causes:
        for d in ("age", "sex"):
            ax.plot([pos[d][0], pos[c][0]], [pos[d][1], pos[c][1]], color="#bbbbbb", lw=0.6, zorder=0)
    import matplotlib.cm as cm

    for c in causes:
        shade = cm.Blues(0.15 + 0.85 * float(posterior.get(c, 0))) if posterior is not None else "#cfe0f3"
        ax.scatter(*pos[c], s=900, color=shade, edgecolor="#333333", zorder=2)
        txt = textwrap.fill(kb.nodes[c].label.split(" (")[0], 16)  # neighbouring labels must not collide
        if posterior is not None and c in posterior:
            txt += f"\n{posterior[c]:.0%}"
        ax.annotate(txt, pos[c], xytext=(0, 22), textcoords="offset points", ha="center", fontsize=7)
    for d in ("age", "sex"):
        ax.scatter(*pos[d], s=500, color="#eeeeee", edgecolor="#333333", zorder=2)
        ax.annotate(kb.nodes[d].label, pos[d], ha="center", va="center", fontsize=7)
    for f in findings:
        ax.scatter(*pos[f], s=30, color="#f2d7a6", edgecolor="#555555", zorder=2)
        ax.annotate(kb.nodes[f].label, pos[f], xytext=(0, -4), textcoords="offset points", rotation=90,
                    ha="center", va="top", fontsize=5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.55, 1.1)
    ax.axis("off")
    _title(ax, "The network: demographics (top) cause diseases (middle), which cause findings (bottom)")
    return ax
