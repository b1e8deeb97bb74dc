"""`charter.lock`: the resolved modules (alias, version, level, source, content hash), as TOML."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from charter.errors import SpecError
from charter.spec import Spec

LOCK_NAME = "charter.lock"
LOCK_VERSION = 1
_FIELDS = ("alias", "name", "version", "level", "source", "hash")


class LockError(SpecError):
    """The lock file cannot be read; the message names the file and the problem."""


def lock_entries(spec: Spec) -> list[dict[str, str]]:
    """One entry per imported module (not the project itself), sorted by alias."""
    entries = []
    for module in spec.modules:
        if not module.alias:
            continue
        entries.append(
            {
                "alias": module.alias,
                "name": module.name or "",
                "version": module.version or "",
                "level": module.level,
                "source": module.source,
                "hash": module.content_hash,
            }
        )
    return sorted(entries, key=lambda entry: entry["alias"])


def render_lock(entries: list[dict[str, str]]) -> str:
    lines = [
        "# charter.lock: the modules this spec was checked against.",
        "# Written by `charter lock`; commit it. Do not edit by hand.",
        f"lock-version = {LOCK_VERSION}",
    ]
    for entry in entries:
        lines += ["", "[[module]]"]
        lines += [f"{key} = {json.dumps(entry[key])}" for key in _FIELDS]
    return "\n".join(lines) + "\n"


def write_lock(spec: Spec) -> Path:
    """Write `charter.lock` in the project root and return its path."""
    path = Path(spec.root) / LOCK_NAME
    path.write_text(render_lock(lock_entries(spec)), encoding="utf-8")
    return path


def read_lock(path: Path) -> list[dict[str, str]]:
    """The entries of a lock file. Raises `LockError` when it is not a lock file."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LockError(f"{path}: not a readable lock file ({error})") from None
    modules = data.get("module", [])
    if not isinstance(modules, list) or not all(isinstance(m, dict) for m in modules):
        raise LockError(f"{path}: `module` must be an array of tables")
    return [{key: str(module.get(key, "")) for key in _FIELDS} for module in modules]


def lock_problems(spec: Spec) -> tuple[bool, list[str]]:
    """(missing, reasons it is stale). Both empty/False when the lock matches the modules, or
    when the spec imports nothing."""
    current = {entry["alias"]: entry for entry in lock_entries(spec)}
    path = Path(spec.root) / LOCK_NAME
    if not current:
        return False, []
    if not path.is_file():
        return True, []
    try:
        locked = {entry["alias"]: entry for entry in read_lock(path)}
    except LockError as error:
        return False, [str(error)]
    reasons = []
    for alias in sorted(current.keys() - locked.keys()):
        reasons.append(f"module `{alias}` is imported but not in the lock")
    for alias in sorted(locked.keys() - current.keys()):
        reasons.append(f"module `{alias}` is in the lock but no longer imported")
    for alias in sorted(current.keys() & locked.keys()):
        for key in ("version", "level", "source", "hash"):
            if current[alias][key] != locked[alias][key]:
                what = "content" if key == "hash" else key
                reasons.append(
                    f"module `{alias}`: {what} changed "
                    f"({locked[alias][key][:23]} in the lock, now {current[alias][key][:23]})"
                )
    return False, reasons
