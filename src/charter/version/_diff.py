"""The semantic diff of two specs: which sections and clauses changed, and how much it matters."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from charter.spec import Authority, Clause, Example, PromptFile, Section, Spec
from charter.text import CLAUSE_TAG, sentence_bounds
from charter.version._match import (
    CLAUSE_THRESHOLD,
    TITLE_THRESHOLD,
    normalise,
    pair_by_similarity,
    similarity,
    word_diff,
)
from charter.version._modality import compare, modality
from charter.version._semver import Bump


class Kind(StrEnum):
    """What happened to a section, clause or prompt file."""

    SECTION_ADDED = "section-added"
    SECTION_REMOVED = "section-removed"
    SECTION_RENAMED = "section-renamed"
    SECTION_MOVED = "section-moved"
    SECTION_AUTHORITY = "section-authority"
    SECTION_AUTHORITY_RENAMED = "section-authority-renamed"
    CLAUSE_ADDED = "clause-added"
    CLAUSE_REMOVED = "clause-removed"
    CLAUSE_ID_CHANGED = "clause-id-changed"
    CLAUSE_TAGGED = "clause-tagged"
    CLAUSE_UNTAGGED = "clause-untagged"
    CLAUSE_REWORDED = "clause-reworded"
    CLAUSE_MOVED = "clause-moved"
    CLAUSE_AUTHORITY = "clause-authority"
    CLAUSE_MODALITY = "clause-modality"
    SECTION_TEXT = "section-text"
    SECTION_EXAMPLES = "section-examples"
    PROMPT_ADDED = "prompt-added"
    PROMPT_REMOVED = "prompt-removed"
    PROMPT_EDITED = "prompt-edited"


@dataclass(frozen=True, slots=True)
class Change:
    """One change, with the version bump it calls for and why."""

    kind: Kind
    bump: Bump
    id: str
    """Clause id (the new one when it changed) or section key."""
    section: str | None
    """Key of the section it belongs to in the newer spec (the older one when removed)."""
    message: str
    old: str | None = None
    new: str | None = None
    word_diff: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.value,
            "bump": self.bump.label,
            "id": self.id,
            "section": self.section,
            "message": self.message,
        }
        for key in ("old", "new", "word_diff"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(slots=True)
class SpecDiff:
    """Every change from `old` to `new`, the section titles to show them under, and the bump."""

    old: Spec
    new: Spec
    changes: list[Change] = field(default_factory=list)
    clause_ids: dict[str, str] = field(default_factory=dict)
    """Old clause id -> new clause id, for every clause present in both."""
    section_keys: dict[str, str] = field(default_factory=dict)
    """Old section key -> new section key, for every section present in both."""

    @property
    def bump(self) -> Bump:
        return max((change.bump for change in self.changes), default=Bump.NONE)

    def counts(self) -> dict[str, int]:
        found = Counter(change.kind.value for change in self.changes)
        return {kind.value: found[kind.value] for kind in Kind if found[kind.value]}

    def reasons(self, bump: Bump | None = None) -> list[Change]:
        """The changes that call for `bump` (default: the implied bump)."""
        wanted = self.bump if bump is None else bump
        return [change for change in self.changes if change.bump is wanted]

    def title(self, section_key: str | None) -> str:
        """The section's title in the newer spec, else in the older one."""
        if section_key is None:
            return "(before the first section)"
        found = self.new.section(section_key) or self.old.section(section_key)
        return found.title if found else section_key

    def authority_levels(self) -> dict[str, Any]:
        """Authority names used by sections: renamed wholesale, newly used, no longer used."""
        old_levels = _stated_levels(self.old)
        new_levels = _stated_levels(self.new)
        pairs = Counter(
            (change.old or "", change.new or "")
            for change in self.changes
            if change.kind is Kind.SECTION_AUTHORITY_RENAMED
        )
        renamed = {
            old: new
            for (old, new), _ in pairs.most_common()
            if old not in new_levels and new not in old_levels
        }
        return {
            "renamed": renamed,
            "rename_counts": {f"{a} -> {b}": pairs[(a, b)] for a, b in renamed.items()},
            "added": sorted(new_levels - old_levels - set(renamed.values())),
            "removed": sorted(old_levels - new_levels - set(renamed)),
        }


