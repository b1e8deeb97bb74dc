"""Detectors on the prose of the reply: its language, links, reading level and questions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from charter.checks._pii import DETECTORS
from charter.checks._registry import Outcome, Reply, category, check_kind
from charter.checks._text import sentences, words

category("Spec detectors")

MIN_CONFIDENCE = 0.5
"""The language identifier's probability below which a text's language is undecided."""


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=4096)
def language_of(text: str) -> tuple[str, float]:
    """The ISO 639-1 code py3langid gives `text`, and its probability."""
    code, probability = _identifier().classify(text)
    return str(code), float(probability)


def _language_value(value: Any) -> None:
    if value != "same" and not re.fullmatch(r"[a-z]{2}", value):
        raise ValueError(f'language takes "same" or a two-letter ISO 639-1 code, not {value!r}')


@check_kind(
    "K070",
    "language",
    {"type": "string"},
    '"same" (the user\'s language) or a two-letter code such as "en"',
    extra=DETECTORS,
    prepare=_language_value,
)
def language(value: str, reply: Reply) -> Outcome:
    """The reply is written in the given language, or with `same` in the language of the user's
    last message, as the packaged py3langid identifier (97 languages, its model in the wheel)
    reads them.

    Example: `- language: same` for "reply in the language the customer writes in"; `- language:
    en` for an example where the customer asks for English.

    Limits: a text the identifier gives less than 0.5 probability (a few words, names, numbers) is
    undecided. Close languages (Bosnian, Croatian, Serbian; Malay read as Indonesian) are confused.
    Accuracy on public test sentences in 71 languages: docs/detectors.md. Needs the `checks` extra.
    """
    reply_code, reply_p = language_of(reply.text)
    if reply_p < MIN_CONFIDENCE:
        return Outcome.undecided(f"reply language unclear ({reply_code}, p={reply_p:.2f})")
    wanted = value
    if value == "same":
        if not reply.user_text.strip():
            return Outcome.undecided("no user message to compare with")
        wanted, user_p = language_of(reply.user_text)
        if user_p < MIN_CONFIDENCE:
            return Outcome.undecided(f"user's language unclear ({wanted}, p={user_p:.2f})")
    ok = reply_code == wanted
    return Outcome.of(ok, f"reply in {reply_code}" + ("" if ok else f", not {wanted}"))


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`)\]]+", re.IGNORECASE)


def domains_of(text: str) -> list[str]:
    """The host names of the links in `text`, lower-cased, in order."""
    found = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
        if host:
            found.append(host.lower())
    return found


def _allowed(host: str, allowed: list[str]) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in allowed)


@check_kind(
    "K071",
    "links",
    {
        "type": "object",
        "properties": {
            "allow": {"type": "array", "items": {"type": "string"}},
            "max": {"type": "integer", "minimum": 0},
        },
        "minProperties": 1,
        "additionalProperties": False,
    },
    "{allow: [domains], max: N}",
)
def links(value: Mapping[str, Any], reply: Reply) -> Outcome:
    """Every link in the reply points to an allowed domain (or a subdomain of one), and there are
    at most `max` links.

    Example: `- links: {allow: [acme.example]}`; `- links: {max: 0}` for no links at all.

    Limits: links are `http(s)://` or `www.` URLs; a bare "acme.example/help" is not seen.
    """
    hosts = domains_of(reply.text)
    allowed = [str(domain).lower().lstrip(".") for domain in value.get("allow", [])]
    if "allow" in value:
        other = [host for host in hosts if not _allowed(host, allowed)]
        if other:
            return Outcome.of(False, f"links to {other[0]}, not an allowed domain")
    if "max" in value and len(hosts) > value["max"]:
        return Outcome.of(False, f"{len(hosts)} links > {value['max']}")
    return Outcome.of(True, f"{len(hosts)} links, all allowed")


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """An English syllable estimate: vowel groups, less a silent final e, at least one."""
    word = word.casefold()
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def reading_grade(text: str) -> float | None:
    """The Flesch-Kincaid grade level of `text`, or None with fewer than 20 words."""
    found = [word for word in words(text) if not word.isdigit()]
    if len(found) < 20:
        return None
    count = max(sentences(text), 1)
    total = sum(syllables(word) for word in found)
    return 0.39 * len(found) / count + 11.8 * total / len(found) - 15.59


@check_kind("K072", "reading_level", {"type": "number", "minimum": 0}, "a school grade (8)")
def reading_level(value: float, reply: Reply) -> Outcome:
    """The reply's Flesch-Kincaid grade level is at most this (8: plain English most adults read).

    Example: `- reading_level: 8` for "use plain words a customer understands".

    Limits: English only, syllables estimated from vowel groups; a reply under 20 words is
    undecided. It measures sentence and word length, not whether jargon is explained.
    """
    grade = reading_grade(reply.text)
    if grade is None:
        return Outcome.undecided("too short to measure a reading level (under 20 words)")
    ok = grade <= value
    return Outcome.of(ok, f"reading grade {grade:.1f} {'<=' if ok else '>'} {value}")


_QUESTION = re.compile(r"\?(?=[\s\"')\]]*$|[\s\"')\]]+\S)", re.MULTILINE)
_OFFER = re.compile(
    r"(?i)\b(?:let me know|tell me|reply with|send me|share (?:your|the)|if you(?:'d| would) like)"
)


def asks(text: str) -> bool:
    """Whether `text` asks the user something: a question mark ends a sentence, or an invitation
    such as "let me know" or "if you'd like"."""
    prose = re.sub(r"```.*?```|https?://\S+", "", text, flags=re.DOTALL)
    return _QUESTION.search(prose) is not None or _OFFER.search(prose) is not None


@check_kind("K073", "asks_question", {"type": "boolean"}, "true (must ask) or false (must not)")
def asks_question(value: bool, reply: Reply) -> Outcome:
    """Whether the reply asks the user something or invites a next step ("let me know", "if you'd
    like"): true, it must; false, it must not.

    Example: `- asks_question: true` for "end with a question or a next step".

    Limits: a rhetorical question counts as a question; a question mark inside a URL or a code
    block does not.
    """
    found = asks(reply.text)
    return Outcome.of(found == value, "asks the user" if found else "asks nothing")
