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


def test_explorer_widgets_follow_clicks(model):
    pytest.importorskip("ipywidgets")
    from bayesnet.notebook import Explorer

    ex = Explorer(model, age=67, sex="male")
    assert set(model.findings) <= set(ex.controls)
    assert ex.state.evidence() == {"age": 67, "sex": "male"}
    for f in ("bone_pain_elsewhere", "anemia", "hypercalcemia", "serum_m_protein"):
        ex.controls[f].value = "present"  # what a click does
    assert ex.state.findings["serum_m_protein"] == "present"
    assert model.label("plasmacytoma") in ex.output.value and "Red flag" in ex.output.value
    assert model.diagnose(ex.state.evidence()).ranked().index[0] == "plasmacytoma"
    ex.controls["anemia"].value = "unknown"
    assert "anemia" not in ex.state.findings
    ex.controls["sex"].value = "female"
    ex.controls["postcoital_pain"].value = "present"
    ex.controls["sex"].value = "male"  # a women-only finding in a man: shown as an error, no exception
    assert "postcoital_pain" in ex.output.value and "Red flag" not in ex.output.value
