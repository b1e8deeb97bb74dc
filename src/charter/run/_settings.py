"""`charter test` settings: command-line flags over `charter.toml` `[test]` over defaults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from charter._shown import written
from charter.errors import ConfigError
from charter.spec import Authority


class SettingsError(ConfigError, ValueError):
    """A setting has the wrong type or range; the message names the flag or the toml key."""


@dataclass(slots=True)
class TestSettings:
    model: list[str] = field(default_factory=list)
    """The models under test: `[test] model` is one name or a list, `--model` may be repeated;
    several are tested in one run, each on every challenge."""
    grader: list[str] = field(default_factory=list)
    """The judge, or the judges of a panel (majority vote): `[test] grader` is one name or a
    list, `--grader` may be repeated."""
    epochs: int = 1
    concurrency: int | None = None
    timeout: float = 120.0
    max_retries: int = 4
    temperature: float | None = 0.0
    max_tokens: int | None = 512
    seed: int | None = None
    fail_under: float | None = None
    fail_under_authority: dict[str, float] = field(default_factory=dict)
    max_review: int | float | None = None
    """Most replies that may still need review for the gate to pass: a count (int) or a share
    of the run's replies (float); None: no limit."""
    judge_template: str | None = None
    select: list[str] = field(default_factory=list)
    authority: list[str] = field(default_factory=list)
    examples: bool = False
    allow_self_judge: bool = False
    cache: bool = True
    system: str | None = None
    """`compiled`, `none` or a file: the system prompt the model under test gets (None: compiled
    when the project builds one under `[build.system-prompt]`, else none)."""


_INT_AT_LEAST = {"epochs": 1, "concurrency": 1, "max_retries": 0, "max_tokens": 1}
_FLOATS = {"timeout", "temperature"}
_TEXT = {"judge_template", "system"}
_LISTS = {"select", "authority"}
_BOOLS = {"examples", "allow_self_judge", "cache"}


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _key(name: str) -> str:
    return "charter.toml [test] " + name.replace("_", "-")


def resolve(config: Mapping[str, Any], flags: Mapping[str, Any]) -> TestSettings:
    """Merge `[test]` (kebab-case keys) and the flags given (None means not given), validated."""
    unknown = sorted(set(config) - {f.name.replace("_", "-") for f in fields(TestSettings)})
    if unknown:
        known = ", ".join(f.name.replace("_", "-") for f in fields(TestSettings))
        raise SettingsError(f"{_key(unknown[0])}: unknown setting; the settings are {known}")
    settings = TestSettings()
    for item in fields(TestSettings):
        name = item.name
        toml_value = config.get(name.replace("_", "-"))
        if toml_value is not None:
            setattr(settings, name, _check(name, toml_value, _key(name)))
        flag_value = flags.get(name)
        if flag_value is not None and flag_value != [] and flag_value != {}:
            setattr(settings, name, _check(name, flag_value, _flag(name)))
    return settings


def _check(name: str, value: Any, where: str) -> Any:
    if name in _INT_AT_LEAST:
        least = _INT_AT_LEAST[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise SettingsError(
                f"{where} must be a whole number of at least {least}, not {written(value)}"
            )
        return value
    if name == "seed":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where} must be a whole number, not {written(value)}")
        return value
    if name in _FLOATS:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SettingsError(f"{where} must be a number of at least 0, not {written(value)}")
        if name == "timeout" and value == 0:
            raise SettingsError(f"{where} must be more than 0 seconds")
        return float(value)
    if name == "fail_under":
        return _rate(value, where)
    if name == "fail_under_authority":
        return _authority_rates(value, where)
    if name == "max_review":
        return review_limit(value, where)
    if name in _TEXT:
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f"{where} must be a non-empty string, not {written(value)}")
        return value.strip()
    if name == "grader":
        return _names(value, where)
    if name == "model":
        return _distinct(_names(value, where), where)
    if name in _LISTS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{where} must be a list of strings, not {written(value)}")
        found = [part.strip() for v in value for part in v.split(",") if part.strip()]
        if name == "authority":
            for level in found:
                _authority(level, where)
        return found
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise SettingsError(f"{where} must be true or false, not {written(value)}")
        return value
    raise SettingsError(f"{where}: unknown setting")  # pragma: no cover - fields are all listed


