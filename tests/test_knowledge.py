"""The knowledge base loads, is complete and traceable, and every corruption is reported with file, row and value."""

import csv
import shutil

import pytest

from bayesnet import PriorsError, load_knowledge
from bayesnet.knowledge import CELLS, SETTINGS, default_priors_dir

SHIPPED = default_priors_dir()


def test_shipped_priors_are_valid_and_complete():
    kb = load_knowledge()
    assert len(kb.diseases) == 8
    assert kb.other_causes == ("other_spinal_cause",)
    assert set(kb.red_flags) == {"plasmacytoma", "pyelonephritis"}
    assert set(kb.test_costs) == set(kb.findings)
    for setting in SETTINGS:
        arr = kb.arrays(setting)
        assert abs(arr.population.sum() - 1) < 1e-12
        assert (arr.prior[kb.causes.index("pelvic_congestion"), [c for c, (_, s) in enumerate(CELLS) if s == "male"]] == 0).all()


def test_catalogue_nodes_and_states_are_exposed():
    """Every node of the shared catalogue is in the model with its states (NODES.md is the contract)."""
    import re
    from pathlib import Path

    catalogue = Path(__file__).resolve().parents[2] / "shared" / "NODES.md"
    if not catalogue.exists():
        pytest.skip("the shared node catalogue is not beside the checkout")
    ids = re.findall(r"^\| `([a-z0-9_]+)` \|", catalogue.read_text(), flags=re.M)
    kb = load_knowledge()
    missing = [i for i in ids if i not in kb.nodes]
    assert not missing
    assert kb.nodes["age"].states == ("18_39", "40_59", "60_plus")
    assert kb.nodes["sex"].states == ("female", "male")


def test_every_number_is_traceable():
    kb = load_knowledge()
    for p in kb.parameters.values():
        assert p.is_estimate or p.sources, p.name
        assert all(k in kb.references for k in p.sources), p.name
        if p.is_estimate:
            assert p.rationale, p.name
        assert p.low <= p.value <= p.high


@pytest.fixture
def corrupt(tmp_path):
    """Copy the shipped priors and apply edits: (file, row index counting the header as 0, column, new value).

    Errors name the line of the file, so row index i is reported as row i + 1."""
    counter = iter(range(1000))

    def make(*edits):
        d = tmp_path / f"priors{next(counter)}"
        shutil.copytree(SHIPPED, d)
        for name, row, col, value in edits:
            path = d / name
            rows = list(csv.reader(path.open(encoding="utf-8")))
            header = rows[0]
            if col == "__header__":
                rows[0] = value
            elif col == "__delete__":
                del rows[row]
            elif col == "__duplicate__":
                rows.insert(row, rows[row])
            else:
                rows[row][header.index(col)] = value
            with path.open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh, lineterminator="\n").writerows(rows)
        return d
    return make


def _problems(directory):
    with pytest.raises(PriorsError) as info:
        load_knowledge(directory)
    return info.value.problems


def test_probability_out_of_range_names_file_row_column(corrupt):
    problems = _problems(corrupt(("cpt/spine.csv", 3, "value", "1.7")))
    assert any("cpt/spine.csv, row 4, column value" in p and "1.7" in p for p in problems)


def test_all_problems_reported_at_once(corrupt):
    problems = _problems(corrupt(("cpt/spine.csv", 3, "value", "abc"),
                                 ("disease_priors.csv", 5, "source", "nosuchkey2020")))
    assert any("'abc' is not a number" in p for p in problems)
    assert any("nosuchkey2020" in p and "disease_priors.csv, row 6" in p for p in problems)


def test_unknown_column_with_suggestion(corrupt):
    header = ["finding", "parent", "age", "sex", "valeu", "low", "high", "source", "rationale"]
    problems = _problems(corrupt(("cpt/systemic.csv", 0, "__header__", header)))
    assert any("'valeu'" in p and "Did you mean 'value'" in p for p in problems)


def test_duplicate_row_is_an_error(corrupt):
    problems = _problems(corrupt(("cpt/spine.csv", 4, "__duplicate__", None)))
    assert any("duplicate" in p for p in problems)


def test_missing_leak_cell_is_an_error(corrupt):
    d = corrupt()
    rows = list(csv.reader((d / "cpt" / "systemic.csv").open(encoding="utf-8")))
    leak_rows = [i for i, r in enumerate(rows) if len(r) > 1 and r[1] == "leak"]
    d2 = corrupt(("cpt/systemic.csv", leak_rows[0], "__delete__", None))
    problems = _problems(d2)
    assert any("lacks a leak" in p for p in problems)


def test_missing_prior_row_is_an_error(corrupt):
    problems = _problems(corrupt(("disease_priors.csv", 7, "__delete__", None)))
    assert any("lacks rows" in p for p in problems)


def test_range_must_contain_value(corrupt):
    problems = _problems(corrupt(("cpt/complaint.csv", 2, "low", "0.99")))
    assert any("low <= value <= high" in p for p in problems)


def test_unknown_parent_with_suggestion(corrupt):
    problems = _problems(corrupt(("cpt/spine.csv", 2, "parent", "disc_hernation")))
    assert any("Did you mean 'disc_herniation'" in p for p in problems)


def test_unused_reference_is_an_error(corrupt):
    d = corrupt()
    with (d / "references.csv").open("a", encoding="utf-8") as fh:
        fh.write("orphan2020,Orphan A. Never cited. J 2020;1:1,https://example.org,\n")
    problems = _problems(d)
    assert any("orphan2020" in p and "never used" in p for p in problems)


def test_estimate_needs_rationale(corrupt):
    d = corrupt()
    rows = list(csv.reader((d / "cpt" / "spine.csv").open(encoding="utf-8")))
    i = next(i for i, r in enumerate(rows) if i and r[7] == "estimate")
    problems = _problems(corrupt(("cpt/spine.csv", i, "rationale", "")))
    assert any("needs a one-line rationale" in p for p in problems)


def test_malformed_csv_row(tmp_path, corrupt):
    d = corrupt()
    with (d / "population.csv").open("a", encoding="utf-8") as fh:
        fh.write("primary_care,18_39,female,0.1\n")
    problems = _problems(d)
    assert any("population.csv, row" in p and "fields" in p for p in problems)


def test_estimate_citing_an_unknown_reference_is_named(corrupt):
    d = corrupt()
    rows = list(csv.reader((d / "cpt" / "spine.csv").open(encoding="utf-8")))
    i = next(i for i, r in enumerate(rows) if i and r[7] == "estimate")
    problems = _problems(corrupt(("cpt/spine.csv", i, "rationale", "judgement leaning on [braun2011] and [brau2011]")))
    assert any(f"cpt/spine.csv, row {i + 1}, column rationale" in p and "[brau2011]" in p
               and "Did you mean 'braun2011'" in p for p in problems)
    assert not any("[braun2011]" in p for p in problems)


def test_a_reference_cited_only_by_an_estimate_counts_as_used(corrupt):
    d = corrupt()
    with (d / "references.csv").open("a", encoding="utf-8") as fh:
        fh.write("orphan2020,Orphan A. Cited by an estimate. J 2020;1:1,https://example.org,\n")
    rows = list(csv.reader((d / "cpt" / "spine.csv").open(encoding="utf-8")))
    i = next(i for i, r in enumerate(rows) if i and r[7] == "estimate")
    d2 = d.parent / "cited"
    shutil.copytree(d, d2)
    path = d2 / "cpt" / "spine.csv"
    rows[i][8] = rows[i][8] + " [orphan2020]"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    load_knowledge(d2)  # valid: the key is used
