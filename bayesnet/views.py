"""Plain-text views of results for the terminal (no computation here)."""

from __future__ import annotations

from .knowledge import KnowledgeBase

__all__ = ["format_diagnosis", "format_findings"]

_GROUP_TITLES = {
    "demographics": "Demographics",
    "diseases": "Diseases",
    "other_causes": "Other causes (outside the eight)",
    "complaint": "Presenting complaint",
    "history": "History",
    "examination": "Examination",
    "laboratory": "Laboratory",
    "imaging": "Imaging",
}


def _bar(p: float, width: int = 30) -> str:
    n = int(round(p * width))
    return "#" * n + "." * (width - n)


def format_diagnosis(dx, *, red_flags=None, explanation=None, next_tests=None, conflict=None) -> str:
    """The differential as an aligned table, most probable first, with red flags, the top reasons, the next tests
    and the fit of the findings when they are given."""
    lines = []
    ev = ", ".join(f"{k}={v}" for k, v in dx.evidence.items()) or "(none)"
    lines.append(f"Evidence ({dx.setting.replace('_', ' ')}): {ev}")
    if dx.assumed:
        lines.append("Assumed: " + ", ".join(f"{k}={v}" for k, v in dx.assumed.items())
                     + " (no presenting complaint named; use --no-assume-complaint to turn this off)")
    lines.append("")
    width = max(len(dx.labels[d]) for d in dx.posterior.index)
    lines.append(f"{'Disease':<{width}}  {'Prior':>7}  {'Posterior':>9}")
    for d, p in dx.ranked().items():
        lines.append(f"{dx.labels[d]:<{width}}  {dx.prior[d]:>7.2%}  {p:>9.2%}  {_bar(p)}")
    lines.append("")
    lines.append(f"{'None of the eight':<{width}}  {'':>7}  {dx.none_of_the_eight:>9.2%}")
    for c, p in dx.other_causes.items():
        lines.append(f"{dx.labels[c]}: {p:.2%} (outside the eight; may coexist with them)")
    lines.append("")
    if red_flags is not None and len(red_flags):
        for r in red_flags.itertuples(index=False):
            lines.append(f"RED FLAG: {r.label} {r.posterior:.1%} (flagged from {r.threshold:.0%}: must not be missed)")
        lines.append("")
    if explanation is not None and len(explanation.weights):
        top = dx.ranked().index[0]
        w = explanation.for_disease(top).head(4)
        lines.append(f"Top reasons for {dx.labels[top]} (weight of evidence, bits):")
        for r in w.itertuples(index=False):
            lines.append(f"  {r.weight_bits:+6.2f}  {r.label} = {r.state}")
        lines.append("")
    if next_tests is not None and len(next_tests):
        lines.append("Most informative next findings:")
        for r in next_tests.itertuples(index=False):
            lines.append(f"  {r.label} ({r.information_gain_bits:.2f} bits; P(present) {r.p_present:.0%})")
        lines.append("")
    if conflict is not None and conflict.flagged:
        lines.append(f"Note: {conflict.message}")
        lines.append("")
    lines.append("Decision support only: these are model probabilities, not a diagnosis.")
    return "\n".join(lines)


def format_findings(kb: KnowledgeBase) -> str:
    """Every node grouped as in the catalogue, with its states and definition."""
    groups: dict[str, list] = {}
    for node in kb.nodes.values():
        groups.setdefault(node.group, []).append(node)
    lines = []
    for group, nodes in groups.items():
        lines.append(_GROUP_TITLES.get(group, group.title()))
        for n in nodes:
            states = "/".join(n.states)
            extra = " [women only]" if n.women_only else ""
            lines.append(f"  {n.id:<30} {states:<22} {n.definition}{extra}")
        lines.append("")
    return "\n".join(lines).rstrip()
