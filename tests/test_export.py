"""Interoperability: pyAgrum on the XMLBIF export agrees with our posteriors to 1e-9; BIF reads back in pgmpy."""

import json

import numpy as np
import pytest

from bayesnet.simulate import sample_cases


def test_xmlbif_in_pyagrum_matches(model, tmp_path):
    gum = pytest.importorskip("pyagrum")
    path = model.export("xmlbif", tmp_path / "net.bifxml")
    bn = gum.loadBN(str(path))
    rng = np.random.default_rng(3)
    full = sample_cases(model, 60, rng)
    worst = 0.0
    for i in range(len(full)):
        row = full.iloc[i]
        keep = [n for n in ["age", "sex"] + list(model.findings) if rng.random() < 0.3]
        ev = {k: (row[k] if k in ("age", "sex") else bool(row[k])) for k in keep}
        eff = model.parse_evidence(ev).as_dict()
        ie = gum.LazyPropagation(bn)
        ie.setEvidence({k: v for k, v in eff.items()})
        ie.makeInference()
        ours = model.posterior(ev)
        for d in model.diseases:
            post = ie.posterior(d)
            ref = post[{d: "present"}]
            worst = max(worst, abs(ref - ours[d]))
    assert worst < 1e-9


def test_bif_reads_back_in_pgmpy(model, tmp_path):
    from pgmpy.readwrite import BIFReader

    path = model.export("bif", tmp_path / "net.bif")
    net = BIFReader(str(path)).get_model()
    assert set(net.nodes()) == set(model.to_pgmpy().nodes())
    cpd = net.get_cpds("plasmacytoma")
    assert set(cpd.state_names["plasmacytoma"]) == {"present", "absent"}


def test_json_export_is_complete(model, tmp_path):
    path = model.export("json", tmp_path / "net.json")
    data = json.loads(path.read_text())
    assert set(data["cpds"]) == set(model.kb.nodes)
    for var, cpd in data["cpds"].items():
        cols = np.array(cpd["values"])
        np.testing.assert_allclose(cols.sum(axis=0), 1.0, atol=1e-12)


def test_export_bad_format(model, tmp_path):
    from bayesnet import BayesnetError

    with pytest.raises(BayesnetError, match="Did you mean 'xmlbif'"):
        model.export("xmlbf", tmp_path / "x")
