"""Which system prompt `charter test` gives the model under test: `[test] system` or
`--system` is `compiled` (the spec's compiled prompt), `none`, or a file of the project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter.build._errors import BuildError
from charter.build._hash import text_hash
from charter.build._prompt import compile_system_prompt
from charter.build._settings import has_system_prompt
from charter.spec import Project

COMPILED = "compiled"
NONE = "none"


@dataclass(frozen=True, slots=True)
class TestSystemPrompt:
    """The system prompt a run sends, and how it was chosen."""

    mode: str
    """`compiled`, `none`, or the file's path as given."""
    text: str | None

    @property
    def sha256(self) -> str | None:
        return None if self.text is None else text_hash(self.text)

    def describe(self) -> str:
        """`compiled sha256:1a2b3c4d5e6f` or `none`, for reports."""
        return self.mode if self.sha256 is None else f"{self.mode} {self.sha256[:19]}"


def default_system_mode(project: Project) -> str:
    """`compiled` for a project with `[build.system-prompt]`, else `none`."""
    return COMPILED if has_system_prompt(project.config) else NONE


def system_prompt_for_test(project: Project, choice: str | None) -> TestSystemPrompt:
    """The system prompt for `choice` (None: the project's default). Raises `BuildError` for a
    file that cannot be read."""
    mode = choice or default_system_mode(project)
    if mode == NONE:
        return TestSystemPrompt(NONE, None)
    if mode == COMPILED:
        return TestSystemPrompt(COMPILED, compile_system_prompt(project).text)
    path = Path(project.spec.root) / mode
    if not path.is_file():
        raise BuildError(
            f"system prompt {mode!r}: no file {path}; give `compiled`, `none` or the path of a "
            "text file in the project ([test] system or --system)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BuildError(f"system prompt {path}: not UTF-8 text; save it as UTF-8") from None
    if not text.strip():
        raise BuildError(f"system prompt {path}: the file is empty; write the prompt, or use none")
    return TestSystemPrompt(mode, text)