def _stated_levels(spec: Spec) -> set[str]:
    return {s.stated_authority.lower() for s in spec.sections if s.stated_authority}


def diff_specs(old: Spec, new: Spec) -> SpecDiff:
    """Compare two specs section by section and clause by clause."""
    result = SpecDiff(old, new)
    _diff_sections(result)
    _diff_clauses(result)
    _diff_prompt_files(result)
    _diff_section_bodies(result)
    return result


def _authority_bump(old: Authority | None, new: Authority | None) -> tuple[Bump, str]:
    if old is not None and (new is None or new.rank > old.rank):
        return Bump.MAJOR, "lowered"
    return Bump.MINOR, "raised"


def _name(authority: Authority | None) -> str:
    return authority.value if authority else "none"


def _diff_sections(result: SpecDiff) -> None:
    old_by_key = {s.key: s for s in result.old.sections}
    new_by_key = {s.key: s for s in result.new.sections}
    pairs = [(old_by_key[key], new_by_key[key]) for key in old_by_key if key in new_by_key]
    old_rest = [s for s in result.old.sections if s.key not in new_by_key]
    new_rest = [s for s in result.new.sections if s.key not in old_by_key]
    similar = pair_by_similarity(
        old_rest,
        new_rest,
        _section_score,
        TITLE_THRESHOLD,
        texts=(lambda section: section.title, lambda section: section.text),
        same=lambda section: normalise(section.title),
    )
    pairs.extend((a, b) for a, b, _ in similar)
    result.section_keys = {a.key: b.key for a, b in pairs}
    paired_old = {a.key for a, _ in pairs}
    paired_new = {b.key for _, b in pairs}
    for section in result.new.sections:
        if section.key not in paired_new:
            result.changes.append(
                Change(
                    Kind.SECTION_ADDED,
                    Bump.MINOR,
                    section.key,
                    section.key,
                    f"section added: {section.title}",
                    new=section.title,
                )
            )
    for section in result.old.sections:
        if section.key not in paired_old:
            result.changes.append(
                Change(
                    Kind.SECTION_REMOVED,
                    Bump.MAJOR,
                    section.key,
                    section.key,
                    f"section removed: {section.title}",
                    old=section.title,
                )
            )
    for old, new in pairs:
        _compare_sections(result, old, new)


def _section_score(old: Section, new: Section) -> float:
    title = similarity(old.title, new.title)
    if len(normalise(old.text)) >= 40 and similarity(old.text, new.text) >= CLAUSE_THRESHOLD:
        return max(title, 0.99)
    return title


def _compare_sections(result: SpecDiff, old: Section, new: Section) -> None:
    if old.title != new.title or old.key != new.key:
        what = f"title `{old.title}` -> `{new.title}`" if old.title != new.title else ""
        if old.key != new.key:
            what = f"{what}; id {old.key} -> {new.key}".lstrip("; ")
        result.changes.append(
            Change(
                Kind.SECTION_RENAMED,
                Bump.PATCH,
                new.key,
                new.key,
                f"section renamed: {what}",
                old=old.title,
                new=new.title,
            )
        )
    if old.parent is not None and result.section_keys.get(old.parent) != new.parent:
        result.changes.append(
            Change(
                Kind.SECTION_MOVED,
                Bump.PATCH,
                new.key,
                new.key,
                f"section moved from `{result.title(old.parent)}` to `{result.title(new.parent)}`",
                old=old.parent,
                new=new.parent,
            )
        )
    if old.authority != new.authority:
        bump, how = _authority_bump(old.authority, new.authority)
        stated = "" if old.stated_authority != new.stated_authority else " (inherited)"
        result.changes.append(
            Change(
                Kind.SECTION_AUTHORITY,
                bump,
                new.key,
                new.key,
                f"section authority {how}: {_name(old.authority)} -> {_name(new.authority)}"
                + stated,
                old=_name(old.authority),
                new=_name(new.authority),
            )
        )
    elif (old.stated_authority or "").lower() != (new.stated_authority or "").lower():
        result.changes.append(
            Change(
                Kind.SECTION_AUTHORITY_RENAMED,
                Bump.PATCH,
                new.key,
                new.key,
                f"authority renamed: {old.stated_authority or 'none'} -> "
                f"{new.stated_authority or 'none'} (same level)",
                old=(old.stated_authority or "").lower(),
                new=(new.stated_authority or "").lower(),
            )
        )


