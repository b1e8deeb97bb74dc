"""`charter publish` as a library call: check, gate, then place the bundle."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from charter.check import CheckResult, check_spec
from charter.compose import LOCK_NAME
from charter.publish._bundle import BundleExists, place_bundle
from charter.publish._gate import evaluate_gate
from charter.spec import Project


@dataclass(slots=True)
class Published:
    """What `publish_project` did: `unusable` (the check found unusable input), refused with
    `reasons`, or placed the bundle at `target` (`written` False: the same bundle was there)."""

    check: CheckResult
    reasons: list[str] = field(default_factory=list)
    target: Path | None = None
    written: bool = False
    notes: list[str] = field(default_factory=list)
    """The check's notes worth showing (a semantic search that was left out)."""

    @property
    def unusable(self) -> bool:
        return self.check.exit_code == 2

    def lines(self) -> list[str]:
        """What the command prints: the refusal and its reasons, or where the bundle is."""
        spec = self.check.spec
        if self.reasons:
            if self.target is not None:  # a bundle of this version holds other content
                return [f"Not published: {self.reasons[0]}"]
            return [
                f"Not published: {len(self.reasons)} reason(s).",
                *(f"  - {r}" for r in self.reasons),
            ]
        if not self.written:
            return [
                f"Already published: {self.target} holds {spec.name} {spec.version} as it is now"
            ]
        return [
            f"Published {spec.name} {spec.version} ({len(spec.clauses)} clauses, "
            f"{max(0, len(spec.modules) - 1)} modules, {LOCK_NAME} current) to {self.target}"
        ]


def publish_project(project: Project, output: Path | None = None) -> Published:
    """Publish the composed spec into `output` (default: PROJECT/dist) when every gate holds:
    no check errors or unresolved conflicts, a current lock, a passing latest run when
    `[publish] require-run`, and no other content under the same version."""
    result = check_spec(project.spec, project.findings, project.config)
    done = Published(result)
    if done.unusable:
        return done
    done.notes = [d.message for d in result.diagnostics if d.code == "C205"]
    outcome = evaluate_gate(result, project.config)
    if not outcome.passed:
        done.reasons = list(outcome.reasons)
        return done
    spec = project.spec
    try:
        done.target, done.written = place_bundle(
            spec, project.config, output or Path(spec.root) / "dist"
        )
    except BundleExists as error:
        done.reasons, done.target = [str(error)], error.path
    return done
