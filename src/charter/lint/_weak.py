"""Weak-word rules after ISO/IEC/IEEE 29148: size and degree words, care hedges, modal strength,
vague frequency, acts of thought and hyphenated vague compounds (L016-L021).

Each fires only in a normative sentence, never inside a rationale clause (`because ...`, `so that
...`), and not when the same or the next sentence gives the criterion (a number, `e.g.`, a colon
and what follows it, `That means ...`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from charter.lint import _rules as rules
from charter.lint import _words as words
from charter.lint._criteria import criterion_given, in_aside
from charter.lint._normative import imperative
from charter.lint._phrases import Hit, opens_imperative, sentence_matches
from charter.lint._prose import Block, Sentence


def _phrases(items: tuple[str, ...]) -> str:
    ordered = sorted(items, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in item.split()) for item in ordered)


class _Patterns:
    def __init__(self) -> None:
        self.size = re.compile(rf"\b(?:{_phrases(words.SIZE_WORDS)})\b(?!-)", re.IGNORECASE)
        self.care = re.compile(rf"\b(?:{_phrases(words.CARE_HEDGES)})\b", re.IGNORECASE)
        self.frequency = re.compile(
            rf"\b(?:{_phrases(words.FREQUENCY_WORDS)}|reminds?)\b", re.IGNORECASE
        )
        self.inner = re.compile(rf"\b(?:{_phrases(words.INNER_ACTS)})\b", re.IGNORECASE)
        self.strength = re.compile(
            r"\b(?:may\s+not|cannot|can[’']t|can\s+not)\s+(?:\w+ly\s+)?(?P<verb>[a-z]+)\b",
            re.IGNORECASE,
        )
        self.actor_before = re.compile(
            r"\b(?:you|assistant|agent|model|bot|it)\s+(?:\w+\s+)?$", re.IGNORECASE
        )
        self.hyphenated = re.compile(
            r"(?:[a-z]+-)+(?:appropriate|friendly|ready|aware|conscious|explanatory|"
            r"quality|worthy|centric)|well-(?:written|designed|structured|documented|organi[sz]ed"
            r"|formatted|crafted|reasoned|thought-out)|non-(?:trivial|obvious|essential|critical"
            r"|significant)|(?:high|low|good|top)-(?:quality|level|value)|(?:less|more)-[a-z]+",
            re.IGNORECASE,
        )
        self.modal_before = re.compile(
            r"\b(?:must|should|shall|please|always)\s+(?:\w+ly\s+)?(?:also\s+)?$", re.IGNORECASE
        )
        self.joined_before = re.compile(r"\b(?:and|or)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
        self.strong_modal = re.compile(r"\b(?:must|should|shall)\b", re.IGNORECASE)
        self.example_after = re.compile(r"^\s+(?:a|an|this|these|the\s+following)\b", re.I)
        self.governed = re.compile(r"^[^,;:()]{0,60}?\b(?:must|should|shall|may)\b", re.I)
        self.size_idioms = re.compile(
            r"\b(?:in\s+short|as\s+long\s+as|so\s+long\s+as|no\s+longer|long\s+ago|for\s+long|"
            r"short\s+of|(?:major|minor)\s+(?:version|release|bump|update)s?|a\s+long\s+time|"
            r"long-running|short-lived)\b",
            re.IGNORECASE,
        )
        self.in_condition = re.compile(
            r"\b(?:if|when|unless|whether|why|how|that)\b[^,;]*$", re.IGNORECASE
        )
        self.condition = re.compile(
            r"\b(?:when|whenever|if|every|each|once|after|before|at\s+the\s+(?:start|end)|per|"
            r"until|unless)\b",
            re.IGNORECASE,
        )


@lru_cache(maxsize=1)
def _re() -> _Patterns:
    return _Patterns()


def _shown(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split())


def _governs(block: Block, sentence: Sentence, start: int, end: int) -> bool:
    """Whether the adverb at `start:end` qualifies the sentence's obligation: it opens the
    sentence or the instruction, or sits next to the modal with no punctuation between."""
    before = block.plain[max(sentence.start, start - 300) : start]
    if opens_imperative(before) or not before.strip(" *-_>"):
        rest = block.plain[end : min(sentence.end, end + 300)]
        modal = re.search(r"\b(?:must|should|shall|may)\b", rest, re.IGNORECASE)
        lead = rest[: modal.start()] if modal else rest
        return not re.search(r";|,\s*(?:and|but|or)\b", lead)
    if imperative(before) and not re.search(r";|,\s*(?:and|but|or)\b", before):
        return True
    window = before[-40:]
    if re.search(r"\b(?:must|should|shall|may)\s+(?:\w+\s+)?$", window, re.IGNORECASE):
        return True
    return bool(_re().governed.match(block.plain, end))


def size_words(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().size, requirement_only=True, trigger="size"
    ):
        low = max(sentence.start, match.start() - 40)
        text = block.plain[low : min(sentence.end, match.end() + 40)]
        offset = match.start() - low
        if any(i.start() <= offset < i.end() for i in _re().size_idioms.finditer(text)):
            continue
        if in_aside(block, sentence, match.start()):
            continue
        if criterion_given(block, sentence, match.start(), match.end()):
            continue
        word = _shown(match)
        yield Hit(
            rules.SIZE_WORD,
            match.start(),
            match.end(),
            f"`{word}` gives a size or degree without a measure",
            f"say how {word.lower().split()[0]} (a number, a limit), or what makes it so",
        )


def care_hedges(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().care, requirement_only=True, trigger="care"
    ):
        if criterion_given(block, sentence, match.start(), match.end(), scope_words=False):
            continue
        yield Hit(
            rules.CARE_HEDGE,
            match.start(),
            match.end(),
            f"`{_shown(match)}` asks for care without saying what the careful reply does",
            "name what to check, add, ask or refuse instead",
        )


def modal_strength(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().strength, requirement_only=True, trigger="strength"
    ):
        verb = match["verb"].lower()
        if verb not in words.IMPERATIVE_VERBS:
            continue
        before = block.plain[max(sentence.start, match.start() - 40) : match.start()]
        if not _re().actor_before.search(before) or _re().in_condition.search(before):
            continue
        yield Hit(
            rules.MODAL_STRENGTH,
            match.start(),
            match.end() - len(match["verb"]),
            f"`{' '.join(match.group(0).split()[:-1])}` reads as a prohibition or a possibility",
            "write `must not` to forbid, or `is not required to` to permit",
        )


def vague_frequency(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().frequency, requirement_only=True, trigger="frequency"
    ):
        word = _shown(match)
        if word.lower().startswith("remind"):
            text = block.plain[sentence.start : sentence.end]
            if _re().condition.search(text):
                continue
            message = f"`{word}` with no frequency or condition: in every reply?"
        else:
            if in_aside(block, sentence, match.start()):
                continue  # `the target branch (usually main)`: describes a thing, not how often
            if criterion_given(block, sentence, match.start(), match.end()):
                continue
            if not _governs(block, sentence, match.start(), match.end()):
                continue
            message = f"`{word}` says how often with no number or condition"
        yield Hit(
            rules.VAGUE_FREQUENCY,
            match.start(),
            match.end(),
            message,
            "state when it happens (a condition) or how often (a count)",
        )


def inner_acts(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().inner, requirement_only=True, trigger="inner"
    ):
        before = block.plain[max(sentence.start, match.start() - 300) : match.start()]
        joined = _re().joined_before.search(before) and _re().strong_modal.search(before)
        if not (_re().modal_before.search(before) or opens_imperative(before) or joined):
            continue
        if _shown(match).lower() == "consider" and _re().example_after.match(
            block.plain, match.end()
        ):
            continue  # `consider a request to ...` introduces an example
        if criterion_given(block, sentence, match.start(), match.end()):
            continue
        yield Hit(
            rules.INNER_ACT,
            match.start(),
            match.end(),
            f"`{_shown(match)}` is an act of thought: a reply cannot show it",
            "write the observable behaviour it should lead to",
        )


def hyphenated_terms(block: Block) -> Iterator[Hit]:
    for position, token in block.tokens:
        if "-" not in token or not _re().hyphenated.fullmatch(token):
            continue
        sentence = block.sentence_at(position)
        if sentence is None or not sentence.requirement:
            continue
        end = position + len(token)
        if criterion_given(block, sentence, position, end):
            continue
        yield Hit(
            rules.HYPHENATED_VAGUE,
            position,
            end,
            f"`{block.plain[position:end]}` hides a judgement in a compound",
            "replace it with the criteria it stands for",
        )


def weak_word_hits(block: Block) -> Iterator[Hit]:
    """Every hit of the rules of this module in `block`."""
    yield from size_words(block)
    yield from care_hedges(block)
    yield from modal_strength(block)
    yield from vague_frequency(block)
    yield from inner_acts(block)
    yield from hyphenated_terms(block)
