"""Patients sampled from the model follow the model's own probabilities (checked against exact inference)."""

import math

import numpy as np
import pytest

from bayesnet.simulate import sample_cases


def test_sampled_frequencies_match_exact_marginals(model):
    n = 60_000
    cohort = sample_cases(model, n, np.random.default_rng(11))
    for node in list(model.diseases) + ["other_spinal_cause", "low_back_pain", "anemia", "fever", "pyuria"]:
        exact = math.exp(model.log_evidence({node: "present"}, assume_complaint=False))
        se = math.sqrt(exact * (1 - exact) / n)
        assert abs(cohort[node].mean() - exact) < 5 * se + 1e-4, node


def test_interaction_and_gating_are_sampled(model):
    cohort = sample_cases(model, 40_000, np.random.default_rng(12))
    men = cohort[cohort["sex"] == "male"]
    assert not men["pelvic_congestion"].any()
    assert not men[[f for f in model.findings if model.kb.nodes[f].women_only]].any().any()
    # P(pyelonephritis | stone) exceeds P(pyelonephritis | no stone) by about the interaction link
    link = model.kb.parameters["interaction:pyelonephritis:urolithiasis"].value
    exact = math.exp(model.log_evidence({"pyelonephritis": "present", "urolithiasis": "present"},
                                        assume_complaint=False)
                     - model.log_evidence({"urolithiasis": "present"}, assume_complaint=False))
    assert exact > link


def test_years_fall_in_their_band(model):
    cohort = sample_cases(model, 500, np.random.default_rng(1), years=True)
    assert cohort["age"].between(18, 90).all()


def test_rng_must_be_a_generator(model):
    with pytest.raises(TypeError):
        sample_cases(model, 10, 42)


def test_posteriors_are_calibrated_on_patients_drawn_from_the_model(model):
    # Calibration by construction: among simulated patients given probability p of a disease, a share p has it.
    # The complaint is not assumed: these patients were not selected for back pain.
    rng = np.random.default_rng(7)
    cohort = model.sample(20_000, rng, years=True)
    observed = cohort[["age", "sex"] + list(model.findings)].copy()
    hide = rng.random((len(cohort), len(model.findings))) > 0.3
    for j, f in enumerate(model.findings):
        observed[f] = observed[f].astype("boolean").mask(hide[:, j])
    post = model.posterior_batch(observed, assume_complaint=False)
    predicted = post[list(model.diseases)].to_numpy().ravel()
    actual = cohort[list(model.diseases)].to_numpy().ravel().astype(float)
    # overall: expected and observed counts agree within 4 standard errors
    se = np.sqrt((predicted * (1 - predicted)).sum())
    assert abs(predicted.sum() - actual.sum()) < 4 * se
    # by bin of predicted probability, wherever a bin holds enough cases
    bins = np.minimum((predicted * 10).astype(int), 9)
    for b in range(10):
        sel = bins == b
        if sel.sum() >= 100:
            p, y = predicted[sel], actual[sel]
            assert abs(p.sum() - y.sum()) < 4 * np.sqrt((p * (1 - p)).sum()) + 1, (b, p.mean(), y.mean())
