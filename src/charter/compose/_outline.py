"""A composed spec as `charter show` prints it: the outline, the clause table, and one clause or
section in full (effective authorities, the modules they come from)."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from charter._display import markup_safe as safe
from charter.compose._overrides import DEFAULT_AUTHORITY, effective_authority
from charter.spec import Authority, Section, Spec


def _authority(section: Section) -> str:
    if section.authority is None:
        return ""
    inherited = section.stated_authority is None
    return f"[dim]{section.authority.value}[/dim]" if inherited else section.authority.value


def _effective(authority: Authority | None) -> str:
    """An authority as `charter show` prints it: the default level says that it is one."""
    return authority.value if authority else f"{DEFAULT_AUTHORITY.value} (default)"


#: Columns the statement needs at the least to be read; below that, clauses print one by one.
_STATEMENT_MIN = 24


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
    print_clause_table(console, spec)


def print_clause_table(console: Console, spec: Spec) -> None:
    """One row per clause: id and authority in full, the statement wrapped in the width left,
    with its section, modal words and prompt count under it."""
    prompts = {prompt_file.id: len(prompt_file.examples) for prompt_file in spec.prompt_files}
    heading = f"{len({c.id for c in spec.clauses})} clauses"
    id_width = max((len(clause.id) for clause in spec.clauses), default=2)
    authority_width = len("authority")
    for clause in spec.clauses:
        authority_width = max(authority_width, len(effective_authority(clause).value))
    # Two borders and two padding columns around each of the three cells, one border at the end.
    statement_width = console.width - id_width - authority_width - 3 * 3 - 1
    rows = [
        (
            Text(clause.id, style="bold"),
            Text(effective_authority(clause).value, style="" if clause.authority else "dim"),
            _statement(clause.text, clause.section, clause.modals, prompts.get(clause.id, 0)),
        )
        for clause in spec.clauses
    ]
    if statement_width < _STATEMENT_MIN:
        console.print(heading)
        for clause_id, authority, statement in rows:
            console.print(Text.assemble(clause_id, "  ", authority))
            console.print(Padding(statement, (0, 0, 0, 2)))
        return
    table = Table(title=heading, show_lines=True)
    table.add_column("id", no_wrap=True, min_width=id_width)
    table.add_column("authority", no_wrap=True, min_width=authority_width)
    table.add_column("statement", overflow="fold", min_width=_STATEMENT_MIN, ratio=1)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _statement(text: str, section: str | None, modals: list[str], prompts: int) -> Text:
    statement = Text(text)
    details = [f"section {section}" if section else "(before the first section)"]
    if modals:
        details.append(", ".join(dict.fromkeys(modals)))
    details.append(f"{prompts} prompt{'s' if prompts != 1 else ''}")
    statement.append("\n" + " · ".join(details), style="dim")
    return statement


def print_clause_or_section(console: Console, spec: Spec, item: str) -> bool:
    """Print the clause or section `item` in full; False if it is neither."""
    clause = spec.clause(item.removeprefix("[^").removesuffix("]"))
    if clause is not None:
        console.print(f"[bold]clause {safe(clause.id)}[/bold]  {safe(str(clause.span))}")
        console.print(f"authority: {_effective(clause.authority)}")
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
    console.print(f"authority: {_effective(section.authority)}")
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
