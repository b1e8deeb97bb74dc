"""The Clarify screen: the questions of `charter clarify` and the judge's disagreements with
precedents (`charter calibrate`), each answer previewed as a diff, then applied as a direct edit
or written as an amendment proposal."""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.clarify import Answer, Question, answered_ids, apply_answers, build_questions, choose
from charter.lint import project_lint_config
from charter.precedent import load_precedents, write_precedent
from charter.report import CALIBRATION_DIR
from charter.studio._workspace import StudioError, Workspace
from charter.version import AMENDMENTS_DIR, Amendment, Delta, Op, content_hash, plan_edits


def open_questions(workspace: Workspace) -> list[Question]:
    """The clarify questions not answered yet (the `## Clarifications` log records answers)."""
    spec = workspace.loaded().project.spec
    questions = build_questions(spec, project_lint_config(spec.root))
    done: set[str] = set()
    for spec_file in spec.files:
        done |= answered_ids(workspace.read(spec_file.path))
    return [question for question in questions if question.id not in done]


def answer_for(workspace: Workspace, question_id: str, choice: str, definition: str) -> Answer:
    """The answer a form gave: `choice` is an option number or free text."""
    question = next((q for q in open_questions(workspace) if q.id == question_id), None)
    if question is None:
        raise StudioError(
            f"no open question `{question_id}` (answered already, or the spec changed)"
        )
    if not choice.strip():
        raise StudioError("choose an option or type an answer")
    answer = choose(question, choice, definition.strip() or None)
    if answer.option is not None and answer.option.definition and not answer.definition:
        raise StudioError("this option adds a definition: type the definition")
    return answer


