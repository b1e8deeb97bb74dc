"""Precedents: decided cases under `precedents/`, used as few-shot context, as the judge's unit
tests (`charter calibrate`) and as regression tests for the model (`charter test --precedents`).

The `P` rules (`_rules`) register when `charter.check` is imported, so that importing this
package (as `charter test` does at start-up) does not load every checker.
"""

from charter.precedent._import import OK_NOTE, from_examples, section_clauses
from charter.precedent._model import (
    PRECEDENT_DIR,
    VERDICTS,
    Precedent,
    PrecedentFormatError,
    deciding,
    load_precedents,
    precedent_files,
    read_precedent,
    sample_source,
    slug,
    write_precedent,
)
from charter.precedent._select import relevant

__all__ = [
    "OK_NOTE",
    "PRECEDENT_DIR",
    "VERDICTS",
    "Precedent",
    "PrecedentFormatError",
    "deciding",
    "from_examples",
    "load_precedents",
    "precedent_files",
    "read_precedent",
    "relevant",
    "sample_source",
    "section_clauses",
    "slug",
    "write_precedent",
]
