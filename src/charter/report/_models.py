"""The models of one run side by side: each clause's pass rate per model, the differences marked.

A run of several models (`charter test -m A -m B`) tests each on the same challenges; this is
the table its reports show. A clause *differs* when the models' pass rates are not all equal,
and is *separated* when two of the models' 95% intervals do not overlap (the difference is more
than noise), as `compare_runs` judges two runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from rich.table import Table
from rich.text import Text

from charter.report._compare import ClauseComparison, cell_text
from charter.report._model import RunReport, Tally


@dataclass(frozen=True, slots=True)
class ModelRow:
    """One clause (or the total): each model's figures, None where it has no sample."""

    clause_id: str
    tallies: dict[str, Tally | None]

    @property
    def rates(self) -> dict[str, float | None]:
        return {m: (t.pass_rate if t is not None else None) for m, t in self.tallies.items()}

    @property
    def differs(self) -> bool:
        """Some models' pass rates are not equal (only the models with a rate count)."""
        known = {rate for rate in self.rates.values() if rate is not None}
        return len(known) > 1

    @property
    def separated(self) -> bool:
        """Two of the models' 95% intervals do not overlap."""
        return any(
            ClauseComparison(self.clause_id, a, b).separated
            for a, b in combinations(self.tallies.values(), 2)
        )

    @property
    def best(self) -> list[str]:
        """The models with the highest pass rate, when the rates differ."""
        if not self.differs:
            return []
        rates = self.rates
        top = max(rate for rate in rates.values() if rate is not None)
        return [model for model, rate in rates.items() if rate == top]

    def as_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause_id,
            "models": {
                m: (t.as_json() if t is not None else None) for m, t in self.tallies.items()
            },
            "differs": self.differs,
            "separated": self.separated,
            "best": self.best,
        }


@dataclass(frozen=True, slots=True)
class ModelComparison:
    models: list[str]
    rows: list[ModelRow]
    total: ModelRow

    def as_json(self) -> dict[str, Any]:
        return {
            "models": self.models,
            "clauses": [row.as_json() for row in self.rows],
            "total": self.total.as_json(),
        }


def compare_models(report: RunReport) -> ModelComparison | None:
    """The run's clauses with each model's figures, in plan order; None for a run of one model."""
    if len(report.models) < 2:
        return None
    reports = report.per_model()
    rows = []
    for result in report.clauses:
        tallies: dict[str, Tally | None] = {}
        for model, own in reports.items():
            found = own.clause(result.id)
            tallies[model] = found.tally if found is not None and found.tally.total else None
        rows.append(ModelRow(result.id, tallies))
    total = ModelRow("total", {model: own.total for model, own in reports.items()})
    return ModelComparison(list(reports), rows, total)


def model_rows(comparison: ModelComparison) -> list[list[str]]:
    """(clause, one cell per model, difference) as text, the total last; `differs` in the last
    column, with `*` when two intervals do not overlap."""
    shown = []
    for row in [*comparison.rows, comparison.total]:
        mark = ("differs" + (" *" if row.separated else "")) if row.differs else ""
        cells = [cell_text(row.tallies[model]) for model in comparison.models]
        shown.append([row.clause_id, *cells, mark])
    return shown


def model_table(report: RunReport, comparison: ModelComparison) -> Table:
    """The comparison as the terminal prints it; differing rows in bold, the best model's cell
    in green."""
    table = Table(title=f"run {report.run.id}: models side by side", title_justify="left")
    for header in ("clause", *comparison.models, "difference"):
        table.add_column(header)
    for row, cells in zip(
        [*comparison.rows, comparison.total], model_rows(comparison), strict=True
    ):
        style = "bold" if row.differs else ""
        texts = [Text(cells[0], style=style)]
        for model, cell in zip(comparison.models, cells[1:-1], strict=True):
            texts.append(Text(cell, style="green" if model in row.best else style))
        texts.append(Text(cells[-1], style="yellow" if row.differs else ""))
        table.add_row(*texts)
    if any(row.separated for row in [*comparison.rows, comparison.total]):
        table.caption = "* two models' 95% intervals do not overlap"
    return table
