"""Renderers for a `RunReport`: a terminal table, JSON, JUnit XML, HTML. `RENDERERS` maps names."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from charter._display import markup_safe as safe
from charter._display import xml_safe
from charter.report._html import render_html
from charter.report._model import RunReport, Tally
from charter.report._models import compare_models, model_table


def _rate(tally: Tally) -> str:
    rate = tally.pass_rate
    return "n/a" if rate is None else f"{rate:.1%}"


def _interval(tally: Tally) -> str:
    interval = tally.interval
    return "n/a" if interval is None else f"[{interval[0]:.2f}, {interval[1]:.2f}]"


def _system(report: RunReport) -> str:
    """`, system prompt compiled sha256:1a2b...` when the run recorded the prompt it sent."""
    settings = report.run.settings
    if "system" not in settings:
        return ""
    digest = settings.get("system_prompt")
    return f", system prompt {settings['system']}" + (f" {digest[:19]}" if digest else "")


def clause_table(report: RunReport) -> Table:
    """One row per clause with totals: the table `charter test` and `show-run` print. A
    `carried` column (samples copied from an earlier run) appears when the run has any."""
    title = f"run {safe(report.run.id)}: {safe(report.run.model)}{_system(report)}"
    table = Table(title=title, title_justify="left")
    for header in ("clause", "authority", "graded", "passed", "pass rate", "95% CI"):
        table.add_column(header, justify="left" if header in ("clause", "authority") else "right")
    table.add_column("needs review", justify="right")
    table.add_column("errors", justify="right")
    carried = report.carried > 0
    if carried:
        table.add_column("carried", justify="right")
    for result in report.clauses:
        tally = result.tally
        table.add_row(
            safe(result.id),
            safe(result.authority or "-"),
            str(tally.n),
            str(tally.passed),
            _rate(tally),
            _interval(tally),
            str(tally.needs_review),
            str(tally.errors),
            *([str(result.carried)] if carried else []),
        )
    total = report.total
    table.add_section()
    table.add_row(
        "total",
        "",
        str(total.n),
        str(total.passed),
        _rate(total),
        _interval(total),
        str(total.needs_review),
        str(total.errors),
        *([str(report.carried)] if carried else []),
    )
    return table


def precedent_table(report: RunReport) -> Table:
    """Each replayed precedent: the verdict it recorded for its reply, and the new reply's grade."""
    table = Table(title="precedents replayed", title_justify="left")
    for header in ("precedent", "clause", "authority", "precedent verdict", "now", "grader"):
        table.add_column(header, overflow="fold")
    for item in report.replayed():
        sample, challenge = item.sample, item.challenge
        cells = (
            item.title,
            sample.clause_id,
            (challenge.authority if challenge is not None else None) or "-",
            item.expected or "-",
            sample.verdict or "ungraded",
            sample.grader or "-",
        )
        table.add_row(*(Text(cell) for cell in cells))  # text from files, never markup
    return table


def replay_summary(report: RunReport) -> str:
    """How the new replies fare against the precedents' verdicts."""
    items = report.replayed()
    graded = [item for item in items if item.sample.verdict in ("comply", "violate")]
    same = sum(item.sample.verdict == item.expected for item in graded)
    regressions = sum(
        (item.expected, item.sample.verdict) == ("comply", "violate") for item in graded
    )
    fixed = sum((item.expected, item.sample.verdict) == ("violate", "comply") for item in graded)
    precedents = len({(item.sample.clause_id, item.sample.prompt_index) for item in items})
    return (
        f"{precedents} precedents replayed ({len(items)} replies): {same} graded as the "
        "precedent decided, "
        f"{regressions} comply precedents now violate, {fixed} violate precedents now comply, "
        f"{len(items) - len(graded)} not graded"
    )


