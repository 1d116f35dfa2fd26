"""The sensitivity report: one self-contained HTML file (figures embedded), a Markdown twin and the CSV of every
one-way sensitivity, for one case or for many.

The analyses are computed first (:func:`build_report`), then rendered; no number is computed while rendering.
"""

from __future__ import annotations

import base64
import html
import io
import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import BayesnetError

__all__ = ["CaseReport", "build_report", "write_report", "write_cases_report", "SENSITIVITY_COLUMNS"]

#: The contract's columns of sensitivity.csv, in order (more follow them).
SENSITIVITY_COLUMNS = ["parameter", "value", "low", "high", "disease", "posterior", "posterior_at_low",
                       "posterior_at_high", "derivative"]


@dataclass
class CaseReport:
    """Everything a report shows for one case, computed."""

    title: str
    setting: str
    diagnosis: object
    intervals: pd.DataFrame
    explanation: object
    next_tests: pd.DataFrame
    mpe: pd.DataFrame
    conflict: object
    red_flags: pd.DataFrame
    one_way: object
    tornados: dict[str, pd.DataFrame]
    change: dict[str, pd.DataFrame]
    evidence_sensitivity: pd.DataFrame
    provenance: pd.DataFrame
    n_draws: int
    summary: dict = field(default_factory=dict)


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        sys.stderr.write(f"report: {message}\n")
        sys.stderr.flush()


def build_report(model, evidence: Mapping, *, title: str = "Case", assume_complaint: bool = True, n_draws: int = 2000,
                 seed: int = 20240611, progress: bool = False) -> CaseReport:
    """Run every analysis the report shows for one evidence set."""
    _progress(progress, "posterior, explanation, next tests")
    dx = model.diagnose(evidence, assume_complaint=assume_complaint)
    ev = dx.evidence
    explanation = model.explain(ev, assume_complaint=False)
    nt = model.next_tests(ev, costs="default", assume_complaint=False).frame
    mpe = model.mpe(ev, 5, assume_complaint=False).frame
    conflict = model.conflict(ev, assume_complaint=False)
    from .conflict import red_flags

    flags = red_flags(model, dx.posterior)
    _progress(progress, "one-way sensitivity of every parameter")
    sa = model.sensitivity(ev, assume_complaint=False)
    one_way = sa.one_way(progress=progress)
    _progress(progress, f"credible intervals from {n_draws:,} joint draws")
    intervals = sa.uncertainty(n_draws, rng=np.random.default_rng(seed)).to_frame()
    ranked = list(dx.ranked().index)
    leading = ranked[:3]
    tornados = {d: one_way.tornado(d, 12) for d in leading}
    _progress(progress, "what would change the conclusion")
    change = {}
    for d in ranked[1:3]:
        change[f"{model.label(d)} ranks first"] = sa.change_conclusion(d, first=True)
    for d, flag in model.kb.red_flags.items():
        if dx.posterior[d] < flag.threshold:
            change[f"{model.label(d)} reaches its red-flag threshold ({flag.threshold:.0%})"] = \
                sa.change_conclusion(d, threshold=flag.threshold)
    evs = sa.evidence_sensitivity()
    # provenance: the parameters with the widest swing on the leading diseases
    lead = one_way.frame[one_way.frame["disease"].isin(leading)]
    swing = (lead["posterior_at_high"] - lead["posterior_at_low"]).abs().groupby(lead["parameter"]).max()
    top_params = swing.sort_values(ascending=False).head(15)
    prov = []
    for name, sw in top_params.items():
        p = model.kb.parameters[name]
        refs = [model.kb.references[k] for k in p.sources]
        prov.append({"parameter": name, "value": p.value, "low": p.low, "high": p.high, "largest_swing": sw,
                     "source": "; ".join(r.citation for r in refs) if refs else "estimate",
                     "url": " ".join(r.url for r in refs), "rationale": p.rationale,
                     "where": f"{p.file}, row {p.row}"})
    n_est = sum(p.is_estimate for p in model.kb.parameters.values())
    summary = {"n_parameters": len(sa.parameters), "n_numbers": len(model.kb.parameters), "n_estimates": n_est}
    return CaseReport(title, model.setting, dx, intervals, explanation, nt, mpe, conflict, flags, one_way, tornados,
                      change, evs, pd.DataFrame(prov), n_draws, summary)


