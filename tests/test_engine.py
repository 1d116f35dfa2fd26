"""The engine equals pgmpy's VariableElimination on the same network, and known closed forms."""

import numpy as np
import pandas as pd
import pytest

import bayesnet
from bayesnet.simulate import sample_cases

TOL = 1e-9


def _pgmpy_posteriors(ve, model, effective):
    """pgmpy's answer; a disease that is itself observed has posterior 1 or 0."""
    free = [d for d in model.diseases if d not in effective]
    q = ve.query(free, evidence=effective, joint=False, show_progress=False) if free else {}
    return np.array([q[d].get_value(**{d: "present"}) if d in q else float(effective[d] == "present")
                     for d in model.diseases])


def _random_evidence(model, rng, n):
    """Evidence sets drawn from the model itself (so always possible), with random subsets observed."""
    full = sample_cases(model, n, rng)
    nodes = ["age", "sex"] + list(model.findings) + list(model.other_causes) + list(model.diseases)
    out = []
    for i in range(n):
        kind = i % 10
        row = full.iloc[i]
        if kind == 0:
            keep = []  # no evidence at all
        elif kind == 1:
            keep = ["age", "sex"] + list(model.findings)  # every finding observed
        elif kind == 2:
            keep = [n_ for n_ in model.findings if not row[n_]]  # only negative findings
        else:
            p = rng.uniform(0.05, 0.5)
            keep = [n_ for n_ in nodes[:-len(model.diseases)] if rng.random() < p]
            if kind == 3:
                keep += [d for d in model.diseases if rng.random() < 0.1]  # evidence on a disease
        ev = {k: (row[k] if k in ("age", "sex") else bool(row[k])) for k in keep}
        out.append(ev)
    return out


def _compare(model, evidences, assume=True):
    from pgmpy.inference import VariableElimination

    ve = VariableElimination(model.to_pgmpy())
    worst = 0.0
    for ev in evidences:
        effective = model.parse_evidence(ev, assume_complaint=assume).as_dict()
        ours = model.posterior(ev, assume_complaint=assume).to_numpy()
        ref = _pgmpy_posteriors(ve, model, effective)
        worst = max(worst, float(np.max(np.abs(ours - ref))))
    return worst


@pytest.mark.parametrize("seed,extreme,setting", [
    (1, False, "primary_care"), (2, False, "emergency"), (3, True, "primary_care"), (4, True, "emergency"),
])
def test_engine_equals_pgmpy_on_random_networks(random_priors, seed, extreme, setting):
    model = bayesnet.load_model(setting, priors=random_priors(seed, extreme))
    rng = np.random.default_rng(100 + seed)
    evidences = _random_evidence(model, rng, 250)
    assert _compare(model, evidences[:125], assume=True) < TOL
    assert _compare(model, evidences[125:], assume=False) < TOL


@pytest.mark.parametrize("setting", ["primary_care", "emergency"])
def test_engine_equals_pgmpy_on_shipped_model(setting):
    model = bayesnet.load_model(setting)
    rng = np.random.default_rng(7)
    assert _compare(model, _random_evidence(model, rng, 150)) < TOL


def test_posterior_none_equals_pgmpy_joint(model):
    from pgmpy.inference import VariableElimination

    ve = VariableElimination(model.to_pgmpy())
    rng = np.random.default_rng(11)
    for ev in _random_evidence(model, rng, 20):
        effective = model.parse_evidence(ev).as_dict()
        free = [d for d in model.diseases if d not in effective]
        if not free:
            continue
        joint = ve.query(free, evidence=effective, joint=True, show_progress=False)
        ref = joint.get_value(**{d: "absent" for d in free})
        if any(effective.get(d) == "present" for d in model.diseases):
            ref = 0.0
        assert abs(model.posterior_none(ev) - ref) < TOL


def test_single_parent_finding_closed_form(model):
    """For a finding f whose only parent is disease d, with nothing else observed but age and sex:
    P(d | f absent) = p (1 - l) / (1 - p l) and
    P(d | f present) = p (1 - (1 - k)(1 - l)) / (1 - (1 - k)(1 - p l)),
    where p = prior of d in the cell, l = link, k = leak (the leak cancels when f is absent)."""
    kb = model.kb
    arr = kb.arrays(model.setting)
    single = [f for f in kb.findings if len(kb.parents[f]) == 1 and not kb.nodes[f].women_only]
    assert single, "the shipped model should have single-parent findings"
    for f in single:
        d = kb.parents[f][0]
        fi, di = kb.findings.index(f), kb.causes.index(d)
        if di >= len(kb.diseases):
            continue
        for cell, (age, sex) in enumerate(__import__("bayesnet.knowledge", fromlist=["CELLS"]).CELLS):
            p, l, k = arr.prior[di, cell], arr.link[fi, di], arr.leak[fi, cell]
            base = {"age": age, "sex": sex}
            got_abs = model.posterior({**base, f: False}, assume_complaint=False)[d]
            got_pre = model.posterior({**base, f: True}, assume_complaint=False)[d]
            assert got_abs == pytest.approx(p * (1 - l) / (1 - p * l), abs=TOL)
            assert got_pre == pytest.approx(p * (1 - (1 - k) * (1 - l)) / (1 - (1 - k) * (1 - p * l)), abs=TOL)


