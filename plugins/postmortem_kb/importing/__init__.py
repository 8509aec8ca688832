"""`pmkb import`: postmortems written in the handbook's template without front matter ->
postmortems with front matter. Pure functions over text; only `batch.py` touches files."""

from .batch import Outcome, import_paths, source_files
from .convert import Conversion, convert_text
from .problems import ImportFailed, Problem

__all__ = ["Conversion", "ImportFailed", "Outcome", "Problem", "convert_text", "import_paths", "source_files"]
