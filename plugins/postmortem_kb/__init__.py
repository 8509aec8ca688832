"""postmortem-kb: a git-native postmortem knowledge base (parser, rules, CLI, MkDocs plugin)."""

from .check import CheckResult, check_paths, check_text
from .findings import Finding
from .settings import Settings

__all__ = ["CheckResult", "Finding", "Settings", "check_paths", "check_text"]
