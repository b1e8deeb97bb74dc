"""Run every checker over a spec, then apply configuration, selection and suppressions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter._buffers import read_text
from charter.check._registry import Registered, registered
from charter.diagnostics import (
    Diagnostic,
    Diagnostics,
    Severity,
    all_rules,
    get_rule,
    sort_key,
)
from charter.spec import ProjectConfig, Spec, SpecLoadError, did_you_mean, load_project

_SUPPRESS = re.compile(r"<!--\s*charter:\s*ignore(?P<file>-file)?\s+(?P<codes>[\w\s,-]+?)\s*-->")


@dataclass(slots=True)
class CheckResult:
    """What `charter check` found, after selection and suppression."""

    spec: Spec
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressed: int = 0

    @property
    def exit_code(self) -> int:
        """2 if any input was unusable, 1 if any finding is an error, else 0."""
        severities = {diagnostic.severity for diagnostic in self.diagnostics}
        if Severity.FATAL in severities:
            return 2
        return 1 if Severity.ERROR in severities else 0

    def count(self, severity: Severity) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == severity)


#: Rule families a plain `charter check` leaves out: the linter's style findings. Select them with
#: `--select L` (or a code or name), `select = ["S", "L"]` under `[check]`, or `ALL`.
OPT_IN_FAMILIES = ("L",)


#: What a plain `charter check` runs on a repository's agent instruction files: the A rules and
#: broken links (a spec's prompt-file and id rules do not apply to them).
INSTRUCTION_FILE_SELECTION = ("A", "S105")


def default_selection(spec: Spec | None = None) -> list[str]:
    """Every registered rule family except the opt-in ones (the A rules and broken links for a
    repository's instruction files)."""
    if spec is not None and spec.instruction_files:
        return list(INSTRUCTION_FILE_SELECTION)
    families = {rule.family for rule in all_rules()}
    return sorted(family for family in families if family not in OPT_IN_FAMILIES)


def _matches(code: str, patterns: list[str], *, selecting: bool = False) -> bool:
    """Whether a pattern (ALL, a code prefix, a code or a rule name) names `code`. When
    `selecting`, a preview rule is named only by its own code or name."""
    found = get_rule(code)
    preview = selecting and found is not None and found.preview
    for pattern in patterns:
        text = pattern.strip()
        if text.upper() == code or (found is not None and text.lower() == found.name):
            return True
        if not preview and (text.upper() == "ALL" or code.startswith(text.upper())):
            return True
    return False


def _wanted(entry: Registered, chosen: list[str], skipped: list[str]) -> bool:
    """Whether a checker can report anything the selection keeps."""
    if not entry.rules:
        return True
    codes = [r.code for r in all_rules() if r.code.startswith(entry.rules)]
    return any(
        _matches(code, chosen, selecting=True) and not _matches(code, skipped) for code in codes
    )


def _config_list(config: ProjectConfig, key: str) -> list[str]:
    value = config.check.get(key, [])
    return [str(item) for item in value] if isinstance(value, list) else []


def _names_a_rule(pattern: str) -> bool:
    """ALL, a rule's code or name, or a prefix of at least one code (`S`, `S1`, `L0`)."""
    text = pattern.strip()
    if text.upper() == "ALL" or get_rule(text) is not None:
        return True
    return any(rule.code.startswith(text.upper()) for rule in all_rules()) and text.isalnum()


#: Words people write for a rule family; used only to suggest the family's letter.
_FAMILY_WORDS = {
    "lint": "L",
    "linter": "L",
    "structure": "S",
    "structural": "S",
    "conflict": "C",
    "conflicts": "C",
    "modules": "C",
    "precedent": "P",
    "precedents": "P",
}


def _guess_rule(pattern: str) -> str | None:
    text = pattern.strip()
    family = text.rstrip("0123456789OoIl")
    digits = text[len(family) :].upper().replace("O", "0").replace("I", "1").replace("L", "1")
    if digits and get_rule(family + digits) is not None:
        return family.upper() + digits  # S1O2: a letter O for a zero
    if text.lower() in _FAMILY_WORDS:
        return _FAMILY_WORDS[text.lower()]
    rules = all_rules()
    options = ["ALL", *(r.code for r in rules), *(r.name for r in rules)]
    return did_you_mean(text, options)


def _unknown_rule(pattern: str) -> str:
    """What to say about a pattern that names no rule, with the likeliest meant one."""
    guess = _guess_rule(pattern)
    if guess is not None:
        return f"`{pattern}` is no rule code, prefix or name; did you mean `{guess}`?"
    families = ", ".join(sorted({r.family for r in all_rules()}))
    return f"`{pattern}` is no rule code, prefix or name (the families are {families})"


_RULES_HINT = "`charter rules` lists every code and name"


def validate_selection(patterns: list[str], where: str) -> None:
    """Raise `SpecLoadError` (exit 2) when a pattern of `--select`/`--ignore` names no rule."""
    for pattern in patterns:
        if not _names_a_rule(pattern):
            raise SpecLoadError(f"{where}: {_unknown_rule(pattern)}", _RULES_HINT)


def _validate_config_selection(config: ProjectConfig) -> None:
    """The same for `[check] select`, `ignore` and the codes of `severity`, at their line."""
    text = read_text(config.config_file) if config.config_file else ""
    lines = text.split("\n")
    for key in ("select", "ignore", "severity"):
        value = config.check.get(key)
        names = list(value) if isinstance(value, list | dict) else []
        for name in names:
            if _names_a_rule(str(name)):
                continue
            line = next(
                (n for n, t in enumerate(lines, 1) if key in t and str(name) in t),
                next((n for n, t in enumerate(lines, 1) if str(name) in t), 1),
            )
            raise SpecLoadError(
                f"{config.config_file}:{line}: [check] {key}: {_unknown_rule(str(name))}",
                _RULES_HINT,
            )


class _Suppressions:
    """`<!-- charter: ignore S102 -->` on a finding's line or the line above it, and
    `<!-- charter: ignore-file S102 -->` anywhere in the file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, tuple[dict[int, list[str]], list[str]]] = {}

    def _load(self, rel: str) -> tuple[dict[int, list[str]], list[str]]:
        if rel not in self.files:
            by_line: dict[int, list[str]] = {}
            whole: list[str] = []
            try:
                text = read_text(self.root / rel, errors="replace")
            except OSError:
                text = ""
            if "charter:" in text:
                lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                for number, line in enumerate(lines, 1):
                    for match in _SUPPRESS.finditer(line):
                        codes = re.split(r"[\s,]+", match["codes"].strip())
                        (whole if match["file"] else by_line.setdefault(number, [])).extend(codes)
            self.files[rel] = (by_line, whole)
        return self.files[rel]

    def hides(self, diagnostic: Diagnostic) -> bool:
        if diagnostic.severity == Severity.FATAL:
            return False
        by_line, whole = self._load(diagnostic.span.file)
        codes = [
            *whole,
            *by_line.get(diagnostic.span.line, ()),
            *by_line.get(diagnostic.span.line - 1, ()),
        ]
        return bool(codes) and _matches(diagnostic.code, codes)


def check_spec(
    spec: Spec,
    read_findings: Diagnostics,
    config: ProjectConfig,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> CheckResult:
    """Run every registered checker and filter the findings."""
    checkers = registered()  # first: the plugins' rules join the catalogue the selection names
    validate_selection(select or [], "--select")
    validate_selection(ignore or [], "--ignore")
    _validate_config_selection(config)
    sink = Diagnostics()
    sink.extend(read_findings)
    chosen = select or _config_list(config, "select") or default_selection(spec)
    skipped = [*(ignore or []), *_config_list(config, "ignore")]
    if not any(d.severity == Severity.FATAL for d in read_findings.items):
        for entry in checkers:
            if _wanted(entry, chosen, skipped):
                entry.function(spec, sink)
    overrides: dict[str, Any] = config.check.get("severity", {})
    suppressions = _Suppressions(Path(spec.root))
    result = CheckResult(spec)
    for diagnostic in sorted(sink.items, key=sort_key):
        fatal = diagnostic.severity == Severity.FATAL
        if not fatal and (
            not _matches(diagnostic.code, chosen, selecting=True)
            or _matches(diagnostic.code, skipped)
        ):
            continue
        if suppressions.hides(diagnostic):
            result.suppressed += 1
            continue
        level = overrides.get(diagnostic.code) if isinstance(overrides, dict) else None
        if isinstance(level, str) and level in Severity.__members__.values() and not fatal:
            diagnostic = Diagnostic(
                diagnostic.code,
                diagnostic.message,
                diagnostic.span,
                Severity(level),
                diagnostic.hint,
                diagnostic.related,
                diagnostic.length,
            )
        result.diagnostics.append(diagnostic)
    return result


def check_path(
    path: str | Path, *, select: list[str] | None = None, ignore: list[str] | None = None
) -> CheckResult:
    """Load the spec at `path` and check it. Raises `SpecLoadError` for unusable input."""
    project = load_project(path)
    return check_spec(project.spec, project.findings, project.config, select=select, ignore=ignore)