def test_empty_evidence_gives_prior_marginals(model):
    """With no evidence (and no assumed complaint) the posterior is the population-weighted prior. A cause raised by
    other causes (interactions.csv) that have no parents themselves has, in cell c,
    P(k) = 1 - (1 - p_kc) * prod_j (1 - v_kj p_jc), the parents being independent given the cell."""
    arr = model.kb.arrays(model.setting)
    per_cell = arr.prior.copy()
    for k, j in zip(*np.nonzero(arr.interaction)):
        assert not arr.interaction[j].any(), "the closed form needs parentless parents"
    for k in range(len(model.kb.causes)):
        raise_ = np.prod(1.0 - arr.interaction[k][:, None] * arr.prior, axis=0)
        per_cell[k] = 1.0 - (1.0 - arr.prior[k]) * raise_
    expected = per_cell[: len(model.diseases)] @ arr.population
    got = model.posterior({}, assume_complaint=False).to_numpy()
    np.testing.assert_allclose(got, expected, atol=TOL, rtol=0)
    assert arr.interaction.any(), "the shipped model has at least one interaction (stone -> pyelonephritis)"


def test_batch_equals_single(model):
    rng = np.random.default_rng(5)
    evidences = _random_evidence(model, rng, 300)
    frame = pd.DataFrame(evidences)
    frame.index = [f"case{i}" for i in range(len(frame))]
    batch = model.posterior_batch(frame)
    assert list(batch.index) == list(frame.index)
    for i, ev in enumerate(evidences):
        single = model.posterior(ev)
        np.testing.assert_allclose(batch.iloc[i][list(model.diseases)].to_numpy(dtype=float),
                                   single.to_numpy(), atol=1e-12, rtol=0)
        assert batch.iloc[i]["none_of_the_eight"] == pytest.approx(single.attrs["none_of_the_eight"], abs=1e-12)
        assert batch.iloc[i]["complaint_assumed"] == bool(single.attrs["assumed"])


def test_batch_accepts_categorical_and_string_columns(model):
    rng = np.random.default_rng(9)
    cases = sample_cases(model, 200, rng, years=True)[["age", "sex", "fever", "dysuria", "anemia", "straight_leg_raise"]]
    as_str = cases.copy()
    for c in ["fever", "dysuria", "anemia", "straight_leg_raise"]:
        as_str[c] = np.where(cases[c], "present", "absent")
    as_cat = as_str.astype({c: "category" for c in ["sex", "fever", "dysuria", "anemia", "straight_leg_raise"]})
    a = model.posterior_batch(cases)
    b = model.posterior_batch(as_str)
    c = model.posterior_batch(as_cat)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_all_findings_observed_stays_finite(random_priors):
    """Extreme parameters and every finding observed: no NaN, posteriors in [0, 1]."""
    model = bayesnet.load_model(priors=random_priors(3, True))
    rng = np.random.default_rng(3)
    cases = sample_cases(model, 50, rng)
    cases = cases[["age", "sex"] + list(model.findings)]
    out = model.posterior_batch(cases)[list(model.diseases) + ["none_of_the_eight"]].to_numpy()
    assert np.isfinite(out).all()
    assert ((out >= 0) & (out <= 1)).all()


@pytest.mark.parametrize("seed,extreme", [(1, False), (3, True)])
def test_compiled_kernel_equals_numpy_engine(random_priors, seed, extreme):
    """The numba kernel (product space with scaled rows) and the numpy engine (log space) agree, including unknown
    age or sex, evidence on diseases, impossible rows and every finding observed."""
    from bayesnet import compiled
    from bayesnet.evidence import encode_frame

    if not compiled.available():
        pytest.skip("numba is not installed")
    model = bayesnet.load_model(priors=random_priors(seed, extreme))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(_random_evidence(model, rng, 400))
    full = sample_cases(model, 50, rng)[["age", "sex"] + list(model.findings)]
    frame = pd.concat([frame, full], ignore_index=True)
    frame.loc[len(frame)] = {"sex": "female", "pelvic_congestion": False, **{f: True for f in model.findings}}
    enc = encode_frame(model.encoder, frame)
    a = model.engine.query_batch(enc.codes, enc.cell_ok, backend="numpy")
    b = model.engine.query_batch(enc.codes, enc.cell_ok, backend="numba")
    np.testing.assert_array_equal(a[2], b[2])
    np.testing.assert_allclose(a[0], b[0], atol=1e-12, rtol=0)
    np.testing.assert_allclose(a[1], b[1], atol=1e-12, rtol=0)


_PGMPY_VE = {}


def _shipped_ve(model):
    from pgmpy.inference import VariableElimination

    if model.setting not in _PGMPY_VE:
        _PGMPY_VE[model.setting] = VariableElimination(model.to_pgmpy())
    return _PGMPY_VE[model.setting]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NODES = ["age", "sex"] + list(bayesnet.load_model().findings)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["primary_care", "emergency"]),
       st.dictionaries(st.sampled_from(_NODES), st.booleans(), max_size=25), st.integers(18, 100),
       st.sampled_from(["female", "male"]))
def test_engine_equals_pgmpy_property(setting, raw, years, sex):
    """Any subset of findings, any states, either setting: the engine equals pgmpy or both find it impossible."""
    model = bayesnet.load_model(setting)
    ev = {k: v for k, v in raw.items() if k not in ("age", "sex")}
    if raw.get("age"):
        ev["age"] = years
    if raw.get("sex"):
        ev["sex"] = sex
    try:
        ours = model.posterior(ev).to_numpy()
    except bayesnet.ImpossibleEvidenceError:
        assert ev.get("sex") == "male" and any(
            ev.get(f) for f in model.findings if model.kb.nodes[f].women_only)
        return
    ref = _pgmpy_posteriors(_shipped_ve(model), model, model.parse_evidence(ev).as_dict())
    np.testing.assert_allclose(ours, ref, atol=TOL, rtol=0)
