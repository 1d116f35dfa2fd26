"""The exact inference engine, compiled once from the knowledge base's arrays.

The causes (eight diseases and the explicit other causes) are binary and independent given the age-sex cell, so the
engine enumerates their 2^K joint configurations in each of the six cells. Every node's evidence is one row of a
table of log-probabilities ``log P(node = state | configuration, cell)``; a query adds the rows of the observed states
to the log prior of each configuration, normalises in log space (no underflow, whatever is observed) and reads the
marginals off the configuration bits. This is exact enumeration, not an approximation: it equals variable
elimination on the same network up to floating-point rounding.

An impossible configuration has the finite log-weight ``NEG`` rather than ``-inf`` so that sums and matrix products
never produce NaN; its weight after normalisation is exactly zero. Evidence whose best configuration is below
``IMPOSSIBLE`` has probability zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .knowledge import CELLS, Arrays

__all__ = ["Engine", "QueryResult", "noisy_or_absent", "NEG", "IMPOSSIBLE"]

#: Log-weight standing for probability zero.
NEG = -1.0e6
#: Any log-joint below this is probability zero (legitimate log-probabilities are far above it).
IMPOSSIBLE = -1.0e5


def noisy_or_absent(leak: np.ndarray, link: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """P(finding absent | configuration, cell) for leaky noisy-OR findings.

    ``leak``: (F, cells); ``link``: (F, K); ``bits``: (C, K) boolean configuration matrix.
    Returns (F, cells, C): ``(1 - leak) * prod_k (1 - link_k) ** bit_k``.
    """
    factors = np.where(bits[None, :, :], 1.0 - link[:, None, :], 1.0)  # (F, C, K)
    q = np.prod(factors, axis=2)  # (F, C)
    return (1.0 - leak)[:, :, None] * q[:, None, :]


def _log(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        out = np.log(p)
    out[p <= 0.0] = NEG
    return out


@dataclass(frozen=True)
class QueryResult:
    """Exact marginals for one evidence set.

    ``marginals[k]``: P(cause k present | e); ``none``: P(all eight diseases absent | e);
    ``log_evidence``: natural log of P(e).
    """

    marginals: np.ndarray
    none: float
    log_evidence: float


class Engine:
    """Exact enumeration over the cause configurations of one setting.

    Rows of the evidence table: node ``j`` (findings first, then causes) in state ``s`` (0 = present,
    1 = absent) is row ``2 * j + s``.
    """

    def __init__(self, arrays: Arrays, n_diseases: int):
        self.arrays = arrays
        self.n_diseases = n_diseases
        self.n_causes = K = len(arrays.causes)
        self.n_findings = len(arrays.findings)
        self.n_configs = C = 1 << K
        self.bits = ((np.arange(C)[:, None] >> np.arange(K)[None, :]) & 1).astype(bool)  # (C, K)
        self.bits_f = self.bits.astype(float)
        self.none_mask = ~self.bits[:, :n_diseases].any(axis=1)  # configurations with all eight absent
        # one matrix product gives every marginal, P(none of the eight) and the total: [bits | none | 1]
        self.readout = np.column_stack([self.bits_f, self.none_mask.astype(float), np.ones(C)])
        self.log_prior = self._log_prior(arrays.prior, arrays.interaction)  # (cells, C)
        self.log_population = _log(arrays.population)  # (cells,)
        self.table = self._table(arrays)  # (rows, cells, C)
        # the same numbers laid out per cell, so a single-cell query gathers contiguous rows
        self.table_by_cell = np.ascontiguousarray(self.table.transpose(1, 0, 2))  # (cells, rows, C)
        self._compiled = None  # product-space tables for the compiled kernel, built on demand

    # ---- compilation ---------------------------------------------------------------------------------------------
    def _log_prior(self, prior: np.ndarray, interaction: np.ndarray, cells=None) -> np.ndarray:
        """log P(configuration | cell) for the given cells (default all); ``prior`` is (K, cells), ``interaction``
        (K, K).

        Cause k is absent with probability (1 - prior_k) * prod over its present parent causes j of
        (1 - interaction[k, j]) (a noisy-OR whose leak is the prior); without interactions the causes are independent.
        """
        p = prior.T if cells is None else prior.T[cells]  # (cells, K)
        if interaction.any():
            raise_ = np.prod(np.where(self.bits[:, None, :], 1.0 - interaction[None, :, :], 1.0), axis=2)  # (C, K)
        else:
            raise_ = np.ones((self.n_configs, self.n_causes))
        absent = (1.0 - p)[:, None, :] * raise_[None, :, :]  # (cells, C, K)
        present = np.where(raise_[None, :, :] == 1.0, p[:, None, :], 1.0 - absent)
        per_cause = np.where(self.bits[None, :, :], present, absent)
        return _log(np.prod(per_cause, axis=2))

    def finding_rows(self, leak: np.ndarray, link: np.ndarray, women_only: np.ndarray) -> np.ndarray:
        """Log-probability rows (2F, cells, C) for findings with the given leaks and links."""
        absent = noisy_or_absent(leak, link, self.bits)
        present = 1.0 - absent
        male = np.array([s == "male" for _, s in CELLS])
        gate = women_only[:, None] & male[None, :]  # women-only findings cannot be present in a man
        present[gate] = 0.0
        absent[gate] = 1.0
        rows = np.empty((2 * len(leak), len(CELLS), self.n_configs))
        rows[0::2] = _log(present)
        rows[1::2] = _log(absent)
        return rows

    def _table(self, arrays: Arrays) -> np.ndarray:
        K, C = self.n_causes, self.n_configs
        cause_rows = np.empty((2 * K, len(CELLS), C))
        for k in range(K):
            on = np.where(self.bits[:, k], 0.0, NEG)
            off = np.where(self.bits[:, k], NEG, 0.0)
            cause_rows[2 * k] = on[None, :]
            cause_rows[2 * k + 1] = off[None, :]
        return np.concatenate([self.finding_rows(arrays.leak, arrays.link, arrays.women_only), cause_rows])

    # ---- single queries ------------------------------------------------------------------------------------------
    def log_joint(self, rows: np.ndarray, cells: np.ndarray, soft=()) -> np.ndarray:
        """log P(configuration, cell, evidence) for the allowed cells: (len(cells), C).

        ``soft``: uncertain findings as (node index, likelihood if present, likelihood if absent); each multiplies
        the joint by ``l_present P(present | .) + l_absent P(absent | .)`` (Pearl's virtual evidence).
        """
        if soft:
            s = self.log_joint(rows, cells)
            for j, lp, la in soft:
                with np.errstate(divide="ignore"):
                    llp, lla = np.log(lp), np.log(la)
                s = s + np.logaddexp(llp + self.table[2 * j][cells], lla + self.table[2 * j + 1][cells])
            return np.maximum(s, NEG)
        if len(cells) == 1:
            c = cells[0]
            s = self.log_prior[c] + self.log_population[c]
            if len(rows):
                s = s + self.table_by_cell[c].take(rows, axis=0).sum(axis=0)
            return s[None, :]
        s = self.log_prior[cells] + self.log_population[cells][:, None]
        if len(rows):
            s = s + self.table[rows][:, cells, :].sum(axis=0)
        return s

    def query(self, rows: np.ndarray, cells: np.ndarray, soft=()) -> QueryResult | None:
        """Exact marginals; ``None`` when the evidence has probability zero."""
        return self.summarise(self.log_joint(rows, cells, soft))

    def summarise(self, s: np.ndarray) -> QueryResult | None:
        """Marginals from a log-joint table (cells, C)."""
        m = s.max()
        if m < IMPOSSIBLE:
            return None
        w = np.exp(s - m)
        w = w[0] if len(w) == 1 else w.sum(axis=0)  # (C,)
        r = w @ self.readout
        total = r[-1]
        # a marginal and the total add the same terms in different orders: clip the last-bit rounding above 1
        return QueryResult(np.minimum(r[:-2] / total, 1.0), min(float(r[-2] / total), 1.0), float(m + np.log(total)))

    # ---- batches -------------------------------------------------------------------------------------------------
    def query_batch(self, codes: np.ndarray, cell_ok: np.ndarray, *, backend: str = "auto"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact marginals for many cases at once.

        ``codes``: (n, nodes) int8 with -1 for unknown, 0 present, 1 absent (findings, then causes).
        ``cell_ok``: (n, cells) boolean, the cells allowed by each case's age and sex.
        ``backend``: ``"numba"`` (the compiled kernel of :mod:`bayesnet.compiled`), ``"numpy"``, or ``"auto"``
        (numba when installed). Both are exact and agree to rounding.
        Returns ``marginals`` (n, K), ``none`` (n,), ``possible`` (n,) boolean; rows with probability zero have
        ``possible = False`` and zeros elsewhere.
        """
        from . import compiled

        if backend not in ("auto", "numba", "numpy"):
            raise ValueError(f"backend must be 'auto', 'numba' or 'numpy', got {backend!r}")
        if codes.shape[0] == 0:
            return np.zeros((0, self.n_causes)), np.zeros(0), np.zeros(0, dtype=bool)
        if backend != "numpy" and compiled.available():
            if self._compiled is None:
                self._compiled = compiled.CompiledTables(self)
            marg, none, status = compiled.batch_marginals(self._compiled, codes, cell_ok)
            redo = np.nonzero(status == 2)[0]
            if len(redo):  # beyond the exact range of products: log space
                marg[redo], none[redo], ok = self.query_batch(codes[redo], cell_ok[redo], backend="numpy")
                status[redo] = ok
            return marg, none, status == 1
        n = codes.shape[0]
        n_rows = self.table.shape[0]
        onehot = np.zeros((n, n_rows))
        obs_i, obs_j = np.nonzero(codes >= 0)
        onehot[obs_i, 2 * obs_j + codes[obs_i, obs_j]] = 1.0
        marginals = np.zeros((n, self.n_causes))
        none = np.zeros(n)
        possible = np.zeros(n, dtype=bool)
        # Cases pinned to one cell (age and sex known) need only that cell's table.
        n_ok = cell_ok.sum(axis=1)
        single = n_ok == 1
        cell_of = np.argmax(cell_ok, axis=1)
        for c in range(len(CELLS)):
            idx = np.nonzero(single & (cell_of == c))[0]
            if len(idx):
                s = onehot[idx] @ self.table[:, c, :] + self.log_prior[c][None, :]
                self._finish(s, idx, marginals, none, possible)
        unknown = np.nonzero(n_ok > 1)[0]
        for start in range(0, len(unknown), 2048):  # cases with unknown age or sex: every cell, in small blocks
            idx = unknown[start:start + 2048]
            per_cell = np.stack([onehot[idx] @ self.table[:, c, :] + self.log_prior[c][None, :]
                                 + self.log_population[c] for c in range(len(CELLS))], axis=1)  # (m, cells, C)
            per_cell[~cell_ok[idx]] = NEG
            m = per_cell.max(axis=(1, 2), keepdims=True)
            w = np.exp(per_cell - m).sum(axis=1)  # (m, C)
            self._finish_weights(w, m[:, 0, 0], idx, marginals, none, possible)
        return marginals, none, possible

    def _finish(self, s, idx, marginals, none, possible) -> None:
        m = s.max(axis=1, keepdims=True)
        w = np.exp(s - m)
        self._finish_weights(w, m[:, 0], idx, marginals, none, possible)

    def _finish_weights(self, w, m, idx, marginals, none, possible) -> None:
        ok = m >= IMPOSSIBLE
        r = w[ok] @ self.readout
        total = r[:, -1]
        marginals[idx[ok]] = np.minimum(r[:, :-2] / total[:, None], 1.0)  # clip last-bit rounding above 1
        none[idx[ok]] = np.minimum(r[:, -2] / total, 1.0)
        possible[idx[ok]] = True
