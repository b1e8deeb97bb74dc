"""Agreement between a judge and decided cases: accuracy, TPR/TNR, Cohen's kappa, confusion, and
when a judge counts as reliable. Shared by the graders' calibration and the conflict judge's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LABELS = ("comply", "violate", "not_applicable")
MISSING = "error"
"""The predicted label for an `error` or `needs_review` grade: counted as a miss."""
RELIABLE_KAPPA = 0.4
"""Below this kappa a judge's verdicts are shown as unreliable (needs review)."""
MIN_PRECEDENTS = 20
"""Fewer precedents than this measure nothing: the judge stays unmeasured, whatever its kappa
(`[judge] min-precedents` in charter.toml changes it)."""


def is_reliable(kappa: float | None) -> bool:
    return kappa is not None and kappa >= RELIABLE_KAPPA


@dataclass(frozen=True, slots=True)
class Agreement:
    """Figures for one set of (expected, predicted) pairs. Rates are None when undefined."""

    n: int
    accuracy: float | None
    balanced_accuracy: float | None
    tpr: float | None
    """Share of `violate` cases the judge called `violate` (violations found)."""
    tnr: float | None
    """Share of `comply` cases the judge called `comply`."""
    kappa: float | None
    confusion: dict[str, dict[str, int]]

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "balanced_accuracy": self.balanced_accuracy,
            "tpr": self.tpr,
            "tnr": self.tnr,
            "kappa": self.kappa,
            "confusion": self.confusion,
        }


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters; None with no pairs or when chance agreement is total."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for expected, got in pairs if expected == got) / n
    first = Counter(expected for expected, _ in pairs)
    second = Counter(got for _, got in pairs)
    chance = sum(first[label] * second[label] for label in first) / (n * n)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1.0 - chance)


def agreement(pairs: Sequence[tuple[str, str]]) -> Agreement:
    """Figures for (expected, predicted) pairs; predicted labels outside `LABELS` are misses."""
    n = len(pairs)
    hits = sum(1 for expected, got in pairs if expected == got)
    violate = [got for expected, got in pairs if expected == "violate"]
    comply = [got for expected, got in pairs if expected == "comply"]
    tpr = _rate(violate.count("violate"), len(violate))
    tnr = _rate(comply.count("comply"), len(comply))
    rates = [rate for rate in (tpr, tnr) if rate is not None]
    confusion: dict[str, dict[str, int]] = {}
    for expected, got in pairs:
        row = confusion.setdefault(expected, {})
        row[got] = row.get(got, 0) + 1
    return Agreement(
        n=n,
        accuracy=_rate(hits, n),
        balanced_accuracy=sum(rates) / len(rates) if rates else None,
        tpr=tpr,
        tnr=tnr,
        kappa=cohen_kappa(pairs),
        confusion=confusion,
    )
