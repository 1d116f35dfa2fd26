"""Bad evidence gets a clear error naming the node and value; good evidence in every accepted form agrees."""

import numpy as np
import pandas as pd
import pytest

from bayesnet import EvidenceError, ImpossibleEvidenceError


def test_unknown_node_suggests_nearest(model):
    with pytest.raises(EvidenceError, match=r"'anaemia'.*Did you mean 'anemia'"):
        model.posterior({"anaemia": "present"})


def test_unknown_state_suggests_nearest(model):
    with pytest.raises(EvidenceError, match=r"fever.*'presnt'.*Did you mean 'present'"):
        model.posterior({"fever": "presnt"})


@pytest.mark.parametrize("age", [17, 121, -5, 40.5, "old", float("inf"), True])
def test_bad_age(model, age):
    with pytest.raises(EvidenceError, match="age"):
        model.posterior({"age": age})


def test_bad_sex(model):
    with pytest.raises(EvidenceError, match=r"sex 'femal'.*Did you mean 'female'"):
        model.posterior({"sex": "femal"})


@pytest.mark.parametrize("finding", ["premenstrual_worsening", "postcoital_pain", "vaginal_discharge", "multiparous",
                                     "ovarian_point_tenderness"])
def test_women_only_finding_in_a_man_is_impossible(model, finding):
    with pytest.raises(ImpossibleEvidenceError, match=finding):
        model.posterior({"sex": "male", finding: "present"})
    # absent in a man is allowed and changes nothing
    a = model.posterior({"sex": "male", finding: "absent"})
    b = model.posterior({"sex": "male"})
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), atol=1e-15)


def test_women_only_finding_with_sex_unknown_implies_a_woman(model):
    a = model.posterior({"postcoital_pain": True})
    b = model.posterior({"postcoital_pain": True, "sex": "female"})
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), atol=1e-12)


def test_impossible_combination_is_refused(model):
    with pytest.raises(ImpossibleEvidenceError):
        model.posterior({"pelvic_congestion": "present", "sex": "male"})


def test_integer_state_is_ambiguous(model):
    with pytest.raises(EvidenceError, match="ambiguous"):
        model.posterior({"fever": 1})


def test_equivalent_spellings(model):
    a = model.posterior({"age": 45, "sex": "female", "fever": True, "dysuria": False})
    b = model.posterior({"age": "40_59", "sex": "Female", "fever": "present", "dysuria": " absent"})
    c = model.posterior({"age": np.int64(45), "sex": "female", "fever": np.bool_(True), "dysuria": "absent",
                         "anemia": None, "hematuria": float("nan")})
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), atol=0)
    np.testing.assert_allclose(a.to_numpy(), c.to_numpy(), atol=0)


@pytest.mark.parametrize("years,band", [(18, "18_39"), (39, "18_39"), (40, "40_59"), (59, "40_59"), (60, "60_plus"),
                                        (120, "60_plus")])
def test_age_band_edges(model, years, band):
    assert model.parse_evidence({"age": years}).age == band


def test_complaint_assumed_and_reported(model):
    p = model.posterior({"fever": True})
    assert p.attrs["assumed"] == {"low_back_pain": "present"}
    explicit = model.posterior({"fever": True, "low_back_pain": True})
    np.testing.assert_allclose(p.to_numpy(), explicit.to_numpy(), atol=0)
    assert explicit.attrs["assumed"] == {}
    off = model.posterior({"fever": True}, assume_complaint=False)
    assert off.attrs["assumed"] == {}
    assert not np.allclose(off.to_numpy(), p.to_numpy())
    flank = model.posterior({"flank_pain": True})
    assert flank.attrs["assumed"] == {}


def test_adding_and_removing_evidence_round_trips(model):
    base = {"age": 30, "sex": "male"}
    a = model.posterior(base)
    model.posterior({**base, "straight_leg_raise": True})
    b = model.posterior(base)
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_batch_reports_bad_rows_with_row_and_column(model):
    from bayesnet import BatchEvidenceError

    cases = pd.DataFrame({"age": [30, 200, 50], "sex": ["male", "female", "male"],
                          "fever": ["present", "absent", "maybe"], "multiparous": [None, True, True]},
                         index=["a", "b", "c"])
    with pytest.raises(BatchEvidenceError) as info:
        model.posterior_batch(cases)
    problems = info.value.problems
    assert set(problems["row"]) == {"b", "c"}
    assert {"age", "fever", "multiparous"} <= set(problems["column"])


def test_batch_unknown_column(model):
    with pytest.raises(EvidenceError, match="Did you mean 'fever'"):
        model.posterior_batch(pd.DataFrame({"fevr": [True]}))
