"""Spec modules: imports, namespaced ids, the lock file and overrides along the chain of command.

A project imports modules with `imports:` in its front matter (or `[spec] imports` in
charter.toml); `load_project` composes them, so `legal:refund-limit` is the `refund-limit` clause
of the module imported as `legal`.

from charter.compose import write_lock, lock_problems, evaluate_overrides
"""

from charter.compose import _rules as rules
from charter.compose._compose import compose_imports, module_hash
from charter.compose._imports import ImportEntry, ImportEntryError, parse_import
from charter.compose._listing import lock_lines, module_lines
from charter.compose._lock import LOCK_NAME, LockError, lock_entries, lock_problems, write_lock
from charter.compose._namespace import qualified
from charter.compose._overrides import (
    DEFAULT_AUTHORITY,
    Override,
    OverrideReport,
    describe,
    effective_authority,
    evaluate_overrides,
    module_of,
)
from charter.compose._resolve import ENTRY_POINT_GROUP, spec_entry_points

__all__ = [
    "DEFAULT_AUTHORITY",
    "ENTRY_POINT_GROUP",
    "LOCK_NAME",
    "ImportEntry",
    "ImportEntryError",
    "LockError",
    "Override",
    "OverrideReport",
    "compose_imports",
    "describe",
    "effective_authority",
    "evaluate_overrides",
    "lock_entries",
    "lock_lines",
    "lock_problems",
    "module_hash",
    "module_lines",
    "module_of",
    "parse_import",
    "qualified",
    "rules",
    "spec_entry_points",
    "write_lock",
]
