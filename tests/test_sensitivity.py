"""Sensitivity functions equal exact recomputation with pgmpy on the modified network; derivatives match finite
differences; each value needed reproduces its target; credible intervals behave."""

import numpy as np
import pandas as pd
import pytest

import bayesnet
from bayesnet.sensitivity import SensitivityAnalysis, beta_parameters

CASE = {"age": 66, "sex": "male", "bone_pain_elsewhere": True, "fatigue": True, "pallor": True,
        "weight_loss": True, "anemia": True, "fever": False}
CASE_NO_SEX = {"age": 35, "dysuria": True, "cva_tenderness": True, "fever": True, "hematuria": False}


def _pgmpy_posterior(model, evidence):
    from pgmpy.inference import VariableElimination

    eff = model.parse_evidence(evidence).as_dict()
    ve = VariableElimination(model.to_pgmpy())
    q = ve.query(list(model.diseases), evidence=eff, joint=False, show_progress=False)
    return np.array([q[d].get_value(**{d: "present"}) for d in model.diseases])


@pytest.mark.parametrize("case", [CASE, CASE_NO_SEX])
def test_sensitivity_functions_equal_pgmpy_on_modified_network(model, case):
    sa = SensitivityAnalysis(model, case)
    rng = np.random.default_rng(42)
    relevant = [p for p in sa.parameters if sa._affects(p)]
    kinds = {p.kind for p in relevant}
    assert {"link", "leak", "prior"} <= kinds
    if "age" not in case or "sex" not in case:
        assert "population" in kinds
    picks = list(rng.choice(len(relevant), size=12, replace=False))
    picks += [i for i, p in enumerate(relevant) if p.kind == "population"][:2]
    picks += [i for i, p in enumerate(relevant) if p.kind == "interaction"]
    assert any(relevant[i].kind == "interaction" for i in picks)
    for i in picks:
        p = relevant[i]
        t = float(rng.uniform(0.001, 0.999)) if p.kind not in ("prior", "population") else float(rng.uniform(0.0, 0.3))
        ref = _pgmpy_posterior(model.with_parameters({p.name: t}), case)
        ours = np.array([sa.function(p.name, d)(t) for d in model.diseases])
        np.testing.assert_allclose(ours, ref, atol=1e-9, rtol=0, err_msg=p.name)


def test_one_way_low_high_are_exact_and_derivatives_match_finite_differences(model):
    sa = SensitivityAnalysis(model, CASE)
    frame = sa.one_way().frame
    assert set(frame.columns) >= {"parameter", "value", "low", "high", "disease", "posterior", "posterior_at_low",
                                  "posterior_at_high", "derivative"}
    assert len(frame) == len(sa.parameters) * len(model.diseases)
    top = frame[frame["disease"] == "plasmacytoma"].assign(
        swing=lambda f: (f["posterior_at_high"] - f["posterior_at_low"]).abs()).nlargest(6, "swing")
    for row in top.itertuples():
        low = model.with_parameters({row.parameter: row.low}).posterior(CASE)["plasmacytoma"]
        high = model.with_parameters({row.parameter: row.high}).posterior(CASE)["plasmacytoma"]
        assert row.posterior_at_low == pytest.approx(low, abs=1e-12)
        assert row.posterior_at_high == pytest.approx(high, abs=1e-12)
        h = 1e-6 * max(row.value, 1e-3)
        fd = (model.with_parameters({row.parameter: row.value + h}).posterior(CASE)["plasmacytoma"]
              - model.with_parameters({row.parameter: row.value - h}).posterior(CASE)["plasmacytoma"]) / (2 * h)
        assert row.derivative == pytest.approx(fd, rel=1e-5, abs=1e-8)


def test_unobserved_parameters_do_not_matter(model):
    sa = SensitivityAnalysis(model, CASE)
    frame = sa.one_way(parameters=["link:dysuria:uti", "leak:stone_on_ct:40_59:male"]).frame
    assert (frame["derivative"] == 0).all()
    assert (frame["posterior_at_low"] == frame["posterior"]).all()


