"""Building judges from charter.toml `[judge]` and `[models]`: templates, shots, providers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charter.grade._calibrate import spec_contexts
from charter.grade._spec_judge import SpecJudge, Templates
from charter.model import Provider, get_provider
from charter.precedent import Precedent
from charter.spec import ProjectConfig, Spec

TEMPLATE_KEYS = {
    "template": "full",
    "short-template": "short",
    "pair-template": "pair",
    "pair-short-template": "pair_short",
}


class JudgeSetupError(ValueError):
    """charter.toml `[judge]` cannot be used (one line, exit 2)."""


def _where(config: ProjectConfig) -> str:
    return str(config.config_file or Path(config.root) / "charter.toml")


def judge_settings(config: ProjectConfig) -> dict[str, Any]:
    raw = config.raw.get("judge", {})
    if not isinstance(raw, dict):
        raise JudgeSetupError(f"{_where(config)}: [judge] must be a table")
    known = {*TEMPLATE_KEYS, "shots", "mode"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise JudgeSetupError(
            f"{_where(config)}: [judge] has no setting `{unknown[0]}` "
            f"(settings: {', '.join(sorted(known))})"
        )
    return raw


def templates(config: ProjectConfig) -> Templates:
    """The shipped templates, with any file named in `[judge]` in place of its default."""
    raw = judge_settings(config)
    overrides: dict[str, Path] = {}
    for key, field in TEMPLATE_KEYS.items():
        if key in raw:
            path = Path(config.root) / str(raw[key])
            if not path.is_file():
                raise JudgeSetupError(f"{_where(config)}: [judge] {key}: no file {path}")
            overrides[field] = path
    return Templates.load(overrides)


def provider_for(spec: str, config: ProjectConfig) -> Provider:
    return get_provider(spec, **config.provider_options(spec))


def build_judge(
    grader: str, spec: Spec, config: ProjectConfig, precedents: Sequence[Precedent]
) -> SpecJudge:
    raw = judge_settings(config)
    shots = raw.get("shots", 3)
    if isinstance(shots, bool) or not isinstance(shots, int) or shots < 0:
        raise JudgeSetupError(f"{_where(config)}: [judge] shots must be a whole number >= 0")
    mode = raw.get("mode")
    if mode is not None and mode not in ("json", "logprob"):
        raise JudgeSetupError(f"{_where(config)}: [judge] mode must be json or logprob")
    provider = provider_for(grader, config)
    try:
        return SpecJudge(
            provider,
            spec_contexts(spec),
            precedents=precedents,
            templates=templates(config),
            mode=mode,
            shots=shots,
        )
    except ValueError as error:
        raise JudgeSetupError(f"--grader {grader}: {error}") from None
