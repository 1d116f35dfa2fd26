"""How much do the answers depend on the model's own numbers?

For one evidence set, every number of the knowledge base that the model uses (disease priors and population mix of
its setting, noisy-OR links and leaks) is a parameter ``t``. With everything else fixed, the joint probability of
the evidence and of each disease is linear in ``t``, so each posterior is a ratio of two linear functions,
``P(d | e)(t) = (a t + b) / (c t + d)`` (Castillo, Gutierrez and Hadi 1997; Coupe and van der Gaag 2002). The
coefficients come from exact evaluations, so the whole curve, the derivative and the value needed to reach a target
are exact. Co-varying entries stay consistent: P(absent) = 1 - P(present) for every binary node, and when one cell
of the population mix changes the other cells are rescaled so the mix still sums to one.

* :meth:`SensitivityAnalysis.one_way`: every parameter x disease: posterior at the nominal value, at ``low`` and
  ``high`` (exact recomputations), and the derivative.
* :meth:`SensitivityAnalysis.function`: the sensitivity function of one parameter.
* :meth:`SensitivityAnalysis.change_conclusion`: every single parameter whose change within [0, 1] makes a disease
  reach a posterior threshold or rank first, with the value needed.
* :meth:`SensitivityAnalysis.uncertainty`: credible intervals from joint draws of all parameters.
* :meth:`SensitivityAnalysis.evidence_sensitivity`: each observed finding removed or flipped.
* :func:`across_cases`: which parameters matter most over many cases.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import IMPOSSIBLE, NEG, _log
from .errors import BayesnetError, did_you_mean
from .knowledge import CELLS, Parameter

__all__ = ["SensitivityAnalysis", "SensitivityFunction", "OneWayResult", "UncertaintyResult", "across_cases",
           "beta_parameters"]


@dataclass(frozen=True)
class SensitivityFunction:
    """P(disease | evidence) as a function of one parameter: ``(a t + b) / (c t + d)`` on [0, 1]."""

    parameter: str
    disease: str
    value: float
    a: float
    b: float
    c: float
    d: float

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        return (self.a * t + self.b) / (self.c * t + self.d)

    def derivative(self, t=None) -> float:
        """d posterior / d parameter (at the nominal value by default)."""
        t = self.value if t is None else t
        den = self.c * t + self.d
        return float((self.a * self.d - self.b * self.c) / (den * den))

    def solve(self, target: float) -> float | None:
        """The parameter value in [0, 1] at which the posterior equals ``target``, or ``None``."""
        den = self.a - target * self.c
        if den == 0:
            return None
        t = (target * self.d - self.b) / den
        return float(t) if -1e-12 <= t <= 1 + 1e-12 else None


class OneWayResult:
    """One-way sensitivity of every posterior to every parameter, with views."""

    def __init__(self, frame: pd.DataFrame, labels: dict[str, str]):
        self.frame = frame
        self.labels = labels

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def tornado(self, disease: str, top: int = 12) -> pd.DataFrame:
        """Parameters ranked by the swing of ``disease``'s posterior over their plausible range."""
        f = self.frame[self.frame["disease"] == disease]
        f = f.assign(swing=(f["posterior_at_high"] - f["posterior_at_low"]).abs())
        return f.sort_values("swing", ascending=False, kind="stable").head(top)

    def plot_tornado(self, disease: str, top: int = 12, ax=None):
        from .plotting import plot_tornado

        return plot_tornado(self.tornado(disease, top), disease_label=self.labels.get(disease, disease), ax=ax)

    def _repr_html_(self) -> str:
        lead = self.frame.groupby("disease")["posterior"].first().sort_values(ascending=False).index[0]
        t = self.tornado(lead, 10)[["parameter", "value", "low", "high", "posterior_at_low", "posterior_at_high",
                                    "derivative", "source"]]
        return f"<p>Most influential numbers for <b>{self.labels.get(lead, lead)}</b>:</p>" + t.to_html(index=False)