@pytest.mark.parametrize("target", [("ankylosing_spondylitis", "first"), ("lumbar_strain", 0.6)])
def test_values_needed_reproduce_their_target(model, target):
    disease, goal = target
    sa = SensitivityAnalysis(model, CASE)
    frame = sa.change_conclusion(disease, first=True) if goal == "first" else \
        sa.change_conclusion(disease, threshold=goal)
    ach = frame[frame["achievable"]]
    assert len(ach) > 0 and len(frame) > len(ach)  # some parameters can do it, some cannot
    for row in ach.head(8).itertuples():
        p = model.with_parameters({row.parameter: row.value_needed}).posterior(CASE)
        if goal == "first":
            assert p[disease] >= p.max() - 1e-9
        else:
            assert p[disease] >= goal - 1e-9
    # and nominal values do not reach it
    p0 = model.posterior(CASE)
    assert (p0.idxmax() != disease) if goal == "first" else (p0[disease] < goal)


def test_credible_intervals_reproducible_and_shrink(model):
    sa = SensitivityAnalysis(model, CASE)
    a = sa.uncertainty(2000, rng=np.random.default_rng(1)).to_frame()
    b = sa.uncertainty(2000, rng=np.random.default_rng(1)).to_frame()
    assert a.equals(b)
    narrow = sa.uncertainty(2000, rng=np.random.default_rng(1), scale=0.3).to_frame()
    assert ((narrow["high"] - narrow["low"]) <= (a["high"] - a["low"]) + 1e-12).all()
    assert (narrow["high"] - narrow["low"]).sum() < 0.6 * (a["high"] - a["low"]).sum()
    fixed = sa.uncertainty(10, rng=np.random.default_rng(1), scale=0.0).to_frame()
    np.testing.assert_allclose(fixed["low"], fixed["posterior"], atol=1e-12)
    # the draws use the engine's arithmetic with age and sex unknown too (every cell, the stone->pyelonephritis term)
    unknown = SensitivityAnalysis(model, CASE_NO_SEX).uncertainty(5, rng=np.random.default_rng(1), scale=0.0)
    np.testing.assert_allclose(unknown.to_frame()["low"], model.posterior(CASE_NO_SEX), atol=1e-12)
    assert ((a["low"] <= a["posterior"] + 1e-12) & (a["posterior"] <= a["high"] + 1e-12)).all()


def test_beta_matches_value_and_range():
    alpha, beta = beta_parameters(0.3, 0.2, 0.4)
    mean = alpha / (alpha + beta)
    sd = np.sqrt(alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)))
    assert mean == pytest.approx(0.3)
    assert sd == pytest.approx(0.2 / 3.92)
    assert beta_parameters(0.0, 0.0, 0.0) is None


def test_evidence_sensitivity_matches_direct_queries(model):
    sa = SensitivityAnalysis(model, CASE)
    es = sa.evidence_sensitivity()
    row = es[(es["finding"] == "anemia") & (es["action"] == "removed") & (es["disease"] == "plasmacytoma")].iloc[0]
    direct = model.posterior({k: v for k, v in CASE.items() if k != "anemia"})["plasmacytoma"]
    assert row["posterior_after"] == pytest.approx(direct, abs=1e-15)


def test_across_cases_averages_each_case_in_its_own_setting(model):
    from bayesnet.sensitivity import across_cases

    stone = {"age": 35, "sex": "male", "colicky_flank_pain": "present", "hematuria": "present"}
    myeloma = {"age": 67, "sex": "male", "anemia": "present", "bone_pain_elsewhere": "present"}
    cases = [{"evidence": stone, "setting": "emergency"}, myeloma]
    ranking = across_cases(model, cases)
    per_case = []
    for m, ev in ((bayesnet.load_model("emergency"), stone), (model, myeloma)):
        f = SensitivityAnalysis(m, ev).one_way().frame
        per_case.append((f["posterior_at_high"] - f["posterior_at_low"]).abs().groupby(f["parameter"]).max())
    expected = pd.concat(per_case, axis=1).fillna(0.0)
    np.testing.assert_allclose(ranking["mean_swing"], expected.mean(axis=1)[ranking.index], atol=1e-12)
    np.testing.assert_allclose(ranking["max_swing"], expected.max(axis=1)[ranking.index], atol=1e-12)
    # the stone case was analysed in the emergency setting: its priors move it, the primary-care ones cannot
    assert ranking.loc["prior:emergency:urolithiasis:18_39:male", "max_swing"] > 0.01
    assert ranking["mean_swing"].is_monotonic_decreasing
    assert model.in_setting("emergency").setting == "emergency" and model.in_setting(model.setting) is model
