"""Compose a spec with the modules it imports: resolve, check versions and cycles, namespace."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter._source import Span
from charter.compose import _rules as rules
from charter.compose._imports import ImportEntry, ImportEntryError, parse_import
from charter.compose._namespace import namespace
from charter.compose._resolve import ImportNotFound, ImportOutside, Located, locate
from charter.diagnostics import Diagnostics
from charter.plugins import hookimpl
from charter.spec import (
    CONFIG_NAME,
    Authority,
    Module,
    ProjectConfig,
    Spec,
    SpecLoadError,
    load_project,
)
from charter.text import slugify

PROJECT_LEVEL = Authority.ROOT
MODULE_LEVEL = Authority.DEVELOPER


def module_hash(spec: Spec) -> str:
    """`sha256:` over the module's spec files and prompt files (paths and contents)."""
    digest = hashlib.sha256()
    for spec_file in sorted(spec.files, key=lambda f: f.path):
        digest.update(f"spec\0{spec_file.path}\0{spec_file.sha256}\n".encode())
    root = Path(spec.root)
    for prompt_file in sorted(spec.prompt_files, key=lambda p: p.path):
        content = hashlib.sha256((root / prompt_file.path).read_bytes()).hexdigest()
        digest.update(f"prompt\0{prompt_file.path}\0{content}\n".encode())
    return "sha256:" + digest.hexdigest()


def declared_level(spec: Spec, default: Authority) -> str:
    """The module's `level:` as written (validated by the checker), or the default's name."""
    value = spec.metadata.get("level")
    return str(value).strip().lower() if value is not None else default.value


def _overrides(spec: Spec) -> list[dict[str, Any]]:
    value = spec.metadata.get("overrides", [])
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, dict) else {"invalid": item} for item in items]


def _module(spec: Spec, alias: str, located: Located | None, default: Authority) -> Module:
    return Module(
        alias=alias,
        name=spec.name,
        version=spec.version,
        owner=spec.owner,
        level=declared_level(spec, default),
        source=located.source if located else "path:.",
        root=str(Path(spec.root).resolve()),
        content_hash=module_hash(spec),
        overrides=_overrides(spec),
    )


