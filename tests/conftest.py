import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kbgen import write_random_priors  # noqa: E402

import bayesnet  # noqa: E402


@pytest.fixture(scope="session")
def model():
    """The shipped model, primary care."""
    return bayesnet.load_model()


@pytest.fixture(scope="session")
def emergency_model():
    return bayesnet.load_model("emergency")


@pytest.fixture(scope="session")
def random_priors(tmp_path_factory):
    """Factory: a valid random knowledge base directory for a seed."""
    cache = {}

    def make(seed: int, extreme: bool = False):
        key = (seed, extreme)
        if key not in cache:
            d = tmp_path_factory.mktemp(f"kb{seed}{'x' if extreme else ''}")
            cache[key] = write_random_priors(d, np.random.default_rng(seed), extreme=extreme)
        return cache[key]

    return make