def _first_by_id(clauses: list[Clause]) -> dict[str, Clause]:
    found: dict[str, Clause] = {}
    for clause in clauses:
        found.setdefault(clause.id, clause)
    return found


def _clause_words(clause: Clause) -> str:
    return clause.text


def _clause_score(old: Clause, new: Clause) -> float:
    text = similarity(old.text, new.text, at_least=CLAUSE_THRESHOLD)
    if text < CLAUSE_THRESHOLD:
        return 0.0
    return 0.7 * text + 0.3 * similarity(old.focus, new.focus)


def _diff_clauses(result: SpecDiff) -> None:
    old_by_id = _first_by_id(result.old.clauses)
    new_by_id = _first_by_id(result.new.clauses)
    pairs = [(old_by_id[i], new_by_id[i]) for i in old_by_id if i in new_by_id]
    old_rest = [c for i, c in old_by_id.items() if i not in new_by_id]
    new_rest = [c for i, c in new_by_id.items() if i not in old_by_id]
    similar = pair_by_similarity(
        old_rest,
        new_rest,
        _clause_score,
        0.8,
        texts=(_clause_words,),
        same=lambda clause: (normalise(clause.text), normalise(clause.focus)),
    )
    pairs.extend((a, b) for a, b, _ in similar)
    result.clause_ids = {a.id: b.id for a, b in pairs}
    paired_new = set(result.clause_ids.values())
    for clause in new_by_id.values():
        if clause.id not in paired_new:
            result.changes.append(
                Change(
                    Kind.CLAUSE_ADDED,
                    Bump.MINOR,
                    clause.id,
                    clause.section,
                    f"clause [^{clause.id}] added",
                    new=clause.text,
                )
            )
    for clause in old_by_id.values():
        if clause.id not in result.clause_ids:
            result.changes.append(
                Change(
                    Kind.CLAUSE_REMOVED,
                    Bump.MAJOR,
                    clause.id,
                    result.section_keys.get(clause.section or "", clause.section),
                    f"clause [^{clause.id}] removed",
                    old=clause.text,
                )
            )
    for old, new in pairs:
        _compare_clauses(result, old, new)


def _compare_clauses(result: SpecDiff, old: Clause, new: Clause) -> None:
    def add(kind: Kind, bump: Bump, message: str, **values: str | None) -> None:
        result.changes.append(Change(kind, bump, new.id, new.section, message, **values))

    if old.id != new.id:
        add(
            Kind.CLAUSE_ID_CHANGED,
            Bump.PATCH,
            f"clause id [^{old.id}] -> [^{new.id}]",
            old=old.id,
            new=new.id,
        )
    if normalise(old.text) != normalise(new.text):
        add(
            Kind.CLAUSE_REWORDED,
            Bump.PATCH,
            f"clause [^{new.id}] reworded",
            old=old.text,
            new=new.text,
            word_diff=word_diff(old.text, new.text),
        )
    mapped = result.section_keys.get(old.section or "")
    if old.section is not None and mapped != new.section:
        add(
            Kind.CLAUSE_MOVED,
            Bump.PATCH,
            f"clause [^{new.id}] moved from `{result.title(old.section)}`"
            f" to `{result.title(new.section)}`",
            old=old.section,
            new=new.section,
        )
    if old.authority != new.authority:
        bump, how = _authority_bump(old.authority, new.authority)
        via = _authority_via(result, old, new)
        add(
            Kind.CLAUSE_AUTHORITY,
            bump,
            f"clause [^{new.id}] authority {how}: "
            f"{_name(old.authority)} -> {_name(new.authority)}{via}",
            old=_name(old.authority),
            new=_name(new.authority),
        )
    before, after = modality(old.modals), modality(new.modals)
    shift = compare(before, after)
    if shift is not None:
        bump = Bump.MINOR if shift == "strengthened" else Bump.MAJOR
        add(
            Kind.CLAUSE_MODALITY,
            bump,
            f"clause [^{new.id}] modality {shift}: {before} -> {after}",
            old=str(before),
            new=str(after),
        )


