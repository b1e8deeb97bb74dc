"""Checks proposed from a clause's wording: "must never repeat a card number" -> `no_card_number`.

Each pattern below names the wording a detector decides; a clause whose prompt file already has a
check of that kind gets no proposal. `write_suggestions` adds the proposals to the prompt files'
front matter, keeping every line already there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.checks._compose import kind_of
from charter.spec import Clause, PromptFile, Spec

_NEGATED = r"(?:never|not|n't|no|without|avoid)"


@dataclass(frozen=True, slots=True)
class Pattern:
    wording: re.Pattern[str]
    kind: str
    value: Any
    needs_negation: bool = False
    """The clause must also say never / must not ... (a ban rather than a topic)."""


def _words_limit(match: re.Match[str]) -> Any:
    return {"max": int(match.group("n"))}


_PATTERNS = (
    Pattern(re.compile(r"(?i)\b(card number|payment card|credit card|PAN)\b"), "no_card_number",
            True, needs_negation=True),
    Pattern(re.compile(r"(?i)\b(IBAN|bank account number)s?\b"), "no_iban", True,
            needs_negation=True),
    Pattern(re.compile(r"(?i)\be-?mail address(es)?\b"), "no_email", True, needs_negation=True),
    Pattern(re.compile(r"(?i)\bphone numbers?\b"), "no_phone", True, needs_negation=True),
    Pattern(re.compile(r"(?i)\b(personal data|personally identifiable|PII|social security)\b"),
            "no_pii", True, needs_negation=True),
    Pattern(re.compile(r"(?i)\b(in the (same )?language|language the (customer|user) (writes|uses)"
                       r"|reply in .{0,20}language)"), "language", "same"),
    Pattern(re.compile(r"(?i)\b(?:under|at most|no more than|fewer than|up to) (?P<n>\d+) words\b"),
            "words", _words_limit),
    Pattern(re.compile(r"(?i)\b(markdown|tables?|headings?)\b.{0,60}\b(unless|plain text)|plain "
                       r"text without"), "markdown", {"absent": ["heading", "table"]}),
    Pattern(re.compile(r"(?i)\b(valid JSON|respond(s)? in JSON|JSON object)\b"), "is_json", True),
    Pattern(re.compile(r"(?i)\b(must|should) (refuse|decline)|must not help\b"), "refusal", True),
    Pattern(re.compile(r"(?i)\b(plain (words|language|English)|jargon|simple words)\b"),
            "reading_level", 8),
    Pattern(re.compile(r"(?i)\b(ask(s)? (a |one )?(clarifying |follow-up )?question|next step)\b"),
            "asks_question", True),
    Pattern(re.compile(r"(?i)\b(links?|URLs?) (only )?to\b"), "links", {"allow": ["example.com"]}),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A check proposed for a clause, with the wording that calls for it."""

    clause: Clause
    prompt_file: PromptFile | None
    check: dict[str, Any]
    wording: str

    def yaml(self) -> str:
        ((kind, value),) = self.check.items()
        return f"- {kind}: {json.dumps(value)}"

    def __str__(self) -> str:
        where = self.prompt_file.path if self.prompt_file else "no prompt file"
        return f"{self.clause.id} ({where}): {self.yaml()}  # clause says {self.wording!r}"


def suggestions_for(clause: Clause, prompt_file: PromptFile | None) -> list[Suggestion]:
    """The checks `clause`'s wording calls for that its prompt file does not have yet."""
    have = _kinds_in(prompt_file)
    negated = re.search(rf"(?i)\b{_NEGATED}\b|n't\b", clause.text) is not None
    found: list[Suggestion] = []
    for pattern in _PATTERNS:
        match = pattern.wording.search(clause.text)
        if match is None or pattern.kind in have or (pattern.needs_negation and not negated):
            continue
        value = pattern.value(match) if callable(pattern.value) else pattern.value
        found.append(Suggestion(clause, prompt_file, {pattern.kind: value}, match.group()))
        have.add(pattern.kind)
    return found


def _kinds_in(prompt_file: PromptFile | None) -> set[str]:
    if prompt_file is None:
        return set()
    front = prompt_file.front_matter
    entries = list(front.get("checks") or [])
    for entry in (front.get("examples") or {}).values():
        if isinstance(entry, dict):
            entries.extend(entry.get("checks") or [])
    kinds = set()
    for entry in entries:
        if isinstance(entry, dict):
            try:
                kinds.add(kind_of(entry)[0])
            except ValueError:  # malformed: S119 reports it
                continue
    return kinds


def suggest(spec: Spec) -> list[Suggestion]:
    """Proposals for every clause of the spec, in the spec's order."""
    files = {prompt_file.id: prompt_file for prompt_file in spec.prompt_files}
    return [
        found for clause in spec.clauses for found in suggestions_for(clause, files.get(clause.id))
    ]


def write_suggestions(root: Path, found: list[Suggestion]) -> list[str]:
    """Add each proposal to its prompt file's `checks:`; the paths written, in order.

    A proposal for a clause with no prompt file is left out (there is nothing to test it on).
    """
    by_path: dict[str, list[Suggestion]] = {}
    for item in found:
        if item.prompt_file is not None:
            by_path.setdefault(item.prompt_file.path, []).append(item)
    for path, items in by_path.items():
        target = root / path
        text = target.read_text(encoding="utf-8")
        target.write_text(with_checks(text, [item.yaml() for item in items]), encoding="utf-8")
    return list(by_path)


def with_checks(text: str, lines: list[str]) -> str:
    """`text` (a prompt file) with `lines` (`- kind: value`) added to its front matter's
    top-level `checks:` block list, which is created when missing."""
    if not text.startswith("---\n"):
        return "---\nchecks:\n" + "".join(f"  {line}\n" for line in lines) + f"---\n{text}"
    end = text.find("\n---", 3)
    head, rest = text[4 : end + 1], text[end + 1 :]
    key = re.search(r"(?m)^checks:(.*)\n", head)
    if key is None:
        return "---\n" + head + "checks:\n" + "".join(f"  {line}\n" for line in lines) + rest
    if key.group(1).split("#")[0].strip():
        raise ValueError("its `checks:` is written inline; add the checks by hand")
    after = head[key.end() :]
    item = re.match(r"(?:[ \t]*(?:#.*)?\n)*([ \t]*)-", after)
    indent = item.group(1) if item else "  "
    added = "".join(f"{indent}{line}\n" for line in lines)
    return f"---\n{head[: key.end()]}{added}{after}{rest}"