def _names(value: Any, where: str) -> list[str]:
    """One model name or a list of them, each PROVIDER:MODEL (kept whole: a command may hold
    commas)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise SettingsError(f"{where} must be a model name or a list of them, not {written(value)}")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise SettingsError(f"{where} must be non-empty model names, not {written(item)}")
    return [item.strip() for item in items]


def _distinct(models: list[str], where: str) -> list[str]:
    """The models of a run, refused when one is named twice (it would be tested twice)."""
    for index, model in enumerate(models):
        if model in models[:index]:
            raise SettingsError(
                f"{where} names `{model}` twice; a run tests each model once: drop the repeat"
            )
    return models


def _rate(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SettingsError(f"{where} must be a pass rate between 0 and 1, not {written(value)}")
    return float(value)


def review_limit(value: Any, where: str) -> int | float:
    """A count of replies (`5`) or a share of them (`0.1`, `"10%"`); a float is always a share."""
    number: Any = value
    if isinstance(value, str):
        text = value.strip()
        try:
            if text.endswith("%"):
                number = float(text[:-1]) / 100
            elif any(mark in text for mark in ".eE"):
                number = float(text)
            else:
                number = int(text)
        except ValueError:
            number = value
    count = isinstance(number, int) and not isinstance(number, bool) and number >= 0
    share = isinstance(number, float) and 0 <= number <= 1
    if count or share:
        return int(number) if count else float(number)
    raise SettingsError(
        f"{where} must be a number of replies (e.g. 5) or a share of them between 0 and 1 "
        f"(e.g. 0.1 or 10%), not {written(value)}"
    )


def _authority(level: str, where: str) -> str:
    levels = [a.value for a in Authority]
    if level not in levels:
        raise SettingsError(
            f"{where}: unknown authority {written(level)}; the levels are {', '.join(levels)}"
        )
    return level


def _authority_rates(value: Any, where: str) -> dict[str, float]:
    """A table {root = 0.95} from toml, or ["root=0.95", ...] from repeated flags."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        for entry in value:
            level, equals, rate = str(entry).partition("=")
            if not equals:
                raise SettingsError(
                    f"{where} takes AUTHORITY=RATE, e.g. root=0.95, not {written(entry)}"
                )
            try:
                number: Any = float(rate)
            except ValueError:
                number = rate
            pairs.append((level.strip(), number))
    else:
        raise SettingsError(f"{where} must map authorities to pass rates, e.g. root = 0.95")
    return {_authority(level, where): _rate(rate, f"{where} {level}") for level, rate in pairs}


_STORED = ("epochs", "temperature", "max_tokens", "seed", "timeout", "max_retries", "cache")
_STORED_AS_GIVEN = (
    "concurrency",
    "select",
    "authority",
    "examples",
    "grader",
    "allow_self_judge",
    "judge_template",
    "system",
)


def stored_settings(settings: TestSettings) -> dict[str, Any]:
    """What a run records of its settings, for `--resume` to run it the same way."""
    return {key: getattr(settings, key) for key in (*_STORED, *_STORED_AS_GIVEN)}


def resumed_settings(
    models: Sequence[str], stored: Mapping[str, Any], given: TestSettings
) -> TestSettings:
    """An interrupted run's own models and sampling settings (`stored`, as `stored_settings`
    wrote them); the gate and report settings `given` now still apply."""
    panel = stored.get("grader")
    return TestSettings(
        model=list(models),
        grader=[panel] if isinstance(panel, str) else list(panel or []),
        epochs=int(stored.get("epochs", 1)),
        concurrency=given.concurrency or stored.get("concurrency"),
        timeout=float(stored.get("timeout", given.timeout)),
        max_retries=int(stored.get("max_retries", given.max_retries)),
        temperature=stored.get("temperature"),
        max_tokens=stored.get("max_tokens"),
        seed=stored.get("seed"),
        fail_under=given.fail_under,
        fail_under_authority=given.fail_under_authority,
        max_review=given.max_review,
        judge_template=stored.get("judge_template"),
        select=list(stored.get("select", [])),
        authority=list(stored.get("authority", [])),
        examples=bool(stored.get("examples", False)),
        allow_self_judge=bool(stored.get("allow_self_judge", False)),
        cache=bool(stored.get("cache", True)),
        system=stored.get("system"),
    )
