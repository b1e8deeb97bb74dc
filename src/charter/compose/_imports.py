"""Import entries as written (`./legal`, `honesty>=1.2,<2`, `{path: ..., as: ...}`), parsed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from charter._shown import as_text
from charter._shown import written as shown
from charter.errors import SpecError

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

_ALIAS = re.compile(r"^[A-Za-z][\w-]*$")
_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z][\w.-]*)\s*(?P<spec>[<>=!~].*)?$")


class ImportEntryError(SpecError, ValueError):
    """An import entry that cannot be read; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """One import: a folder (`kind="path"`) or an installed spec package (`kind="package"`)."""

    kind: str
    target: str
    alias: str | None
    specifier: SpecifierSet | None
    written: str

    @property
    def constraint(self) -> str:
        return str(self.specifier) if self.specifier else ""


def _specifier(text: str | None, written: str) -> SpecifierSet | None:
    if text is None or not str(text).strip():
        return None
    # packaging costs ~5 ms at import; only specs that import versioned packages need it.
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(str(text))
    except InvalidSpecifier:
        raise ImportEntryError(
            f"import {written}: {shown(text)} is not a version constraint (e.g. `>=1.2,<2`)"
        ) from None


def _alias(value: Any, written: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ALIAS.match(value):
        raise ImportEntryError(
            f"import {written}: alias {shown(value)} must be a word (letters, digits, - or _)"
        )
    return value


def _from_text(text: str, written: str) -> ImportEntry:
    text = text.strip()
    if text.startswith(("./", "../", "/", "~")) or text in (".", "..") or "\\" in text:
        return ImportEntry("path", text, None, None, written)
    match = _REQUIREMENT.match(text)
    if match is None:
        raise ImportEntryError(
            f"import {written}: write a folder (`./legal`) or a package name with an optional "
            "constraint (`honesty>=1.2,<2`)"
        )
    return ImportEntry("package", match["name"], None, _specifier(match["spec"], written), written)


def as_written(value: Any) -> str:
    """An import entry the way messages name it: `./safety`, `./safety` (as safety), or the
    whole value when it names no folder or package."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        target = value.get("path", value.get("package"))
        if isinstance(target, str) and target.strip():
            alias = value.get("as")
            return shown(target.strip()) + (f" (as {as_text(alias)})" if alias is not None else "")
    return shown(value)


def parse_import(value: Any) -> ImportEntry:
    """Read one entry of `imports:`. Raises `ImportEntryError`."""
    written = as_written(value)
    if isinstance(value, str):
        return _from_text(value, written)
    if not isinstance(value, dict):
        raise ImportEntryError(f"import {written}: expected a string or a table")
    unknown = sorted(str(key) for key in value if key not in ("path", "package", "as", "version"))
    if unknown:
        raise ImportEntryError(
            f"import {written}: unknown key {shown(unknown[0])} (use path, package, as, version)"
        )
    alias = _alias(value.get("as"), written)
    specifier = _specifier(value.get("version"), written)
    if ("path" in value) == ("package" in value):
        raise ImportEntryError(f"import {written}: give exactly one of `path` and `package`")
    if "path" in value:
        if not isinstance(value["path"], str) or not value["path"].strip():
            raise ImportEntryError(f"import {written}: `path` must be a folder name")
        return ImportEntry("path", value["path"].strip(), alias, specifier, written)
    package = value["package"]
    if not isinstance(package, str):
        raise ImportEntryError(f"import {written}: `package` must be a name")
    entry = _from_text(package, written)
    if entry.kind != "package":
        raise ImportEntryError(f"import {written}: `package` must be a name, not a path")
    if entry.specifier is not None and specifier is not None:
        raise ImportEntryError(f"import {written}: give the constraint once")
    return ImportEntry("package", entry.target, alias, specifier or entry.specifier, written)
