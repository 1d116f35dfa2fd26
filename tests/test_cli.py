"""The command line: contract output, and exit status 2 with one line for every bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bayesnet.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_diagnose_json_contract(capsys, tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"age": 67, "sex": "male", "anemia": "present", "fever": "absent",
                                "hypercalcemia": True}))
    code, out, err = run(capsys, "diagnose", "--case", str(case), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data["posterior"]) == {"disc_herniation", "urolithiasis", "uti", "pyelonephritis",
                                      "ankylosing_spondylitis", "lumbar_strain", "pelvic_congestion", "plasmacytoma"}
    assert 0 <= data["none_of_the_eight"] <= 1
    assert data["assumed"] == {"low_back_pain": "present"}


def test_diagnose_flags_equal_case_file(capsys, tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"age": 67, "sex": "male", "anemia": "present", "fever": "absent"}))
    _, a, _ = run(capsys, "diagnose", "--case", str(case), "--json")
    _, b, _ = run(capsys, "diagnose", "--age", "67", "--sex", "male", "--present", "anemia", "--absent", "fever",
                  "--json")
    assert json.loads(a)["posterior"] == json.loads(b)["posterior"]


def test_diagnose_table(capsys):
    code, out, _ = run(capsys, "diagnose", "--age", "30", "--sex", "female", "--present", "dysuria,urinary_frequency")
    assert code == 0
    assert "Urinary tract infection" in out and "None of the eight" in out and "Assumed" in out


@pytest.mark.parametrize("argv,needle", [
    (["diagnose", "--present", "anaemia"], "Did you mean 'anemia'"),
    (["diagnose", "--age", "12"], "age"),
    (["diagnose", "--sex", "male", "--present", "postcoital_pain"], "postcoital_pain"),
    (["diagnose", "--case", "/nonexistent/case.json"], "not found"),
    (["diagnose", "--setting", "icu"], "setting"),
    (["diagnose", "--bogus"], "unrecognized"),
    (["nosuchcommand"], "invalid choice"),
    (["validate", "/nonexistent/priors"], "not a directory"),
])
def test_bad_input_exit_2_one_line(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_json_case(capsys, tmp_path):
    case = tmp_path / "case.json"
    case.write_text("{not json")
    code, _, err = run(capsys, "diagnose", "--case", str(case))
    assert code == 2 and "not valid JSON" in err


def test_findings_lists_catalogue(capsys):
    code, out, _ = run(capsys, "findings")
    assert code == 0
    assert "straight_leg_raise" in out and "Laboratory" in out and "[women only]" in out


def test_validate_shipped(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "valid" in out


def test_console_script_runs_in_a_fresh_process():
    proc = subprocess.run([sys.executable, "-m", "bayesnet.cli", "diagnose", "--present", "nosuch"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_closed_pipe_ends_quietly(tmp_path):
    # `bayesnet evaluate CASES | head -1`: the reader leaves after one line while far more than a pipe buffer
    # (64 KiB) is still to be written; no traceback may reach the terminal.
    published = json.loads((Path(__file__).parent / "clinical" / "published_cases.json").read_text())
    many = [dict(case, id=f"{case['id']}_{i}") for i in range(40) for case in published]
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(many))
    proc = subprocess.Popen([sys.executable, "-m", "bayesnet.cli", "evaluate", str(cases)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert proc.returncode == 141
