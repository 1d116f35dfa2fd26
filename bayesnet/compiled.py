"""The compiled batch kernel (numba, the optional ``[fast]`` extra): the same exact enumeration as
:meth:`bayesnet.engine.Engine.query_batch`, in product space, one case per loop iteration, cases in parallel.

Absent findings factorise over the causes (Quickscore, Heckerman 1989): their joint probability in a configuration
is a product of one factor per present cause, built for all 2^K configurations in 2^K multiplications, so only the
present findings cost a pass over the configurations each. The marginals are read out by folding the weights in
half from the highest cause bit down, about 2 x 2^K additions in place of a (2^K x (K + 2)) matrix product.

Exactness without logarithms: every row of the evidence table is divided by its largest entry (a common factor of
all configurations of a cell, kept aside as a log offset), so each product only shrinks, and a bound on how far it can
shrink (the sum of each row's spread, log2 of its largest over its smallest non-zero entry, plus the prior's spread)
is known before multiplying. When the bound stays above the smallest normal double (2**-1000), no weight can
underflow and the products are exact up to rounding; the rare case beyond it is computed by the numpy engine in log
space. When numba is not installed the engine uses numpy for every case.
"""

from __future__ import annotations

import numpy as np

from .knowledge import CELLS

__all__ = ["available", "CompiledTables", "batch_marginals"]

try:  # numba is optional
    import numba as _nb
except ImportError:  # pragma: no cover - exercised where numba is absent
    _nb = None

#: Products are guaranteed to stay above 2**-LIMIT_BITS (normal doubles); beyond it a case goes to numpy.
LIMIT_BITS = 1000.0


def available() -> bool:
    """Whether the compiled kernel can be used."""
    return _nb is not None


