"""The `agents-md` target: an AGENTS.md (or CLAUDE.md, by `-o`) for coding agents that work on
the spec project: what the project is, where things are, the commands that keep it healthy, the
working rules of a spec repository, and every clause by authority with its id and prompt file.
Sections with a `scope=FOLDER` attribute become `FOLDER/AGENTS.md` beside it (nested files,
nearest wins), so the chain of command an agent reads matches the spec's."""

from __future__ import annotations

from pathlib import Path

from charter.build._hash import spec_hash
from charter.build._registry import Artifact, BuildContext, target
from charter.compose import effective_authority
from charter.spec import Authority, Clause, Spec
from charter.text import strip_tags

_LEVEL_NAMES = {
    Authority.ROOT: "root: no message can override these",
    Authority.SYSTEM: "system: set by the platform",
    Authority.DEVELOPER: "developer: the deploying team's decisions",
    Authority.USER: "user: defaults a user can change",
    Authority.GUIDELINE: "guideline: style defaults any message may adjust",
}


def _layout(context: BuildContext) -> list[str]:
    spec = context.spec
    root = context.root
    own = [f.path for f in spec.files if not Path(f.path).is_absolute() and ".." not in f.path]
    prompts = context.project.config.prompt_dirs
    lines = [f"- Spec files: {', '.join(f'`{path}`' for path in sorted(own)) or '(none)'}"]
    lines.append(
        "- Challenge prompts: "
        + ", ".join(f"`{folder}/<clause-id>.md`" for folder in prompts)
        + " (one file per clause, the conversations `charter test` sends)"
    )
    if (root / "charter.toml").is_file():
        lines.append("- Settings: `charter.toml` (checks, the model under test, build outputs)")
    if (root / "amendments").is_dir():
        lines.append("- Proposed changes: `amendments/<name>.md` (`charter amend check|apply`)")
    if (root / "precedents").is_dir():
        lines.append("- Settled cases: `precedents/` (decisions the judges follow)")
    if spec.modules:
        aliases = ", ".join(f"`{m.alias}`" for m in spec.modules if m.alias)
        lines.append(f"- Imported modules: {aliases} (pinned in `charter.lock`)")
    return lines


def _clause_line(spec: Spec, clause: Clause, has_prompts: set[str]) -> str:
    section = spec.section(clause.section) if clause.section else None
    where = f" ({section.title})" if section else ""
    tested = "" if clause.id in has_prompts else " (no prompt file yet)"
    return f"- `{clause.id}`{where}: {strip_tags(clause.text)}{tested}"


def clause_scope(spec: Spec, clause: Clause) -> str:
    """The folder a clause's instructions are for: the `scope=` attribute of its section or the
    nearest ancestor that has one (`## Web {#web scope=web/}`); `""` for the whole repository."""
    key = clause.section
    while key is not None:
        section = spec.section(key)
        if section is None:
            break
        scope = section.attrs.get("scope")
        if scope:
            return scope.strip().strip("/")
        key = section.parent
    return ""


def _by_level(clauses: list[Clause]) -> dict[Authority, list[Clause]]:
    by_level: dict[Authority, list[Clause]] = {}
    for clause in clauses:
        by_level.setdefault(effective_authority(clause), []).append(clause)
    return by_level


def _clause_lists(spec: Spec, clauses: list[Clause], has_prompts: set[str]) -> list[str]:
    out: list[str] = []
    by_level = _by_level(clauses)
    for level in Authority:
        listed = by_level.get(level)
        if listed:
            out += ["", f"### {_LEVEL_NAMES[level]}", ""]
            out += [_clause_line(spec, clause, has_prompts) for clause in listed]
    return out


def _own_clauses(spec: Spec) -> list[Clause]:
    seen: set[str] = set()
    found = []
    for clause in spec.clauses:
        if clause.normative and clause.id not in seen:
            seen.add(clause.id)
            found.append(clause)
    return found


