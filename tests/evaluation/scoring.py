"""What the three evaluation scripts share: reading a part, confusion counts, the command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


def read_part(name: str, part: str) -> dict[str, Any]:
    """`<name>.<part>.yaml` beside this file, e.g. read_part("pairs", "dev")."""
    data: dict[str, Any] = yaml.safe_load((HERE / f"{name}.{part}.yaml").read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Confusion:
    """Counts of a yes/no judgement against labels; precision and recall are 1.0 when undefined."""

    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        said_yes = self.true_pos + self.false_pos
        return self.true_pos / said_yes if said_yes else 1.0

    @property
    def recall(self) -> float:
        labelled_yes = self.true_pos + self.false_neg
        return self.true_pos / labelled_yes if labelled_yes else 1.0


def command_line(
    doc: str | None,
    parts: Sequence[str],
    report: Callable[[str, bool], object],
    verbose_help: str,
    argv: list[str] | None,
) -> None:
    """`measure_x [part] [-v]`: report one part, or every part in turn."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", nargs="?", choices=parts, help="one part (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    args = parser.parse_args(argv)
    for part in [args.part] if args.part else parts:
        report(part, args.verbose)
