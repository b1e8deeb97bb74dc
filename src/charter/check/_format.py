"""Write findings as text (with source excerpts), JSON, SARIF 2.1.0 or GitHub annotations."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import charter
from charter._display import printable
from charter.check._engine import CheckResult
from charter.diagnostics import Diagnostic, Severity, all_rules

_EXCERPT_WIDTH = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Sources:
    """Lines of the files findings point at, read once each; each line shown is cleaned once
    (however many findings point at it), so the text report stays linear in its size."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, list[str]] = {}
        self.shown: dict[tuple[str, int], str | None] = {}

    def line(self, rel: str, number: int) -> str | None:
        """Line `number` of `rel`, control characters replaced and tabs expanded."""
        key = (rel, number)
        if key not in self.shown:
            raw = self._raw_line(rel, number)
            self.shown[key] = None if raw is None else _CONTROL.sub("\ufffd", raw).expandtabs(4)
        return self.shown[key]

    def _raw_line(self, rel: str, number: int) -> str | None:
        if rel not in self.cache:
            try:
                data = (self.root / rel).read_bytes()
            except OSError:
                data = b""
            self.cache[rel] = _source_lines(data)
        lines = self.cache[rel]
        if not 0 < number <= len(lines):
            return None
        return lines[number - 1].rstrip("\r")


def _source_lines(data: bytes) -> list[str]:
    """The file's lines for excerpts. A file that is not UTF-8 text (binary, another encoding)
    is shown escaped, `\\x89PNG`, so that no raw byte reaches the terminal."""
    try:
        text = data.decode("utf-8")
        binary = "\x00" in text
    except UnicodeDecodeError:
        text, binary = data.decode("utf-8", errors="backslashreplace"), True
    if binary:
        text = "".join(ch if ch.isprintable() or ch in "\t\n\r" else _escape(ch) for ch in text)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_path(root: Path, rel: str) -> str:
    """The path as the user should see it: relative to the working directory when shorter."""
    full = root / rel
    try:
        shown = os.path.relpath(full)
    except ValueError:
        return str(full)
    return shown if len(shown) <= len(str(full)) else str(full)


def _excerpt(line: str, column: int, length: int) -> tuple[str, int, int]:
    """Cut a long line to a window around the finding; returns text, caret column, caret length."""
    start = column - 1
    if len(line) <= _EXCERPT_WIDTH:
        return line, start, min(length, max(1, len(line) - start))
    left = max(0, start - _EXCERPT_WIDTH // 3)
    right = min(len(line), left + _EXCERPT_WIDTH)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(line) else ""
    text = prefix + line[left:right] + suffix
    caret = start - left + len(prefix)
    return text, caret, max(1, min(length, right - start))


def format_text(result: CheckResult, *, show_source: bool = True) -> str:
    root = Path(result.spec.root)
    sources = _Sources(root)
    blocks: list[str] = []
    for diagnostic in result.diagnostics:
        blocks.append(_text_block(diagnostic, root, sources, show_source))
    blocks.append(summary_line(result))
    return "\n\n".join(blocks) + "\n"


def _text_block(diagnostic: Diagnostic, root: Path, sources: _Sources, show_source: bool) -> str:
    span = diagnostic.span
    where = f"{display_path(root, span.file)}:{span.line}:{span.column}"
    head = f"{where}: {diagnostic.code} [{diagnostic.severity.value}] {diagnostic.message}"
    head = printable(head)
    lines = [head]
    line = sources.line(span.file, span.line) if show_source else None
    if line is not None:
        text, caret, length = _excerpt(line, span.column, diagnostic.length)
        gutter = " " * len(str(span.line))
        lines += [
            f" {gutter} |",
            f" {span.line} | {text}",
            f" {gutter} | {' ' * caret}{'^' * length}",
        ]
    for related in diagnostic.related:
        rel_where = f"{display_path(root, related.span.file)}:{related.span.line}"
        lines.append(printable(f"  = note: {related.message} at {rel_where}"))
    if diagnostic.hint:
        lines.append(printable(f"  = help: {diagnostic.hint}"))
    return "\n".join(lines)


def files_checked(result: CheckResult) -> int:
    """Spec and prompt files read, plus the ones that could not be read (binary, too large)."""
    paths = {spec_file.path for spec_file in result.spec.files}
    paths |= {prompt_file.path for prompt_file in result.spec.prompt_files}
    paths |= {d.span.file for d in result.diagnostics if d.severity is Severity.FATAL}
    return len(paths)


def summary_line(result: CheckResult) -> str:
    files = files_checked(result)
    if not result.diagnostics:
        tail = f" ({result.suppressed} suppressed)" if result.suppressed else ""
        return f"All checks passed: {files} files, {len(result.spec.clauses)} clauses{tail}."
    counts = Counter(diagnostic.severity for diagnostic in result.diagnostics)
    parts = [
        f"{counts[severity]} {severity.value}{'s' if counts[severity] != 1 else ''}"
        for severity in reversed(Severity)
        if counts[severity]
    ]
    codes = Counter(diagnostic.code for diagnostic in result.diagnostics)
    by_code = ", ".join(f"{code} x{count}" for code, count in sorted(codes.items()))
    tail = f"; {result.suppressed} suppressed" if result.suppressed else ""
    return f"Found {', '.join(parts)} in {files} files ({by_code}{tail})."


def _as_dict(diagnostic: Diagnostic, root: Path) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "name": diagnostic.rule.name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "file": span.file,
        "path": display_path(root, span.file),
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "hint": diagnostic.hint,
        "related": [
            {
                "file": r.span.file,
                "line": r.span.line,
                "column": r.span.column,
                "message": r.message,
            }
            for r in diagnostic.related
        ],
    }