class CompiledTables:
    """Product-space tables of an engine, each row scaled to a maximum of 1, with its log2 offset and spread."""

    def __init__(self, engine):
        ptable = np.exp(engine.table_by_cell)  # (cells, rows, C)
        rowmax = ptable.max(axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.ptable = np.ascontiguousarray(np.where(rowmax[..., None] > 0, ptable / rowmax[..., None], 0.0))
            minnz = np.where(ptable > 0, ptable, np.inf).min(axis=2)
            self.row_log2 = np.where(rowmax > 0, np.log2(rowmax), -np.inf)  # (cells, rows)
            self.row_spread = np.where(rowmax > 0, np.log2(rowmax / minnz), 0.0)
        prior = np.exp(engine.log_prior)  # (cells, C)
        pmax = prior.max(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.prior = np.ascontiguousarray(prior / pmax[:, None])
            pmin = np.where(prior > 0, prior, np.inf).min(axis=1)
            pop = np.exp(engine.log_population)
            self.cell_log2 = np.log2(pmax) + np.where(pop > 0, np.log2(pop), -np.inf)  # (cells,)
            self.prior_spread = np.log2(pmax / pmin)
        # the readout [P(cause k, e) ..., P(none, e), P(e)]: cause k is bit k of a configuration (engine.bits), so
        # folding the weights in half from the highest bit down gives every marginal in about 2 C additions
        if not np.array_equal(engine.readout[:, :engine.n_causes], engine.bits_f):
            raise AssertionError("the compiled readout expects cause k in bit k of a configuration")
        self.none_idx = np.ascontiguousarray(np.nonzero(engine.none_mask)[0].astype(np.int64))
        self.width = engine.readout.shape[1]  # K + 2
        # absent findings factorise over the causes (Quickscore, Heckerman 1989):
        # prod over absent f of P(absent | z, c) = prod_f (1 - leak_fc) * prod_k (prod_f (1 - link_fk)) ** z_k
        arr = engine.arrays
        self.n_findings = len(arr.findings)
        self.om_link = np.ascontiguousarray(1.0 - arr.link)  # (F, K)
        male = np.array([s == "male" for _, s in CELLS])
        self.gated = np.ascontiguousarray(arr.women_only[:, None] & male[None, :])  # (F, cells): absent for certain
        with np.errstate(divide="ignore"):
            self.leak_log2 = np.ascontiguousarray(np.where(self.gated, 0.0, np.log2(1.0 - arr.leak)))  # (F, cells)


_kernel = None


def _build():
    global _kernel
    if _kernel is not None:
        return _kernel
    nb = _nb

    @nb.njit(parallel=True, cache=True, fastmath={"reassoc", "contract", "nsz"})
    def kernel(ptable, row_log2, row_spread, prior, cell_log2, prior_spread, om_link, gated, leak_log2, codes,
               cell_ok, order, none_idx, limit, out, status):
        n, n_nodes = codes.shape
        n_cells, _, C = ptable.shape
        F, K = om_link.shape
        block = 128
        n_blocks = (n + block - 1) // block
        for b in nb.prange(n_blocks):
            acc = np.empty(C)
            g = np.empty(C)
            w = np.empty(C)
            qc = np.empty((n_cells, K))  # per cell: prod over absent findings of (1 - link_k)
            rows = np.empty(n_nodes, dtype=np.int64)
            absent = np.empty(F, dtype=np.int64)
            offs = np.empty(n_cells)
            for ii in range(b * block, min(n, (b + 1) * block)):
                i = order[ii]
                m = 0  # rows multiplied as tables: present findings and evidence on causes
                a = 0  # absent findings, factorised
                for j in range(n_nodes):
                    code = codes[i, j]
                    if code < 0:
                        continue
                    if j < F and code == 1:
                        absent[a] = j
                        a += 1
                    else:
                        rows[m] = 2 * j + code
                        m += 1
                best = -np.inf
                risky = False
                for c in range(n_cells):
                    offs[c] = -np.inf
                    if not cell_ok[i, c]:
                        continue
                    off = cell_log2[c]
                    spread = prior_spread[c]
                    for t in range(m):
                        off += row_log2[c, rows[t]]
                        spread += row_spread[c, rows[t]]
                    for k in range(K):
                        qc[c, k] = 1.0
                    for t in range(a):
                        f = absent[t]
                        if gated[f, c]:
                            continue
                        off += leak_log2[f, c]
                        for k in range(K):
                            qc[c, k] *= om_link[f, k]
                    for k in range(K):
                        if qc[c, k] > 0.0:
                            spread -= np.log2(qc[c, k])
                    offs[c] = off
                    if off > best:
                        best = off
                    if off > -np.inf and spread > limit:
                        risky = True
                if risky:
                    status[i] = 2  # beyond the exact range of products: the caller uses log space
                    continue
                if best == -np.inf:
                    status[i] = 0  # probability zero
                    continue
                for z in range(C):
                    w[z] = 0.0
                for c in range(n_cells):
                    if offs[c] == -np.inf:
                        continue
                    # g[z] = prod_k q_k ** z_k for this cell's absent findings
                    g[0] = 1.0
                    size = 1
                    for k in range(K):
                        for z in range(size):
                            g[z + size] = g[z] * qc[c, k]
                        size *= 2
                    for z in range(C):
                        acc[z] = prior[c, z] * g[z]
                    for t in range(m):
                        r = rows[t]
                        for z in range(C):
                            acc[z] *= ptable[c, r, z]
                    f2 = 2.0 ** (offs[c] - best)
                    for z in range(C):
                        w[z] += f2 * acc[z]
                # [P(cause k, e) ..., P(none, e), P(e)]: "none" sums its listed configurations; then fold w in half
                # from the highest bit down: before folding bit k, w[2^k : 2^(k+1)] holds every configuration with
                # cause k present (the higher bits already summed out)
                s = 0.0
                for t in range(none_idx.shape[0]):
                    s += w[none_idx[t]]
                out[i, K] = s
                size = C
                for k in range(K - 1, -1, -1):
                    half = size >> 1
                    s = 0.0
                    for z in range(half):
                        s += w[half + z]
                        w[z] += w[half + z]
                    out[i, k] = s
                    size = half
                total = w[0]
                out[i, K + 1] = total
                status[i] = 1 if total > 0.0 else 0

    _kernel = kernel
    return kernel


def batch_marginals(tables: CompiledTables, codes: np.ndarray, cell_ok: np.ndarray):
    """Marginals, P(none) and status (0 impossible, 1 done, 2 needs log space) for encoded cases."""
    kernel = _build()
    n = codes.shape[0]
    W = tables.width
    out = np.zeros((n, W))
    status = np.zeros(n, dtype=np.int8)
    # cases of the same cell one after the other, so that cell's table stays in cache
    order = np.argsort(np.argmax(cell_ok, axis=1) + len(cell_ok[0]) * (cell_ok.sum(axis=1) > 1), kind="stable")
    kernel(tables.ptable, tables.row_log2, tables.row_spread, tables.prior, tables.cell_log2, tables.prior_spread,
           tables.om_link, tables.gated, tables.leak_log2, np.ascontiguousarray(codes), np.ascontiguousarray(cell_ok), order, tables.none_idx, LIMIT_BITS, out,
           status)
    ok = status == 1
    marg = np.zeros((n, W - 2))
    none = np.zeros(n)
    total = out[ok, -1]
    marg[ok] = np.minimum(out[ok, :-2] / total[:, None], 1.0)  # clip last-bit rounding above 1
    none[ok] = np.minimum(out[ok, -2] / total, 1.0)
    return marg, none, status
