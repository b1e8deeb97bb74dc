"""A repository as a spec: every instruction file read, scoped, and given stable clause ids."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from charter._source import Span
from charter.agents._discover import Discovery, discover
from charter.agents._formats import CURSOR_RULE, format_of, scope_folder
from charter.agents._front_matter import patterns
from charter.agents._lock import LOCK_NAME, Lock, LockedClause, read_lock, write_lock
from charter.agents._reader import READER_NAME, read_instructions
from charter.agents._rules import UNREADABLE_INSTRUCTIONS
from charter.diagnostics import Diagnostics
from charter.spec import (
    Document,
    InstructionFile,
    Project,
    ProjectConfig,
    PromptFile,
    Spec,
    SpecFile,
    load_config,
    read_source,
)

CHARS_PER_TOKEN = 4
#: Where challenge prompts for instruction-file clauses are, unless `[spec] prompts` says.
AGENT_PROMPT_DIRS = ("cases",)


def skipped_folders(config: ProjectConfig) -> frozenset[str]:
    """`[agents] skip`: more folders (names or relative paths) discovery leaves out."""
    table = config.raw.get("agents", {})
    value = table.get("skip", []) if isinstance(table, dict) else []
    return (
        frozenset(str(item).strip("/") for item in value)
        if isinstance(value, list)
        else frozenset()
    )


def has_instruction_files(root: Path) -> bool:
    """Whether discovery finds any instruction file under `root` (a quick yes or no)."""
    return bool(discover(root, Diagnostics()).instruction_files)


def load_instructions(root: Path, only: list[str] | None = None) -> Project:
    """Read the instruction files of the repository at `root` (or just `only`, relative paths)
    into a spec whose clauses are their normative sentences."""
    config = load_config(root)
    sink = Diagnostics()
    found = discover(root, sink, skipped_folders(config))
    names = only if only is not None else found.instruction_files
    found.links = {link: to for link, to in found.links.items() if to in names}
    lock, problem = read_lock(root)
    if problem is not None:
        sink.add(
            UNREADABLE_INSTRUCTIONS,
            problem,
            Span(LOCK_NAME, 1, 1),
            hint=f"delete {LOCK_NAME} and write it again with `charter check --write-lock`",
        )
    spec = Spec(root=str(root.resolve()))
    for name in names:
        _read_one(root, name, found, lock.get(name, []), config, spec, sink)
    spec.prompt_files = _prompt_files(spec, config, sink)
    return Project(spec, sink, config)


def _prompt_files(spec: Spec, config: ProjectConfig, sink: Diagnostics) -> list[PromptFile]:
    """Challenge prompts for the clauses (`cases/<id>.md`, or the `[spec] prompts` folders): a
    file named by the id after `#`
    tests the clause of that id when one instruction file has it (`cases/AGENTS.md/<id>.md`
    names the file too)."""
    from charter.spec import load_prompt_files

    by_bare: dict[str, list[str]] = {}
    for clause in spec.clauses:
        by_bare.setdefault(clause.id.partition("#")[2], []).append(clause.id)
    spec_table = config.raw.get("spec", {})
    if not (isinstance(spec_table, dict) and "prompts" in spec_table):
        # a repository's `examples/` is code, not challenge prompts: only `cases/` by default
        config = replace(config, prompt_dirs=list(AGENT_PROMPT_DIRS))
    found = load_prompt_files(config, sink, nested=True)
    for prompt in found:
        folder, _, bare = prompt.id.rpartition("/")
        full = f"{folder}#{bare}" if folder else None
        owners = by_bare.get(bare, [])
        chosen = full if full in owners else owners[0] if len(owners) == 1 else None
        if chosen is not None:
            prompt.id = chosen
            for example in prompt.examples:
                example.clause = chosen
    return found


def _read_one(
    root: Path,
    name: str,
    found: Discovery,
    locked: list[LockedClause],
    config: ProjectConfig,
    spec: Spec,
    sink: Diagnostics,
) -> None:
    kind = format_of(name)
    assert kind is not None
    scratch = Diagnostics()
    try:
        text = read_source(root / name, name, config.max_file_bytes, scratch)
    except OSError as error:
        text = None
        scratch.add(
            UNREADABLE_INSTRUCTIONS,
            f"cannot be read: {error.strerror or error}",
            Span(name, 1, 1),
            hint="make it readable",
        )
    for problem in scratch.items:
        sink.add(UNREADABLE_INSTRUCTIONS, problem.message, problem.span, hint=problem.hint)
    if text is None:
        return
    same_as = found.links.get(name)
    if same_as == name or same_as not in found.instruction_files:
        same_as = None
    if same_as is not None:
        text = ""  # `CLAUDE.md -> AGENTS.md`: one file, whose clauses are the target's
    document = read_instructions(name, text, sink, locked)
    _namespace_sections(document)
    front = document.front_matter
    globs = patterns(front.get("globs") if kind is CURSOR_RULE else front.get("applyTo"))
    always = front.get("alwaysApply") is True if kind is CURSOR_RULE else not globs
    if kind is CURSOR_RULE and not globs and "alwaysApply" not in front and not front:
        always = True  # a rule file without front matter (extension-less, .md) always applies
    description = front.get("description")
    spec.instruction_files.append(
        InstructionFile(
            path=name,
            format=kind.name,
            tool=kind.tool,
            scope=scope_folder(name),
            globs=globs,
            always=always,
            description=str(description) if description is not None else None,
            clauses=[clause.id for clause in document.clauses],
            tokens=(len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN,
            same_as=same_as,
        )
    )
    spec.files.append(
        SpecFile(
            name, READER_NAME, document.lines, hashlib.sha256(text.encode()).hexdigest(), front
        )
    )
    spec.sections.extend(document.sections)
    spec.clauses.extend(document.clauses)
    spec.cross_refs.extend(document.cross_refs)


def _namespace_sections(document: Document) -> None:
    """Section keys as `path#key`: every AGENTS.md has its own `Testing` section."""
    prefix = f"{document.path}#"
    for section in document.sections:
        section.key = prefix + section.key
        section.parent = prefix + section.parent if section.parent else None
        section.children = [prefix + child for child in section.children]
    for clause in document.clauses:
        clause.section = prefix + clause.section if clause.section else None


def current_lock(spec: Spec) -> Lock:
    """The lock that records the ids the spec's clauses have now."""
    lock: Lock = {}
    for clause in spec.clauses:
        path, _, clause_id = clause.id.partition("#")
        lock.setdefault(path, []).append(LockedClause(clause_id, clause.text))
    return lock


def update_lock(root: Path) -> Path:
    """Read the repository at `root` and write its clause ids to `charter.agents.lock`."""
    project = load_instructions(root)
    return write_lock(root, current_lock(project.spec))