def unified(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(lines)


def preview_answer(workspace: Workspace, answer: Answer) -> str:
    """The diff applying `answer` would make, computed on a scratch copy of its file."""
    rel = answer.question.finding.span.file
    source = workspace.path(rel)
    with tempfile.TemporaryDirectory(prefix="charter-studio-") as scratch:
        copy = Path(scratch) / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        apply_answers(scratch, [answer])
        after = copy.read_bytes().decode("utf-8")
    return unified(rel, source.read_bytes().decode("utf-8"), after)


def apply_answer(workspace: Workspace, answer: Answer) -> str:
    """Write the answer into the spec (the edit and the log entry); returns what it says."""
    applied = apply_answers(workspace.root, [answer])
    workspace.forget()
    skipped = [item.skipped for item in applied if item.skipped]
    if skipped:
        raise StudioError(f"not applied: {skipped[0]}")
    return f"{answer.question.id}: {answer.label}"


def new_sentence(answer: Answer) -> tuple[str, str]:
    """(clause id, the flagged sentence with the answer in it), for an amendment."""
    finding = answer.question.finding
    change = answer.replacement()
    if finding.clause is None or change is None:
        raise StudioError("this answer changes no clause sentence: apply it as a direct edit")
    start, end, new = change
    lo = start - finding.sentence_offset
    hi = end - finding.sentence_offset
    if lo < 0 or hi > len(finding.sentence):
        raise StudioError("the answer reaches outside its sentence: apply it as a direct edit")
    return finding.clause, finding.sentence[:lo] + new + finding.sentence[hi:]


def _amendment(
    workspace: Workspace, clause_id: str, sentence: str, why: str
) -> tuple[Amendment, str]:
    spec = workspace.loaded().project.spec
    name = f"clarify-{clause_id}"
    path = workspace.path(f"{AMENDMENTS_DIR}/{name}.md")
    meta = {
        "title": f"Clarify [^{clause_id}]",
        "author": getpass.getuser(),
        "date": dt.date.today().isoformat(),
        "base": spec.version or content_hash(spec),
    }
    front = "".join(f"{key}: {json.dumps(value)}\n" for key, value in meta.items())
    one_line = " ".join(sentence.split())
    text = (
        f"---\n{front}---\n\n## Why\n\n{why}\n\n## MODIFIED\n\n### [^{clause_id}]\n\n{one_line}\n"
    )
    amendment = Amendment(name, path, path.relative_to(workspace.root).as_posix(), meta=meta)
    amendment.why = why
    amendment.deltas.append(Delta(Op.MODIFIED, clause_id, 1, one_line))
    return amendment, text


def amendment_preview(workspace: Workspace, clause_id: str, sentence: str) -> str:
    """The diff the amendment would make when applied (`charter amend apply`)."""
    amendment, _ = _amendment(workspace, clause_id, sentence, "")
    plan = plan_edits(amendment, workspace.loaded().project)
    if plan.problems:
        raise StudioError(str(plan.problems[0]))
    parts = []
    for path, after in plan.writes.items():
        rel = path.relative_to(workspace.root).as_posix()
        parts.append(unified(rel, path.read_bytes().decode("utf-8"), after))
    return "".join(parts)


def propose_amendment(workspace: Workspace, clause_id: str, sentence: str, why: str) -> str:
    """Write `amendments/clarify-<clause>.md`; refused when that proposal exists already."""
    amendment_preview(workspace, clause_id, sentence)  # refuse one that cannot be applied
    amendment, text = _amendment(workspace, clause_id, sentence, why)
    if amendment.path.exists():
        raise StudioError(f"{amendment.rel} exists already: apply or delete it first")
    amendment.path.parent.mkdir(parents=True, exist_ok=True)
    amendment.path.write_text(text, encoding="utf-8")
    return f"amendment proposal written to {amendment.rel}"


def apply_sentence(workspace: Workspace, clause_id: str, sentence: str) -> str:
    """Replace the clause's sentence directly (the edit the amendment would make)."""
    amendment, _ = _amendment(workspace, clause_id, sentence, "")
    plan = plan_edits(amendment, workspace.loaded().project)
    if plan.problems:
        raise StudioError(str(plan.problems[0]))
    for path, after in plan.writes.items():
        workspace.path(path.relative_to(workspace.root).as_posix()).write_text(after, "utf-8")
    workspace.forget()
    return f"[^{clause_id}] rewritten"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A precedent the judge graded otherwise, from a saved calibration."""

    grader: str
    precedent: str
    clause_ids: list[str]
    expected: str
    got: str
    rationale: str
    path: str | None


def disagreements(workspace: Workspace) -> list[Disagreement]:
    """Every disagreement in `.charter/calibration/*.json` that still stands: a precedent
    changed to the judge's verdict since is settled."""
    folder = workspace.root / CALIBRATION_DIR
    verdicts = {precedent.id: precedent.verdict for precedent in load_precedents(workspace.root)[0]}
    found: list[Disagreement] = []
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for item in data.get("disagreements", []) if isinstance(data, dict) else []:
            if not isinstance(item, dict) or not isinstance(item.get("precedent"), str):
                continue
            if verdicts.get(item["precedent"]) == item.get("got"):
                continue
            found.append(
                Disagreement(
                    str(data.get("grader", file.stem)),
                    item["precedent"],
                    [str(c) for c in item.get("clause_ids") or []],
                    str(item.get("expected")),
                    str(item.get("got")),
                    str(item.get("rationale") or ""),
                    item.get("path") if isinstance(item.get("path"), str) else None,
                )
            )
    return found


def accept_judge(workspace: Workspace, item: Disagreement) -> str:
    """The judge is right: the precedent's verdict becomes the judge's."""
    from dataclasses import replace

    from charter.precedent import read_precedent

    if item.path is None or item.got not in ("comply", "violate", "not_applicable"):
        raise StudioError(f"precedent `{item.precedent}` cannot be changed from here")
    path = workspace.path(item.path)
    precedent = read_precedent(path)
    changed = replace(
        precedent, verdict=item.got, note=f"verdict changed to agree with {item.grader}"
    )
    write_precedent(workspace.root, changed, path)
    return f"precedent {item.precedent} now says {item.got}"
