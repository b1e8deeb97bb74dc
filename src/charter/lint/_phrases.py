"""Phrase rules: vague words, loopholes, open lists, `and/or`, comparisons, passives, double
negatives, placeholders and modal case, matched in the masked text of one normative block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from charter.diagnostics import Rule
from charter.lint import _rules as rules
from charter.lint import _words as words
from charter.lint._criteria import criterion_given, next_gives_criterion
from charter.lint._normative import strip_lead
from charter.lint._prose import Block, Sentence
from charter.text import APOSTROPHES


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase rule's match in block coordinates, with an optional replacement."""

    rule: Rule
    start: int
    end: int
    message: str
    hint: str
    replacement: str | None = None
    """The safe mechanical rewrite of `start:end`, if any."""
    fix_start: int | None = None
    fix_end: int | None = None


def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    parts = []
    for phrase in ordered:
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        tail = "" if phrase.endswith((".", ",")) else r"\b"
        parts.append(body + tail)
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


class _Patterns:
    """The rules' regular expressions. Compiled on first use, not at import: the phrase tables
    take ~5 ms to compile, which `import charter.check` (every command's start-up) should not pay.
    """

    def __init__(self) -> None:
        self.quantifier = phrase_pattern(words.QUANTIFIERS)
        self.vague = phrase_pattern(words.VAGUE_TERMS)
        self.loophole = phrase_pattern(words.LOOPHOLES)
        self.open_list = phrase_pattern(words.OPEN_LISTS)
        self.and_or = re.compile(r"\b(?:and\s*/\s*or|or\s*/\s*and)\b", re.IGNORECASE)
        self.comparative = re.compile(
            r"\b(?:(?P<word>" + "|".join(words.COMPARATIVES) + r")|"
            r"(?P<degree>more|less|most|least)\s+(?P<adjective>[a-z]+(?:"
            + "|".join(words.ADJECTIVE_ENDINGS)
            + r")))\b",
            re.IGNORECASE,
        )
        self.reference = re.compile(
            r"\b(?:than|as\s+\w+\s+as|compared|relative\s+to|of\s+(?:all|the|its|their|these|those))\b",
            re.IGNORECASE,
        )
        self.comparative_idioms = re.compile(
            r"\b(?:best\s+interests?|best\s+practices?|do(?:es)?\s+(?:its|their|your)\s+best|"
            r"at\s+best|no\s+longer|any\s+longer|(?:is|are)\s+better\s+(?:to|off)|"
            r"(?:had|would)\s+better|more\s+or\s+less|the\s+more|most\s+likely|more\s+likely|"
            r"less\s+likely|best\s+(?:intentions?|judge?ment|guess)|(?:would\s+be|is|are)\s+best|"
            r"feel\s+better|longer\s+(?:conversations?|form|texts?|documents?|responses?|outputs?))\b",
            re.IGNORECASE,
        )
        self.passive = re.compile(
            r"\b(?:must|should|shall|may)(?:\s+(?:not|never|also|only|always|still|"
            r"\w+ly))*\s+(?:be|get)\s+(?:\w+ly\s+)?"
            r"(?P<participle>[a-z]+ed|" + "|".join(words.IRREGULAR_PARTICIPLES) + r")\b"
            r"(?P<after>\s+\w+)?",
        )
        self.agent = re.compile(r"\bby\b", re.IGNORECASE)
        self.double_negative = re.compile(
            r"\b(?:not|never|cannot|no)\s+(?:\w+\s+){0,2}?"
            r"(?P<second>un(?:common|usual|likely|reasonabl[ey]|acceptable|helpful|safe|clear|"
            r"necessar(?:y|ily)|important|related|true|aware|known|willing|able|wanted|warranted|"
            r"justified|kind|fair|ethical|lawful)|impossible|infrequent(?:ly)?|insignificant|"
            r"inappropriate|nothing|nobody|none|never)\b"
            r"|\bnot\s+without\b",
            re.IGNORECASE,
        )
        self.placeholder = re.compile(
            r"\b(?:TODO|TBD|TBA|TBC|FIXME|XXX)\b|\?{3,}|\[(?:insert|placeholder|fill in)[^\]\n]*\]",
        )
        self.negation = re.compile(
            r"\b(?:not|never|no|without|neither|nor|avoid|avoids|refuse|refuses|cannot)\b"
            rf"|n[{APOSTROPHES}]t\b",
            re.IGNORECASE,
        )
        self.condition = re.compile(r"\b(?:if|when|whenever|unless|where)\b", re.IGNORECASE)
        self.upper_modal = re.compile(
            r"\b(?:MUST(?:\s+NOT)?|SHOULD(?:\s+NOT)?|SHALL(?:\s+NOT)?|MAY|REQUIRED|RECOMMENDED|OPTIONAL)\b"
        )
        self.lower_modal = re.compile(r"\b(?:must|should|shall)(?:\s+not)?\b")
        self.modal_head = re.compile(
            r"\b(?:must|should|shall|may|will|can|cannot|never|always|avoid|prefer)\b",
            re.IGNORECASE,
        )
        self.permission = re.compile(
            r"\b(?:is|are|be)\s+(?:not\s+)?(?:un)?acceptable\s+to\b", re.IGNORECASE
        )
        self.criteria_after = re.compile(
            r"^(?:\s+[\w'-]+){0,3}?\s*(?:enough\s+(?:that|to)\b|such\s+that\b|\(e\.g\.|\(such\s+as|"
            r",\s+such\s+as\b|\(i\.e\.|\(see\b)",
            re.IGNORECASE,
        )
        self.standard_person = re.compile(
            r"^\s+(?:\w+\s+)?(?:user|users|person|people|human|humans|observer|reader|adult)\b",
            re.IGNORECASE,
        )
        self.standard_inference = re.compile(
            r"^\s+(?:inferred|expected|foreseeable|foreseen|believed?)\b", re.IGNORECASE
        )
        self.clear_idiom = re.compile(
            r".{0,9}?\b(?:steer|steering|stay|staying|keep)\s+clear\b", re.I
        )
        self.verb_after = re.compile(r"\s+(?P<verb>[a-z]+)\b")
        self.absent_before = re.compile(
            r"\b(?:of|without|lacks?)\s+(?:[\w-]+\s+(?:or|and)\s+)?$", re.IGNORECASE
        )
        self.right_idiom = re.compile(
            r"^\s+(?:to|of|away|now|side|hand|thing|place|time|now|track|answer\s+is)\b", re.I
        )
        self.purpose_after = re.compile(r"^\s+to\s+[a-z]+", re.IGNORECASE)
        self.relative_before = re.compile(
            r"\b(?:which|who|whom|that|what)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
        )
        self.actor = re.compile(r"\b(?:assistant|model|assistant's|model's)\b", re.IGNORECASE)
        self.negated_before = re.compile(
            rf"\b(?:not|never|no|nor)\b|n[{APOSTROPHES}]t\b", re.IGNORECASE
        )