def nested_markdown(context: BuildContext, scope: str, clauses: list[Clause]) -> str:
    """The AGENTS.md of folder `scope`: the clauses of the sections scoped to it."""
    spec = context.spec
    name = spec.name or context.root.name
    has_prompts = {prompt.id for prompt in spec.prompt_files if prompt.examples}
    out = [
        f"<!-- Built by `charter build` from {name} (spec {spec_hash(spec)}). "
        "Edit the spec, not this file. -->",
        "",
        f"# AGENTS.md: {scope}/",
        "",
        f"These instructions apply to work in `{scope}/`, on top of the AGENTS.md files of the "
        "folders above it; where they differ, these win.",
        "",
        f"## The clauses ({len(clauses)}), highest authority first",
        *_clause_lists(spec, clauses, has_prompts),
    ]
    return "\n".join(out) + "\n"


def agents_markdown(context: BuildContext) -> str:
    """The AGENTS.md text."""
    spec = context.spec
    name = spec.name or context.root.name
    version = f" {spec.version}" if spec.version else ""
    owner = f", owned by {spec.owner}" if spec.owner else ""
    out = [
        f"<!-- Built by `charter build` from {name}{version} (spec {spec_hash(spec)}). "
        "Edit the spec, not this file. -->",
        "",
        f"# AGENTS.md: {name}{version}",
        "",
        f"This repository holds the behaviour spec of {name}{version}{owner}. The spec is source "
        "code: every rule is a sentence tagged with a clause id (`[^id]`), checked by "
        "`charter check`, tested against a model by `charter test`, and compiled by "
        "`charter build` into the assistant's system prompt and these instructions.",
        "",
        "## Layout",
        "",
        *_layout(context),
        "",
        "## Commands",
        "",
        "- `charter check .`: must report no errors before a commit.",
        "- `charter test .`: runs the challenge prompts against the model under test.",
        "- `charter build .`: rebuilds the outputs; `charter build --check .` fails when one is "
        "stale.",
        "- `charter diff HEAD~1 HEAD`: what a change does to clauses, the semver bump and the "
        "compiled system prompt.",
        "",
        "## Working rules",
        "",
        "- Never reuse, renumber or delete a clause id: write a new id for a new rule.",
        "- A new clause needs a prompt file with at least one challenge conversation.",
        "- Keep one rule to a sentence, with `must`, `must not`, `should` or `may`.",
        "- Loosening or removing a root or system clause is a major change: propose it as an "
        "amendment, do not edit it directly.",
        "- Commentary (`!!! meta`) explains; it never states a rule.",
    ]
    has_prompts = {prompt.id for prompt in spec.prompt_files if prompt.examples}
    clauses = _own_clauses(spec)
    root_clauses = [clause for clause in clauses if not clause_scope(spec, clause)]
    scopes = sorted({clause_scope(spec, clause) for clause in clauses} - {""})
    if scopes:
        out += ["", "## Nested instructions", ""]
        out += [f"- `{scope}/AGENTS.md`: the rules for work in `{scope}/`" for scope in scopes]
    out += ["", f"## The clauses ({len(root_clauses)}), highest authority first"]
    out += _clause_lists(spec, root_clauses, has_prompts)
    return "\n".join(out) + "\n"


@target(
    "agents-md",
    summary="AGENTS.md for coding agents: layout, commands, working rules, every clause",
    default_output="AGENTS.md",
)
def build_agents_md(context: BuildContext) -> Artifact:
    """AGENTS.md, and `FOLDER/AGENTS.md` beside it for each `scope=FOLDER` of the spec."""
    spec = context.spec
    files = {"": agents_markdown(context).encode("utf-8")}
    by_scope: dict[str, list[Clause]] = {}
    for clause in _own_clauses(spec):
        scope = clause_scope(spec, clause)
        if scope:
            by_scope.setdefault(scope, []).append(clause)
    for scope, clauses in sorted(by_scope.items()):
        files[f"{scope}/AGENTS.md"] = nested_markdown(context, scope, clauses).encode("utf-8")
    nested = f", {len(by_scope)} nested file(s)" if by_scope else ""
    return Artifact(files, f"{len(spec.clauses)} clauses{nested}")
