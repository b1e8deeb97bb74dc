"""Criteria that settle a vague word: a number, an example list, a colon and what follows it, a
measured compound (`short, one-sentence`),
or a next sentence that opens with `That means` or `For example`; and rationale clauses
(`because ...`, `so that ...`), which explain a requirement rather than state it."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from charter.lint._prose import Block, Sentence

#: How far around a word the criteria are looked for (keeps long sentences linear).
_WINDOW = 300


class _Patterns:
    def __init__(self) -> None:
        self.rationale = re.compile(
            r"\b(?:because|since|so\s+that|so\s+as\s+to|in\s+order\s+to|to\s+(?:avoid|keep|"
            r"reduce|make|improve|help|save|ensure|prevent)|for\s+(?:faster|clearer|better|"
            r"readability)|even\s+(?:if|when|though))\b|,\s*(?:as(?!\s+(?:if|though|well|long|much|many|soon|far|needed|appropriate|necessary)\b)|so)\b|\s[—–]\s+(?:this|it|they)\b",
            re.IGNORECASE,
        )
        self.criterion_after = re.compile(
            r"^(?:\s+[\w'-]+){0,3}?\s*(?:\((?:e\.g\.|such\s+as|i\.e\.|[<>≤≥]|\d|at\s+most|at\s+"
            r"least|under|over|no\s+more)|:(?:\s|$)|,?\s+such\s+as\b|\s*enough\s+(?:to|that)\b|"
            r"\s+such\s+that\b|\s+(?:of\s+)?(?:at\s+(?:most|least)|up\s+to|no\s+more\s+than|fewer"
            r"\s+than|less\s+than)\s+\d)|^(?:\s+[\w'-]+)?\s+(?:with|outside|after|across|within|than)\b"
            r"|^,?\s+(?:one|two|three|four|five|single|\d+)[- ](?:sentence|line|word|paragraph|"
            r"page|character|item)s?\b",
            re.IGNORECASE,
        )
        self.scope_word = re.compile(
            r"^(?:\s+[\w'-]+)?\s+(?:with|outside|after|across|within|than)\b$", re.IGNORECASE
        )
        self.number_after = re.compile(r"^[^.;]{0,40}?\d", re.IGNORECASE)
        self.criterion_next = re.compile(
            r"^\W*(?:that|this)\s+means\b|^\W*at\s+(?:a\s+)?minimum\b|^\W*for\s+(?:example|"
            r"instance)\b|^\W*e\.g\.|^\W*specifically\b|^\W*that\s+is\b|^\W*concretely\b|"
            r"^\W*in\s+practice\b|^\W*(?:\w+\s+){0,4}(?:means|is\s+defined\s+as)\b",
            re.IGNORECASE,
        )


@lru_cache(maxsize=1)
def _re() -> _Patterns:
    return _Patterns()


def in_aside(block: Block, sentence: Sentence, position: int) -> bool:
    """Whether `position` sits inside parentheses opened in its sentence."""
    before = block.plain[sentence.start : position]
    return before.rfind("(") > before.rfind(")")


def criterion_given(
    block: Block, sentence: Sentence, start: int, end: int, *, scope_words: bool = True
) -> bool:
    """Whether the words at `start:end` come with their criterion: right after them in the
    sentence, or as the opening of the next sentence; or sit in a rationale clause. With
    `scope_words=False`, a following `with`/`after`... names where the words apply, not what they
    mean (`take extra care with medical questions`)."""
    patterns = _re()
    after = block.plain[end : min(sentence.end, end + _WINDOW)]
    if patterns.number_after.match(after):
        return True
    criterion = patterns.criterion_after.match(after)
    if criterion and (scope_words or not patterns.scope_word.match(criterion.group(0))):
        return True
    if patterns.rationale.search(block.plain[max(sentence.start, start - _WINDOW) : start]):
        return True
    return next_gives_criterion(block, sentence)


def next_gives_criterion(block: Block, sentence: Sentence) -> bool:
    """Whether the sentence after `sentence` opens with its criterion (`For example, ...`,
    `That means ...`)."""
    following = block.sentence_at(sentence.end + 1) or next_sentence(block, sentence)
    return following is not None and bool(
        _re().criterion_next.match(block.plain[following.start : following.end])
    )


def _next_sentence(block: Block, sentence: Sentence) -> Sentence | None:
    later = [s for s in block.sentences if s.start >= sentence.end]
    return later[0] if later else None


def next_sentence(block: Block, sentence: Sentence) -> Sentence | None:
    position = bisect.bisect_left(block.sentences, sentence.end, key=lambda s: s.start)
    return block.sentences[position] if position < len(block.sentences) else None
