"""The model: the compiled network of one setting, and the posterior queries of the public contract."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .engine import IMPOSSIBLE, Engine, QueryResult
from .errors import BayesnetError, EvidenceError, did_you_mean
from .evidence import Evidence, EvidenceEncoder, encode_frame
from .knowledge import SETTINGS, KnowledgeBase, Setting, load_knowledge

__all__ = ["Model", "Diagnosis", "BatchEvidenceError", "load_model"]


class BatchEvidenceError(EvidenceError):
    """Some rows of a batch are bad; ``problems`` is a DataFrame (row, column, message) of every one."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems
        first = problems.iloc[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"row {first['row']!r}, column {first['column']!r}: {first['message']}{more}")


def load_model(setting: Setting = "primary_care", *, priors: str | Path | None = None) -> "Model":
    """Load and compile the shipped model (or the knowledge base in ``priors``) for a care setting.

    ``setting`` is ``"primary_care"`` (default) or ``"emergency"``: the settings differ in their disease priors and
    age-sex mix only.
    """
    _check_setting(setting)
    return Model(load_knowledge(priors), setting)


def _check_setting(setting) -> None:
    if setting not in SETTINGS:
        raise BayesnetError(f"setting {setting!r} is not one of {', '.join(SETTINGS)}."
                            f"{did_you_mean(str(setting), SETTINGS)}")


@dataclass(frozen=True)
class Diagnosis:
    """The differential for one evidence set: a view-ready result object.

    ``posterior``: P(present | evidence) per disease, catalogue order; ``prior``: the same before any finding (the
    age-sex cell and setting only); ``none_of_the_eight``; ``other_causes``: posterior of the explicit other causes;
    ``assumed``: evidence the model added (the presenting complaint when none was named).
    """

    posterior: pd.Series
    prior: pd.Series
    none_of_the_eight: float
    other_causes: pd.Series
    evidence: dict[str, str]
    assumed: dict[str, str]
    labels: dict[str, str] = field(repr=False)
    setting: str = "primary_care"

    def ranked(self) -> pd.Series:
        """Diseases by decreasing posterior."""
        return self.posterior.sort_values(ascending=False, kind="stable")

    def to_frame(self) -> pd.DataFrame:
        """One row per disease, most probable first: label, prior (same age and sex, no findings), posterior."""
        order = self.ranked().index
        return pd.DataFrame({
            "disease": [self.labels[d] for d in order],
            "prior": self.prior[order].to_numpy(),
            "posterior": self.posterior[order].to_numpy(),
        }, index=pd.Index(order, name="id"))

    def to_dict(self) -> dict:
        return {
            "posterior": {d: float(p) for d, p in self.posterior.items()},
            "none_of_the_eight": float(self.none_of_the_eight),
            "other_causes": {d: float(p) for d, p in self.other_causes.items()},
            "prior": {d: float(p) for d, p in self.prior.items()},
            "evidence": dict(self.evidence),
            "assumed": dict(self.assumed),
            "setting": self.setting,
        }

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{self.labels[d]}</td><td style='text-align:right'>{self.prior[d]:.2%}</td>"
            f"<td style='text-align:right'><b>{p:.2%}</b></td>"
            f"<td><div style='background:#3b6ea5;height:0.8em;width:{max(p * 200, 1):.0f}px'></div></td></tr>"
            for d, p in self.ranked().items())
        note = ""
        if self.assumed:
            note = "<p><i>Assumed: " + ", ".join(f"{k} = {v}" for k, v in self.assumed.items()) + \
                   " (no presenting complaint was named).</i></p>"
        return (f"<table><thead><tr><th>Disease</th><th>Prior</th><th>Posterior</th><th></th></tr></thead>"
                f"<tbody>{rows}</tbody></table><p>None of the eight: <b>{self.none_of_the_eight:.2%}</b></p>{note}")

    def plot(self, ax=None):
        """Posterior against prior per disease (see :func:`bayesnet.plotting.plot_diagnosis`)."""
        from .plotting import plot_diagnosis

        return plot_diagnosis(self, ax=ax)


