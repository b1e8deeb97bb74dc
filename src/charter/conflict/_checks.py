"""The conflict checker `charter check` runs (C201-C204)."""

from __future__ import annotations

from pathlib import Path

from charter._source import Span
from charter.compose import describe
from charter.conflict import _rules as rules
from charter.conflict._config import conflict_settings, load_resolutions
from charter.conflict._detect import CONFLICT, IMPLICIT, ConflictReport, find_conflicts
from charter.diagnostics import Diagnostics, Related, checker
from charter.spec import CONFIG_NAME, Spec, load_config

_RULE = {CONFLICT: rules.CONFLICT, IMPLICIT: rules.IMPLICIT_OVERRIDE}


def conflict_report(spec: Spec) -> ConflictReport:
    """Conflicts of the spec under its project's `[conflicts]` and `[[resolutions]]`."""
    config = load_config(Path(spec.root))
    settings = conflict_settings(config)
    if not settings.enabled:
        return ConflictReport()
    return find_conflicts(spec, settings, load_resolutions(config))


@checker
def check_conflicts(spec: Spec, sink: Diagnostics) -> None:
    config = load_config(Path(spec.root))
    resolutions = load_resolutions(config)
    for line, problem in resolutions.problems:
        sink.add(
            rules.BAD_RESOLUTION,
            f"resolution cannot be used: {problem}",
            Span(CONFIG_NAME, line, 1),
            hint='write clauses = ["a", "b"], decision = "..." and by = "name"',
        )
    ids = {clause.id for clause in spec.clauses}
    for item in resolutions.items:
        unknown = sorted(item.clauses - ids)
        if unknown:
            sink.add(
                rules.BAD_RESOLUTION,
                f"resolution names `{unknown[0]}`, which is no clause of the composed spec",
                Span(CONFIG_NAME, item.line, 1),
                hint="use the ids `charter check` printed, or delete the stale resolution",
            )
    report = conflict_report(spec)
    if report.semantic_missing:
        from charter.conflict._semantic import INSTALL_EMBEDDINGS

        text = config.config_file.read_text(encoding="utf-8") if config.config_file else ""
        line = next((n for n, t in enumerate(text.split("\n"), 1) if "semantic" in t), 1)
        sink.add(
            rules.SEMANTIC_SEARCH_SKIPPED,
            "semantic conflict search skipped: it needs the `embeddings` extra "
            f"({', '.join(report.semantic_missing)} not installed)",
            Span(CONFIG_NAME, line, 1),
            hint=f"{INSTALL_EMBEDDINGS}, or set semantic = false",
        )
    for conflict in report.conflicts:
        high, low = conflict.first, conflict.second
        rule = _RULE.get(conflict.status, rules.POSSIBLE_CONFLICT)
        verb = {CONFLICT: "contradicts", IMPLICIT: "is overridden by"}.get(
            conflict.status, "may conflict with"
        )
        sink.add(
            rule,
            f"{describe(spec, low)} {verb} {describe(spec, high)}: {conflict.evidence}",
            low.span,
            hint=conflict.proposal,
            related=(Related(high.span, f"`{high.id}` is here"),),
            length=len(low.id.split(":")[-1]) + 3,
        )
