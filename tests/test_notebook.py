"""The explorer's logic, without a browser."""

import pytest

from bayesnet.notebook import ExplorerState


def test_explorer_updates_the_differential(model):
    state = ExplorerState(model)
    state.set("age", 30)
    state.set("sex", "female")
    before = state.view().diagnosis.posterior["uti"]
    for f in ("dysuria", "urinary_frequency", "urinary_urgency"):
        state.set(f, "present")
    view = state.view()
    assert view.error is None
    assert view.diagnosis.ranked().index[0] == "uti"
    assert view.diagnosis.posterior["uti"] > before
    assert len(view.next_tests) == 3
    state.set("dysuria", "unknown")
    assert "dysuria" not in state.evidence()


def test_explorer_reports_impossible_evidence_instead_of_crashing(model):
    state = ExplorerState(model)
    state.set("sex", "male")
    state.set("postcoital_pain", "present")
    view = state.view()
    assert view.diagnosis is None and "postcoital_pain" in view.error


def test_explorer_groups_follow_the_catalogue(model):
    groups = ExplorerState(model).groups()
    assert "straight_leg_raise" in groups["examination"]
    assert "hla_b27" in groups["laboratory"]
    with pytest.raises(Exception, match="Did you mean"):
        ExplorerState(model).set("anaemia", "present")
