"""Every figure has labelled axes and a plain-language title, and draws into a given Axes."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

from bayesnet import plotting  # noqa: E402

CASE = {"age": 67, "sex": "male", "bone_pain_elsewhere": True, "anemia": True}


def _ax():
    return Figure().subplots()


def _labelled(ax, y=False):
    assert ax.get_title()
    assert ax.get_xlabel() or ax.get_ylabel() or y


def test_figures(model):
    dx = model.diagnose(CASE)
    ax = _ax()
    assert dx.plot(ax=ax) is ax
    _labelled(ax)
    sa = model.sensitivity(CASE)
    _labelled(sa.one_way().plot_tornado("plasmacytoma", ax=_ax()))
    _labelled(sa.uncertainty(50, rng=np.random.default_rng(0)).plot(ax=_ax()))
    _labelled(model.explain(CASE).plot("plasmacytoma", ax=_ax()))
    _labelled(model.next_tests(CASE).plot(ax=_ax()))
    _labelled(plotting.plot_calibration([0.1, 0.9, 0.5], [0, 1, 1], ax=_ax()))
    ax = plotting.plot_network(model.kb, posterior=dict(model.posterior(CASE)), ax=_ax())
    assert ax.get_title()
