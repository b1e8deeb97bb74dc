"""Rules for modules, the lock file and overrides (family C: composition and conflicts)."""

from __future__ import annotations

from charter.diagnostics import Severity, rule

LOCK_MISSING = rule(
    "C001",
    "lock-missing",
    Severity.WARNING,
    "The spec imports modules but has no `charter.lock`.",
    """
    The lock file records which version and content of each imported module the spec was checked
    against. Without it, a module can change under the spec and nobody notices; `charter publish`
    refuses to publish without one.

    Example: `imports: [./legal]` in the front matter and no `charter.lock` beside it.

    Fix: run `charter lock` and commit `charter.lock`.
    """,
)

LOCK_STALE = rule(
    "C002",
    "lock-stale",
    Severity.WARNING,
    "`charter.lock` no longer matches the imported modules.",
    """
    A module was added, removed, or its version, source or content changed since the lock was
    written. The composed spec is then not the one that was reviewed; `charter publish` refuses.

    Example: legal's `refund-limit` clause was edited after `charter lock` ran.

    Fix: review the change, then run `charter lock` again and commit the new `charter.lock`.
    """,
)

IMPORT_CYCLE = rule(
    "C003",
    "import-cycle",
    Severity.ERROR,
    "Modules import each other in a cycle.",
    """
    A module that imports itself, directly or through others, has no well-defined content or
    authority order. The import that closes the cycle is skipped.

    Example: `support` imports `./legal` and `legal` imports `../support`.

    Fix: move the shared clauses into a third module that both import.
    """,
)

IMPORT_NOT_FOUND = rule(
    "C004",
    "import-not-found",
    Severity.FATAL,
    "An import names a folder or installed spec package that does not exist.",
    """
    The composed spec would silently miss a module's clauses, so nothing can be checked.

    Example: `imports: [./legl]` when the folder is `./legal`; `honesty>=1.2` with no installed
    package offering a `charter.specs` entry point named `honesty`.

    Fix: correct the path, or install the package that ships the spec.
    """,
)

IMPORT_OUTSIDE = rule(
    "C005",
    "import-outside-project",
    Severity.FATAL,
    "An import reaches outside the project folder or the package that ships it.",
    """
    Imports may name folders inside the project (or inside the installed package that ships the
    spec), never absolute paths, `..` out of the project, or symbolic links that lead out.

    Example: `imports: [../../etc/passwd]`.

    Fix: copy the module into the project, or ship it as a package with a `charter.specs` entry
    point and import it by name.
    """,
)

BAD_IMPORT = rule(
    "C006",
    "bad-import",
    Severity.FATAL,
    "An import entry cannot be read: wrong shape, bad alias or bad version constraint.",
    """
    An import is a string (`./legal`, `honesty>=1.2,<2`) or a table with `path` or `package`,
    and optional `as` (alias) and `version` (a PEP 440 specifier).

    Example: `imports: [{path: ./legal, version: "about 2"}]`.

    Fix: write the entry in one of the forms above.
    """,
)

VERSION_MISMATCH = rule(
    "C007",
    "import-version-mismatch",
    Severity.ERROR,
    "An imported module's version does not satisfy the import's constraint.",
    """
    The constraint says which releases of the module the spec was written against; the module's
    front-matter `version:` is outside it (or missing).

    Example: `honesty>=1.2,<2` while the installed honesty spec says `version: 2.0.0`.

    Fix: install a matching release, or review the new release and widen the constraint.
    """,
)

ALIAS_CLASH = rule(
    "C008",
    "alias-clash",
    Severity.ERROR,
    "Two different modules are imported under the same alias.",
    """
    Ids of imported clauses are `alias:id`; two modules under one alias would make them ambiguous.
    The second module is skipped.

    Example: `{path: ./legal, as: policy}` and `{path: ./brand, as: policy}`.

    Fix: give one of them another alias with `as:`.
    """,
)

MODULE_UNDER_TWO_ALIASES = rule(
    "C009",
    "module-under-two-aliases",
    Severity.WARNING,
    "One module folder or package is imported under two different aliases.",
    """
    A module is composed once, so its clauses get one name: the alias of the first import that
    reaches it. A second import under another alias (often a diamond: the project and one of its
    modules both import the same folder) still works in that importer's `overrides:`, but ids
    such as `sec:no-weapons` do not exist in the composed spec, in reports or on the command line.

    Example: the project imports `{path: ./safety, as: safety}` and `./legal` imports
    `{path: ../safety, as: sec}`: the clauses are `safety:...` only.

    Fix: use the same alias (`as:`) in every import of the module.
    """,
)

ILLEGAL_OVERRIDE = rule(
    "C101",
    "illegal-override",
    Severity.ERROR,
    "An override the chain of command does not allow.",
    """
    Root clauses can never be overridden; system clauses only by a module at `level: system`;
    developer and user clauses only explicitly, in `overrides:`; and an override only goes
    downward: the overriding clause must have at least the authority of the clause it replaces.

    Example: the support module (level developer) lists `- clause: legal:no-pan` in `overrides:`
    while `legal:no-pan` is a root clause.

    Fix: remove the override and comply with the clause, or ask its owner to change it.
    """,
)

OVERRIDE_TARGET_UNKNOWN = rule(
    "C102",
    "override-target-unknown",
    Severity.ERROR,
    "An override names a clause that does not exist.",
    """
    `overrides:` entries name the overridden clause as `module:id` and the local clause that
    replaces it with `by:`; both must exist in the composed spec.

    Example: `- {clause: legal:refund-limt, by: refunds, why: ...}` (a typo).

    Fix: correct the ids; `charter show` lists every clause.
    """,
)

AUTHORITY_ABOVE_LEVEL = rule(
    "C103",
    "authority-above-level",
    Severity.ERROR,
    "A module's clause claims more authority than the module's level allows.",
    """
    A module's front matter `level:` (default `developer` for imported modules, `root` for the
    project) is the highest authority its sections may state. A team cannot promote its own rules
    above the chain of command by writing `authority=root`.

    Example: the brand module has `level: guideline` and a section `{#tone authority=system}`.

    Fix: lower the section's authority, or have the module raised to that level by its importer.
    """,
)

BAD_OVERRIDE = rule(
    "C104",
    "bad-override",
    Severity.ERROR,
    "An `overrides:` entry is not a table with `clause`, `by` and `why`.",
    """
    Every override says which clause it replaces (`clause: module:id`), with which local clause
    (`by: id`) and why (`why:`), so that reviewers can see who changed what.

    Example: `overrides: [legal:refund-limit]`.

    Fix: write `- {clause: legal:refund-limit, by: refunds, why: "..."}`.
    """,
)
