"""Load and validate the knowledge base in ``priors/`` (see ``priors/README.md`` for the schema).

The loader is strict: unknown or missing columns, duplicate rows, numbers outside [0, 1], ranges that do not contain
their value, incomplete tables and dangling or unused citations are all errors. Every problem found is reported at
once, each naming the file, the row, the column and the value.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from .errors import PriorsError, did_you_mean

__all__ = [
    "AGE_BANDS",
    "SEXES",
    "SETTINGS",
    "CELLS",
    "Node",
    "Reference",
    "Parameter",
    "KnowledgeBase",
    "default_priors_dir",
    "load_knowledge",
    "age_band_of",
]

AGE_BANDS: tuple[str, ...] = ("18_39", "40_59", "60_plus")
SEXES: tuple[str, ...] = ("female", "male")
SETTINGS: tuple[str, ...] = ("primary_care", "emergency")
#: The age x sex cells, in the order used by every array indexed by cell.
CELLS: tuple[tuple[str, str], ...] = tuple((a, s) for a in AGE_BANDS for s in SEXES)
AGE_RANGE = (18, 120)
STATES: tuple[str, str] = ("present", "absent")

Setting = Literal["primary_care", "emergency"]
ParameterKind = Literal["prior", "interaction", "link", "leak", "population"]

#: The smallest non-zero probability accepted; keeps every log-probability finite and far above the engine's
#: floor for impossible configurations.
MIN_PROBABILITY = 1e-12

_NODE_COLUMNS = ["id", "kind", "group", "states", "label", "definition", "seed_quote", "women_only"]
_REF_COLUMNS = ["key", "citation", "url", "note"]
_POP_COLUMNS = ["setting", "age", "sex", "value", "low", "high", "source", "rationale"]
_PRIOR_COLUMNS = ["setting", "disease", "age", "sex", "value", "low", "high", "source", "rationale"]
_CPT_COLUMNS = ["finding", "parent", "age", "sex", "value", "low", "high", "source", "rationale"]
_ACC_COLUMNS = ["finding", "disease", "value", "low", "high", "population", "source", "note"]
_MIX_COLUMNS = ["setting", "cause", "value", "low", "high", "population", "source", "note"]
_FLAG_COLUMNS = ["disease", "threshold", "source", "rationale"]
_COST_COLUMNS = ["finding", "cost", "source", "rationale"]
_INTER_COLUMNS = ["cause", "parent", "value", "low", "high", "source", "rationale"]
_NODE_KINDS = ("demographic", "disease", "other_cause", "finding")
MIX_GROUPS = ("nonspecific", "visceral", "cancer_any", "none_of_the_eight")


@dataclass(frozen=True)
class Node:
    """A node of the network: its id, states and plain-language description."""

    id: str
    kind: str
    group: str
    states: tuple[str, ...]
    label: str
    definition: str
    seed_quote: str
    women_only: bool


@dataclass(frozen=True)
class Reference:
    """A bibliography entry."""

    key: str
    citation: str
    url: str
    note: str


@dataclass(frozen=True)
class Parameter:
    """One reviewed number of the knowledge base, with its range, source and location.

    ``name`` is unique and unambiguous, e.g. ``link:straight_leg_raise:disc_herniation``,
    ``leak:anemia:60_plus:any``, ``prior:primary_care:plasmacytoma:60_plus:male`` or
    ``population:emergency:40_59:female``.
    """

    name: str
    kind: ParameterKind
    value: float
    low: float
    high: float
    source: str
    rationale: str
    file: str
    row: int
    setting: str | None = None
    node: str | None = None
    parent: str | None = None
    cells: tuple[int, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The reference keys behind the number (empty for an estimate)."""
        if self.source == "estimate":
            return ()
        return tuple(k.strip() for k in self.source.split(";") if k.strip())

    @property
    def is_estimate(self) -> bool:
        return self.source == "estimate"


@dataclass(frozen=True)
class Published:
    """A published number the model is checked against (a sensitivity or a share of causes)."""

    subject: str
    disease: str
    setting: str | None
    value: float
    low: float
    high: float
    population: str
    source: str
    note: str
    file: str
    row: int


