"""Plotly figures as JSON text that can sit inside an HTML element.

The site's pages hold each figure's JSON in a <template> and kb.js draws it: an inline
`Plotly.newPlot` would run before plotly.js has loaded and would not run again after
mkdocs-material's instant navigation.
"""

from __future__ import annotations

from typing import Any

import plotly.io as pio


def figure_json(fig: dict[str, Any]) -> str:
    """The figure as JSON with `<`, `>` and `&` written as JSON escapes, so the text can neither
    close the element that holds it nor form an HTML entity (the page checks this, then trusts it).
    plotly writes numpy arrays as base64 typed arrays, which plotly.js reads."""
    payload = str(pio.to_json(fig, validate=False, pretty=False, engine="json"))
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
