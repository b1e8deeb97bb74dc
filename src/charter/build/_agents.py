"""The `agents-md` target: an AGENTS.md (or CLAUDE.md, by `-o`) for coding agents that work on
the spec project: what the project is, where things are, the commands that keep it healthy, the
working rules of a spec repository, and every clause by authority with its id and prompt file."""

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
    by_level: dict[Authority, list[Clause]] = {}
    seen: set[str] = set()
    for clause in spec.clauses:
        if clause.normative and clause.id not in seen:
            seen.add(clause.id)
            by_level.setdefault(effective_authority(clause), []).append(clause)
    out += ["", f"## The clauses ({len(seen)}), highest authority first"]
    for level in Authority:
        clauses = by_level.get(level)
        if not clauses:
            continue
        out += ["", f"### {_LEVEL_NAMES[level]}", ""]
        out += [_clause_line(spec, clause, has_prompts) for clause in clauses]
    return "\n".join(out) + "\n"


@target(
    "agents-md",
    summary="AGENTS.md for coding agents: layout, commands, working rules, every clause",
    default_output="AGENTS.md",
)
def build_agents_md(context: BuildContext) -> Artifact:
    return Artifact.single(agents_markdown(context), f"{len(context.spec.clauses)} clauses")
