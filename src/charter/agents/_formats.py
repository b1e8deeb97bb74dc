"""Which files are instructions for coding agents, and which tool each one speaks to.

The formats and where they live:

- `AGENTS.md` (any folder): read by most agents; the generic file.
- `CLAUDE.md`, `CLAUDE.local.md` (any folder): Claude Code.
- `GEMINI.md` (any folder): Gemini CLI.
- `.cursorrules` (any folder) and `.cursor/rules/*` (`.mdc` with front matter `description`,
  `globs`, `alwaysApply`; `.md`; or no extension): Cursor.
- `.github/copilot-instructions.md` and `.github/instructions/*.instructions.md` (front matter
  `applyTo`): GitHub Copilot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class AgentFormat:
    """One kind of instruction file."""

    name: str
    tool: str
    """`generic` (every agent reads it) or the one tool that does: claude, gemini, cursor,
    copilot."""
    front_matter: bool = False
    """Whether the format has a front matter block that scopes it (`globs`, `applyTo`)."""


AGENTS_MD = AgentFormat("agents-md", GENERIC)
CLAUDE_MD = AgentFormat("claude-md", "claude")
GEMINI_MD = AgentFormat("gemini-md", "gemini")
CURSOR_RULE = AgentFormat("cursor-rule", "cursor", front_matter=True)
CURSORRULES = AgentFormat("cursorrules", "cursor")
COPILOT = AgentFormat("copilot-instructions", "copilot")
COPILOT_SCOPED = AgentFormat("copilot-scoped-instructions", "copilot", front_matter=True)

FORMATS = (AGENTS_MD, CLAUDE_MD, GEMINI_MD, CURSOR_RULE, CURSORRULES, COPILOT, COPILOT_SCOPED)
TOOLS = ("claude", "gemini", "cursor", "copilot")

_BY_NAME = {
    "AGENTS.md": AGENTS_MD,
    "CLAUDE.md": CLAUDE_MD,
    "CLAUDE.local.md": CLAUDE_MD,
    "GEMINI.md": GEMINI_MD,
    ".cursorrules": CURSORRULES,
}
_CURSOR_SUFFIXES = ("", ".mdc", ".md")


def format_of(path: str | PurePosixPath) -> AgentFormat | None:
    """The format of the file at `path` (relative or absolute, `/`-separated), or None."""
    pure = PurePosixPath(path)
    parts = pure.parts
    name = pure.name
    if name in _BY_NAME:
        return _BY_NAME[name]
    folder = parts[:-1]
    if len(folder) >= 2 and folder[-2:] == (".cursor", "rules"):
        if not name.startswith(".") and pure.suffix.lower() in _CURSOR_SUFFIXES:
            return CURSOR_RULE
        return None
    if pure.suffix.lower() == ".mdc" and ".cursor" in folder:
        return CURSOR_RULE  # nested rule folders: .cursor/rules/frontend/x.mdc, docs/.cursor/x.mdc
    if folder and folder[-1] == ".github" and name == "copilot-instructions.md":
        return COPILOT
    if (
        len(folder) >= 2
        and folder[-2:] == (".github", "instructions")
        and name.endswith(".instructions.md")
    ):
        return COPILOT_SCOPED
    return None


def scope_folder(path: str) -> str:
    """The folder whose files the instructions at `path` govern (`""` for the root).

    A file applies to the folder it sits in, except that Cursor rules and Copilot instructions
    (`.cursor/rules/...`, `.github/...`) speak for the folder that holds `.cursor` or `.github`
    (an `AGENTS.md` in `.github/workflows/` governs that folder only).
    """
    parts = PurePosixPath(path).parts[:-1]
    kind = format_of(path)
    markers = {CURSOR_RULE.name: ".cursor", COPILOT.name: ".github", COPILOT_SCOPED.name: ".github"}
    marker = markers.get(kind.name) if kind is not None else None
    if marker is not None and marker in parts:
        parts = parts[: len(parts) - 1 - parts[::-1].index(marker)]
    return "/".join(parts)
