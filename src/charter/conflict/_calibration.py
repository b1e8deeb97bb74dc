"""Calibration of the conflict judge: its agreement with pairs a person labelled.

`[conflicts] calibration = "conflict-pairs.toml"` names a file of labelled pairs:

    [[pairs]]
    first = "The assistant must give a delivery date."
    second = "The assistant must not promise a delivery date."
    conflict = true

Before its verdicts are used, the judge is asked about every labelled pair (through the same
verdict cache, so a re-run sends nothing) and its agreement is measured as for any grader:
accuracy, the share of conflicts it found and of non-conflicts it cleared, Cohen's kappa. A judge
whose kappa is below `RELIABLE_KAPPA`, or that was measured on fewer than `MIN_PRECEDENTS` pairs,
does not decide: its verdicts are shown, and the pair stays a candidate for a person.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from charter.conflict._config import line_of
from charter.spec import SpecLoadError

if TYPE_CHECKING:
    from charter._agreement import Agreement
    from charter.conflict._judge import JudgeVerdict

#: Labels in the grader's vocabulary, so the grader's figures apply unchanged.
_CONFLICT, _CLEAR, _MISSING = "violate", "comply", "error"


@dataclass(frozen=True, slots=True)
class LabelledPair:
    first: str
    second: str
    conflict: bool


@dataclass(frozen=True, slots=True)
class JudgeCalibration:
    """The judge's figures on the labelled pairs."""

    judge: str
    agreement: Agreement
    reliable: bool
    source: str

    def summary(self) -> str:
        """One phrase for the findings: how far the judge's verdicts can be trusted."""
        figures = self.agreement
        kappa = "n/a" if figures.kappa is None else f"{figures.kappa:.2f}"
        accuracy = 0.0 if figures.accuracy is None else figures.accuracy
        hits = round(accuracy * figures.n)
        return f"agrees on {hits}/{figures.n} labelled pairs of {self.source}, kappa {kappa}"


def load_pairs(root: Path, name: str) -> list[LabelledPair]:
    """The labelled pairs of `name` (relative to the project root). Raises `SpecLoadError`
    with the file and line when the file is missing or an entry is malformed."""
    path = root / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecLoadError(
            f"charter.toml: [conflicts] calibration = {name!r}: cannot read it ({error.strerror})",
            "write the labelled pairs there, or remove the setting",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecLoadError(f"{name}: not valid TOML: {error}") from None
    entries = data.get("pairs")
    if not isinstance(entries, list) or not entries:
        raise SpecLoadError(
            f"{name}:1: no labelled pairs", "add [[pairs]] tables: first, second, conflict"
        )
    found = []
    for number, entry in enumerate(entries, 1):
        first, second = entry.get("first"), entry.get("second")
        label = entry.get("conflict")
        if not (isinstance(first, str) and first.strip() and isinstance(second, str)):
            problem = "`first` and `second` must be the two clause texts"
        elif not second.strip():
            problem = "`second` is empty"
        elif not isinstance(label, bool):
            problem = "`conflict` must be true or false"
        else:
            found.append(LabelledPair(first, second, label))
            continue
        raise SpecLoadError(
            f"{name}:{line_of(text, number, '[[pairs]]')}: labelled pair {number}: {problem}",
            'write first = "...", second = "..." and conflict = true or false',
        )
    return found


def _label(verdict: bool | None) -> str:
    return _MISSING if verdict is None else _CONFLICT if verdict else _CLEAR


def measure(
    judge: str, source: str, pairs: list[LabelledPair], verdicts: list[JudgeVerdict]
) -> JudgeCalibration:
    """The judge's agreement with the labels; a verdict it could not give counts as a miss."""
    from charter._agreement import MIN_PRECEDENTS, agreement, is_reliable

    figures = agreement(
        [(_label(p.conflict), _label(v.conflict)) for p, v in zip(pairs, verdicts, strict=True)]
    )
    reliable = is_reliable(figures.kappa) and figures.n >= MIN_PRECEDENTS
    return JudgeCalibration(judge, figures, reliable, source)
