"""Training data from a spec project: SFT rows, DPO pairs, and the files they are written to.

SFT rows follow deliberative alignment: the conversation without the spec, a reasoning part that
cites the clauses the reply applies (`[^id]`), and the reply. A row whose reasoning cites no clause,
an id the spec lacks, or a clause the row is not about is dropped and counted. No row's
conversation is a held-out prompt (see `LeakGuard`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.model import Message
from charter.run import message_json
from charter.spec import Project, Spec
from charter.train._cases import Case, precedent_cases, run_cases, spec_cases
from charter.train._settings import TrainError, project_settings
from charter.train._split import LeakGuard, SplitPrompt, split_prompts

KINDS = ("sft", "dpo")
FORMATS = ("openai", "hf")
_CITATION = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass(frozen=True, slots=True)
class SftRow:
    conversation: tuple[Message, ...]
    reasoning: str
    reply: str
    clause_ids: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class DpoRow:
    conversation: tuple[Message, ...]
    chosen: str
    rejected: str
    clause_ids: tuple[str, ...]
    source: str


@dataclass(slots=True)
class Export:
    """What an export found: its rows and what it left out, with reasons."""

    kind: str
    rows: list[SftRow] | list[DpoRow]
    spec_name: str
    spec_version: str
    content_hash: str
    split_seed: int
    sources: Counter[str] = field(default_factory=Counter)
    dropped_citation: int = 0
    withheld_eval: int = 0
    prompts: Counter[str] = field(default_factory=Counter)
    """Challenge prompts per split."""

    def summary(self) -> str:
        by_source = ", ".join(f"{n} from {name}" for name, n in sorted(self.sources.items()))
        splits = ", ".join(f"{n} {name}" for name, n in sorted(self.prompts.items()))
        return (
            f"{len(self.rows)} {self.kind} rows ({by_source or 'none'}); "
            f"{self.dropped_citation} dropped by the citation check; "
            f"{self.withheld_eval} withheld as held-out prompts; prompts: {splits or 'none'}"
        )


def reasoning_for(spec: Spec, case: Case) -> str:
    """The reasoning part: each clause the case is about, cited with its text, then the
    case's own rationale (which may cite more clauses: the citation check reads them too)."""
    lines = []
    for clause_id in case.clause_ids:
        clause = spec.clause(clause_id)
        if clause is not None:
            lines.append(f"[^{clause_id}] applies: {clause.text}")
    if case.rationale:
        lines.append(case.rationale)
    return "\n".join(lines)


def citation_problem(spec: Spec, reasoning: str, clause_ids: tuple[str, ...]) -> str | None:
    """Why the reasoning's citations are unacceptable, or None when every one is sound."""
    cited = _CITATION.findall(reasoning)
    if not cited:
        return "cites no clause"
    known = {clause.id for clause in spec.clauses}
    for clause_id in cited:
        if clause_id not in known:
            return f"cites [^{clause_id}], which is no clause of the spec"
        if clause_id not in clause_ids:
            return f"cites [^{clause_id}], a clause the row is not about"
    return None


def collect_cases(project: Project, run_ids: list[str]) -> list[Case]:
    root = Path(project.spec.root)
    return [*spec_cases(project.spec), *precedent_cases(root), *run_cases(root, run_ids)]


def _source_kind(source: str) -> str:
    return source.split(" ", 1)[0].replace("spec", "inline example")


def build_export(project: Project, kind: str, run_ids: list[str] | None = None) -> Export:
    """The `kind` (sft or dpo) rows of the project, held-out prompts excluded."""
    if kind not in KINDS:
        raise TrainError(f"export kind must be one of {', '.join(KINDS)}, or reward; not `{kind}`")
    from charter.version import content_hash

    spec = project.spec
    settings = project_settings(project)
    prompts = split_prompts(spec, settings.split_seed, settings.eval_fraction)
    guard = LeakGuard.of(prompts)
    export = Export(
        kind=kind,
        rows=[],
        spec_name=spec.name or Path(spec.root).name,
        spec_version=spec.version or "unversioned",
        content_hash=content_hash(spec),
        split_seed=settings.split_seed,
        prompts=Counter(item.split for item in prompts),
    )
    cases = []
    for case in collect_cases(project, run_ids or []):
        if guard.holds(case.conversation):
            export.withheld_eval += 1
        else:
            cases.append(case)
    if kind == "sft":
        export.rows = _sft_rows(spec, cases, export)
    else:
        export.rows = _dpo_rows(cases, export)
    return export