# ---- rendering ------------------------------------------------------------------------------------------------------

def _figure_png(draw, size=(8, 4)) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def _figures(rep: CaseReport, labels: dict) -> list[tuple[str, str, bytes]]:
    from . import plotting

    figs = [("posterior", "Posterior with credible intervals",
             _figure_png(lambda ax: plotting.plot_intervals(rep.intervals, labels=labels, level=0.95, ax=ax)))]
    for d, t in rep.tornados.items():
        h = 0.35 * max(len(t), 4) + 1.4
        figs.append((f"tornado_{d}", f"Tornado diagram: {labels[d]}",
                     _figure_png(lambda ax, t=t, d=d: plotting.plot_tornado(t, labels[d], ax=ax), (9, h))))
    top = rep.diagnosis.ranked().index[0]
    w = rep.explanation.for_disease(top)
    if len(w):
        figs.append(("weights", f"Weight of evidence: {labels[top]}",
                     _figure_png(lambda ax: plotting.plot_weights(w, labels[top], ax=ax),
                                 (8, 0.35 * max(len(w), 4) + 1.4))))
    return figs


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return ""
        return f"{v:.4g}"
    return str(v)


def _table_html(frame: pd.DataFrame, columns: list[str] | None = None, max_rows: int = 30) -> str:
    f = frame if columns is None else frame[columns]
    f = f.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in f.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
                   for row in f.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _table_md(frame: pd.DataFrame, columns: list[str] | None = None, max_rows: int = 30) -> str:
    f = frame if columns is None else frame[columns]
    f = f.head(max_rows)
    lines = ["| " + " | ".join(str(c) for c in f.columns) + " |", "|" + "---|" * len(f.columns)]
    for row in f.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v).replace("|", "/") for v in row) + " |")
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}td,th{border:1px solid #ddd;padding:3px 6px;
vertical-align:top}th{background:#f2f4f7;text-align:left}img{max-width:100%}.flag{background:#fde8e8;
border-left:4px solid #c0504d;padding:.4em .8em}.note{color:#555;font-size:.9em}
@media print{h2{page-break-after:avoid}img,table{page-break-inside:avoid}}
"""


def _sections(rep: CaseReport, model, figs: dict[str, tuple[str, bytes]]) -> list[tuple[str, list]]:
    """The report as (heading, blocks); a block is ('p', text), ('table', frame, cols), ('fig', key) or
    ('flag', text)."""
    dx = rep.diagnosis
    labels = dx.labels
    ev_rows = pd.DataFrame([{"finding": k, "label": model.label(k) if k in model.kb.nodes else k, "state": v,
                             "assumed": k in dx.assumed} for k, v in dx.evidence.items()])
    post = dx.to_frame().join(rep.intervals[["low", "high"]].rename(columns={"low": "ci_low", "high": "ci_high"}))
    post = post.reset_index()[["disease", "prior", "posterior", "ci_low", "ci_high"]]
    secs = []
    case_blocks = [("table", ev_rows, None)]
    if dx.assumed:
        case_blocks.append(("p", "Assumed: " + ", ".join(f"{k} = {v}" for k, v in dx.assumed.items())
                            + " (no presenting complaint was named)."))
    secs.append(("The case", case_blocks))
    blocks = []
    for r in rep.red_flags.itertuples(index=False):
        blocks.append(("flag", f"Red flag: {r.label} at {r.posterior:.1%} (threshold {r.threshold:.0%}). "
                               f"{r.rationale}"))
    blocks += [("table", post, None),
               ("p", f"None of the eight: {dx.none_of_the_eight:.1%}. Other spinal cause (degenerative disease, "
                     f"stenosis, fracture, metastasis; may coexist with the eight): {dx.other_causes.iloc[0]:.1%}."),
               ("p", f"Credible intervals: 95%, from {rep.n_draws:,} joint draws of every parameter that touches "
                     "this case (Beta distributions matched to each number's value and plausible range)."),
               ("fig", "posterior")]
    if rep.conflict.flagged:
        blocks.append(("flag", rep.conflict.message))
    else:
        blocks.append(("p", rep.conflict.message.capitalize() + "."))
    secs.append(("Differential diagnosis", blocks))
    w = rep.explanation.weights
    blocks = [("p", "Weight of evidence in bits: log2 P(finding | disease, other findings) / "
                    "P(finding | no disease, other findings). Positive argues for the disease.")]
    for d in w["disease"].unique():
        blocks.append(("p", f"{labels[d]} ({dx.posterior[d]:.1%}):"))
        blocks.append(("table", w[w["disease"] == d], ["label", "state", "weight_bits", "assumed"]))
    blocks.append(("fig", "weights"))
    if len(rep.explanation.pivotal):
        blocks.append(("p", "Single findings whose removal or flip changes the top diagnosis:"))
        blocks.append(("table", rep.explanation.pivotal, None))
    secs.append(("Why: the findings that drive the differential", blocks))
    cols = ["label", "p_present", "information_gain_bits", "p_top_changes", "cost", "gain_per_cost"]
    by_gain = rep.next_tests.sort_values("information_gain_bits", ascending=False, kind="stable")
    secs.append(("What next: the most informative findings to check", [
        ("p", "Most informative, whatever they cost:"),
        ("table", by_gain.head(6), cols),
        ("p", "Best value for effort (information gain / (1 + cost)): the questions and examinations worth doing first:"),
        ("table", rep.next_tests.head(6), cols),
        ("p", "Information gain: expected bits of uncertainty about the eight diseases removed by the finding; "
              "cost in relative units from priors/test_costs.csv (0 = a question, 100 = an MRI).")]))
    secs.append(("What together: the most probable combinations", [("table", rep.mpe, ["labels", "probability"])]))
    blocks = [("p", "Each diagram ranks the model's numbers by how far the posterior moves when the number goes from "
                    "the low to the high end of its plausible range (exact recomputation at both ends).")]
    for d in rep.tornados:
        blocks.append(("fig", f"tornado_{d}"))
    secs.append(("Sensitivity to the model's numbers", blocks))
    blocks = []
    for target, frame in rep.change.items():
        ach = frame[frame["achievable"]] if len(frame) else frame
        blocks.append(("p", f"Target: {target}. {len(ach)} single parameter(s) can achieve it within [0, 1]; "
                            f"{int(ach['within_range'].sum()) if len(ach) else 0} within their literature range."))
        if len(ach):
            blocks.append(("table", ach.head(10), ["parameter", "value", "low", "high", "value_needed",
                                                   "outside_range_by", "source"]))
    if not blocks:
        blocks.append(("p", "No alternative target applies."))
    secs.append(("What would change the conclusion", blocks))
    top = dx.ranked().index[0]
    es = rep.evidence_sensitivity
    es = es[es["disease"] == top] if len(es) else es
    secs.append(("Sensitivity to the evidence", [
        ("p", f"Posterior of {labels[top]} when each observed finding is removed or flipped:"),
        ("table", es, ["finding", "state", "action", "posterior", "posterior_after", "change"] if len(es) else None)]))
    secs.append(("Provenance of the most influential numbers", [
        ("table", rep.provenance, ["parameter", "value", "low", "high", "largest_swing", "source", "url",
                                   "rationale", "where"])]))
    s = rep.summary
    secs.append(("About the model", [("p", (
        f"bayesnet {_version()}, setting {rep.setting.replace('_', ' ')}. {s['n_numbers']} numbers in priors/, "
        f"{s['n_numbers'] - s['n_estimates']} with a literature source and {s['n_estimates']} expert estimates "
        f"with a rationale; {s['n_parameters']} of them are parameters of this setting. "
        "This report supports clinical reasoning and teaching; it is not a diagnosis."))]))
    return secs


def _version() -> str:
    from . import __version__

    return __version__


def render_html(rep: CaseReport, model) -> str:
    figs = {k: (cap, png) for k, cap, png in _figures(rep, rep.diagnosis.labels)}
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(rep.title)}</title>"
             f"<style>{_CSS}</style></head><body><h1>{html.escape(rep.title)}: differential and sensitivity report</h1>"]
    for heading, blocks in _sections(rep, model, figs):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for b in blocks:
            if b[0] == "p":
                parts.append(f"<p>{html.escape(b[1])}</p>")
            elif b[0] == "flag":
                parts.append(f"<p class='flag'>{html.escape(b[1])}</p>")
            elif b[0] == "table":
                parts.append(_table_html(b[1], b[2]))
            elif b[0] == "fig" and b[1] in figs:
                cap, png = figs[b[1]]
                data = base64.b64encode(png).decode("ascii")
                parts.append(f"<figure><img alt='{html.escape(cap)}' src='data:image/png;base64,{data}'>"
                             f"<figcaption class='note'>{html.escape(cap)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(rep: CaseReport, model, figure_dir: Path) -> str:
    figs = _figures(rep, rep.diagnosis.labels)
    figure_dir.mkdir(parents=True, exist_ok=True)
    names = {}
    for key, cap, png in figs:
        (figure_dir / f"{key}.png").write_bytes(png)
        names[key] = (cap, f"{figure_dir.name}/{key}.png")
    out = [f"# {rep.title}: differential and sensitivity report", ""]
    for heading, blocks in _sections(rep, model, {}):
        out += [f"## {heading}", ""]
        for b in blocks:
            if b[0] == "p":
                out += [b[1], ""]
            elif b[0] == "flag":
                out += [f"> **{b[1]}**", ""]
            elif b[0] == "table":
                out += [_table_md(b[1], b[2]), ""]
            elif b[0] == "fig" and b[1] in names:
                cap, path = names[b[1]]
                out += [f"![{cap}]({path})", ""]
    return "\n".join(out)


def sensitivity_frame(rep: CaseReport) -> pd.DataFrame:
    f = rep.one_way.frame
    return f[SENSITIVITY_COLUMNS + [c for c in f.columns if c not in SENSITIVITY_COLUMNS]]


def write_report(model, evidence: Mapping, out_dir, *, title: str = "Case", assume_complaint: bool = True,
                 progress: bool = False, n_draws: int = 2000) -> list[Path]:
    """Write ``report.html`` (self-contained), ``report.md`` (figures in ``figures/``) and ``sensitivity.csv``."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BayesnetError(f"cannot create output directory {str(out)!r}: {exc.strerror}") from None
    t0 = time.perf_counter()
    rep = build_report(model, evidence, title=title, assume_complaint=assume_complaint, progress=progress,
                       n_draws=n_draws)
    _progress(progress, "writing files")
    paths = [out / "report.html", out / "report.md", out / "sensitivity.csv"]
    paths[0].write_text(render_html(rep, model), encoding="utf-8")
    paths[1].write_text(render_markdown(rep, model, out / "figures"), encoding="utf-8")
    sensitivity_frame(rep).to_csv(paths[2], index=False)
    _progress(progress, f"done in {time.perf_counter() - t0:.1f} s")
    return paths


def write_cases_report(model, cases: list[Mapping], out_dir, *, progress: bool = False) -> list[Path]:
    """Report over many cases: the parameters that matter most across them, and each case's differential."""
    from .sensitivity import across_cases

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ranking = across_cases(model, cases, progress=progress)
    rows = []
    for i, c in enumerate(cases):
        case_model, evidence = model.for_case(c)
        p = case_model.posterior(evidence)
        rows.append({"case": c.get("id", i) if isinstance(c, Mapping) else i, "top": p.idxmax(),
                     "p_top": float(p.max()), "none_of_the_eight": p.attrs["none_of_the_eight"]})
    diffs = pd.DataFrame(rows)
    top = ranking.head(25).reset_index()
    body = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Sensitivity across cases</title>"
            f"<style>{_CSS}</style></head><body><h1>Which numbers matter most across {len(cases)} cases</h1>",
            "<p>For each parameter: the largest swing (posterior at its high minus at its low value, any disease), "
            "averaged over the cases and at its maximum. Better literature is worth most for the numbers on top.</p>",
            _table_html(top), "<h2>Each case</h2>", _table_html(diffs, max_rows=1000), "</body></html>"]
    paths = [out / "report.html", out / "across_cases.csv", out / "cases.csv"]
    paths[0].write_text("\n".join(body), encoding="utf-8")
    ranking.to_csv(paths[1])
    diffs.to_csv(paths[2], index=False)
    return paths


def load_cases(path) -> list[dict]:
    """A JSON list of cases (each an evidence object, or an object with ``evidence``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BayesnetError(f"cases file {str(path)!r} not found") from None
    except json.JSONDecodeError as exc:
        raise BayesnetError(f"cases file {str(path)!r} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
        raise BayesnetError(f"cases file {str(path)!r} must hold a JSON list of objects")
    return data
