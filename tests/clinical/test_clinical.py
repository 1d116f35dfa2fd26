"""Clinical behaviour: the seed document's scenarios, published cases, the mix of causes and the literature.

Scenario expectations: ``first`` = ranked first of the eight; ``top3`` = among the first three; ``raised`` = posterior
at least three times its value given only age, sex and the complaint; ``not_raised_much`` = less than 1.5 times.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import bayesnet
from bayesnet.validation import evaluate, fidelity_table, presenting_mix

HERE = Path(__file__).resolve().parent
SCENARIOS = json.loads((HERE / "seed_scenarios.json").read_text(encoding="utf-8"))
CASES = json.loads((HERE / "published_cases.json").read_text(encoding="utf-8"))
BASE_KEYS = ("age", "sex", "low_back_pain", "flank_pain")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_seed_scenario(model, scenario):
    ev = scenario["evidence"]
    p = model.posterior(ev)
    ranked = list(p.sort_values(ascending=False).index)
    base = model.posterior({k: v for k, v in ev.items() if k in BASE_KEYS})
    for kind, disease in scenario["expect"].items():
        if kind == "first":
            assert ranked[0] == disease, f"{scenario['id']}: ranked {ranked[:3]}"
        elif kind == "top3":
            assert disease in ranked[:3], f"{scenario['id']}: ranked {ranked[:3]}"
        elif kind == "raised":
            assert p[disease] >= 3 * base[disease]
        elif kind == "not_raised_much":
            assert p[disease] < 1.5 * base[disease]
        else:
            raise AssertionError(f"unknown expectation {kind}")


def test_explaining_away_pulls_strain_down(model):
    """A disease that explains the pain lowers lumbar strain below its value given the pain alone."""
    base = model.posterior({"age": 42, "sex": "male", "low_back_pain": True})
    colic = model.posterior({"age": 42, "sex": "male", "low_back_pain": True, "stone_on_ct": True,
                             "colicky_flank_pain": True, "hematuria": True})
    assert colic["lumbar_strain"] < base["lumbar_strain"]


def test_published_case_library_is_broad():
    expected = [c["expected"] for c in CASES]
    assert len(CASES) >= 40
    for d in bayesnet.load_model().diseases:
        assert expected.count(d) >= 3, d
    assert expected.count("none") >= 5
    assert all(c.get("citation") and c.get("url") for c in CASES)


def _model_for(setting, cache={}):
    if setting not in cache:
        cache[setting] = bayesnet.load_model(setting)
    return cache[setting]


def test_published_cases_score():
    """Top-1 and top-3 over the nine outcomes (eight diseases and none). The thresholds are what the model
    achieved with the current knowledge base (27/53 and 46/53); a drop is a regression."""
    ranks = bayesnet.load_model().evaluate(CASES).cases["rank"]
    assert (ranks == 1).sum() >= 27
    assert (ranks <= 3).sum() >= 46


def test_evaluate_scores_each_case_in_its_own_setting():
    """A case that names its setting is scored with the model of that setting, whatever model evaluates it."""
    from_primary = bayesnet.load_model("primary_care").evaluate(CASES).cases
    from_emergency = bayesnet.load_model("emergency").evaluate(CASES).cases
    for setting in ("primary_care", "emergency"):
        group = [c for c in CASES if c["setting"] == setting]
        assert group
        alone = evaluate(_model_for(setting), group).cases
        for got in (from_primary, from_emergency):
            np.testing.assert_allclose(got.loc[alone.index, "p_expected"], alone["p_expected"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("setting", ["primary_care", "emergency"])
def test_presenting_mix_matches_literature(setting):
    """The mix of causes among back-pain patients, which emerges from conditioning on the complaint, lies within
    every published range of priors/presenting_mix.csv."""
    mix = presenting_mix(_model_for(setting))
    published = mix.dropna(subset=["low"])
    assert len(published) >= 5
    bad = published[~published["within"].astype(bool)]
    assert bad.empty, bad[["cause", "model", "low", "high"]].to_string()


def test_emergency_has_more_visceral_causes():
    pc = presenting_mix(_model_for("primary_care")).set_index("cause")["model"]
    ed = presenting_mix(_model_for("emergency")).set_index("cause")["model"]
    assert ed["urolithiasis"] > 5 * pc["urolithiasis"]
    assert ed["pyelonephritis"] > 5 * pc["pyelonephritis"]


def test_model_reproduces_published_sensitivities(model):
    table = fidelity_table(model)
    assert len(table) >= 30
    bad = table[~table["within"]]
    assert bad.empty, bad[["finding", "disease", "model", "low", "high"]].to_string()