@dataclass(frozen=True)
class RedFlag:
    """A must-not-miss disease: flagged whenever its posterior reaches ``threshold``, whatever its rank."""

    disease: str
    threshold: float
    source: str
    rationale: str


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated contents of ``priors/``."""

    directory: Path
    nodes: dict[str, Node]
    references: dict[str, Reference]
    parameters: dict[str, Parameter]
    diseases: tuple[str, ...]
    other_causes: tuple[str, ...]
    findings: tuple[str, ...]
    parents: dict[str, tuple[str, ...]]
    accuracy: tuple[Published, ...]
    presenting_mix: tuple[Published, ...]
    red_flags: dict[str, "RedFlag"] = field(default_factory=dict)
    test_costs: dict[str, float] = field(default_factory=dict)
    _arrays: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def causes(self) -> tuple[str, ...]:
        """The eight diseases followed by the explicit other causes."""
        return self.diseases + self.other_causes

    @property
    def cause_parents(self) -> dict[str, tuple[str, ...]]:
        """For each cause raised by other causes (``interactions.csv``), those causes, in catalogue order."""
        out: dict[str, list[str]] = {}
        for p in self.parameters.values():
            if p.kind == "interaction":
                out.setdefault(p.node, []).append(p.parent)
        return {c: tuple(sorted(ps, key=self.causes.index)) for c, ps in out.items()}

    def to_frame(self) -> "pd.DataFrame":
        """Every number with its range, source (full citation) and rationale, one row per parameter."""
        import pandas as pd

        rows = []
        for p in self.parameters.values():
            refs = [self.references[k] for k in p.sources]
            rows.append({"parameter": p.name, "kind": p.kind, "setting": p.setting, "node": p.node,
                         "parent": p.parent, "value": p.value, "low": p.low, "high": p.high,
                         "source": p.source, "citation": "; ".join(r.citation for r in refs),
                         "rationale": p.rationale, "file": p.file, "row": p.row})
        return pd.DataFrame(rows).set_index("parameter")

    def arrays(self, setting: str) -> "Arrays":
        """The numbers of one setting as dense arrays (cached)."""
        if setting not in self._arrays:
            self._arrays[setting] = _build_arrays(self, setting)
        return self._arrays[setting]


@dataclass
class Arrays:
    """Dense numeric form of the knowledge base for one setting; the engine is compiled from it.

    ``prior[k, c]``: P(cause k present | cell c, no parent cause present); ``population[c]``: P(cell c);
    ``leak[f, c]``; ``link[f, k]`` (0 where k is not a parent of f); ``women_only[f]``;
    ``interaction[k, j]``: the noisy-OR link from cause j to cause k (0 where j is not a parent of k).
    """

    causes: tuple[str, ...]
    findings: tuple[str, ...]
    prior: np.ndarray
    population: np.ndarray
    leak: np.ndarray
    link: np.ndarray
    women_only: np.ndarray
    interaction: np.ndarray

    def copy(self) -> "Arrays":
        return Arrays(self.causes, self.findings, self.prior.copy(), self.population.copy(), self.leak.copy(),
                      self.link.copy(), self.women_only.copy(), self.interaction.copy())


def default_priors_dir() -> Path:
    """The shipped knowledge base: inside the installed package, or ``priors/`` beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "priors", here.parent / "priors"):
        if (candidate / "nodes.csv").is_file():
            return candidate
    raise PriorsError([f"no knowledge base found: looked for nodes.csv in {here / 'priors'} and {here.parent / 'priors'}"])


def age_band_of(years: float) -> str:
    """Map whole years of age to the catalogue's age band (18-39, 40-59, 60+)."""
    if years < 40:
        return "18_39"
    if years < 60:
        return "40_59"
    return "60_plus"


