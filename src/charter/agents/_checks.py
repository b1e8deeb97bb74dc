"""The `A0xx` checks of a repository's instruction files, run by `charter check REPO`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath

from charter._glob import matches
from charter._source import Span
from charter.agents._chain import chain_of_command
from charter.agents._clauses import normalise
from charter.agents._commands import forget_files, missing_command
from charter.agents._formats import COPILOT_SCOPED, CURSOR_RULE, GENERIC, TOOLS
from charter.agents._rules import (
    CONFLICTING_INSTRUCTIONS,
    DUPLICATED_BLOCK,
    MISSING_COMMAND,
    MISSING_PATH,
    NO_INSTRUCTIONS,
    SCOPE_MATCHES_NOTHING,
    TOKEN_BUDGET,
    UNKNOWN_SCOPE_KEY,
    VAGUE_INSTRUCTION,
)
from charter.conflict import Statement, opposite_modality, statements
from charter.diagnostics import Diagnostics, Related, checker
from charter.spec import Clause, InstructionFile, Spec, did_you_mean

DEFAULT_TOKEN_BUDGET = 8000
#: Identical normative sentences in a row that make a duplicated block.
DUPLICATE_RUN = 3
#: An identical sentence this many words long is a duplicated block on its own.
DUPLICATE_WORDS = 20
FRONT_MATTER_KEYS = {
    CURSOR_RULE.name: ("description", "globs", "alwaysApply"),
    COPILOT_SCOPED.name: ("applyTo", "description", "excludeAgent", "name"),
}
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_PATH_LIKE = re.compile(r"^(?:\.{1,2}/)?[\w@.+-]+(?:/[\w@.+-]+)*/?$")
_EXTENSIONS = frozenset(
    [
        "md",
        "mdc",
        "txt",
        "rst",
        "py",
        "pyi",
        "rs",
        "ts",
        "tsx",
        "js",
        "jsx",
        "mjs",
        "cjs",
        "json",
        "jsonc",
        "toml",
        "yaml",
        "yml",
        "lock",
        "sh",
        "bash",
        "zsh",
        "go",
        "java",
        "kt",
        "kts",
        "rb",
        "php",
        "cs",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "swift",
        "scala",
        "sql",
        "proto",
        "html",
        "css",
        "scss",
        "vue",
        "svelte",
        "snap",
        "ini",
        "cfg",
        "conf",
        "xml",
        "gradle",
        "bzl",
        "bazel",
        "ipynb",
    ]
)
_GENRE_VAGUE = (
    "best practices",
    "good practices",
    "clean code",
    "clean, idiomatic",
    "idiomatic",
    "high-quality",
    "high quality",
    "well-structured",
    "well structured",
    "be careful",
    "carefully",
)
_NOT_VAGUE_HERE = frozenset({"quick", "quickly", "easy", "easily"})


def _is_repository(spec: Spec) -> bool:
    return bool(spec.instruction_files)


def _budget(spec: Spec) -> int:
    from charter.spec import load_config

    table = load_config(Path(spec.root)).raw.get("agents", {})
    value = table.get("token-budget", DEFAULT_TOKEN_BUDGET) if isinstance(table, dict) else None
    return value if isinstance(value, int) and value > 0 else DEFAULT_TOKEN_BUDGET


def _clauses_by_file(spec: Spec) -> dict[str, list[Clause]]:
    found: dict[str, list[Clause]] = {file.path: [] for file in spec.instruction_files}
    for clause in spec.clauses:
        found.setdefault(clause.span.file, []).append(clause)
    return found


@checker(rules=("A",))
def check_instruction_files(spec: Spec, sink: Diagnostics) -> None:
    """Every A rule over the instruction files of a repository (nothing for other specs)."""
    if not _is_repository(spec):
        return
    forget_files()
    by_file = _clauses_by_file(spec)
    repository = _Repository(Path(spec.root))
    for file in spec.instruction_files:
        _front_matter_keys(spec, file, sink)
        if file.same_as is not None:
            continue
        if not by_file.get(file.path):
            sink.add(
                NO_INSTRUCTIONS,
                f"`{file.path}` has no normative sentence (no must, should, never, or "
                "imperative verb)",
                Span(file.path, 1, 1),
                hint="write the rules as instructions, e.g. `Run make test before you commit.`",
            )
        _scope_matches(file, repository, sink)
        for clause in by_file.get(file.path, []):
            _vague(clause, sink)
        _names(spec, file, repository, sink)
    chains = _chains(spec)
    _conflicts(chains, by_file, sink)
    _duplicates(spec, by_file, sink)
    _token_budget(chains, _budget(spec), sink)


class _Repository:
    """The repository's files, walked once, for the paths and commands instructions name."""

    def __init__(self, root: Path) -> None:
        from charter.agents._discover import discover

        self.root = root
        walked = discover(root, Diagnostics())
        self.files = walked.files
        self.folders = walked.folders
        self.names = walked.names
        self.ignored_patterns = _gitignore(root)

    def ignored(self, name: str) -> bool:
        """Whether `.gitignore` at the root leaves `name` out (a generated or local path)."""
        path = name.removeprefix("./").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
        return any(
            matches(pattern, prefix) for pattern in self.ignored_patterns for prefix in prefixes
        )

    def exists(self, name: str, folder: str) -> bool:
        path = name.rstrip("/")
        if path.startswith("./"):
            path = path[2:]
        if path.startswith("../"):
            joined = PurePosixPath(folder, path).as_posix()
            path = _normpath(joined)
        if not path:
            return True
        if "/" not in path:
            return path in self.names or path in self.folders or _in_any_folder(path, self)
        inner = f"{folder}/{path}" if folder else path
        if path in self.files or path in self.folders or inner in self.files:
            return True
        if inner in self.folders:
            return True
        suffix = f"/{path}"
        return any(item.endswith(suffix) for item in self.files) or any(
            item.endswith(suffix) for item in self.folders
        )


