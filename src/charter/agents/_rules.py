"""Rules for agent instruction files (`A0xx`): reading, discovery, and the checks of
`charter check REPO` on AGENTS.md, CLAUDE.md, Cursor rules and Copilot instructions."""

from __future__ import annotations

from charter.diagnostics import Severity, rule

UNREADABLE_INSTRUCTIONS = rule(
    "A001",
    "unreadable-instruction-file",
    Severity.ERROR,
    "An instruction file is binary, not UTF-8, or too large to read.",
    """
    An agent reads its instruction file as text. A file with NUL bytes, bytes that are not
    UTF-8, or more than `max-file-bytes` is reported and left out; the other instruction files
    of the repository are still read and checked.

    Example: a `CLAUDE.md` saved as UTF-16 by an editor on Windows.

    Fix: save the file as UTF-8 text, or move the binary file out of the way.
    """,
)

BROKEN_FRONT_MATTER = rule(
    "A002",
    "broken-front-matter",
    Severity.ERROR,
    "The front matter of a Cursor rule or Copilot instruction file cannot be read.",
    """
    Cursor rules (`.mdc`) and Copilot `*.instructions.md` files start with a `---` block that
    says where they apply (`globs`, `alwaysApply`, `applyTo`). The block is read as YAML, then
    leniently as `key: value` lines (Cursor accepts `globs: **/*.ts`, which is not YAML); a block
    that is neither, or that is never closed, leaves the file without its scope.

    Example: a `.mdc` file whose front matter opens with `---` and never closes.

    Fix: write one `key: value` a line and close the block with `---`.
    """,
)

UNREADABLE_FOLDER = rule(
    "A003",
    "unreadable-folder",
    Severity.WARNING,
    "A folder could not be searched for instruction files (no permission, or a link loop).",
    """
    Discovery walks the whole repository (skipping `.git`, `node_modules` and vendored folders).
    A folder it may not open, or a symbolic link that leads back into a folder already being
    walked, is reported with its path and skipped; the rest of the repository is still walked.

    Example: `docs/private/` with mode 000, or `loop -> .` inside the repository.

    Fix: make the folder readable, or remove the looping link.
    """,
)

CONFLICTING_INSTRUCTIONS = rule(
    "A004",
    "conflicting-instructions",
    Severity.ERROR,
    "Two instruction files that an agent reads together say opposite things.",
    """
    An agent working in a folder reads every instruction file on the way from the repository
    root to it, and the tool-specific file beside the generic one (`CLAUDE.md` beside
    `AGENTS.md`). When two of them instruct the opposite on the same action (`always run the
    full test suite` / `never run the full test suite`), the nearer file wins for the tools
    that read both, and a tool that reads only one follows the other rule: the outcome depends
    on which agent runs. Statements are compared as the spec conflict checker compares clauses
    (polarity, subject, action and scope).

    Example: `AGENTS.md` says "Always use npm"; `web/AGENTS.md` says "Never use npm, use pnpm".

    Fix: state the exception in the nested file ("In web/, use pnpm instead of npm"), or make
    the two files agree.
    """,
)

MISSING_PATH = rule(
    "A005",
    "missing-path",
    Severity.WARNING,
    "The instructions name a file or folder that does not exist in the repository.",
    """
    Paths written in code spans (`docs/model-visible-context.md`, `src/app/`) are looked up
    from the instruction file's folder and from the repository root. One found in neither
    place sends the agent looking for something that is not there; it is usually a file that
    was moved or renamed after the instructions were written.

    Example: "See `codex-rs/tui/styles.md`" after the file moved to `docs/tui-styles.md`.

    Fix: correct the path, or remove the sentence.
    """,
)