def train_prompts(project: Project) -> list[SplitPrompt]:
    """The project's prompts in the train split (what sampling and rewards may use)."""
    settings = project_settings(project)
    prompts = split_prompts(project.spec, settings.split_seed, settings.eval_fraction)
    return [item for item in prompts if item.split == "train"]


def _sft_rows(spec: Spec, cases: list[Case], export: Export) -> list[SftRow]:
    rows = []
    for case in cases:
        if case.verdict != "comply":
            continue
        reasoning = reasoning_for(spec, case)
        if citation_problem(spec, reasoning, case.clause_ids) is not None:
            export.dropped_citation += 1
            continue
        rows.append(SftRow(case.conversation, reasoning, case.reply, case.clause_ids, case.source))
        export.sources[_source_kind(case.source)] += 1
    return rows


def _dpo_rows(cases: list[Case], export: Export) -> list[DpoRow]:
    """Every comply x violate pair of replies to the same conversation."""
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.conversation_key, []).append(case)
    rows = []
    for group in groups.values():
        chosen = [case for case in group if case.verdict == "comply"]
        rejected = [case for case in group if case.verdict == "violate"]
        for good in chosen:
            for bad in rejected:
                clause_ids = tuple(dict.fromkeys((*good.clause_ids, *bad.clause_ids)))
                source = f"{good.source} | {bad.source}"
                rows.append(DpoRow(good.conversation, good.reply, bad.reply, clause_ids, source))
                export.sources[_source_kind(good.source)] += 1
    return rows


def _messages(conversation: tuple[Message, ...]) -> list[dict[str, Any]]:
    return [message_json(message) for message in conversation]


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def openai_row(row: SftRow | DpoRow) -> dict[str, Any]:
    """OpenAI fine-tuning JSONL: chat `messages` (SFT) or `input`/`preferred_output` (DPO)."""
    if isinstance(row, SftRow):
        return {"messages": [*_messages(row.conversation), *_assistant(row.reply)]}
    return {
        "input": {"messages": _messages(row.conversation)},
        "preferred_output": _assistant(row.chosen),
        "non_preferred_output": _assistant(row.rejected),
    }


def hf_row(row: SftRow | DpoRow) -> dict[str, Any]:
    """Hugging Face / TRL conversational prompt-completion (SFT) or preference (DPO) row."""
    common = {"clause_ids": list(row.clause_ids), "source": row.source}
    if isinstance(row, SftRow):
        return {
            "prompt": _messages(row.conversation),
            "reasoning": row.reasoning,
            "completion": _assistant(row.reply),
            **common,
        }
    return {
        "prompt": _messages(row.conversation),
        "chosen": _assistant(row.chosen),
        "rejected": _assistant(row.rejected),
        **common,
    }


def require_rows(export: Export) -> None:
    """Raise `TrainError` (one line) when the export has no row to train on."""
    if not export.rows:
        raise TrainError(
            f"no trainable {export.kind} rows in {export.spec_name} ({export.summary()}); add "
            "GOOD examples or precedents, or pass --run with a graded run"
        )


def write_export(export: Export, output: Path, output_format: str) -> list[Path]:
    """Write the rows: one JSONL file (openai) or a dataset folder with a card (hf)."""
    if output_format not in FORMATS:
        raise TrainError(f"--format must be one of {', '.join(FORMATS)}, not `{output_format}`")
    require_rows(export)
    if output_format == "openai":
        output.parent.mkdir(parents=True, exist_ok=True)
        _write_jsonl(output, [openai_row(row) for row in export.rows])
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    data = output / "train.jsonl"
    _write_jsonl(data, [hf_row(row) for row in export.rows])
    card = output / "README.md"
    card.write_text(dataset_card(export), encoding="utf-8")
    return [data, card]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def dataset_card(export: Export) -> str:
    """The dataset folder's README.md: YAML header for the Hub loader, then provenance."""
    sources = "\n".join(f"- {name}: {count}" for name, count in sorted(export.sources.items()))
    return (
        "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n"
        "    path: train.jsonl\n---\n\n"
        f"# {export.spec_name} {export.kind} data\n\n"
        f"Exported by Charter from spec **{export.spec_name}** version **{export.spec_version}**, "
        f"content hash `{export.content_hash}`.\n\n"
        f"- rows: {len(export.rows)}\n"
        f"- dropped by the citation check: {export.dropped_citation}\n"
        f"- withheld because their prompt is held out (eval split or eval-only): "
        f"{export.withheld_eval}\n"
        f"- split seed: {export.split_seed}\n\n"
        f"## Rows by source\n\n{sources}\n\n"
        "Every row carries `source` (where the reply and its verdict come from) and `clause_ids`."
        "\nNo row's conversation is an eval-split or eval-only challenge prompt.\n"
    )
