"""What must hold before a spec is published: no errors, no unresolved conflicts, a fresh lock,
and (when `[publish] require-run = true`) a latest run that meets `fail-under`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.check import CheckResult
from charter.compose import lock_problems
from charter.diagnostics import Severity
from charter.spec import ProjectConfig, Spec, SpecLoadError

if TYPE_CHECKING:
    from charter.run import Challenge

_LOCK_CODES = ("C001", "C002")
_CONFLICT_CODES = ("C101", "C201")
#: Conflict candidates nobody has decided: no judge gave a verdict and no resolution records one.
_CANDIDATE_CODES = ("C202",)


@dataclass(frozen=True, slots=True)
class PublishSettings:
    require_run: bool = False
    fail_under: float | None = None


@dataclass(slots=True)
class GateOutcome:
    reasons: list[str] = field(default_factory=list)
    run_id: str | None = None

    @property
    def passed(self) -> bool:
        return not self.reasons


def publish_settings(config: ProjectConfig) -> PublishSettings:
    table: Any = config.raw.get("publish", {})
    path = config.config_file
    if not isinstance(table, dict):
        raise SpecLoadError(f"{path}: [publish] must be a table", "write `[publish]`")
    require = table.get("require-run", False)
    if not isinstance(require, bool):
        raise SpecLoadError(f"{path}: [publish] require-run must be true or false")
    under = table.get("fail-under")
    if under is not None and (
        isinstance(under, bool) or not isinstance(under, int | float) or not 0 <= under <= 1
    ):
        raise SpecLoadError(
            f"{path}: [publish] fail-under must be a pass rate between 0 and 1",
            "e.g. fail-under = 0.9",
        )
    return PublishSettings(require, None if under is None else float(under))


def _where(code: str, message: str, file: str, line: int) -> str:
    return f"{file}:{line}: {code} {message}"


def evaluate_gate(result: CheckResult, config: ProjectConfig) -> GateOutcome:
    """Every reason the spec cannot be published (empty when it can)."""
    outcome = GateOutcome()
    spec = result.spec
    if not spec.version:
        outcome.reasons.append("the spec states no `version:` in its front matter")
    errors = [d for d in result.diagnostics if d.severity in (Severity.ERROR, Severity.FATAL)]
    conflicts = [d for d in errors if d.code in _CONFLICT_CODES]
    others = [d for d in errors if d.code not in _CONFLICT_CODES]
    for diagnostic in conflicts:
        kind = "illegal override" if diagnostic.code == "C101" else "unresolved conflict"
        outcome.reasons.append(
            f"{kind}: "
            + _where(
                diagnostic.code, diagnostic.message, diagnostic.span.file, diagnostic.span.line
            )
        )
    for diagnostic in result.diagnostics:
        if diagnostic.code in _CANDIDATE_CODES:
            outcome.reasons.append(
                "conflict candidate neither judged nor resolved: "
                + _where(
                    diagnostic.code, diagnostic.message, diagnostic.span.file, diagnostic.span.line
                )
            )
    for diagnostic in others:
        outcome.reasons.append(
            "check error: "
            + _where(
                diagnostic.code, diagnostic.message, diagnostic.span.file, diagnostic.span.line
            )
        )
    missing, stale = lock_problems(spec)
    if missing:
        outcome.reasons.append("no charter.lock while the spec imports modules: run `charter lock`")
    outcome.reasons.extend(f"stale lock: {reason}" for reason in stale)
    settings = publish_settings(config)
    if settings.require_run:
        outcome.reasons.extend(_run_reasons(spec, config, settings, outcome))
    return outcome


def _untested(
    spec: Spec, config: ProjectConfig, ran: list[Challenge], system: str | None
) -> list[str]:
    """Clauses with a challenge prompt of the spec as it is now that the run did not send, with
    the system prompt the run chose (`system`, as recorded) compiled from the spec as it is now."""
    from charter.build import BuildError, system_prompt_for_test
    from charter.diagnostics import Diagnostics
    from charter.run import PlanError, Selection, plan, with_system_prompt
    from charter.spec import Project

    try:
        wanted = plan(spec, Selection())
    except PlanError:
        return []  # malformed prompt-file checks: `charter check` reports them
    if system is not None:
        try:
            prompt = system_prompt_for_test(Project(spec, Diagnostics(), config), system)
        except BuildError as error:
            return [f"the run's system prompt: {error}"]
        wanted = with_system_prompt(wanted, prompt.text)
    sent = {(challenge.clause_id, challenge.prompt_hash) for challenge in ran}
    missing = (c.clause_id for c in wanted if (c.clause_id, c.prompt_hash) not in sent)
    return list(dict.fromkeys(missing))


def _run_reasons(
    spec: Spec, config: ProjectConfig, settings: PublishSettings, outcome: GateOutcome
) -> list[str]:
    from charter.report import Gate, RunReport, evaluate
    from charter.run import RunStore, store_path

    path = store_path(Path(spec.root))
    if not path.is_file():
        return [f"[publish] require-run is set, but there is no run ({path}): run `charter test`"]
    with RunStore(path, create=False) as store:
        runs = store.list_runs()
        if not runs:
            return ["[publish] require-run is set, but .charter/runs.db holds no run"]
        latest = runs[-1].run
        outcome.run_id = latest.id
        if latest.status != "complete":
            return [f"latest run {latest.id} is {latest.status}, not complete"]
        untested = _untested(spec, config, store.plan(latest.id), latest.settings.get("system"))
        if untested:
            return [
                f"latest run {latest.id} did not run the current prompts of "
                f"{len(untested)} clause(s) ({', '.join(untested[:5])}"
                f"{', ...' if len(untested) > 5 else ''}): run `charter test` on the whole spec"
            ]
        report = RunReport.load(store, latest.id)
    result = evaluate(report, Gate(fail_under=settings.fail_under))
    return [f"latest run {latest.id}: {line}" for line in result.lines if not result.passed]
