"""Evidence at the boundary: validate what the user says about a patient and encode it for the engine.

Accepted values: a state name (``"present"``/``"absent"``, ``"female"``/``"male"``, an age band such as
``"40_59"``), ``True``/``False`` for present/absent, whole years for ``age`` (18-120), and ``None`` or NaN for
"not known" (the same as leaving the node out). Anything else raises an :class:`EvidenceError` that names the node
and the value and suggests the nearest valid name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

from .errors import EvidenceError, ImpossibleEvidenceError, did_you_mean
from .knowledge import AGE_BANDS, AGE_RANGE, CELLS, SEXES, KnowledgeBase, age_band_of

__all__ = ["Evidence", "EvidenceEncoder", "COMPLAINTS", "DEFAULT_COMPLAINT"]

#: The presenting-complaint findings; when neither is named the model assumes the default one.
COMPLAINTS = ("low_back_pain", "flank_pain")
DEFAULT_COMPLAINT = "low_back_pain"


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:  # pandas.NA and numpy NaN scalars
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (str, bytes, bool, np.bool_)) else False
    except (TypeError, ValueError, ImportError):
        return False


@dataclass(frozen=True)
class Evidence:
    """Validated evidence: the states of observed nodes, the age band and sex if known, and what was assumed."""

    states: dict[str, str]
    age: str | None = None
    sex: str | None = None
    assumed: dict[str, str] = field(default_factory=dict)
    #: uncertain findings: node -> (likelihood if present, likelihood if absent)
    likelihoods: dict[str, tuple[float, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, str]:
        """The effective evidence as node -> state name (age band, sex, findings, assumptions included)."""
        out: dict[str, str] = {}
        if self.age is not None:
            out["age"] = self.age
        if self.sex is not None:
            out["sex"] = self.sex
        out.update(self.states)
        out.update(self.assumed)
        return out


class EvidenceEncoder:
    """Validates evidence against the knowledge base and turns it into engine rows and allowed cells."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.binary_nodes: tuple[str, ...] = kb.findings + kb.causes  # engine node order
        self.index = {n: j for j, n in enumerate(self.binary_nodes)}
        self.women_only = frozenset(f for f in kb.findings if kb.nodes[f].women_only)
        self.all_nodes = ("age", "sex") + self.binary_nodes
        self._cells_by = {
            (a, s): np.array([i for i, (ca, cs) in enumerate(CELLS) if a in (None, ca) and s in (None, cs)])
            for a in (None,) + AGE_BANDS for s in (None,) + SEXES
        }

    # ---- single values -----------------------------------------------------------------------------------------
    def unknown_node(self, node) -> EvidenceError:
        return EvidenceError(
            f"unknown node {node!r} in the evidence.{did_you_mean(node, self.all_nodes)} "
            "Run 'bayesnet findings' to list the node ids.")

    def parse_age(self, value) -> str | None:
        if _is_missing(value):
            return None
        if isinstance(value, str):
            text = value.strip()
            if text in AGE_BANDS:
                return text
            try:
                value = float(text)
            except ValueError:
                raise EvidenceError(
                    f"age {value!r} is neither whole years nor an age band; give years such as 67 or one of "
                    f"{', '.join(AGE_BANDS)}.{did_you_mean(text, AGE_BANDS)}") from None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
            raise EvidenceError(f"age {value!r} is not a number of years; give whole years such as 67")
        years = float(value)
        if not math.isfinite(years) or years != int(years):
            raise EvidenceError(f"age {value!r} is not a whole number of years; give e.g. {int(years) if math.isfinite(years) else 67}")
        lo, hi = AGE_RANGE
        if not lo <= years <= hi:
            raise EvidenceError(f"age {value!r} is outside the model's range {lo}-{hi} years (adults only)")
        return age_band_of(years)

    def parse_sex(self, value) -> str | None:
        if _is_missing(value):
            return None
        text = value.strip().lower() if isinstance(value, str) else None
        if text in SEXES:
            return text
        raise EvidenceError(f"sex {value!r} is not one of {', '.join(SEXES)}.{did_you_mean(text or str(value), SEXES)}")

    def parse_state(self, node: str, value) -> str | None:
        if _is_missing(value):
            return None
        if isinstance(value, (bool, np.bool_)):
            return "present" if value else "absent"
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("present", "absent"):
                return text
            raise EvidenceError(
                f"{node}: state {value!r} is not 'present' or 'absent' (or True/False).{did_you_mean(text, ('present', 'absent'))}")
        if isinstance(value, Integral):
            raise EvidenceError(f"{node}: value {value!r} is ambiguous; use True/False or 'present'/'absent'")
        raise EvidenceError(f"{node}: value {value!r} is not a state; use 'present'/'absent' or True/False")

    # ---- whole evidence sets -------------------------------------------------------------------------------------
    def parse_likelihoods(self, likelihoods: Mapping | None, states: Mapping) -> dict[str, tuple[float, float]]:
        """Uncertain (virtual) evidence: ``{"dysuria": 0.8}`` means "80% sure it is present", i.e. likelihoods
        0.8 if present and 0.2 if absent; a pair ``(l_present, l_absent)`` gives the likelihoods directly."""
        if likelihoods is None:
            return {}
        if not isinstance(likelihoods, Mapping):
            raise EvidenceError(f"likelihoods must be a mapping of node id to a probability, got {type(likelihoods).__name__}")
        out: dict[str, tuple[float, float]] = {}
        for node, value in likelihoods.items():
            if node not in self.index:
                raise self.unknown_node(node)
            if node in states:
                raise EvidenceError(f"{node} is given both as evidence and as a likelihood; give it once")
            if isinstance(value, (tuple, list)) and len(value) == 2:
                pair = value
            elif isinstance(value, Real) and not isinstance(value, (bool, np.bool_)):
                if not 0 <= float(value) <= 1:
                    raise EvidenceError(f"likelihood of {node}: {value!r} is not a probability in [0, 1] "
                                        "(e.g. 0.8 for '80% sure it is present')")
                pair = (float(value), 1.0 - float(value))
            else:
                raise EvidenceError(f"likelihood of {node}: {value!r} is not a probability or a (present, absent) pair")
            try:
                lp, la = (float(x) for x in pair)
            except (TypeError, ValueError):
                raise EvidenceError(f"likelihood of {node}: {value!r} is not numeric") from None
            if not (math.isfinite(lp) and math.isfinite(la)) or lp < 0 or la < 0 or lp + la == 0:
                raise EvidenceError(f"likelihood of {node}: {value!r} must be non-negative, finite and not both zero"
                                    " (a single number must lie in [0, 1])")
            out[node] = (lp, la)
        return out

    def parse(self, evidence: Mapping, *, assume_complaint: bool = True, likelihoods: Mapping | None = None) -> Evidence:
        if not isinstance(evidence, Mapping):
            raise EvidenceError(f"evidence must be a mapping of node id to state, got {type(evidence).__name__}")
        age = sex = None
        states: dict[str, str] = {}
        for node, value in evidence.items():
            if not isinstance(node, str):
                raise EvidenceError(f"node names must be strings, got {node!r}")
            if node == "age":
                age = self.parse_age(value)
            elif node == "sex":
                sex = self.parse_sex(value)
            elif node in self.index:
                state = self.parse_state(node, value)
                if state is not None:
                    states[node] = state
            else:
                raise self.unknown_node(node)
        if sex == "male":
            bad = [f for f in states if f in self.women_only and states[f] == "present"]
            if bad:
                raise ImpossibleEvidenceError(
                    f"{bad[0]} = present is impossible in a man ({bad[0]} is a women-only finding); "
                    "check the sex or drop the finding")
        soft = self.parse_likelihoods(likelihoods, states)
        assumed: dict[str, str] = {}
        if assume_complaint and not any(c in states or c in soft for c in COMPLAINTS):
            assumed[DEFAULT_COMPLAINT] = "present"
        return Evidence(states, age, sex, assumed, soft)

    def soft_rows(self, ev: Evidence) -> list[tuple[int, float, float]]:
        """(node index, likelihood if present, likelihood if absent) for each uncertain finding."""
        return [(self.index[n], lp, la) for n, (lp, la) in ev.likelihoods.items()]

    def rows_cells(self, ev: Evidence) -> tuple[np.ndarray, np.ndarray]:
        items = list(ev.states.items()) + list(ev.assumed.items())
        rows = np.fromiter((2 * self.index[n] + (0 if s == "present" else 1) for n, s in items), dtype=np.intp,
                           count=len(items))
        return rows, self._cells_by[(ev.age, ev.sex)]

    def describe(self, ev: Evidence) -> str:
        """A one-line description of the evidence for error messages."""
        parts = [f"{k}={v}" for k, v in ev.as_dict().items()]
        return ", ".join(parts) if parts else "(no evidence)"

    def impossible(self, ev: Evidence) -> ImpossibleEvidenceError:
        return ImpossibleEvidenceError(
            "the evidence has probability zero under the model (" + self.describe(ev) + "); "
            "check for contradictory findings")


