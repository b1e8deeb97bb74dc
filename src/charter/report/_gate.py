"""The CI gate: overall and per-authority pass-rate thresholds, and a baseline run."""

from __future__ import annotations

from dataclasses import dataclass, field

from charter.report._model import RunReport


@dataclass(slots=True)
class Gate:
    fail_under: float | None = None
    per_authority: dict[str, float] = field(default_factory=dict)
    baseline: RunReport | None = None
    max_review: int | float | None = None
    """Most replies that may need review: a count (int) or a share of all replies (float)."""

    @property
    def active(self) -> bool:
        return (
            self.fail_under is not None
            or bool(self.per_authority)
            or self.baseline is not None
            or self.max_review is not None
        )


@dataclass(slots=True)
class GateResult:
    passed: bool
    lines: list[str]


def evaluate(report: RunReport, gate: Gate) -> GateResult:
    """Compare the report with the thresholds. Nothing graded is a failure, never a pass rate.
    A run of several models is gated model by model: it passes when each of them passes."""
    if not gate.active:
        return GateResult(True, [])
    if len(report.models) < 2:
        return _evaluate_one(report, gate)
    passed, lines = True, list[str]()
    for model, own in report.per_model().items():
        result = _evaluate_one(own, gate)
        passed = passed and result.passed
        lines.extend(f"{model}: {line}" for line in result.lines)
    return GateResult(passed, lines)


def _evaluate_one(report: RunReport, gate: Gate) -> GateResult:
    total = report.total
    if total.n == 0:
        return GateResult(
            False,
            [
                f"gate failed: nothing could be graded ({total.needs_review} need review, "
                f"{total.errors} errors), so there is no pass rate to compare; add checks to "
                "the prompt files or use --grader"
            ],
        )
    failures: list[str] = []
    rate = total.pass_rate
    if gate.fail_under is not None and rate is not None and rate < gate.fail_under:
        failures.append(
            f"overall pass rate {rate:.1%} is under --fail-under "
            f"{gate.fail_under:.1%} ({total.passed}/{total.n} graded)"
        )
    tallies = report.by_authority()
    for authority, threshold in sorted(gate.per_authority.items()):
        tally = tallies.get(authority)
        if tally is None or tally.pass_rate is None:
            failures.append(f"authority {authority}: nothing graded, threshold {threshold:.1%}")
        elif tally.pass_rate < threshold:
            failures.append(
                f"authority {authority}: pass rate {tally.pass_rate:.1%} is under "
                f"{threshold:.1%} ({tally.passed}/{tally.n})"
            )
    if gate.baseline is not None:
        failures.extend(_regressions(report, gate.baseline))
    if gate.max_review is not None:
        failures.extend(_too_many_waiting(report, gate.max_review))
    if failures:
        return GateResult(False, [f"gate failed: {line}" for line in failures])
    return GateResult(True, [f"gate passed: pass rate {total.pass_rate:.1%} over {total.n} graded"])


def _too_many_waiting(report: RunReport, limit: int | float) -> list[str]:
    waiting, replies = report.total.needs_review, report.total.total
    share = waiting / replies if replies else 0.0
    if isinstance(limit, float):
        if share <= limit:
            return []
        allowed = f"--max-review {limit:.1%} of replies"
    elif waiting <= limit:
        return []
    else:
        allowed = f"--max-review {limit}"
    return [f"{waiting} of {replies} replies ({share:.1%}) need review, more than {allowed}"]


def _regressions(report: RunReport, baseline: RunReport) -> list[str]:
    found = []
    for result in report.clauses:
        before = baseline.clause(result.id)
        rate = result.tally.pass_rate
        if before is None or rate is None or before.tally.interval is None:
            continue
        low = before.tally.interval[0]
        if rate < low:
            found.append(
                f"clause {result.id}: pass rate {rate:.1%} dropped below baseline "
                f"{baseline.run.id}'s 95% lower bound {low:.1%}"
            )
    return found
