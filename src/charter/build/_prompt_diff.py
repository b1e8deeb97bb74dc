"""How the compiled system prompt changes between two versions of a spec (`charter diff`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from charter.build._prompt import PromptOptions, compile_system_prompt
from charter.spec import Spec


@dataclass(frozen=True, slots=True)
class PromptDiff:
    """The two compiled prompts and a unified diff of their text."""

    old_sha256: str
    new_sha256: str
    old_tokens: int
    new_tokens: int
    unified: str
    """A unified diff (empty when the text is the same)."""

    @property
    def changed(self) -> bool:
        return self.old_sha256 != self.new_sha256

    def summary(self) -> str:
        if not self.changed:
            return f"unchanged ({self.new_sha256[:19]}, {self.new_tokens} tokens)"
        lines = self.unified.split("\n")
        added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
        removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
        return (
            f"{added} line(s) added, {removed} removed; {self.old_tokens} -> {self.new_tokens} "
            f"tokens ({self.old_sha256[:19]} -> {self.new_sha256[:19]})"
        )

    def text(self) -> str:
        """The section `charter diff` prints."""
        out = ["", "## Compiled system prompt", f"System prompt: {self.summary()}"]
        if self.unified:
            out += ["", self.unified.rstrip("\n")]
        return "\n".join(out) + "\n"

    def to_json(self) -> dict[str, object]:
        return {
            "changed": self.changed,
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
            "old_tokens": self.old_tokens,
            "new_tokens": self.new_tokens,
            "unified_diff": self.unified,
        }


def prompt_diff(
    old: Spec, new: Spec, options: PromptOptions, old_label: str, new_label: str
) -> PromptDiff:
    """Compile both sides with the same options and compare the text line by line."""
    before = compile_system_prompt(old, options)
    after = compile_system_prompt(new, options)
    unified = "".join(
        difflib.unified_diff(
            before.text.splitlines(keepends=True),
            after.text.splitlines(keepends=True),
            fromfile=f"{old_label} (system prompt)",
            tofile=f"{new_label} (system prompt)",
        )
    )
    return PromptDiff(before.sha256, after.sha256, before.tokens, after.tokens, unified)


def diff_config_root(new: str, path: str | None) -> str:
    """The folder whose charter.toml says how the prompt is compiled: the newer side when it is a
    folder or file on disk, else the spec folder in the working tree."""
    from pathlib import Path

    target = Path(new) if path is None and Path(new).exists() else Path(path or ".")
    return str(target if target.is_dir() else target.parent)


def diff_section(
    old: Spec, new: Spec, old_label: str, new_label: str, where: str, wanted: bool | None
) -> PromptDiff | None:
    """The prompt diff when `wanted` (None: when `where`'s charter.toml builds a system prompt),
    compiled with that project's `[build.system-prompt]` options."""
    from pathlib import Path

    from charter.build._settings import has_system_prompt, prompt_options
    from charter.spec import load_config

    config = load_config(Path(where))
    if wanted is None:
        wanted = has_system_prompt(config)
    if not wanted:
        return None
    return prompt_diff(old, new, prompt_options(config), old_label, new_label)


def diff_output(
    old: str, new: str, path: str | None, output_format: str, prompt: bool | None
) -> str:
    """`charter diff`: the clause-by-clause diff of two sides (folders, files or git revisions
    of `path`) as text or JSON, with the compiled system prompt's changes (`prompt` None: when
    the newer side's charter.toml builds one)."""
    import json

    from charter.version import diff_sides, render_json, render_text

    diff = diff_sides(old, new, None if path is None else Path(path))
    changes = diff_section(diff.old, diff.new, old, new, diff_config_root(new, path), prompt)
    if output_format == "json":
        data = json.loads(render_json(diff, old, new))
        if changes is not None:
            data["system_prompt"] = changes.to_json()
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return render_text(diff, old, new) + (changes.text() if changes is not None else "")
