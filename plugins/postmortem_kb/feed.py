"""An Atom feed of the newest postmortems, so that people can subscribe to new learnings.

Built from the records with ElementTree, which escapes every text and attribute it writes;
dated by the incidents themselves, so two builds of the same files give the same feed.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from urllib.parse import urljoin

from .pages.render import duration
from .records import Incident

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot hold, even escaped: ElementTree would write them and break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FEED_ENTRIES = 50  # the newest; older postmortems are on the incidents page


def atom_feed(
    incidents: Sequence[Incident],
    url_of: Callable[[str], str | None],
    *,
    title: str,
    site_url: str | None,
    feed_uri: str = "feed.xml",
) -> str:
    """The feed's XML. `url_of` maps a docs path to its site URL (relative to the site root); with a
    site_url every link is absolute, as feed readers need, else relative to the feed (at the root)."""
    base = site_url or ""
    newest = sorted(incidents, key=lambda i: (i.date, i.stem), reverse=True)[:FEED_ENTRIES]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", f"{title}: postmortems")
    _text(feed, "id", urljoin(base, feed_uri) if site_url else "urn:postmortem-kb:feed")
    _text(feed, "updated", _stamp(newest[0].date if newest else dt.date(1970, 1, 1)))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=urljoin(base, "./") if site_url else "./")
    _text(feed, "generator", "postmortem-kb")
    for incident in newest:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        href = urljoin(base, url_of(incident.src_uri) or "")
        _text(entry, "title", incident.title)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href)
        _text(entry, "id", href if site_url else f"urn:postmortem-kb:{incident.stem}")
        _text(entry, "updated", _stamp(incident.date))
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", ", ".join(incident.authors) or "unknown")
        for tag in (incident.severity, *incident.services):
            ET.SubElement(entry, f"{{{ATOM}}}category", term=_NOT_XML.sub("", tag))
        _text(entry, "summary", summary(incident))
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def summary(incident: Incident) -> str:
    causes = ", ".join(incident.root_causes)
    services = ", ".join(incident.services)
    return (
        f"{incident.severity} on {services}, {incident.date.isoformat()}: "
        f"{duration(incident.duration)} to recover; root cause {causes}. Status: {incident.status}."
    )


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = _NOT_XML.sub("", text)


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
