"""The ``bayesnet`` command line: diagnose, findings, validate, batch, report.

Bad input ends with exit status 2 and one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import BayesnetError

__all__ = ["main"]


class _UsageError(BayesnetError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise _UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _read_case(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _UsageError(f"case file {path!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _UsageError(f"cannot read case file {path!r}: {exc}") from None
    try:
        case = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UsageError(f"case file {path!r} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(case, dict):
        raise _UsageError(f"case file {path!r} must hold one JSON object of evidence, got {type(case).__name__}")
    if isinstance(case.get("evidence"), dict):  # a case-library entry: {"evidence": {...}, ...}
        case = case["evidence"]
    return case


def _split(text: str | None, option: str = "") -> list[str]:
    if text is None:
        return []
    items = [t.strip() for t in text.split(",")]
    if not all(items):
        raise _UsageError(f"{option} {text!r} has an empty name; give comma-separated finding ids such as "
                          "fever,dysuria")
    return items


def _evidence_from_args(args) -> dict:
    evidence: dict = {}
    if getattr(args, "case", None):
        evidence.update(_read_case(args.case))
    if getattr(args, "age", None) is not None:
        evidence["age"] = args.age
    if getattr(args, "sex", None) is not None:
        evidence["sex"] = args.sex
    present = _split(getattr(args, "present", None), "--present")
    for f in present:
        evidence[f] = "present"
    for f in _split(getattr(args, "absent", None), "--absent"):
        if f in present:
            raise _UsageError(f"{f} is given both --present and --absent; keep one")
        evidence[f] = "absent"
    return evidence


def _age_arg(text: str):
    try:
        return int(text)
    except ValueError:
        return text  # an age band; validated by the model


def _add_evidence_args(p: argparse.ArgumentParser, *, flags: bool = True) -> None:
    p.add_argument("--case", help="JSON file holding one object of evidence")
    if flags:
        p.add_argument("--age", type=_age_arg, help="age in whole years (18-120) or an age band")
        p.add_argument("--sex", help="female or male")
        p.add_argument("--present", help="comma-separated findings that are present")
        p.add_argument("--absent", help="comma-separated findings that are absent")
    p.add_argument("--setting", default="primary_care", help="primary_care (default) or emergency")
    p.add_argument("--no-assume-complaint", action="store_true",
                   help="do not add low_back_pain=present when no presenting complaint is named")
    p.add_argument("--priors", help="knowledge-base directory (default: the shipped priors/)")


def _cmd_diagnose(args) -> int:
    from .model import load_model
    from .views import format_diagnosis

    from .conflict import red_flags

    model = load_model(args.setting, priors=args.priors)
    dx = model.diagnose(_evidence_from_args(args), assume_complaint=not args.no_assume_complaint)
    ev = dx.evidence  # the effective evidence, assumption included
    flags = red_flags(model, dx.posterior)
    why = model.explain(ev, assume_complaint=False)
    nxt = model.next_tests(ev, assume_complaint=False).frame.head(3)
    fit = model.conflict(ev, assume_complaint=False)
    if args.json:
        out = dx.to_dict()
        out["red_flags"] = flags.to_dict(orient="records")
        out["explanation"] = why.weights.to_dict(orient="records")
        out["pivotal_findings"] = why.pivotal.to_dict(orient="records")
        out["next_tests"] = nxt.to_dict(orient="records")
        out["conflict_bits"] = fit.conflict_bits
        out["conflict_flagged"] = fit.flagged
        print(json.dumps(out, indent=2, default=float))
    else:
        print(format_diagnosis(dx, red_flags=flags, explanation=why, next_tests=nxt, conflict=fit))
    return 0


def _cmd_findings(args) -> int:
    from .knowledge import load_knowledge
    from .views import format_findings

    kb = load_knowledge(args.priors)
    if args.json:
        out = {n.id: {"kind": n.kind, "group": n.group, "states": list(n.states), "label": n.label,
                      "definition": n.definition, "women_only": n.women_only} for n in kb.nodes.values()}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(format_findings(kb))
    return 0


def _cmd_validate(args) -> int:
    from .knowledge import load_knowledge

    kb = load_knowledge(args.directory)
    n_est = sum(p.is_estimate for p in kb.parameters.values())
    print(f"{kb.directory}: valid. {len(kb.nodes)} nodes, {len(kb.parameters)} numbers "
          f"({len(kb.parameters) - n_est} sourced, {n_est} estimates), {len(kb.references)} references.")
    return 0


def _cmd_batch(args) -> int:
    from .batch import run_batch

    return run_batch(args.input, args.output, setting=args.setting, priors=args.priors,
                     assume_complaint=not args.no_assume_complaint, chunk_size=args.chunk_size,
                     errors_path=args.errors, progress=True if args.progress else None)


def _cmd_report(args) -> int:
    from .model import load_model
    from .report import load_cases, write_cases_report, write_report

    if bool(args.case) == bool(args.cases):
        raise _UsageError("bayesnet report: give exactly one of --case CASE.json or --cases CASES.json")
    model = load_model(args.setting, priors=args.priors)
    if args.cases:
        paths = write_cases_report(model, load_cases(args.cases), args.out, progress=not args.quiet)
    else:
        evidence = _read_case(args.case)
        title = Path(args.case).stem.replace("_", " ")
        paths = write_report(model, evidence, args.out, title=title, assume_complaint=not args.no_assume_complaint,
                             progress=not args.quiet)
    for p in paths:
        print(p)
    return 0


def _cmd_export(args) -> int:
    from .export import export
    from .model import load_model

    path = export(load_model(args.setting, priors=args.priors), args.format, args.output)
    print(path)
    return 0


def _read_cases(path: str) -> list[dict]:
    """Cases from a JSON list or a CSV (columns = node ids, plus ``expected`` and optionally ``id``/``setting``)."""
    p = Path(path)
    if not p.is_file():
        raise _UsageError(f"cases file {path!r} not found")
    if p.suffix.lower() == ".csv":
        import pandas as pd

        try:
            frame = pd.read_csv(p, dtype=str)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise _UsageError(f"cases file {path!r} is not a readable CSV: {str(exc).splitlines()[0]}") from None
        if "expected" not in frame.columns:
            raise _UsageError(f"cases file {path!r} has no 'expected' column (a disease id or 'none' per row)")
        cases = []
        for i, row in frame.iterrows():
            meta = {k: row[k] for k in ("id", "setting", "expected") if k in frame.columns}
            ev = {k: v for k, v in row.items() if k not in meta and isinstance(v, str)}
            if "age" in ev:
                ev["age"] = _age_arg(ev["age"])
            cases.append({"id": meta.get("id", i + 2), "expected": meta["expected"], "evidence": ev,
                          **({"setting": meta["setting"]} if isinstance(meta.get("setting"), str) else {})})
        return cases
    from .report import load_cases

    cases = load_cases(path)
    for i, c in enumerate(cases):
        if "evidence" not in c or "expected" not in c:
            raise _UsageError(f"case {c.get('id', i)!r} in {path!r} needs 'evidence' and 'expected'")
    return cases


def _cmd_evaluate(args) -> int:
    from .model import load_model
    from .validation import evaluate

    cases = _read_cases(args.cases)
    ev = evaluate(load_model(args.setting, priors=args.priors), cases)  # a case naming its setting is scored there
    if args.json:
        out = {**ev.summary(), "cases_detail": ev.cases.reset_index().to_dict(orient="records"),
               "confusion": ev.confusion().to_dict()}
        print(json.dumps(out, indent=2, default=str))
    else:
        s = ev.summary()
        print(f"{s['cases']} cases: top-1 {s['top1']:.1%}, top-3 {s['top3']:.1%}, "
              f"Brier {s['brier']:.3f}, log loss {s['log_loss']:.3f}\n")
        print("Confusion (rows: expected, columns: ranked first)")
        print(ev.confusion().to_string())
        print("\nPer case")
        print(ev.cases[["expected", "top", "p_top", "p_expected", "rank"]].to_string(float_format=lambda v: f"{v:.3f}"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bayesnet", description="Differential diagnosis of low back pain with a Bayesian network.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("diagnose", help="posterior of the eight diseases for one patient")
    _add_evidence_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_diagnose)

    p = sub.add_parser("findings", help="list the node ids, states and definitions")
    p.add_argument("--json", action="store_true")
    p.add_argument("--priors", help="knowledge-base directory")
    p.set_defaults(func=_cmd_findings)

    p = sub.add_parser("validate", help="check a knowledge-base directory against the schema")
    p.add_argument("directory", nargs="?", default=None, help="default: the shipped priors/")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("batch", help="score a CSV (or Parquet) of cases")
    p.add_argument("input", help="CSV or Parquet file, one case per row, columns = node ids")
    p.add_argument("-o", "--output", required=True, help="output CSV or Parquet file")
    p.add_argument("--errors", help="where to write the bad rows (default: OUTPUT with .errors.csv)")
    p.add_argument("--chunk-size", type=int, default=50_000, help="rows read and scored at a time (memory bound)")
    p.add_argument("--progress", action="store_true",
                   help="show progress even when standard error is not a terminal (default: only on a terminal)")
    p.add_argument("--setting", default="primary_care")
    p.add_argument("--priors")
    p.add_argument("--no-assume-complaint", action="store_true")
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("export", help="write the network as XMLBIF, BIF or JSON")
    p.add_argument("--format", required=True, help="xmlbif, bif or json")
    p.add_argument("output", help="output file")
    p.add_argument("--setting", default="primary_care")
    p.add_argument("--priors")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("evaluate", help="score the model on cases with known diagnoses (JSON list or CSV)")
    p.add_argument("cases", help="JSON list of {evidence, expected} or CSV with an 'expected' column")
    p.add_argument("--json", action="store_true")
    p.add_argument("--setting", default="primary_care", help="for cases that do not name their setting")
    p.add_argument("--priors")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("report", help="write a sensitivity report (HTML, Markdown, CSV) for one case or many")
    _add_evidence_args(p, flags=False)
    p.add_argument("--cases", help="JSON list of cases: report which numbers matter most across them")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except BayesnetError as exc:
        message = str(exc).replace("\n", " ")
        print(f"bayesnet: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bayesnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `bayesnet findings | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
