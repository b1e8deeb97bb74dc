"""Clause rules: one obligation per clause, no opening pronoun, observable behaviour, and at
least one challenge conversation in the clause's prompt file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from charter.lint import _rules as rules
from charter.lint import _words as words
from charter.lint._phrases import Hit
from charter.lint._prose import _IMPERATIVE, Block
from charter.spec import Spec
from charter.text import CLAUSE_TAG, modal_words

_OBLIGATION = re.compile(
    r"\b(?:must|should|shall|may)(?:\s+(?:not|never|always|only))?\b|"
    r"(?<=[;,]\s)never\b|(?<=\band\s)never\b|(?<=\bor\s)never\b",
    re.IGNORECASE,
)
_EPISTEMIC = re.compile(
    r"may\s+(?:be|lead|cause|result|seem|appear|vary|help|include|contain|have|make|reflect|"
    r"differ|change|need|not\s+be|get|come|want|also\s+be)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"\b(?:which|who|whom|that)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_JOINER = re.compile(r";|\band\b|\bor\b|\bbut\b", re.IGNORECASE)
_OPENING = re.compile(r"^[\s\-*+>#\d.)]*[*_]*(?P<word>[A-Za-z]+)(?:\s+(?P<next>[A-Za-z']+))?")
_EXPLETIVE = re.compile(
    r"^\W*it\s+(?:is|was|'s|may\s+be|can\s+be|would\s+be|will\s+be)\s+(?:\w+\s+){0,4}?"
    r"(?:to|that|for|whether|when|if)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z]+")


def clause_focuses(block: Block) -> Iterator[tuple[str, int, int, bool]]:
    """Clause id, focus start and end (block offsets) and whether it opens its sentence."""
    for sentence in block.sentences:
        previous = sentence.start
        for match in CLAUSE_TAG.finditer(block.text, sentence.start, sentence.end):
            yield match["id"], previous, match.start(), previous == sentence.start
            previous = match.end()


def multiple_obligations(block: Block) -> Iterator[tuple[str, Hit]]:
    for clause_id, start, end, _ in clause_focuses(block):
        found = [
            match
            for match in _OBLIGATION.finditer(block.plain, start, end)
            if not _EPISTEMIC.match(block.plain, match.start())
            and not _RELATIVE.search(block.plain[max(start, match.start() - 40) : match.start()])
        ]
        for earlier, later in pairwise(found):
            between = block.plain[earlier.end() : later.start()]
            if _JOINER.search(between):
                yield (
                    clause_id,
                    Hit(
                        rules.MULTIPLE_OBLIGATIONS,
                        later.start(),
                        later.end(),
                        f"clause `{clause_id}` states a second obligation "
                        f"(`{' '.join(earlier.group(0).split())}` ... "
                        f"`{' '.join(later.group(0).split())}`)",
                        "split it into two clauses, each with its own id and prompts",
                    ),
                )
                break


def ambiguous_pronouns(block: Block) -> Iterator[tuple[str, Hit]]:
    for clause_id, start, end, opens in clause_focuses(block):
        if not opens:
            continue
        focus = block.plain[start:end]
        opening = _OPENING.match(focus)
        if opening is None:
            continue
        word = opening["word"].lower()
        following = (opening["next"] or "").lower()
        if word not in words.PRONOUN_OPENERS:
            continue
        if word in ("this", "that", "these", "those") and following not in words.PRONOUN_VERBS:
            continue
        if word == "it" and _EXPLETIVE.match(focus):
            continue
        position = start + opening.start("word")
        yield (
            clause_id,
            Hit(
                rules.AMBIGUOUS_PRONOUN,
                position,
                position + len(opening["word"]),
                f"clause `{clause_id}` opens with `{opening['word']}`, which refers to "
                "nothing in the clause",
                "name the thing it stands for: the clause is tested on its own",
            ),
        )


def _has_action(text: str) -> bool:
    for token in _WORD.findall(text.lower()):
        for stem in (token, token[:-1], token[:-2], token[:-3]):
            if stem in words.ACTION_VERBS and (
                stem == token or token.endswith(("s", "es", "ed", "d", "ing"))
            ):
                return True
        if token in words.IRREGULAR_ACTIONS:
            return True
    return False


def untestable(block: Block) -> Iterator[tuple[str, Hit]]:
    judged: set[int] = set()
    """Sentences already judged: each is read once, however many clauses it carries, and an
    untestable one is reported at its first clause."""
    for clause_id, start, end, opens in clause_focuses(block):
        sentence = block.sentence_at(start)
        if sentence is not None:
            if sentence.start in judged:
                continue
            judged.add(sentence.start)
        text = block.plain[sentence.start : sentence.end] if sentence else block.plain[start:end]
        if modal_words(text) or _has_action(text) or _IMPERATIVE.match(text):
            continue
        shown = " ".join(block.plain[start:end].split())
        offset = start + (len(block.plain[start:end]) - len(block.plain[start:end].lstrip()))
        yield (
            clause_id,
            Hit(
                rules.UNTESTABLE_CLAUSE,
                offset,
                end,
                f"clause `{clause_id}` states no behaviour to test: `{shown[:60]}`"
                if opens or shown
                else f"clause `{clause_id}` states no behaviour to test",
                "rewrite it as what the assistant does or does not do, or remove its tag",
            ),
        )


def without_challenge(spec: Spec) -> Iterator[tuple[str, str]]:
    """Clause id and the prompt file path, for clauses whose prompt file sends nothing."""
    reported: set[str] = set()
    for clause in spec.clauses:
        if clause.id in reported or not clause.normative:
            continue
        prompt_file = spec.prompt_file(clause.id)
        if prompt_file is None:
            continue
        sends = any(example.turns for example in prompt_file.examples)
        if not sends:
            reported.add(clause.id)
            yield clause.id, prompt_file.path