def _gitignore(root: Path) -> list[str]:
    try:
        lines = (root / ".gitignore").read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return []
    return [
        line.strip().strip("/")
        for line in lines
        if line.strip() and not line.lstrip().startswith(("#", "!")) and line.strip("/ ")
    ]


def _in_any_folder(name: str, repository: _Repository) -> bool:
    return any(item == name or item.endswith(f"/{name}") for item in repository.folders)


def _normpath(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def _front_matter_keys(spec: Spec, file: InstructionFile, sink: Diagnostics) -> None:
    known = FRONT_MATTER_KEYS.get(file.format)
    if known is None:
        return
    front = next((f.front_matter for f in spec.files if f.path == file.path), {})
    for key in front:
        if key in known:
            continue
        guess = did_you_mean(key, known)
        sink.add(
            UNKNOWN_SCOPE_KEY,
            f"front matter key `{key}` is not one the tool reads ({', '.join(known)})",
            Span(file.path, _line_of(Path(spec.root) / file.path, f"{key}:"), 1),
            hint=f"did you mean `{guess}`?" if guess else "remove it, or correct its name",
            length=len(key),
        )


def _line_of(path: Path, needle: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 1
    return next((number for number, line in enumerate(lines, 1) if needle in line), 1)


def _scope_matches(file: InstructionFile, repository: _Repository, sink: Diagnostics) -> None:
    if not file.globs:
        return
    prefix = f"{file.scope}/" if file.scope else ""
    inner = [path[len(prefix) :] for path in repository.files if path.startswith(prefix)]
    if any(matches(pattern, path) for pattern in file.globs for path in inner):
        return
    sink.add(
        SCOPE_MATCHES_NOTHING,
        f"`{', '.join(file.globs)}` matches no file under `{file.scope or '.'}`",
        Span(file.path, 1, 1),
        hint="correct the patterns (paths are relative to the folder holding the tool folder)",
    )


@lru_cache(maxsize=1)
def _vague_pattern() -> re.Pattern[str]:
    from charter.lint import LOOPHOLES, VAGUE_TERMS, phrase_pattern

    terms = tuple(term for term in VAGUE_TERMS if term not in _NOT_VAGUE_HERE)
    return phrase_pattern((*terms, *LOOPHOLES, *_GENRE_VAGUE))


def _vague(clause: Clause, sink: Diagnostics) -> None:
    text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), clause.text)
    words = list(dict.fromkeys(m.group(0).lower() for m in _vague_pattern().finditer(text)))
    if not words:
        return
    sink.add(
        VAGUE_INSTRUCTION,
        f"`{clause.id}` leaves its meaning to the agent: {', '.join(repr(w) for w in words)}",
        clause.span,
        hint="say what is meant: the command to run, the file, the limit",
    )


