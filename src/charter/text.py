"""Text helpers every package shares: sentences, modal words, slugs, edit distance.

A base module: it imports nothing of Charter.
"""

from __future__ import annotations

import re
import unicodedata

CLAUSE_TAG = re.compile(r"\[\^(?P<id>[A-Za-z0-9][\w-]*)\]")

_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "cf.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "U.S.")
# A sentence ends at . ! or ? (plus closing quotes/brackets and any clause tags right after it),
# followed by white space and something that can start a sentence.
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*(?:\[\^[\w-]+\])*[\"”’')\]]*\s+(?=[A-Z0-9\"“‘(*_\[`])")

#: The apostrophes writers use in contractions: straight, typographic (U+2019) and the
#: modifier letter (U+02BC). `shouldn’t` is the same word as `shouldn't`.
APOSTROPHES = "'’ʼ"
_APOSTROPHE = f"[{APOSTROPHES}]"

_MODAL = re.compile(
    rf"\b(must not|must|mustn{_APOSTROPHE}t|should not|shouldn{_APOSTROPHE}t|should|shall not|"
    rf"shall|may not|may|never|always|cannot|can{_APOSTROPHE}t|can not|do not|don{_APOSTROPHE}t|"
    rf"does not|doesn{_APOSTROPHE}t|will not|won{_APOSTROPHE}t|"
    r"required|forbidden|prohibited|recommended|optional)\b",
    re.IGNORECASE,
)
_MODAL_NORMAL = {
    "mustn't": "must not",
    "shouldn't": "should not",
    "can't": "cannot",
    "can not": "cannot",
    "don't": "do not",
    "doesn't": "does not",
    "won't": "will not",
}


def straight_apostrophes(text: str) -> str:
    """`text` with every apostrophe written as `'`, so contractions compare equal."""
    return re.sub(_APOSTROPHE, "'", text)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences of `text` (end exclusive, trailing space excluded)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        before = text[start:end].rstrip()
        if any(before.endswith(abbreviation) for abbreviation in _ABBREVIATIONS):
            continue
        bounds.append((start, start + len(before)))
        start = end
    if text[start:].strip():
        bounds.append((start, len(text.rstrip())))
    return bounds


def strip_tags(text: str) -> str:
    """Text without clause tags, with runs of white space folded."""
    return " ".join(CLAUSE_TAG.sub("", text).split())


def modal_words(text: str) -> list[str]:
    """Modal words of `text` in order, normalised: `must not`, `should`, `never`...

    Upper-case words keep their case, so RFC 2119 style (`MUST`) stays visible.
    """
    found: list[str] = []
    for match in _MODAL.finditer(text):
        word = match.group(1)
        lower = straight_apostrophes(word.lower())
        normal = _MODAL_NORMAL.get(lower, lower)
        found.append(normal.upper() if word.isupper() and len(word) > 1 else normal)
    return found


def slugify(text: str) -> str:
    """A lower-case anchor-like key: `Be clear & direct` -> `be-clear-direct`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_NOT_IN_SLUG = re.compile(r"[^\w\- ]")


def github_slug(title: str) -> str:
    """The anchor GitHub gives a heading: `Policies & Rules` -> `policies--rules`.

    Lower case; every character that is not a letter, digit, `-`, `_` or space is dropped and
    each space becomes `-` (so `&` between two spaces leaves `--`). Markup is left out as
    rendering leaves it out: link targets, emphasis stars and code backticks.
    """
    text = _LINK_TARGET.sub("]", title).lower()
    return _NOT_IN_SLUG.sub("", text).replace(" ", "-")


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning `limit + 1`) once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
