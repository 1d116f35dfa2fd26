"""Explanation, next tests, MPE, conflict and uncertain findings equal brute-force recomputation with pgmpy."""

import itertools
import math

import numpy as np
import pytest

CASES = [
    {"age": 66, "sex": "male", "bone_pain_elsewhere": True, "fatigue": True, "pallor": True, "weight_loss": True},
    {"age": 29, "sex": "female", "dysuria": True, "urinary_frequency": True, "fever": False, "flank_pain": False},
    {"age": 45, "pain_below_knee": True, "straight_leg_raise": True, "fever": False},
]


@pytest.fixture(scope="module")
def ve(model):
    from pgmpy.inference import VariableElimination

    return VariableElimination(model.to_pgmpy())


def _p(ve, var, state, evidence):
    """P(var = state | evidence) with pgmpy (evidence may fix var itself)."""
    if var in evidence:
        return float(evidence[var] == state)
    q = ve.query([var], evidence=evidence, show_progress=False)
    return q.get_value(**{var: state})


def _p_evidence(ve, evidence):
    """P(evidence) by the chain rule over pgmpy queries."""
    total, given = 1.0, {}
    for k, v in evidence.items():
        total *= _p(ve, k, v, given)
        given[k] = v
    return total


@pytest.mark.parametrize("case", CASES)
def test_weight_of_evidence_equals_pgmpy(model, ve, case):
    ex = model.explain(case)
    eff = model.parse_evidence(case).as_dict()
    for row in ex.weights.itertuples():
        rest = {k: v for k, v in eff.items() if k != row.finding}
        d = row.disease
        # P(f | d, rest) = P(d | e) P(f | rest) / P(d | rest)
        p_f_rest = _p(ve, row.finding, row.state, rest)
        pd_e, pd_rest = _p(ve, d, "present", eff), _p(ve, d, "present", rest)
        num = pd_e * p_f_rest / pd_rest
        den = (1 - pd_e) * p_f_rest / (1 - pd_rest)
        assert row.weight_bits == pytest.approx(math.log2(num / den), abs=1e-9)


def _entropy(p):
    p = np.asarray(p)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def _disease_joint(ve, model, evidence):
    q = ve.query(list(model.diseases), evidence=evidence, joint=True, show_progress=False)
    return np.array([q.get_value(**dict(zip(model.diseases, states)))
                     for states in itertools.product(["present", "absent"], repeat=len(model.diseases))])


@pytest.mark.parametrize("case", CASES[:2])
def test_information_gain_equals_pgmpy(model, ve, case):
    nt = model.next_tests(case).frame
    eff = model.parse_evidence(case).as_dict()
    h_now = _entropy(_disease_joint(ve, model, eff))
    for row in nt.head(3).itertuples():
        p_plus = _p(ve, row.finding, "present", eff)
        h_plus = _entropy(_disease_joint(ve, model, {**eff, row.finding: "present"}))
        h_minus = _entropy(_disease_joint(ve, model, {**eff, row.finding: "absent"}))
        assert row.p_present == pytest.approx(p_plus, abs=1e-9)
        assert row.information_gain_bits == pytest.approx(h_now - p_plus * h_plus - (1 - p_plus) * h_minus,
                                                          abs=1e-9)


def test_next_tests_costs_and_ranking(model):
    nt = model.next_tests(CASES[0], costs="default").frame
    assert {"cost", "gain_per_cost"} <= set(nt.columns)
    assert nt["gain_per_cost"].is_monotonic_decreasing
    observed = set(CASES[0]) | {"low_back_pain"}
    assert not observed & set(nt["finding"])


@pytest.mark.parametrize("case", CASES)
def test_mpe_equals_pgmpy_joint(model, ve, case):
    res = model.mpe(case, k=3).frame
    eff = model.parse_evidence(case).as_dict()
    joint = _disease_joint(ve, model, eff)
    top = np.sort(joint)[::-1][:3]
    np.testing.assert_allclose(res["probability"].to_numpy(), top, atol=1e-9)


@pytest.mark.parametrize("case", CASES)
def test_conflict_equals_pgmpy(model, ve, case):
    c = model.conflict(case)
    eff = model.parse_evidence(case).as_dict()
    assert c.log2_p_evidence == pytest.approx(math.log2(_p_evidence(ve, eff)), abs=1e-9)
    items = sum(math.log2(_p(ve, k, v, {})) for k, v in eff.items())
    assert c.conflict_bits == pytest.approx(items - c.log2_p_evidence, abs=1e-9)


def test_conflicting_findings_are_flagged(model):
    odd = {"age": 25, "sex": "male", "hla_b27": False, "sacroiliitis_imaging": True, "stone_on_ct": True,
           "hematuria": False, "colicky_flank_pain": False, "serum_m_protein": True, "anemia": False}
    assert model.conflict(odd).conflict_bits > model.conflict(CASES[0]).conflict_bits


def test_uncertain_finding_equals_pgmpy_virtual_evidence(model, ve):
    from pgmpy.factors.discrete import TabularCPD

    case = {"age": 30, "sex": "female", "urinary_frequency": True}
    ours = model.posterior(case, likelihoods={"dysuria": 0.8})
    eff = model.parse_evidence(case).as_dict()
    virtual = [TabularCPD("dysuria", 2, [[0.8], [0.2]], state_names={"dysuria": ["present", "absent"]})]
    q = ve.query(list(model.diseases), evidence=eff, virtual_evidence=virtual, joint=False, show_progress=False)
    ref = np.array([q[d].get_value(**{d: "present"}) for d in model.diseases])
    np.testing.assert_allclose(ours.to_numpy(), ref, atol=1e-9)
    # 100% sure equals hard evidence; unknown stays distinct from absent
    hard = model.posterior({**case, "dysuria": True})
    np.testing.assert_allclose(model.posterior(case, likelihoods={"dysuria": 1.0}).to_numpy(), hard.to_numpy(),
                               atol=1e-12)
    assert not np.allclose(model.posterior(case).to_numpy(), model.posterior({**case, "dysuria": False}).to_numpy())


def test_uncertain_finding_errors(model):
    from bayesnet import EvidenceError

    with pytest.raises(EvidenceError, match="both"):
        model.posterior({"dysuria": True}, likelihoods={"dysuria": 0.8})
    with pytest.raises(EvidenceError, match="probability"):
        model.posterior({}, likelihoods={"dysuria": 1.5})
    with pytest.raises(EvidenceError, match="Did you mean"):
        model.posterior({}, likelihoods={"dysurea": 0.5})


def test_red_flags_follow_thresholds(model):
    flags = model.red_flags(CASES[0])
    p = model.posterior(CASES[0])
    for d, flag in model.kb.red_flags.items():
        assert (d in set(flags["disease"])) == (p[d] >= flag.threshold)
    assert "plasmacytoma" in set(flags["disease"])


def test_pivotal_findings_really_change_the_top(model):
    ex = model.explain(CASES[2])
    top = ex.posterior.idxmax()
    for row in ex.pivotal.itertuples():
        assert row.new_top != top
