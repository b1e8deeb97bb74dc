"""Answers: read from a YAML file, or given one at a time, and matched to questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter._yaml import YamlError, load_yaml
from charter.clarify._options import Option
from charter.clarify._questions import Question
from charter.errors import SpecError


class AnswersError(SpecError):
    """An answers file that cannot be used: one line with file:line, what and what to do."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The author's choice for one question: an option, or free text, or a definition."""

    question: Question
    option: Option | None
    free_text: str | None = None
    definition: str | None = None

    @property
    def label(self) -> str:
        if self.option is not None:
            return self.option.label + (f": {self.definition}" if self.definition else "")
        return self.free_text or ""

    def replacement(self) -> tuple[int, int, str] | None:
        """File offsets and new text, or None when nothing in the sentence changes."""
        if self.option is not None:
            if self.option.replacement is None:
                return None
            return self.option.start, self.option.end, self.option.replacement
        finding = self.question.finding
        words = " ".join(finding.text.split())
        new = self.question.free_text.format(text=words, answer=self.free_text or "")
        return finding.offset, finding.offset + len(finding.text), new


def choose(question: Question, reply: str, definition: str | None = None) -> Answer:
    """Match a reply (option number, option label, or free text) to the question."""
    text = reply.strip()
    if text.isdigit() and 1 <= int(text) <= len(question.options):
        option = question.options[int(text) - 1]
        return Answer(question, option, definition=definition if option.definition else None)
    for option in question.options:
        if text.lower() == option.label.lower() or (
            option.definition and text.lower() == "add a definition"
        ):
            return Answer(question, option, definition=definition if option.definition else None)
    return Answer(question, None, free_text=text)


def load_answers(path: Path, questions: list[Question]) -> list[Answer]:
    """Read `- {id: ..., answer: ...}` or `- {clause: ..., rule: ..., answer: ...}` entries."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AnswersError(f"{path}: not UTF-8 text (save it as UTF-8)") from None
    try:
        document = load_yaml(raw)
    except YamlError as error:
        raise AnswersError(
            f"{path}:{error.line}: not valid YAML: {error.message} "
            "(write a list of `- id: ... answer: ...` entries)"
        ) from None
    data: Any = document.data
    if data is None:
        return []
    if not isinstance(data, list):
        raise AnswersError(f"{path}:1: answers must be a YAML list of `- id: ..., answer: ...`")
    by_id = {question.id: question for question in questions}
    found: list[Answer] = []
    for entry, line in zip(data, document.item_lines(), strict=True):
        where = f"{path}:{line}"
        if not isinstance(entry, dict) or "answer" not in entry:
            raise AnswersError(f"{where}: each entry needs `answer` and `id` (or clause + rule)")
        question = _find(entry, questions, by_id, where)
        reply = entry["answer"]
        if not isinstance(reply, (str, int)):
            raise AnswersError(f"{where}: `answer` must be text or an option number")
        definition = entry.get("definition")
        if definition is not None and not isinstance(definition, str):
            raise AnswersError(f"{where}: `definition` must be text")
        answer = choose(question, str(reply), definition)
        if answer.option is not None and answer.option.definition and not answer.definition:
            raise AnswersError(f"{where}: `add a definition` needs `definition: <text>`")
        found.append(answer)
    return found


def _find(
    entry: dict[str, Any], questions: list[Question], by_id: dict[str, Question], where: str
) -> Question:
    if "id" in entry:
        question = by_id.get(str(entry["id"]))
        if question is None:
            raise AnswersError(
                f"{where}: no open question `{entry['id']}` "
                "(`charter clarify --dry-run` lists the ids)"
            )
        return question
    clause, code = entry.get("clause"), entry.get("rule")
    if clause is None or code is None:
        raise AnswersError(f"{where}: give `id`, or both `clause` and `rule`")
    matches = [
        q
        for q in questions
        if q.anchor == str(clause)
        and q.finding.rule.code == str(code).upper()
        and ("text" not in entry or " ".join(q.finding.text.split()) == str(entry["text"]))
    ]
    if len(matches) != 1:
        what = "no open question" if not matches else f"{len(matches)} questions"
        raise AnswersError(
            f"{where}: {what} for clause `{clause}` and rule {code} "
            "(add `text:` with the flagged words, or use `id`)"
        )
    return matches[0]
