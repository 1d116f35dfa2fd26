"""Write random but valid knowledge bases for property tests (same nodes as the shipped model)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np

from bayesnet.knowledge import AGE_BANDS, SETTINGS, SEXES, load_knowledge

SHIPPED = Path(__file__).resolve().parent.parent / "priors"


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_random_priors(directory: Path, rng: np.random.Generator, *, extreme: bool = False) -> Path:
    """A knowledge base with the shipped nodes and random numbers.

    ``extreme`` draws links, leaks and priors from {0.001, 0.999} and other corner values.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED / "nodes.csv", directory / "nodes.csv")
    kb_nodes = list(csv.DictReader((SHIPPED / "nodes.csv").open(encoding="utf-8")))
    causes = [n["id"] for n in kb_nodes if n["kind"] in ("disease", "other_cause")]
    findings = [n for n in kb_nodes if n["kind"] == "finding"]

    def p(lo=0.01, hi=0.9):
        if extreme:
            return float(rng.choice([0.001, 0.999, 0.5, 0.02]))
        return float(np.round(rng.uniform(lo, hi), 6))

    _write(directory / "references.csv", ["key", "citation", "url", "note"],
           [["test2024", "Test T. Random numbers. J Test 2024;1:1", "https://example.org", "synthetic"]])
    pop = rng.dirichlet(np.ones(6))
    pop = np.round(pop, 6)
    pop[-1] = 1.0 - pop[:-1].sum()
    rows = []
    for setting in SETTINGS:
        for i, (a, s) in enumerate([(a, s) for a in AGE_BANDS for s in SEXES]):
            rows.append([setting, a, s, repr(float(pop[i])), 0, 1, "test2024", "synthetic"])
    _write(directory / "population.csv", ["setting", "age", "sex", "value", "low", "high", "source", "rationale"], rows)
    rows = []
    for setting in SETTINGS:
        for d in causes:
            for a in AGE_BANDS:
                for s in SEXES:
                    v = 0.0 if (d == "pelvic_congestion" and s == "male") else p(0.001, 0.3)
                    if v == 0.999:
                        v = 0.9
                    rows.append([setting, d, a, s, v, 0.0 if v == 0 else max(v / 2, 1e-6), min(1.0, v * 2) if v else 0.0,
                                 "estimate", "synthetic"])
    _write(directory / "disease_priors.csv",
           ["setting", "disease", "age", "sex", "value", "low", "high", "source", "rationale"], rows)
    rows = []
    for f in findings:
        fid = f["id"]
        n_par = int(rng.integers(0, 5))
        for c in rng.choice(causes, size=n_par, replace=False):
            v = p(0.05, 0.95)
            rows.append([fid, c, "any", "any", v, v / 2, (1 + v) / 2, "test2024", "synthetic"])
        mode = rng.integers(0, 3)
        sexes = ["female"] if f["women_only"] == "yes" else list(SEXES)
        if f["women_only"] == "yes":
            mode = 2
        if mode == 0:
            v = p(0.001, 0.2)
            rows.append([fid, "leak", "any", "any", v, v / 2, (1 + v) / 2, "estimate", "synthetic"])
        elif mode == 1:
            for a in AGE_BANDS:
                v = p(0.001, 0.2)
                rows.append([fid, "leak", a, "any", v, v / 2, (1 + v) / 2, "estimate", "synthetic"])
        else:
            for a in AGE_BANDS:
                for s in sexes:
                    v = p(0.001, 0.2)
                    rows.append([fid, "leak", a, s, v, v / 2, (1 + v) / 2, "estimate", "synthetic"])
    # one or two interactions between causes, pointing from an earlier to a later cause (no cycle)
    inter = []
    for _ in range(int(rng.integers(1, 3))):
        j, k = sorted(rng.choice(len(causes), size=2, replace=False))
        if any(r[0] == causes[k] and r[1] == causes[j] for r in inter):
            continue
        v = p(0.05, 0.9)
        inter.append([causes[k], causes[j], v, v / 2, (1 + v) / 2, "test2024", "synthetic"])
    _write(directory / "interactions.csv", ["cause", "parent", "value", "low", "high", "source", "rationale"], inter)
    _write(directory / "cpt" / "random.csv",
           ["finding", "parent", "age", "sex", "value", "low", "high", "source", "rationale"], rows)
    load_knowledge(directory)  # must be valid
    return directory
