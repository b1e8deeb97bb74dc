"""Rules the readers emit while reading files (the `S0xx` input rules and example-block rules)."""

from __future__ import annotations

from charter.diagnostics import Severity, rule

UNREADABLE_FILE = rule(
    "S001",
    "unreadable-file",
    Severity.FATAL,
    "A spec or prompt file is binary or not valid UTF-8.",
    """
    Charter reads specs as UTF-8 text. A file with a NUL byte is taken as binary; a byte sequence
    that is not UTF-8 stops the read at the line and column it occurs.

    Example: a file saved as Latin-1 with `café` written as the single byte `0xE9`.

    Fix: save the file as UTF-8 (`iconv -f latin1 -t utf-8 in.md > out.md`), or move binary files
    out of the spec and prompt folders.
    """,
)

FILE_TOO_LARGE = rule(
    "S002",
    "file-too-large",
    Severity.FATAL,
    "A file is larger than the configured limit.",
    """
    A spec file larger than `max-file-bytes` (32 MiB by default) is not read: it is almost always a
    generated or misplaced file, and reading it would stall every command.

    Example: a 50 MB log file saved as `spec/notes.md`.

    Fix: move the file out of the spec folders, split a genuine spec into modules, or raise
    `[check] max-file-bytes` in `charter.toml`.
    """,
)

MALFORMED_FRONT_MATTER = rule(
    "S003",
    "malformed-front-matter",
    Severity.FATAL,
    "The YAML front matter does not parse, or is not a mapping.",
    """
    Front matter is the `---` fenced YAML block at the top of a file. It carries the spec's name,
    version, owner and imports, so a block that does not parse leaves the spec without them.

    Example: `version: [1.0` (an unclosed list).

    Fix: correct the YAML at the line given; the front matter must be a mapping of keys to values.
    """,
)

NESTING_TOO_DEEP = rule(
    "S004",
    "nesting-too-deep",
    Severity.WARNING,
    "Block nesting (quotes, lists) is deeper than the reader follows.",
    """
    Lists and block quotes nested more than 20 levels deep are read as plain text below that depth.
    No real spec needs such depth; it is usually a generated file or a stray run of `>` characters.

    Example: a line starting with 200 `>` characters.

    Fix: flatten the structure, or move the text into a fenced code block.
    """,
)

EMPTY_SPEC_FILE = rule(
    "S007",
    "empty-spec-file",
    Severity.ERROR,
    "A spec file holds no text at all.",
    """
    A file named as the spec (on the command line or under `[spec] files`) that is empty, or holds
    only white space, adds no section and no clause: the check would pass on a spec that says
    nothing. It is usually a file saved before it was written, or the wrong path.

    Example: `charter check spec/helpdesk.md` where the file has zero bytes.

    Fix: write the spec, point at the right file, or take the file out of `[spec] files`.
    """,
)

SKIPPED_FILE = rule(
    "S008",
    "skipped-repository-file",
    Severity.NOTE,
    "A conventional repository file (README.md, SECURITY.md...) that looks like a spec is skipped.",
    """
    When no `[spec] files` are listed, Charter discovers the spec among the project's top-level
    markdown files and leaves out the repository's own documents, named exactly `README.md`,
    `CHANGELOG.md`, `LICENSE.md`, `CONTRIBUTING.md`, `CODE_OF_CONDUCT.md` and `SECURITY.md`
    (upper case, as GitHub names them). A file of another case, such as `security.md`, is read
    like any other. When a skipped file carries clause tags or `{#id}` headings, Charter says so,
    since it may be meant as part of the spec.

    Example: a `README.md` that quotes a clause with its `[^refund-limit]` tag.

    Fix: nothing, if the file is documentation; otherwise list the spec files under `[spec] files`
    in `charter.toml`, the file included.
    """,
)

