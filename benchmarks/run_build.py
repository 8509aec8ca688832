"""Run `mkdocs build` in this process and print its peak memory (KiB) as the last line.

Used by bench_build.py so that each build's peak RSS is its own, not the parent's.
"""

from __future__ import annotations

import resource
import sys

from mkdocs.__main__ import cli


def main() -> None:
    try:
        cli.main(args=["build", "--quiet", "--config-file", sys.argv[1]], standalone_mode=False)
    finally:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    main()
