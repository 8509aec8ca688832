"""`pmkb new`: a postmortem file from the handbook template, never overwriting one."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from importlib import resources
from pathlib import Path
from string import Template


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "incident"


SCHEMA_PATH = "schema/postmortem.schema.json"  # where the plugin publishes the front-matter schema


def render(title: str, date: dt.date, severity: str, service: str, site_url: str | None = None) -> str:
    """The template filled in; with the site's URL, a yaml-language-server line lets editors
    (VS Code's YAML extension) complete and check the front matter against the published schema."""
    template = Template(resources.files("postmortem_kb").joinpath("templates/postmortem.md").read_text("utf-8"))
    schema = f"# yaml-language-server: $schema={site_url.rstrip('/')}/{SCHEMA_PATH}\n" if site_url else ""
    return template.substitute(
        schema_line=schema,
        title=title,
        # json.dumps gives a valid YAML double-quoted scalar for any title.
        title_yaml=json.dumps(title, ensure_ascii=False),
        date=date.isoformat(),
        severity=severity,
        service=service,
    )


def target_path(docs_dir: Path, title: str, date: dt.date) -> Path:
    return docs_dir / f"{date.isoformat()}-{slugify(title)}.md"


def write_new(path: Path, content: str) -> None:
    """Create `path` exclusively: raises FileExistsError instead of replacing anything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(content)
