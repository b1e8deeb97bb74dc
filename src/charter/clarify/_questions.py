"""Turn lint findings into questions for the spec's author, ranked by impact and uncertainty."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from charter._buffers import read_text
from charter.clarify._options import TEMPLATES, Option, options_for
from charter.lint import Finding, LintConfig, lint_spec
from charter.spec import Spec
from charter.text import slugify

#: A later stage may propose extra options (e.g. from a grader model). It receives the question
#: and returns options to add; without one, questions are fully deterministic.
OptionProposer = Callable[["Question"], list[Option]]

_AUTHORITY_WEIGHT = 5


@dataclass(slots=True)
class Question:
    """One question about one finding."""

    id: str
    finding: Finding
    text: str
    options: list[Option]
    free_text: str
    """Template turning a free-text answer into new wording (`{answer}`, `{text}`)."""
    free_text_prompt: str
    impact: float
    uncertainty: float
    prompts: int
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return self.impact * self.uncertainty

    @property
    def anchor(self) -> str:
        return self.finding.clause or self.finding.section or "spec"


def _prompt_counts(spec: Spec) -> dict[str, int]:
    counts = {pf.id: len(pf.examples) for pf in spec.prompt_files}
    for example in spec.examples:
        if example.section:
            counts[f"#{example.section}"] = counts.get(f"#{example.section}", 0) + 1
    return counts


def _impact(spec: Spec, finding: Finding, counts: dict[str, int]) -> tuple[float, int]:
    clause = spec.clause(finding.clause) if finding.clause else None
    section = spec.section(finding.section) if finding.section else None
    authority = clause.authority if clause else (section.authority if section else None)
    weight = _AUTHORITY_WEIGHT - authority.rank if authority is not None else 1
    prompts = (counts.get(finding.clause, 0) if finding.clause else 0) + counts.get(
        f"#{finding.section}", 0
    )
    return float(weight * (1 + prompts)), prompts


def build_questions(
    spec: Spec,
    config: LintConfig | None = None,
    *,
    proposer: OptionProposer | None = None,
) -> list[Question]:
    """Every question the spec's lint findings raise, highest score first."""
    report = lint_spec(spec, config)
    counts = _prompt_counts(spec)
    texts: dict[str, str] = {}
    questions: list[Question] = []
    used: dict[str, int] = {}
    for finding in report.findings:
        template = TEMPLATES.get(finding.rule.code)
        if template is None:
            continue
        if finding.span.file not in texts:
            path = Path(spec.root) / finding.span.file
            texts[finding.span.file] = read_text(path)
        words = " ".join(finding.text.split())
        anchor = finding.clause or finding.section or "spec"
        base = f"{anchor}.{finding.rule.code}.{slugify(words)[:24]}"
        used[base] = used.get(base, 0) + 1
        question_id = base if used[base] == 1 else f"{base}-{used[base]}"
        impact, prompts = _impact(spec, finding, counts)
        question = Question(
            id=question_id,
            finding=finding,
            text=template.question.format(text=words),
            options=options_for(finding, texts[finding.span.file]),
            free_text=template.free_text,
            free_text_prompt=template.free_text_prompt,
            impact=impact,
            uncertainty=template.uncertainty,
            prompts=prompts,
        )
        if proposer is not None:
            question.options.extend(proposer(question))
        questions.append(question)
    return sorted(
        questions,
        key=lambda q: (-q.score, q.finding.span.file, q.finding.span.line, q.finding.span.column),
    )


_LOGGED_ID = re.compile(r"^- \d{4}-\d{2}-\d{2} `(?P<id>[^`]+)`", re.MULTILINE)


def answered_ids(text: str) -> set[str]:
    """Question ids already in a file's clarifications log."""
    return {match["id"] for match in _LOGGED_ID.finditer(text)}