@lru_cache(maxsize=1)
def _re() -> _Patterns:
    return _Patterns()


_OBLIGATION_REACH = 4
_SOFTENERS = ("try", "tries", "strive", "strives", "attempt", "attempts", "aim", "aims")


def _in_obligation(block: Block, sentence: Sentence, position: int) -> bool:
    """Whether `position` is within a few words after a modal verb, with no punctuation between:
    the words are the object of the obligation (`should offer several options`)."""
    window = block.plain[max(sentence.start, position - 80) : position]
    heads = list(_re().modal_head.finditer(window))
    if not heads:
        return _object_of_imperative(block.plain[sentence.start : position])
    between = window[heads[-1].end() :]
    if re.search(r"\b(?:not|no)\s+$", window[: heads[-1].start()]):
        return False
    return not re.search(r"[,;:()]", between) and len(between.split()) <= _OBLIGATION_REACH


def _object_of_imperative(before: str) -> bool:
    """Whether the text before a word is an imperative verb and at most a few more words, with
    no punctuation: the word is the verb's object (`Use smaller commits`)."""
    lead = strip_lead(before)
    found = re.match(r"(?P<verb>[A-Za-z]+)(?P<rest>[^,;:()]*)$", lead)
    return (
        found is not None
        and found["verb"].lower() in words.IMPERATIVE_VERBS
        and len(found["rest"].split()) < _OBLIGATION_REACH
    )


