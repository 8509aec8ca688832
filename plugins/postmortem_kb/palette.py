"""The site's colours, in one place: the stylesheet's variables and the charts' traces both come
from here, so a severity or a phase has the same colour on a card, in a table and in a chart."""

from __future__ import annotations

# Most severe first; levels beyond the fourth share the last colour.
SEVERITY = ("#c62828", "#ef6c00", "#f9a825", "#607d8b")
SEVERITY_DARK = ("#ef5350", "#ffa726", "#ffee58", "#90a4ae")  # mkdocs-material's slate scheme
PHASE = {"ttd": "#5c6bc0", "tta": "#26a69a", "ttdiag": "#ab47bc", "ttf": "#8d6e63"}
# Chart series that are not a severity or a phase.
ACCENT = {
    "median": "#212121",
    "p90": "#757575",
    "done": "#26a69a",
    "overdue": "#c62828",
    "users": "#5c6bc0",
    "tickets": "#ef6c00",
    "incidents": "#5c6bc0",
    "hours": "#8d6e63",
    "repeats": "#ab47bc",
    "rate": "#212121",
}


# On mkdocs-material's dark (slate) scheme kb.js redraws the charts with these in place of the light
# colours: near-black lines would vanish on a dark background. Mid-tone colours serve both schemes.
DARK_CHART = {
    **dict(zip(SEVERITY, SEVERITY_DARK, strict=True)),
    ACCENT["median"]: "#eeeeee",
    ACCENT["p90"]: "#bdbdbd",
}


def severity_colour(rank: int, *, dark: bool = False) -> str:
    """Colour of the rank-th configured severity level (0 = most severe)."""
    colours = SEVERITY_DARK if dark else SEVERITY
    return colours[min(max(rank, 0), len(colours) - 1)]


def stylesheet() -> str:
    """CSS custom properties kb.css reads (the plugin serves them at the top of kb.css)."""
    light = [f"--pmkb-sev-{n}: {c};" for n, c in enumerate(SEVERITY, 1)]
    light += [f"--pmkb-{name}: {c};" for name, c in PHASE.items()]
    dark = [f"--pmkb-sev-{n}: {c};" for n, c in enumerate(SEVERITY_DARK, 1)]
    # --pmkb-chart-<light hex>: kb.js looks each chart colour up here on the dark scheme.
    dark += [f"--pmkb-chart-{light.lstrip('#')}: {c};" for light, c in DARK_CHART.items()]
    return f':root {{ {" ".join(light)} }}\n[data-md-color-scheme="slate"] {{ {" ".join(dark)} }}\n'
