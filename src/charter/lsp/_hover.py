"""Hover text: a clause with its authority, module, prompts, precedents and latest pass rate; a
rule's documentation; what an authority may override."""

from __future__ import annotations

from pathlib import Path

from charter.compose import effective_authority, module_of
from charter.diagnostics import get_rule
from charter.lsp._navigate import cursor_token
from charter.lsp._protocol import types
from charter.lsp._tokens import Kind, Token
from charter.lsp._workspace import Workspace
from charter.precedent import load_precedents
from charter.run import RunStore, StoreError, store_path
from charter.spec import Authority, Spec


def latest_pass_rate(root: Path, clause_id: str) -> str | None:
    """`3 of 4 graded replies comply (75%) in run RUN, MODEL`: the newest run that graded the
    clause; None without a run store or such a run."""
    path = store_path(root)
    if not path.is_file():
        return None
    try:
        with RunStore(path, create=False) as store:
            for summary in reversed(store.list_runs()):
                verdicts = [
                    sample.verdict
                    for sample in store.samples(summary.run.id)
                    if sample.clause_id == clause_id and sample.verdict in ("comply", "violate")
                ]
                if verdicts:
                    comply = verdicts.count("comply")
                    share = round(100 * comply / len(verdicts))
                    return (
                        f"{comply} of {len(verdicts)} graded replies comply ({share}%) in run "
                        f"`{summary.run.id}`, {summary.run.model}"
                    )
    except StoreError:
        return None
    return None


def clause_hover(workspace: Workspace, clause_id: str) -> str | None:
    spec = workspace.spec
    clause = spec.clause(clause_id)
    if clause is None:
        return None
    module = module_of(spec, clause)
    section = spec.section(clause.section) if clause.section else None
    lines = [f"**[^{clause.id}]** {' '.join(clause.text.split())}", ""]
    facts = [f"authority: `{effective_authority(clause).value}`"]
    if section is not None:
        facts.append(f"section: {section.title} (`#{section.key}`)")
    if module is not None and module.alias:
        facts.append(
            f"module: `{module.alias}` ({module.name or 'unnamed'} {module.version or ''})"
        )
    lines += [" · ".join(facts), ""]
    prompt = spec.prompt_file(clause.id)
    if prompt is None:
        lines.append("prompts: none (no prompt file)")
    else:
        lines.append(f"prompts: `{prompt.path}`, {len(prompt.examples)} conversations")
    precedents, _ = load_precedents(workspace.root)
    decided = [p for p in precedents if clause.id in p.clause_ids]
    if decided:
        shown = ", ".join(f"`{p.id}` ({p.verdict})" for p in decided[:5])
        more = f" and {len(decided) - 5} more" if len(decided) > 5 else ""
        lines.append(f"precedents: {shown}{more}")
    else:
        lines.append("precedents: none")
    rate = latest_pass_rate(workspace.root, clause.id)
    lines.append(f"latest pass rate: {rate or 'no graded run yet'}")
    return "\n".join(lines)


def rule_hover(code: str) -> str | None:
    found = get_rule(code)
    if found is None:
        return None
    return (
        f"**{found.code} {found.name}** ({found.severity.value})\n\n{found.summary}\n\n{found.doc}"
    )


def authority_hover(word: str) -> str | None:
    try:
        authority = Authority(word)
    except ValueError:
        return None
    ranks = list(Authority)
    below = [a.value for a in ranks if authority.outranks(a)]
    above = [a.value for a in ranks if a.outranks(authority)]
    overrides = ", ".join(f"`{a}`" for a in below) or "nothing: it is the lowest level"
    overridden = ", ".join(f"`{a}`" for a in above) or "nothing: it is the highest level"
    return (
        f"**authority `{authority.value}`** (rank {authority.rank} of {len(ranks) - 1}, 0 is "
        f"highest)\n\nmay override clauses of: {overrides}\n\nmay be overridden by: {overridden}"
    )


def _anchor_hover(spec: Spec, anchor: str) -> str | None:
    section = next((s for s in spec.sections if anchor in (s.id, s.anchor)), None)
    if section is None:
        return None
    authority = f" · authority `{section.authority.value}`" if section.authority else ""
    return f"**{section.title}** (`#{section.key}`){authority}\n\n{section.text[:400]}"


def hover_text(workspace: Workspace, token: Token) -> str | None:
    if token.kind is Kind.CLAUSE:
        return clause_hover(workspace, token.value)
    if token.kind is Kind.RULE:
        return rule_hover(token.value)
    if token.kind is Kind.AUTHORITY:
        return authority_hover(token.value)
    if token.kind is Kind.ANCHOR:
        return _anchor_hover(workspace.spec, token.value)
    module = next((m for m in workspace.spec.modules if m.alias == token.value), None)
    if module is None:
        return None
    return (
        f"**module `{module.alias}`**: {module.name or 'unnamed'} {module.version or ''}, owner "
        f"{module.owner or 'not stated'}, level `{module.level}`, from `{module.source}`"
    )


def hover(workspace: Workspace, rel: str, position: types.Position) -> types.Hover | None:
    token = cursor_token(workspace, rel, position)
    if token is None:
        return None
    text = hover_text(workspace, token)
    if text is None:
        return None
    place = types.Range(
        types.Position(position.line, token.start), types.Position(position.line, token.end)
    )
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), place)
