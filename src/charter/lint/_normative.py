"""Normative or descriptive: whether a sentence obliges, forbids, permits or directs something.

Lint rules about vague wording fire only in normative sentences: `This is a slim package with
minimal dependencies` describes, `Keep dependencies minimal` directs. A sentence is normative when
it carries a clause tag, a strong modal (`must`, `should`, `shall`, `required`...) used as one, or
an imperative: a piece of it (split at `;` and dashes) that, after a label (`Requirement:`), a
connective (`Instead,`) and an opening condition (`When possible,`, `If you change X,`, `When
reviewing code, writing docs, or testing,`), starts with a verb in the base form, or whose label
is itself a verb (`Ask first: large refactors`). Weak modals (`may`, `cannot`, `never`, `do not`)
count only as an imperative opening or after an actor (`you`, `the assistant`, `the agent`, `the
model`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from charter.lint import _words as words
from charter.text import APOSTROPHES

_A = f"[{APOSTROPHES}]"


class _Patterns:
    def __init__(self) -> None:
        self.strong = re.compile(
            rf"\b(?:must|mustn{_A}t|shall|should|shouldn{_A}t|required|forbidden|prohibited|"
            r"is\s+expected\s+to|are\s+expected\s+to|recommended|we\s+(?:prefer|recommend|ask|"
            r"expect|require)|(?:is|are)\s+not\s+allowed|(?:is|are)\s+allowed|needs?\s+to|"
            r"has\s+to|have\s+to|may\s+only|can\s+only)\b",
            re.IGNORECASE,
        )
        self.descriptive_modal = re.compile(
            r"\b(?:this|that|which)\s+should\b|\bshould\s+(?:not\s+)?(?:need|feel|enable|be\s+"
            r"able)\b|\b(?:is|are)\s+(?:not\s+)?(?:meant|supposed)\s+to\b",
            re.IGNORECASE,
        )
        self.actor_weak = re.compile(
            r"\b(?:you|the\s+(?:assistant|agent|model|bot))\s+(?:\w+ly\s+)?(?:may(?!\s+(?:"
            r"sometimes|even|still|be|have|encounter|seem|appear|need|want|find|receive|get|"
            r"lead|cause|result|face|come|vary)\b)|never|always|do\s+not|"
            rf"don{_A}t|are\s+(?:not\s+)?to)\b",
            re.IGNORECASE,
        )
        self.dash = re.compile(r"\s[—–]\s|\s--\s")
        self.adverb_opening = re.compile(r"^\W*(?:never|always)\b", re.IGNORECASE)
        self.label = re.compile(
            r"^[\s\-*+>\d.)]*(?:\*\*[^*\n]{1,40}\*\*:?\s*|[A-Za-z][\w ’'/-]{0,30}:\s+)",
        )
        self.markup = re.compile(r"^[\s\-*+>\d.)\[\]]*[*_]*")
        self.connective = re.compile(
            r"^(?:instead|additionally|also|then|please|finally|otherwise|so|therefore|first|"
            r"next|again|in\s+other\s+words|as\s+such|in\s+short|in\s+general|in\s+particular|"
            r"similarly|likewise|for\s+example|for\s+instance|above\s+all|critical|important|"
            r"note|rarely|seldom|occasionally|sometimes|often|usually|generally|typically|"
            r"normally|only|just)\b,?\s*",
            re.IGNORECASE,
        )
        self.condition = re.compile(
            r"^(?:when|whenever|if|before|after|once|while|unless|until|for|to|under|in|on|"
            r"during|within|where|wherever|as\s+long\s+as|whether|given|with|without|at)\b"
            r"[^,;:]{0,160},\s*(?:(?:(?:or|and)\s+)?[a-z]+ing\b[^,;:]{0,120},\s*)*",
            re.IGNORECASE,
        )
        self.label_verb = re.compile(
            r"^[\s\-*+>\d.)]*(?:\*\*)?(?P<word>[A-Za-z]+)(?:\s+(?:first|always|now|too))?"
            r"(?:\*\*)?:\s",
        )
        self.first = re.compile(rf"^(?P<word>[A-Za-z]+(?:{_A}t)?)(?:/[A-Za-z]+)*(?P<rest>.*)", re.S)
        self.finite_next = re.compile(
            r"^\s+(?:is|are|was|were|has|have|had|does|do|did|can|will|would|may|might|must|"
            r"should|runs|uses|contains|provides|means|follows|lives|gets|goes|remains)\b",
            re.IGNORECASE,
        )


@lru_cache(maxsize=1)
def _re() -> _Patterns:
    return _Patterns()


def strip_lead(piece: str) -> str:
    """The piece without list markers, a label, connectives and opening conditions."""
    patterns = _re()
    text = patterns.markup.sub("", piece)
    for _ in range(3):
        before = text
        text = patterns.label.sub("", text, count=1)
        text = patterns.markup.sub("", text)
        text = patterns.connective.sub("", text, count=1)
        text = patterns.condition.sub("", text, count=1)
        if text == before:
            break
    return text


def imperative(piece: str) -> bool:
    """Whether `piece` (a sentence or part of one) opens, after its lead, with a base-form verb."""
    label = _re().label_verb.match(piece)
    if label is not None and label["word"].lower() in words.IMPERATIVE_VERBS:
        return True  # `Ask first: large refactors, new dependencies`
    text = strip_lead(piece)
    found = _re().first.match(text)
    if found is None:
        return False
    word = found["word"].lower().replace("’", "'").replace("ʼ", "'")
    if word in words.IMPERATIVE_OPENERS:
        return True
    if word not in words.IMPERATIVE_VERBS:
        return False
    return not _re().finite_next.match(found["rest"])


def normative(text: str, tagged: bool = False) -> bool:
    """Whether the sentence `text` (masked prose) obliges, forbids, permits or directs."""
    if tagged:
        return True
    patterns = _re()
    strong = list(patterns.strong.finditer(text))
    if strong and not all(
        patterns.descriptive_modal.search(text, max(0, m.start() - 12), m.end() + 14)
        for m in strong
    ):
        return True
    if patterns.actor_weak.search(text):
        return True
    return any(_clause_directs(clause) for clause in text.split(";") if clause.strip())


def _clause_directs(clause: str) -> bool:
    """Whether a `;`-separated part of a sentence directs. A dash piece that opens with `never`
    or `always` after a descriptive first piece continues that piece's predicate (`The scheduler
    reads jobs — never runs user code`), so it does not direct on its own."""
    pieces = [piece for piece in _re().dash.split(clause) if piece.strip()]
    if not pieces:
        return False
    if imperative(pieces[0]):
        return True
    return any(imperative(piece) and not _re().adverb_opening.match(piece) for piece in pieces[1:])
