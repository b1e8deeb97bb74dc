"""Reports on a stored run: `RunReport.load(store, run_id)`, then a renderer, then the gate."""

from charter.report._gate import Gate, GateResult, evaluate
from charter.report._html import embed_json, load_calibration, render_html
from charter.report._model import ClauseResult, RunReport, SampleResult, Tally, wilson_interval
from charter.report._render import (
    RENDERERS,
    clause_table,
    print_terminal,
    render_json,
    render_junit,
)
from charter.report._tables import runs_table, samples_table

__all__ = [
    "RENDERERS",
    "ClauseResult",
    "Gate",
    "GateResult",
    "RunReport",
    "SampleResult",
    "Tally",
    "clause_table",
    "embed_json",
    "evaluate",
    "load_calibration",
    "print_terminal",
    "render_html",
    "render_json",
    "render_junit",
    "runs_table",
    "samples_table",
    "wilson_interval",
]
