"""`pmkb init`: a ready knowledge-base repository, from the templates in templates/init/.

The repository passes `pmkb check` and `mkdocs build --strict` at once, with no postmortem yet.
Files that exist are kept, never overwritten. The tool is pinned to one commit of a Git URL (no
release exists yet), the same in requirements.txt (CI) and .pre-commit-config.yaml (the hook).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path, PurePosixPath

# Where postmortem-kb is published; `pmkb init --repo` names a fork or a mirror instead.
DEFAULT_REPOSITORY = "https://github.com/postmortem-kb/postmortem-kb"
DEFAULT_SITE_NAME = "Incident knowledge base"
DEFAULT_DOCS_DIR = "postmortems"

# template name -> path in the new repository ({docs_dir} filled in). Template names carry no
# leading dot: package data globs skip hidden files.
FILES: tuple[tuple[str, str], ...] = (
    ("mkdocs.yml", "mkdocs.yml"),
    ("index.md", "{docs_dir}/index.md"),
    ("tags.md", "{docs_dir}/tags.md"),
    ("README.md", "README.md"),
    ("requirements.txt", "requirements.txt"),
    ("postmortems-pr.yml", ".github/workflows/postmortems-pr.yml"),
    ("publish.yml", ".github/workflows/publish.yml"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("gitignore", ".gitignore"),
)
_SLOT = re.compile(r"\{\{pmkb\.(\w+)\}\}")


class InitError(Exception):
    """Options that cannot make a repository (exit code 2)."""


@dataclass(frozen=True)
class Options:
    repo: str  # Git URL of postmortem-kb
    rev: str  # the commit to pin
    site_name: str = DEFAULT_SITE_NAME
    site_url: str | None = None
    docs_dir: str = DEFAULT_DOCS_DIR

    def values(self) -> dict[str, str]:
        site_url = (
            f"site_url: {json.dumps(self.site_url.rstrip('/') + '/')}"
            if self.site_url
            else "# site_url: https://<owner>.github.io/<repository>/"
        )
        return {
            # json.dumps gives a valid YAML double-quoted scalar for any name
            "site_name": json.dumps(self.site_name, ensure_ascii=False),
            "site_title": self.site_name,
            "site_url": site_url,
            "docs_dir": self.docs_dir,
            "repo": self.repo,
            "rev": self.rev,
        }


def template(name: str) -> str:
    return resources.files("postmortem_kb").joinpath(f"templates/init/{name}").read_text("utf-8")


def render(name: str, options: Options) -> str:
    values = options.values()
    return _SLOT.sub(lambda m: values[m.group(1)], template(name))


@dataclass(frozen=True)
class Outcome:
    path: Path
    created: bool  # False: the file existed and was kept


def init_repository(root: Path, options: Options) -> list[Outcome]:
    _validate(options)
    outcomes = []
    for name, target in FILES:
        path = root / target.format(docs_dir=options.docs_dir)
        outcomes.append(Outcome(path, _write_new(path, render(name, options))))
    return outcomes


def _write_new(path: Path, content: str) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except FileExistsError:
        return False
    return True


def _validate(options: Options) -> None:
    docs = PurePosixPath(options.docs_dir)
    if not options.docs_dir or docs.is_absolute() or ".." in docs.parts or str(docs) == ".":
        raise InitError(f"--docs-dir {options.docs_dir!r} must be a folder inside the repository, e.g. postmortems")
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", options.rev):
        raise InitError(f"--rev {options.rev!r} is not a Git commit")
    if not re.fullmatch(r"(https?|ssh|git|file)://\S+|git@\S+", options.repo):
        raise InitError(f"--repo {options.repo!r} is not a Git URL (https://..., ssh://..., file://...)")
    if "\n" in options.site_name or not options.site_name.strip():
        raise InitError("--site-name must be one non-empty line")


def installed_source() -> tuple[str | None, str | None]:
    """(Git URL, commit) this pmkb was installed from, when pip installed it from Git (PEP 610's
    direct_url.json): the default pin of a new repository is the version that created it."""
    try:
        raw = metadata.distribution("postmortem-kb").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None, None
    try:
        info = json.loads(raw or "{}")
    except ValueError:
        return None, None
    vcs = info.get("vcs_info") if isinstance(info, dict) else None
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git":
        return None, None
    url, commit = info.get("url"), vcs.get("commit_id")
    return (url if isinstance(url, str) else None), (commit if isinstance(commit, str) else None)


def is_full_commit(rev: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{40}", rev) is not None