def _authority_via(result: SpecDiff, old: Clause, new: Clause) -> str:
    if result.section_keys.get(old.section or "") == new.section and new.section is not None:
        return f" (via its section `{result.title(new.section)}`)"
    return f" (moved to section `{result.title(new.section)}`)"


def _example_key(example: Example, index: int) -> str:
    return normalise(example.title) if example.title else f"#{index + 1}"


def _example_body(example: Example) -> tuple[Any, ...]:
    turns = tuple((turn.role, normalise(turn.content)) for turn in example.turns)
    replies = tuple(
        (reply.label, normalise(reply.content)) for c in example.comparisons for reply in c.replies
    )
    return turns, replies


def _diff_prompt_files(result: SpecDiff) -> None:
    old_files = {p.id: p for p in result.old.prompt_files}
    new_files = {p.id: p for p in result.new.prompt_files}
    new_clauses = {c.id: c for c in result.new.clauses}
    old_clauses = {c.id: c for c in result.old.clauses}
    removed_clauses = set(old_clauses) - set(result.clause_ids)
    added_clauses = set(new_clauses) - set(result.clause_ids.values())
    seen_new: set[str] = set()
    for old_id, old_file in old_files.items():
        new_id = result.clause_ids.get(old_id, old_id)
        clause = new_clauses.get(new_id)
        section = clause.section if clause else None
        new_file = new_files.get(new_id)
        if new_file is None:
            if old_id not in removed_clauses:
                result.changes.append(
                    Change(
                        Kind.PROMPT_REMOVED,
                        Bump.PATCH,
                        new_id,
                        section,
                        f"prompt file {old_file.path} removed",
                        old=old_file.path,
                    )
                )
            continue
        seen_new.add(new_id)
        message = _prompt_changes(old_file, new_file)
        if message:
            result.changes.append(
                Change(
                    Kind.PROMPT_EDITED,
                    Bump.PATCH,
                    new_id,
                    section,
                    f"prompt file {new_file.path}: {message}",
                    old=old_file.path,
                    new=new_file.path,
                )
            )
    for new_id, new_file in new_files.items():
        if new_id in seen_new or new_id in added_clauses:
            continue
        clause = new_clauses.get(new_id)
        result.changes.append(
            Change(
                Kind.PROMPT_ADDED,
                Bump.PATCH,
                new_id,
                clause.section if clause else None,
                f"prompt file {new_file.path} added ({len(new_file.examples)} examples)",
                new=new_file.path,
            )
        )


def _prompt_changes(old: PromptFile, new: PromptFile) -> str:
    parts = [_example_changes(old.examples, new.examples)] if old.examples or new.examples else []
    parts = [part for part in parts if part]
    if old.front_matter != new.front_matter:
        parts.append("front matter (checks) changed")
    return "; ".join(parts)


def _example_changes(old: list[Example], new: list[Example]) -> str:
    """`examples added: 'a'; examples edited: 'b'` for two lists of examples matched by title."""
    before = {_example_key(e, i): _example_body(e) for i, e in enumerate(old)}
    after = {_example_key(e, i): _example_body(e) for i, e in enumerate(new)}
    titles = {_example_key(e, i): e.title or f"#{i + 1}" for i, e in enumerate(old)}
    titles.update({_example_key(e, i): e.title or f"#{i + 1}" for i, e in enumerate(new)})
    parts: list[str] = []
    for label, keys in (
        ("examples added", [k for k in after if k not in before]),
        ("examples removed", [k for k in before if k not in after]),
        ("examples edited", [k for k in after if k in before and after[k] != before[k]]),
    ):
        if keys:
            parts.append(f"{label}: " + ", ".join(f"`{titles[k]}`" for k in keys))
    return "; ".join(parts)


#: Least similarity at which an edited prose sentence counts as reworded rather than replaced.
PROSE_THRESHOLD = 0.6


def prose_sentences(section: Section) -> list[str]:
    """The sentences of a section's own text that carry no clause tag, normalised."""
    return [normalise(sentence) for sentence in _prose(section)]


