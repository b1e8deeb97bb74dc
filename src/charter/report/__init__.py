"""Reports on a stored run: `RunReport.load(store, run_id)`, then a renderer, then the gate."""

from charter.report._compare import (
    ClauseComparison,
    Comparison,
    HistoryPoint,
    clause_history,
    compare_runs,
    comparison_rows,
    comparison_table,
    latest_run_of,
)
from charter.report._gate import Gate, GateResult, evaluate
from charter.report._html import CALIBRATION_DIR, embed_json, load_calibration, render_html
from charter.report._model import (
    ClauseResult,
    RunReport,
    SampleResult,
    StoredSamples,
    Tally,
    wilson_interval,
)
from charter.report._models import (
    ModelComparison,
    ModelRow,
    compare_models,
    model_rows,
    model_table,
)
from charter.report._render import (
    RENDERERS,
    clause_table,
    print_terminal,
    render_json,
    render_junit,
    write_report,
)
from charter.report._tables import runs_table, samples_table

__all__ = [
    "CALIBRATION_DIR",
    "RENDERERS",
    "ClauseComparison",
    "ClauseResult",
    "Comparison",
    "Gate",
    "GateResult",
    "HistoryPoint",
    "ModelComparison",
    "ModelRow",
    "RunReport",
    "SampleResult",
    "StoredSamples",
    "Tally",
    "clause_history",
    "clause_table",
    "compare_models",
    "compare_runs",
    "comparison_rows",
    "comparison_table",
    "embed_json",
    "evaluate",
    "latest_run_of",
    "load_calibration",
    "model_rows",
    "model_table",
    "print_terminal",
    "render_html",
    "render_json",
    "render_junit",
    "runs_table",
    "samples_table",
    "wilson_interval",
    "write_report",
]
