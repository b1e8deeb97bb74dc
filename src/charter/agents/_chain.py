"""The chain of command of instruction files: which files an agent reads when it works on a
path, lowest precedence first.

An agent reads every instruction file from the repository root down to the folder of the path
(the nearer file wins, so it comes later), and in each folder the generic `AGENTS.md` before
the file of its own tool (`CLAUDE.md` for Claude, `GEMINI.md` for Gemini, Cursor rules and
Copilot instructions), which wins over it. Scoped files (`globs`, `applyTo`) join the chain
only for the paths their patterns match; a Cursor rule that is neither always applied nor
scoped is loaded on request and is left out.
"""

from __future__ import annotations

from charter._glob import matches
from charter.agents._formats import GENERIC
from charter.spec import InstructionFile, Spec


def in_scope(folder: str, scope: str) -> bool:
    """Whether `folder` is `scope` or inside it."""
    return not scope or folder == scope or folder.startswith(f"{scope}/")


def applies(file: InstructionFile, path: str, *, folder: bool = False) -> bool:
    """Whether `file` governs `path` (a file, or a folder when `folder`)."""
    where = path if folder else path.rpartition("/")[0]
    if not in_scope(where, file.scope):
        return False
    if file.globs:
        if folder:
            return True  # a folder may hold files the patterns match
        inner = path[len(file.scope) + 1 :] if file.scope else path
        return any(matches(pattern, inner) for pattern in file.globs)
    return file.always


def chain_of_command(spec: Spec, path: str, tool: str | None = None) -> list[InstructionFile]:
    """The instruction files an agent (`tool`, or any when None) reads for `path`, lowest
    precedence first. `path` is a file; give a folder as `folder/`."""
    folder = path.endswith("/")
    target = path.rstrip("/")
    chosen = [
        file
        for file in spec.instruction_files
        if file.same_as is None
        and (tool is None or file.tool in (GENERIC, tool))
        and applies(file, target, folder=folder)
    ]
    return sorted(chosen, key=lambda f: (_depth(f.scope), f.tool != GENERIC, f.path))


def _depth(scope: str) -> int:
    return len(scope.split("/")) if scope else 0
