"""Export the network for other tools: XMLBIF (pyAgrum, SamIam, ...), BIF (pgmpy, GeNIe), or JSON.

XMLBIF keeps every digit (pyAgrum reads it back to within 1e-15); BIF readers may round to float32.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .errors import BayesnetError, did_you_mean

__all__ = ["export", "FORMATS"]

FORMATS = ("xmlbif", "bif", "json")


def _json_network(model) -> dict:
    net = model.to_pgmpy()
    cpds = {}
    for cpd in net.get_cpds():
        var = cpd.variable
        parents = list(cpd.variables[1:])
        cpds[var] = {
            "states": list(cpd.state_names[var]),
            "parents": parents,
            "parent_states": {p: list(cpd.state_names[p]) for p in parents},
            # values[state][column]; columns enumerate parent states with the last parent varying fastest
            "values": np.asarray(cpd.get_values()).tolist(),
        }
    kb = model.kb
    return {
        "format": "bayesnet-json-1",
        "setting": model.setting,
        "nodes": {n.id: {"kind": n.kind, "label": n.label, "states": list(n.states)} for n in kb.nodes.values()},
        "cpds": cpds,
        "noisy_or": {f: {"parents": list(kb.parents[f]),
                         "links": {p: kb.parameters[f"link:{f}:{p}"].value for p in kb.parents[f]},
                         "leak_rows": {q.name: q.value for q in kb.parameters.values()
                                       if q.kind == "leak" and q.node == f}}
                     for f in kb.findings},
    }


def export(model, fmt: str, path) -> Path:
    """Write the model's network in ``fmt`` (xmlbif, bif or json) to ``path``."""
    if fmt not in FORMATS:
        raise BayesnetError(f"format {fmt!r} is not one of {', '.join(FORMATS)}.{did_you_mean(fmt, FORMATS)}")
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise BayesnetError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist")
    if fmt == "json":
        path.write_text(json.dumps(_json_network(model), indent=1), encoding="utf-8")
    elif fmt == "xmlbif":
        from pgmpy.readwrite import XMLBIFWriter

        writer = XMLBIFWriter(model.to_pgmpy())
        (writer.write if hasattr(writer, "write") else writer.write_xmlbif)(str(path))
    else:
        from pgmpy.readwrite import BIFWriter

        writer = BIFWriter(model.to_pgmpy())
        (writer.write if hasattr(writer, "write") else writer.write_bif)(str(path))
    return path
