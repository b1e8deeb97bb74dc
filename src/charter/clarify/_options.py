"""What each lint rule lets `charter clarify` offer: the question, concrete options, and how an
answer rewrites the flagged words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from charter.lint import Finding
from charter.lint import _rules as rules


@dataclass(frozen=True, slots=True)
class Option:
    """One concrete answer: `replacement` rewrites file characters `start:end`; None keeps the
    text as written (the answer is only logged)."""

    label: str
    replacement: str | None
    start: int
    end: int
    definition: bool = False
    """The answer is a definition to add to the definitions section."""


@dataclass(frozen=True, slots=True)
class Template:
    """How a rule asks, and how free text becomes new wording (`{text}` = flagged words)."""

    question: str
    free_text: str
    free_text_prompt: str
    uncertainty: float
    """How likely the wording is to be read two ways (used to rank questions)."""


TEMPLATES: dict[str, Template] = {
    rules.VAGUE_QUANTIFIER.code: Template(
        "How many does `{text}` mean here?", "{answer}", "the number or range", 0.7
    ),
    rules.VAGUE_TERM.code: Template(
        "What makes it `{text}`? Name the criteria a reviewer would check.",
        "{text} (that is, {answer})",
        "the criteria",
        0.8,
    ),
    rules.LOOPHOLE.code: Template(
        "When does `{text}` let the assistant skip this requirement?",
        "unless {answer}",
        "the condition under which it does not apply",
        0.75,
    ),
    rules.OPEN_ENDED_LIST.code: Template(
        "What else belongs to the list that ends with `{text}`?",
        "{answer}",
        "the remaining items, or what members have in common",
        0.6,
    ),
    rules.AND_OR.code: Template(
        "`{text}`: is either one required, both, or at least one?", "{answer}", "wording", 0.9
    ),
    rules.UNREFERENCED_COMPARISON.code: Template(
        "`{text}` than what?", "{text} than {answer}", "the reference", 0.7
    ),
    rules.AMBIGUOUS_PRONOUN.code: Template(
        "Who or what is `{text}` in this clause?", "{answer}", "the noun it stands for", 0.6
    ),
    rules.PASSIVE_WITHOUT_AGENT.code: Template(
        "Who acts in `{text}`?", "{text} by {answer}", "the actor", 0.5
    ),
    rules.DOUBLE_NEGATIVE.code: Template(
        "What is the positive form of `{text}`?", "{answer}", "the positive wording", 0.6
    ),
    rules.PLACEHOLDER.code: Template(
        "What text replaces the placeholder `{text}`?", "{answer}", "the missing text", 1.0
    ),
    rules.MULTIPLE_OBLIGATIONS.code: Template(
        "This clause states two obligations (second one at `{text}`). How should it read?",
        "{answer}",
        "the new wording for the second obligation's modal",
        0.4,
    ),
    rules.UNDEFINED_TERM.code: Template(
        "What does `{text}` mean?", "{answer}", "a definition", 0.5
    ),
    rules.UNTESTABLE_CLAUSE.code: Template(
        "What should the assistant do or not do, according to `{text}`?",
        "{answer}",
        "the clause as a behaviour",
        0.6,
    ),
}

_CRITERIA: dict[str, tuple[str, ...]] = {
    "appropriat": (
        "suited to the user's stated purpose and age",
        "allowed by the developer's instructions",
        "safe to show a general audience",
    ),
    "reasonabl": (
        "what the user could expect from the conversation so far",
        "proportionate to the risk of harm",
    ),
    "excessive": ("more than one sentence of it", "more than the user asked for"),
    "unnecessar": ("not needed to answer the question asked", "not asked for by the user"),
    "significant": ("likely to cause harm or loss", "changing the answer's conclusion"),
    "sufficient": ("enough to act on without guessing", "confirmed by a trusted source"),
}
_WORD = re.compile(r"[\w'’-]+")


def options_for(finding: Finding, text: str) -> list[Option]:
    """The concrete options for a finding; `text` is the file's full text."""
    start, end = finding.offset, finding.offset + len(finding.text)
    words = " ".join(finding.text.split())
    code = finding.rule.code
    keep = Option("keep as written (the judgement is intended)", None, start, end)
    if code == rules.AND_OR.code:
        return _and_or(text, start, end)
    if code == rules.VAGUE_QUANTIFIER.code:
        return [Option(n, n, start, end) for n in ("at least one", "at least two", "all")]
    if code == rules.VAGUE_TERM.code:
        stem = next((k for k in _CRITERIA if words.lower().startswith(k)), None)
        found = [
            Option(f"{words} (that is, {criterion})", f"{words} (that is, {criterion})", start, end)
            for criterion in _CRITERIA.get(stem or "", ())
        ]
        return [*found, keep]
    if code == rules.LOOPHOLE.code:
        left, right = _with_comma(text, start, end)
        return [Option("always: remove the escape clause", "", left, right), keep]
    if code == rules.OPEN_ENDED_LIST.code:
        left, right = _with_comma(text, start, end)
        tail = (
            "." if finding.text.endswith(".") and text[right : right + 1] in ("", "\n", " ") else ""
        )
        return [Option("the list is complete: remove it", tail, left, right), keep]
    if code == rules.UNREFERENCED_COMPARISON.code:
        return [Option(f"{words} than the default", f"{words} than the default", start, end)]
    if code == rules.AMBIGUOUS_PRONOUN.code:
        return [
            Option(noun, noun, start, end)
            for noun in ("The assistant", "The user", "The developer")
        ]
    if code == rules.PASSIVE_WITHOUT_AGENT.code:
        return [
            Option(f"by {actor}", f"{words} by {actor}", start, end)
            for actor in ("the assistant", "the developer", "the user")
        ]
    if code == rules.UNDEFINED_TERM.code:
        marker = _emphasis_marker(text, start, end)
        return [
            Option("add a definition", None, start, end, definition=True),
            Option(
                "not a term: drop the emphasis",
                words,
                start - len(marker),
                end + len(marker),
            ),
        ]
    if code == rules.MULTIPLE_OBLIGATIONS.code:
        return [keep]
    return []