@dataclass(slots=True)
class _Composer:
    spec: Spec
    config: ProjectConfig
    sink: Diagnostics
    project_root: Path
    by_root: dict[Path, Module] = field(default_factory=dict)
    by_alias: dict[str, Module] = field(default_factory=dict)

    def move_for(self, module_root: Path) -> Any:
        """A function from a module-relative path to a project-relative (or absolute) one."""
        inside = module_root.is_relative_to(self.project_root)

        def move(rel: str) -> str:
            full = module_root / rel
            if inside:
                return Path(os.path.relpath(full, self.project_root)).as_posix()
            return full.as_posix()

        return move

    def where(self, module: Spec, needle: str, move: Any) -> Span:
        """The line of the importing module that mentions `needle` (its front matter or
        charter.toml), for findings about that import."""
        root = Path(module.root)
        candidates = [f.path for f in module.files] + [CONFIG_NAME]
        for rel in candidates:
            path = root / rel
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
            except OSError:
                continue
            for number, line in enumerate(lines, 1):
                if needle and needle in line:
                    return Span(move(rel), number, line.index(needle) + 1)
        return Span(move(candidates[0]), 1, 1)

    def visit(self, module_spec: Spec, module: Module, boundary: Path, stack: list[Module]) -> None:
        move = self.move_for(Path(module.root)) if module.alias else (lambda rel: rel)
        for raw in module_spec.imports:
            try:
                entry = parse_import(raw)
            except ImportEntryError as error:
                needle = raw if isinstance(raw, str) else ""
                if isinstance(raw, dict):
                    needle = str(raw.get("path") or raw.get("package") or "")
                self.sink.add(
                    rules.BAD_IMPORT,
                    str(error),
                    self.where(module_spec, needle, move),
                    hint="write `./folder`, `package>=1.2,<2` or {path: ./folder, as: alias}",
                )
                continue
            self.import_one(module_spec, module, entry, boundary, stack, move)

    def import_one(
        self,
        importer: Spec,
        parent: Module,
        entry: ImportEntry,
        boundary: Path,
        stack: list[Module],
        move: Any,
    ) -> None:
        span = self.where(importer, entry.target, move)
        try:
            located = locate(entry, Path(parent.root), boundary, self.project_root)
        except ImportOutside as error:
            self.sink.add(
                rules.IMPORT_OUTSIDE,
                str(error),
                span,
                hint="import folders inside the project, or installed spec packages by name",
            )
            return
        except ImportNotFound as error:
            self.sink.add(
                rules.IMPORT_NOT_FOUND, str(error), span, hint="fix the path or install the package"
            )
            return
        on_stack = [m for m in stack if Path(m.root) == located.root]
        if on_stack:
            chain = stack[stack.index(on_stack[0]) :]
            names = " -> ".join(_label(m) for m in [*chain, on_stack[0]])
            self.sink.add(
                rules.IMPORT_CYCLE,
                f"import cycle: {names}; the import of {entry.written} is skipped",
                span,
                hint="move the clauses both need into a module that both import",
            )
            return
        known = self.by_root.get(located.root)
        if known is not None:
            wanted = entry.alias or _alias_for_name(known.name, located.root)
            parent.imports[wanted] = known.alias
            if wanted != known.alias and known.alias:
                self.sink.add(
                    rules.MODULE_UNDER_TWO_ALIASES,
                    f"import {entry.written}: this module ({known.source}) is already imported as "
                    f"`{known.alias}`, so its clauses are `{known.alias}:...`, not `{wanted}:...`",
                    span,
                    hint=f"import it as `{known.alias}` here too (`as: {known.alias}`)",
                )
            self.check_version(entry, known.version, known, span)
            return
        try:
            project = load_project(located.root, compose=False)
        except SpecLoadError as error:
            self.sink.add(
                rules.IMPORT_NOT_FOUND,
                f"import {entry.written}: {error}",
                span,
                hint="the folder must hold a spec",
            )
            return
        sub = project.spec
        alias = entry.alias or _alias_for(sub, located.root)
        if alias in self.by_alias or not alias:
            self.sink.add(
                rules.ALIAS_CLASH,
                f"import {entry.written}: alias `{alias}` is already used by "
                f"{self.by_alias[alias].source if alias in self.by_alias else 'the project'}",
                span,
                hint="give this import another alias with `as:`",
            )
            return
        module = _module(sub, alias, located, MODULE_LEVEL)
        module.imported_by = parent.alias
        parent.imports[entry.alias or alias] = alias
        self.by_root[located.root] = module
        self.by_alias[alias] = module
        self.check_version(entry, sub.version, module, span)
        sub_move = self.move_for(located.root)
        for finding in project.findings.items:
            moved = Span(
                sub_move(finding.span.file),
                finding.span.line,
                finding.span.column,
                finding.span.end_line,
            )
            self.sink.items.append(dataclasses.replace(finding, span=moved))
        self.spec.modules.append(module)
        self.visit(sub, module, located.boundary, [*stack, module])
        namespace(sub, alias, sub_move)
        self.merge(sub)

    def check_version(
        self, entry: ImportEntry, version: str | None, module: Module, span: Span
    ) -> None:
        if entry.specifier is None:
            return
        from packaging.version import InvalidVersion, Version

        try:
            ok = version is not None and Version(version) in entry.specifier
        except InvalidVersion:
            ok = False
        if not ok:
            stated = f"version {version}" if version else "no `version:`"
            self.sink.add(
                rules.VERSION_MISMATCH,
                f"import {entry.written} needs {entry.constraint}, but module `{module.alias}` "
                f"({module.source}) has {stated}",
                span,
                hint="use a matching release, or review it and change the constraint",
            )

    def merge(self, sub: Spec) -> None:
        self.spec.sections.extend(sub.sections)
        self.spec.clauses.extend(sub.clauses)
        self.spec.examples.extend(sub.examples)
        self.spec.prompt_files.extend(sub.prompt_files)
        self.spec.cross_refs.extend(sub.cross_refs)
        self.spec.commentary.extend(sub.commentary)
        self.spec.files.extend(sub.files)


def _label(module: Module) -> str:
    return f"`{module.alias or module.name or 'project'}` ({module.source})"


def _alias_for(spec: Spec, root: Path) -> str:
    return _alias_for_name(spec.name, root)


def _alias_for_name(name: str | None, root: Path) -> str:
    return slugify(name or root.name)


def compose_imports(spec: Spec, config: ProjectConfig, sink: Diagnostics) -> None:
    """Add every module `spec` imports (transitively) to it, under its alias. Findings go to
    `sink`: bad entries, missing or escaping imports, cycles, versions, alias clashes."""
    root = Path(spec.root).resolve()
    composer = _Composer(spec, config, sink, root)
    project = _module(spec, "", None, PROJECT_LEVEL)
    spec.modules = [project]
    composer.by_root[root] = project
    composer.visit(spec, project, root, [project])


@hookimpl
def charter_compose(spec: Spec, config: ProjectConfig, sink: Diagnostics) -> bool:
    """The built-in composer, registered through the plugin hook (`charter.plugins`)."""
    compose_imports(spec, config, sink)
    return True
