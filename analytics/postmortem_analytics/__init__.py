"""postmortem-kb analytics: pandas frames, incident metrics and plotly charts.

No MkDocs import: usable from a notebook::

    from postmortem_analytics import load_incidents, incidents_frame, mttr_summary
    incidents = load_incidents("postmortems")
    mttr_summary(incidents_frame(incidents), by="quarter")
"""

from .frames import action_items_frame, incidents_frame, load_incidents
from .metrics import SMALL_SAMPLE, duration_summary, mttr_summary

__all__ = [
    "SMALL_SAMPLE",
    "action_items_frame",
    "duration_summary",
    "incidents_frame",
    "load_incidents",
    "mttr_summary",
]