class Model:
    """A compiled model of one care setting. Create it with :func:`load_model`."""

    def __init__(self, kb: KnowledgeBase, setting: str = "primary_care"):
        self.kb = kb
        self.setting = setting
        self.encoder = EvidenceEncoder(kb)
        self.engine = Engine(kb.arrays(setting), len(kb.diseases))
        self._disease_index = pd.Index(kb.diseases, name="disease")

    # ---- vocabulary ----------------------------------------------------------------------------------------------
    @property
    def diseases(self) -> tuple[str, ...]:
        """The eight disease ids, catalogue order."""
        return self.kb.diseases

    @property
    def other_causes(self) -> tuple[str, ...]:
        """Explicit causes outside the eight (e.g. ``other_spinal_cause``)."""
        return self.kb.other_causes

    @property
    def findings(self) -> tuple[str, ...]:
        """Every finding id, catalogue order."""
        return self.kb.findings

    def label(self, node: str) -> str:
        """The plain-language label of a node."""
        return self.kb.nodes[node].label

    def __repr__(self) -> str:
        return (f"<bayesnet.Model setting={self.setting!r}: {len(self.diseases)} diseases, "
                f"{len(self.other_causes)} other cause(s), {len(self.findings)} findings>")

    # ---- queries -------------------------------------------------------------------------------------------------
    def parse_evidence(self, evidence: Mapping, *, assume_complaint: bool = True,
                       likelihoods: Mapping | None = None) -> Evidence:
        """Validate evidence and return the effective evidence (with any assumed complaint)."""
        return self.encoder.parse(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)

    def prepare(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None):
        """Validated evidence with its engine form: (evidence, rows, cells, soft rows); raises on impossible evidence."""
        ev = self.parse_evidence(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
        rows, cells = self.encoder.rows_cells(ev)
        soft = self.encoder.soft_rows(ev)
        if self.engine.log_joint(rows, cells, soft).max() < IMPOSSIBLE:
            raise self.encoder.impossible(ev)
        return ev, rows, cells, soft

    def _query(self, ev: Evidence) -> QueryResult:
        rows, cells = self.encoder.rows_cells(ev)
        result = self.engine.query(rows, cells, self.encoder.soft_rows(ev))
        if result is None:
            raise self.encoder.impossible(ev)
        return result

    def posterior(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None) -> pd.Series:
        """P(disease present | evidence) for the eight diseases, as a Series indexed by disease id.

        When the evidence names neither ``low_back_pain`` nor ``flank_pain`` and ``assume_complaint`` is true, the
        model adds ``low_back_pain = present`` and records it in ``result.attrs["assumed"]``.

        ``likelihoods`` gives uncertain findings: ``{"dysuria": 0.8}`` for "dysuria, 80% sure" (likelihood 0.8 if
        present, 0.2 if absent), or a pair ``(l_present, l_absent)``. A finding left out is unknown, which is not
        the same as absent.
        """
        ev = self.parse_evidence(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
        res = self._query(ev)
        out = pd.Series(res.marginals[: len(self.diseases)], index=self._disease_index, name="posterior")
        out.attrs["assumed"] = dict(ev.assumed)
        out.attrs["none_of_the_eight"] = res.none
        return out

    def posterior_none(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None) -> float:
        """P(all eight diseases absent | evidence)."""
        ev = self.parse_evidence(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
        return self._query(ev).none

    def log_evidence(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None) -> float:
        """Natural log of P(evidence) under the model."""
        ev = self.parse_evidence(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
        return self._query(ev).log_evidence

    def diagnose(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None) -> Diagnosis:
        """The differential as a :class:`Diagnosis` (posterior, prior for the same age and sex, none of the eight)."""
        ev = self.parse_evidence(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods)
        res = self._query(ev)
        base = Evidence({}, ev.age, ev.sex, {})
        prior = self._query(base)
        n = len(self.diseases)
        labels = {k: self.label(k) for k in self.kb.causes}
        return Diagnosis(
            posterior=pd.Series(res.marginals[:n], index=self._disease_index, name="posterior"),
            prior=pd.Series(prior.marginals[:n], index=self._disease_index, name="prior"),
            none_of_the_eight=res.none,
            other_causes=pd.Series(res.marginals[n:], index=pd.Index(self.other_causes, name="cause")),
            evidence=ev.as_dict(), assumed=dict(ev.assumed), labels=labels, setting=self.setting)

    def posterior_batch(self, cases: pd.DataFrame, *, assume_complaint: bool = True, chunk_size: int = 20_000,
                        progress: bool | None = None) -> pd.DataFrame:
        """P(present | evidence) for each row of ``cases`` (columns = node ids), one column per disease.

        Values: state names, True/False, whole years for ``age``, NaN/None for unknown; categorical columns are
        welcome. Rows are processed in chunks of ``chunk_size`` (bounded memory); ``progress`` shows a progress bar
        on standard error (default: only for more than 200,000 rows). The result has the same index as ``cases``,
        plus a column ``none_of_the_eight``. Any bad row raises :class:`BatchEvidenceError`, which lists every
        problem (row label, column, message).
        """
        marg, none, possible, problems, assumed = self._batch(cases, assume_complaint=assume_complaint,
                                                              chunk_size=chunk_size, progress=progress)
        if problems is not None:
            raise BatchEvidenceError(problems)
        out = pd.DataFrame(marg[:, : len(self.diseases)], index=cases.index, columns=list(self.diseases))
        out["none_of_the_eight"] = none
        out["complaint_assumed"] = assumed
        return out

    def _batch(self, cases: pd.DataFrame, *, assume_complaint: bool, chunk_size: int, progress: bool | None):
        """Encode and score a batch; returns marginals, none, possible, problems (DataFrame or None), assumed."""
        if not isinstance(cases, pd.DataFrame):
            raise EvidenceError(f"cases must be a pandas DataFrame, got {type(cases).__name__}")
        if chunk_size < 1:
            raise BayesnetError(f"chunk_size must be a positive number of rows, got {chunk_size}")
        n = len(cases)
        show = progress if progress is not None else n > 200_000
        marg = np.zeros((n, self.engine.n_causes))
        none = np.zeros(n)
        possible = np.zeros(n, dtype=bool)
        assumed = np.zeros(n, dtype=bool)
        problems: list[tuple[int, str, str]] = []
        for start in range(0, n, chunk_size):
            stop = min(n, start + chunk_size)
            enc = encode_frame(self.encoder, cases.iloc[start:stop], assume_complaint=assume_complaint)
            bad = np.zeros(stop - start, dtype=bool)
            for i, col, msg in enc.problems:
                bad[i] = True
                problems.append((start + i, col, msg))
            good = np.nonzero(~bad)[0]
            m, z, ok = self.engine.query_batch(enc.codes[good], enc.cell_ok[good])
            marg[start + good] = m
            none[start + good] = z
            possible[start + good] = ok
            assumed[start:stop] = enc.assumed
            for i in good[~ok]:
                problems.append((start + i, "", "the evidence in this row has probability zero under the model"))
            if show:
                done = stop / n
                sys.stderr.write(f"\rscoring cases [{'#' * int(30 * done):<30}] {stop:,}/{n:,}")
                sys.stderr.flush()
        if show:
            sys.stderr.write("\n")
        frame = None
        if problems:
            problems.sort(key=lambda t: t[0])
            frame = pd.DataFrame({
                "row": [cases.index[i] for i, _, _ in problems],
                "position": [i for i, _, _ in problems],
                "column": [c for _, c, _ in problems],
                "message": [m for _, _, m in problems]})
        return marg, none, possible, frame, assumed

    # ---- clinical reasoning ----------------------------------------------------------------------------------------
    def explain(self, evidence: Mapping, disease: str | list[str] | None = None, *, assume_complaint: bool = True,
                likelihoods: Mapping | None = None):
        """Weight of evidence (bits) of each observed finding for each disease (default: the top three), and the
        findings whose removal or flip changes the top diagnosis. See :mod:`bayesnet.explain`."""
        from .explain import explain

        return explain(self, evidence, disease, assume_complaint=assume_complaint, likelihoods=likelihoods)

    def next_tests(self, evidence: Mapping, *, costs=None, assume_complaint: bool = True,
                   likelihoods: Mapping | None = None):
        """Unobserved findings ranked by expected information gain. See :mod:`bayesnet.next_test`."""
        from .next_test import next_tests

        return next_tests(self, evidence, costs=costs, assume_complaint=assume_complaint, likelihoods=likelihoods)

    def mpe(self, evidence: Mapping, k: int = 5, *, assume_complaint: bool = True, likelihoods: Mapping | None = None):
        """The k most probable joint states of the eight diseases. See :mod:`bayesnet.mpe`."""
        from .mpe import most_probable_explanations

        return most_probable_explanations(self, evidence, k, assume_complaint=assume_complaint,
                                          likelihoods=likelihoods)

    def conflict(self, evidence: Mapping, *, assume_complaint: bool = True):
        """P(evidence) and the conflict measure; positive = findings fit poorly together."""
        from .conflict import conflict

        return conflict(self, evidence, assume_complaint=assume_complaint)

    def red_flags(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None):
        """Must-not-miss diseases whose posterior passes their threshold (``priors/red_flags.csv``)."""
        from .conflict import red_flags

        return red_flags(self, self.posterior(evidence, assume_complaint=assume_complaint, likelihoods=likelihoods))

    def sensitivity(self, evidence: Mapping, *, assume_complaint: bool = True):
        """A :class:`bayesnet.sensitivity.SensitivityAnalysis` of this evidence."""
        from .sensitivity import SensitivityAnalysis

        return SensitivityAnalysis(self, evidence, assume_complaint=assume_complaint)

    def sample(self, n: int, rng, *, years: bool = False) -> pd.DataFrame:
        """``n`` synthetic patients drawn from the model (``rng``: a ``numpy.random.Generator``)."""
        from .simulate import sample_cases

        return sample_cases(self, n, rng, years=years)

    def evaluate(self, cases):
        """Top-1/top-3 accuracy, Brier score and log loss on cases with an ``expected`` diagnosis."""
        from .validation import evaluate

        return evaluate(self, cases)

    def in_setting(self, setting: str) -> "Model":
        """The same knowledge base in another care setting (this model itself for its own setting)."""
        if setting == self.setting:
            return self
        _check_setting(setting)
        siblings = self.__dict__.setdefault("_siblings", {})
        if setting not in siblings:
            siblings[setting] = Model(self.kb, setting)
        return siblings[setting]

    def for_case(self, case: Mapping) -> tuple["Model", Mapping]:
        """The model and the evidence of a case: a mapping with ``evidence`` (and optionally ``setting``, analysed
        with the same knowledge base in that setting), or a bare evidence mapping."""
        if isinstance(case, Mapping) and "evidence" in case:
            return self.in_setting(case.get("setting", self.setting)), case["evidence"]
        return self, case

    def with_parameters(self, values: Mapping[str, float]) -> "Model":
        """A new model with some numbers of the knowledge base replaced (names as in ``kb.parameters``).

        Co-varying entries stay consistent: when a population cell changes, the other cells of that setting are
        rescaled so the mix still sums to one.
        """
        import dataclasses

        params = dict(self.kb.parameters)
        for name, t in values.items():
            if name not in params:
                raise BayesnetError(f"unknown parameter {name!r}.{did_you_mean(name, params)}")
            t = float(t)
            if not 0.0 <= t <= 1.0:
                raise BayesnetError(f"parameter {name}: {t} is not a probability in [0, 1]")
            p = params[name]
            params[name] = dataclasses.replace(p, value=t, low=min(p.low, t), high=max(p.high, t))
            if p.kind == "population":
                others = [q for q in params.values() if q.kind == "population" and q.setting == p.setting
                          and q.name != name]
                rest = sum(q.value for q in others)
                for q in others:
                    v = q.value * (1 - t) / rest if rest > 0 else (1 - t) / len(others)
                    params[q.name] = dataclasses.replace(q, value=v, low=min(q.low, v), high=max(q.high, v))
        kb = dataclasses.replace(self.kb, parameters=params, _arrays={})
        return Model(kb, self.setting)

    # ---- interoperability ----------------------------------------------------------------------------------------
    def export(self, fmt: str, path):
        """Write the network as ``xmlbif``, ``bif`` or ``json`` (see :mod:`bayesnet.export`)."""
        from .export import export

        return export(self, fmt, path)

    def to_pgmpy(self):
        """The same network as a pgmpy ``DiscreteBayesianNetwork`` (catalogue node ids and state names)."""
        from .network import build_pgmpy

        return build_pgmpy(self.kb, self.setting)