def _names(spec: Spec, file: InstructionFile, repository: _Repository, sink: Diagnostics) -> None:
    """A005 and A006 for the code spans of the file's prose (fenced code is an example)."""
    folder = str(PurePosixPath(file.path).parent)
    folder = "" if folder == "." else folder
    for line_number, column, span, line_text in _prose_code_spans(Path(spec.root) / file.path):
        command = missing_command(span, folder, repository.root, repository.exists)
        if command is not None:
            sink.add(
                MISSING_COMMAND,
                command,
                Span(file.path, line_number, column),
                hint="write the command the repository has, or add it",
                length=len(span) + 2,
            )
            continue
        if (
            _looks_like_path(span)
            and not _to_be_created(line_text, column)
            and not repository.exists(span, folder)
            and not repository.ignored(span)
        ):
            sink.add(
                MISSING_PATH,
                f"`{span}` is not a file or folder of the repository",
                Span(file.path, line_number, column),
                hint="correct the path, or remove the sentence that names it",
                length=len(span) + 2,
            )


_NEW_FILE = re.compile(r"(?:\b(?:a|an|new|create|creating|add|adding|write|writing)\s+)$", re.I)


def _to_be_created(line: str, column: int) -> bool:
    """Whether the words before a code span name a file to make (`create a `PLAN.md``)."""
    return _NEW_FILE.search(line[: column - 1]) is not None


