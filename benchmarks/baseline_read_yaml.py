"""The floor `pmkb check` is measured against: read each file and YAML-parse its front matter.

Uses the same YAML loader as pmkb (libyaml when available) and does nothing else.
"""

from __future__ import annotations

import os
import sys

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


def main(root: str) -> int:
    count = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8-sig") as handle:
                text = handle.read()
            end = text.find("\n---\n", 4)
            yaml.load(text[4:end], Loader=Loader)
            count += 1
    print(f"{count} files read and parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
