"""The one way Charter reads YAML: bounded in size, aliases, expansion and depth, safe types only.

Every YAML a project holds (front matter of specs, prompt files and amendments, precedents,
answers files) is read here, so that a hostile file costs little: a "billion laughs" file is
refused after a few aliases, deep nesting before Python's recursion limit, and a value that does
not construct (`2025-02-30`, `!!int x`) is a `YamlError` with its line, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent

from charter.errors import SpecError

MAX_CHARS = 1_048_576
"""Longest YAML text read (1 MiB): front matter and precedents are far shorter."""
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000
"""Nodes the document would have with every alias written out in full."""
MAX_DEPTH = 64

_REFUSED_TAGS = ("binary", "set", "omap", "pairs")
"""YAML types that no Charter file uses and whose Python values (bytes, sets, tuples) no
reader expects: a file that tags a value with one is told to write plain YAML."""


class YamlError(SpecError, ValueError):
    """YAML that cannot be read: a 1-based line and column in the text, and what is wrong."""

    line: int

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message, line=line)
        self.column = column

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """The value read and its node tree (for the line of each key or item)."""

    data: Any
    node: yaml.Node | None

    def key_lines(self) -> dict[str, int]:
        """1-based line of each key of a top-level mapping."""
        if not isinstance(self.node, yaml.MappingNode):
            return {}
        return {str(key.value): key.start_mark.line + 1 for key, _ in self.node.value}

    def item_lines(self) -> list[int]:
        """1-based line of each item of a top-level sequence."""
        if not isinstance(self.node, yaml.SequenceNode):
            return []
        return [item.start_mark.line + 1 for item in self.node.value]


class _BoundedLoader(yaml.SafeLoader):
    """A `SafeLoader` whose composer counts aliases, expanded nodes and depth as it goes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.aliases = 0
        self.expanded = 0
        self.depth = 0
        self.sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _limit(event.start_mark, f"more than {MAX_ALIASES} aliases (`*name`)")
            node = super().compose_node(parent, index)
            self._grow(self.sizes.get(id(node), 1), event.start_mark)
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _limit(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
        start = self.expanded
        node = super().compose_node(parent, index)
        self.depth -= 1
        self._grow(1, event.start_mark)
        if getattr(event, "anchor", None) is not None:
            self.sizes[id(node)] = self.expanded - start
        return node

    def _grow(self, nodes: int, mark: Any) -> None:
        self.expanded += nodes
        if self.expanded > MAX_EXPANDED_NODES:
            raise _limit(mark, f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values")

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, ArithmeticError, AttributeError) as error:
            shown = str(node.value) if isinstance(node, yaml.ScalarNode) else node.tag
            if len(shown) > 40:
                shown = shown[:37] + "..."
            # PyYAML's own constructors fail on malformed scalars with whatever Python raises
            # (a failed regex match is an AttributeError): each is the value's fault.
            reason = "not written as one" if isinstance(error, AttributeError) else error
            reason = str(reason).split(";")[0]
            raise ConstructorError(
                None,
                None,
                f"cannot read `{shown}` as {_tag_name(node.tag)}: {reason}",
                node.start_mark,
            ) from None


def _tag_name(tag: str) -> str:
    return tag.rsplit(":", 1)[-1] or tag


def _refuse_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise ConstructorError(
        None,
        None,
        f"the YAML type !!{_tag_name(node.tag)} is not supported; write plain strings, numbers, "
        "lists and mappings",
        node.start_mark,
    )


for _name in _REFUSED_TAGS:
    _BoundedLoader.add_constructor(f"tag:yaml.org,2002:{_name}", _refuse_tag)


def _limit(mark: Any, what: str) -> ComposerError:
    return ComposerError(None, None, f"the YAML is refused: {what}", mark)


def load_yaml(text: str, *, max_chars: int = MAX_CHARS) -> YamlDocument:
    """Read one YAML document. Raises `YamlError` for invalid, oversized or hostile YAML."""
    if len(text) > max_chars:
        raise YamlError(
            1, 1, f"the YAML is {len(text):,} characters, over the limit of {max_chars:,}"
        )
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlError(line, column, _problem(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(1, 1, str(error).splitlines()[0]) from None
    except RecursionError:
        raise YamlError(1, 1, f"the YAML is nested too deeply (limit {MAX_DEPTH})") from None
    finally:
        loader.dispose()
    return YamlDocument(data, node)


def _problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or str(error).splitlines()[0]
    if error.context and error.context not in problem:
        return f"{problem} ({error.context})"
    return problem