class UncertaintyResult:
    """Posterior credible intervals from joint draws of every parameter."""

    def __init__(self, draws: pd.DataFrame, nominal: pd.Series, level: float, labels: dict[str, str]):
        self.draws = draws
        self.nominal = nominal
        self.level = level
        self.labels = labels

    def to_frame(self) -> pd.DataFrame:
        lo, hi = (1 - self.level) / 2, 1 - (1 - self.level) / 2
        return pd.DataFrame({
            "posterior": self.nominal,
            "mean": self.draws.mean(),
            "low": self.draws.quantile(lo),
            "high": self.draws.quantile(hi),
        })

    def _repr_html_(self) -> str:
        return f"<p>{self.level:.0%} credible intervals ({len(self.draws)} draws)</p>" + self.to_frame().to_html()

    def plot(self, ax=None):
        from .plotting import plot_intervals

        return plot_intervals(self.to_frame(), labels=self.labels, level=self.level, ax=ax)


def beta_parameters(value: float, low: float, high: float) -> tuple[float, float] | None:
    """Beta(alpha, beta) with mean ``value`` and standard deviation ``(high - low) / 3.92`` (the range read as a
    95% interval), by moments; ``None`` for a fixed number (zero-width range, or 0 or 1)."""
    sd = (high - low) / 3.92
    if sd <= 0 or value <= 0 or value >= 1:
        return None
    var = min(sd * sd, value * (1 - value) * 0.999)  # keep alpha, beta > 0
    kappa = value * (1 - value) / var - 1
    return value * kappa, (1 - value) * kappa