@dataclass
class EncodedBatch:
    """A DataFrame of cases encoded for the engine, with the problems found in bad rows.

    ``codes``: (n, nodes) int8, -1 unknown, 0 present, 1 absent; ``cell_ok``: (n, cells) boolean;
    ``problems``: (row position, column, message) for every bad value; ``assumed``: rows where the presenting
    complaint was assumed.
    """

    codes: np.ndarray
    cell_ok: np.ndarray
    problems: list[tuple[int, str, str]]
    assumed: np.ndarray


def _lookup(v, mapping: dict):
    if isinstance(v, (bool, np.bool_)):
        return mapping.get(bool(v))
    if isinstance(v, str):
        return mapping.get(v.strip().lower())
    return None  # numbers, lists, ...: never a state (1 and 0 are ambiguous)


def _column_states(values: np.ndarray, mapping: dict) -> tuple[np.ndarray, np.ndarray]:
    """Map an object array through ``mapping`` (missing -> -1); returns codes and a mask of unmappable entries.

    A column of only strings or only booleans is mapped through its distinct values (``pandas.factorize``), so a
    long column costs one pass; a mixed column is checked value by value, because factorize would equate 1 with
    True and 0 with False.
    """
    import pandas as pd

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "boolean", "empty"):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        lut = np.full(len(uniques) + 1, -1, dtype=np.int16)
        bad_u = np.zeros(len(uniques) + 1, dtype=bool)
        for u, v in enumerate(uniques):
            code = _lookup(v, mapping)
            if code is None:
                bad_u[u] = True
            else:
                lut[u] = code
        return lut[codes].astype(np.int8), bad_u[codes]
    out = np.full(len(values), -1, dtype=np.int8)
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if _is_missing(v):
            continue
        code = _lookup(v, mapping)
        if code is None:
            bad[i] = True
        else:
            out[i] = code
    return out, bad


