"""An interactive explorer for Jupyter: ``bayesnet.notebook.explore(model)``.

The state and the answers live in :class:`ExplorerState`, which is plain Python and tested without a browser; the
widgets (ipywidgets, the ``[notebook]`` extra) only display it and forward clicks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .errors import BayesnetError

__all__ = ["Explorer", "ExplorerState", "ExplorerView", "explore"]

_GROUPS = ("complaint", "history", "examination", "laboratory", "imaging")


@dataclass
class ExplorerView:
    """What the explorer shows for the current state."""

    diagnosis: object
    red_flags: object
    next_tests: object
    error: str | None = None


@dataclass
class ExplorerState:
    """Age, sex and each finding present / absent / unknown, and the answers for them."""

    model: object
    age: int | None = None
    sex: str | None = None
    findings: dict[str, str] = field(default_factory=dict)

    def groups(self) -> dict[str, list[str]]:
        """Finding ids grouped like the catalogue."""
        out: dict[str, list[str]] = {g: [] for g in _GROUPS}
        for f in self.model.findings:
            out.setdefault(self.model.kb.nodes[f].group, []).append(f)
        return out

    def set(self, node: str, value) -> None:
        """Set ``age`` (years or None), ``sex`` or a finding ("present", "absent" or "unknown")."""
        if node == "age":
            self.age = None if value in (None, "", "unknown") else int(value)
        elif node == "sex":
            self.sex = None if value in (None, "", "unknown") else value
        elif node in self.model.findings:
            if value in (None, "unknown"):
                self.findings.pop(node, None)
            elif value in ("present", "absent"):
                self.findings[node] = value
            else:
                raise BayesnetError(f"{node}: {value!r} is not present, absent or unknown")
        else:
            raise self.model.encoder.unknown_node(node)

    def evidence(self) -> dict:
        ev = dict(self.findings)
        if self.age is not None:
            ev["age"] = self.age
        if self.sex is not None:
            ev["sex"] = self.sex
        return ev

    def view(self) -> ExplorerView:
        """The differential, red flags and the three best next findings; an error message instead of a crash."""
        ev = self.evidence()
        try:
            dx = self.model.diagnose(ev)
            from .conflict import red_flags

            flags = red_flags(self.model, dx.posterior)
            nt = self.model.next_tests(ev).frame.head(3)
            return ExplorerView(dx, flags, nt)
        except BayesnetError as exc:
            return ExplorerView(None, None, None, str(exc))


class Explorer:
    """The explorer's widgets around an :class:`ExplorerState`: age, sex, one present / absent / unknown switch per
    finding in tabs grouped like the catalogue, and an output that shows the differential, red flags and the best
    next findings after every click. ``controls`` maps "age", "sex" and each finding id to its widget."""

    def __init__(self, model, *, age: int | None = None, sex: str | None = None):
        try:
            import ipywidgets as w
        except ImportError:
            raise BayesnetError("the explorer needs ipywidgets: pip install 'bayesnet[notebook]'") from None
        self.model = model
        self.state = ExplorerState(model)
        self.output = w.HTML()
        self.controls: dict[str, object] = {
            "age": w.BoundedIntText(value=age or 45, min=18, max=120, description="Age"),
            "sex": w.ToggleButtons(options=["female", "male", "unknown"], value=sex or "unknown", description="Sex"),
        }
        tabs, titles = [], []
        for group, ids in self.state.groups().items():
            rows = []
            for f in ids:
                tb = w.ToggleButtons(options=["unknown", "present", "absent"], value="unknown",
                                     description=model.label(f)[:38], style={"description_width": "260px"})
                self.controls[f] = tb
                rows.append(tb)
            tabs.append(w.VBox(rows))
            titles.append(group.title())
        for node, control in self.controls.items():
            self.state.set(node, control.value)
            control.observe(lambda change, node=node: self._on_change(node, change["new"]), names="value")
        tab = w.Tab(children=tabs)
        for i, t in enumerate(titles):
            tab.set_title(i, t)
        self.widget = w.VBox([w.HBox([self.controls["age"], self.controls["sex"]]), tab, self.output])
        self.refresh()

    def _on_change(self, node: str, value) -> None:
        self.state.set(node, value)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the answers for the current state and show them (an error message instead of a crash)."""
        v = self.state.view()
        if v.error:
            self.output.value = f"<p style='color:#c0504d'><b>{html.escape(v.error)}</b></p>"
            return
        flags = "".join(f"<p style='background:#fde8e8;padding:4px'>Red flag: {html.escape(r.label)} {r.posterior:.1%}</p>"
                        for r in v.red_flags.itertuples())
        nxt = "".join(f"<li>{html.escape(r.label)} ({r.information_gain_bits:.2f} bits)</li>"
                      for r in v.next_tests.itertuples())
        self.output.value = flags + v.diagnosis._repr_html_() + f"<p>Check next:</p><ol>{nxt}</ol>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explore(model, *, age: int | None = None, sex: str | None = None) -> Explorer:
    """Show the interactive explorer (needs ipywidgets: pip install 'bayesnet[notebook]') and return it; its
    ``state`` holds the evidence clicked so far."""
    explorer = Explorer(model, age=age, sex=sex)
    try:
        from IPython.display import display
    except ImportError:
        return explorer
    display(explorer.widget)
    return explorer
