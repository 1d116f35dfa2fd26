"""bayesnet batch: chunked scoring from CSV or Parquet equals posterior_batch; bad rows are listed, good rows kept."""

import numpy as np
import pandas as pd
import pytest

from bayesnet.batch import run_batch


def _cases(model, n=300):
    return model.sample(n, np.random.default_rng(4), years=True)[["age", "sex", "fever", "dysuria", "anemia",
                                                                 "straight_leg_raise", "low_back_pain"]]


def test_csv_in_chunks_equals_posterior_batch(model, tmp_path):
    cases = _cases(model)
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    cases.to_csv(src, index=False)
    assert run_batch(src, out, chunk_size=70) == 0
    scored = pd.read_csv(out)
    ref = model.posterior_batch(cases)
    assert list(scored["row"]) == list(range(2, len(cases) + 2))
    np.testing.assert_allclose(scored[list(model.diseases)].to_numpy(), ref[list(model.diseases)].to_numpy(),
                               atol=1e-12)


def test_parquet_round_trip(model, tmp_path):
    pytest.importorskip("pyarrow")
    cases = _cases(model, 120)
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    cases.to_parquet(src)
    assert run_batch(src, out, chunk_size=50) == 0
    scored = pd.read_parquet(out)
    ref = model.posterior_batch(cases)
    np.testing.assert_allclose(scored[list(model.diseases)].to_numpy(), ref[list(model.diseases)].to_numpy(),
                               atol=1e-12)


def test_empty_and_missing_inputs(tmp_path):
    from bayesnet import BayesnetError

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(BayesnetError, match="empty"):
        run_batch(empty, tmp_path / "o.csv")
    with pytest.raises(BayesnetError, match="not found"):
        run_batch(tmp_path / "nope.csv", tmp_path / "o.csv")