def format_json(result: CheckResult) -> str:
    root = Path(result.spec.root)
    payload = {
        "root": result.spec.root,
        "exit_code": result.exit_code,
        "summary": {severity.value: result.count(severity) for severity in Severity},
        "suppressed": result.suppressed,
        "diagnostics": [_as_dict(diagnostic, root) for diagnostic in result.diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {
    Severity.FATAL: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "note",
}


def format_sarif(result: CheckResult) -> str:
    root = Path(result.spec.root)
    rules = all_rules()
    index = {found.code: number for number, found in enumerate(rules)}
    results = []
    for diagnostic in result.diagnostics:
        span = diagnostic.span
        entry: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "ruleIndex": index[diagnostic.code],
            "level": _SARIF_LEVEL[diagnostic.severity],
            "message": {
                "text": diagnostic.message
                + (f" Help: {diagnostic.hint}" if diagnostic.hint else "")
            },
            "locations": [_sarif_location(span.file, span.line, span.column)],
        }
        if diagnostic.related:
            entry["relatedLocations"] = [
                {
                    "id": number,
                    "message": {"text": related.message},
                    **_sarif_location(related.span.file, related.span.line, related.span.column),
                }
                for number, related in enumerate(diagnostic.related)
            ]
        results.append(entry)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "charter",
                        "version": charter.__version__,
                        "rules": [
                            {
                                "id": found.code,
                                "name": found.name,
                                "shortDescription": {"text": found.summary},
                                "fullDescription": {"text": found.doc},
                                "help": {"text": found.doc},
                                "defaultConfiguration": {"level": _SARIF_LEVEL[found.severity]},
                            }
                            for found in rules
                        ],
                    }
                },
                "originalUriBaseIds": {"SPECROOT": {"uri": root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _sarif_location(file: str, line: int, column: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": file, "uriBaseId": "SPECROOT"},
            "region": {"startLine": line, "startColumn": column},
        }
    }


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(result: CheckResult) -> str:
    root = Path(result.spec.root)
    lines = []
    for diagnostic in result.diagnostics:
        span = diagnostic.span
        level = {"fatal": "error", "error": "error", "warning": "warning"}.get(
            diagnostic.severity.value, "notice"
        )
        title = _github_escape(f"{diagnostic.code} {diagnostic.rule.name}", property_value=True)
        path = _github_escape(display_path(root, span.file), property_value=True)
        message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
        lines.append(
            f"::{level} file={path},line={span.line},col={span.column},title={title}::"
            f"{_github_escape(printable(message))}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def render(result: CheckResult, output_format: str) -> str:
    """The findings in one of `FORMATS`."""
    if output_format == "json":
        return format_json(result)
    if output_format == "sarif":
        return format_sarif(result)
    if output_format == "github":
        return format_github(result)
    return format_text(result)