# --------------------------------------------------------------------------------------------------------------
# Reading


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _read_csv(path: Path, columns: list[str], problems: _Problems, rel: str) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                problems.add(rel, "file is empty; expected the header " + ",".join(columns))
                return []
            header = [h.strip() for h in header]
            if header != columns:
                unknown = [h for h in header if h not in columns]
                missing = [c for c in columns if c not in header]
                detail = []
                if unknown:
                    detail.append("unknown column(s) " + ", ".join(
                        f"'{u}'{did_you_mean(u, columns)}" for u in unknown))
                if missing:
                    detail.append("missing column(s) " + ", ".join(f"'{m}'" for m in missing))
                if not detail:
                    detail.append("columns out of order")
                problems.add(rel, "; ".join(detail) + "; expected the header " + ",".join(columns))
                return []
            rows = []
            for lineno, raw in enumerate(reader, start=2):
                if not raw or all(not c.strip() for c in raw):
                    continue
                if len(raw) != len(columns):
                    problems.add(f"{rel}, row {lineno}",
                                 f"has {len(raw)} fields, expected {len(columns)} ({','.join(columns)}); "
                                 "quote fields that contain commas")
                    continue
                rows.append((lineno, {c: v.strip() for c, v in zip(columns, raw)}))
            return rows
    except FileNotFoundError:
        problems.add(rel, "file is missing")
    except UnicodeDecodeError as exc:
        problems.add(rel, f"is not UTF-8 text ({exc.reason})")
    except csv.Error as exc:
        problems.add(rel, f"is not valid CSV ({exc})")
    return []


def _probability(row: dict[str, str], col: str, where: str, problems: _Problems) -> float | None:
    text = row[col]
    try:
        value = float(text)
    except ValueError:
        problems.add(f"{where}, column {col}", f"'{text}' is not a number; write a probability such as 0.25")
        return None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        problems.add(f"{where}, column {col}", f"{text} is not a probability in [0, 1]")
        return None
    if 0.0 < value < MIN_PROBABILITY:
        problems.add(f"{where}, column {col}", f"{text} is below {MIN_PROBABILITY:g}; write 0 for a structural zero")
        return None
    return value


def _value_range(row, where, problems) -> tuple[float, float, float] | None:
    vals = [_probability(row, c, where, problems) for c in ("value", "low", "high")]
    if any(v is None for v in vals):
        return None
    value, low, high = vals
    if not low <= value <= high:
        problems.add(where, f"range must satisfy low <= value <= high, got low={row['low']}, value={row['value']}, "
                            f"high={row['high']}")
        return None
    return value, low, high


#: ``[key]`` in the rationale of an estimate: a reference the judgement leans on.
_CITED = re.compile(r"\[([a-z][a-z0-9-]*\d{4}[a-z]?)\]")


def _check_source(row, where, problems, used: set[str], references: dict[str, Reference], rationale_col="rationale"):
    source = row["source"]
    if not source:
        problems.add(f"{where}, column source", "is empty; give reference key(s) separated by ';' or 'estimate'")
        return
    if source == "estimate":
        if rationale_col and not row.get(rationale_col):
            problems.add(f"{where}, column {rationale_col}", "an estimate needs a one-line rationale")
        # an estimate may name the publications its judgement leans on as [key]; those keys must resolve too
        for key in _CITED.findall(row.get(rationale_col) or "") if rationale_col else ():
            if key not in references:
                problems.add(f"{where}, column {rationale_col}",
                             f"cites [{key}], which is not in references.csv{did_you_mean(key, references)}")
            else:
                used.add(key)
        return
    for key in (k.strip() for k in source.split(";")):
        if not key:
            continue
        if key not in references:
            problems.add(f"{where}, column source",
                         f"reference key '{key}' is not in references.csv{did_you_mean(key, references)}")
        else:
            used.add(key)


def _choice(row, col, allowed, where, problems, what: str | None = None) -> str | None:
    value = row[col]
    if value not in allowed:
        kind = f"a {what} (nodes.csv)" if what else "allowed here"
        problems.add(f"{where}, column {col}",
                     f"'{value}' is not {kind}; expected one of {', '.join(allowed)}."
                     f"{did_you_mean(value, allowed)}".rstrip("."))
        return None
    return value


def _cells_of(age: str, sex: str) -> tuple[int, ...]:
    return tuple(i for i, (a, s) in enumerate(CELLS) if age in ("any", a) and sex in ("any", s))


