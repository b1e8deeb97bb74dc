"""The `[lint]` table of charter.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from charter._shown import written
from charter.spec import CONFIG_NAME, SpecLoadError, load_config

MODAL_STYLES = ("model-spec", "rfc2119")


@dataclass(frozen=True, slots=True)
class LintConfig:
    """How the linter reads this project.

    `modal-style`: `model-spec` (lower-case must/should, the default) or `rfc2119` (MUST/SHOULD).
    `allow`: words and phrases never to flag (`allow = ["reasonable"]`).
    """

    modal_style: str = "model-spec"
    allow: frozenset[str] = field(default_factory=frozenset)


def lint_config(raw: object, source: str = CONFIG_NAME) -> LintConfig:
    """Validate a `[lint]` table. Raises `SpecLoadError` with one line on a bad value."""
    if raw is None:
        return LintConfig()
    if not isinstance(raw, dict):
        raise SpecLoadError(
            f"{source}: [lint] must be a table", 'e.g. [lint] modal-style = "rfc2119"'
        )
    unknown = sorted(set(raw) - {"modal-style", "allow"})
    if unknown:
        raise SpecLoadError(
            f"{source}: [lint] has unknown key `{unknown[0]}`", "the keys are modal-style, allow"
        )
    style = raw.get("modal-style", "model-spec")
    if style not in MODAL_STYLES:
        raise SpecLoadError(
            f'{source}: [lint] modal-style must be "model-spec" or "rfc2119", not {written(style)}',
            "model-spec writes must/should, rfc2119 writes MUST/SHOULD",
        )
    allow = raw.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(item, str) for item in allow):
        raise SpecLoadError(
            f"{source}: [lint] allow must be a list of strings", 'e.g. allow = ["reasonable"]'
        )
    return LintConfig(str(style), frozenset(" ".join(item.lower().split()) for item in allow))


def project_lint_config(root: str | Path) -> LintConfig:
    """The `[lint]` settings of the project at `root` (defaults when it has no charter.toml)."""
    config = load_config(Path(root))
    source = str(config.config_file) if config.config_file else CONFIG_NAME
    return lint_config(config.raw.get("lint"), source)