_PHRASE_END = re.compile(r"[,;:.!?\n]|\[\^|\s[-\u2013\u2014]{1,3}\s")
_TAGS = re.compile(r"(?:\[\^[\w-]+\])+")


def _and_or(text: str, start: int, end: int) -> list[Option]:
    """`A and/or B`: either A or B, A and B, A or B (or both).

    Only `and/or` becomes a word (`or`, `and`); what the reader must know beyond it (`(or
    both)`, `(but not both)`, `in any combination` after a list) goes after the whole second
    item, `nuclear (CBRN) weapons`, past any clause tags that close it, so the tags stay on the
    words they followed and the sentence still reads.
    """
    stop = _PHRASE_END.search(text, end)
    at = stop.start() if stop is not None else len(text)
    tags = _TAGS.match(text, at)
    if tags is not None:
        at = tags.end()
    before = _TAGS.sub("", text[max(0, start - 80) : start]).rstrip()
    series = before.endswith(",")  # `A, B, and/or C`: a list of three or more
    between = text[end:at]
    both, one = (
        (" in any combination", " (only one of them)")
        if series
        else (" (or both)", " (but not both)")
    )
    return [
        Option("either one", f"or{between}{one}", start, at),
        Option("both", "and", start, end),
        Option("at least one", f"or{between}{both}", start, at),
    ]


def _with_comma(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a phrase to remove with it one separating comma and space."""
    left = start
    while left > 0 and text[left - 1] == " ":
        left -= 1
    if left > 0 and text[left - 1] == ",":
        left -= 1
        if end < len(text) and text[end] == ",":
            return left, end + 1
        return left, end
    right = end
    if right < len(text) and text[right] == ",":
        right += 1
    while right < len(text) and text[right] == " " and left == start:
        right += 1
    if left == start and start > 0 and text[start - 1] == " " and right == end:
        left -= 1
    return left, right


def _emphasis_marker(text: str, start: int, end: int) -> str:
    for marker in ("**", "__", "*", "_"):
        if text[start - len(marker) : start] == marker and text[end : end + len(marker)] == marker:
            return marker
    return ""
