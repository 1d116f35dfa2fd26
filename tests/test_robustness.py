"""Robustness by property tests and fuzzing: any input gives a clear BayesnetError or a correct answer, never
another exception, a NaN or a silent drop."""

import csv
import io
import math
import shutil
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bayesnet
from bayesnet import BayesnetError, PriorsError
from bayesnet.cli import main
from bayesnet.knowledge import default_priors_dir, load_knowledge

MODEL = bayesnet.load_model()
NODES = ["age", "sex"] + list(MODEL.findings) + list(MODEL.kb.causes)

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=string.printable + "éü漢🙂", max_size=12),
    st.sampled_from(["present", "absent", "Present", " absent ", "female", "male", "18_39", "60_plus", "", "nan"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
keys = st.one_of(st.sampled_from(NODES), st.text(max_size=15), st.integers())
settings_fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_fast
@given(st.dictionaries(keys, junk, max_size=8))
def test_random_evidence_gives_error_or_valid_answer(evidence):
    try:
        p = MODEL.posterior(evidence)
    except BayesnetError as exc:
        assert str(exc)
        return
    values = p.to_numpy()
    assert np.isfinite(values).all() and ((values >= 0) & (values <= 1)).all()
    assert 0 <= p.attrs["none_of_the_eight"] <= 1


@settings_fast
@given(st.data())
def test_sum_consistency_with_many_findings_observed(data):
    """P(d | e) = P(d | e, f) P(f | e) + P(d | e, not f) P(not f | e), with most findings observed."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    row = MODEL.sample(1, rng).iloc[0]
    ev = {"age": row["age"], "sex": row["sex"]}
    ev.update({f: bool(row[f]) for f in MODEL.findings if rng.random() < 0.9})
    free = [f for f in MODEL.findings if f not in ev]
    if not free:
        return
    f = free[0]
    p = MODEL.posterior(ev)
    try:
        p_f = math.exp(MODEL.log_evidence({**ev, f: True}) - MODEL.log_evidence(ev))
    except bayesnet.ImpossibleEvidenceError:
        p_f = 0.0
    with_f = MODEL.posterior({**ev, f: True}) * p_f if p_f > 0 else 0.0  # p_f = 0: a women-only finding in a man
    mix = with_f + MODEL.posterior({**ev, f: False}) * (1 - p_f)
    np.testing.assert_allclose(p.to_numpy(), mix.to_numpy(), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["age", "sex", "fever", "dysuria", "postcoital_pain", "anemia"]), junk),
                min_size=1, max_size=6), st.integers(1, 12))
def test_random_batches_keep_every_good_row(cells, n_rows):
    rng = np.random.default_rng(n_rows)
    good = MODEL.sample(n_rows, rng, years=True)[["age", "sex", "fever", "dysuria", "anemia"]]
    frame = good.astype(object).copy()
    for col, value in cells:
        column = frame[col].tolist() if col in frame.columns else [None] * n_rows
        column[int(rng.integers(0, n_rows))] = value
        frame[col] = pd.Series(column, index=frame.index, dtype=object)
    try:
        marg, none, possible, problems, _ = MODEL._batch(frame, assume_complaint=True, chunk_size=5, progress=False)
    except BayesnetError:
        return  # whole-frame problems (e.g. an unknown column) are refused outright
    bad = set() if problems is None else set(problems["position"])
    for i in range(n_rows):
        if i in bad:
            continue
        assert possible[i]
        ev = {k: v for k, v in frame.iloc[i].items() if not (isinstance(v, float) and math.isnan(v))}
        np.testing.assert_allclose(marg[i, :8], MODEL.posterior(ev).to_numpy(), atol=1e-12)


def test_batch_with_duplicate_columns_is_refused():
    frame = pd.DataFrame([[True, False]], columns=["fever", "fever"])
    with pytest.raises(BayesnetError, match="duplicate"):
        MODEL.posterior_batch(frame)


def _corrupt_copy(tmp_path, rng, n):
    d = tmp_path / f"p{n}"
    shutil.copytree(default_priors_dir(), d)
    files = sorted(p for p in d.rglob("*.csv"))
    path = files[rng.integers(len(files))]
    rows = list(csv.reader(path.open(encoding="utf-8")))
    i = int(rng.integers(1, len(rows)))
    j = int(rng.integers(len(rows[i])))
    choice = rng.integers(6)
    rows[i][j] = ["", "-0.5", "2", "nan", "x" * 5, "1e-300"][choice]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return d, path.name


@pytest.mark.parametrize("n", range(40))
def test_random_corruptions_of_priors_are_named(tmp_path, n):
    rng = np.random.default_rng(1000 + n)
    d, name = _corrupt_copy(tmp_path, rng, n)
    try:
        kb = load_knowledge(d)
    except PriorsError as exc:
        # the corrupted file is named, or (a renamed node) the catalogue nodes.csv that the other files refer to
        assert exc.problems and any(name in p or "nodes.csv" in p for p in exc.problems)
        return
    # a corruption that leaves a valid file (e.g. a note column emptied) must still give a working model
    model = bayesnet.load_model(priors=d)
    assert np.isfinite(model.posterior({"age": 50}).to_numpy()).all()
    assert kb.parameters


def test_priors_are_plain_data():
    """The knowledge base is CSV read with the csv module: no code, no object construction."""
    root = default_priors_dir()
    assert not list(root.rglob("*.py")) and not list(root.rglob("*.yaml")) and not list(root.rglob("*.pkl"))


@pytest.mark.parametrize("argv", [
    ["diagnose", "--age", "abc"], ["diagnose", "--age", "1e9"], ["diagnose", "--sex", ""],
    ["diagnose", "--present", ",,,"], ["diagnose", "--present", "fever", "--absent", "fever"],
    ["diagnose", "--present", "漢字"], ["report", "--out", "/tmp/x"], ["batch", "/nonexistent.csv", "-o", "/tmp/o.csv"],
    ["evaluate", "/nonexistent.json"], ["export", "--format", "pdf", "/tmp/x"], ["diagnose", "--setting", ""],
])
def test_cli_bad_input_one_line_exit_2(capsys, argv):
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_batch_keeps_good_rows(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("age,sex,fever,dysuria\n30,female,true,present\n200,male,false,absent\n45,male,maybe,\n"
                   "50,female,,absent\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code = main(["batch", str(src), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "2 bad row(s)" in err
    scored = pd.read_csv(out)
    assert list(scored["row"]) == [2, 5]
    errors = pd.read_csv(tmp_path / "out.errors.csv")
    assert set(errors["line"]) == {3, 4}
    assert {"age", "fever"} == set(errors["column"])
    expected = MODEL.posterior({"age": 30, "sex": "female", "fever": True, "dysuria": True})
    np.testing.assert_allclose(scored.iloc[0][list(MODEL.diseases)].to_numpy(dtype=float), expected.to_numpy(),
                               atol=1e-12)


def test_evidence_on_a_disease_gives_certainty_within_unit_interval(model):
    # P(d | d present) is 1 up to rounding; the rounding must never push a probability above 1 (found by hypothesis)
    frame = pd.DataFrame([{d: True} for d in model.diseases])
    batch = model.posterior_batch(frame)
    for i, d in enumerate(model.diseases):
        for p in (model.posterior({d: True}), batch.iloc[i][list(model.diseases)]):
            assert ((p >= 0) & (p <= 1)).all()
            assert abs(p[d] - 1.0) < 1e-12
        assert 0 <= model.posterior_none({d: True}) <= 1e-12


def test_evaluate_names_a_case_without_evidence(model):
    with pytest.raises(bayesnet.BayesnetError, match="case 'c1': no 'evidence'"):
        model.evaluate([{"id": "c1", "expected": "uti", "age": 30}])
