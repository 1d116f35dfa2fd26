"""Build the pgmpy ``DiscreteBayesianNetwork`` from the knowledge base (the reference the engine is checked against).

pgmpy is imported here only, so importing :mod:`bayesnet` stays fast.
"""

from __future__ import annotations

import itertools

import numpy as np

from .knowledge import AGE_BANDS, CELLS, SEXES, KnowledgeBase

__all__ = ["build_pgmpy", "finding_parents"]

_STATES = ["present", "absent"]


def finding_parents(kb: KnowledgeBase, setting: str, finding: str) -> list[str]:
    """The pgmpy parents of a finding: age and/or sex where its leak depends on them, then its causes."""
    arr = kb.arrays(setting)
    f = kb.findings.index(finding)
    leak = arr.leak[f].reshape(len(AGE_BANDS), len(SEXES))
    women_only = kb.nodes[finding].women_only
    by_age = not np.all(leak == leak[:1, :])
    by_sex = women_only or not np.all(leak == leak[:, :1])
    return (["age"] if by_age else []) + (["sex"] if by_sex else []) + list(kb.parents[finding])


def build_pgmpy(kb: KnowledgeBase, setting: str):
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    arr = kb.arrays(setting)
    causes = kb.causes
    pop = arr.population.reshape(len(AGE_BANDS), len(SEXES))
    p_age = pop.sum(axis=1)
    p_sex_given_age = pop / p_age[:, None]

    edges = [("age", "sex")]
    edges += [(d, c) for c in causes for d in ("age", "sex")]
    cause_parents = kb.cause_parents
    edges += [(p, c) for c, ps in cause_parents.items() for p in ps]
    parents_of = {f: finding_parents(kb, setting, f) for f in kb.findings}
    edges += [(p, f) for f in kb.findings for p in parents_of[f]]
    net = DiscreteBayesianNetwork(edges)
    for f in kb.findings:  # findings without parents would be missing from the edge list
        if f not in net.nodes():
            net.add_node(f)

    cpds = [
        TabularCPD("age", 3, p_age.reshape(3, 1), state_names={"age": list(AGE_BANDS)}),
        TabularCPD("sex", 2, p_sex_given_age.T, evidence=["age"], evidence_card=[3],
                   state_names={"sex": list(SEXES), "age": list(AGE_BANDS)}),
    ]
    k_index = {c: i for i, c in enumerate(causes)}
    for k, cause in enumerate(causes):
        parents = list(cause_parents.get(cause, ()))
        names = {cause: _STATES, "age": list(AGE_BANDS), "sex": list(SEXES), **{p: _STATES for p in parents}}
        columns = []  # age slowest, then sex, then the parent causes (last fastest), as pgmpy orders them
        for combo in itertools.product(AGE_BANDS, SEXES, *[_STATES] * len(parents)):
            p0 = arr.prior[k, CELLS.index((combo[0], combo[1]))]
            raise_ = 1.0
            for par, state in zip(parents, combo[2:]):
                if state == "present":
                    raise_ *= 1.0 - arr.interaction[k, k_index[par]]
            # the same arithmetic as Engine._log_prior
            absent = (1.0 - p0) * raise_
            columns.append((p0 if raise_ == 1.0 else 1.0 - absent, absent))
        values = np.array(columns).T
        cpds.append(TabularCPD(cause, 2, values, evidence=["age", "sex"] + parents,
                               evidence_card=[3, 2] + [2] * len(parents), state_names=names))
    for fi, f in enumerate(kb.findings):
        parents = parents_of[f]
        card = [3 if p == "age" else 2 for p in parents]
        state_names = {f: _STATES}
        for p in parents:
            state_names[p] = list(AGE_BANDS) if p == "age" else list(SEXES) if p == "sex" else _STATES
        columns = []
        for combo in itertools.product(*[state_names[p] for p in parents]):
            assignment = dict(zip(parents, combo))
            age = assignment.get("age", AGE_BANDS[0])
            sex = assignment.get("sex", SEXES[0])
            cell = CELLS.index((age, sex))
            if kb.nodes[f].women_only and sex == "male":
                columns.append(1.0)  # absent for certain
                continue
            # same arithmetic as the engine: product over causes in cause order, then the leak
            q = 1.0
            for c in causes:
                if assignment.get(c) == "present":
                    q *= 1.0 - arr.link[fi, k_index[c]]
            columns.append((1.0 - arr.leak[fi, cell]) * q)
        absent = np.array(columns)
        values = np.vstack([1.0 - absent, absent])
        if parents:
            cpd = TabularCPD(f, 2, values, evidence=parents, evidence_card=card, state_names=state_names)
        else:
            cpd = TabularCPD(f, 2, values.reshape(2, 1), state_names=state_names)
        cpds.append(cpd)
    net.add_cpds(*cpds)
    net.check_model()
    return net
