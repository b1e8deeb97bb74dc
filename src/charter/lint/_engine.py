"""Run every lint rule over a spec's normative prose and collect findings with their fixes."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charter._buffers import read_text
from charter._memo import Memo
from charter._source import Span
from charter.lint import _clauses as clauses
from charter.lint import _phrases as phrases
from charter.lint import _rules as rules
from charter.lint._config import LintConfig
from charter.lint._finding import Edit, Finding
from charter.lint._phrases import Hit
from charter.lint._prose import Block, ProseFile, read_prose
from charter.lint._terms import TermUses, undefined_terms
from charter.lint._weak import weak_word_hits
from charter.spec import Spec

#: When phrase findings overlap, the earlier rule here wins (`as appropriate` is a loophole,
#: not also a vague term).
_PRIORITY = [
    rules.PLACEHOLDER,
    rules.AND_OR,
    rules.OPEN_ENDED_LIST,
    rules.LOOPHOLE,
    rules.DOUBLE_NEGATIVE,
    rules.CARE_HEDGE,
    rules.INNER_ACT,
    rules.VAGUE_TERM,
    rules.HYPHENATED_VAGUE,
    rules.SIZE_WORD,
    rules.VAGUE_FREQUENCY,
    rules.MODAL_STRENGTH,
    rules.VAGUE_QUANTIFIER,
    rules.UNREFERENCED_COMPARISON,
    rules.PASSIVE_WITHOUT_AGENT,
    rules.MODAL_STYLE,
]


@dataclass(slots=True)
class LintReport:
    """Findings plus the size of the text they came from."""

    findings: list[Finding] = field(default_factory=list)
    words: int = 0
    files: list[ProseFile] = field(default_factory=list)


def read_spec_prose(spec: Spec) -> list[ProseFile]:
    """The normative prose of every spec file, read from disk."""
    found = []
    for spec_file in spec.files:
        path = Path(spec.root) / spec_file.path
        text = read_text(path, errors="replace")
        found.append(read_prose(spec_file.path, text))
    return found


def lint_spec(spec: Spec, config: LintConfig | None = None) -> LintReport:
    """Every lint finding of `spec`, in file order."""
    config = config or LintConfig()
    report = LintReport(files=read_spec_prose(spec))
    defined = set().union(*(prose.definitions for prose in report.files)) if report.files else set()
    defined |= {heading for prose in report.files for heading in prose.headings}
    seen_terms: set[str] = set()
    uses = TermUses([block for prose in report.files for block in prose.blocks])
    empty = dict(clauses.without_challenge(spec))
    for prose in report.files:
        for block in prose.blocks:
            report.words += block.words()
            located = list(_block_hits(block, config.modal_style))
            located += [(None, hit) for hit in undefined_terms(block, defined, seen_terms, uses)]
            for clause_id, hit in located:
                if _allowed(block, hit, config):
                    continue
                report.findings.append(_finding(block, hit, clause_id))
            for sentence in block.sentences:
                for clause_id in sentence.clause_ids:
                    if clause_id in empty:
                        report.findings.append(
                            _coverage(block, sentence.start, clause_id, empty.pop(clause_id))
                        )
    report.findings = sorted(
        report.findings,
        key=lambda f: (f.span.file, f.span.line, f.span.column, f.rule.code),
    )
    return report


_Located = tuple[str | None, Hit]
_HITS: Memo[tuple[str, str], tuple[_Located, ...]] = Memo(16384)
"""The hits of each block text seen lately, by text and modal style: they depend on nothing
else, so an edit runs the rules again over the edited blocks only."""


def _block_hits(block: Block, modal_style: str) -> tuple[_Located, ...]:
    """The phrase hits (after overlaps are resolved) and the clause rules' hits of a block."""
    key = (block.text, modal_style)
    found = _HITS.get(key)
    if found is None:
        hits = _resolve(_phrase_hits(block, modal_style))
        found = _HITS.put(
            key,
            (
                *((None, hit) for hit in hits),
                *clauses.multiple_obligations(block),
                *clauses.ambiguous_pronouns(block),
                *clauses.untestable(block),
            ),
        )
    return found


def _phrase_hits(block: Block, modal_style: str) -> Iterator[Hit]:
    yield from phrases.placeholders(block)
    yield from phrases.and_or(block)
    yield from phrases.open_lists(block)
    yield from phrases.loopholes(block)
    yield from phrases.double_negatives(block)
    yield from phrases.vague_terms(block)
    yield from phrases.vague_quantifiers(block)
    yield from phrases.comparisons(block)
    yield from phrases.passives(block)
    yield from phrases.modal_case(block, modal_style)
    yield from weak_word_hits(block)


def _resolve(hits: Iterable[Hit]) -> list[Hit]:
    """Drop a hit that overlaps one of a rule earlier in `_PRIORITY`.

    Rules are taken in priority order; the spans kept by earlier rules are held as sorted,
    disjoint intervals, so each overlap test is a binary search (n log n, not n squared)."""
    kept: list[Hit] = []
    taken: list[tuple[int, int]] = []
    """The union of the spans kept by earlier rules: sorted, disjoint (start, end) pairs."""
    ordered = sorted(hits, key=lambda h: (_PRIORITY.index(h.rule), h.start))
    for _, group in itertools.groupby(ordered, key=lambda h: h.rule):
        of_rule = [
            hit for hit in group if hit.rule is rules.MODAL_STYLE or not _overlaps(taken, hit)
        ]
        kept.extend(of_rule)
        taken = _union(taken, [(hit.start, hit.end) for hit in of_rule])
    return kept


def _overlaps(taken: list[tuple[int, int]], hit: Hit) -> bool:
    """Whether `hit` overlaps a span of `taken` (sorted, disjoint)."""
    position = bisect.bisect_left(taken, (hit.end,)) - 1
    return position >= 0 and taken[position][1] > hit.start


def _union(taken: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted([*taken, *spans]):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _allowed(block: Block, hit: Hit, config: LintConfig) -> bool:
    if not config.allow:
        return False
    return " ".join(block.text[hit.start : hit.end].lower().split()) in config.allow


def _finding(block: Block, hit: Hit, clause_id: str | None) -> Finding:
    line, column = block.place(hit.start)
    sentence = block.sentence_at(hit.start)
    start, end = (sentence.start, sentence.end) if sentence else (hit.start, hit.end)
    if clause_id is None and sentence is not None and sentence.clause_ids:
        clause_id = sentence.clause_ids[-1]
    fix = None
    if hit.replacement is not None:
        fix_start = hit.fix_start if hit.fix_start is not None else hit.start
        fix_end = hit.fix_end if hit.fix_end is not None else hit.end
        fix = Edit(block.file, block.offset + fix_start, block.offset + fix_end, hit.replacement)
    text = block.text[hit.start : hit.end]
    return Finding(
        rule=hit.rule,
        message=hit.message,
        span=Span(block.file, line, column),
        text=text,
        offset=block.offset + hit.start,
        hint=hit.hint,
        sentence=block.excerpt(start, end),
        sentence_offset=block.offset + start,
        clause=clause_id,
        section=block.section,
        fix=fix,
    )


def _coverage(block: Block, start: int, clause_id: str, prompt_path: str) -> Finding:
    position = block.text.find(f"[^{clause_id}]", start)
    hit = Hit(
        rules.CLAUSE_WITHOUT_CHALLENGE,
        position,
        position + len(clause_id) + 3,
        f"clause `{clause_id}` has a prompt file, `{prompt_path}`, with no challenge "
        "conversation to send",
        "add an `**Example**:` with a `<user>` turn to the prompt file",
    )
    return _finding(block, hit, clause_id)
