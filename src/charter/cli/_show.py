"""`charter show`: the outline, the clause table, and one clause or section in full."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from charter._display import markup_safe as safe
from charter.spec import Section, Spec


def _authority(section: Section) -> str:
    if section.authority is None:
        return ""
    inherited = section.stated_authority is None
    return f"[dim]{section.authority.value}[/dim]" if inherited else section.authority.value


def print_outline(console: Console, spec: Spec) -> None:
    """Sections as a tree, then one row per clause."""
    title = safe(spec.name or spec.root)
    version = f"  v{safe(spec.version)}" if spec.version else ""
    tree = Tree(f"[bold]{title}[/bold]" + version)
    nodes: dict[str, Tree] = {}
    for section in spec.sections:
        label = safe(section.title)
        if section.id:
            label += f"  [cyan]#{safe(section.id)}[/cyan]"
        if section.authority:
            label += f"  {_authority(section)}"
        if section.clauses:
            label += f"  [green]{len(section.clauses)} clause(s)[/green]"
        parent = nodes.get(section.parent) if section.parent else None
        nodes[section.key] = (parent or tree).add(label)
    console.print(tree)
    prompts = {prompt_file.id: len(prompt_file.examples) for prompt_file in spec.prompt_files}
    table = Table(title=f"{len({c.id for c in spec.clauses})} clauses", show_lines=False)
    for column in ("id", "authority", "section", "modals", "prompts"):
        table.add_column(column, no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("statement", ratio=1, min_width=30, overflow="fold")
    for clause in spec.clauses:
        table.add_row(
            safe(clause.id),
            clause.authority.value if clause.authority else "",
            safe(clause.section or ""),
            ", ".join(dict.fromkeys(clause.modals)),
            str(prompts.get(clause.id, 0)),
            safe(clause.text if len(clause.text) <= 160 else clause.text[:157] + "..."),
        )
    console.print(table)


def print_clause_or_section(console: Console, spec: Spec, item: str) -> bool:
    """Print the clause or section `item` in full; False if it is neither."""
    clause = spec.clause(item.removeprefix("[^").removesuffix("]"))
    if clause is not None:
        console.print(f"[bold]clause {safe(clause.id)}[/bold]  {safe(str(clause.span))}")
        console.print(f"authority: {clause.authority.value if clause.authority else '(none)'}")
        console.print(f"section:   {safe(str(clause.section))}")
        console.print(f"modals:    {', '.join(clause.modals) or '(none)'}")
        console.print(f"\n{safe(clause.text)}\n")
        prompt_file = spec.prompt_file(clause.id)
        if prompt_file is None:
            console.print("[yellow]no prompt file[/yellow]")
            return True
        shown_path = safe(prompt_file.path)
        console.print(f"[bold]{len(prompt_file.examples)} prompt(s)[/bold] in {shown_path}")
        for example in prompt_file.examples:
            first = next((turn for turn in example.turns if turn.role == "user"), None)
            text = (first.content if first else "").replace("\n", " ")
            title = safe(example.title or "(untitled)")
            console.print(f"- {title}: [dim]{safe(text[:120])}[/dim]")
        return True
    section = spec.section(item.removeprefix("#"))
    if section is None:
        return False
    console.print(
        f"[bold]{safe(section.title)}[/bold]  #{safe(section.key)}  {safe(str(section.span))}"
    )
    console.print(f"authority: {section.authority.value if section.authority else '(none)'}")
    if section.tags:
        console.print(f"tags:      {safe(', '.join(section.tags))}")
    console.print(f"clauses:   {safe(', '.join(section.clauses)) or '(none)'}")
    console.print(f"\n{safe(section.text)}\n")
    examples = [example for example in spec.examples if example.section == section.key]
    for example in examples:
        labels = ", ".join(r.label.value for r in example.replies if r.label)
        title = safe(example.title or "(untitled)")
        console.print(f"- example: {title} [dim]{labels}[/dim]")
    return True