def opens_imperative(before: str) -> bool:
    """Whether the text before a word, in its sentence, is only the lead of an imperative
    (markers, a label, connectives, an opening condition): the word opens the instruction."""
    return strip_lead(before + "x") == "x"


def _requirements(block: Block) -> Iterator[Sentence]:
    return (sentence for sentence in block.sentences if sentence.requirement)


def _first_words(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(phrase.split()[0].rstrip(".,").lower() for phrase in phrases)


_TRIGGERS: dict[str, frozenset[str]] = {
    "quantifier": _first_words(words.QUANTIFIERS),
    "vague": _first_words(words.VAGUE_TERMS),
    "loophole": _first_words(words.LOOPHOLES),
    "open": _first_words(words.OPEN_LISTS),
    "comparative": frozenset(words.COMPARATIVES) | {"more", "less", "most", "least"},
    "passive": frozenset({"must", "should", "shall", "may"}),
    "negative": frozenset({"not", "never", "cannot", "no"}),
    "and-or": frozenset({"and", "or"}),
    "upper-modal": frozenset(
        {"must", "should", "shall", "may", "required", "recommended", "optional"}
    ),
    "size": _first_words(words.SIZE_WORDS),
    "care": _first_words(words.CARE_HEDGES),
    "frequency": _first_words(words.FREQUENCY_WORDS) | {"remind", "reminds"},
    "inner": _first_words(words.INNER_ACTS),
    "strength": frozenset({"may", "cannot", "can", "can't", "can’t"}),
}


def sentence_matches(
    block: Block, pattern: re.Pattern[str], *, requirement_only: bool, trigger: str
) -> Iterator[tuple[Sentence, re.Match[str]]]:
    """Matches of `pattern` in the block, with the sentence each sits in. The pattern is tried
    only where a word of its `trigger` set starts (much faster than scanning every position)."""
    starters = _TRIGGERS[trigger]
    if block.vocabulary.isdisjoint(starters):
        return
    sentences = block.sentences
    index = 0
    reached = 0
    for position, word in block.tokens:
        if position < reached or word not in starters:
            continue
        if position and block.plain[position - 1] in "/-":
            continue
        match = pattern.match(block.plain, position)
        if match is None:
            continue
        reached = match.end()
        while index < len(sentences) and sentences[index].end <= position:
            index += 1
        if index == len(sentences) or sentences[index].start > position:
            continue
        sentence = sentences[index]
        if requirement_only and not sentence.requirement:
            continue
        yield sentence, match


def vague_quantifiers(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().quantifier, requirement_only=True, trigger="quantifier"
    ):
        word = " ".join(match.group(0).split())
        before = block.plain[max(sentence.start, match.start() - 8) : match.start()].lower()
        after = block.plain[match.end() : match.end() + 12].lower()
        if before.rstrip().endswith(("how", "as", "so", "too")) or after.startswith(
            (" of the most", " of its", " of their", " of them", " of these", " other")
        ):
            continue
        if not _in_obligation(block, sentence, match.start()):
            continue
        if _re().criteria_after.match(block.plain[match.end() : match.end() + 60]):
            continue
        yield Hit(
            rules.VAGUE_QUANTIFIER,
            match.start(),
            match.end(),
            f"vague quantifier `{word}`: how many is enough?",
            "state the number or range, or `all` / `at least one`",
        )


def vague_terms(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().vague, requirement_only=True, trigger="vague"
    ):
        word = " ".join(match.group(0).split())
        after = block.plain[match.end() : match.end() + 60]
        around = block.plain[max(sentence.start, match.start() - 12) : match.end() + 4]
        if _re().criteria_after.match(after) or _re().permission.search(around):
            continue
        if criterion_given(block, sentence, match.start(), match.end()) or _re().clear_idiom.match(
            block.plain, max(0, match.start() - 9)
        ):
            continue
        verb = _re().verb_after.match(block.plain, match.end())
        if word.lower() == "clearly" and verb and verb["verb"] in words.IMPERATIVE_VERBS:
            continue  # `clearly state`: emphasis on an act, not a judgement of it
        if word.lower() == "obvious" and block.plain[: match.start()].lower().endswith("the "):
            continue  # `the obvious`: a noun, not a requirement's judgement
        if word.lower() == "similar" and (
            re.match(r"\s+(?:to|as)\b", after) or not _in_obligation(block, sentence, match.start())
        ):
            continue  # `similar to X` names its reference; elsewhere it is a description
        if word.lower() == "the right" and _re().right_idiom.match(after):
            continue  # `the right to ...`, `the right side`: a right, a direction
        if word.lower() == "proper" and _re().absent_before.search(
            block.plain[max(sentence.start, match.start() - 40) : match.start()]
        ):
            continue  # `a lack of proper training`, `without proper authorization`: an absence
        if word.lower().startswith("strictly") and _re().purpose_after.match(after):
            continue
        if word.lower().startswith("reasonabl") and (
            _re().standard_person.match(after) or _re().standard_inference.match(after)
        ):
            continue
        yield Hit(
            rules.VAGUE_TERM,
            match.start(),
            match.end(),
            f"`{word}` names a judgement without its criteria",
            f"say what makes it {word.lower()}, or point to the section that does",
        )


def loopholes(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().loophole, requirement_only=True, trigger="loophole"
    ):
        word = " ".join(match.group(0).split())
        after = block.plain[match.end() : match.end() + 60]
        if _re().criteria_after.match(after) or (
            word.lower().startswith("if ") and _re().purpose_after.match(after)
        ):
            continue
        if next_gives_criterion(block, sentence):
            continue  # `Only add parentheses when necessary. For example, ...`
        if word.split()[0].lower() in _SOFTENERS:
            before = block.plain[max(sentence.start, match.start() - 60) : match.start()]
            heads = list(_re().modal_head.finditer(before))
            tail = before[heads[-1].end() :] if heads else ""
            if opens_imperative(block.plain[sentence.start : match.start()]):
                pass
            elif (
                not heads
                or len(tail.split()) > 2
                or _re().negated_before.search(tail)
                or _re().negated_before.search(
                    before[max(0, heads[-1].start() - 8) : heads[-1].start()]
                )
                or _re().negated_before.search(heads[-1].group(0))
                or heads[-1].group(0).lower() in ("never", "avoid", "cannot")
            ):
                continue
        yield Hit(
            rules.LOOPHOLE,
            match.start(),
            match.end(),
            f"escape clause `{word}` lets any failure count as compliance",
            "name the condition under which the requirement does not apply, or remove it",
        )


def open_lists(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().open_list, requirement_only=False, trigger="open"
    ):
        word = " ".join(match.group(0).split())
        if word.lower().startswith("and so") and re.match(
            r"\W*until\b", block.plain[match.end() : match.end() + 12]
        ):
            continue
        introduced = _introduced_as_examples(block, sentence.start, match.start())
        replacement = None
        fix_start = fix_end = None
        if word.lower().startswith("etc") and introduced:
            fix_start, fix_end = _etc_span(block, match.start(), match.end())
            replacement = (
                "."
                if block.text[match.end() - 1] == "." and _ends_sentence(block, match.end())
                else ""
            )
        if replacement is not None:
            message = f"`{word}` repeats what the list's `such as`/`e.g.` already says"
            hint = "the list is already introduced as examples: drop the `etc.` (`--fix` does)"
        else:
            message = f"open-ended list (`{word}`): what else belongs to it?"
            hint = "close the list, or say what its members have in common"
        yield Hit(
            rules.OPEN_ENDED_LIST,
            match.start(),
            match.end(),
            message,
            hint,
            replacement,
            fix_start,
            fix_end,
        )


def _introduced_as_examples(block: Block, sentence_start: int, position: int) -> bool:
    before = block.plain[sentence_start:position].lower()
    last_open = before.rfind("(")
    if last_open > before.rfind(")"):
        before = before[last_open:]
    return any(re.search(rf"(?<!\w){re.escape(m)}(?!\w)", before) for m in words.EXAMPLE_MARKERS)


def _etc_span(block: Block, start: int, end: int) -> tuple[int, int]:
    """The `etc.` with the comma and space before it: `a, b, etc.` -> `a, b`."""
    left = start
    while left > 0 and block.text[left - 1] in " \t":
        left -= 1
    if left > 0 and block.text[left - 1] == ",":
        left -= 1
    return left, end


def _ends_sentence(block: Block, end: int) -> bool:
    rest = block.plain[end:].lstrip(" \t")
    return not rest or rest[0] in "\r\n" or rest[0].isupper() or rest[0] in "*_"


def and_or(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().and_or, requirement_only=False, trigger="and-or"
    ):
        before = block.plain[sentence.start : match.start()]
        safe = bool(_re().negation.search(before) or _re().condition.search(before))
        hint = (
            "here plain `or` means the same (negation or condition): `--fix` writes it"
            if safe
            else "write `or`, `and`, or `either ... or` as meant; `charter clarify` asks"
        )
        yield Hit(
            rules.AND_OR,
            match.start(),
            match.end(),
            "`and/or` leaves open whether one, both or either is required",
            hint,
            "or" if safe else None,
        )


def comparisons(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().comparative, requirement_only=True, trigger="comparative"
    ):
        text = block.plain[sentence.start : sentence.end]
        if _re().reference.search(text):
            continue
        if any(
            idiom.start() <= match.start() - sentence.start < idiom.end()
            for idiom in _re().comparative_idioms.finditer(text)
        ):
            continue
        if not _in_obligation(block, sentence, match.start()):
            continue
        word = " ".join(match.group(0).split())
        yield Hit(
            rules.UNREFERENCED_COMPARISON,
            match.start(),
            match.end(),
            f"`{word}` compares with nothing: {word.split()[0].lower()} than what?",
            "add the reference (`than ...`) or replace the comparison with a measure",
        )


def passives(block: Block) -> Iterator[Hit]:
    for sentence, match in sentence_matches(
        block, _re().passive, requirement_only=True, trigger="passive"
    ):
        participle = match["participle"]
        after = (match["after"] or "").strip().lower()
        if participle in words.STATIVE_PARTICIPLES or after in ("to", "that", "with", "in"):
            continue
        if _re().agent.search(block.plain, match.end("participle"), sentence.end):
            continue
        if _re().relative_before.search(
            block.plain[max(sentence.start, match.start() - 30) : match.start()]
        ):
            continue
        if _re().actor.search(block.plain):
            continue  # the paragraph names the assistant, the actor a passive leaves implicit
        yield Hit(
            rules.PASSIVE_WITHOUT_AGENT,
            match.start(),
            match.end("participle"),
            f"passive `{' '.join(block.plain[match.start() : match.end('participle')].split())}`"
            " does not say who acts",
            "make the actor the subject, or add `by <actor>`",
        )


def double_negatives(block: Block) -> Iterator[Hit]:
    for _, match in sentence_matches(
        block, _re().double_negative, requirement_only=False, trigger="negative"
    ):
        words_found = " ".join(match.group(0).split())
        yield Hit(
            rules.DOUBLE_NEGATIVE,
            match.start(),
            match.end(),
            f"double negative `{words_found}`",
            "state the positive form",
        )


def placeholders(block: Block) -> Iterator[Hit]:
    for match in _re().placeholder.finditer(block.plain):
        yield Hit(
            rules.PLACEHOLDER,
            match.start(),
            match.end(),
            f"placeholder `{match.group(0)}`: the requirement is not written yet",
            "write the missing text, or move the note into `!!! meta` commentary",
        )


def modal_case(block: Block, style: str) -> Iterator[Hit]:
    if style == "rfc2119":
        for _, match in sentence_matches(
            block, _re().lower_modal, requirement_only=True, trigger="passive"
        ):
            word = " ".join(match.group(0).split())
            yield Hit(
                rules.MODAL_STYLE,
                match.start(),
                match.end(),
                f"lower-case `{word}` in an RFC 2119 project reads as ordinary English",
                f"write `{word.upper()}` (`--fix` does)",
                match.group(0).upper(),
            )
        return
    for _, match in sentence_matches(
        block, _re().upper_modal, requirement_only=False, trigger="upper-modal"
    ):
        word = " ".join(match.group(0).split())
        yield Hit(
            rules.MODAL_STYLE,
            match.start(),
            match.end(),
            f"upper-case `{word}` in a model-spec style project reads as a stronger word",
            f'write `{word.lower()}` (`--fix` does), or set `[lint] modal-style = "rfc2119"`',
            match.group(0).lower(),
        )
