"""Structural checks: ids, prompt files and cross references agree with each other."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from charter.check._registry import checker
from charter.diagnostics import Diagnostics, Related, Severity, rule
from charter.spec import Clause, Section, Spec
from charter.text import edit_distance

DUPLICATE_ID = rule(
    "S101",
    "duplicate-id",
    Severity.ERROR,
    "Two sections share an id, or a clause id tags two statements.",
    """
    Ids are how runs, precedents, diffs and amendments refer to a section or clause. If two places
    share one, every result recorded under it is ambiguous.

    Example: `## Refunds {#refunds}` in one file and `## Refund policy {#refunds}` in another.

    Fix: give one of them a new id. For a clause that really spans two sentences, tag only the last.
    """,
)

CLAUSE_WITHOUT_PROMPTS = rule(
    "S102",
    "clause-without-prompts",
    Severity.ERROR,
    "A clause id has no prompt file (`examples/<id>.md` or `cases/<id>.md`).",
    """
    A clause tag promises challenge prompts that test it; without its prompt file, the clause
    cannot be executed, and a test run reports nothing for it: the spec's dangling reference.

    Example: `...must not reveal the key[^k3y9].` with no `examples/k3y9.md`.

    Fix: write `cases/k3y9.md` (or `examples/k3y9.md`) with at least one `**Example**:`.
    """,
)

ORPHAN_PROMPT_FILE = rule(
    "S103",
    "orphan-prompt-file",
    Severity.ERROR,
    "A prompt file's id is not tagged anywhere in the spec.",
    """
    A prompt file named `<id>.md` tests the clause tagged `[^id]`. When no statement carries the
    tag, its prompts test nothing: the clause was removed or renamed and the file was left behind.

    Example: `examples/zz01.md` when no sentence of the spec ends with `[^zz01]`.

    Fix: tag the statement the prompts test with `[^zz01]`, rename the file to the new id, or delete
    it.
    """,
)

MISSPELT_CLAUSE_ID = rule(
    "S104",
    "misspelt-clause-id",
    Severity.ERROR,
    "A clause id has no prompt file, and an untagged prompt file has a nearly identical name.",
    """
    One typo in a clause tag shows up twice: the tag has no prompt file, and the prompt file is
    tagged by nothing. Charter pairs the two when their ids are one or two edits apart and reports
    them as one finding.

    Example: `[^sy37]` in the spec, and `examples/sy73.md` untagged.

    Fix: correct the tag (or rename the file) so that both use the same id.
    """,
    fixable=True,
)

BROKEN_CROSS_REFERENCE = rule(
    "S105",
    "broken-cross-reference",
    Severity.ERROR,
    "A link or blame names a section id that does not exist.",
    """
    `[?](#id)` renders as the target's title, `[text](#id)` links to it and `BAD[#id]` blames a
    reply on it. A target that does not exist renders as a dead link and blames nothing.

    A target is a heading's `{#id}` or the anchor GitHub gives the heading: lower case, spaces
    as hyphens, punctuation dropped, a repeated heading numbered (`#policies--rules` for
    `## Policies & Rules`, `#faq-1` for the second `## FAQ` of a file).

    Example: `see [?](#chain_of_comand)` (a typo of `chain_of_command`).

    Fix: use an existing section id or heading anchor, or add `{#id}` to the heading meant.
    """,
)

PROMPT_FILE_ID_MISMATCH = rule(
    "S113",
    "prompt-file-id-mismatch",
    Severity.ERROR,
    "A prompt file's heading names a clause id other than its file name.",
    """
    `examples/abcd.md` starts with `Examples for [^abcd] in <section>`. When the heading names
    another id, the file was copied or renamed without its heading, and it is unclear which clause
    it tests.

    Example: `examples/abcd.md` starting `Examples for [^wxyz] in Be clear and direct:`.

    Fix: make the heading and the file name agree.
    """,
)

EMPTY_PROMPT_FILE = rule(
    "S114",
    "empty-prompt-file",
    Severity.WARNING,
    "A prompt file holds no example conversations.",
    """
    A prompt file exists to hold challenge conversations; an empty one makes its clause look
    tested when no prompt will ever be sent.

    Example: `cases/abcd.md` containing only its heading line.

    Fix: add `**Example**: title` followed by a `~~~xml` block with at least one `<user>` turn.
    """,
)

CLAUSE_IN_COMMENTARY = rule(
    "S115",
    "clause-in-commentary",
    Severity.WARNING,
    "A clause tag sits inside a `!!! meta` commentary block.",
    """
    Commentary explains the spec to readers and is not an instruction to the model, so a clause
    tagged inside it is tested as if it were normative when it is not.

    Example: a `[^ab12]` tag inside `!!! meta "Commentary"`.

    Fix: move the statement into the section's normative text, or remove the tag.
    """,
)

_MISSPELLING_DISTANCE = 2


@checker
def check_ids(spec: Spec, sink: Diagnostics) -> None:
    first_section: dict[str, Section] = {}
    for section in spec.sections:
        if section.id is None:
            continue
        other = first_section.setdefault(section.id, section)
        if other is not section:
            sink.add(
                DUPLICATE_ID,
                f"section id `{section.id}` is already used by `{other.title}`",
                section.span,
                hint="give one of the two sections another id",
                related=(Related(other.span, "first used here"),),
                length=len(section.id) + 1,
            )
    first_clause: dict[str, Clause] = {}
    for clause in spec.clauses:
        earlier = first_clause.setdefault(clause.id, clause)
        if earlier is not clause:
            sink.add(
                DUPLICATE_ID,
                f"clause id `{clause.id}` already tags another statement",
                clause.span,
                hint="tag each statement with its own id",
                related=(Related(earlier.span, "first tagged here"),),
                length=len(clause.id) + 3,
            )
    for clause in spec.clauses:
        if not clause.normative:
            sink.add(
                CLAUSE_IN_COMMENTARY,
                f"clause `{clause.id}` is tagged inside commentary, which is not normative",
                clause.span,
                hint="move the statement out of the `!!! meta` block, or remove the tag",
                length=len(clause.id) + 3,
            )


@checker
def check_prompt_files(spec: Spec, sink: Diagnostics) -> None:
    tagged = {clause.id: clause for clause in reversed(spec.clauses)}
    files = {prompt_file.id: prompt_file for prompt_file in spec.prompt_files}
    dangling = [clause_id for clause_id in tagged if clause_id not in files]
    orphans = [file_id for file_id in files if file_id not in tagged]
    paired: dict[str, str] = {}
    for clause_id in dangling:
        near = [o for o in orphans if edit_distance(clause_id, o) <= _MISSPELLING_DISTANCE]
        if len(near) == 1 and near[0] not in paired.values():
            paired[clause_id] = near[0]
    for clause_id in sorted(dangling, key=lambda c: (tagged[c].span.file, tagged[c].span.line)):
        clause = tagged[clause_id]
        if clause_id in paired:
            orphan = files[paired[clause_id]]
            sink.add(
                MISSPELT_CLAUSE_ID,
                f"clause id `{clause_id}` has no prompt file, and `{orphan.path}` is tagged by "
                f"nothing: is `{clause_id}` a misspelling of `{orphan.id}`?",
                clause.span,
                hint=f"write `[^{orphan.id}]` here, or rename the file to `{clause_id}.md`",
                related=(Related(orphan.span, f"prompt file for `{orphan.id}`"),),
                length=len(clause_id) + 3,
            )
            continue
        folders = " or ".join(f"`{path}`" for path in _prompt_file_paths(spec, clause_id))
        sink.add(
            CLAUSE_WITHOUT_PROMPTS,
            f"clause `{clause_id}` has no prompt file",
            clause.span,
            hint=f"write {folders} with challenge conversations for it",
            length=len(clause_id) + 3,
        )
    for file_id in orphans:
        if file_id in paired.values():
            continue
        orphan = files[file_id]
        sink.add(
            ORPHAN_PROMPT_FILE,
            f"prompt file `{orphan.path}` tests clause `{file_id}`, "
            "which no statement is tagged with",
            orphan.span,
            hint=f"tag the statement it tests with `[^{file_id}]`, or rename or delete the file",
        )
    for prompt_file in spec.prompt_files:
        others = [named for named in prompt_file.named_ids if named != prompt_file.id]
        if others and prompt_file.id not in prompt_file.named_ids:
            sink.add(
                PROMPT_FILE_ID_MISMATCH,
                f"`{prompt_file.path}` names clause `{others[0]}` in its heading, "
                f"but its file name says `{prompt_file.id}`",
                prompt_file.span,
                hint="make the heading's `[^id]` and the file name agree",
            )
        if not prompt_file.examples:
            sink.add(
                EMPTY_PROMPT_FILE,
                f"`{prompt_file.path}` holds no example conversations",
                prompt_file.span,
                hint="add `**Example**: title` and a ~~~xml block with a <user> turn",
            )


def _prompt_file_paths(spec: Spec, clause_id: str) -> list[str]:
    """Where a prompt file for `clause_id` would go: the clause's own module's folders."""
    alias, _, local = clause_id.rpartition(":")
    folder = ""
    module = next((m for m in spec.modules if m.alias == alias), None) if alias else None
    if module is not None:
        root = Path(module.root).resolve()
        try:
            where = root.relative_to(Path(spec.root).resolve()).as_posix()
        except ValueError:  # a module shipped in an installed package
            where = root.as_posix()
        folder = f"{where}/" if where != "." else ""
    return [f"{folder}{name}/{local}.md" for name in ("cases", "examples")]


@checker
def check_cross_references(spec: Spec, sink: Diagnostics) -> None:
    anchors = spec.anchors()
    by_lower: dict[str, list[str]] = defaultdict(list)
    for anchor in anchors:
        by_lower[anchor.lower()].append(anchor)
    for ref in spec.cross_refs:
        if ref.target in anchors:
            continue
        guess = min(anchors, key=lambda a: edit_distance(ref.target, a, 4), default=None)
        close = guess is not None and edit_distance(ref.target, guess, 4) <= 3
        what = "blames" if ref.kind == "blame" else "links to"
        sink.add(
            BROKEN_CROSS_REFERENCE,
            f"{what} `#{ref.target}`, which is not a section id"
            + (f"; did you mean `#{guess}`?" if close else ""),
            ref.span,
            hint=f"use `#{guess}`" if close else "link to an existing section id",
            length=len(ref.target) + 4,
        )
