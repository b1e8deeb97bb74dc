"""Defined terms: `**Generated files**: config.schema.json, MODULE.bazel.lock and the snapshots.`
in a definitions section makes `must not edit generated files` also read as `must not edit
config.schema.json`, so a conflict that shows only through the definition is found."""

from __future__ import annotations

import re

from charter.spec import Spec

_TITLE = re.compile(r"^(?:definitions?|glossary|terminology|terms)\b", re.IGNORECASE)
_ENTRY = re.compile(r"^\W*(?:\*\*|__)(?P<term>[^*_\n]{1,60})(?:\*\*|__)\s*:?\s*(?P<meaning>.+)$")
_MEMBERS = re.compile(r",\s*(?:and|or)\s+|,\s*|\s+(?:and|or)\s+")
_MAX_MEMBERS = 8
_MEMBER_WORDS = 5


def definitions(spec: Spec) -> dict[str | None, dict[str, list[str]]]:
    """Per module, each defined term (lower case) and the members its definition lists."""
    found: dict[str | None, dict[str, list[str]]] = {}
    for section in spec.sections:
        if not _TITLE.match(section.title.strip()):
            continue
        for line in section.text.splitlines():
            entry = _ENTRY.match(line.strip())
            if entry is None:
                continue
            meaning = entry["meaning"].strip().rstrip(".")
            members = [m.strip() for m in _MEMBERS.split(meaning) if m.strip()]
            if not _enumerative(members):
                continue
            term = " ".join(entry["term"].lower().rstrip(":").split())
            found.setdefault(section.module, {})[term] = members[:_MAX_MEMBERS]
    return found


def _enumerative(members: list[str]) -> bool:
    """Whether a definition lists its members (`a, b and c`) rather than explaining the term in
    prose: only a list can stand in for the term word for word."""
    return 2 <= len(members) <= _MAX_MEMBERS and all(
        len(member.split()) <= _MEMBER_WORDS for member in members
    )


def _pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.split()]
    words[-1] += "s?" if not term.endswith("s") else "?"
    return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.IGNORECASE)


def substituted(text: str, terms: dict[str, list[str]]) -> list[str]:
    """`text` once per member of each defined term it uses, the member in the term's place."""
    variants: list[str] = []
    for term, members in terms.items():
        pattern = _pattern(term)
        if pattern.search(text):
            variants.extend(pattern.sub(member, text) for member in members)
    return variants
