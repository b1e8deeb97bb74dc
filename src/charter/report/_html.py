"""`--report html`: one self-contained page (inline CSS and JS, no external requests).

The run is embedded as JSON in a `<script type="application/json">` block with `<`, `>`, `&`
and U+2028/U+2029 escaped, and `report.js` builds the page from it with `textContent` only, so
no model or spec text is ever parsed as HTML. A Content-Security-Policy admits only the page's
own script and style (by hash) and forbids every request.

Judge calibration slot: when `.charter/calibration/<grader>.json` exists for the run's grader,
its accuracy, kappa and confusion matrix are shown (see `load_calibration` for what is read).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from charter.report._model import ClauseResult, RunReport, SampleResult
from charter.report._models import compare_models

CALIBRATION_DIR = Path(".charter") / "calibration"

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def embed_json(data: Any) -> str:
    """`data` as JSON that is safe inside a `<script>` element: it cannot close the element,
    open a comment, or end a JavaScript line."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda match: _JSON_ESCAPES[match[0]], text)


def _asset(name: str) -> str:
    return resources.files("charter.report").joinpath("html", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# calibration


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _first_number(sources: list[dict[str, Any]], keys: tuple[str, ...]) -> float | None:
    for source in sources:
        for key in keys:
            found = _number(source.get(key))
            if found is not None:
                return found
    return None


def _confusion(sources: list[dict[str, Any]]) -> tuple[list[str], list[list[float]]] | None:
    """Labels and rows (reference verdict) x columns (judge verdict) from either
    `{"labels": [...], "matrix": [[...]]}` or `{reference: {judge: count}}`."""
    for source in sources:
        table = source.get("confusion", source.get("confusion_matrix"))
        labels = source.get("labels")
        if isinstance(table, dict) and "matrix" in table:
            labels, table = table.get("labels"), table["matrix"]
        if isinstance(table, list) and isinstance(labels, list):
            rows = [[_number(cell) for cell in row] for row in table if isinstance(row, list)]
            square = len(rows) == len(labels) and all(len(row) == len(labels) for row in rows)
            if square and all(cell is not None for row in rows for cell in row):
                return [str(label) for label in labels], [
                    [cell or 0.0 for cell in row] for row in rows
                ]
        if isinstance(table, dict) and all(isinstance(row, dict) for row in table.values()):
            names = list(dict.fromkeys([*table, *(col for row in table.values() for col in row)]))
            matrix = [
                [_number(table.get(row, {}).get(col)) or 0.0 for col in names] for row in names
            ]
            return [str(name) for name in names], matrix
    return None


def calibration_candidates(grader: str) -> list[str]:
    """File stems tried for a grader, first the one `charter calibrate` writes (the grader
    without `judge:`, each run of characters other than letters, digits, `.`, `_` and `-` as
    one `_`), then the names as recorded (`judge:openai:x`, `openai:x`)."""
    names = [grader.removeprefix("judge:"), grader]
    safe = [re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") for name in names]
    return list(dict.fromkeys([*safe, *names]))


def load_calibration(project_root: Path, grader: str | None) -> dict[str, Any] | None:
    """The calibration summary for `grader`, or None when no file exists for it.

    Reads `<project>/.charter/calibration/<grader>.json` and takes, each where present:
    `accuracy` and `kappa` (also `cohen_kappa`, at the top level or under `overall`), `n`,
    `reliable` (true/false), and a confusion matrix as `confusion` / `confusion_matrix` in
    either shape `_confusion` accepts.
    Absent or malformed keys are left out; an unreadable file is reported, not raised."""
    if not grader:
        return None
    folder = project_root / CALIBRATION_DIR
    for stem in calibration_candidates(grader):
        path = folder / f"{stem}.json"
        if path.is_file():
            break
    else:
        return None
    summary: dict[str, Any] = {"path": str(path), "grader": grader}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        summary["problem"] = f"unreadable: {error}"
        return summary
    if not isinstance(data, dict):
        summary["problem"] = "not a JSON object"
        return summary
    overall = data.get("overall")
    sources = [data, overall] if isinstance(overall, dict) else [data]
    summary["accuracy"] = _first_number(sources, ("accuracy", "overall_accuracy"))
    summary["kappa"] = _first_number(sources, ("kappa", "cohen_kappa", "cohens_kappa"))
    summary["n"] = _first_number(sources, ("n", "precedents", "count", "total"))
    reliable = data.get("reliable")
    summary["reliable"] = reliable if isinstance(reliable, bool) else None
    confusion = _confusion(sources)
    if confusion is not None:
        summary["labels"], summary["matrix"] = confusion
    return summary


# the embedded data


PAGE_SAMPLES = 2000
"""About the most samples one page embeds (some 1 MB of a typical run): a larger run shows each
clause's first samples, those that did not pass before those that did."""
FEWEST_PER_CLAUSE = 5
"""Every clause shows at least this many of its samples, however many clauses the run has."""
_PASSED = "comply"


def _clause(result: ClauseResult, texts: dict[str, str], omitted: int) -> dict[str, Any]:
    return {
        "id": result.id,
        "authority": result.authority,
        "text": texts.get(result.id, ""),
        "carried": result.carried,
        "omitted": omitted,
        **result.tally.as_json(),
    }


def page_samples(report: RunReport) -> tuple[list[SampleResult], dict[str, int], dict[str, str]]:
    """The samples one page embeds, in run order, how many of each clause's are left out, and
    each clause's text. Each clause keeps up to `PAGE_SAMPLES / clauses` (at least
    `FEWEST_PER_CLAUSE`), its samples that did not pass first. One pass over the samples,
    holding no more than twice what the page keeps."""
    sampled = [result for result in report.clauses if result.tally.total] or report.clauses
    share = max(FEWEST_PER_CLAUSE, PAGE_SAMPLES // max(1, len(sampled)))
    failing: dict[str, list[SampleResult]] = {}
    passing: dict[str, list[SampleResult]] = {}
    seen: dict[str, int] = {}
    texts: dict[str, str] = {}
    for item in report.samples:
        clause_id = item.sample.clause_id
        seen[clause_id] = seen.get(clause_id, 0) + 1
        if item.challenge is not None:
            texts.setdefault(clause_id, item.challenge.clause_text)
        kept = passing if item.sample.verdict == _PASSED else failing
        bucket = kept.setdefault(clause_id, [])
        if len(bucket) < share:
            bucket.append(item)
    chosen: list[SampleResult] = []
    for clause_id in seen:
        bad = failing.get(clause_id, [])
        chosen += bad + passing.get(clause_id, [])[: share - len(bad)]
    chosen.sort(key=lambda item: item.sample.id)
    omitted = {clause_id: max(0, count - share) for clause_id, count in seen.items()}
    return chosen, omitted, texts


def report_data(report: RunReport, calibration: dict[str, Any] | None) -> dict[str, Any]:
    """Everything the page shows, as plain JSON data (a large run's samples in part: see
    `page_samples`)."""
    samples, omitted, texts = page_samples(report)
    return {
        "run": report.metadata(),
        "totals": report.total.as_json(),
        "clauses": [_clause(result, texts, omitted.get(result.id, 0)) for result in report.clauses],
        "samples": [item.as_json() for item in samples],
        "calibration": calibration,
        "models": None if (models := compare_models(report)) is None else models.as_json(),
    }


def render_html(report: RunReport, *, project_root: Path | None = None) -> str:
    """The report page. Calibration is looked up under `project_root` (default: the run's
    project folder)."""
    root = project_root if project_root is not None else Path(report.run.project)
    data = report_data(report, load_calibration(root, report.run.grader))
    style, script = _asset("report.css"), _asset("report.js")
    policy = (
        f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    values = {
        "csp": html.escape(policy),
        "title": html.escape(f"Charter run {report.run.id}: {', '.join(report.models)}"),
        "style": style,
        "data": embed_json(data),
        "script": script,
    }
    # One pass over the shell: text put in is never searched for placeholders again.
    return _PLACEHOLDER.sub(lambda match: values[match[1]], _asset("shell.html"))
