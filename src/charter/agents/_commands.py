"""Commands named in instructions, checked against the repository: scripts, make targets,
just recipes and package.json scripts. Commands of installed tools are not checked."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

_RUNNERS = {"npm": "run", "pnpm": "run", "yarn": None, "bun": "run"}
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9][\w./-]*)\s*:(?!=)", re.MULTILINE)
_JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*)(?:\s+[^:=\n]*)?:(?!=)", re.MULTILINE)
_SCRIPT_RUNNERS = ("bash", "sh", "zsh", "python", "python3", "node", "uv run", "deno run")
_JUSTFILES = ("justfile", "Justfile", ".justfile")
_YARN_BUILTINS = frozenset({"install", "add", "remove", "upgrade", "init", "dlx", "why", "info"})


def missing_command(
    span: str, folder: str, root: Path, exists: Callable[[str, str], bool]
) -> str | None:
    """What is missing for the command `span` (written in a file in `folder`), or None when it
    is no checkable command or everything it names exists."""
    try:
        words = shlex.split(span)
    except ValueError:
        return None
    if not words:
        return None
    head = words[0]
    if head.startswith("./") and len(words[0]) > 2 and not exists(head, folder):
        return f"`{span}` runs `{head}`, which is not a file of the repository"
    for runner in _SCRIPT_RUNNERS:
        parts = runner.split()
        if words[: len(parts)] == parts and len(words) > len(parts):
            script = words[len(parts)]
            if "/" in script and not script.startswith("-") and not exists(script, folder):
                return f"`{span}` runs `{script}`, which is not a file of the repository"
            return None
    if head == "make" and len(words) > 1 and not words[1].startswith("-"):
        return _missing_target(span, words[1], _targets(root, "Makefile", _MAKE_TARGET), "make")
    if head == "just" and len(words) > 1 and not words[1].startswith("-"):
        found = [_targets(root, name, _JUST_RECIPE) for name in _JUSTFILES]
        recipes = None if all(item is None for item in found) else set().union(*filter(None, found))
        return _missing_target(span, words[1], recipes, "just")
    if head in _RUNNERS and len(words) > 1:
        verb = _RUNNERS[head]
        if verb is not None and words[1] != verb:
            return None
        name = words[2] if verb is not None and len(words) > 2 else words[1]
        if (verb is None and name in _YARN_BUILTINS) or name.startswith("-"):
            return None
        return _missing_target(span, name, _package_scripts(root), f"{head} run")
    return None


def _missing_target(span: str, name: str, known: set[str] | None, tool: str) -> str | None:
    if known is None:
        return f"`{span}` needs a {_file_for(tool)}, and the repository has none"
    if name in known:
        return None
    return f"`{span}`: no `{name}` in any {_file_for(tool)} of the repository"


def _file_for(tool: str) -> str:
    if tool == "make":
        return "Makefile"
    if tool == "just":
        return "justfile"
    return "package.json `scripts`"


def forget_files() -> None:
    """Forget the files found so far (the repository may have changed)."""
    _all_named.cache_clear()


@lru_cache(maxsize=64)
def _all_named(root: Path, name: str) -> tuple[Path, ...]:
    """Every file called `name` in the repository (outside skipped folders)."""
    from charter.agents._discover import SKIPPED_FOLDERS

    found = []
    for path in root.rglob(name):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(part in SKIPPED_FOLDERS for part in parts):
            found.append(path)
    return tuple(found)


def _targets(root: Path, name: str, pattern: re.Pattern[str]) -> set[str] | None:
    files = _all_named(root, name)
    if not files:
        return None
    found: set[str] = set()
    for path in files:
        try:
            found.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return found


def _package_scripts(root: Path) -> set[str] | None:
    files = _all_named(root, "package.json")
    if not files:
        return None
    found: set[str] = set()
    for path in files:
        try:
            scripts = json.loads(path.read_text(encoding="utf-8")).get("scripts", {})
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(scripts, dict):
            found.update(str(key) for key in scripts)
    return found