def load_knowledge(directory: str | Path | None = None) -> KnowledgeBase:
    """Read and validate a knowledge-base directory; raise :class:`PriorsError` listing every problem."""
    root = Path(directory) if directory is not None else default_priors_dir()
    problems = _Problems()
    if not root.is_dir():
        raise PriorsError([f"{root}: not a directory; pass the folder that holds nodes.csv"])

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root.parent))
        except ValueError:
            return str(p)

    # nodes ------------------------------------------------------------------------------------------------------
    nodes: dict[str, Node] = {}
    f_nodes = root / "nodes.csv"
    for lineno, row in _read_csv(f_nodes, _NODE_COLUMNS, problems, rel(f_nodes)):
        where = f"{rel(f_nodes)}, row {lineno}"
        nid = row["id"]
        if not nid.isidentifier() or nid != nid.lower():
            problems.add(f"{where}, column id", f"'{nid}' is not a lower-case identifier")
            continue
        if nid in nodes:
            problems.add(f"{where}, column id", f"duplicate node id '{nid}'")
            continue
        kind = _choice(row, "kind", _NODE_KINDS, where, problems)
        wo = _choice(row, "women_only", ("yes", "no"), where, problems)
        states = tuple(s.strip() for s in row["states"].split("|") if s.strip())
        if kind in ("disease", "other_cause", "finding") and states != STATES:
            problems.add(f"{where}, column states", f"'{row['states']}' must be 'present|absent' for a {kind}")
        if not row["label"]:
            problems.add(f"{where}, column label", "is empty; give a plain-language label")
        if kind is None or wo is None:
            continue
        nodes[nid] = Node(nid, kind, row["group"], states, row["label"], row["definition"], row["seed_quote"],
                          wo == "yes")
    if "age" not in nodes or nodes["age"].states != AGE_BANDS:
        problems.add(rel(f_nodes), f"node 'age' must exist with states {'|'.join(AGE_BANDS)}")
    if "sex" not in nodes or nodes["sex"].states != SEXES:
        problems.add(rel(f_nodes), f"node 'sex' must exist with states {'|'.join(SEXES)}")
    diseases = tuple(n.id for n in nodes.values() if n.kind == "disease")
    other_causes = tuple(n.id for n in nodes.values() if n.kind == "other_cause")
    causes = diseases + other_causes
    findings = tuple(n.id for n in nodes.values() if n.kind == "finding")

    # references -------------------------------------------------------------------------------------------------
    references: dict[str, Reference] = {}
    f_refs = root / "references.csv"
    for lineno, row in _read_csv(f_refs, _REF_COLUMNS, problems, rel(f_refs)):
        where = f"{rel(f_refs)}, row {lineno}"
        key = row["key"]
        if not key or key == "estimate" or any(ch in key for ch in "; "):
            problems.add(f"{where}, column key", f"'{key}' is not a valid key (no spaces or ';', not 'estimate')")
            continue
        if key in references:
            problems.add(f"{where}, column key", f"duplicate reference key '{key}'")
            continue
        if not row["citation"]:
            problems.add(f"{where}, column citation", f"reference '{key}' has no citation text")
        references[key] = Reference(key, row["citation"], row["url"], row["note"])
    used: set[str] = set()
    parameters: dict[str, Parameter] = {}

    def add_param(p: Parameter, where: str) -> None:
        if p.name in parameters:
            other = parameters[p.name]
            problems.add(where, f"duplicate entry '{p.name}' (first given in {other.file}, row {other.row})")
        else:
            parameters[p.name] = p

    # population -------------------------------------------------------------------------------------------------
    f_pop = root / "population.csv"
    for lineno, row in _read_csv(f_pop, _POP_COLUMNS, problems, rel(f_pop)):
        where = f"{rel(f_pop)}, row {lineno}"
        setting = _choice(row, "setting", SETTINGS, where, problems)
        age = _choice(row, "age", AGE_BANDS, where, problems)
        sex = _choice(row, "sex", SEXES, where, problems)
        vr = _value_range(row, where, problems)
        _check_source(row, where, problems, used, references)
        if None in (setting, age, sex) or vr is None:
            continue
        add_param(Parameter(f"population:{setting}:{age}:{sex}", "population", *vr, row["source"], row["rationale"],
                            rel(f_pop), lineno, setting=setting, cells=_cells_of(age, sex)), where)
    for setting in SETTINGS:
        got = [p for p in parameters.values() if p.kind == "population" and p.setting == setting]
        missing = [f"{a},{s}" for a, s in CELLS if f"population:{setting}:{a}:{s}" not in parameters]
        if missing:
            problems.add(rel(f_pop), f"setting '{setting}' lacks rows for age,sex = {'; '.join(missing)}")
        elif abs(sum(p.value for p in got) - 1.0) > 1e-9:
            problems.add(rel(f_pop), f"setting '{setting}': values sum to {sum(p.value for p in got):.12g}, not 1")

    # disease priors ---------------------------------------------------------------------------------------------
    f_pri = root / "disease_priors.csv"
    for lineno, row in _read_csv(f_pri, _PRIOR_COLUMNS, problems, rel(f_pri)):
        where = f"{rel(f_pri)}, row {lineno}"
        setting = _choice(row, "setting", SETTINGS, where, problems)
        disease = _choice(row, "disease", causes, where, problems, "cause")
        age = _choice(row, "age", AGE_BANDS, where, problems)
        sex = _choice(row, "sex", SEXES, where, problems)
        vr = _value_range(row, where, problems)
        _check_source(row, where, problems, used, references)
        if None in (setting, disease, age, sex) or vr is None:
            continue
        if vr[0] == 1.0:
            problems.add(f"{where}, column value", "a prior of 1 makes the cause certain; use a value below 1")
            continue
        add_param(Parameter(f"prior:{setting}:{disease}:{age}:{sex}", "prior", *vr, row["source"], row["rationale"],
                            rel(f_pri), lineno, setting=setting, node=disease, cells=_cells_of(age, sex)), where)
    for setting in SETTINGS:
        missing = [f"{d},{a},{s}" for d in causes for a, s in CELLS
                   if f"prior:{setting}:{d}:{a}:{s}" not in parameters]
        if missing:
            problems.add(rel(f_pri), f"setting '{setting}' lacks rows for disease,age,sex = {'; '.join(missing[:12])}"
                         + (f" and {len(missing) - 12} more" if len(missing) > 12 else ""))

    # interactions between causes (optional file): a cause raising the chance of another -----------------------------
    f_int = root / "interactions.csv"
    cause_parents: dict[str, list[str]] = {}
    for lineno, row in (_read_csv(f_int, _INTER_COLUMNS, problems, rel(f_int)) if f_int.exists() else []):
        where = f"{rel(f_int)}, row {lineno}"
        child = _choice(row, "cause", causes, where, problems, "cause")
        parent = _choice(row, "parent", causes, where, problems, "cause")
        vr = _value_range(row, where, problems)
        _check_source(row, where, problems, used, references)
        if None in (child, parent) or vr is None:
            continue
        if child == parent:
            problems.add(where, f"a cause cannot raise its own chance ('{child}')")
            continue
        cause_parents.setdefault(child, []).append(parent)
        add_param(Parameter(f"interaction:{child}:{parent}", "interaction", *vr, row["source"], row["rationale"],
                            rel(f_int), lineno, node=child, parent=parent), where)
    # the causes must form a directed acyclic graph
    state: dict[str, int] = {}

    def _visit(c: str, path: list[str]) -> None:
        if state.get(c) == 1:
            problems.add(rel(f_int), "interactions form a cycle: " + " <- ".join(path + [c]))
            return
        if state.get(c) == 2:
            return
        state[c] = 1
        for par in cause_parents.get(c, []):
            _visit(par, path + [c])
        state[c] = 2

    for c in list(cause_parents):
        _visit(c, [])

    # noisy-OR tables ---------------------------------------------------------------------------------------------
    cpt_files = sorted((root / "cpt").glob("*.csv"))
    if not cpt_files:
        problems.add(rel(root / "cpt"), "no CPT files (cpt/*.csv) found")
    parents: dict[str, list[str]] = {f: [] for f in findings}
    leak_cover: dict[str, dict[int, str]] = {f: {} for f in findings}
    owner: dict[str, str] = {}
    for path in cpt_files:
        for lineno, row in _read_csv(path, _CPT_COLUMNS, problems, rel(path)):
            where = f"{rel(path)}, row {lineno}"
            finding = row["finding"]
            if finding not in nodes or nodes[finding].kind != "finding":
                problems.add(f"{where}, column finding",
                             f"'{finding}' is not a finding (nodes.csv).{did_you_mean(finding, findings)}".rstrip("."))
                continue
            if owner.setdefault(finding, rel(path)) != rel(path):
                problems.add(f"{where}, column finding", f"'{finding}' is already defined in {owner[finding]}; "
                                                         "keep each finding in one file")
                continue
            parent = _choice(row, "parent", causes + ("leak",), where, problems, "cause or 'leak'")
            age = _choice(row, "age", ("any",) + AGE_BANDS, where, problems)
            sex = _choice(row, "sex", ("any",) + SEXES, where, problems)
            vr = _value_range(row, where, problems)
            _check_source(row, where, problems, used, references)
            if None in (parent, age, sex) or vr is None:
                continue
            if parent == "leak":
                cells = _cells_of(age, sex)
                if nodes[finding].women_only and sex != "female":
                    problems.add(f"{where}, column sex", f"'{finding}' is women-only: give leak rows for sex "
                                                         "'female' only (it is absent in men by construction)")
                    continue
                for c in cells:
                    if c in leak_cover[finding]:
                        problems.add(where, f"leak of '{finding}' for {CELLS[c][0]},{CELLS[c][1]} is already given "
                                            f"by {leak_cover[finding][c]}")
                    leak_cover[finding][c] = f"row {lineno}"
                add_param(Parameter(f"leak:{finding}:{age}:{sex}", "leak", *vr, row["source"], row["rationale"],
                                    rel(path), lineno, node=finding, cells=cells), where)
            else:
                if age != "any" or sex != "any":
                    problems.add(where, "a link row must have age 'any' and sex 'any'")
                    continue
                if parent in parents[finding]:
                    problems.add(where, f"duplicate link {finding} <- {parent}")
                    continue
                parents[finding].append(parent)
                add_param(Parameter(f"link:{finding}:{parent}", "link", *vr, row["source"], row["rationale"],
                                    rel(path), lineno, node=finding, parent=parent), where)
    for finding in findings:
        need = [c for c, (a, s) in enumerate(CELLS) if not (nodes[finding].women_only and s == "male")]
        missing = [f"{CELLS[c][0]},{CELLS[c][1]}" for c in need if c not in leak_cover[finding]]
        if finding not in owner:
            problems.add(rel(root / "cpt"), f"finding '{finding}' has no rows in any cpt/*.csv file")
        elif missing:
            problems.add(owner[finding], f"finding '{finding}' lacks a leak for age,sex = {'; '.join(missing)}")

    # published numbers (checked by the tests) ---------------------------------------------------------------------
    accuracy: list[Published] = []
    for path in sorted((root / "accuracy").glob("*.csv")):
        for lineno, row in _read_csv(path, _ACC_COLUMNS, problems, rel(path)):
            where = f"{rel(path)}, row {lineno}"
            finding = _choice(row, "finding", findings, where, problems, "finding")
            disease = _choice(row, "disease", causes, where, problems, "cause")
            vr = _value_range(row, where, problems)
            _check_source(row, where, problems, used, references, rationale_col=None)
            if row["source"] == "estimate":
                problems.add(f"{where}, column source", "a published number needs a reference key, not 'estimate'")
            if None in (finding, disease) or vr is None:
                continue
            accuracy.append(Published(finding, disease, None, *vr, row["population"], row["source"], row["note"],
                                      rel(path), lineno))
    mix: list[Published] = []
    f_mix = root / "presenting_mix.csv"
    if f_mix.exists():
        for lineno, row in _read_csv(f_mix, _MIX_COLUMNS, problems, rel(f_mix)):
            where = f"{rel(f_mix)}, row {lineno}"
            setting = _choice(row, "setting", SETTINGS, where, problems)
            cause = _choice(row, "cause", causes + MIX_GROUPS, where, problems, "cause or group")
            vr = _value_range(row, where, problems)
            _check_source(row, where, problems, used, references, rationale_col=None)
            if None in (setting, cause) or vr is None:
                continue
            mix.append(Published(cause, cause, setting, *vr, row["population"], row["source"], row["note"],
                                 rel(f_mix), lineno))

    red_flags: dict[str, RedFlag] = {}
    f_flags = root / "red_flags.csv"  # optional: no file, no red flags
    for lineno, row in (_read_csv(f_flags, _FLAG_COLUMNS, problems, rel(f_flags)) if f_flags.exists() else []):
        where = f"{rel(f_flags)}, row {lineno}"
        disease = _choice(row, "disease", diseases, where, problems, "disease")
        threshold = _probability(row, "threshold", where, problems)
        _check_source(row, where, problems, used, references)
        if disease is None or threshold is None:
            continue
        if disease in red_flags:
            problems.add(f"{where}, column disease", f"duplicate red flag for '{disease}'")
            continue
        red_flags[disease] = RedFlag(disease, threshold, row["source"], row["rationale"])
    test_costs: dict[str, float] = {}
    f_costs = root / "test_costs.csv"  # optional: no file, no costs
    for lineno, row in (_read_csv(f_costs, _COST_COLUMNS, problems, rel(f_costs)) if f_costs.exists() else []):
        where = f"{rel(f_costs)}, row {lineno}"
        finding = _choice(row, "finding", findings, where, problems, "finding")
        _check_source(row, where, problems, used, references)
        try:
            cost = float(row["cost"])
        except ValueError:
            problems.add(f"{where}, column cost", f"'{row['cost']}' is not a number; give a relative cost >= 0")
            continue
        if not math.isfinite(cost) or cost < 0:
            problems.add(f"{where}, column cost", f"{row['cost']} is not a relative cost >= 0")
            continue
        if finding is None:
            continue
        if finding in test_costs:
            problems.add(f"{where}, column finding", f"duplicate cost for '{finding}'")
            continue
        test_costs[finding] = cost
    missing_costs = [f for f in findings if f not in test_costs]
    if test_costs and missing_costs:
        problems.add(rel(f_costs), f"no cost for finding(s) {', '.join(missing_costs)}")

    unused = sorted(set(references) - used)
    if unused:
        problems.add(rel(f_refs), f"reference key(s) never used by any number: {', '.join(unused)}; "
                                  "cite them or remove them")
    if problems.items:
        raise PriorsError(problems.items)
    return KnowledgeBase(root, nodes, references, parameters, diseases, other_causes, findings,
                         {f: tuple(p) for f, p in parents.items()}, tuple(accuracy), tuple(mix), red_flags, test_costs)


def _build_arrays(kb: KnowledgeBase, setting: str) -> Arrays:
    causes, findings = kb.causes, kb.findings
    k_index = {k: i for i, k in enumerate(causes)}
    f_index = {f: i for i, f in enumerate(findings)}
    prior = np.zeros((len(causes), len(CELLS)))
    population = np.zeros(len(CELLS))
    leak = np.zeros((len(findings), len(CELLS)))
    link = np.zeros((len(findings), len(causes)))
    interaction = np.zeros((len(causes), len(causes)))
    for p in kb.parameters.values():
        if p.kind == "prior" and p.setting == setting:
            prior[k_index[p.node], list(p.cells)] = p.value
        elif p.kind == "population" and p.setting == setting:
            population[list(p.cells)] = p.value
        elif p.kind == "leak":
            leak[f_index[p.node], list(p.cells)] = p.value
        elif p.kind == "link":
            link[f_index[p.node], k_index[p.parent]] = p.value
        elif p.kind == "interaction":
            interaction[k_index[p.node], k_index[p.parent]] = p.value
    women_only = np.array([kb.nodes[f].women_only for f in findings])
    return Arrays(causes, findings, prior, population, leak, link, women_only, interaction)