def encode_frame(encoder: EvidenceEncoder, cases, *, assume_complaint: bool = True) -> EncodedBatch:
    """Encode a DataFrame of cases (columns = node ids) column by column, collecting every bad value."""
    import pandas as pd

    n = len(cases)
    codes = np.full((n, len(encoder.binary_nodes)), -1, dtype=np.int8, order="F")  # filled column by column
    problems: list[tuple[int, str, str]] = []
    dup = cases.columns[cases.columns.duplicated()].unique().tolist()
    if dup:
        raise EvidenceError(f"duplicate column(s) {', '.join(map(repr, dup))}; give each node once")
    for col in cases.columns:
        if col in ("age", "sex"):
            continue
        if col not in encoder.index:
            raise encoder.unknown_node(col)
    # in tables (CSV has no booleans) the text true/false is read as True/False
    state_map = {"present": 0, "absent": 1, True: 0, False: 1, "true": 0, "false": 1}
    for col in cases.columns:
        if col in ("age", "sex"):
            continue
        series = cases[col]
        j = encoder.index[col]
        if isinstance(series.dtype, pd.BooleanDtype):  # nullable booleans: NA is unknown
            raw = series.to_numpy(dtype=np.int8, na_value=-1)
            codes[:, j] = np.where(raw < 0, -1, 1 - raw)
            continue
        if pd.api.types.is_bool_dtype(series.dtype) and not series.hasnans:
            codes[:, j] = np.where(series.to_numpy(dtype=bool), 0, 1)
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            cats = list(series.cat.categories)
            lut = np.full(len(cats) + 1, -1, dtype=np.int16)
            bad_cats = set()
            for ci, cat in enumerate(cats):
                code = _lookup(cat, state_map)
                if code is None:
                    bad_cats.add(ci)
                else:
                    lut[ci] = code
            cc = series.cat.codes.to_numpy()
            codes[:, j] = lut[cc]  # code -1 (missing) maps to the last entry, -1
            bad = np.isin(cc, list(bad_cats)) if bad_cats else np.zeros(n, dtype=bool)
        else:
            values = series.to_numpy(dtype=object)
            col_codes, bad = _column_states(values, state_map)
            codes[:, j] = col_codes
        for i in np.nonzero(bad)[0]:
            v = series.iloc[i]
            problems.append((int(i), col, f"{col}: {v!r} is not 'present'/'absent' or True/False"))

    # age and sex -> allowed cells
    age_band = np.full(n, -1, dtype=np.int8)
    sex_code = np.full(n, -1, dtype=np.int8)
    if "age" in cases.columns:
        age = cases["age"]
        if pd.api.types.is_numeric_dtype(age.dtype) and not pd.api.types.is_bool_dtype(age.dtype):
            years = age.to_numpy(dtype=float)
            known = ~np.isnan(years)
            lo, hi = AGE_RANGE
            ok = known & (years >= lo) & (years <= hi) & (years == np.floor(np.where(known, years, 0)))
            age_band[ok] = np.where(years[ok] < 40, 0, np.where(years[ok] < 60, 1, 2))
            for i in np.nonzero(known & ~ok)[0]:
                problems.append((int(i), "age", f"age {age.iloc[i]!r} is not whole years in {lo}-{hi}"))
        else:
            for i, v in enumerate(age.to_numpy(dtype=object)):
                try:
                    band = encoder.parse_age(v)
                except EvidenceError as exc:
                    problems.append((i, "age", str(exc)))
                    continue
                if band is not None:
                    age_band[i] = AGE_BANDS.index(band)
    if "sex" in cases.columns:
        sex_col = cases["sex"]
        if isinstance(sex_col.dtype, pd.CategoricalDtype):
            values = sex_col.astype(object).to_numpy()
        else:
            values = sex_col.to_numpy(dtype=object)
        sex_map = {s: i for i, s in enumerate(SEXES)}
        col_codes, bad = _column_states(values, sex_map)
        sex_code[:] = col_codes
        for i in np.nonzero(bad)[0]:
            problems.append((int(i), "sex", f"sex {values[i]!r} is not one of {', '.join(SEXES)}"))
    cell_age = np.array([AGE_BANDS.index(a) for a, _ in CELLS])
    cell_sex = np.array([SEXES.index(s) for _, s in CELLS])
    cell_ok = ((age_band[:, None] < 0) | (age_band[:, None] == cell_age[None, :])) & \
              ((sex_code[:, None] < 0) | (sex_code[:, None] == cell_sex[None, :]))
    # women-only findings present in a man
    male = sex_code == SEXES.index("male")
    for f in encoder.women_only:
        j = encoder.index[f]
        for i in np.nonzero(male & (codes[:, j] == 0))[0]:
            problems.append((int(i), f, f"{f} = present is impossible in a man ({f} is a women-only finding)"))
    assumed = np.zeros(n, dtype=bool)
    if assume_complaint:
        named = np.zeros(n, dtype=bool)
        for c in COMPLAINTS:
            named |= codes[:, encoder.index[c]] >= 0
        assumed = ~named
        codes[assumed, encoder.index[DEFAULT_COMPLAINT]] = 0
    return EncodedBatch(np.ascontiguousarray(codes), cell_ok, problems, assumed)