def print_terminal(report: RunReport, console: Console) -> None:
    """The clause table; for a run of several models, the models side by side instead."""
    models = compare_models(report)
    console.print(clause_table(report) if models is None else model_table(report, models))
    note = report.interval_note()
    if note is not None:
        console.print(note, soft_wrap=True, markup=False)
    if report.replayed():
        console.print(precedent_table(report))
        console.print(replay_summary(report), soft_wrap=True, markup=False)
    if report.total.n == 0 and report.total.total:
        console.print(
            f"pass rate: n/a, nothing was graded ({report.total.needs_review} replies need "
            f"review, {report.total.errors} errors); add checks to the prompt files or use "
            "--grader"
        )


_SAMPLES_HERE = "\u0000samples\u0000"
"""Stands for the samples in the JSON report's head, which `json_chunks` then streams in."""


def json_chunks(report: RunReport) -> Iterator[str]:
    """The JSON report in pieces (the same text `json.dumps(payload, indent=2)` gives), one
    sample at a time: the samples are streamed from the store, never all held."""
    payload: dict[str, Any] = {
        "run": report.metadata(),
        "clauses": [
            {"id": r.id, "authority": r.authority, **r.tally.as_json(), "carried": r.carried}
            for r in report.clauses
        ],
        "authorities": {name: t.as_json() for name, t in report.by_authority().items()},
        "totals": report.total.as_json(),
        "samples": _SAMPLES_HERE,
    }
    models = compare_models(report)
    if models is not None:
        payload["models"] = models.as_json()
    head, tail = json.dumps(payload, indent=2).split(json.dumps(_SAMPLES_HERE), 1)
    yield head
    first = True
    for item in report.samples:
        text = json.dumps(item.as_json(), indent=2).replace("\n", "\n    ")
        yield ("[\n    " if first else ",\n    ") + text
        first = False
    yield ("[]" if first else "\n  ]") + tail + "\n"


def render_json(report: RunReport) -> str:
    return "".join(json_chunks(report))


def write_report(report: RunReport, report_format: str, out: TextIO) -> None:
    """Write the report in `report_format` (json, junit or html) to `out`; json is written a
    sample at a time."""
    if report_format == "json":
        for chunk in json_chunks(report):
            out.write(chunk)
    else:
        out.write(RENDERERS[report_format](report))


def render_junit(report: RunReport) -> str:
    """A testsuite per clause, a testcase per prompt and epoch: violate is a failure, error an
    error, needs_review and not_applicable are skipped."""
    import xml.etree.ElementTree as ET  # ~15 ms; only the junit report needs it

    root = ET.Element("testsuites", name=xml_safe(f"charter run {report.run.id}"))
    suites: dict[str, ET.Element] = {}
    counts: dict[str, dict[str, int]] = {}
    for item in report.samples:
        sample = item.sample
        suite = suites.get(sample.clause_id)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=xml_safe(sample.clause_id))
            suites[sample.clause_id] = suite
            counts[sample.clause_id] = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        count = counts[sample.clause_id]
        count["tests"] += 1
        case = ET.SubElement(
            suite,
            "testcase",
            classname=xml_safe(f"{sample.model or report.run.model}.{sample.clause_id}"),
            name=xml_safe(f"{item.title} [prompt {sample.prompt_index}, epoch {sample.epoch}]"),
            time=f"{sample.latency or 0.0:.3f}",
        )
        reason = xml_safe(sample.rationale or sample.error or "")
        if sample.verdict == "violate":
            count["failures"] += 1
            ET.SubElement(case, "failure", message=reason).text = xml_safe(sample.reply or "")
        elif sample.verdict == "error":
            count["errors"] += 1
            ET.SubElement(case, "error", message=reason)
        elif sample.verdict != "comply":
            count["skipped"] += 1
            verdict = xml_safe(sample.verdict or "ungraded")
            ET.SubElement(case, "skipped", message=f"{verdict}: {reason}")
    for clause_id, suite in suites.items():
        for key, value in counts[clause_id].items():
            suite.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


RENDERERS: dict[str, Callable[[RunReport], str]] = {
    "json": render_json,
    "junit": render_junit,
    "html": render_html,
}