class SensitivityAnalysis:
    """Sensitivity analyses of one evidence set under a model. Create once, then ask several questions."""

    def __init__(self, model, evidence: Mapping, *, assume_complaint: bool = True):
        self.model = model
        self.engine = model.engine
        self.evidence = model.parse_evidence(evidence, assume_complaint=assume_complaint)
        self.rows, self.cells = model.encoder.rows_cells(self.evidence)
        self.kb = model.kb
        self.arr = model.kb.arrays(model.setting)
        eng = self.engine
        # components of the log-joint over the allowed cells: prior + population + one block per observed row
        self.lp = eng.log_prior[self.cells]  # (m, C)
        self.lpop = eng.log_population[self.cells]  # (m,)
        blocks = eng.table[self.rows][:, self.cells, :] if len(self.rows) else np.zeros((0, len(self.cells), eng.n_configs))
        prefix = np.concatenate([np.zeros((1,) + blocks.shape[1:]), np.cumsum(blocks, axis=0)])
        suffix = np.concatenate([np.cumsum(blocks[::-1], axis=0)[::-1], np.zeros((1,) + blocks.shape[1:])])
        self.rest = {int(r): prefix[i] + suffix[i + 1] for i, r in enumerate(self.rows)}  # everything but row r
        self.evidence_sum = prefix[-1]
        s0 = self._joint()
        self.m0 = float(s0.max())
        if self.m0 < IMPOSSIBLE:
            raise model.encoder.impossible(self.evidence)
        self.nominal = self._sums(s0, self.m0)
        self.n_diseases = len(model.diseases)
        self.observed_rows = {}  # finding index -> observed row
        nf = len(self.arr.findings)
        for r in self.rows:
            j = int(r) // 2
            if j < nf:
                self.observed_rows[j] = int(r)
        self.parameters = [p for p in self.kb.parameters.values()
                           if p.kind in ("link", "leak", "interaction") or p.setting == model.setting]
        self._by_name = {p.name: p for p in self.parameters}

    # ---- exact evaluation ----------------------------------------------------------------------------------------
    def _joint(self, lp=None, lpop=None, row=None, block=None) -> np.ndarray:
        lp = self.lp if lp is None else lp
        lpop = self.lpop if lpop is None else lpop
        ev = self.evidence_sum if row is None else self.rest[row] + block
        return lp + lpop[:, None] + ev

    def _sums(self, s: np.ndarray, m: float) -> np.ndarray:
        """Unnormalised [P(cause_k, e) for each cause..., P(none, e), P(e)] scaled by exp(-m)."""
        w = np.exp(s - m).sum(axis=0)
        return w @ self.engine.readout

    def _affects(self, p: Parameter) -> bool:
        if p.kind in ("link", "leak"):
            j = self.kb.findings.index(p.node)
            if j not in self.observed_rows:
                return False
            if p.kind == "leak":
                return bool(set(p.cells) & set(self.cells.tolist()))
            return True
        if p.kind == "prior":
            return bool(set(p.cells) & set(self.cells.tolist()))
        if p.kind == "interaction":
            return True
        return len(self.cells) > 1  # population matters only when age or sex is unknown

    def _evaluate(self, p: Parameter, t: float) -> tuple[np.ndarray, float]:
        """Unnormalised sums and their log-scale when parameter ``p`` is set to ``t``."""
        arr = self.arr
        eng = self.engine
        if p.kind == "prior":
            prior = arr.prior.copy()
            k = self.kb.causes.index(p.node)
            prior[k, list(p.cells)] = t
            s = self._joint(lp=eng._log_prior(prior, arr.interaction, self.cells))
        elif p.kind == "interaction":
            inter = arr.interaction.copy()
            inter[self.kb.causes.index(p.node), self.kb.causes.index(p.parent)] = t
            s = self._joint(lp=eng._log_prior(arr.prior, inter, self.cells))
        elif p.kind == "population":
            pop = arr.population.copy()
            c0 = p.cells[0]
            others = [c for c in range(len(CELLS)) if c != c0]
            rest = pop[others].sum()
            pop[others] = pop[others] * ((1 - t) / rest) if rest > 0 else (1 - t) / len(others)
            pop[c0] = t
            s = self._joint(lpop=_log(pop)[self.cells])
        else:
            return self._evaluate_many(p, (t,))[0]
        m = float(s.max())
        return self._sums(s, m), m

    def _evaluate_many(self, p: Parameter, values) -> list[tuple[np.ndarray, float]]:
        """``_evaluate`` at several values; a link or a leak (only its finding's row changes) in one pass."""
        if p.kind not in ("link", "leak"):
            return [self._evaluate(p, t) for t in values]
        arr, eng, n = self.arr, self.engine, len(values)
        j = self.kb.findings.index(p.node)
        leak = np.repeat(arr.leak[j:j + 1], n, axis=0)
        link = np.repeat(arr.link[j:j + 1], n, axis=0)
        for i, t in enumerate(values):
            if p.kind == "leak":
                leak[i, list(p.cells)] = t
            else:
                link[i, self.kb.causes.index(p.parent)] = t
        rows = eng.finding_rows(leak, link, np.repeat(arr.women_only[j:j + 1], n))  # (2n, cells, C)
        r = self.observed_rows[j]
        s = self._joint(row=r, block=0.0)[None] + rows[r % 2::2][:, self.cells]  # (n, cells, C)
        m = s.reshape(n, -1).max(axis=1)
        sums = np.exp(s - m[:, None, None]).sum(axis=1) @ self.engine.readout
        return [(sums[i], float(m[i])) for i in range(n)]

    def _check(self, name: str) -> Parameter:
        if name not in self._by_name:
            raise BayesnetError(f"unknown parameter {name!r}.{did_you_mean(name, self._by_name)} "
                                "Parameter names look like 'link:fever:pyelonephritis'.")
        return self._by_name[name]

    def _linear(self, p: Parameter, known: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Value (at the nominal scale) and slope of every unnormalised sum as a function of the parameter.

        ``known`` maps parameter values already evaluated to their (sums, log-scale), to avoid evaluating twice.
        """
        t0 = p.value
        t1 = p.high if p.high != t0 else (p.low if p.low != t0 else (t0 + 0.5 if t0 <= 0.5 else t0 - 0.5))
        s1, m1 = known[t1] if known and t1 in known else self._evaluate(p, t1)
        scaled = s1 * math.exp(m1 - self.m0) if m1 > NEG else np.zeros_like(s1)
        slope = (scaled - self.nominal) / (t1 - t0)
        return self.nominal, slope

    def function(self, parameter: str, disease: str) -> SensitivityFunction:
        """The exact sensitivity function of ``disease``'s posterior to ``parameter``."""
        p = self._check(parameter)
        if disease not in self.kb.causes:
            raise BayesnetError(f"unknown disease {disease!r}.{did_you_mean(disease, self.kb.causes)}")
        k = self.kb.causes.index(disease)
        n0, slope = self._linear(p) if self._affects(p) else (self.nominal, np.zeros_like(self.nominal))
        a, c = slope[k], slope[-1]
        b, d = n0[k] - a * p.value, n0[-1] - c * p.value
        return SensitivityFunction(parameter, disease, p.value, float(a), float(b), float(c), float(d))

    # ---- analyses ------------------------------------------------------------------------------------------------
    def one_way(self, *, parameters: Iterable[str] | None = None, progress: bool = False) -> OneWayResult:
        """Every parameter x disease: nominal posterior, exact posteriors at ``low`` and ``high``, derivative."""
        params = self.parameters if parameters is None else [self._check(n) for n in parameters]
        diseases = self.model.diseases
        nd = len(diseases)
        post0 = self.nominal[:nd] / self.nominal[-1]
        n = len(params)
        at_low = np.tile(post0, (n, 1))
        at_high = at_low.copy()
        derivs = np.zeros((n, nd))
        for i, p in enumerate(params):
            if progress:
                _progress("sensitivity: parameter", i, n, every=200)
            if not self._affects(p):
                continue
            known = dict(zip((p.low, p.high), self._evaluate_many(p, (p.low, p.high))))
            lo_s, hi_s = known[p.low][0], known[p.high][0]
            n0, slope = self._linear(p, known)
            # where the evidence becomes impossible at an end of the range, the posterior there is the limit of
            # (a t + b) / (c t + d), which is the ratio of the slopes
            limit = slope[:nd] / slope[-1] if slope[-1] != 0 else post0
            at_low[i] = lo_s[:nd] / lo_s[-1] if lo_s[-1] > 0 else limit
            at_high[i] = hi_s[:nd] / hi_s[-1] if hi_s[-1] > 0 else limit
            derivs[i] = (slope[:nd] * n0[-1] - n0[:nd] * slope[-1]) / (n0[-1] ** 2)

        def per_parameter(values):
            return np.repeat(np.asarray(values, dtype=object), nd)

        frame = pd.DataFrame({
            "parameter": per_parameter([p.name for p in params]),
            "kind": per_parameter([p.kind for p in params]),
            "value": np.repeat([p.value for p in params], nd),
            "low": np.repeat([p.low for p in params], nd),
            "high": np.repeat([p.high for p in params], nd),
            "source": per_parameter([p.source for p in params]),
            "disease": np.tile(np.asarray(diseases, dtype=object), n),
            "posterior": np.tile(post0, n),
            "posterior_at_low": at_low.ravel(),
            "posterior_at_high": at_high.ravel(),
            "derivative": derivs.ravel(),
        })
        return OneWayResult(frame, {d: self.model.label(d) for d in self.kb.causes})

    def change_conclusion(self, disease: str, *, threshold: float | None = None, first: bool = False) -> pd.DataFrame:
        """Every single parameter whose change within [0, 1] makes ``disease`` reach ``threshold`` (posterior at
        least that) or rank ``first`` among the eight, with the value needed (the one nearest the nominal value),
        how far outside the literature range it lies, and ``achievable`` False where no value in [0, 1] does it."""
        if (threshold is None) == (not first):
            raise BayesnetError("give exactly one target: threshold=0.5 (posterior at least) or first=True")
        if disease not in self.model.diseases:
            raise BayesnetError(f"unknown disease {disease!r}.{did_you_mean(disease, self.model.diseases)}")
        if threshold is not None and not 0 <= threshold <= 1:
            raise BayesnetError(f"threshold must be a probability in [0, 1], got {threshold}")
        k = self.model.diseases.index(disease)
        nd = len(self.model.diseases)
        rows = []
        for p in self.parameters:
            if not self._affects(p):
                continue
            n0, slope = self._linear(p)
            t0 = p.value
            # each condition is linear in t: g(t) = g0 + g1 (t - t0) >= 0, feasible set an interval
            conds = []
            if threshold is not None:
                conds.append((n0[k] - threshold * n0[-1], slope[k] - threshold * slope[-1]))
            else:
                conds += [(n0[k] - n0[j], slope[k] - slope[j]) for j in range(nd) if j != k]
            lo, hi = 0.0, 1.0
            for g0, g1 in conds:
                if g1 == 0:
                    if g0 < 0:
                        lo, hi = 1.0, 0.0
                    continue
                root = t0 - g0 / g1
                if g1 > 0:
                    lo = max(lo, root)
                else:
                    hi = min(hi, root)
            achievable = lo <= hi
            if achievable:
                needed = min(max(t0, lo), hi)
                # a value at which the evidence itself becomes impossible (P(e) = 0) reaches nothing
                if n0[-1] + slope[-1] * (needed - t0) <= 1e-12 * n0[-1]:
                    achievable = False
            if achievable:
                if needed == t0 and all(g0 >= 0 for g0, _ in conds):
                    continue  # already satisfied at the nominal value
            else:
                needed = float("nan")
            outside = (0.0 if p.low <= needed <= p.high else min(abs(needed - p.low), abs(needed - p.high))) \
                if achievable else float("nan")
            rows.append({"parameter": p.name, "value": t0, "low": p.low, "high": p.high,
                         "achievable": achievable, "value_needed": needed, "outside_range_by": outside,
                         "within_range": bool(achievable and outside == 0.0), "source": p.source})
        frame = pd.DataFrame(rows, columns=["parameter", "value", "low", "high", "achievable", "value_needed",
                                            "outside_range_by", "within_range", "source"])
        return frame.sort_values(["achievable", "outside_range_by"], ascending=[False, True], kind="stable",
                                 ignore_index=True)

    def uncertainty(self, n_draws: int = 2000, *, rng: np.random.Generator, level: float = 0.95,
                    scale: float = 1.0) -> UncertaintyResult:
        """Credible intervals: every parameter that touches this evidence drawn jointly from a Beta with mean
        ``value`` and standard deviation ``scale * (high - low) / 3.92``; the population mix is held fixed.

        Exact per draw: the posterior of each draw is computed by full enumeration, vectorised over draws.
        """
        if not isinstance(rng, np.random.Generator):
            raise BayesnetError("rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(0)")
        if n_draws < 1:
            raise BayesnetError(f"n_draws must be positive, got {n_draws}")
        eng, arr, kb = self.engine, self.arr, self.kb
        cells = self.cells
        bits = eng.bits_f  # (C, K)

        def draw(p: Parameter) -> np.ndarray:
            half = scale * (p.high - p.low) / 2  # beta_parameters reads only the width of the range
            ab = beta_parameters(p.value, p.value - half, p.value + half)
            return rng.beta(*ab, size=n_draws) if ab else np.full(n_draws, p.value)

        # disease priors (draws, cells, K) and interactions between causes (draws, K, K)
        prior = np.broadcast_to(arr.prior.T[cells], (n_draws, len(cells), len(kb.causes))).copy()
        inter = np.broadcast_to(arr.interaction, (n_draws, len(kb.causes), len(kb.causes))).copy()
        for p in self.parameters:
            if p.kind == "prior" and self._affects(p):
                k = kb.causes.index(p.node)
                v = draw(p)
                for ci, c in enumerate(cells):
                    if c in p.cells:
                        prior[:, ci, k] = v
            elif p.kind == "interaction":
                inter[:, kb.causes.index(p.node), kb.causes.index(p.parent)] = draw(p)
        # log P(configuration | cell): causes without parent causes are independent (linear in the bits); a cause
        # raised by others (interactions.csv) gets its exact noisy-OR term
        children = {kb.causes.index(c): [kb.causes.index(j) for j in ps] for c, ps in kb.cause_parents.items()}
        free = np.array([k not in children for k in range(len(kb.causes))])
        with np.errstate(divide="ignore"):
            lp1, lp0 = np.log(prior), np.log1p(-prior)
        lp1 = np.where(np.isfinite(lp1), lp1, NEG)
        lp1[:, :, ~free] = 0.0
        lp0[:, :, ~free] = 0.0
        s = lp0.sum(axis=2)[:, :, None] + (lp1 - lp0) @ bits.T  # (draws, cells, C)
        for k, parents in children.items():
            raise_ = np.ones((n_draws, eng.n_configs))
            for j in parents:
                raise_ *= np.where(eng.bits[None, :, j], 1.0 - inter[:, k, j][:, None], 1.0)
            absent = (1.0 - prior[:, :, k])[:, :, None] * raise_[:, None, :]  # (draws, cells, C)
            present = np.where(raise_[:, None, :] == 1.0, prior[:, :, k][:, :, None], 1.0 - absent)
            s += _log(np.where(eng.bits[None, None, :, k], present, absent))
        s += eng.log_population[cells][None, :, None]
        # observed findings
        for j, r in self.observed_rows.items():
            f = kb.findings[j]
            leak = np.broadcast_to(arr.leak[j, cells], (n_draws, len(cells))).copy()
            link = np.broadcast_to(arr.link[j], (n_draws, len(kb.causes))).copy()
            for p in self.parameters:
                if p.node != f:
                    continue
                if p.kind == "leak":
                    v = draw(p)
                    for ci, c in enumerate(cells):
                        if c in p.cells:
                            leak[:, ci] = v
                elif p.kind == "link":
                    link[:, kb.causes.index(p.parent)] = draw(p)
            with np.errstate(divide="ignore"):
                logq = np.log1p(-link)
            logq = np.where(np.isfinite(logq), logq, NEG)
            q = np.exp(logq @ bits.T)  # (draws, C)
            absent = (1 - leak)[:, :, None] * q[:, None, :]
            if kb.nodes[f].women_only:
                male = np.array([CELLS[c][1] == "male" for c in cells])
                absent[:, male, :] = 1.0
            s += _log(absent if r % 2 else 1 - absent)
        # evidence on causes
        for r in self.rows:
            if int(r) // 2 >= len(kb.findings):
                s += eng.table[int(r)][cells][None]
        m = s.max(axis=(1, 2), keepdims=True)
        w = np.exp(s - m).sum(axis=1)  # (draws, C)
        r_ = w @ eng.readout
        post = r_[:, : self.n_diseases] / r_[:, -1:]
        draws = pd.DataFrame(post, columns=list(self.model.diseases))
        nominal = pd.Series(self.nominal[: self.n_diseases] / self.nominal[-1], index=list(self.model.diseases))
        return UncertaintyResult(draws, nominal, level, {d: self.model.label(d) for d in kb.causes})

    def evidence_sensitivity(self) -> pd.DataFrame:
        """Each observed finding removed (unknown) or flipped: the posterior of every disease, and the change."""
        ev = self.evidence
        base = self.model.posterior(ev.as_dict(), assume_complaint=False)
        rows = []
        for f, state in list(ev.states.items()) + list(ev.assumed.items()):
            for action in ("removed", "flipped"):
                new = dict(ev.as_dict())
                if action == "removed":
                    del new[f]
                else:
                    new[f] = "absent" if state == "present" else "present"
                try:
                    p = self.model.posterior(new, assume_complaint=False)
                except BayesnetError:
                    continue  # e.g. a flip that makes the evidence impossible
                for d in self.model.diseases:
                    rows.append({"finding": f, "state": state, "action": action, "disease": d,
                                 "posterior": base[d], "posterior_after": p[d], "change": p[d] - base[d]})
        return pd.DataFrame(rows)


def _progress(label: str, i: int, n: int, *, every: int) -> None:
    """Item i of n on standard error, every ``every`` items and at the end: one line rewritten on a terminal, a line
    each otherwise."""
    if i % every == 0 or i == n - 1:
        end = "\r" if sys.stderr.isatty() and i < n - 1 else "\n"
        sys.stderr.write(f"{label} {i + 1}/{n}{end}")
        sys.stderr.flush()


def across_cases(model, cases: Iterable[Mapping], *, progress: bool = False) -> pd.DataFrame:
    """Which parameters matter most over many cases: for each parameter, the mean and maximum over cases of the
    largest swing (posterior at high minus at low, any disease), ranked by the mean.

    Each case is an evidence mapping, or a mapping with ``evidence`` and optionally ``setting`` (then analysed with
    the same knowledge base in that setting). A parameter that cannot move a case (a prior of another age-sex cell
    or setting) swings it by 0.
    """
    frames = []
    cases = list(cases)
    for i, case in enumerate(cases):
        if progress:
            _progress("sensitivity across cases:", i, len(cases), every=max(1, len(cases) // 10))
        f = SensitivityAnalysis(*model.for_case(case)).one_way().frame
        f = f.assign(swing=(f["posterior_at_high"] - f["posterior_at_low"]).abs())
        frames.append(f.groupby("parameter", sort=False)["swing"].max().rename(i))
    swings = pd.concat(frames, axis=1).fillna(0.0)
    out = pd.DataFrame({"mean_swing": swings.mean(axis=1), "max_swing": swings.max(axis=1)})
    params = model.kb.parameters
    out["source"] = [params[n].source for n in out.index]
    out.index.name = "parameter"
    return out.sort_values("mean_swing", ascending=False, kind="stable")
