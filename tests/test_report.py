"""The report: contract files and columns, self-contained HTML, exact numbers, many-case mode."""

import json
import re

import pandas as pd
import pytest

from bayesnet.cli import main
from bayesnet.report import SENSITIVITY_COLUMNS, write_cases_report, write_report

CASE = {"age": 67, "sex": "male", "bone_pain_elsewhere": True, "fatigue": True, "pallor": True, "weight_loss": True,
        "anemia": True}


@pytest.fixture(scope="module")
def report_dir(model, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_report(model, CASE, out, title="Suspected myeloma", n_draws=500)
    return out


def test_files_and_sensitivity_columns(model, report_dir):
    for name in ("report.html", "report.md", "sensitivity.csv"):
        assert (report_dir / name).stat().st_size > 0
    frame = pd.read_csv(report_dir / "sensitivity.csv")
    assert list(frame.columns[: len(SENSITIVITY_COLUMNS)]) == SENSITIVITY_COLUMNS
    assert not frame[SENSITIVITY_COLUMNS].isna().any().any()
    # one row per parameter of this setting and disease; every parameter name resolves in priors/
    assert set(frame["disease"]) == set(model.diseases)
    assert frame.groupby("parameter").size().eq(8).all()
    assert set(frame["parameter"]) <= set(model.kb.parameters)
    # the nominal posterior column is the model's posterior
    nominal = frame.groupby("disease")["posterior"].first()
    p = model.posterior(CASE)
    assert (nominal - p[nominal.index]).abs().max() < 1e-12
    # posterior_at_low is an exact recomputation
    row = frame[(frame["parameter"] == "link:anemia:plasmacytoma") & (frame["disease"] == "plasmacytoma")].iloc[0]
    again = model.with_parameters({"link:anemia:plasmacytoma": row["low"]}).posterior(CASE)["plasmacytoma"]
    assert row["posterior_at_low"] == pytest.approx(again, abs=1e-12)


def test_html_is_self_contained(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=['"]https?://""", html)
    assert html.count("data:image/png;base64,") >= 4
    for section in ("The case", "Differential diagnosis", "Why", "What next", "Sensitivity to the model",
                    "What would change the conclusion", "Provenance", "About the model"):
        assert section in html
    assert "Kyle" in html  # full citations in the provenance table


def test_markdown_links_its_figures(report_dir):
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert (report_dir / target).exists()


def test_cases_report(model, tmp_path):
    cases = [{"id": "a", "evidence": CASE}, {"id": "b", "evidence": {"age": 30, "sex": "female", "dysuria": True}}]
    paths = write_cases_report(model, cases, tmp_path)
    ranking = pd.read_csv(paths[1])
    assert ranking["mean_swing"].is_monotonic_decreasing
    assert len(pd.read_csv(paths[2])) == 2


def test_cli_report_contract(tmp_path, capsys):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    code = main(["report", "--case", str(case), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "sensitivity.csv").exists()
    code = main(["report", "--out", str(tmp_path / "x")])
    assert code == 2