def _prose(section: Section) -> list[str]:
    """The sentences of a section's own text that carry no clause tag, as written."""
    found: list[str] = []
    for block in section.text.split("\n\n"):
        flat = " ".join(block.split())
        for start, end in sentence_bounds(flat):
            sentence = flat[start:end]
            if not CLAUSE_TAG.search(sentence) and len(sentence) > 3:
                found.append(sentence)
    return found


def _diff_section_bodies(result: SpecDiff) -> None:
    """Untagged prose and inline examples of each section present in both versions."""
    old_by_key = {s.key: s for s in result.old.sections}
    new_by_key = {s.key: s for s in result.new.sections}
    for old_key, new_key in result.section_keys.items():
        old, new = old_by_key[old_key], new_by_key[new_key]
        _compare_prose(result, old, new)
        _compare_inline_examples(result, old, new)


def _retagged(result: SpecDiff, kind: Kind, section: str, sentences: dict[str, str]) -> set[str]:
    """Turn `clause-added` (or `-removed`) changes in `section` whose sentence is one of the
    untagged `sentences` gone (or come) into one `clause-tagged` (`clause-untagged`) change;
    the sentences they account for."""
    used: set[str] = set()
    for index, change in enumerate(result.changes):
        if change.kind is not kind or change.section != section:
            continue
        sentence = normalise(change.new if kind is Kind.CLAUSE_ADDED else change.old or "")
        written = next(
            (text for key, text in sentences.items() if key.rstrip(".") == sentence.rstrip(".")),
            None,
        )
        if written is None:
            continue
        used.add(normalise(written))
        if kind is Kind.CLAUSE_ADDED:
            result.changes[index] = Change(
                Kind.CLAUSE_TAGGED,
                Bump.PATCH,
                change.id,
                change.section,
                f"clause [^{change.id}] tags an existing sentence",
                new=change.new,
            )
        else:
            result.changes[index] = Change(
                Kind.CLAUSE_UNTAGGED,
                Bump.MAJOR,
                change.id,
                change.section,
                f"clause [^{change.id}] untagged: its sentence stays, untested",
                old=change.old,
            )
    return used


def _compare_prose(result: SpecDiff, old: Section, new: Section) -> None:
    before = {normalise(s): s for s in _prose(old)}
    after = {normalise(s): s for s in _prose(new)}
    gone = {key: text for key, text in before.items() if key not in after}
    came = {key: text for key, text in after.items() if key not in before}
    for key in _retagged(result, Kind.CLAUSE_ADDED, new.key, gone):
        gone.pop(key, None)
    for key in _retagged(result, Kind.CLAUSE_REMOVED, new.key, came):
        came.pop(key, None)
    if not gone and not came:
        return
    reworded = pair_by_similarity(
        list(gone),
        list(came),
        similarity,
        PROSE_THRESHOLD,
        texts=(str,),
        same=normalise,
        jaccard=0.3,
    )
    paired_old = {a for a, _, _ in reworded}
    paired_new = {b for _, b, _ in reworded}
    added = [came[key] for key in came if key not in paired_new]
    removed = [gone[key] for key in gone if key not in paired_old]
    pairs = [(gone[a], came[b]) for a, b, _ in reworded]
    parts = [
        f"{count} sentence{'s' if count != 1 else ''} {what}"
        for count, what in (
            (len(added), "added"),
            (len(removed), "removed"),
            (len(reworded), "reworded"),
        )
        if count
    ]
    lines = [word_diff(a, b) for a, b in pairs]
    lines += [f"[-{sentence}-]" for sentence in removed]
    lines += [f"{{+{sentence}+}}" for sentence in added]
    result.changes.append(
        Change(
            Kind.SECTION_TEXT,
            Bump.PATCH,
            new.key,
            new.key,
            f"untagged prose changed: {', '.join(parts)}",
            old="\n".join([a for a, _ in pairs] + removed) or None,
            new="\n".join([b for _, b in pairs] + added) or None,
            word_diff="\n".join(lines),
        )
    )


def _compare_inline_examples(result: SpecDiff, old: Section, new: Section) -> None:
    before = [e for e in result.old.examples if e.section == old.key]
    after = [e for e in result.new.examples if e.section == new.key]
    message = _example_changes(before, after)
    if message:
        result.changes.append(
            Change(Kind.SECTION_EXAMPLES, Bump.PATCH, new.key, new.key, f"examples: {message}")
        )