MISSING_COMMAND = rule(
    "A006",
    "missing-command",
    Severity.WARNING,
    "The instructions name a script, make target, just recipe or npm script that does not exist.",
    """
    Commands in code spans are checked against the repository: `./scripts/x.sh` and
    `python tools/y.py` against the files, `make T` against the Makefile's targets,
    `just T` against the justfile's recipes and `npm run T` (or pnpm, yarn, bun) against the
    `scripts` of package.json. Commands of installed tools (`cargo test`, `pytest`) are not
    checked.

    Example: "Run `make lint`" in a repository whose Makefile has no `lint` target.

    Fix: write the command the repository has, or add the target.
    """,
)

TOKEN_BUDGET = rule(
    "A007",
    "token-budget-exceeded",
    Severity.WARNING,
    "The instructions an agent loads in one folder exceed the token budget.",
    """
    Every instruction file on the chain of command of a folder is loaded into the agent's
    context before it does any work. Past a few thousand tokens, instructions crowd out the
    task and the later ones are followed less. The budget is `[agents] token-budget` in
    `charter.toml` (8,000 tokens by default, counted as four characters a token).

    Example: a 40 KB `CLAUDE.md` with the full API reference pasted into it.

    Fix: move reference material into files the instructions link to, or split the file into
    nested files that load only in their folders.
    """,
)

DUPLICATED_BLOCK = rule(
    "A008",
    "duplicated-block",
    Severity.WARNING,
    "The same instructions are written in two instruction files.",
    """
    A run of three or more identical normative sentences in two files (or one sentence that is
    long and identical) is maintained twice: the copies drift, and an agent that reads both
    spends its context on the repeat. A file that is a link to another (`CLAUDE.md ->
    AGENTS.md`) is one file, not a copy.

    Example: the same "Testing" section pasted into `AGENTS.md` and
    `.github/copilot-instructions.md`.

    Fix: keep the block in `AGENTS.md` and link to it, or make the tool-specific file a link.
    """,
)

VAGUE_INSTRUCTION = rule(
    "A009",
    "vague-instruction",
    Severity.NOTE,
    "An instruction uses a word that leaves its meaning to the agent (best practices, "
    "appropriate, when possible).",
    """
    The linter's vague terms and loopholes, tuned for coding agents: "follow best practices",
    "write clean code", "where appropriate", "as needed". An instruction whose meaning rests on
    such a word cannot be tested and is read differently by each agent.

    Example: "Always write clean, idiomatic code."

    Fix: say what is meant: "Run `ruff check` and fix every finding before you commit."
    """,
)

UNKNOWN_SCOPE_KEY = rule(
    "A010",
    "unknown-front-matter-key",
    Severity.WARNING,
    "A Cursor rule or Copilot instruction file has a front matter key its tool does not read.",
    """
    Cursor reads `description`, `globs` and `alwaysApply`; Copilot reads `applyTo` and
    `description` (and `excludeAgent`). Any other key is ignored by the tool, so a typo
    (`glob:`, `applyto:`) silently makes the file apply everywhere, or nowhere.

    Example: `alwaysapply: true` in a `.mdc` file.

    Fix: correct the key to the one the tool reads.
    """,
)

SCOPE_MATCHES_NOTHING = rule(
    "A011",
    "scope-matches-nothing",
    Severity.WARNING,
    "The `globs` or `applyTo` patterns of an instruction file match no file in the repository.",
    """
    A scoped instruction file applies only to the files its patterns match. Patterns that match
    nothing (a renamed folder, a wrong extension) leave the instructions unread.

    Example: `applyTo: "src/**/*.tsx"` in a repository whose sources are `.ts`.

    Fix: correct the patterns.
    """,
)

NO_INSTRUCTIONS = rule(
    "A012",
    "no-instructions",
    Severity.NOTE,
    "An instruction file has no normative sentence: nothing in it can be checked or tested.",
    """
    A clause is a sentence that instructs: one with a modal word (must, should, never, always,
    do not) or one that starts with an imperative verb (Use, Run, Prefer). A file with none is
    all description; an agent reads it as background.

    Example: a `CLAUDE.md` that only describes the project's layout.

    Fix: write the rules as instructions ("Run `make test` before you commit").
    """,
)
