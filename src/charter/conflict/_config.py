"""`[conflicts]` settings and `[[resolutions]]` decisions from charter.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.conflict._deterministic import CORE_SIMILARITY
from charter.spec import ProjectConfig, SpecLoadError

#: Cosine similarity of MiniLM vectors at which two clauses become a semantic candidate.
SEMANTIC_THRESHOLD = 0.75


@dataclass(frozen=True, slots=True)
class ConflictSettings:
    """How to search: semantic candidates on or off, thresholds, and the judge."""

    enabled: bool = True
    semantic: bool = False
    threshold: float = SEMANTIC_THRESHOLD
    similarity: float = CORE_SIMILARITY
    judge: str | None = None
    judge_options: dict[str, Any] = field(default_factory=dict, hash=False)
    """Provider options for the judge, from `[models."PROVIDER:MODEL"]` (e.g. `base_url`)."""
    calibration: str | None = None
    """A file of labelled pairs (relative to the project root) the judge is measured on."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """A recorded decision about two clauses; `line` is its place in charter.toml."""

    clauses: frozenset[str]
    decision: str
    by: str
    line: int


@dataclass(slots=True)
class Resolutions:
    items: list[Resolution] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def find(self, first: str, second: str) -> Resolution | None:
        key = frozenset((first, second))
        return next((item for item in self.items if item.clauses == key), None)


def _fraction(table: dict[str, Any], key: str, default: float, path: Path | None) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise SpecLoadError(
            f"{path}: [conflicts] {key} must be a number between 0 and 1", f"e.g. {key} = 0.75"
        )
    return float(value)


def conflict_settings(config: ProjectConfig) -> ConflictSettings:
    """The `[conflicts]` table. Raises `SpecLoadError` when a value has the wrong type."""
    table = config.raw.get("conflicts", {})
    path = config.config_file
    if not isinstance(table, dict):
        raise SpecLoadError(f"{path}: [conflicts] must be a table", "write `[conflicts]`")
    for key in ("enabled", "semantic"):
        if not isinstance(table.get(key, True), bool):
            raise SpecLoadError(f"{path}: [conflicts] {key} must be true or false")
    judge = table.get("judge")
    if judge is not None and (not isinstance(judge, str) or ":" not in judge):
        raise SpecLoadError(
            f"{path}: [conflicts] judge must be a model as provider:model",
            'e.g. judge = "openai:gpt-4o"',
        )
    calibration = table.get("calibration")
    if calibration is not None and (not isinstance(calibration, str) or not calibration.strip()):
        raise SpecLoadError(
            f"{path}: [conflicts] calibration must be the path of a file of labelled pairs",
            'e.g. calibration = "conflict-pairs.toml"',
        )
    return ConflictSettings(
        enabled=bool(table.get("enabled", True)),
        semantic=bool(table.get("semantic", False)),
        threshold=_fraction(table, "threshold", SEMANTIC_THRESHOLD, path),
        similarity=_fraction(table, "similarity", CORE_SIMILARITY, path),
        judge=judge,
        judge_options=config.provider_options(judge) if judge else {},
        calibration=calibration,
    )


def line_of(text: str, occurrence: int, header: str = "[[resolutions]]") -> int:
    """The line of the `occurrence`-th `header` (an array-of-tables header) of TOML `text`."""
    seen = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip().replace(" ", "") == header:
            seen += 1
            if seen == occurrence:
                return number
    return 1


def load_resolutions(config: ProjectConfig) -> Resolutions:
    """Every `[[resolutions]]` entry; malformed ones are kept as (line, problem)."""
    found = Resolutions()
    entries = config.raw.get("resolutions", [])
    text = config.config_file.read_text(encoding="utf-8") if config.config_file else ""
    if not isinstance(entries, list):
        found.problems.append((1, "`resolutions` must be an array of tables: [[resolutions]]"))
        return found
    for number, entry in enumerate(entries, 1):
        line = line_of(text, number)
        if not isinstance(entry, dict):
            found.problems.append((line, "each resolution must be a table"))
            continue
        clauses = entry.get("clauses")
        if (
            not isinstance(clauses, list)
            or len(clauses) != 2
            or not all(isinstance(c, str) and c for c in clauses)
            or clauses[0] == clauses[1]
        ):
            found.problems.append((line, "`clauses` must name two different clause ids"))
            continue
        missing = [key for key in ("decision", "by") if not str(entry.get(key, "")).strip()]
        if missing:
            found.problems.append((line, f"`{missing[0]}` is missing: say what and who decided"))
            continue
        found.items.append(
            Resolution(frozenset(clauses), str(entry["decision"]), str(entry["by"]), line)
        )
    return found
