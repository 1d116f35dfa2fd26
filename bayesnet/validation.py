"""How the model compares with the literature and with published cases.

* :func:`implied_sensitivity` and :func:`fidelity_table`: the model's P(finding | disease) against every published
  sensitivity in ``priors/accuracy/``.
* :func:`presenting_mix`: the mix of causes the model implies among back-pain patients, against
  ``priors/presenting_mix.csv``.
* :func:`evaluate`: top-1 / top-3 accuracy, Brier score and log loss on a list of cases with known diagnoses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import BayesnetError

__all__ = ["implied_sensitivity", "fidelity_table", "presenting_mix", "evaluate", "Evaluation"]

VISCERAL = ("urolithiasis", "uti", "pyelonephritis", "pelvic_congestion")


def _prob(model, evidence: Mapping, given: Mapping) -> float:
    """P(evidence | given) from two exact evidence probabilities (no assumed complaint)."""
    joint = model.log_evidence({**given, **evidence}, assume_complaint=False)
    base = model.log_evidence(given, assume_complaint=False)
    return math.exp(joint - base)


def implied_sensitivity(model, finding: str, disease: str) -> float:
    """P(finding present | disease present) under the model, averaged over age, sex and the other causes."""
    return _prob(model, {finding: "present"}, {disease: "present"})


def fidelity_table(model) -> pd.DataFrame:
    """Every published sensitivity next to the model's implied value, with ``within`` the published range."""
    rows = []
    for pub in model.kb.accuracy:
        implied = implied_sensitivity(model, pub.subject, pub.disease)
        rows.append({"finding": pub.subject, "disease": pub.disease, "published": pub.value, "low": pub.low,
                     "high": pub.high, "model": implied, "within": pub.low - 1e-12 <= implied <= pub.high + 1e-12,
                     "population": pub.population, "source": pub.source})
    return pd.DataFrame(rows)


def _share(model, cause: str) -> float:
    given = {"low_back_pain": "present"}
    if cause == "nonspecific":
        cause = "lumbar_strain"
    if cause in model.kb.causes:
        return _prob(model, {cause: "present"}, given)
    if cause == "visceral":
        return 1.0 - _prob(model, {d: "absent" for d in VISCERAL}, given)
    if cause == "cancer_any":  # the model's only explicit cancer is plasmacytoma
        return _prob(model, {"plasmacytoma": "present"}, given)
    if cause == "none_of_the_eight":
        return _prob(model, {d: "absent" for d in model.diseases}, given)
    raise BayesnetError(f"unknown cause or group {cause!r}")


def presenting_mix(model) -> pd.DataFrame:
    """The model's share of each cause among patients with low back pain, against the published shares of the
    model's setting. Causes without a published row are listed with NaN ranges."""
    pubs = [p for p in model.kb.presenting_mix if p.setting == model.setting]
    rows = []
    seen = set()
    for pub in pubs:
        share = _share(model, pub.subject)
        seen.add(pub.subject)
        rows.append({"cause": pub.subject, "model": share, "published": pub.value, "low": pub.low,
                     "high": pub.high, "within": pub.low - 1e-12 <= share <= pub.high + 1e-12,
                     "population": pub.population, "source": pub.source})
    for cause in model.kb.causes:
        if cause not in seen and not (cause == "lumbar_strain" and "nonspecific" in seen):
            rows.append({"cause": cause, "model": _share(model, cause), "published": np.nan, "low": np.nan,
                         "high": np.nan, "within": np.nan, "population": "", "source": ""})
    return pd.DataFrame(rows)


class Evaluation:
    """Scores of the model on cases with known diagnoses (``expected``: a disease id or ``"none"``)."""

    def __init__(self, cases: pd.DataFrame):
        self.cases = cases

    @property
    def top1(self) -> float:
        return float((self.cases["rank"] == 1).mean())

    @property
    def top3(self) -> float:
        return float((self.cases["rank"] <= 3).mean())

    @property
    def brier(self) -> float:
        """Mean over cases of the sum over the nine outcomes (eight diseases, none) of (p - y)^2."""
        return float(self.cases["brier"].mean())

    @property
    def log_loss(self) -> float:
        """Mean over cases of -log P(expected diagnosis)."""
        return float(self.cases["log_loss"].mean())

    def summary(self) -> dict:
        return {"cases": len(self.cases), "top1": self.top1, "top3": self.top3, "brier": self.brier,
                "log_loss": self.log_loss}

    def confusion(self) -> pd.DataFrame:
        """Expected diagnosis (rows) against the model's first-ranked one (columns)."""
        return pd.crosstab(self.cases["expected"], self.cases["top"])

    def to_frame(self) -> pd.DataFrame:
        return self.cases

    def _repr_html_(self) -> str:
        s = self.summary()
        return (f"<p>{s['cases']} cases: top-1 {s['top1']:.0%}, top-3 {s['top3']:.0%}, Brier {s['brier']:.3f}, "
                f"log loss {s['log_loss']:.3f}</p>" + self.cases.to_html(max_rows=60))


def evaluate(model, cases: Iterable[Mapping]) -> Evaluation:
    """Score ``model`` on cases, each a mapping with ``evidence`` and ``expected`` (and optionally ``id`` and
    ``setting``: a case that names a care setting is scored with the same knowledge base in that setting).

    The outcome probabilities are the eight disease posteriors and P(none of the eight); the rank of the expected
    diagnosis among these nine decides top-1 and top-3.
    """
    rows = []
    outcomes = list(model.diseases) + ["none"]
    for i, case in enumerate(cases):
        expected = case.get("expected")
        if expected not in outcomes:
            raise BayesnetError(f"case {case.get('id', i)!r}: expected {expected!r} is not a disease id or 'none'")
        if "evidence" not in case:
            raise BayesnetError(f"case {case.get('id', i)!r}: no 'evidence' (a mapping of node ids to states)")
        case_model, evidence = model.for_case(case)
        p = case_model.posterior(evidence)
        probs = pd.Series(list(p.to_numpy()) + [p.attrs["none_of_the_eight"]], index=outcomes)
        order = probs.sort_values(ascending=False, kind="stable")
        rank = list(order.index).index(expected) + 1
        y = (probs.index == expected).astype(float)
        rows.append({"id": case.get("id", i), "expected": expected, "top": order.index[0],
                     "p_top": float(order.iloc[0]), "p_expected": float(probs[expected]), "rank": rank,
                     "brier": float(((probs.to_numpy() - y) ** 2).sum()),
                     "log_loss": float(-math.log(max(probs[expected], 1e-300)))})
    return Evaluation(pd.DataFrame(rows).set_index("id"))
