"""Building judges from charter.toml `[judge]` and `[models]`: templates, shots, providers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charter._paths import outside, outside_message
from charter._shown import written
from charter.errors import ConfigError
from charter.grade._calibrate import MIN_PRECEDENTS, spec_contexts
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
JUDGE_KEYS = frozenset({*TEMPLATE_KEYS, "shots", "mode", "min-precedents"})
"""Every key `[judge]` may hold."""


class JudgeSetupError(ConfigError, ValueError):
    """charter.toml `[judge]` cannot be used (one line, exit 2)."""


def _where(config: ProjectConfig) -> str:
    return str(config.config_file or Path(config.root) / "charter.toml")


def judge_settings(config: ProjectConfig) -> dict[str, Any]:
    raw = config.raw.get("judge", {})
    if not isinstance(raw, dict):
        raise JudgeSetupError(f"{_where(config)}: [judge] must be a table")
    unknown = sorted(set(raw) - JUDGE_KEYS)
    if unknown:
        raise JudgeSetupError(
            f"{_where(config)}: [judge] has no setting `{unknown[0]}` "
            f"(settings: {', '.join(sorted(JUDGE_KEYS))})"
        )
    return raw


def min_precedents(config: ProjectConfig) -> int:
    """`[judge] min-precedents`: the fewest precedents a calibration must judge to count."""
    value = judge_settings(config).get("min-precedents", MIN_PRECEDENTS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise JudgeSetupError(
            f"{_where(config)}: [judge] min-precedents must be a whole number >= 1, "
            f"not {written(value)}"
        )
    return value


def templates(config: ProjectConfig) -> Templates:
    """The shipped templates, with any file named in `[judge]` in place of its default."""
    raw = judge_settings(config)
    overrides: dict[str, Path] = {}
    for key, field in TEMPLATE_KEYS.items():
        if key in raw:
            path = Path(config.root) / str(raw[key])
            escaped = outside(Path(config.root), path)
            if escaped is not None:
                raise JudgeSetupError(
                    f"{_where(config)}: [judge] {key}: "
                    f"{outside_message(Path(config.root), str(raw[key]), escaped)}; "
                    "keep the template in the project"
                )
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
