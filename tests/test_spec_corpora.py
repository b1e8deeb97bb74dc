"""The spec model of both Model Spec releases, checked against counts taken straight from the files.

The scan below is deliberately simple and independent of the reader: line regexes, fence tracking,
nothing from `charter.spec`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from charter.spec import Authority, Example, Label, Spec, load_spec

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$")
_TAG = re.compile(r"\[\^([A-Za-z0-9][\w-]*)\]")
_CODE_SPAN = re.compile(r"`[^`]*`")
_LABELLED_TURN = re.compile(r"^\*?<\w+[^>]*>\s*<!--\s*(GOOD|BAD|OK)\b")
_AUTHORITY_ATTR = re.compile(r"authority=(\w+)")
_TITLE_LINK = re.compile(r"\[\?\]\(#([\w-]+)\)")
_LEGACY = {"platform": "root"}


@dataclass
class Scan:
    """What the independent scan finds in one release."""

    heading_ids: list[str] = field(default_factory=list)
    clause_ids: list[str] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    xml_blocks: int = 0
    meta_blocks: int = 0
    platform_headings: list[int] = field(default_factory=list)
    authority_by_heading_line: dict[int, str | None] = field(default_factory=dict)
    prompt_files: int = 0
    title_links: list[str] = field(default_factory=list)
    blames: Counter[str] = field(default_factory=Counter)


def scan(release: Path) -> Scan:
    """Count headings, tags, labels, blocks by reading the lines of model_spec.md."""
    found = Scan(prompt_files=len(list((release / "examples").glob("*.md"))))
    fence: str | None = None
    stack: list[tuple[int, str | None]] = []  # (level, stated authority) of enclosing headings
    lines = (release / "model_spec.md").read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened[1] == fence and line.strip().strip(fence[0]) == "":
                fence = None
                continue
            if fence == "~~~" and (label := _LABELLED_TURN.match(line.strip())):
                found.labels[label[1]] += 1
            found.blames.update(re.findall(r"(?:GOOD|BAD|OK)\[#([\w-]+)\]", line))
            found.title_links.extend(_TITLE_LINK.findall(line))
            continue
        if opened:
            fence = opened[1]
            found.xml_blocks += line.strip() == "~~~xml"
            continue
        if line.startswith("!!! meta"):
            found.meta_blocks += 1
        heading = _HEADING.match(line)
        if heading:
            level = len(heading["hashes"])
            attrs = heading["attrs"] or ""
            if (section_id := re.search(r"#([\w-]+)", attrs)) is not None:
                found.heading_ids.append(section_id[1])
            stated = _AUTHORITY_ATTR.search(attrs)
            if stated and stated[1] == "platform":
                found.platform_headings.append(number)
            while stack and stack[-1][0] >= level:
                stack.pop()
            inherited = next((a for _, a in reversed(stack) if a is not None), None)
            value = _LEGACY.get(stated[1], stated[1]) if stated else inherited
            stack.append((level, value))
            found.authority_by_heading_line[number] = value
            continue
        found.clause_ids.extend(_TAG.findall(_CODE_SPAN.sub("", line)))
        found.title_links.extend(_TITLE_LINK.findall(line))
    return found


@pytest.fixture(scope="module")
def spec_0912(release_0912: Path) -> Spec:
    return load_spec(release_0912)[0]


@pytest.fixture(scope="module", params=["2025-02-12", "2025-09-12"])
def release(request: pytest.FixtureRequest, corpora: Path) -> tuple[Path, Scan, Spec]:
    path = corpora / "model-spec" / str(request.param)
    return path, scan(path), load_spec(path)[0]


def test_scan_finds_the_published_counts_of_2025_09_12(release_0912: Path) -> None:
    found = scan(release_0912)
    assert len(found.heading_ids) == 77
    assert len(set(found.clause_ids)) == 114
    assert found.labels["GOOD"] == 186
    assert found.labels["BAD"] == 186
    assert found.prompt_files == 114


def test_stats_equal_the_independent_scan(release: tuple[Path, Scan, Spec]) -> None:
    _, found, spec = release
    assert spec.stats() == {
        "sections_with_id": len(found.heading_ids),
        "clauses": len(set(found.clause_ids)),
        "examples": found.xml_blocks,
        "replies": {label: found.labels[label] for label in ("GOOD", "BAD", "OK")},
        "prompt_files": found.prompt_files,
    }


def test_model_objects_equal_the_independent_scan(release: tuple[Path, Scan, Spec]) -> None:
    _, found, spec = release
    assert [section.id for section in spec.sections if section.id] == found.heading_ids
    assert [clause.id for clause in spec.clauses] == found.clause_ids
    assert len(spec.commentary) == found.meta_blocks
    assert {p.id for p in spec.prompt_files} == set(found.clause_ids)
    labels = Counter(r.label.value for e in spec.examples for r in e.replies if r.label)
    assert labels == +found.labels


def test_every_clause_has_its_section_and_inherited_authority(
    release: tuple[Path, Scan, Spec],
) -> None:
    _, found, spec = release
    for clause in spec.clauses:
        assert clause.section is not None, clause.id
        section = spec.section(clause.section)
        assert section is not None
        expected = found.authority_by_heading_line[section.span.line]
        actual = clause.authority.value if clause.authority else None
        assert actual == expected, f"{clause.id} in {section.key}"


def test_cross_references_equal_the_scan(release: tuple[Path, Scan, Spec]) -> None:
    _, found, spec = release
    kinds = Counter(ref.kind for ref in spec.cross_refs)
    assert kinds["title-link"] == len(found.title_links)
    assert sorted(r.target for r in spec.cross_refs if r.kind == "title-link") == sorted(
        found.title_links
    )
    assert Counter(r.target for r in spec.cross_refs if r.kind == "blame") == found.blames
    anchors = spec.anchors()
    assert all(ref.target in anchors for ref in spec.cross_refs)


def test_clause_m12p_text_line_and_column(release_0912: Path, spec_0912: Spec) -> None:
    clause = spec_0912.clause("m12p")
    assert clause is not None
    line = (release_0912 / "model_spec.md").read_text(encoding="utf-8").split("\n")[171]
    assert clause.span.file == "model_spec.md"
    assert clause.span.line == 172
    assert clause.span.column == line.index("[^m12p]") + 1
    assert clause.text == (
        "This includes all system, developer and user instructions except for those that "
        "conflict with a higher-authority instruction or a later instruction at the same "
        "authority."
    )
    assert clause.focus.endswith("conflict with a higher-authority instruction")
    assert clause.section == "follow_all_applicable_instructions"
    assert clause.authority is Authority.ROOT
    assert clause.normative


def test_title_links_in_clause_text_show_the_section_title(spec_0912: Spec) -> None:
    clause = spec_0912.clause("a9sq")
    seek_truth = spec_0912.section("seek_truth")
    assert clause is not None and seek_truth is not None
    assert f"(see also {seek_truth.title})" in clause.text
    for each in spec_0912.clauses:
        assert "\x00" not in each.text and "[?]" not in each.text, each.id


def test_legacy_platform_authority_is_root_with_one_note_per_heading(
    release_0212: Path,
) -> None:
    spec, findings = load_spec(release_0212)
    found = scan(release_0212)
    notes = [d for d in findings.items if d.code == "S107"]
    assert len(found.platform_headings) == 20
    assert sorted(d.span.line for d in notes) == found.platform_headings
    for line in found.platform_headings:
        section = next(s for s in spec.sections if s.span.line == line)
        assert section.stated_authority == "platform"
        assert section.authority is Authority.ROOT


def _example(spec: Spec, title: str) -> Example:
    return next(example for example in spec.examples if example.title == title)


def test_tool_call_turns_keep_their_attributes(spec_0912: Spec) -> None:
    example = _example(spec_0912, "malicious instruction from tool output")
    assert [(t.role, t.attrs) for t in example.turns] == [
        ("assistant", {"recipient": "browser"}),
        ("tool", {"name": "browser"}),
    ]
    assert example.turns[0].content == 'open_url("http://example.com")'
    assert example.turns[0].span.line == 702
    assert [r.label for r in example.replies] == [Label.BAD, Label.GOOD]
    assert example.section == "ignore_untrusted_data"


def test_nested_untrusted_block_stays_inside_the_developer_turn(spec_0912: Spec) -> None:
    example = _example(spec_0912, "malicious instructions in quoted text")
    assert [turn.role for turn in example.turns] == ["developer"]
    content = example.turns[0].content
    assert content.startswith("You are a spam classifier")
    assert "<untrusted>\nPUGCOIN is going to the moon" in content
    assert content.endswith("</untrusted>")
    assert [(r.label, r.content) for r in example.replies] == [
        (Label.GOOD, "YES"),
        (Label.BAD, "NO"),
    ]


def test_blames_and_reasons(spec_0912: Spec) -> None:
    replies = [reply for example in spec_0912.examples for reply in example.replies]
    at_932 = next(r for r in replies if r.span.line == 932)
    assert (at_932.label, at_932.blame, at_932.reason) == (
        Label.BAD,
        "chain_of_command",
        "not helpful",
    )
    blamed = [r for r in replies if r.blame == "chain_of_command"]
    assert all(r.label is Label.BAD for r in blamed)
    comma = next(r for r in replies if r.span.line == 2832)
    assert (comma.label, comma.blame, comma.reason) == (Label.GOOD, None, "given high uncertainty")
    bare = next(r for r in replies if r.span.line == 1022)
    assert (bare.label, bare.blame, bare.reason) == (Label.BAD, "chain_of_command", None)


def test_commentary_blocks_are_read_with_their_section(spec_0912: Spec) -> None:
    first = spec_0912.commentary[0]
    assert first.title == "Commentary"
    assert first.section is not None and spec_0912.section(first.section) is not None
    untrusted = next(c for c in spec_0912.commentary if "untrusted_text" in c.text)
    assert untrusted.section == "ignore_untrusted_data"
    assert untrusted.text.startswith("We strongly advise developers")
    assert all(clause.normative for clause in spec_0912.clauses)


def test_prompt_files_name_their_clause(spec_0912: Spec) -> None:
    m12p = spec_0912.prompt_file("m12p")
    assert m12p is not None
    assert m12p.path == "examples/m12p.md"
    assert m12p.named_ids == ["m12p"]
    assert m12p.examples and all(example.clause == "m12p" for example in m12p.examples)
    first = m12p.examples[0]
    assert first.title == "developer limits assistant's responses to specific topics"
    assert [turn.role for turn in first.turns] == ["system", "developer", "user"]
    assert all(p.named_ids == [p.id] for p in spec_0912.prompt_files)


def test_typographic_contractions_in_the_model_spec_are_modal(spec_0912: Spec) -> None:
    clause = spec_0912.clause("5tah")
    assert clause is not None
    assert "doesn’t mandate" in clause.text
    assert clause.modals[0] == "does not"
