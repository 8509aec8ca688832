"""Plotly figures as inert HTML: a container holding the figure's JSON, drawn by kb.js.

No inline script runs: an inline `Plotly.newPlot` would run before plotly.js has
loaded and would not run again after mkdocs-material's instant navigation. The JSON
sits in a <template>, not a <script type="application/json">: instant navigation
re-creates every <script> of the new page without its type and runs the JSON as code.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio


def figure_html(fig: go.Figure, name: str, *, compact: bool = False) -> str:
    payload = pio.to_json(fig, validate=False, pretty=False, engine="json")
    # `<`, `>` and `&` as JSON escapes: the text can neither close the element nor form an entity.
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    size = " pmkb-chart--compact" if compact else ""
    return (
        f'<div class="pmkb-chart{size}" data-pmkb-chart="{name}" data-search-exclude>'
        f"<template>{payload}</template></div>"
    )
