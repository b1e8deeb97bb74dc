"""Statements reduced to what conflict detection compares: polarity, subject, action, scope.

"When a customer asks, the assistant must not promise a delivery date" becomes polarity -1,
subject {assistant}, core {assistant, promise, deliver, date}, scope {user, ask}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charter.text import sentence_bounds, straight_apostrophes

_MODAL = re.compile(
    r"\b(?P<neg>must not|mustn't|must never|should not|shouldn't|should never|shall not|"
    r"may not|may never|never|cannot|can't|can not|do not|don't|does not|doesn't|will not|"
    r"won't|is not allowed to|are not allowed to|is forbidden|are forbidden|forbidden|"
    r"prohibited)\b|\b(?P<pos>must always|must|should always|should|shall|always|"
    r"is required to|are required to|required|recommended|may|is allowed to|are allowed to)\b",
    re.IGNORECASE,
)
_AVOID = re.compile(r"^\s*(?:avoid|refrain from|decline to|refuse to|stop)\b", re.IGNORECASE)
_NOT_NEEDED = re.compile(r"\b(not required|not necessary|need not|needn't|not need to)\b", re.I)
_CONDITION_START = re.compile(
    r"^\s*(?:when|whenever|if|unless|while|during|in|on|for|after|before|once)\b", re.I
)
_SCOPE = re.compile(
    r"\b(?:when|whenever|if|unless|while|during|in|on|within|except|outside|inside|after|"
    r"before|once)\b",
    re.IGNORECASE,
)
_PIECES = re.compile(r";|\s[—–]\s|,\s*but\s|\bbut\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

_STOPWORD_TEXT = """a an the this that these those it its it's they them their theirs you your
    yours we our ours i me my he she his her him one ones is are be been being was were am do
    does did has
    have had having to of and or nor for with as at by from into onto about any all each every
    some such so than then there here which who whom whose what when where while if unless
    whenever not no never only also just very more most less least other another own same
    both either neither can could would will shall should must may might need needs please
    always ever yet still even already within without upon via per s t"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_SUBJECTS = frozenset({"assistant", "model", "chatbot", "bot", "agent"})
_SYNONYMS = {
    "disclose": "reveal",
    "divulge": "reveal",
    "share": "reveal",
    "expose": "reveal",
    "leak": "reveal",
    "give": "provide",
    "offer": "provide",
    "supply": "provide",
    "inform": "tell",
    "notify": "tell",
    "customer": "user",
    "customers": "user",
    "client": "user",
    "person": "user",
    "people": "user",
    "users": "user",
    "request": "ask",
    "employ": "use",
    "utilize": "use",
    "guarantee": "promise",
    "response": "reply",
    "answer": "reply",
    "respond": "reply",
    "responses": "reply",
    "answers": "reply",
    "replies": "reply",
    "contain": "include",
    "begin": "start",
    "purchase": "buy",
    "emojis": "emoji",
    "emoticon": "emoji",
    "emoticons": "emoji",
}


def stem(word: str) -> str:
    """A light stemmer: plural, -ing, -ed and final -e go, so share/shares/sharing meet."""
    word = _SYNONYMS.get(word, word)
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return _SYNONYMS.get(word, word)


def tokens(text: str) -> list[str]:
    """Content words of `text`, stemmed, without stop words."""
    found = []
    for word in _WORD.findall(straight_apostrophes(text.lower())):
        word = word.split("'")[0]
        if word and word not in STOPWORDS and not word.isdigit():
            found.append(stem(word))
    return found


@dataclass(frozen=True, slots=True)
class Statement:
    """One modal statement of a clause."""

    clause: int
    """Index of the clause in the list the statements were made from."""
    text: str
    polarity: int
    """+1 for must/should/may/always, -1 for must not/never/forbidden."""
    modal: str
    subject: frozenset[str]
    core: frozenset[str]
    scope: frozenset[str]
    condition: frozenset[str] = frozenset()
    """Words of a leading condition (`In programmatic settings, ...`, `When asked, ...`)."""


def _pieces(text: str) -> list[str]:
    pieces: list[str] = []
    for start, end in sentence_bounds(text):
        pieces.extend(part for part in _PIECES.split(text[start:end]) if part.strip())
    return pieces


def statements(text: str, clause: int = 0) -> list[Statement]:
    """The modal statements of a clause's text (pieces without a modal word are skipped)."""
    found = []
    for written in _pieces(text):
        piece = straight_apostrophes(written)  # same length: `shouldn’t` reads as `shouldn't`
        if _NOT_NEEDED.search(piece):
            continue
        match = _MODAL.search(piece)
        if match is None:
            continue
        polarity = -1 if match["neg"] else 1
        pre, post = piece[: match.start()], piece[match.end() :]
        if polarity == 1 and _AVOID.match(post):
            polarity = -1
            post = _AVOID.sub("", post, count=1)
        pre_scope = ""
        if _CONDITION_START.match(pre) and "," in pre:
            pre_scope, pre = pre.rsplit(",", 1)
        split = _SCOPE.search(post)
        action, post_scope = (post[: split.start()], post[split.end() :]) if split else (post, "")
        subject = set(tokens(pre))
        if not subject or subject & _SUBJECTS:
            subject = {"assistant"}
        core = frozenset({*subject, *tokens(action)})
        scope = frozenset(tokens(pre_scope) + tokens(post_scope))
        condition = frozenset(tokens(pre_scope))
        found.append(
            Statement(
                clause,
                written.strip(),
                polarity,
                match.group(0).lower(),
                frozenset(subject),
                core,
                scope,
                condition,
            )
        )
    return found


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared share of the smaller set: 1.0 when one scope lies inside the other."""
    if not a or not b:
        return 1.0
    return len(a & b) / min(len(a), len(b))