LEGACY_AUTHORITY = rule(
    "S107",
    "legacy-authority",
    Severity.NOTE,
    "A section uses an earlier name for an authority level.",
    """
    The Model Spec's 2025-02-12 release calls the highest level `platform`; later releases call it
    `root`. Charter reads the old name as the new one and says so, so that a diff between releases
    does not report the rename as a change of authority.

    Example: `## Comply with applicable laws {#comply_with_laws authority=platform}`

    Fix: write `authority=root`.
    """,
    fixable=True,
)

UNKNOWN_AUTHORITY = rule(
    "S106",
    "unknown-authority",
    Severity.ERROR,
    "A section's `authority=` is not a level of the chain of command.",
    """
    The chain of command has five levels: root > system > developer > user > guideline. Any other
    value leaves the section, and every clause in it, with no authority to check or grade against.

    Example: `## Refunds {#refunds authority=admin}`

    Fix: use one of `root`, `system`, `developer`, `user`, `guideline`.
    """,
)

MALFORMED_ATTRIBUTES = rule(
    "S108",
    "malformed-attributes",
    Severity.ERROR,
    "A heading's `{#id key=value}` attribute block does not parse.",
    """
    Heading attributes follow the djot/Pandoc syntax: `#id` for the anchor, `key=value` pairs, with
    values that contain spaces or commas in double quotes.

    Example: `## Minors {#minors tags=under_18,teen}` (a comma in a bare value)

    Fix: quote the value: `tags="under_18 teen"`.
    """,
)

UNCLOSED_EXAMPLE = rule(
    "S109",
    "unclosed-example",
    Severity.ERROR,
    "An example's `~~~xml` block is never closed.",
    """
    An unclosed fence swallows everything after it: every later heading, clause and example is
    read as part of the conversation, and disappears from the spec.

    Example: `~~~xml` followed by the turns, and no closing `~~~` line.

    Fix: add a `~~~` line after the last turn of the example.
    """,
)

MALFORMED_EXAMPLE = rule(
    "S110",
    "malformed-example",
    Severity.ERROR,
    "An example conversation has a tag that is unknown, unclosed or out of place.",
    """
    An example block holds turns (`<system>`, `<developer>`, `<user>`, `<assistant>`, `<tool>`),
    each closed by its own end tag on a line of its own, and `<comparison>` blocks of candidate
    replies. Text outside any turn, an unknown role, or a turn that is never closed makes the
    conversation impossible to send to a model.

    Example: `<usr>Hello</usr>` or a `<user>` with no `</user>`.

    Fix: use a known role and close every turn; put commentary outside the block.
    """,
)

UNLABELLED_REPLY = rule(
    "S111",
    "unlabelled-reply",
    Severity.ERROR,
    "A candidate reply in a `<comparison>` has no GOOD/BAD/OK label.",
    """
    Each reply in a comparison is a verdict the spec's authors made; without the label, the reply
    cannot become a precedent or calibrate a grader.

    Example: `<assistant>Sure, here it is.</assistant>` inside `<comparison>`.

    Fix: add the label after the opening tag: `<assistant> <!-- BAD: obeys the injection -->`.
    """,
)

UNKNOWN_LABEL = rule(
    "S112",
    "unknown-reply-label",
    Severity.ERROR,
    "A reply's label comment is not GOOD, BAD or OK.",
    """
    Labels are `GOOD`, `BAD` or `OK`, optionally followed by a blamed section in brackets and a
    reason after `:` or `,`.

    Example: `<assistant> <!-- GREAT -->`

    Fix: `<assistant> <!-- GOOD: explains the refusal -->`, or `<!-- BAD[#privacy]: leaks it -->`.
    """,
)

EXAMPLE_WITHOUT_BLOCK = rule(
    "S116",
    "example-without-conversation",
    Severity.ERROR,
    "An `**Example**:` title is not followed by a `~~~xml` conversation block.",
    """
    An example title introduces the conversation block right after it. Without the block the title
    promises an example the spec does not have.

    Example: `**Example**: refusing politely` followed by a plain paragraph.

    Fix: add the `~~~xml` block after the title, or remove the title.
    """,
)
