"""Plotly figures as inert HTML: a container holding the figure's JSON, drawn by kb.js.

No inline script runs: an inline `Plotly.newPlot` would run before plotly.js has
loaded and would not run again after mkdocs-material's instant navigation.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio


def figure_html(fig: go.Figure, name: str, *, compact: bool = False) -> str:
    payload = pio.to_json(fig, validate=False, pretty=False, engine="json")
    # JSON inside <script type="application/json">: `<` escaped so no text can close the element.
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    size = " pmkb-chart--compact" if compact else ""
    return (
        f'<div class="pmkb-chart{size}" data-pmkb-chart="{name}">'
        f'<script type="application/json">{payload}</script></div>'
    )
