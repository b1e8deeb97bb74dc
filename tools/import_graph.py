"""The import graph of Charter's packages, read from the source with `ast` (nothing is imported).

A package is a folder under src/charter (`spec`, `check`, `run`...); a module directly under
src/charter (`diagnostics`, `errors`, `_yaml`...) is a package of its own. Each import is one of:

- `module`: at the top of a module, run when the module is imported;
- `function`: inside a function or method, run when that code runs;
- `typing`: under `if TYPE_CHECKING:`, never run.

It prints every package's dependencies (`module` and `function` imports; `typing` ones apart),
then the cycles between packages and the imports of another package's private module
(`charter.spec._markdown` from `charter.lint`, listed, not an error).

A cycle of `module` imports is an error: exit 1. A cycle that only an import inside a function
closes (the package defers it to break the cycle at import time) is printed too, and is an error
with `--strict`.

    python tools/import_graph.py [--strict] [SRC]   # SRC defaults to src/charter
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT_PACKAGE = "charter"


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    """The importing module's dotted name."""
    target: str
    """The imported module's dotted name (for `from A import b`: `A.b` if that is a module)."""
    line: int
    kind: str
    """`module`, `function` or `typing`."""


def module_name(src: Path, path: Path) -> str:
    parts = [ROOT_PACKAGE, *path.relative_to(src).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str) -> str:
    """`charter.spec._text` -> `spec`; `charter.diagnostics` -> `diagnostics`; `charter` -> ``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, kind
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk(child, "function")
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), "typing")
            for statement in child.orelse:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), kind)
        else:
            yield from _walk(child, kind)


def imports_of(src: Path, path: Path, modules: set[str]) -> list[Import]:
    name = module_name(src, path)
    is_package = path.name == "__init__.py"
    found = []
    for node, kind in _walk(ast.parse(path.read_text(encoding="utf-8")), "module"):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = []
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.append(candidate if candidate in modules else base)
        for target in targets:
            if target == ROOT_PACKAGE or target.startswith(ROOT_PACKAGE + "."):
                found.append(Import(name, target, node.lineno, kind))
    return found


def all_imports(src: Path) -> list[Import]:
    """Every import of a Charter module, once per statement and imported module."""
    paths = sorted(src.rglob("*.py"))
    modules = {module_name(src, path) for path in paths}
    found = [item for path in paths for item in imports_of(src, path, modules)]
    return list(dict.fromkeys(found))


def packages_of(src: Path) -> set[str]:
    return {package_of(module_name(src, path)) for path in src.rglob("*.py")}


def package_graph(
    imports: list[Import], kinds: tuple[str, ...], packages: set[str] | None = None
) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {package: set() for package in packages or ()}
    for found in imports:
        source, target = package_of(found.importer), package_of(found.target)
        graph.setdefault(source, set())
        if found.kind in kinds and target and source != target:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def private_imports(imports: list[Import]) -> list[Import]:
    """Imports of another package's private module: `charter.spec._text` from outside `spec`."""
    found = []
    for item in imports:
        parts = item.target.split(".")
        private = any(part.startswith("_") and part != "__init__" for part in parts[2:])
        if private and package_of(item.importer) != package_of(item.target):
            found.append(item)
    return found


def cycle_edges(imports: list[Import], members: list[str], kinds: tuple[str, ...]) -> list[Import]:
    """The imports of `kinds` between packages of one cycle."""
    inside = set(members)
    return [
        item
        for item in imports
        if item.kind in kinds
        and package_of(item.importer) in inside
        and package_of(item.target) in inside
        and package_of(item.importer) != package_of(item.target)
    ]


@dataclass(frozen=True, slots=True)
class Analysis:
    graph: dict[str, set[str]]
    """Each package's dependencies through `module` and `function` imports."""
    module_cycles: list[list[str]]
    """Cycles of `module` imports alone: an error."""
    deferred_cycles: list[list[str]]
    """Cycles that an import inside a function closes."""
    private: list[Import]


def analyse(src: Path) -> Analysis:
    imports = all_imports(src)
    graph = package_graph(imports, ("module", "function"), packages_of(src))
    module_cycles = cycles(package_graph(imports, ("module",)))
    deferred = [members for members in cycles(graph) if members not in module_cycles]
    return Analysis(graph, module_cycles, deferred, private_imports(imports))


def _cycle_lines(imports: list[Import], title: str, found: list[list[str]]) -> list[str]:
    lines = [f"{title}: {len(found)}"]
    for members in found:
        lines.append(f"  cycle: {' <-> '.join(members)}")
        for item in cycle_edges(imports, members, ("module", "function")):
            lines.append(f"    {item.importer}:{item.line} imports {item.target} ({item.kind})")
    return lines


def report(src: Path, *, strict: bool = False) -> tuple[list[str], int]:
    imports = all_imports(src)
    analysis = analyse(src)
    graph = analysis.graph
    typing_only = package_graph(imports, ("typing",))
    lines = ["package imports (module- and function-level; [typing] only under TYPE_CHECKING):"]
    for package in sorted(graph):
        running = sorted(graph[package])
        typing = sorted(typing_only.get(package, set()) - graph[package])
        shown = running + [f"[typing] {name}" for name in typing]
        lines.append(f"  {package or ROOT_PACKAGE} -> {', '.join(shown) or '(nothing)'}")
    lines += _cycle_lines(imports, "cycles of module-level imports", analysis.module_cycles)
    lines += _cycle_lines(
        imports, "cycles closed by a function-level import", analysis.deferred_cycles
    )
    lines.append(f"imports of another package's private module: {len(analysis.private)}")
    for item in analysis.private:
        lines.append(f"  {item.importer}:{item.line} imports {item.target} ({item.kind})")
    failed = analysis.module_cycles or (strict and analysis.deferred_cycles)
    return lines, 1 if failed else 0


def main(argv: list[str]) -> int:
    strict = "--strict" in argv[1:]
    rest = [arg for arg in argv[1:] if arg != "--strict"]
    src = Path(rest[0]) if rest else Path(__file__).resolve().parents[1] / "src/charter"
    lines, code = report(src, strict=strict)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