def _prose_code_spans(path: Path) -> Iterator[tuple[int, int, str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence is not None or (line.startswith("    ") and not stripped.startswith(("-", "*"))):
            continue
        for match in _CODE_SPAN.finditer(line):
            yield number, match.start() + 1, match.group(1).strip(), line


def _looks_like_path(span: str) -> bool:
    if not _PATH_LIKE.match(span) or span.startswith(("-", "http")) or "://" in span:
        return False
    if span.endswith("/"):
        return (len(span) > 2 and "/" in span.rstrip("/")) or span.startswith("./")
    name = span.rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or extension.lower() not in _EXTENSIONS:
        return False
    return "/" in span or stem[0].isalpha()


def _folders(spec: Spec) -> list[str]:
    """Every folder that holds (or is the scope of) an instruction file, as `folder/`."""
    return sorted({f"{file.scope}/" if file.scope else "/" for file in spec.instruction_files})


def _chains(spec: Spec) -> list[tuple[str, str, list[InstructionFile]]]:
    """(folder, tool, chain) for every folder and every tool's view of it."""
    found = []
    for folder in _folders(spec):
        target = "" if folder == "/" else folder
        for tool in (GENERIC, *TOOLS):
            chain = chain_of_command(spec, target or "/", None if tool == GENERIC else tool)
            if tool == GENERIC:
                chain = [f for f in chain if f.tool == GENERIC]
            found.append((folder, tool, chain))
    return found


def _conflicts(
    chains: list[tuple[str, str, list[InstructionFile]]],
    by_file: dict[str, list[Clause]],
    sink: Diagnostics,
) -> None:
    """Opposite statements in two files of one chain (each distinct chain compared once)."""
    clauses = [clause for found in by_file.values() for clause in found]
    number = {id(clause): index for index, clause in enumerate(clauses)}
    said: dict[int, list[Statement]] = {}
    reported: set[tuple[str, str]] = set()
    compared: set[tuple[str, ...]] = set()
    for _, _, chain in chains:
        key = tuple(file.path for file in chain)
        if len(chain) < 2 or key in compared:
            continue
        compared.add(key)
        items: list[Statement] = []
        for file in chain:
            for clause in by_file.get(file.path, []):
                index = number[id(clause)]
                if index not in said:
                    said[index] = statements(clause.text, index)
                items.extend(said[index])
        for match in opposite_modality(items):
            first, second = clauses[match.first.clause], clauses[match.second.clause]
            if first.span.file == second.span.file:
                continue
            key = (first.id, second.id)
            if key in reported:
                continue
            reported.add(key)
            sink.add(
                CONFLICTING_INSTRUCTIONS,
                f"`{second.id}` ({match.second.text!r}) contradicts `{first.id}` "
                f"({match.first.text!r}); agents that read both follow the nearer file",
                second.span,
                hint="state the exception in the nested file, or make the files agree",
                related=(Related(first.span, "the instruction it contradicts"),),
            )


def _duplicates(spec: Spec, by_file: dict[str, list[Clause]], sink: Diagnostics) -> None:
    links = {file.path: file.same_as for file in spec.instruction_files if file.same_as}
    sequences = {
        path: [normalise(clause.text) for clause in clauses]
        for path, clauses in by_file.items()
        if path not in links
    }
    where: dict[str, list[tuple[str, int]]] = {}
    for path, texts in sequences.items():
        for index, text in enumerate(texts):
            where.setdefault(text, []).append((path, index))
    reported: set[tuple[str, str, int]] = set()
    for path, texts in sequences.items():
        index = 0
        while index < len(texts):
            longest = 0
            partner: tuple[str, int] | None = None
            for other, start in where.get(texts[index], []):
                if other <= path:
                    continue
                run = _run_length(texts, index, sequences[other], start)
                if run > longest:
                    longest, partner = run, (other, start)
            long_alone = longest == 1 and len(texts[index].split()) >= DUPLICATE_WORDS
            if partner is not None and (longest >= DUPLICATE_RUN or long_alone):
                other, start = partner
                if (path, other, index) not in reported:
                    reported.add((path, other, index))
                    mine, theirs = by_file[path][index], by_file[other][start]
                    what = (
                        f"{longest} instructions from `{mine.id}` on are"
                        if longest > 1
                        else f"`{mine.id}` is"
                    )
                    sink.add(
                        DUPLICATED_BLOCK,
                        f"{what} repeated word for word in `{other}` (from `{theirs.id}`)",
                        mine.span,
                        hint="keep one copy and link to it, or make one file a link",
                        related=(Related(theirs.span, "the copy"),),
                    )
                index += longest
                continue
            index += 1


def _run_length(first: list[str], i: int, second: list[str], j: int) -> int:
    run = 0
    while i + run < len(first) and j + run < len(second) and first[i + run] == second[j + run]:
        run += 1
    return run


def _token_budget(
    chains: list[tuple[str, str, list[InstructionFile]]], budget: int, sink: Diagnostics
) -> None:
    """Report each chain at the file that takes it over the budget (once per such file)."""
    reported: set[str] = set()
    for folder, tool, chain in chains:
        total = 0
        for count, file in enumerate(chain, 1):
            total += file.tokens
            if total <= budget:
                continue
            if file.path not in reported:
                reported.add(file.path)
                reader = "agents" if tool == GENERIC else tool
                sink.add(
                    TOKEN_BUDGET,
                    f"{reader} working in `{folder}` load {total:,} tokens from {count} "
                    f"instruction file{'s' if count != 1 else ''} (budget {budget:,})",
                    Span(file.path, 1, 1),
                    hint="move reference material into linked files, or raise "
                    "[agents] token-budget",
                )
            break
