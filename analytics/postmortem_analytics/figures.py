"""Plotly figures as JSON text that can sit inside an HTML element.

The site's pages hold each figure's JSON in a <template> and kb.js draws it: an inline
`Plotly.newPlot` would run before plotly.js has loaded and would not run again after
mkdocs-material's instant navigation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.io as pio

DIGITS = 4  # significant digits of a float in a chart: more than a reader can see on the axis or hover


def figure_json(fig: dict[str, Any]) -> str:
    """The figure as JSON with `<`, `>` and `&` written as JSON escapes, so the text can neither
    close the element that holds it nor form an HTML entity (the page checks this, then trusts it).
    Floats are rounded to DIGITS significant digits (a computed axis range had 17), and an empty
    `template` (plotly.js has no template of its own to replace) is left out."""
    layout = {k: v for k, v in fig.get("layout", {}).items() if not (k == "template" and not v)}
    fig = {**fig, "data": _rounded(fig.get("data", [])), "layout": _rounded(layout)}
    payload = str(pio.to_json(fig, validate=False, pretty=False, engine="json"))
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return [None if x != x else float(f"{x:.{DIGITS}g}") for x in value.tolist()]  # x != x: NaN
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value
