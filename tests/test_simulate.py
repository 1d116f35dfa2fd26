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
